"""The work around a plan: needs registered at village meetings and their decisions,
livelihood projects and their outcomes, officials' trainings and communication events,
obstacles raised to an authority and its decision, households' voluntary commitments to leave
poverty and their rewards, and officials assigned to villages and households."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from pydantic import Field

from services.support.adapters.tables import (
    assignments,
    capacity,
    escapes,
    needs,
    obstacles,
    projects,
    rewards,
)
from services.support.adapters.uow import SupportUnitOfWork
from services.support.domain.areas import AreaMap
from services.support.domain.catalogue import Catalogue
from services.support.domain.plans import advance, check_components, check_open, escape_outcome
from services.support.plan_views import (
    AssignmentView,
    CapacityView,
    EscapeView,
    NeedView,
    ObstacleView,
    ProjectView,
    UnservedLine,
)
from services.support.usecases.common import (
    Code,
    Day,
    Id,
    Reason,
    Request,
    Vnd,
    audit,
    emit,
    household,
    missing,
    not_future,
    replayed,
    retried_on_race,
    stored_json,
)
from services.support.views import Recorded
from shared.access.model import Actor
from shared.contracts import plans as contract
from shared.contracts.codes import SupportKind
from shared.contracts.plans import (
    CapacityKind,
    NeedStatus,
    ObstacleStatus,
    PlanLevel,
    PlanSource,
    TrainedBody,
)
from shared.errors import DomainError, ErrorKind

MAX_MEMBERS = 500


def _component(catalogue: Catalogue, code: str, field: str = "component") -> None:
    check_components([code], [code] if catalogue.find(code) else [], field)


def outside(code: str, where_vi: str, where_en: str, field: str) -> DomainError:
    return DomainError(
        field,
        f"Hộ {code} không thuộc {where_vi}.",
        f"Household {code} is not in {where_en}.",
        code="household_outside_area",
    )


# ---------------------------------------------------------------------- needs


class NeedRequest(Request):
    need_id: Id = Field(description="Registration id; idempotency key.")
    household_code: Id = Field(description="Household registering.")
    village_code: str = Field(min_length=1, max_length=32, description="Village of the meeting.")
    meeting_on: Day = Field(description="Date of the village meeting.")
    component: Code = Field(description="Programme component the need is for.")
    kind: SupportKind = Field(description="Kind of support needed.")
    note: str | None = Field(default=None, max_length=2000)


class Decision(StrEnum):
    APPROVED = "approved"
    SERVED = "served"
    DECLINED = "declined"


class NeedDecisionRequest(Request):
    status: Decision = Field(description="Approved, served (with the record) or declined.")
    on: Day = Field(description="Date of the decision.")
    reason: Reason | None = Field(default=None, description="Why it was declined.")
    record_id: Id | None = Field(default=None, description="Support record that served it.")


def _need_payload(n: NeedView, on: Any) -> contract.NeedPayload:
    return contract.NeedPayload(
        need_id=n.need_id,
        household_code=n.household_code,
        commune_code=n.commune_code,
        village_code=n.village_code,
        component=n.component,
        kind=n.kind,
        status=n.status,
        on=on,
        record_id=n.record_id,
    )


@retried_on_race
def register_need(
    uow: SupportUnitOfWork,
    catalogue: Catalogue,
    request: NeedRequest,
    *,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """A household registers a need for a component and kind at its village's meeting; a
    household of another village cannot register at this meeting (422)."""
    with uow:
        hh = household(uow, request.household_code)
        where = {"commune_code": hh.commune_code, "village_code": hh.village_code}
        if replayed(uow, needs, "need_id", request, ("Đăng ký nhu cầu", "Need registration")):
            return Recorded(id=request.need_id, created=False, **where)
        if hh.village_code and hh.village_code != request.village_code:
            raise outside(
                hh.household_code,
                f"thôn {request.village_code} họp bình xét",
                f"village {request.village_code}, where the meeting was held",
                "village_code",
            )
        not_future(request.meeting_on, now, "meeting_on")
        _component(catalogue, request.component)
        row = {
            "need_id": request.need_id,
            "household_code": hh.household_code,
            "commune_code": hh.commune_code,
            "village_code": hh.village_code or request.village_code,
            "component": request.component,
            "kind": request.kind.value,
            "meeting_on": request.meeting_on,
            "status": NeedStatus.REGISTERED.value,
            "note": request.note,
            "request": stored_json(request),
            "recorded_at": now,
        }
        uow.plans.add_need(row)
        n = NeedView.model_validate(row | {"decided_on": None, "reason": None, "record_id": None})
        uow.stage(
            [emit(contract.NeedRegistered, _need_payload(n, n.meeting_on), correlation_id, now)]
        )
        audit(
            uow,
            actor,
            "need.registered",
            ("household", hh.household_code),
            commune_code=hh.commune_code,
            village_code=hh.village_code,
            after={"need_id": n.need_id, "component": n.component, "kind": n.kind.value},
            correlation_id=correlation_id,
        )
        uow.commit()
        return Recorded(id=n.need_id, created=True, events=1, **where)


@retried_on_race
def decide_need(
    uow: SupportUnitOfWork,
    need_id: str,
    request: NeedDecisionRequest,
    *,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """registered → approved → served (naming the household's support record) or declined
    with a reason. The same decision sent again changes nothing."""
    with uow:
        uow.ledger.lock(needs, "need_id", need_id)
        n = uow.plans.need(need_id)
        if n is None:
            raise missing("đăng ký nhu cầu", "need registration", need_id, "need_id")
        where = {"commune_code": n.commune_code, "village_code": n.village_code}
        to = NeedStatus(request.status.value)
        if n.status is to and n.record_id == request.record_id:
            return Recorded(id=need_id, created=False, **where)
        advance(need_id, n.status, to, reason=request.reason, record_id=request.record_id)
        not_future(request.on, now, "on")
        if request.on < n.meeting_on:
            raise DomainError(
                "on",
                "Ngày quyết định trước ngày họp đăng ký.",
                "The decision is dated before the registration meeting.",
            )
        if to is NeedStatus.SERVED:
            rec = uow.ledger.get(request.record_id or "")
            if rec is None or rec.household_code != n.household_code:
                raise DomainError(
                    "record_id",
                    f"Khoản hỗ trợ {request.record_id} không phải của hộ {n.household_code}.",
                    f"Support record {request.record_id} is not household {n.household_code}'s.",
                    ErrorKind.INVALID,
                    code="record_not_of_household",
                )
        values = {
            "status": to.value,
            "decided_on": request.on,
            "reason": request.reason,
            "record_id": request.record_id,
        }
        uow.plans.update_need(need_id, values)
        after = n.model_copy(update=values | {"status": to})
        uow.stage(
            [emit(contract.NeedDecided, _need_payload(after, request.on), correlation_id, now)]
        )
        audit(
            uow,
            actor,
            "need.decided",
            ("household", n.household_code),
            commune_code=n.commune_code,
            village_code=n.village_code,
            before={"status": n.status.value},
            after={"need_id": need_id, "status": to.value, "record_id": request.record_id},
            correlation_id=correlation_id,
        )
        uow.commit()
        return Recorded(id=need_id, created=True, events=1, **where)


def _within(table: sa.Table, communes: list[str] | None, commune: str | None) -> Any:
    cond: Any = sa.true()
    if communes is not None:
        cond = table.c.commune_code.in_(communes)
    if commune is not None:
        cond = sa.and_(cond, table.c.commune_code == commune)
    return cond


def list_needs(
    uow: SupportUnitOfWork,
    communes: list[str] | None,
    commune: str | None,
    status: NeedStatus | None,
    component: str | None,
) -> list[NeedView]:
    cond = _within(needs, communes, commune)
    if status is not None:
        cond = sa.and_(cond, needs.c.status == status.value)
    if component is not None:
        cond = sa.and_(cond, needs.c.component == component)
    with uow:
        return uow.plans.needs_where(cond)


def unserved_needs(
    uow: SupportUnitOfWork, communes: list[str] | None, commune: str | None
) -> list[UnservedLine]:
    """Needs registered or approved but not yet served, by commune, component and kind."""
    with uow:
        return uow.plans.unserved(_within(needs, communes, commune))


# ---------------------------------------------------------------------- projects


class GroupKind(StrEnum):
    COMMUNITY_GROUP = "community_group"
    COOPERATIVE = "cooperative"
    ENTERPRISE_LED = "enterprise_led"


class ProjectRequest(Request):
    project_id: Id = Field(description="Project id; idempotency key.")
    name: str = Field(min_length=1, max_length=200)
    component: Code = Field(description="Programme component (e.g. NTP2021.P2, NTP2021.P3.1).")
    commune_code: str = Field(min_length=1, max_length=16)
    group_kind: GroupKind
    group_name: str = Field(min_length=1, max_length=200)
    members: list[Id] = Field(min_length=1, max_length=MAX_MEMBERS)
    state_source: PlanSource = Field(
        default=PlanSource.CENTRAL, description="Source of the state share."
    )
    state_vnd: Vnd = 0
    household_vnd: Vnd = Field(default=0, description="Households' counterpart.")
    enterprise_vnd: Vnd = 0
    starts_on: Day
    ends_on: Day | None = None


class OutcomeRequest(Request):
    assessed_on: Day
    output_value_vnd: Vnd = Field(description="Value of the output, VND.")
    income_change_pct: float | None = Field(
        default=None, ge=-100, le=10_000, description="Average change of members' income, %."
    )
    replicable: bool = Field(description="Recognised as a model to replicate.")
    note: str | None = Field(default=None, max_length=4000)


def project_of(uow: SupportUnitOfWork, project_id: str) -> ProjectView:
    found = uow.plans.projects_where(projects.c.project_id == project_id)
    if not found:
        raise missing("dự án", "project", project_id, "project_id")
    return found[0]


def project_area(uow: SupportUnitOfWork, project_id: str) -> str:
    with uow:
        return project_of(uow, project_id).commune_code


@retried_on_race
def record_project(
    uow: SupportUnitOfWork,
    catalogue: Catalogue,
    request: ProjectRequest,
    *,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """A livelihood model or production project: its group, member households (all of the
    project's commune), budget by source and dates."""
    where = {"commune_code": request.commune_code, "village_code": ""}
    with uow:
        if replayed(uow, projects, "project_id", request, ("Dự án", "Project")):
            return Recorded(id=request.project_id, created=False, **where)
        _component(catalogue, request.component)
        if request.ends_on is not None and request.ends_on < request.starts_on:
            raise DomainError(
                "ends_on", "Ngày kết thúc trước ngày bắt đầu.", "The project ends before it starts."
            )
        if len(set(request.members)) != len(request.members):
            raise DomainError(
                "members", "Hộ thành viên bị lặp.", "A member household is listed twice."
            )
        found = uow.register.households(sorted(request.members))
        for code in request.members:
            hh = found.get(code)
            if hh is None:
                raise DomainError(
                    "members",
                    f"Không tìm thấy hộ {code} trong danh sách hộ đã rà soát.",
                    f"Household {code} has not been classified by a review.",
                    ErrorKind.NOT_FOUND,
                    code="unknown_household",
                )
            if hh.commune_code != request.commune_code:
                raise outside(
                    code, f"xã {request.commune_code}", f"commune {request.commune_code}", "members"
                )
        uow.plans.add_project(
            {
                **request.model_dump(exclude={"members"}),
                "group_kind": request.group_kind.value,
                "state_source": request.state_source.value,
                "members": ",".join(request.members),
                "request": stored_json(request),
                "recorded_at": now,
            }
        )
        payload = contract.ProjectPayload(
            project_id=request.project_id,
            component=request.component,
            commune_code=request.commune_code,
            group_kind=request.group_kind.value,
            members=list(request.members),
            budget=contract.Budget(
                state_vnd=request.state_vnd,
                household_vnd=request.household_vnd,
                enterprise_vnd=request.enterprise_vnd,
            ),
            starts_on=request.starts_on,
            ends_on=request.ends_on,
        )
        uow.stage([emit(contract.ProjectRecorded, payload, correlation_id, now)])
        audit(
            uow,
            actor,
            "project.recorded",
            ("project", request.project_id),
            commune_code=request.commune_code,
            after={
                "component": request.component,
                "members": len(request.members),
                "state_vnd": request.state_vnd,
                "household_vnd": request.household_vnd,
                "enterprise_vnd": request.enterprise_vnd,
            },
            correlation_id=correlation_id,
        )
        uow.commit()
        return Recorded(id=request.project_id, created=True, events=1, **where)


@retried_on_race
def record_outcome(
    uow: SupportUnitOfWork,
    project_id: str,
    request: OutcomeRequest,
    *,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """The assessed outcome of a project (the latest assessment is kept)."""
    with uow:
        uow.ledger.lock(projects, "project_id", project_id)
        p = project_of(uow, project_id)
        where = {"commune_code": p.commune_code, "village_code": ""}
        if replayed(
            uow,
            projects,
            "project_id",
            request,
            ("Kết quả dự án", "Project outcome"),
            column="outcome_request",
            key_value=project_id,
        ):
            return Recorded(id=project_id, created=False, **where)
        not_future(request.assessed_on, now, "assessed_on")
        if request.assessed_on < p.starts_on:
            raise DomainError(
                "assessed_on",
                "Ngày đánh giá trước khi dự án bắt đầu.",
                "The assessment is dated before the project started.",
            )
        uow.plans.update_project(
            project_id,
            {
                "assessed_on": request.assessed_on,
                "output_value_vnd": request.output_value_vnd,
                "income_change_pct": request.income_change_pct,
                "replicable": request.replicable,
                "outcome_note": request.note,
                "outcome_request": stored_json(request),
            },
        )
        payload = contract.ProjectOutcomePayload(
            project_id=project_id,
            commune_code=p.commune_code,
            on=request.assessed_on,
            output_value_vnd=request.output_value_vnd,
            income_change_pct=request.income_change_pct,
            replicable=request.replicable,
        )
        uow.stage([emit(contract.ProjectOutcomeRecorded, payload, correlation_id, now)])
        audit(
            uow,
            actor,
            "project.outcome_recorded",
            ("project", project_id),
            commune_code=p.commune_code,
            after={"output_value_vnd": request.output_value_vnd, "replicable": request.replicable},
            correlation_id=correlation_id,
        )
        uow.commit()
        return Recorded(id=project_id, created=True, events=1, **where)


def list_projects(
    uow: SupportUnitOfWork, communes: list[str] | None, commune: str | None
) -> list[ProjectView]:
    with uow:
        return uow.plans.projects_where(_within(projects, communes, commune))


# ---------------------------------------------------------------------- capacity, obstacles


class CapacityRequest(Request):
    activity_id: Id
    kind: CapacityKind
    level: PlanLevel
    area_code: str = Field(min_length=1, max_length=16)
    component: Code = Field(description="Sub-project (e.g. NTP2021.P7.1, NTP2021.P6.2).")
    body: TrainedBody | None = Field(default=None, description="Who was trained (trainings).")
    topic: str = Field(min_length=1, max_length=300)
    held_on: Day
    attendees: int = Field(ge=0, le=1_000_000)
    cost_vnd: Vnd = 0
    source: PlanSource = PlanSource.CENTRAL


def area_where(level: PlanLevel, code: str) -> dict[str, str]:
    return {"commune_code": code if level is PlanLevel.COMMUNE else "", "village_code": ""}


@retried_on_race
def record_capacity(
    uow: SupportUnitOfWork,
    catalogue: Catalogue,
    areas: AreaMap,
    request: CapacityRequest,
    *,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """An officials' training (steering committee, village development board …) or a
    communication event held by a level, counted against its plan."""
    where = area_where(request.level, request.area_code)
    with uow:
        if replayed(uow, capacity, "activity_id", request, ("Hoạt động", "Activity")):
            return Recorded(id=request.activity_id, created=False, **where)
        areas.communes_of(request.level, request.area_code)
        _component(catalogue, request.component)
        not_future(request.held_on, now, "held_on")
        if (request.kind is CapacityKind.OFFICIAL_TRAINING) != (request.body is not None):
            raise DomainError(
                "body",
                "Lớp tập huấn cán bộ phải ghi đối tượng; sự kiện truyền thông thì không.",
                "An officials' training names who was trained; a communication event does not.",
            )
        uow.plans.add(
            capacity,
            {
                **request.model_dump(),
                "kind": request.kind.value,
                "level": request.level.value,
                "body": request.body.value if request.body else None,
                "source": request.source.value,
                "request": stored_json(request),
                "recorded_at": now,
            },
        )
        payload = contract.CapacityPayload(
            activity_id=request.activity_id,
            kind=request.kind,
            level=request.level,
            area_code=request.area_code,
            component=request.component,
            body=request.body,
            held_on=request.held_on,
            attendees=request.attendees,
            cost_vnd=request.cost_vnd,
        )
        uow.stage([emit(contract.CapacityRecorded, payload, correlation_id, now)])
        audit(
            uow,
            actor,
            "capacity.recorded",
            ("activity", request.activity_id),
            commune_code=where["commune_code"] or None,
            after={
                "kind": request.kind.value,
                "level": request.level.value,
                "area_code": request.area_code,
                "attendees": request.attendees,
                "cost_vnd": request.cost_vnd,
            },
            correlation_id=correlation_id,
        )
        uow.commit()
        return Recorded(id=request.activity_id, created=True, events=1, **where)


def list_capacity(
    uow: SupportUnitOfWork, level: PlanLevel | None, area_code: str | None, year: int | None
) -> list[CapacityView]:
    cond: Any = sa.true()
    if level is not None:
        cond = sa.and_(cond, capacity.c.level == level.value)
    if area_code is not None:
        cond = sa.and_(cond, capacity.c.area_code == area_code)
    if year is not None:
        cond = sa.and_(cond, sa.extract("year", capacity.c.held_on) == year)
    with uow:
        return uow.plans.capacity_where(cond)


class ObstacleRequest(Request):
    obstacle_id: Id
    level: PlanLevel = Field(description="Level of the area raising it.")
    area_code: str = Field(min_length=1, max_length=16)
    raised_by: str = Field(min_length=1, max_length=64, description="Commune or department.")
    addressed_to: str = Field(min_length=1, max_length=64, description="Authority (code).")
    component: Code | None = None
    statement: str = Field(min_length=1, max_length=4000, description="The obstacle or proposal.")
    raised_on: Day


class ObstacleDecisionRequest(Request):
    decision: str = Field(min_length=1, max_length=4000)
    decided_on: Day


def obstacle_of(uow: SupportUnitOfWork, obstacle_id: str) -> ObstacleView:
    found = uow.plans.obstacles_where(obstacles.c.obstacle_id == obstacle_id)
    if not found:
        raise missing("kiến nghị", "obstacle", obstacle_id, "obstacle_id")
    return found[0]


def obstacle_area(uow: SupportUnitOfWork, obstacle_id: str) -> tuple[PlanLevel, str]:
    with uow:
        o = obstacle_of(uow, obstacle_id)
        return o.level, o.area_code


def _obstacle_payload(o: ObstacleView, on: Any) -> contract.ObstaclePayload:
    return contract.ObstaclePayload(
        obstacle_id=o.obstacle_id,
        level=o.level,
        area_code=o.area_code,
        raised_by=o.raised_by,
        addressed_to=o.addressed_to,
        component=o.component,
        status=o.status,
        on=on,
    )


@retried_on_race
def raise_obstacle(
    uow: SupportUnitOfWork,
    catalogue: Catalogue,
    areas: AreaMap,
    request: ObstacleRequest,
    *,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """An obstacle or proposal raised by a commune or department to an authority."""
    where = area_where(request.level, request.area_code)
    with uow:
        if replayed(uow, obstacles, "obstacle_id", request, ("Kiến nghị", "Obstacle")):
            return Recorded(id=request.obstacle_id, created=False, **where)
        areas.communes_of(request.level, request.area_code)
        if request.component is not None:
            _component(catalogue, request.component)
        not_future(request.raised_on, now, "raised_on")
        row = {
            **request.model_dump(),
            "level": request.level.value,
            "status": ObstacleStatus.OPEN.value,
            "request": stored_json(request),
            "recorded_at": now,
        }
        uow.plans.add(obstacles, row)
        o = obstacle_of(uow, request.obstacle_id)
        uow.stage(
            [emit(contract.ObstacleRaised, _obstacle_payload(o, o.raised_on), correlation_id, now)]
        )
        audit(
            uow,
            actor,
            "obstacle.raised",
            ("obstacle", o.obstacle_id),
            commune_code=where["commune_code"] or None,
            after={"level": o.level.value, "area_code": o.area_code, "to": o.addressed_to},
            correlation_id=correlation_id,
        )
        uow.commit()
        return Recorded(id=o.obstacle_id, created=True, events=1, **where)


@retried_on_race
def decide_obstacle(
    uow: SupportUnitOfWork,
    obstacle_id: str,
    request: ObstacleDecisionRequest,
    *,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """The authority's decision on an obstacle or proposal (once)."""
    with uow:
        uow.ledger.lock(obstacles, "obstacle_id", obstacle_id)
        o = obstacle_of(uow, obstacle_id)
        where = area_where(o.level, o.area_code)
        if replayed(
            uow,
            obstacles,
            "obstacle_id",
            request,
            ("Quyết định", "Decision"),
            column="decision_request",
            key_value=obstacle_id,
        ):
            return Recorded(id=obstacle_id, created=False, **where)
        check_open(obstacle_id, o.status.value)
        not_future(request.decided_on, now, "decided_on")
        if request.decided_on < o.raised_on:
            raise DomainError(
                "decided_on",
                "Ngày quyết định trước ngày kiến nghị.",
                "The decision is dated before the obstacle was raised.",
            )
        uow.plans.update_obstacle(
            obstacle_id,
            {
                "status": ObstacleStatus.DECIDED.value,
                "decision": request.decision,
                "decided_on": request.decided_on,
                "decision_request": stored_json(request),
            },
        )
        after = o.model_copy(update={"status": ObstacleStatus.DECIDED})
        uow.stage(
            [
                emit(
                    contract.ObstacleDecided,
                    _obstacle_payload(after, request.decided_on),
                    correlation_id,
                    now,
                )
            ]
        )
        audit(
            uow,
            actor,
            "obstacle.decided",
            ("obstacle", obstacle_id),
            commune_code=where["commune_code"] or None,
            before={"status": o.status.value},
            after={"status": ObstacleStatus.DECIDED.value},
            correlation_id=correlation_id,
        )
        uow.commit()
        return Recorded(id=obstacle_id, created=True, events=1, **where)


def list_obstacles(
    uow: SupportUnitOfWork,
    level: PlanLevel | None,
    area_code: str | None,
    status: ObstacleStatus | None,
) -> list[ObstacleView]:
    cond: Any = sa.true()
    if level is not None:
        cond = sa.and_(cond, obstacles.c.level == level.value)
    if area_code is not None:
        cond = sa.and_(cond, obstacles.c.area_code == area_code)
    if status is not None:
        cond = sa.and_(cond, obstacles.c.status == status.value)
    with uow:
        return uow.plans.obstacles_where(cond)


# ---------------------------------------------------------------------- escape commitments


class EscapeRequest(Request):
    commitment_id: Id
    household_code: Id
    target_year: int = Field(ge=2000, le=2100, description="Year it commits to leave poverty.")
    committed_on: Day


class RewardKind(StrEnum):
    PRAISE = "praise"
    REWARD = "reward"


class RewardRequest(Request):
    reward_id: Id
    commitment_id: Id
    on: Day
    kind: RewardKind
    value_vnd: Vnd = 0
    note: str | None = Field(default=None, max_length=2000)


@retried_on_race
def commit_escape(
    uow: SupportUnitOfWork,
    request: EscapeRequest,
    *,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """A household commits to leave poverty by a year (whether it did is read from the
    annual reviews that follow)."""
    with uow:
        hh = household(uow, request.household_code)
        where = {"commune_code": hh.commune_code, "village_code": hh.village_code}
        if replayed(uow, escapes, "commitment_id", request, ("Cam kết", "Commitment")):
            return Recorded(id=request.commitment_id, created=False, **where)
        not_future(request.committed_on, now, "committed_on")
        if request.target_year < request.committed_on.year:
            raise DomainError(
                "target_year",
                "Năm cam kết thoát nghèo không được trước năm đăng ký.",
                "The target year cannot be before the year of the commitment.",
            )
        uow.plans.add(
            escapes,
            {
                **request.model_dump(),
                "commune_code": hh.commune_code,
                "village_code": hh.village_code,
                "request": stored_json(request),
                "recorded_at": now,
            },
        )
        payload = contract.EscapePayload(
            commitment_id=request.commitment_id,
            household_code=hh.household_code,
            commune_code=hh.commune_code,
            village_code=hh.village_code,
            target_year=request.target_year,
            on=request.committed_on,
        )
        uow.stage([emit(contract.EscapeCommitted, payload, correlation_id, now)])
        audit(
            uow,
            actor,
            "escape.committed",
            ("household", hh.household_code),
            commune_code=hh.commune_code,
            village_code=hh.village_code,
            after={"commitment_id": request.commitment_id, "target_year": request.target_year},
            correlation_id=correlation_id,
        )
        uow.commit()
        return Recorded(id=request.commitment_id, created=True, events=1, **where)


@retried_on_race
def reward_escape(
    uow: SupportUnitOfWork,
    request: RewardRequest,
    *,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """Praise or a reward for a household that committed to leave poverty."""
    with uow:
        found = uow.plans.escapes_where(escapes.c.commitment_id == request.commitment_id)
        if not found:
            raise missing(
                "cam kết thoát nghèo", "commitment", request.commitment_id, "commitment_id"
            )
        c = found[0]
        where = {"commune_code": c["commune_code"], "village_code": c["village_code"]}
        if replayed(uow, rewards, "reward_id", request, ("Khen thưởng", "Reward")):
            return Recorded(id=request.reward_id, created=False, **where)
        not_future(request.on, now, "on")
        uow.plans.add(
            rewards,
            {
                **request.model_dump(),
                "kind": request.kind.value,
                "request": stored_json(request),
                "recorded_at": now,
            },
        )
        payload = contract.EscapePayload(
            commitment_id=c["commitment_id"],
            household_code=c["household_code"],
            commune_code=c["commune_code"],
            village_code=c["village_code"],
            target_year=c["target_year"],
            on=request.on,
            reward_vnd=request.value_vnd,
        )
        uow.stage([emit(contract.EscapeRewarded, payload, correlation_id, now)])
        audit(
            uow,
            actor,
            "escape.rewarded",
            ("household", c["household_code"]),
            commune_code=c["commune_code"],
            village_code=c["village_code"],
            after={
                "reward_id": request.reward_id,
                "kind": request.kind.value,
                "value_vnd": request.value_vnd,
            },
            correlation_id=correlation_id,
        )
        uow.commit()
        return Recorded(id=request.reward_id, created=True, events=1, **where)


def list_escapes(
    uow: SupportUnitOfWork, communes: list[str] | None, commune: str | None
) -> list[EscapeView]:
    with uow:
        rows = uow.plans.escapes_where(_within(escapes, communes, commune))
    return [
        EscapeView(
            commitment_id=r["commitment_id"],
            household_code=r["household_code"],
            commune_code=r["commune_code"],
            village_code=r["village_code"],
            target_year=r["target_year"],
            committed_on=r["committed_on"],
            outcome=escape_outcome(r["target_year"], r["statuses"]),
            rewards=r["rewards"],
        )
        for r in rows
    ]


# ---------------------------------------------------------------------- assignments


class AssignmentRequest(Request):
    assignment_id: Id
    official_code: Code = Field(description="Official's code (the name stays in the ledger).")
    official_name: str | None = Field(default=None, max_length=200)
    position: str | None = Field(default=None, max_length=128)
    commune_code: str = Field(min_length=1, max_length=16)
    village_code: str | None = Field(default=None, max_length=32)
    household_code: Id | None = None
    starts_on: Day
    ends_on: Day | None = None


@retried_on_race
def assign_official(
    uow: SupportUnitOfWork,
    areas: AreaMap,
    request: AssignmentRequest,
    *,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """An official assigned to a village or a household of a commune."""
    where = {"commune_code": request.commune_code, "village_code": request.village_code or ""}
    with uow:
        if replayed(uow, assignments, "assignment_id", request, ("Phân công", "Assignment")):
            return Recorded(id=request.assignment_id, created=False, **where)
        areas.communes_of(PlanLevel.COMMUNE, request.commune_code)
        if request.village_code is None and request.household_code is None:
            raise DomainError(
                "village_code",
                "Phân công phải ghi thôn hoặc hộ.",
                "An assignment names a village or a household.",
            )
        if request.household_code is not None:
            hh = household(uow, request.household_code)
            if hh.commune_code != request.commune_code:
                raise outside(
                    hh.household_code,
                    f"xã {request.commune_code}",
                    f"commune {request.commune_code}",
                    "household_code",
                )
        if request.ends_on is not None and request.ends_on < request.starts_on:
            raise DomainError(
                "ends_on",
                "Ngày kết thúc trước ngày bắt đầu.",
                "The assignment ends before it starts.",
            )
        uow.plans.add(
            assignments,
            {**request.model_dump(), "request": stored_json(request), "recorded_at": now},
        )
        payload = contract.AssignmentPayload(
            assignment_id=request.assignment_id,
            official_code=request.official_code,
            commune_code=request.commune_code,
            village_code=request.village_code,
            household_code=request.household_code,
            starts_on=request.starts_on,
        )
        uow.stage([emit(contract.OfficialAssigned, payload, correlation_id, now)])
        audit(
            uow,
            actor,
            "official.assigned",
            ("official", request.official_code),
            commune_code=request.commune_code,
            village_code=request.village_code,
            after={
                "assignment_id": request.assignment_id,
                "household_code": request.household_code,
            },
            correlation_id=correlation_id,
        )
        uow.commit()
        return Recorded(id=request.assignment_id, created=True, events=1, **where)


def list_assignments(
    uow: SupportUnitOfWork,
    communes: list[str] | None,
    commune: str | None,
    household_code: str | None,
) -> list[AssignmentView]:
    cond = _within(assignments, communes, commune)
    if household_code is not None:
        cond = sa.and_(cond, assignments.c.household_code == household_code)
    with uow:
        return uow.plans.assignments_where(cond)
