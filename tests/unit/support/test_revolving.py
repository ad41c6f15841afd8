"""Revolving support: what a receipt owes, births and deaths (the death rule), pass-ons,
repayments, chains per model and the fund's balance."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.support.domain.catalogue import RevolvingTerms
from services.support.domain.revolving import (
    ChainNode,
    FundBalance,
    FundEntryKind,
    Holding,
    build_chains,
    check_fund_covers,
    fund_balance,
    herd_event,
    owed_for,
    pass_on,
    repay,
)
from shared.contracts.codes import AssetKind, HerdEventKind, ObligationStatus
from shared.errors import DomainError

TERMS = RevolvingTerms(
    pass_on_per_head=1, pass_on_due_months=30, repay_share_pct=Decimal(30), repay_due_months=36
)
COW = 18_000_000


def cow(received: int = 1, owed: int = 1, **kw: int) -> Holding:
    return Holding(
        received=received,
        value_per_head_vnd=COW,
        quantity_owed=owed,
        amount_owed_vnd=0,
        due_on=date(2025, 7, 1),
        **kw,
    )


def test_a_cow_received_is_owed_as_one_offspring_within_30_months() -> None:
    owed = owed_for(AssetKind.LIVESTOCK, TERMS, date(2023, 1, 31), 1, COW)
    assert (owed.quantity, owed.amount_vnd, owed.due_on) == (1, 0, date(2025, 7, 31))


def test_cash_support_owes_the_share_returned_to_the_fund() -> None:
    owed = owed_for(AssetKind.CASH, TERMS, date(2023, 3, 10), 0, 10_000_001)
    assert (owed.quantity, owed.amount_vnd, owed.due_on) == (0, 3_000_000, date(2026, 3, 10))


@pytest.mark.parametrize(
    ("before", "objective", "owed", "waived", "cash", "status"),
    [
        # the cow dies before calving: nothing left to pass on
        ({}, True, 0, 1, 0, ObligationStatus.WAIVED),
        ({}, False, 0, 0, COW, ObligationStatus.OPEN),
        # a calf was born before the mother died: the calf is passed on, nothing changes
        ({"born": 1}, True, 1, 0, 0, ObligationStatus.OPEN),
        ({"born": 1}, False, 1, 0, 0, ObligationStatus.OPEN),
    ],
)
def test_when_the_animal_dies_the_shortfall_is_waived_or_owed_in_cash_by_the_cause(
    before: dict[str, int],
    objective: bool,
    owed: int,
    waived: int,
    cash: int,
    status: ObligationStatus,
) -> None:
    h = herd_event(cow(**before), HerdEventKind.DEATH, 1, objective=objective)
    assert (h.quantity_owed, h.waived, h.amount_owed_vnd, h.status) == (owed, waived, cash, status)


def test_a_death_must_say_whether_the_cause_was_objective() -> None:
    with pytest.raises(DomainError) as err:
        herd_event(cow(), HerdEventKind.DEATH, 1)
    assert err.value.field == "objective"


def test_more_deaths_or_sales_than_animals_held_are_refused() -> None:
    with pytest.raises(DomainError) as err:
        herd_event(cow(), HerdEventKind.SALE, 2)
    assert err.value.problems[0].code == "more_than_held"


def test_a_male_calf_sold_and_a_female_bought_keep_the_obligation_open() -> None:
    h = herd_event(cow(), HerdEventKind.BIRTH, 1)
    h = herd_event(h, HerdEventKind.SALE, 1)
    h = herd_event(h, HerdEventKind.PURCHASE, 1)
    assert (h.on_hand, h.quantity_owed, h.status) == (2, 1, ObligationStatus.OPEN)


def test_passing_on_the_offspring_fulfils_the_obligation() -> None:
    h = pass_on(herd_event(cow(), HerdEventKind.BIRTH, 1), 1, "O-1")
    assert (h.on_hand, h.passed_on, h.status) == (1, 1, ObligationStatus.FULFILLED)
    with pytest.raises(DomainError) as err:
        pass_on(h, 1, "O-1")
    assert err.value.problems[0].code == "obligation_settled"


@pytest.mark.parametrize(("holding", "count"), [(cow(received=2, owed=1), 2), (cow(died=1), 1)])
def test_passing_on_more_than_owed_or_held_is_refused(holding: Holding, count: int) -> None:
    with pytest.raises(DomainError):
        pass_on(holding, count, "O-1")


def test_repayments_may_be_partial_and_never_above_what_is_owed() -> None:
    h = Holding(
        received=0,
        value_per_head_vnd=0,
        quantity_owed=0,
        amount_owed_vnd=3_000_000,
        due_on=date(2026, 3, 10),
    )
    h = repay(h, 1_000_000, "O-2")
    assert (h.amount_owed_vnd, h.repaid_vnd, h.status) == (
        2_000_000,
        1_000_000,
        ObligationStatus.OPEN,
    )
    assert h.overdue_on(date(2026, 3, 11))
    assert not h.overdue_on(date(2026, 3, 10))
    with pytest.raises(DomainError):
        repay(h, 2_000_001, "O-2")
    assert repay(h, 2_000_000, "O-2").status is ObligationStatus.FULFILLED


def test_chains_follow_each_pass_on_from_the_household_that_received_from_the_fund() -> None:
    nodes = [
        ChainNode("A", "HH-A", date(2023, 1, 10), None),
        ChainNode("B", "HH-B", date(2025, 7, 1), "A"),
        ChainNode("C", "HH-C", date(2027, 12, 1), "B"),
        ChainNode("D", "HH-D", date(2025, 8, 1), "A"),
        ChainNode("X", "HH-X", date(2023, 2, 1), None),
    ]
    first, second = build_chains(nodes)
    assert first.root_record_id == "A"
    assert second.root_record_id == "X"
    assert [(lk.household_code, lk.generation) for lk in first.links] == [
        ("HH-A", 0),
        ("HH-B", 1),
        ("HH-C", 2),
        ("HH-D", 1),
    ]
    assert first.generations == 3
    assert second.generations == 1


def test_a_cycle_in_stored_links_does_not_loop() -> None:
    nodes = [
        ChainNode("A", "H1", date(2023, 1, 1), None),
        ChainNode("B", "H2", date(2024, 1, 1), "A"),
    ]
    looped = [*nodes, ChainNode("A", "H1", date(2023, 1, 1), "B")]
    assert sum(len(c.links) for c in build_chains(looped)) <= 2


def test_fund_balance_is_capital_plus_returns_minus_what_was_given() -> None:
    b = fund_balance(
        [
            (FundEntryKind.CAPITAL, 100_000_000),
            (FundEntryKind.GIVEN, 36_000_000),
            (FundEntryKind.REPAID, 3_000_000),
            (FundEntryKind.GIVEN, 18_000_000),
        ],
        owed_vnd=7_000_000,
        owed_heads=3,
        waived_heads=1,
    )
    assert b == FundBalance(100_000_000, 54_000_000, 3_000_000, 7_000_000, 3, 1)
    assert b.balance_vnd == 49_000_000
    check_fund_covers(b, 49_000_000, "M")
    with pytest.raises(DomainError) as err:
        check_fund_covers(b, 49_000_001, "M")
    assert err.value.problems[0].code == "fund_insufficient"
