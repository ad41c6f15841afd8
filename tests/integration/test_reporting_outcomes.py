"""Support outcomes from support's events: coverage of each kind among poor households, the
loan book from the credit streams, training coverage against the goal, and the next round's
exit rates of supported and unsupported households (an association)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from services.reporting.adapters.repository import ReportingUnitOfWork
from services.reporting.domain.outcomes import Outcomes
from services.reporting.service import (
    apply_classifications,
    apply_loans,
    apply_support,
    support_outcomes,
)
from shared.contracts.codes import FundingSource, LoanStatus, SupportKind
from shared.contracts.credit import (
    Instalment,
    LoanDisbursed,
    LoanDisbursedPayload,
    LoanRepaid,
    LoanRepaidPayload,
)
from shared.contracts.support import DisbursementPayload, SupportDisbursed
from shared.contracts.training import EnrolmentPayload, TrainingEnrolled
from tests.unit.reporting.builders import event

STD = "vn-2022-2025"
NOW = datetime(2027, 1, 15, 9, 0, tzinfo=UTC)


@pytest.fixture
def engine(reporting_engine: Engine) -> Engine:
    return reporting_engine


def u(engine: Engine) -> ReportingUnitOfWork:
    return ReportingUnitOfWork(engine)


def given(n: int, kind: SupportKind, on: date = date(2026, 3, 1), org: str | None = None) -> Any:
    return SupportDisbursed.create(
        DisbursementPayload(
            disbursement_id=f"D-{n}-{kind.value}-{on}",
            household_code=f"HH-{n:07d}",
            commune_code="04570",
            kind=kind,
            programme_code="NTP-P3",
            funding_source=FundingSource.CENTRAL_BUDGET,
            amount_vnd=5_000_000,
            disbursed_on=on,
            helping_organisation=org,
        ),
        producer="support",
    )


def enrolled(n: int, member_no: int, eid: str) -> TrainingEnrolled:
    return TrainingEnrolled.create(
        EnrolmentPayload(
            enrolment_id=eid,
            household_code=f"HH-{n:07d}",
            commune_code="04570",
            member_no=member_no,
            course="Chăn nuôi",
            provider="Trung tâm GDNN",
            starts_on=date(2026, 4, 1),
        ),
        producer="support",
    )


def loan_events() -> list[LoanDisbursed | LoanRepaid]:
    ref = {
        "household_code": "HH-0000000",
        "commune_code": "04570",
        "village_code": "04570-01",
        "programme_code": "VBSP.POOR",
    }
    both = [Instalment(due_on=date(2026, 6, 30), principal_vnd=5_000_000)]
    both.append(Instalment(due_on=date(2027, 6, 30), principal_vnd=5_000_000))
    lent = LoanDisbursedPayload(
        loan_id="L-1",
        **ref,
        status=LoanStatus.ACTIVE,
        outstanding_vnd=10_000_000,
        open_instalments=both,
        principal_vnd=10_000_000,
        rate_pct=Decimal("6.6"),
        term_months=24,
        grace_months=0,
        every_months=12,
        disbursed_on=date(2026, 1, 10),
        maturity_on=date(2027, 6, 30),
        days_in_year=365,
    )
    t0 = datetime(2026, 1, 10, tzinfo=UTC)
    closed = lent.model_copy(update={"loan_id": "L-2", "household_code": "HH-0000001"})
    repaid_2 = LoanRepaidPayload(
        loan_id="L-2",
        **{**ref, "household_code": "HH-0000001"},
        status=LoanStatus.CLOSED,
        outstanding_vnd=0,
        open_instalments=[],
        repayment_id="R-2",
        paid_on=date(2026, 12, 1),
        principal_vnd=10_000_000,
        interest_vnd=0,
        early=True,
    )
    return [
        LoanDisbursed.create(lent, producer="support", occurred_at=t0),
        LoanDisbursed.create(closed, producer="support", occurred_at=t0),
        LoanRepaid.create(
            repaid_2, producer="support", occurred_at=datetime(2026, 12, 1, tzinfo=UTC)
        ),
    ]


def load(engine: Engine, loans: Sequence[LoanDisbursed | LoanRepaid]) -> None:
    events = []
    for n in range(10):  # ten poor in 2025; 0-5 leave the list in 2026
        events.append(event(n, year=2025, status="poor"))
        escaped = n <= 5
        events.append(
            event(
                n,
                year=2026,
                status="not_poor" if escaped else "poor",
                previous_status="poor",
                transition="escaped_poverty" if escaped else "unchanged",
            )
        )
    events += [event(n, year=2025, status="near_poor") for n in (20, 21)]
    apply_classifications(u(engine), events, NOW)
    support = [given(n, SupportKind.CREDIT) for n in range(5)]
    support += [given(0, SupportKind.PRODUCTION, org="Hội Phụ nữ xã")]
    support += [given(20, SupportKind.HEALTH_INSURANCE)]
    support += [given(9, SupportKind.CREDIT, on=date(2025, 6, 1))]  # before the period
    apply_support(u(engine), support, NOW)
    training = [enrolled(0, 1, "E-1"), enrolled(0, 2, "E-2"), enrolled(1, 1, "E-3")]
    training.append(enrolled(1, 1, "E-4"))  # the same member again
    apply_support(u(engine), training, NOW)
    apply_loans(u(engine), loans, NOW)


def outcomes(engine: Engine, **kw: object) -> Outcomes:
    return support_outcomes(
        u(engine),
        standard_id=STD,
        review_year=2025,
        as_of=date(2027, 1, 15),
        **kw,  # type: ignore[arg-type]
    )


def test_coverage_training_loans_and_exit_rates_of_a_round(engine: Engine) -> None:
    load(engine, loan_events())
    o = outcomes(engine)
    assert (o.support_from, o.support_to) == (date(2026, 1, 1), date(2026, 12, 31))
    cov = {(c.status, c.kind): (c.received, c.households) for c in o.coverage}
    assert cov[("poor", "credit")] == (5, 10)  # HH-9's credit of 2025 is outside the period
    assert cov[("poor", "production")] == (1, 10)
    assert cov[("near_poor", "health_insurance")] == (1, 2)
    # 12 households x 2 adults able to work; HH-0 two trainees, HH-1 one (enrolled twice)
    assert (o.training.workers, o.training.trained) == (24, 3)
    assert o.training.goal_met is False
    assert (o.loans.active, o.loans.outstanding_vnd) == (1, 10_000_000)
    assert (o.loans.overdue_loans, o.loans.overdue_vnd) == (1, 5_000_000)
    credit = next(e for e in o.exits.by_kind if e.kind == "credit")
    assert (o.exits.poor, o.exits.reviewed_next, o.exits.exited) == (10, 10, 6)
    assert (credit.supported, credit.supported_exited) == (5, 5)
    assert (credit.not_supported, credit.not_supported_exited) == (5, 1)


def test_the_loan_book_is_the_same_whatever_order_the_credit_events_arrive_in(
    engine: Engine,
) -> None:
    load(engine, list(reversed(loan_events())))
    o = outcomes(engine)
    assert (o.loans.active, o.loans.outstanding_vnd, o.loans.overdue_vnd) == (
        1,
        10_000_000,
        5_000_000,
    )


def test_small_outcome_figures_are_hidden_with_their_complements_when_suppressed(
    engine: Engine,
) -> None:
    load(engine, loan_events())
    o = outcomes(engine, suppress=True)
    assert "coverage.poor.production" in o.hidden  # 1 of 10
    assert "coverage.poor.credit" not in o.hidden  # 5 of 10, and 5 did not
    assert "households.near_poor" in o.hidden  # 2 households
    assert "exits.credit" in o.hidden  # 1 unsupported household exited
