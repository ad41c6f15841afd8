"""What the plans side of support returns: plans with their execution, plan-vs-actual tables,
needs, projects, capacity activities, obstacles, escape commitments and assignments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from pydantic import Field

from services.support.views import View
from shared.contracts.codes import SupportKind
from shared.contracts.plans import (
    CapacityKind,
    NeedStatus,
    ObstacleStatus,
    PlanLevel,
    PlanSource,
    TargetKind,
    TrainedBody,
)


class AllocationView(View):
    component: str
    source: PlanSource
    amount_vnd: int


class TargetView(View):
    component: str
    kind: TargetKind
    support_kind: SupportKind | None = None
    quantity: int


class ChangeView(View):
    component: str
    source: PlanSource
    before_vnd: int
    after_vnd: int


class RevisionView(View):
    version: int
    revision_id: str
    reason: str | None
    revised_on: date
    actor: str
    allocations: list[AllocationView]
    targets: list[TargetView]
    changes: list[ChangeView] = Field(default_factory=list)
    """Allocations changed against the version before (empty for the first)."""
    recorded_at: datetime


class PlanView(View):
    plan_id: str
    level: PlanLevel
    area_code: str
    year: int
    version: int
    department: str | None
    communes: list[str]
    allocations: list[AllocationView]
    targets: list[TargetView]


@dataclass(frozen=True, slots=True)
class MoneyLine:
    """Execution of one component and source: committed and disbursed against allocated."""

    component: str
    source: PlanSource
    allocated_vnd: int
    committed_vnd: int
    disbursed_vnd: int
    remaining_vnd: int
    disbursed_pct: Decimal | None
    above_plan: bool


@dataclass(frozen=True, slots=True)
class TargetLine:
    """A physical target against what the ledger shows."""

    component: str
    kind: TargetKind
    support_kind: SupportKind | None
    planned: int
    actual: int
    pct: Decimal | None
    above_plan: bool


@dataclass(frozen=True, slots=True)
class AreaExecution:
    """One area's plan (if it has one) against the ledger in its communes. ``above_plan``:
    more disbursed than allocated over the whole plan (the year-end "above plan").
    (Plain dataclasses: a province's table has thousands of lines.)"""

    level: PlanLevel
    area_code: str
    name: str
    plan_id: str | None
    allocated_vnd: int
    committed_vnd: int
    disbursed_vnd: int
    disbursed_pct: Decimal | None
    above_plan: bool
    money: list[MoneyLine]
    targets: list[TargetLine]


class PlanDetail(View):
    plan: PlanView
    execution: AreaExecution
    revisions: list[RevisionView]


@dataclass(frozen=True, slots=True)
class PlanVsActual:
    """Plan against actual for an area and its sub-areas (former districts, communes)."""

    level: PlanLevel
    area_code: str
    year: int
    areas: list[AreaExecution]


class NeedView(View):
    need_id: str
    household_code: str
    commune_code: str
    village_code: str
    component: str
    kind: SupportKind
    meeting_on: date
    status: NeedStatus
    decided_on: date | None
    reason: str | None
    record_id: str | None


class UnservedLine(View):
    commune_code: str
    component: str
    kind: SupportKind
    registered: int
    approved: int


class ProjectView(View):
    project_id: str
    name: str
    component: str
    commune_code: str
    group_kind: str
    group_name: str
    members: list[str]
    state_source: PlanSource
    state_vnd: int
    household_vnd: int
    enterprise_vnd: int
    starts_on: date
    ends_on: date | None
    assessed_on: date | None
    output_value_vnd: int | None
    income_change_pct: float | None
    replicable: bool | None


class CapacityView(View):
    activity_id: str
    kind: CapacityKind
    level: PlanLevel
    area_code: str
    component: str
    body: TrainedBody | None
    topic: str
    held_on: date
    attendees: int
    cost_vnd: int
    source: PlanSource


class ObstacleView(View):
    obstacle_id: str
    level: PlanLevel
    area_code: str
    raised_by: str
    addressed_to: str
    component: str | None
    statement: str
    raised_on: date
    status: ObstacleStatus
    decision: str | None
    decided_on: date | None


class RewardView(View):
    reward_id: str
    on: date
    kind: str
    value_vnd: int
    note: str | None


class EscapeView(View):
    commitment_id: str
    household_code: str
    commune_code: str
    village_code: str
    target_year: int
    committed_on: date
    outcome: str
    """``met``, ``not_met``, ``late`` (out of poverty only after the year) or ``pending``,
    read from the recognised statuses of the annual reviews."""
    rewards: list[RewardView]


class AssignmentView(View):
    assignment_id: str
    official_code: str
    official_name: str | None
    position: str | None
    commune_code: str
    village_code: str | None
    household_code: str | None
    starts_on: date
    ends_on: date | None
