"""Support's tables: the register of classified households (latest survey, recognised statuses
with their dates, member roster) and the ledger (support records, loans, revolving models and
obligations, housing cases, insurance cards, training, organisations and pairings).

Amounts in VND are BIGINT. Every table written by a request keeps the request's canonical JSON
(``request``) so that a repeated id is compared field by field (same: no-op; different: 409).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from shared.db import plumbing_tables

mapper_registry = registry()
metadata = mapper_registry.metadata


class SupportModel(SQLModel, registry=mapper_registry):
    pass


def vnd(*, nullable: bool = False, default: int | None = None) -> Any:
    """A VND amount column: BIGINT."""
    return Field(default=default, sa_type=sa.BigInteger, nullable=nullable)


def blob(*, nullable: bool = False) -> Any:
    return Field(default=None, sa_type=sa.LargeBinary, nullable=nullable)


def moment() -> Any:
    return Field(sa_type=sa.DateTime(timezone=True))  # type: ignore[call-overload]


def text(*, nullable: bool = True) -> Any:
    return Field(default=None, sa_type=sa.Text, nullable=nullable)


# ------------------------------------------------------------------------------ register


class KnownHousehold(SupportModel, table=True):
    """Latest governing classification of each household (latest survey wins)."""

    __tablename__ = "known_household"

    household_code: str = Field(primary_key=True, max_length=64)
    commune_code: str = Field(max_length=16, index=True)
    status: str = Field(max_length=16)
    stage: str = Field(max_length=16)
    order_key: str = Field(max_length=96)
    village_code: str | None = Field(default=None, max_length=32)
    review_year: int | None = None
    survey_id: str | None = Field(default=None, max_length=64)
    member_count: int | None = None
    worker_count: int | None = None
    head_ethnicity: str | None = Field(default=None, max_length=32)
    head_sex: str | None = Field(default=None, max_length=8)
    low_income_worker: bool | None = None
    causes: str | None = Field(default=None, max_length=255)
    """Causes of poverty recorded on the survey, comma-separated codes."""
    needs: str | None = Field(default=None, max_length=255)
    """Support needs recorded on the survey, comma-separated codes."""


class HouseholdMember(SupportModel, table=True):
    """The member roster of each household's latest survey (no names or identifiers)."""

    __tablename__ = "household_member"

    household_code: str = Field(primary_key=True, max_length=64)
    member_no: int = Field(primary_key=True)
    age: int
    sex: str = Field(max_length=8)
    working_age: bool
    able_to_work: bool
    health_insured: bool
    disability: bool
    attending_school: bool


class RecognisedStatus(SupportModel, table=True):
    """Every status the commune recognised for a household, with the day it took effect."""

    __tablename__ = "recognised_status"
    __table_args__ = (sa.Index("ix_recognised_status_household", "household_code", "effective_on"),)

    household_code: str = Field(primary_key=True, max_length=64)
    survey_id: str = Field(primary_key=True, max_length=64)
    effective_on: date
    status: str = Field(max_length=16)
    transition: str = Field(max_length=32)
    newly_escaped_until: date | None = None
    low_income_worker: bool
    review_year: int
    order_key: str = Field(max_length=200)


class RecognisedHousehold(SupportModel, table=True):
    """Each household's latest recognised status (for lists and coverage)."""

    __tablename__ = "recognised_household"

    household_code: str = Field(primary_key=True, max_length=64)
    commune_code: str = Field(max_length=16, index=True)
    village_code: str = Field(max_length=32)
    status: str = Field(max_length=16)
    effective_on: date
    newly_escaped_until: date | None = None
    order_key: str = Field(max_length=200)


# ------------------------------------------------------------------------------ ledger


class SupportRecord(SupportModel, table=True):
    """One entry of support received by a household (or one of its members)."""

    __tablename__ = "support_record"
    __table_args__ = (
        sa.Index("ix_support_record_household", "household_code", "given_on"),
        sa.Index("ix_support_record_commune", "commune_code", "given_on"),
        sa.Index("ix_support_record_village", "village_code", "given_on"),
        sa.Index("ix_support_record_programme", "programme_code", "given_on"),
    )

    record_id: str = Field(primary_key=True, max_length=64)
    household_code: str = Field(max_length=64)
    commune_code: str = Field(max_length=16)
    village_code: str = Field(max_length=32)
    member_no: int | None = None
    programme_code: str = Field(max_length=32)
    kind: str = Field(max_length=32)
    funding_source: str = Field(max_length=32)
    funding_detail: str | None = Field(default=None, max_length=32)
    amount_vnd: int = vnd()
    quantity: Decimal | None = Field(default=None, max_digits=18, decimal_places=3)
    unit: str | None = Field(default=None, max_length=32)
    item: str | None = Field(default=None, max_length=128)
    given_on: date
    record_type: str = Field(max_length=16)
    case_id: str | None = Field(default=None, max_length=64, index=True)
    status: str = Field(max_length=16)
    repayable: bool
    revolving_model: str | None = Field(default=None, max_length=32)
    passed_from_record_id: str | None = Field(default=None, max_length=64)
    pairing_id: str | None = Field(default=None, max_length=64, index=True)
    helping_organisation: str | None = Field(default=None, max_length=128)
    eligible_group: str | None = Field(default=None, max_length=16)
    overridden: bool
    override_reason: str | None = text()
    overridden_by: str | None = Field(default=None, max_length=128)
    request: bytes | None = blob(nullable=True)
    recorded_at: datetime = moment()


class Loan(SupportModel, table=True):
    """A policy loan: its terms and its state after every recorded fact."""

    __tablename__ = "loan"
    __table_args__ = (
        sa.Index(
            "ix_loan_portfolio",
            "status",
            "commune_code",
            "programme_code",
            "oldest_unpaid_due_on",
            "outstanding_vnd",
        ),
        sa.Index(
            "ix_loan_late",
            "status",
            "oldest_unpaid_due_on",
            "commune_code",
            "programme_code",
            "loan_id",
            "outstanding_vnd",
        ),
    )

    loan_id: str = Field(primary_key=True, max_length=64)
    household_code: str = Field(max_length=64, index=True)
    commune_code: str = Field(max_length=16)
    village_code: str = Field(max_length=32)
    programme_code: str = Field(max_length=32)
    principal_vnd: int = vnd()
    rate_pct: Decimal = Field(max_digits=7, decimal_places=4)
    term_months: int
    grace_months: int
    every_months: int
    days_in_year: int
    overdue_rate_factor: Decimal = Field(max_digits=5, decimal_places=3)
    max_extension_months: int
    disbursed_on: date
    maturity_on: date
    status: str = Field(max_length=16)
    outstanding_vnd: int = vnd()
    principal_paid_vnd: int = vnd()
    principal_written_off_vnd: int = vnd()
    interest_paid_vnd: int = vnd()
    interest_written_off_vnd: int = vnd()
    oldest_unpaid_due_on: date | None = None
    closed_on: date | None = None
    request: bytes | None = blob(nullable=True)
    recorded_at: datetime = moment()


class LoanInstalment(SupportModel, table=True):
    """Unpaid principal of a loan by due date (settled instalments are removed)."""

    __tablename__ = "loan_instalment"

    loan_id: str = Field(primary_key=True, max_length=64)
    due_on: date = Field(primary_key=True)
    unpaid_vnd: int = vnd()


class LoanFactRow(SupportModel, table=True):
    """A repayment, extension or write-off of a loan."""

    __tablename__ = "loan_fact"
    __table_args__ = (sa.Index("ix_loan_fact_loan", "loan_id", "seq"),)

    fact_id: str = Field(primary_key=True, max_length=64)
    loan_id: str = Field(max_length=64)
    seq: int
    kind: str = Field(max_length=16)
    on: date
    principal_vnd: int = vnd()
    interest_vnd: int = vnd()
    instalment_due_on: date | None = None
    new_due_on: date | None = None
    reason_code: str | None = Field(default=None, max_length=32)
    decision_no: str | None = Field(default=None, max_length=64)
    loss_pct: Decimal | None = Field(default=None, max_digits=5, decimal_places=2)
    note: str | None = text()
    request: bytes | None = blob(nullable=True)
    recorded_at: datetime = moment()


class RevolvingModelRow(SupportModel, table=True):
    """A revolving model (a village cow bank, a rotating production fund …)."""

    __tablename__ = "revolving_model"

    model_code: str = Field(primary_key=True, max_length=32)
    name: str = Field(max_length=128)
    programme_code: str = Field(max_length=32)
    commune_code: str = Field(max_length=16, index=True)
    village_code: str | None = Field(default=None, max_length=32)
    asset: str = Field(max_length=16)
    species: str | None = Field(default=None, max_length=32)
    pass_on_per_head: int
    pass_on_due_months: int
    repay_share_pct: Decimal = Field(max_digits=5, decimal_places=2)
    repay_due_months: int
    started_on: date
    request: bytes | None = blob(nullable=True)
    recorded_at: datetime = moment()


class FundEntry(SupportModel, table=True):
    """A movement of a revolving fund's cash: capital, given out, returned."""

    __tablename__ = "fund_entry"

    entry_id: str = Field(primary_key=True, max_length=64)
    model_code: str = Field(max_length=32, index=True)
    kind: str = Field(max_length=16)
    amount_vnd: int = vnd()
    on: date
    ref: str | None = Field(default=None, max_length=64)
    request: bytes | None = blob(nullable=True)
    recorded_at: datetime = moment()


class Obligation(SupportModel, table=True):
    """What a household owes back for one receipt of revolving support, and its herd."""

    __tablename__ = "obligation"

    obligation_id: str = Field(primary_key=True, max_length=64)
    model_code: str = Field(max_length=32, index=True)
    record_id: str = Field(max_length=64, index=True)
    household_code: str = Field(max_length=64, index=True)
    commune_code: str = Field(max_length=16)
    village_code: str = Field(max_length=32)
    generation: int
    received: int
    value_per_head_vnd: int = vnd()
    quantity_due: int
    amount_due_vnd: int = vnd()
    due_on: date
    born: int
    bought: int
    died: int
    sold: int
    passed_on: int
    repaid_vnd: int = vnd()
    waived: int
    converted_vnd: int = vnd()
    quantity_owed: int
    amount_owed_vnd: int = vnd()
    status: str = Field(max_length=16)
    settled_on: date | None = None


class ObligationEvent(SupportModel, table=True):
    """A birth, death, sale, purchase, pass-on or repayment under an obligation."""

    __tablename__ = "obligation_event"

    event_id: str = Field(primary_key=True, max_length=64)
    obligation_id: str = Field(max_length=64, index=True)
    kind: str = Field(max_length=16)
    on: date
    count: int
    amount_vnd: int = vnd()
    objective: bool | None = None
    cause: str | None = text()
    to_record_id: str | None = Field(default=None, max_length=64)
    request: bytes | None = blob(nullable=True)
    recorded_at: datetime = moment()


class HousingCase(SupportModel, table=True):
    """A house built or repaired with support, its cost by source and its dates."""

    __tablename__ = "housing_case"

    case_id: str = Field(primary_key=True, max_length=48)
    household_code: str = Field(max_length=64, index=True)
    commune_code: str = Field(max_length=16, index=True)
    village_code: str = Field(max_length=32)
    programme_code: str = Field(max_length=32)
    kind: str = Field(max_length=16)
    status: str = Field(max_length=16)
    started_on: date
    completed_on: date | None = None
    central_budget_vnd: int = vnd()
    local_budget_vnd: int = vnd()
    fund_for_the_poor_vnd: int = vnd()
    other_mobilisation_vnd: int = vnd()
    household_vnd: int = vnd()
    labour_days: int
    floor_area_m2: float | None = None
    loan_id: str | None = Field(default=None, max_length=64)
    eligible_group: str | None = Field(default=None, max_length=16)
    overridden: bool
    override_reason: str | None = text()
    overridden_by: str | None = Field(default=None, max_length=128)
    request: bytes | None = blob(nullable=True)
    completion_request: bytes | None = blob(nullable=True)
    recorded_at: datetime = moment()


class InsuranceCard(SupportModel, table=True):
    """A health-insurance card paid wholly or partly by the state."""

    __tablename__ = "insurance_card"
    __table_args__ = (sa.Index("ix_insurance_card_member", "household_code", "member_no"),)

    card_id: str = Field(primary_key=True, max_length=64)
    household_code: str = Field(max_length=64)
    commune_code: str = Field(max_length=16)
    village_code: str = Field(max_length=32)
    member_no: int
    programme_code: str = Field(max_length=32)
    basis_group: str | None = Field(default=None, max_length=16)
    state_share_pct: Decimal = Field(max_digits=5, decimal_places=2)
    valid_from: date
    valid_to: date
    premium_vnd: int | None = vnd(nullable=True)
    state_paid_vnd: int | None = vnd(nullable=True)
    request: bytes | None = blob(nullable=True)
    recorded_at: datetime = moment()


class TrainingEnrolment(SupportModel, table=True):
    """A member's course: enrolment, completion or drop-out, employment outcome."""

    __tablename__ = "training_enrolment"
    __table_args__ = (
        sa.Index("ix_training_member", "household_code", "member_no"),
        sa.Index("ix_training_commune", "commune_code", "status"),
    )

    enrolment_id: str = Field(primary_key=True, max_length=64)
    household_code: str = Field(max_length=64)
    commune_code: str = Field(max_length=16)
    village_code: str = Field(max_length=32)
    member_no: int
    programme_code: str = Field(max_length=32)
    course: str = Field(max_length=128)
    provider: str = Field(max_length=128)
    starts_on: date
    job_linkage: bool
    fee_support_vnd: int = vnd()
    status: str = Field(max_length=16)
    completed_on: date | None = None
    certificate: str | None = Field(default=None, max_length=64)
    occupation: str | None = Field(default=None, max_length=128)
    dropped_on: date | None = None
    drop_reason_code: str | None = Field(default=None, max_length=32)
    outcome: str | None = Field(default=None, max_length=16)
    employed_on: date | None = None
    request: bytes | None = blob(nullable=True)
    finish_request: bytes | None = blob(nullable=True)
    employment_request: bytes | None = blob(nullable=True)
    recorded_at: datetime = moment()


class Organisation(SupportModel, table=True):
    """An organisation (or individual donor) that may sponsor households."""

    __tablename__ = "organisation"

    organisation_code: str = Field(primary_key=True, max_length=32)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=24)
    commune_code: str | None = Field(default=None, max_length=16)
    request: bytes | None = blob(nullable=True)
    recorded_at: datetime = moment()


class Pairing(SupportModel, table=True):
    """An organisation assigned to help a household for a period."""

    __tablename__ = "pairing"

    pairing_id: str = Field(primary_key=True, max_length=64)
    organisation_code: str = Field(max_length=32, index=True)
    household_code: str = Field(max_length=64, index=True)
    commune_code: str = Field(max_length=16)
    village_code: str = Field(max_length=32)
    starts_on: date
    ends_on: date | None = None
    target_year: int | None = None
    commitments: str = Field(sa_type=sa.Text)
    status: str = Field(max_length=16)
    ended_on: date | None = None
    outcome: str | None = Field(default=None, max_length=32)
    outcome_note: str | None = text()
    request: bytes | None = blob(nullable=True)
    end_request: bytes | None = blob(nullable=True)
    recorded_at: datetime = moment()


class PairingVisit(SupportModel, table=True):
    """A follow-up visit of a pairing (notes stay here, never on a stream)."""

    __tablename__ = "pairing_visit"
    __table_args__ = (sa.Index("ix_pairing_visit_pairing", "pairing_id", "visited_on"),)

    visit_id: str = Field(primary_key=True, max_length=64)
    pairing_id: str = Field(max_length=64)
    visited_on: date
    visitor: str | None = Field(default=None, max_length=128)
    notes: str | None = text()
    request: bytes | None = blob(nullable=True)
    recorded_at: datetime = moment()


# ------------------------------------------------------------------------------ plans and work


class LedgerSum(SupportModel, table=True):
    """Support records summed per year, commune, programme and funding source, kept with
    every insert into ``support_record`` (in its transaction): what plans are measured by,
    read without summing the ledger each time."""

    __tablename__ = "ledger_sum"

    year: int = Field(primary_key=True)
    commune_code: str = Field(primary_key=True, max_length=16)
    programme_code: str = Field(primary_key=True, max_length=32)
    funding_source: str = Field(primary_key=True, max_length=32)
    amount_vnd: int = vnd()
    records: int


class LedgerReach(SupportModel, table=True):
    """Each household reached per year, commune, programme and kind of support (kept with
    every insert into ``support_record``): plans' household targets count these."""

    __tablename__ = "ledger_reach"

    year: int = Field(primary_key=True)
    commune_code: str = Field(primary_key=True, max_length=16)
    programme_code: str = Field(primary_key=True, max_length=32)
    kind: str = Field(primary_key=True, max_length=32)
    household_code: str = Field(primary_key=True, max_length=64)


class PlanRow(SupportModel, table=True):
    """A level's plan for a year (its current version; earlier ones in ``plan_revision``)."""

    __tablename__ = "plan"
    __table_args__ = (sa.UniqueConstraint("level", "area_code", "year", name="uq_plan_area_year"),)

    plan_id: str = Field(primary_key=True, max_length=64)
    level: str = Field(max_length=16)
    area_code: str = Field(max_length=16)
    year: int = Field(index=True)
    version: int
    department: str | None = Field(default=None, max_length=64)
    request: bytes | None = blob(nullable=True)
    recorded_at: datetime = moment()


class PlanLine(SupportModel, table=True):
    """Money allocated by a plan to one programme component from one source."""

    __tablename__ = "plan_line"

    plan_id: str = Field(primary_key=True, max_length=64)
    component: str = Field(primary_key=True, max_length=32)
    source: str = Field(primary_key=True, max_length=24)
    amount_vnd: int = vnd()


class PlanTarget(SupportModel, table=True):
    """A physical target of a plan (households to support with a kind, workers to train)."""

    __tablename__ = "plan_target"

    plan_id: str = Field(primary_key=True, max_length=64)
    component: str = Field(primary_key=True, max_length=32)
    kind: str = Field(primary_key=True, max_length=24)
    support_kind: str = Field(primary_key=True, max_length=32)
    quantity: int


class PlanCommune(SupportModel, table=True):
    """The communes a plan covers (its own for a commune; all of them for a district)."""

    __tablename__ = "plan_commune"
    __table_args__ = (sa.Index("ix_plan_commune_commune", "commune_code", "plan_id"),)

    plan_id: str = Field(primary_key=True, max_length=64)
    commune_code: str = Field(primary_key=True, max_length=16)


class PlanRevision(SupportModel, table=True):
    """Every version of a plan: what it allocated and targeted, and why it changed."""

    __tablename__ = "plan_revision"

    plan_id: str = Field(primary_key=True, max_length=64)
    version: int = Field(primary_key=True)
    revision_id: str = Field(max_length=64, unique=True)
    reason: str | None = text()
    lines: str = Field(sa_type=sa.Text)
    revised_on: date
    actor: str = Field(max_length=128)
    request: bytes | None = blob(nullable=True)
    recorded_at: datetime = moment()


class NeedRow(SupportModel, table=True):
    """A household's need registered at a village meeting, and its decision."""

    __tablename__ = "need_registration"
    __table_args__ = (sa.Index("ix_need_area", "commune_code", "status", "component"),)

    need_id: str = Field(primary_key=True, max_length=64)
    household_code: str = Field(max_length=64, index=True)
    commune_code: str = Field(max_length=16)
    village_code: str = Field(max_length=32)
    component: str = Field(max_length=32)
    kind: str = Field(max_length=32)
    meeting_on: date
    status: str = Field(max_length=16)
    decided_on: date | None = None
    reason: str | None = text()
    record_id: str | None = Field(default=None, max_length=64)
    note: str | None = text()
    request: bytes | None = blob(nullable=True)
    recorded_at: datetime = moment()


class ProjectRow(SupportModel, table=True):
    """A livelihood model or production project run by a group or cooperative."""

    __tablename__ = "livelihood_project"

    project_id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    component: str = Field(max_length=32)
    commune_code: str = Field(max_length=16, index=True)
    group_kind: str = Field(max_length=24)
    group_name: str = Field(max_length=200)
    members: str = Field(sa_type=sa.Text)
    state_source: str = Field(max_length=24)
    state_vnd: int = vnd()
    household_vnd: int = vnd()
    enterprise_vnd: int = vnd()
    starts_on: date
    ends_on: date | None = None
    assessed_on: date | None = None
    output_value_vnd: int | None = vnd(nullable=True)
    income_change_pct: float | None = None
    replicable: bool | None = None
    outcome_note: str | None = text()
    request: bytes | None = blob(nullable=True)
    outcome_request: bytes | None = blob(nullable=True)
    recorded_at: datetime = moment()


class CapacityRow(SupportModel, table=True):
    """An officials' training or a communication event (projects 6 and 7)."""

    __tablename__ = "capacity_activity"
    __table_args__ = (sa.Index("ix_capacity_area", "level", "area_code", "held_on"),)

    activity_id: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=24)
    level: str = Field(max_length=16)
    area_code: str = Field(max_length=16)
    component: str = Field(max_length=32)
    body: str | None = Field(default=None, max_length=32)
    topic: str = Field(max_length=300)
    held_on: date
    attendees: int
    cost_vnd: int = vnd()
    source: str = Field(max_length=24)
    request: bytes | None = blob(nullable=True)
    recorded_at: datetime = moment()


class ObstacleRow(SupportModel, table=True):
    """An obstacle or proposal raised to an authority, and its decision."""

    __tablename__ = "obstacle"
    __table_args__ = (sa.Index("ix_obstacle_area", "level", "area_code", "status"),)

    obstacle_id: str = Field(primary_key=True, max_length=64)
    level: str = Field(max_length=16)
    area_code: str = Field(max_length=16)
    raised_by: str = Field(max_length=64)
    addressed_to: str = Field(max_length=64)
    component: str | None = Field(default=None, max_length=32)
    statement: str = Field(sa_type=sa.Text)
    raised_on: date
    status: str = Field(max_length=16)
    decision: str | None = text()
    decided_on: date | None = None
    request: bytes | None = blob(nullable=True)
    decision_request: bytes | None = blob(nullable=True)
    recorded_at: datetime = moment()


class EscapeCommitmentRow(SupportModel, table=True):
    """A household's voluntary commitment to leave poverty by a year."""

    __tablename__ = "escape_commitment"

    commitment_id: str = Field(primary_key=True, max_length=64)
    household_code: str = Field(max_length=64, index=True)
    commune_code: str = Field(max_length=16, index=True)
    village_code: str = Field(max_length=32)
    target_year: int
    committed_on: date
    request: bytes | None = blob(nullable=True)
    recorded_at: datetime = moment()


class EscapeRewardRow(SupportModel, table=True):
    """Praise or a reward for a household that committed to leave poverty."""

    __tablename__ = "escape_reward"

    reward_id: str = Field(primary_key=True, max_length=64)
    commitment_id: str = Field(max_length=64, index=True)
    on: date
    kind: str = Field(max_length=16)
    value_vnd: int = vnd()
    note: str | None = text()
    request: bytes | None = blob(nullable=True)
    recorded_at: datetime = moment()


class AssignmentRow(SupportModel, table=True):
    """An official assigned to a village or a household."""

    __tablename__ = "official_assignment"

    assignment_id: str = Field(primary_key=True, max_length=64)
    official_code: str = Field(max_length=64, index=True)
    official_name: str | None = Field(default=None, max_length=200)
    position: str | None = Field(default=None, max_length=128)
    commune_code: str = Field(max_length=16, index=True)
    village_code: str | None = Field(default=None, max_length=32)
    household_code: str | None = Field(default=None, max_length=64, index=True)
    starts_on: date
    ends_on: date | None = None
    request: bytes | None = blob(nullable=True)
    recorded_at: datetime = moment()


plumbing = plumbing_tables(metadata)


def _t(model: type[SupportModel]) -> sa.Table:
    return model.__table__  # type: ignore[attr-defined,no-any-return]


known = _t(KnownHousehold)
members = _t(HouseholdMember)
recognised = _t(RecognisedStatus)
recognised_latest = _t(RecognisedHousehold)
records = _t(SupportRecord)
loans = _t(Loan)
instalments = _t(LoanInstalment)
loan_facts = _t(LoanFactRow)
revolving_models = _t(RevolvingModelRow)
fund_entries = _t(FundEntry)
obligations = _t(Obligation)
obligation_events = _t(ObligationEvent)
housing_cases = _t(HousingCase)
cards = _t(InsuranceCard)
trainings = _t(TrainingEnrolment)
organisations = _t(Organisation)
pairings = _t(Pairing)
visits = _t(PairingVisit)
ledger_sums = _t(LedgerSum)
ledger_reach = _t(LedgerReach)
plans = _t(PlanRow)
plan_lines = _t(PlanLine)
plan_targets = _t(PlanTarget)
plan_communes = _t(PlanCommune)
plan_revisions = _t(PlanRevision)
needs = _t(NeedRow)
projects = _t(ProjectRow)
capacity = _t(CapacityRow)
obstacles = _t(ObstacleRow)
escapes = _t(EscapeCommitmentRow)
rewards = _t(EscapeRewardRow)
assignments = _t(AssignmentRow)
