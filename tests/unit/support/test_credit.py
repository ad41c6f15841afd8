"""Loan arithmetic: the schedule, interest actual/365 (leap years included), early and
partial repayments, overdue principal and its buckets, extensions and write-offs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.support.domain.credit import (
    FactKind,
    LoanFact,
    bucket_of,
    evaluate,
    schedule,
)
from shared.contracts.codes import LoanStatus, OverdueBucket
from shared.errors import DomainError
from tests.unit.support.builders import loan


def pay(on: date, principal: int = 0, interest: int = 0, fid: str = "R") -> LoanFact:
    return LoanFact(fid, FactKind.REPAYMENT, on, principal, interest)


def test_schedule_splits_the_principal_equally_the_last_instalment_taking_the_remainder() -> None:
    s = schedule(loan(10_000_000, term=12, every=3))
    assert [(i.due_on, i.principal_vnd) for i in s] == [
        (date(2024, 4, 15), 2_500_000),
        (date(2024, 7, 15), 2_500_000),
        (date(2024, 10, 15), 2_500_000),
        (date(2025, 1, 15), 2_500_000),
    ]
    odd = schedule(loan(10_000_001, term=12, every=5))
    assert [i.principal_vnd for i in odd] == [3_333_333, 3_333_333, 3_333_335]
    assert [i.due_on for i in odd] == [date(2024, 6, 15), date(2024, 11, 15), date(2025, 1, 15)]


def test_schedule_starts_after_the_grace_period_and_clamps_to_the_month_end() -> None:
    s = schedule(loan(1_200_000, term=180, every=12, grace=60, on=date(2024, 1, 31)))
    assert s[0].due_on == date(2030, 1, 31)
    assert len(s) == 10
    assert s[-1].due_on == date(2039, 1, 31)
    feb = schedule(loan(1_000_000, term=1, every=1, on=date(2024, 1, 31)))
    assert feb[0].due_on == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("start", "end", "interest"),
    [
        (date(2024, 2, 1), date(2024, 3, 1), 524_384),  # 29 days of a leap February
        (date(2023, 2, 1), date(2023, 3, 1), 506_301),  # 28 days
        (date(2024, 1, 1), date(2025, 1, 1), 6_618_082),  # a leap year: 366/365 of the rate
        (date(2023, 1, 1), date(2024, 1, 1), 6_600_000),  # 6.6% of 100 million exactly
        (date(2024, 1, 1), date(2024, 1, 1), 0),  # the day of disbursement costs nothing
    ],
)
def test_interest_accrues_actual_365_on_the_outstanding_principal(
    start: date, end: date, interest: int
) -> None:
    terms = loan(100_000_000, term=120, every=12, on=start)
    assert evaluate(terms, [], end).interest_accrued_vnd == interest


def test_early_repayment_settles_the_next_instalments_and_lowers_interest_from_that_day() -> None:
    terms = loan(12_000_000, term=12, every=3)  # disbursed 15/01/2024
    state = evaluate(terms, [pay(date(2024, 2, 15), 6_000_000)], date(2024, 4, 15))
    # 12m × 6.6% × 31/365 + 6m × 6.6% × 60/365 (15/02–15/04/2024, February of 29 days)
    assert state.interest_accrued_vnd == 132_362
    assert evaluate(terms, [], date(2024, 4, 15)).interest_accrued_vnd == 197_458
    assert [(i.due_on, i.principal_vnd) for i in state.open_instalments] == [
        (date(2024, 10, 15), 3_000_000),
        (date(2025, 1, 15), 3_000_000),
    ]
    assert state.overdue_vnd == 0
    assert state.bucket is OverdueBucket.CURRENT


def test_full_early_repayment_closes_the_loan_and_stops_interest() -> None:
    terms = loan(12_000_000)
    facts = [pay(date(2024, 3, 1), 12_000_000, 100_000)]
    state = evaluate(terms, facts, date(2025, 6, 1))
    assert (state.status, state.outstanding_vnd, state.closed_on) == (
        LoanStatus.CLOSED,
        0,
        date(2024, 3, 1),
    )
    assert (
        state.interest_accrued_vnd == evaluate(terms, facts, date(2024, 3, 1)).interest_accrued_vnd
    )


def test_partial_repayment_leaves_the_rest_of_the_instalment_overdue() -> None:
    terms = loan(12_000_000)
    state = evaluate(terms, [pay(date(2024, 4, 15), 1_000_000)], date(2024, 5, 1))
    assert state.overdue_vnd == 2_000_000
    assert state.oldest_unpaid_due_on == date(2024, 4, 15)
    assert (state.days_past_due, state.bucket) == (16, OverdueBucket.DAYS_1_30)


@pytest.mark.parametrize(
    ("as_of", "days", "bucket", "overdue"),
    [
        (date(2024, 4, 15), 0, OverdueBucket.CURRENT, 0),  # due today: not yet overdue
        (date(2024, 4, 16), 1, OverdueBucket.DAYS_1_30, 3_000_000),
        (date(2024, 5, 15), 30, OverdueBucket.DAYS_1_30, 3_000_000),
        (date(2024, 5, 16), 31, OverdueBucket.DAYS_31_90, 3_000_000),
        (date(2024, 7, 14), 90, OverdueBucket.DAYS_31_90, 3_000_000),
        (date(2024, 7, 15), 91, OverdueBucket.OVER_90, 3_000_000),
        (date(2024, 7, 16), 92, OverdueBucket.OVER_90, 6_000_000),
    ],
)
def test_overdue_principal_is_aged_by_its_oldest_unpaid_instalment(
    as_of: date, days: int, bucket: OverdueBucket, overdue: int
) -> None:
    state = evaluate(loan(12_000_000), [], as_of)
    assert (state.days_past_due, state.bucket, state.overdue_vnd) == (days, bucket, overdue)


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(0, "current"), (1, "1-30"), (30, "1-30"), (31, "31-90"), (90, "31-90"), (91, "over-90")],
)
def test_bucket_bounds(days: int, bucket: str) -> None:
    assert bucket_of(days).value == bucket


def test_overdue_principal_bears_130_percent_of_the_rate() -> None:
    # 92 days on 12m, then 9 days on 9m at 6.6% and 3m overdue at 8.58%
    assert evaluate(loan(12_000_000), [], date(2024, 4, 25)).interest_accrued_vnd == 220_621


def test_extension_moves_the_unpaid_part_so_it_is_not_overdue() -> None:
    ext = LoanFact(
        "E",
        FactKind.EXTENSION,
        date(2024, 4, 10),
        instalment_due_on=date(2024, 4, 15),
        new_due_on=date(2024, 6, 15),
    )
    facts = [pay(date(2024, 4, 1), 1_000_000), ext]
    later = evaluate(loan(12_000_000), facts, date(2024, 4, 20), max_extension_months=12)
    assert later.overdue_vnd == 0
    assert (date(2024, 6, 15), 2_000_000) in [
        (i.due_on, i.principal_vnd) for i in later.open_instalments
    ]
    after = evaluate(loan(12_000_000), facts, date(2024, 6, 16), max_extension_months=12)
    assert (after.overdue_vnd, after.days_past_due) == (2_000_000, 1)


@pytest.mark.parametrize(
    ("due", "new", "code"),
    [
        (date(2024, 4, 15), date(2026, 1, 16), "extension_too_long"),  # beyond maturity + 12
        (date(2024, 5, 15), date(2024, 6, 15), "no_such_instalment"),
        (date(2024, 4, 15), date(2024, 4, 1), "invalid"),
    ],
)
def test_extension_beyond_the_limit_or_of_no_unpaid_instalment_is_refused(
    due: date, new: date, code: str
) -> None:
    ext = LoanFact(
        "E", FactKind.EXTENSION, date(2024, 4, 10), instalment_due_on=due, new_due_on=new
    )
    with pytest.raises(DomainError) as err:
        evaluate(loan(12_000_000), [ext], date(2024, 5, 1), max_extension_months=12)
    assert err.value.problems[0].code == code


def test_write_off_of_the_whole_principal_ends_the_loan_written_off() -> None:
    wo = LoanFact("W", FactKind.WRITE_OFF, date(2024, 3, 1), 12_000_000, 50_000)
    state = evaluate(loan(12_000_000), [wo], date(2024, 6, 1))
    assert (state.status, state.outstanding_vnd, state.principal_written_off_vnd) == (
        LoanStatus.WRITTEN_OFF,
        0,
        12_000_000,
    )
    with pytest.raises(DomainError) as err:
        evaluate(loan(12_000_000), [wo, pay(date(2024, 3, 5), 1)], date(2024, 6, 1))
    assert err.value.problems[0].code == "loan_settled"


@pytest.mark.parametrize(
    ("fact", "code"),
    [
        (pay(date(2024, 2, 1), 12_000_001), "over_outstanding"),
        (pay(date(2024, 1, 14), 1), "invalid"),  # before disbursement
        (pay(date(2024, 2, 1), 0, 0), "invalid"),
    ],
)
def test_impossible_repayments_are_refused(fact: LoanFact, code: str) -> None:
    with pytest.raises(DomainError) as err:
        evaluate(loan(12_000_000), [fact], date(2024, 6, 1))
    assert err.value.problems[0].code == code


def test_a_backdated_repayment_is_applied_in_date_order() -> None:
    terms = loan(12_000_000)
    in_order = evaluate(
        terms,
        [pay(date(2024, 2, 1), 1_000_000, fid="a"), pay(date(2024, 3, 1), 2_000_000, fid="b")],
        date(2024, 5, 1),
    )
    recorded_late = evaluate(
        terms,
        [pay(date(2024, 3, 1), 2_000_000, fid="b"), pay(date(2024, 2, 1), 1_000_000, fid="a")],
        date(2024, 5, 1),
    )
    assert in_order == recorded_late


@settings(max_examples=150, deadline=None)
@given(
    principal=st.integers(1, 10**12),
    term=st.integers(1, 180),
    every=st.integers(1, 24),
    payments=st.lists(st.tuples(st.integers(0, 2000), st.integers(0, 10**12)), max_size=8),
)
def test_principal_is_conserved_and_interest_never_falls_with_time(
    principal: int, term: int, every: int, payments: list[tuple[int, int]]
) -> None:
    terms = loan(principal, term=term, every=every)
    assert sum(i.principal_vnd for i in schedule(terms)) == principal
    facts = []
    left = principal
    for n, (day, amount) in enumerate(sorted(payments)):
        paid = min(amount, left)
        if paid == 0:
            continue
        facts.append(pay(terms.disbursed_on + timedelta(days=day), paid, fid=str(n)))
        left -= paid
    end = terms.disbursed_on + timedelta(days=2100)
    state = evaluate(terms, facts, end)
    assert state.outstanding_vnd == left
    assert state.principal_paid_vnd + state.outstanding_vnd == principal
    assert sum(i.principal_vnd for i in state.open_instalments) == left
    earlier = evaluate(terms, facts, end - timedelta(days=30))
    assert earlier.interest_accrued_vnd <= state.interest_accrued_vnd
    assert state.overdue_vnd <= state.outstanding_vnd
