"""Support's use cases against a real database (SQLite; PostgreSQL with TEST_POSTGRES_URL):
the register, support records with eligibility and overrides, idempotency, loans and the
portfolio, revolving support, housing, insurance, training, pairing and the read side."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from pydantic import ValidationError

from services.support.adapters.ledger_repo import RecordFilter
from services.support.adapters.tables import ledger_sums, members, recognised
from services.support.usecases import (
    credit,
    housing,
    insurance,
    reads,
    records,
    revolving,
    sponsorship,
    training,
)
from shared.access.model import Actor
from shared.contracts import credit as credit_events
from shared.contracts import revolving as revolving_events
from shared.contracts.audit import AuditRecorded
from shared.contracts.sponsorship import OrganisationRegistered
from shared.contracts.support import SupportDisbursed
from shared.contracts.training import TrainingEnrolled
from shared.errors import DomainError, ErrorKind
from tests.factories import classified_event, member_profile, recognised_event
from tests.support_ledger import Ledger


@pytest.fixture
def ledger(database_url: str) -> Iterator[Ledger]:
    ledger = Ledger(database_url)
    yield ledger
    ledger.close()


def support(n: str = "D-1", household: str = "HH-1", **overrides: object) -> records.SupportRequest:
    fields: dict[str, object] = {
        "disbursement_id": n,
        "household_code": household,
        "kind": "production",
        "programme_code": "NTP2021.P3.1",
        "funding_source": "central_budget",
        "amount_vnd": 6_000_000,
        "quantity": "2",
        "unit": "con",
        "item": "lợn giống",
        "disbursed_on": "2023-05-10",
    }
    fields.update(overrides)
    return records.SupportRequest.model_validate(fields)


def refused(exc: pytest.ExceptionInfo[DomainError]) -> tuple[ErrorKind, str, str]:
    e = exc.value
    return e.kind, e.field, e.problems[0].code


# ------------------------------------------------------------------------------ register


def test_register_keeps_the_latest_survey_roster_and_every_recognition_with_its_date(
    ledger: Ledger,
) -> None:
    first = recognised_event(
        "HH-1",
        "poor",
        recognised_on=date(2022, 12, 10),
        members=[member_profile(i) for i in (1, 2, 3)],
    )
    second = recognised_event(
        "HH-1",
        "not_poor",
        recognised_on=date(2023, 12, 12),
        members=[member_profile(1), member_profile(2)],
        transition="escaped_poverty",
        newly_escaped_until=date(2026, 12, 12),
    )
    ledger.register(second)
    ledger.register(first)  # the older survey arrives late: its roster must not come back
    ledger.register(second)  # a redelivery changes nothing
    with ledger.engine.connect() as conn:
        roster = conn.execute(sa.select(members.c.member_no).order_by(members.c.member_no)).all()
        history = conn.execute(
            sa.select(recognised.c.effective_on, recognised.c.status).order_by(
                recognised.c.effective_on
            )
        ).all()
    assert [r[0] for r in roster] == [1, 2]
    assert [(d, s) for d, s in history] == [
        (date(2022, 12, 10), "poor"),
        (date(2023, 12, 12), "not_poor"),
    ]


def test_register_ignores_baselines_and_keeps_a_proposal_without_recognising_it(
    ledger: Ledger,
) -> None:
    ledger.register(classified_event("HH-9", standard_id="vn-2027-2030", governing=False))
    ledger.register(classified_event("HH-8", status="poor"))  # proposed only
    with pytest.raises(DomainError) as err:
        ledger.do(records.record_support, support(household="HH-9"))
    assert err.value.kind is ErrorKind.NOT_FOUND
    with pytest.raises(DomainError) as err:
        ledger.do(
            records.record_support,
            support(household="HH-8", disbursed_on="2026-11-01", programme_code="NTP2026.C1"),
        )
    assert refused(err) == (ErrorKind.INVALID, "household_code", "not_eligible")


# ------------------------------------------------------------------------------ records


def test_support_is_recorded_for_an_eligible_household_and_published(ledger: Ledger) -> None:
    ledger.household("HH-1", "poor", village="04570-03")
    rec = ledger.do(records.record_support, support())
    assert (rec.created, rec.eligible_group, rec.overridden) == (True, "POOR", False)
    assert (rec.commune_code, rec.village_code) == ("04570", "04570-03")
    (event,) = ledger.events(SupportDisbursed)
    p = event.payload
    assert (p.programme_code, p.village_code, p.eligible_group, p.record_type) == (
        "NTP2021.P3.1",
        "04570-03",
        "POOR",
        "support",
    )


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"programme_code": "ANYTHING"},
            (ErrorKind.INVALID, "programme_code", "unknown_programme"),
        ),
        (
            {"disbursed_on": "2021-06-01"},
            (ErrorKind.INVALID, "programme_code", "programme_not_in_force"),
        ),
        ({"kind": "housing"}, (ErrorKind.INVALID, "kind", "kind_not_funded")),
        (
            {"household_code": "HH-404"},
            (ErrorKind.NOT_FOUND, "household_code", "unknown_household"),
        ),
        ({"member_no": 9}, (ErrorKind.INVALID, "member_no", "unknown_member")),
        (
            {"disbursed_on": "2027-01-01", "programme_code": "NTP2026.C1"},
            (ErrorKind.INVALID, "disbursed_on", "future_date"),
        ),
        (
            {"programme_code": "VBSP.POOR", "kind": "credit"},
            (ErrorKind.INVALID, "funding_source", "wrong_funding_source"),
        ),
    ],
)
def test_support_that_breaks_the_catalogue_is_refused_with_the_field(
    ledger: Ledger, overrides: dict[str, object], expected: tuple[ErrorKind, str, str]
) -> None:
    ledger.household("HH-1", "poor")
    with pytest.raises(DomainError) as err:
        ledger.do(records.record_support, support(**overrides))
    assert refused(err) == expected
    assert ledger.events() == []


def test_eligibility_is_checked_on_the_status_in_force_on_the_record_date(ledger: Ledger) -> None:
    ledger.register(
        recognised_event("HH-1", "not_poor", recognised_on=date(2022, 12, 10)),
        recognised_event(
            "HH-1",
            "poor",
            recognised_on=date(2023, 12, 10),
            review_year=2023,
            survey_id="HH-1-2023b",
        ),
    )
    with pytest.raises(DomainError) as err:
        ledger.do(records.record_support, support(disbursed_on="2023-12-09"))
    assert refused(err)[2] == "not_eligible"
    assert ledger.do(records.record_support, support(disbursed_on="2023-12-10")).created


def test_an_override_is_recorded_with_its_reason_and_officer_and_listed(ledger: Ledger) -> None:
    ledger.household("HH-1", "not_poor")
    request = support(override_reason="Nhà bị lũ cuốn ngày 02/05/2023")
    with pytest.raises(DomainError) as err:
        ledger.do(records.record_support, request)
    assert err.value.kind is ErrorKind.FORBIDDEN
    rec = ledger.do(
        records.record_support,
        request,
        may_override=True,
        actor=Actor("u-07", "canbo-07", "support_officer"),
    )
    assert rec.overridden is True
    page = ledger.do(reads.list_records, RecordFilter(overridden=True))
    (item,) = page.items
    assert (item.override_reason, item.overridden_by) == (
        "Nhà bị lũ cuốn ngày 02/05/2023",
        "canbo-07",
    )
    (event,) = ledger.events(SupportDisbursed)
    assert event.payload.overridden is True
    bodies = b"".join(ledger.outbox_bodies()).decode()
    assert "lợn giống" in bodies  # what was given is published (UTF-8, unescaped) …
    assert "lũ cuốn" not in bodies  # … the officer's reason stays in the ledger


def test_the_same_id_with_the_same_content_changes_nothing(ledger: Ledger) -> None:
    ledger.household("HH-1", "poor")
    ledger.do(records.record_support, support())
    again = ledger.do(records.record_support, support())
    assert again.created is False
    assert len(ledger.events(SupportDisbursed)) == 1
    assert len(ledger.events(AuditRecorded)) == 1  # the repeat wrote nothing, audited nothing


def test_the_same_id_with_other_content_is_a_conflict_naming_the_fields(ledger: Ledger) -> None:
    ledger.household("HH-1", "poor")
    ledger.do(records.record_support, support())
    with pytest.raises(DomainError) as err:
        ledger.do(records.record_support, support(amount_vnd=7_000_000, item="bò"))
    assert err.value.kind is ErrorKind.CONFLICT
    assert [p.field for p in err.value.problems] == ["amount_vnd", "item"]


def test_amounts_above_ten_to_the_twelve_are_refused_before_any_rule() -> None:
    with pytest.raises(ValidationError):
        support(amount_vnd=10**12 + 1)
    assert support(amount_vnd=10**12).amount_vnd == 10**12


# ------------------------------------------------------------------------------ credit


def loan(n: str = "L-1", household: str = "HH-1", **overrides: object) -> credit.LoanRequest:
    fields: dict[str, object] = {
        "loan_id": n,
        "household_code": household,
        "programme_code": "VBSP.POOR",
        "principal_vnd": 12_000_000,
        "term_months": 12,
        "every_months": 3,
        "disbursed_on": "2024-01-15",
    }
    fields.update(overrides)
    return credit.LoanRequest.model_validate(fields)


def test_a_loan_is_disbursed_at_the_programme_rate_with_its_schedule(ledger: Ledger) -> None:
    ledger.household("HH-1", "poor")
    rec = ledger.do(credit.disburse_loan, loan())
    assert (rec.created, rec.eligible_group) == (True, "POOR")
    (event,) = ledger.events(credit_events.LoanDisbursed)
    p = event.payload
    assert (p.rate_pct, p.maturity_on, p.days_in_year) == (Decimal("6.6"), date(2025, 1, 15), 365)
    assert [i.due_on for i in p.open_instalments] == [
        date(2024, 4, 15),
        date(2024, 7, 15),
        date(2024, 10, 15),
        date(2025, 1, 15),
    ]
    (money,) = ledger.events(SupportDisbursed)
    assert (money.payload.kind, money.payload.funding_source, money.payload.amount_vnd) == (
        "credit",
        "policy_credit",
        12_000_000,
    )


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"rate_pct": "7.92"}, "rate_pct", "wrong_rate"),
        ({"principal_vnd": 100_000_001}, "amount_vnd", "over_limit"),
        ({"term_months": 121}, "term_months", "term_too_long"),
        ({"programme_code": "NTP2021.P3.1"}, "programme_code", "not_credit_programme"),
        ({"programme_code": "VBSP.NEAR"}, "household_code", "not_eligible"),
    ],
)
def test_a_loan_outside_the_programme_terms_is_refused(
    ledger: Ledger, overrides: dict[str, object], field: str, code: str
) -> None:
    ledger.household("HH-1", "poor")
    with pytest.raises(DomainError) as err:
        ledger.do(credit.disburse_loan, loan(**overrides))
    assert (err.value.field, err.value.problems[0].code) == (field, code)


def test_repayments_extensions_and_write_offs_keep_the_loan_state(ledger: Ledger) -> None:
    ledger.household("HH-1", "poor")
    ledger.do(credit.disburse_loan, loan())
    ledger.do(
        credit.record_repayment,
        credit.RepaymentRequest(
            repayment_id="R-1",
            loan_id="L-1",
            paid_on=date(2024, 2, 15),
            principal_vnd=6_000_000,
            interest_vnd=67_266,
        ),
    )
    ledger.do(
        credit.extend_loan,
        credit.ExtensionRequest(
            extension_id="E-1",
            loan_id="L-1",
            extended_on=date(2024, 10, 1),
            instalment_due_on=date(2024, 10, 15),
            new_due_on=date(2025, 4, 15),
            reason_code="natural_disaster",
            decision_no="12/QĐ-UBND",
        ),
    )
    repaid, extended = (
        ledger.events(credit_events.LoanRepaid)[0],
        ledger.events(credit_events.LoanExtended)[0],
    )
    assert (repaid.payload.early, repaid.payload.outstanding_vnd) == (True, 6_000_000)
    assert extended.payload.principal_vnd == 3_000_000
    detail = ledger.do(credit.loan_detail, "L-1", date(2025, 1, 20))
    assert (detail.loan.overdue_vnd, detail.loan.bucket, detail.loan.days_past_due) == (
        3_000_000,
        "1-30",
        5,
    )
    assert [f.kind for f in detail.facts] == ["repayment", "extension"]
    ledger.do(
        credit.write_off_loan,
        credit.WriteOffRequest(
            write_off_id="W-1",
            loan_id="L-1",
            written_off_on=date(2025, 6, 1),
            principal_vnd=6_000_000,
            reason_code="death",
            loss_pct="100",
        ),
    )
    after = ledger.do(credit.loan_detail, "L-1", date(2025, 6, 2)).loan
    assert (after.status, after.outstanding_vnd) == ("written_off", 0)
    with pytest.raises(DomainError) as err:
        ledger.do(
            credit.record_repayment,
            credit.RepaymentRequest(
                repayment_id="R-2", loan_id="L-1", paid_on=date(2025, 7, 1), principal_vnd=1
            ),
        )
    assert err.value.problems[0].code == "loan_settled"
    history = ledger.do(reads.household_history, "HH-1", date(2025, 7, 1))
    assert history.records[0].status == "written_off"


def test_portfolio_per_commune_ages_overdue_principal_into_buckets(ledger: Ledger) -> None:
    ledger.household("HH-1", "poor", commune="04570")
    ledger.household("HH-2", "poor", commune="04570")
    ledger.household("HH-3", "poor", commune="04681")
    ledger.do(credit.disburse_loan, loan("L-1", "HH-1"))  # first instalment due 15/04/2024
    ledger.do(credit.disburse_loan, loan("L-2", "HH-2", disbursed_on="2024-03-01"))
    ledger.do(credit.disburse_loan, loan("L-3", "HH-3", every_months=12))
    ledger.do(
        credit.record_repayment,
        credit.RepaymentRequest(
            repayment_id="R-1", loan_id="L-2", paid_on=date(2024, 6, 1), principal_vnd=3_000_000
        ),
    )
    p = ledger.do(credit.loan_portfolio, date(2024, 7, 1))
    rows = {r.commune_code: r for r in p.rows}
    assert list(rows) == ["04570", "04681", "*"]
    a = rows["04570"]
    assert (a.loans, a.outstanding_vnd, a.overdue_vnd) == (2, 21_000_000, 3_000_000)
    assert a.buckets["31-90"].loans == 1
    assert a.buckets["31-90"].overdue_vnd == 3_000_000
    assert a.buckets["current"].loans == 1
    assert rows["04681"].buckets["current"].loans == 1
    assert rows["*"].outstanding_vnd == 33_000_000
    details = [
        ledger.do(credit.loan_detail, n, date(2024, 7, 1)).loan for n in ("L-1", "L-2", "L-3")
    ]
    assert rows["*"].overdue_vnd == sum(d.overdue_vnd for d in details)  # same as loan by loan
    assert {b: f.loans for b, f in rows["*"].buckets.items() if f.loans} == dict(
        Counter(d.bucket for d in details)
    )
    only = ledger.do(credit.loan_portfolio, date(2024, 7, 1), ("04681",))
    assert [r.commune_code for r in only.rows] == ["04681", "*"]


# ------------------------------------------------------------------------------ revolving


def test_a_cow_bank_passes_calves_on_and_keeps_its_chain_and_fund(ledger: Ledger) -> None:
    for code in ("HH-A", "HH-B", "HH-C"):
        ledger.household(code, "poor")
    ledger.do(
        revolving.create_revolving_model,
        revolving.ModelRequest(
            model_code="BO-04570",
            name="Ngân hàng bò thôn 1",
            programme_code="NTP2021.P3.1",
            commune_code="04570",
            asset="livestock",
            species="bo",
            capital_vnd=40_000_000,
            started_on=date(2023, 1, 5),
        ),
    )
    ledger.do(
        revolving.give_revolving,
        revolving.GiveRequest(
            record_id="RV-A",
            household_code="HH-A",
            model_code="BO-04570",
            given_on=date(2023, 1, 10),
            quantity=1,
            amount_vnd=18_000_000,
            funding_source="central_budget",
            item="bò cái sinh sản",
        ),
    )
    ledger.do(
        revolving.record_livestock,
        revolving.HerdRequest(
            event_id="B-1", obligation_id="RV-A", kind="birth", on=date(2024, 3, 1), count=1
        ),
    )
    ledger.do(
        revolving.pass_on_support,
        revolving.PassOnRequest(
            pass_on_id="P-1",
            obligation_id="RV-A",
            on=date(2024, 11, 1),
            quantity=1,
            to_household_code="HH-B",
            to_record_id="RV-B",
        ),
    )
    ledger.do(
        revolving.record_livestock,
        revolving.HerdRequest(
            event_id="D-1",
            obligation_id="RV-B",
            kind="death",
            on=date(2025, 2, 1),
            count=1,
            objective=True,
            cause="dịch tả lợn châu Phi",
        ),
    )
    (chain,) = ledger.do(revolving.revolving_chains, "BO-04570")
    assert [(lk.household_code, lk.generation) for lk in chain.links] == [("HH-A", 0), ("HH-B", 1)]
    fund = ledger.do(revolving.fund_status, "BO-04570", date(2025, 3, 1))
    assert (fund.capital_vnd, fund.given_vnd, fund.balance_vnd) == (
        40_000_000,
        18_000_000,
        22_000_000,
    )
    assert (fund.owed_heads, fund.waived_heads, fund.open_obligations) == (0, 1, 0)
    (given,) = ledger.do(revolving.obligations_of, "HH-A", date(2025, 3, 1))
    assert (given.status, given.on_hand, given.passed_on) == ("fulfilled", 1, 1)
    history = ledger.do(reads.household_history, "HH-B", date(2025, 3, 1))
    assert history.records[0].passed_from_record_id == "RV-A"
    with ledger.engine.connect() as conn:  # what plans are measured by: the pass-on spent nothing
        sums = {
            r.year: (r.amount_vnd, r.records)
            for r in conn.execute(
                sa.select(ledger_sums).where(ledger_sums.c.commune_code == "04570")
            )
        }
    assert sums == {2023: (18_000_000, 1), 2024: (0, 1)}
    assert history.obligations[0].status == "waived"
    passed = ledger.events(revolving_events.PassedOn)[0].payload
    assert (passed.status, passed.to_household_code) == ("fulfilled", "HH-B")
    with pytest.raises(DomainError) as err:
        ledger.do(
            revolving.give_revolving,
            revolving.GiveRequest(
                record_id="RV-C",
                household_code="HH-C",
                model_code="BO-04570",
                given_on=date(2023, 2, 1),
                quantity=2,
                amount_vnd=36_000_000,
                funding_source="central_budget",
            ),
        )
    assert err.value.problems[0].code == "fund_insufficient"


def test_cash_support_is_partly_returned_to_the_fund(ledger: Ledger) -> None:
    ledger.household("HH-A", "near_poor")
    ledger.do(
        revolving.create_revolving_model,
        revolving.ModelRequest(
            model_code="VON-1",
            name="Quỹ quay vòng",
            programme_code="NTP2021.P2",
            commune_code="04570",
            asset="cash",
            repay_share_pct="50",
            capital_vnd=20_000_000,
            started_on=date(2023, 1, 5),
        ),
    )
    ledger.do(
        revolving.give_revolving,
        revolving.GiveRequest(
            record_id="C-1",
            household_code="HH-A",
            model_code="VON-1",
            given_on=date(2023, 2, 1),
            amount_vnd=10_000_000,
            funding_source="local_budget",
        ),
    )
    ledger.do(
        revolving.repay_obligation,
        revolving.RepayRequest(
            repayment_id="RP-1", obligation_id="C-1", on=date(2024, 2, 1), amount_vnd=2_000_000
        ),
    )
    fund = ledger.do(revolving.fund_status, "VON-1", date(2026, 3, 1))
    assert (fund.balance_vnd, fund.owed_vnd, fund.overdue_obligations) == (12_000_000, 3_000_000, 1)


# ------------------------------------------------------------------------------ housing


def house(**overrides: object) -> housing.HousingRequest:
    fields: dict[str, object] = {
        "case_id": "NHA-1",
        "household_code": "HH-1",
        "programme_code": "HOUSING.TEMP2024",
        "kind": "build",
        "started_on": "2024-12-01",
        "central_budget_vnd": 40_000_000,
        "local_budget_vnd": 20_000_000,
        "fund_for_the_poor_vnd": 10_000_000,
        "household_vnd": 15_000_000,
        "labour_days": 120,
    }
    fields.update(overrides)
    return housing.HousingRequest.model_validate(fields)


def test_a_house_records_each_source_and_its_completion(ledger: Ledger) -> None:
    ledger.household("HH-1", "poor")
    rec = ledger.do(housing.start_housing, house())
    assert rec.events == 4  # HousingStarted + three sources of support
    money = ledger.events(SupportDisbursed)
    assert {
        (e.payload.funding_source, e.payload.funding_detail, e.payload.amount_vnd) for e in money
    } == {
        ("central_budget", "central_budget", 40_000_000),
        ("local_budget", "local_budget", 20_000_000),
        ("social_mobilisation", "fund_for_the_poor", 10_000_000),
    }
    ledger.do(
        housing.complete_housing,
        housing.CompletionRequest(
            case_id="NHA-1", completed_on=date(2025, 3, 1), floor_area_m2=36, labour_days=150
        ),
    )
    (case,) = ledger.do(reads.household_history, "HH-1", date(2025, 4, 1)).housing
    assert (case.status, case.total_vnd, case.labour_days) == ("completed", 85_000_000, 150)
    again = ledger.do(
        housing.complete_housing,
        housing.CompletionRequest(
            case_id="NHA-1", completed_on=date(2025, 3, 1), floor_area_m2=36, labour_days=150
        ),
    )
    assert again.created is False


def test_state_housing_support_above_the_cap_or_twice_is_refused(ledger: Ledger) -> None:
    ledger.household("HH-1", "poor")
    with pytest.raises(DomainError) as err:
        ledger.do(housing.start_housing, house(local_budget_vnd=20_000_001))
    assert err.value.problems[0].code == "over_limit"
    ledger.do(housing.start_housing, house())
    with pytest.raises(DomainError) as err:
        ledger.do(
            housing.start_housing,
            house(
                case_id="NHA-2", kind="repair", central_budget_vnd=10_000_000, local_budget_vnd=0
            ),
        )
    assert err.value.problems[0].code == "already_housed"


# ------------------------------------------------------------------------------ insurance


def test_cards_carry_the_state_share_of_the_members_group(ledger: Ledger) -> None:
    ledger.household("HH-1", "poor")
    ledger.household("HH-2", "near_poor")
    ledger.do(
        insurance.issue_card,
        insurance.CardRequest(
            card_id="BHYT-1",
            household_code="HH-1",
            member_no=1,
            valid_from=date(2024, 1, 1),
            valid_to=date(2024, 12, 31),
            premium_vnd=1_010_880,
        ),
    )
    ledger.do(
        insurance.issue_card,
        insurance.CardRequest(
            card_id="BHYT-2",
            household_code="HH-2",
            member_no=1,
            valid_from=date(2024, 1, 1),
            valid_to=date(2024, 12, 31),
            premium_vnd=1_010_880,
        ),
    )
    cards = {
        c.card_id: c
        for h in ("HH-1", "HH-2")
        for c in ledger.do(reads.household_history, h, date(2024, 6, 1)).cards
    }
    assert (cards["BHYT-1"].state_share_pct, cards["BHYT-1"].free) == (100, True)
    assert (cards["BHYT-2"].state_share_pct, cards["BHYT-2"].state_paid_vnd) == (70, 707_616)
    with pytest.raises(DomainError) as err:
        ledger.do(
            insurance.issue_card,
            insurance.CardRequest(
                card_id="BHYT-3",
                household_code="HH-2",
                member_no=2,
                valid_from=date(2024, 1, 1),
                valid_to=date(2024, 12, 31),
                state_share_pct="50",
            ),
        )
    assert err.value.problems[0].code == "share_out_of_range"
    with pytest.raises(DomainError) as err:
        ledger.do(
            insurance.issue_card,
            insurance.CardRequest(
                card_id="BHYT-4",
                household_code="HH-1",
                member_no=1,
                valid_from=date(2024, 6, 1),
                valid_to=date(2025, 5, 31),
            ),
        )
    assert err.value.kind is ErrorKind.CONFLICT


# ------------------------------------------------------------------------------ training


def enrol(n: str = "T-1", member: int = 1, **overrides: object) -> training.EnrolmentRequest:
    fields: dict[str, object] = {
        "enrolment_id": n,
        "household_code": "HH-1",
        "member_no": member,
        "programme_code": "VT46",
        "course": "Kỹ thuật chăn nuôi",
        "provider": "TT GDNN",
        "starts_on": "2024-03-01",
        "fee_support_vnd": 3_000_000,
    }
    fields.update(overrides)
    return training.EnrolmentRequest.model_validate(fields)


def test_only_a_working_age_member_of_the_latest_survey_is_enrolled(ledger: Ledger) -> None:
    ledger.register(
        recognised_event(
            "HH-1",
            "poor",
            recognised_on=date(2022, 12, 10),
            members=[
                member_profile(1),
                member_profile(2),
                member_profile(3, age=9, working_age=False, able_to_work=False),
            ],
        )
    )
    for member, code in ((9, "unknown_member"), (3, "not_working_age")):
        with pytest.raises(DomainError) as err:
            ledger.do(training.enrol_training, enrol(member=member))
        assert (err.value.field, err.value.problems[0].code) == ("member_no", code)
    with pytest.raises(DomainError) as err:  # a poor Tày household: at most 4 million
        ledger.do(training.enrol_training, enrol(fee_support_vnd=4_000_001))
    assert err.value.problems[0].code == "over_limit"
    assert ledger.do(training.enrol_training, enrol(fee_support_vnd=4_000_000)).created


def test_a_course_ends_in_a_job_and_counts_toward_coverage(ledger: Ledger) -> None:
    ledger.household("HH-1", "poor", members=3)
    ledger.household("HH-2", "near_poor", commune="04681")
    ledger.household("HH-3", "not_poor")  # not a target household: not counted
    ledger.do(training.enrol_training, enrol())
    ledger.do(
        training.complete_training,
        training.CompletionRequest(
            enrolment_id="T-1",
            completed_on=date(2024, 5, 30),
            certificate="so_cap",
            occupation="chăn nuôi",
        ),
    )
    ledger.do(
        training.record_employment,
        training.EmploymentRequest(
            enrolment_id="T-1", outcome="own_business", employed_on=date(2024, 7, 1)
        ),
    )
    ledger.do(training.enrol_training, enrol("T-2", member=2))
    ledger.do(
        training.drop_training,
        training.DropRequest(
            enrolment_id="T-2", dropped_on=date(2024, 4, 1), reason_code="illness"
        ),
    )
    with pytest.raises(DomainError) as err:
        ledger.do(training.enrol_training, enrol("T-3", member=1, starts_on="2025-03-01"))
    assert err.value.problems[0].code == "already_trained"
    record = ledger.do(training.member_training, "HH-1", 1)
    assert [(t.status, t.outcome, t.occupation) for t in record] == [
        ("completed", "own_business", "chăn nuôi")
    ]
    rows = {r.commune_code: r for r in ledger.do(training.training_coverage, date(2024, 12, 31))}
    assert (rows["04570"].workers, rows["04570"].trained, rows["04570"].placed) == (3, 1, 1)
    assert (rows["04681"].workers, rows["04681"].trained) == (2, 0)
    assert (rows["*"].workers, rows["*"].trained_pct, rows["*"].untrained) == (5, 20.0, 4)
    enrolled = ledger.events(TrainingEnrolled)[0].payload
    assert (enrolled.programme_code, enrolled.fee_support_vnd) == ("VT46", 3_000_000)


# ------------------------------------------------------------------------------ sponsorship


def test_an_organisation_helps_a_household_visits_it_and_ends_with_the_outcome(
    ledger: Ledger,
) -> None:
    ledger.household("HH-1", "poor", on=date(2023, 1, 5))
    ledger.do(
        sponsorship.register_organisation,
        sponsorship.OrganisationRequest(
            organisation_code="ND-XA", name="Nguyễn Văn Hảo", kind="individual_donor"
        ),
    )
    ledger.do(
        sponsorship.start_pairing,
        sponsorship.PairingRequest(
            pairing_id="GD-1",
            organisation_code="ND-XA",
            household_code="HH-1",
            starts_on=date(2023, 2, 1),
            target_year=2024,
            commitments=[{"kind": "production", "value_vnd": 5_000_000, "description": "2 lợn"}],
        ),
    )
    ledger.do(
        sponsorship.record_visit,
        sponsorship.VisitRequest(
            visit_id="V-1",
            pairing_id="GD-1",
            visited_on=date(2023, 6, 1),
            notes="Bà Thào Thị Mai ốm, cần thuốc",
        ),
    )
    ledger.do(
        records.record_support,
        support(
            "D-9",
            programme_code="EMUL666",
            funding_source="social_mobilisation",
            amount_vnd=5_000_000,
            pairing_id="GD-1",
            disbursed_on="2023-06-01",
        ),
    )
    ledger.do(
        sponsorship.end_pairing,
        sponsorship.EndPairingRequest(
            pairing_id="GD-1", ended_on=date(2024, 12, 20), outcome="escaped_poverty"
        ),
    )
    (p,) = ledger.do(sponsorship.pairings_of_organisation, "ND-XA")
    assert (p.status, p.outcome, p.visits, p.support_records, p.support_vnd) == (
        "ended",
        "escaped_poverty",
        1,
        1,
        5_000_000,
    )
    (org,) = ledger.events(OrganisationRegistered)
    assert org.payload.name is None
    bodies = b"".join(ledger.outbox_bodies()).decode()
    assert "lợn giống" in bodies
    assert "Nguyễn Văn Hảo" not in bodies
    assert "Thào Thị Mai" not in bodies


# ------------------------------------------------------------------------------ read side


def test_lists_filter_by_area_programme_kind_source_period_and_status_with_pages(
    ledger: Ledger,
) -> None:
    ledger.household("HH-1", "poor", village="04570-01")
    ledger.household("HH-2", "near_poor", village="04570-02")
    ledger.household("HH-3", "poor", commune="04681")
    for i in range(5):
        ledger.do(
            records.record_support, support(f"D-{i}", "HH-1", disbursed_on=f"2023-0{i + 1}-10")
        )
    ledger.do(records.record_support, support("D-N", "HH-2", amount_vnd=1_000_000))
    ledger.do(
        records.record_support,
        support(
            "D-X", "HH-3", programme_code="NTP2021.P2", kind="other", funding_source="local_budget"
        ),
    )

    def count(**criteria: object) -> int:
        return ledger.do(reads.list_records, RecordFilter(**criteria), 1, 2).total  # type: ignore[arg-type]

    assert count(commune_codes=("04570",)) == 6
    assert count(village_code="04570-02") == 1
    assert count(programme_code="NTP2021.P3") == 6  # a project includes its sub-projects
    assert count(programme_code="NTP2021") == 7
    assert count(kind="other") == 1
    assert count(funding_source="local_budget") == 1
    assert count(given_from=date(2023, 2, 1), given_to=date(2023, 3, 31)) == 2
    assert count(household_status="near_poor") == 1
    assert count(status="given") == 7
    page = ledger.do(reads.list_records, RecordFilter(household_code="HH-1"), 3, 2)
    assert [r.record_id for r in page.items] == ["D-4"]
    assert page.total == 5
    totals = ledger.do(reads.record_totals, RecordFilter(commune_codes=("04570",)))
    assert (totals.records, totals.amount_vnd) == (6, 31_000_000)
    with pytest.raises(DomainError):
        ledger.do(reads.list_records, RecordFilter(), 1, 501)


def test_a_household_history_is_in_time_order_with_totals(ledger: Ledger) -> None:
    ledger.household("HH-1", "poor")
    ledger.do(records.record_support, support("D-2", disbursed_on="2023-08-01"))
    ledger.do(
        records.record_support,
        support("D-1", disbursed_on="2023-02-01", funding_source="local_budget"),
    )
    ledger.do(credit.disburse_loan, loan(disbursed_on="2023-05-01"))
    h = ledger.do(reads.household_history, "HH-1", date(2023, 9, 1))
    assert [r.record_id for r in h.records] == ["D-1", "L-1", "D-2"]
    assert h.totals.amount_vnd == 24_000_000
    assert h.totals.by_funding_source == {
        "local_budget": 6_000_000,
        "policy_credit": 12_000_000,
        "central_budget": 6_000_000,
    }
    assert (h.household.recognised_status, h.household.recognised_on) == (
        "poor",
        date(2022, 12, 10),
    )
    assert h.loans[0].outstanding_vnd == 12_000_000


def test_locate_gives_the_area_of_what_a_request_names(ledger: Ledger) -> None:
    ledger.household("HH-1", "poor", village="04570-07")
    ledger.do(credit.disburse_loan, loan())
    for entity, key in (
        (reads.Entity.HOUSEHOLD, "HH-1"),
        (reads.Entity.LOAN, "L-1"),
        (reads.Entity.RECORD, "L-1"),
    ):
        area = ledger.do(reads.locate, entity, key)
        assert (area.commune_code, area.village_code) == ("04570", "04570-07")
    with pytest.raises(DomainError) as err:
        ledger.do(reads.locate, reads.Entity.PAIRING, "nope")
    assert err.value.kind is ErrorKind.NOT_FOUND


def test_a_batch_records_what_is_valid_and_says_why_the_rest_is_refused(ledger: Ledger) -> None:
    ledger.household("HH-1", "poor")
    ledger.do(records.record_support, support("D-0"))
    batch = [
        support("D-1"),
        support("D-2", programme_code="ANYTHING"),
        support("D-3", household="HH-404"),
        support("D-1"),  # the same record twice in one sync: a repeat
        support("D-1", amount_vnd=1),  # the same id with other content: a conflict
        support("D-0"),  # already recorded before
    ]
    out = ledger.do(records.record_support_batch, batch)
    assert [o.created if not isinstance(o, DomainError) else o.problems[0].code for o in out] == [
        True,
        "unknown_programme",
        "unknown_household",
        False,
        "conflict",
        False,
    ]
    assert [e.payload.disbursement_id for e in ledger.events(SupportDisbursed)] == ["D-0", "D-1"]
    with pytest.raises(DomainError) as err:
        ledger.do(records.record_support_batch, [support(f"X-{i}") for i in range(1001)])
    assert err.value.kind is ErrorKind.TOO_LARGE


def test_a_loan_may_not_take_the_id_of_another_support_record(ledger: Ledger) -> None:
    ledger.household("HH-1", "poor")
    ledger.do(records.record_support, support("X-1"))
    with pytest.raises(DomainError) as err:
        ledger.do(credit.disburse_loan, loan("X-1"))
    assert (err.value.kind, err.value.problems[0].code) == (ErrorKind.CONFLICT, "id_in_use")
