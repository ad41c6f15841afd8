"""Reporting's tables.

Projections rebuilt from the streams: ``household_round`` (each household's figures per
round, standard and stage; latest survey wins), ``report_cell`` (pre-aggregates per village,
kept equal to the sum of the households' contributions), ``report_round`` and
``standard_indicator`` (which rounds and standards exist), ``event_tally``, ``support`` and
``training``, ``household_change`` (life events), and the plan tables (``plan``,
``plan_spend``, ``plan_reach``, ``plan_project``, ``plan_capacity``, ``plan_trained``:
plans against what was spent and reached). Owned here and not rebuilt from the
streams: ``area`` and ``area_change`` (a copy of intake's registry and its changes),
``target``, and the sign-off tables.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from shared.db import plumbing_tables

mapper_registry = registry()
metadata = mapper_registry.metadata

COUNT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
"""Counts and amounts: 64-bit on PostgreSQL (SQLite's INTEGER is 64-bit already)."""


class ReportingModel(SQLModel, registry=mapper_registry):
    pass


class HouseholdRoundRow(ReportingModel, table=True):
    """A household's figures in one round under one standard at one stage (its latest survey
    of the round wins; other rounds and the other stage are separate rows)."""

    __tablename__ = "household_round"
    __table_args__ = (
        sa.Index(
            "ix_household_round_list",
            "review_year",
            "standard_id",
            "stage",
            "status",
            "commune_code",
            "village_code",
            "household_code",
        ),
    )

    review_year: int = Field(primary_key=True)
    standard_id: str = Field(primary_key=True, max_length=32)
    stage: str = Field(primary_key=True, max_length=16)
    household_code: str = Field(primary_key=True, max_length=64)
    survey_id: str = Field(max_length=64)
    order_key: str = Field(max_length=192)
    province_code: str = Field(max_length=16)
    commune_code: str = Field(max_length=16)
    village_code: str = Field(max_length=32)
    status: str = Field(max_length=16)
    previous_status: str | None = Field(default=None, max_length=16)
    transition: str = Field(max_length=32)
    member_count: int
    head_ethnicity: str = Field(max_length=32)
    head_sex: str | None = Field(default=None, max_length=8)
    minority: bool
    no_labour: bool
    causes: str = Field(max_length=256)  # comma-separated codes
    needs: str = Field(max_length=256)
    deprived: str = Field(max_length=512)
    children: int
    children_uninsured: int
    children_malnourished: int
    children_out_of_school: int
    newly_escaped_until: date | None = None
    low_income_worker_household: bool
    workers: int
    mpi_score: int


class CellRow(ReportingModel, table=True):
    """Pre-aggregate: households and persons of one village in one cell of one measure."""

    __tablename__ = "report_cell"

    review_year: int = Field(primary_key=True)
    standard_id: str = Field(primary_key=True, max_length=32)
    stage: str = Field(primary_key=True, max_length=16)
    measure: str = Field(primary_key=True, max_length=16)
    commune_code: str = Field(primary_key=True, max_length=16)
    village_code: str = Field(primary_key=True, max_length=32)
    category: str = Field(primary_key=True, max_length=96)
    province_code: str = Field(max_length=16)
    households: int = Field(sa_type=COUNT)
    persons: int = Field(sa_type=COUNT)


class RoundRow(ReportingModel, table=True):
    """A round with figures under a standard at a stage."""

    __tablename__ = "report_round"

    review_year: int = Field(primary_key=True)
    standard_id: str = Field(primary_key=True, max_length=32)
    stage: str = Field(primary_key=True, max_length=16)


class StandardIndicatorRow(ReportingModel, table=True):
    """The indicators of a standard in order, as its classifications list them."""

    __tablename__ = "standard_indicator"

    standard_id: str = Field(primary_key=True, max_length=32)
    code: str = Field(primary_key=True, max_length=64)
    position: int
    dimension: str = Field(max_length=64)


class AreaRow(ReportingModel, table=True):
    """Reporting's copy of the area registry (names for report rows)."""

    __tablename__ = "area"

    code: str = Field(primary_key=True, max_length=32)
    level: str = Field(max_length=16)
    name_vi: str = Field(max_length=128)
    name_en: str | None = Field(default=None, max_length=128)
    parent_code: str | None = Field(default=None, max_length=32)
    former_district_code: str | None = Field(default=None, max_length=32)
    valid_from: date | None = None
    valid_to: date | None = None


class AreaChangeRow(ReportingModel, table=True):
    """Reporting's copy of the area list's changes (``shared.area_changes``), in file order."""

    __tablename__ = "area_change"

    seq: int = Field(primary_key=True)
    effective_on: date
    kind: str = Field(max_length=16)
    code: str = Field(max_length=32)
    new_code: str | None = Field(default=None, max_length=32)
    new_name: str | None = Field(default=None, max_length=128)
    new_parent_code: str | None = Field(default=None, max_length=32)


class AreaRegistryRow(ReportingModel, table=True):
    """Fingerprint of the registry copy held in ``area`` (one row), so that readers can keep
    the registry in memory until it changes."""

    __tablename__ = "area_registry"

    id: int = Field(primary_key=True)
    content_hash: str = Field(max_length=64)


class TargetRow(ReportingModel, table=True):
    """A planned reduction of a rate (hundredths of a percentage point) for an area and year."""

    __tablename__ = "target"

    review_year: int = Field(primary_key=True)
    area_code: str = Field(primary_key=True, max_length=32)
    measure: str = Field(primary_key=True, max_length=32)
    planned_centipoints: int
    set_by: str = Field(max_length=64)
    set_at: datetime = Field(sa_type=sa.DateTime(timezone=True))  # type: ignore[call-overload]


class SignoffRow(ReportingModel, table=True):
    """Where a commune's figures for a round stand, with the submitted figures."""

    __tablename__ = "signoff"

    review_year: int = Field(primary_key=True)
    standard_id: str = Field(primary_key=True, max_length=32)
    commune_code: str = Field(primary_key=True, max_length=16)
    state: str = Field(max_length=16)
    approved_version: int
    submitted_hash: str | None = Field(default=None, max_length=64)
    submitted_content: str | None = Field(default=None, sa_type=sa.Text)
    submitted_by: str | None = Field(default=None, max_length=64)
    submitted_at: datetime | None = Field(  # type: ignore[call-overload]
        default=None, sa_type=sa.DateTime(timezone=True)
    )


class SignoffVersionRow(ReportingModel, table=True):
    """An approved, frozen version of a commune's figures for a round."""

    __tablename__ = "signoff_version"

    review_year: int = Field(primary_key=True)
    standard_id: str = Field(primary_key=True, max_length=32)
    commune_code: str = Field(primary_key=True, max_length=16)
    version: int = Field(primary_key=True)
    content_hash: str = Field(max_length=64)
    content: str = Field(sa_type=sa.Text)
    submitted_by: str = Field(max_length=64)
    submitted_at: datetime = Field(sa_type=sa.DateTime(timezone=True))  # type: ignore[call-overload]
    approved_by: str = Field(max_length=64)
    approved_at: datetime = Field(sa_type=sa.DateTime(timezone=True))  # type: ignore[call-overload]


class SignoffStepRow(ReportingModel, table=True):
    """The audit trail of sign-off: every step, who took it, when and why."""

    __tablename__ = "signoff_step"

    id: int | None = Field(default=None, primary_key=True)
    review_year: int
    standard_id: str = Field(max_length=32)
    commune_code: str = Field(max_length=16)
    step: str = Field(max_length=16)
    from_state: str = Field(max_length=16)
    to_state: str = Field(max_length=16)
    actor_id: str = Field(max_length=64)
    actor_role: str = Field(max_length=16)
    at: datetime = Field(sa_type=sa.DateTime(timezone=True))  # type: ignore[call-overload]
    reason: str | None = Field(default=None, sa_type=sa.Text)
    content_hash: str | None = Field(default=None, max_length=64)
    version: int


class EventTally(ReportingModel, table=True):
    """How many events of each type were applied (each event id once)."""

    __tablename__ = "event_tally"

    event_type: str = Field(primary_key=True, max_length=64)
    standard_id: str = Field(primary_key=True, max_length=32)
    count: int


class SupportRow(ReportingModel, table=True):
    __tablename__ = "support"

    disbursement_id: str = Field(primary_key=True, max_length=64)
    household_code: str = Field(max_length=64)
    commune_code: str = Field(max_length=16, index=True)
    kind: str = Field(max_length=32)
    funding_source: str = Field(max_length=32)
    programme_code: str = Field(max_length=32)
    amount_vnd: int = Field(sa_type=COUNT)
    disbursed_on: date
    helping_organisation: str | None = Field(default=None, max_length=128)


class TrainingRow(ReportingModel, table=True):
    __tablename__ = "training"

    enrolment_id: str = Field(primary_key=True, max_length=64)
    household_code: str = Field(max_length=64, index=True)
    commune_code: str = Field(max_length=16, index=True)
    job_linkage: bool
    member_no: int | None = Field(default=None)
    starts_on: date | None = Field(default=None)


class LoanRow(ReportingModel, table=True):
    """A loan as its latest credit event left it (latest wins by ``order_key``)."""

    __tablename__ = "loan"

    loan_id: str = Field(primary_key=True, max_length=64)
    household_code: str = Field(max_length=64)
    commune_code: str = Field(max_length=16, index=True)
    programme_code: str = Field(max_length=32)
    status: str = Field(max_length=16)
    outstanding_vnd: int = Field(sa_type=COUNT)
    open_instalments: str = Field(sa_type=sa.Text)
    """JSON list of [due date, principal due] of the unpaid instalments."""
    order_key: str = Field(max_length=128)


class HouseholdChangeRow(ReportingModel, table=True):
    """A household's life event as intake recorded it (``household.changed``; codes only)."""

    __tablename__ = "household_change"
    __table_args__ = (
        sa.Index("ix_household_change_effective", "effective_on"),
        sa.Index("ix_household_change_related", "related_household_code"),
    )

    change_id: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=16)
    household_code: str = Field(max_length=64, index=True)
    effective_on: date
    province_code: str = Field(max_length=16)
    from_commune_code: str = Field(max_length=16)
    from_village_code: str = Field(max_length=32)
    to_commune_code: str = Field(max_length=16)
    to_village_code: str = Field(max_length=32)
    related_household_code: str | None = Field(default=None, max_length=64)
    members: int
    cause: str | None = Field(default=None, max_length=16)


# plans against actual -------------------------------------------------------------------------


class PlanHeadRow(ReportingModel, table=True):
    """A level's plan for a year as its latest version left it (latest wins by version)."""

    __tablename__ = "plan"
    __table_args__ = (sa.Index("ix_plan_year_level_area", "year", "level", "area_code"),)

    plan_id: str = Field(primary_key=True, max_length=64)
    level: str = Field(max_length=16)
    area_code: str = Field(max_length=16)
    year: int
    version: int
    department: str | None = Field(default=None, max_length=64)
    allocations: str = Field(sa_type=sa.Text)
    """JSON list of [component, source, amount]."""
    targets: str = Field(sa_type=sa.Text)
    """JSON list of [component, kind, support kind or "", quantity]."""
    order_key: str = Field(max_length=16)
    """The version, zero-padded: a later version replaces an earlier one, never the reverse."""


class PlanSpendRow(ReportingModel, table=True):
    """Disbursements summed per year, commune, programme and funding source (added with each
    ``support.disbursed`` event, in its transaction). The amount is kept in two sums, of the
    whole billions and of the rest, so that no sum overflows a 64-bit column."""

    __tablename__ = "plan_spend"

    year: int = Field(primary_key=True)
    commune_code: str = Field(primary_key=True, max_length=16)
    programme_code: str = Field(primary_key=True, max_length=32)
    funding_source: str = Field(primary_key=True, max_length=32)
    billions: int = Field(sa_type=COUNT)
    """Sum of each amount's whole billions of VND."""
    rest_vnd: int = Field(sa_type=COUNT)
    """Sum of each amount's VND below a billion."""
    records: int


class PlanReachRow(ReportingModel, table=True):
    """Each household reached per year, commune, programme and kind of support."""

    __tablename__ = "plan_reach"

    year: int = Field(primary_key=True)
    commune_code: str = Field(primary_key=True, max_length=16)
    programme_code: str = Field(primary_key=True, max_length=32)
    kind: str = Field(primary_key=True, max_length=32)
    household_code: str = Field(primary_key=True, max_length=64)


class PlanProjectRow(ReportingModel, table=True):
    """A livelihood project's budget: committed money of its component."""

    __tablename__ = "plan_project"

    project_id: str = Field(primary_key=True, max_length=64)
    component: str = Field(max_length=32)
    commune_code: str = Field(max_length=16)
    year: int = Field(index=True)
    state_source: str = Field(max_length=32)
    state_vnd: int = Field(sa_type=COUNT)
    household_vnd: int = Field(sa_type=COUNT)
    enterprise_vnd: int = Field(sa_type=COUNT)


class PlanCapacityRow(ReportingModel, table=True):
    """An officials' training or communication event: money spent and officials trained."""

    __tablename__ = "plan_capacity"

    activity_id: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=32)
    level: str = Field(max_length=16)
    area_code: str = Field(max_length=16)
    component: str = Field(max_length=32)
    source: str = Field(max_length=32)
    year: int = Field(index=True)
    attendees: int
    cost_vnd: int = Field(sa_type=COUNT)


class PlanTrainedRow(ReportingModel, table=True):
    """A worker who completed a vocational course (workers-trained targets)."""

    __tablename__ = "plan_trained"

    enrolment_id: str = Field(primary_key=True, max_length=64)
    commune_code: str = Field(max_length=16)
    programme_code: str = Field(max_length=32)
    year: int = Field(index=True)


plumbing = plumbing_tables(metadata)
households = HouseholdRoundRow.__table__  # type: ignore[attr-defined]
cells = CellRow.__table__  # type: ignore[attr-defined]
rounds = RoundRow.__table__  # type: ignore[attr-defined]
indicators = StandardIndicatorRow.__table__  # type: ignore[attr-defined]
areas = AreaRow.__table__  # type: ignore[attr-defined]
area_registry = AreaRegistryRow.__table__  # type: ignore[attr-defined]
area_changes = AreaChangeRow.__table__  # type: ignore[attr-defined]
targets = TargetRow.__table__  # type: ignore[attr-defined]
signoffs = SignoffRow.__table__  # type: ignore[attr-defined]
signoff_versions = SignoffVersionRow.__table__  # type: ignore[attr-defined]
signoff_steps = SignoffStepRow.__table__  # type: ignore[attr-defined]
tallies = EventTally.__table__  # type: ignore[attr-defined]
support = SupportRow.__table__  # type: ignore[attr-defined]
training = TrainingRow.__table__  # type: ignore[attr-defined]
loans = LoanRow.__table__  # type: ignore[attr-defined]
household_changes = HouseholdChangeRow.__table__  # type: ignore[attr-defined]

plan_heads = PlanHeadRow.__table__  # type: ignore[attr-defined]
plan_spend = PlanSpendRow.__table__  # type: ignore[attr-defined]
plan_reach = PlanReachRow.__table__  # type: ignore[attr-defined]
plan_projects = PlanProjectRow.__table__  # type: ignore[attr-defined]
plan_capacity = PlanCapacityRow.__table__  # type: ignore[attr-defined]
plan_trained = PlanTrainedRow.__table__  # type: ignore[attr-defined]

PROJECTIONS = (
    households,
    cells,
    rounds,
    indicators,
    tallies,
    support,
    training,
    loans,
    household_changes,
    plan_heads,
    plan_spend,
    plan_reach,
    plan_projects,
    plan_capacity,
    plan_trained,
)
"""Tables rebuilt from the streams (a replay empties them and the processed ids first)."""
