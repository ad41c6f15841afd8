"""Streams of plans and the work around them: ``plan.adopted``, ``plan.revised``,
``need.registered``, ``need.decided``, ``project.recorded``, ``project.outcome_recorded``,
``capacity.recorded``, ``obstacle.raised``, ``obstacle.decided``, ``escape.committed``,
``escape.rewarded`` and ``official.assigned``.

No personal data: households, officials and projects are known by code only; reasons, names,
topics and notes stay in support's ledger.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import Field

from shared.contracts.codes import FundingSource, SupportKind
from shared.contracts.envelope import Contract, Envelope

PLAN_ADOPTED_STREAM = "plan.adopted"
PLAN_REVISED_STREAM = "plan.revised"
NEED_REGISTERED_STREAM = "need.registered"
NEED_DECIDED_STREAM = "need.decided"
PROJECT_RECORDED_STREAM = "project.recorded"
PROJECT_OUTCOME_STREAM = "project.outcome_recorded"
CAPACITY_RECORDED_STREAM = "capacity.recorded"
OBSTACLE_RAISED_STREAM = "obstacle.raised"
OBSTACLE_DECIDED_STREAM = "obstacle.decided"
ESCAPE_COMMITTED_STREAM = "escape.committed"
ESCAPE_REWARDED_STREAM = "escape.rewarded"
OFFICIAL_ASSIGNED_STREAM = "official.assigned"


def covers(component: str, programme_code: str) -> bool:
    """Whether a plan line for ``component`` counts support under ``programme_code``: the
    component itself and every sub-programme below it (``NTP2021.P3`` covers ``NTP2021.P3.1``,
    not ``NTP2021.P31``). What every reader of plans and support records means by a component."""
    return programme_code == component or programme_code.startswith(component + ".")


class PlanLevel(StrEnum):
    """Level of government that issues a plan (the former district is kept after the 2025
    reform so that plans issued before it can still be followed)."""

    PROVINCE = "province"
    FORMER_DISTRICT = "former_district"
    COMMUNE = "commune"


class PlanSource(StrEnum):
    """Funding sources of a plan (central budget, local budget, social mobilisation, policy
    credit, other)."""

    CENTRAL = "central"
    LOCAL = "local"
    SOCIAL_MOBILISATION = "social_mobilisation"
    CREDIT = "credit"
    OTHER = "other"


PLAN_SOURCE_OF: dict[FundingSource, PlanSource] = {
    FundingSource.CENTRAL_BUDGET: PlanSource.CENTRAL,
    FundingSource.LOCAL_BUDGET: PlanSource.LOCAL,
    FundingSource.SOCIAL_MOBILISATION: PlanSource.SOCIAL_MOBILISATION,
    FundingSource.POLICY_CREDIT: PlanSource.CREDIT,
    FundingSource.HOUSEHOLD_CONTRIBUTION: PlanSource.OTHER,
}
"""The plan source a support record's funding source counts toward."""


class TargetKind(StrEnum):
    """A physical target of a plan: households to support with one kind of support, workers to
    train, officials to train (attendees of officials' trainings), communication events."""

    HOUSEHOLDS = "households"
    WORKERS_TRAINED = "workers_trained"
    OFFICIALS_TRAINED = "officials_trained"
    COMMUNICATION_EVENTS = "communication_events"


class NeedStatus(StrEnum):
    REGISTERED = "registered"
    APPROVED = "approved"
    SERVED = "served"
    DECLINED = "declined"


class CapacityKind(StrEnum):
    """Project 6 (communication) and 7 (capacity building) activities."""

    OFFICIAL_TRAINING = "official_training"
    COMMUNICATION = "communication"


class TrainedBody(StrEnum):
    """Who an officials' training is for."""

    PROGRAMME_BOARD = "programme_board"
    """Ban Chỉ đạo: the board directing the programme at a level (province, district, commune)."""
    VILLAGE_DEVELOPMENT_BOARD = "village_development_board"
    POVERTY_OFFICERS = "poverty_officers"
    OTHER = "other"


class ObstacleStatus(StrEnum):
    OPEN = "open"
    DECIDED = "decided"


class Allocation(Contract):
    component: str = Field(description="Programme component (catalogue code, e.g. NTP2021.P3.1).")
    source: PlanSource = Field(description="Funding source.")
    amount_vnd: int = Field(ge=0, description="Amount allocated, VND.")


class Target(Contract):
    component: str = Field(description="Programme component (catalogue code).")
    kind: TargetKind = Field(description="What is counted.")
    support_kind: SupportKind | None = Field(
        default=None, description="Kind of support, for household targets."
    )
    quantity: int = Field(ge=0, description="Households or workers planned.")


class PlanPayload(Contract):
    plan_id: str = Field(description="Plan id.")
    level: PlanLevel = Field(description="Level that issued the plan.")
    area_code: str = Field(description="Province, former district or commune code.")
    year: int = Field(description="Plan year.")
    version: int = Field(ge=1, description="Version (1 when adopted, +1 per revision).")
    department: str | None = Field(default=None, description="Responsible department (code).")
    allocations: list[Allocation] = Field(description="Money per component and source.")
    targets: list[Target] = Field(description="Physical targets per component.")


class PlanAdopted(Envelope[PlanPayload]):
    """A level adopted its plan for a year (allocations and physical targets)."""

    EVENT_TYPE: ClassVar[str] = "PlanAdopted"


class PlanRevised(Envelope[PlanPayload]):
    """A plan was revised; the payload is the plan after the revision (the reason stays in the
    ledger)."""

    EVENT_TYPE: ClassVar[str] = "PlanRevised"


class NeedPayload(Contract):
    need_id: str = Field(description="Registration id.")
    household_code: str = Field(description="Household that registered.")
    commune_code: str = Field(description="Commune of the household.")
    village_code: str = Field(description="Village where the meeting was held.")
    component: str = Field(description="Programme component the need is for.")
    kind: SupportKind = Field(description="Kind of support needed.")
    status: NeedStatus = Field(description="Status after this event.")
    on: date = Field(description="Date of the meeting or the decision.")
    record_id: str | None = Field(default=None, description="Support record that served it.")


class NeedRegistered(Envelope[NeedPayload]):
    """A household registered a need at a village meeting."""

    EVENT_TYPE: ClassVar[str] = "NeedRegistered"


class NeedDecided(Envelope[NeedPayload]):
    """A need was approved, served (with the support record) or declined."""

    EVENT_TYPE: ClassVar[str] = "NeedDecided"


class Budget(Contract):
    state_vnd: int = Field(ge=0, description="State budget, VND.")
    state_source: PlanSource = Field(
        default=PlanSource.CENTRAL,
        description="Plan source the state budget is counted under (central or local budget).",
    )
    household_vnd: int = Field(ge=0, description="Households' counterpart, VND.")
    enterprise_vnd: int = Field(ge=0, description="Enterprise contribution, VND.")


class ProjectPayload(Contract):
    project_id: str = Field(description="Project id.")
    component: str = Field(description="Programme component.")
    commune_code: str = Field(description="Commune of the project.")
    group_kind: str = Field(description="Community group, cooperative or enterprise-led.")
    members: list[str] = Field(description="Member household codes.")
    budget: Budget = Field(description="Budget by source.")
    starts_on: date = Field(description="Start date.")
    ends_on: date | None = Field(default=None, description="Planned end.")


class ProjectRecorded(Envelope[ProjectPayload]):
    """A livelihood model or production project was recorded with its members and budget."""

    EVENT_TYPE: ClassVar[str] = "ProjectRecorded"


class ProjectOutcomePayload(Contract):
    project_id: str = Field(description="Project id.")
    commune_code: str = Field(description="Commune of the project.")
    on: date = Field(description="Date of the assessment.")
    output_value_vnd: int = Field(ge=0, description="Value of the output, VND.")
    income_change_pct: float | None = Field(
        default=None, description="Average change of members' income, percent."
    )
    replicable: bool = Field(description="Recognised as a model to replicate.")


class ProjectOutcomeRecorded(Envelope[ProjectOutcomePayload]):
    """The outcome of a project was assessed."""

    EVENT_TYPE: ClassVar[str] = "ProjectOutcomeRecorded"


class CapacityPayload(Contract):
    activity_id: str = Field(description="Activity id.")
    kind: CapacityKind = Field(description="Officials' training or communication event.")
    level: PlanLevel = Field(description="Level that held it.")
    area_code: str = Field(description="Area code.")
    component: str = Field(description="Programme component (P6 or P7 sub-project).")
    body: TrainedBody | None = Field(default=None, description="Who was trained.")
    held_on: date = Field(description="Date held.")
    attendees: int = Field(ge=0, description="Number of attendees.")
    cost_vnd: int = Field(ge=0, description="Cost, VND.")
    source: PlanSource = Field(
        default=PlanSource.CENTRAL, description="Plan source the cost is counted under."
    )


class CapacityRecorded(Envelope[CapacityPayload]):
    """An officials' training or a communication event was held."""

    EVENT_TYPE: ClassVar[str] = "CapacityRecorded"


class ObstaclePayload(Contract):
    obstacle_id: str = Field(description="Obstacle id.")
    level: PlanLevel = Field(description="Level of the area that raised it.")
    area_code: str = Field(description="Commune, former district or province code.")
    raised_by: str = Field(description="Commune or department code that raised it.")
    addressed_to: str = Field(description="Authority it is addressed to (code).")
    component: str | None = Field(default=None, description="Programme component concerned.")
    status: ObstacleStatus = Field(description="Status after this event.")
    on: date = Field(description="Date raised or decided.")


class ObstacleRaised(Envelope[ObstaclePayload]):
    """An obstacle or proposal was raised to an authority."""

    EVENT_TYPE: ClassVar[str] = "ObstacleRaised"


class ObstacleDecided(Envelope[ObstaclePayload]):
    """The authority decided on an obstacle or proposal (the text stays in the ledger)."""

    EVENT_TYPE: ClassVar[str] = "ObstacleDecided"


class EscapePayload(Contract):
    commitment_id: str = Field(description="Commitment id.")
    household_code: str = Field(description="Household that committed.")
    commune_code: str = Field(description="Commune of the household.")
    village_code: str = Field(description="Village of the household.")
    target_year: int = Field(description="Year by which it commits to leave poverty.")
    on: date = Field(description="Date committed or rewarded.")
    reward_vnd: int = Field(default=0, ge=0, description="Value of a reward, VND.")


class EscapeCommitted(Envelope[EscapePayload]):
    """A household committed to leave poverty by a year."""

    EVENT_TYPE: ClassVar[str] = "EscapeCommitted"


class EscapeRewarded(Envelope[EscapePayload]):
    """A household was praised or rewarded for leaving poverty voluntarily."""

    EVENT_TYPE: ClassVar[str] = "EscapeRewarded"


class AssignmentPayload(Contract):
    assignment_id: str = Field(description="Assignment id.")
    official_code: str = Field(description="Official (code, never a name).")
    commune_code: str = Field(description="Commune.")
    village_code: str | None = Field(default=None, description="Village assigned.")
    household_code: str | None = Field(default=None, description="Household assigned.")
    starts_on: date = Field(description="Start of the assignment.")


class OfficialAssigned(Envelope[AssignmentPayload]):
    """An official was assigned to a village or a household."""

    EVENT_TYPE: ClassVar[str] = "OfficialAssigned"


PLAN_STREAMS: dict[str, type[Envelope[Any]]] = {
    PLAN_ADOPTED_STREAM: PlanAdopted,
    PLAN_REVISED_STREAM: PlanRevised,
    NEED_REGISTERED_STREAM: NeedRegistered,
    NEED_DECIDED_STREAM: NeedDecided,
    PROJECT_RECORDED_STREAM: ProjectRecorded,
    PROJECT_OUTCOME_STREAM: ProjectOutcomeRecorded,
    CAPACITY_RECORDED_STREAM: CapacityRecorded,
    OBSTACLE_RAISED_STREAM: ObstacleRaised,
    OBSTACLE_DECIDED_STREAM: ObstacleDecided,
    ESCAPE_COMMITTED_STREAM: EscapeCommitted,
    ESCAPE_REWARDED_STREAM: EscapeRewarded,
    OFFICIAL_ASSIGNED_STREAM: OfficialAssigned,
}
