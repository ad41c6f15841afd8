"""Officials' trainings and communication events (projects 6 and 7 of the 2021–2025
programme), and obstacles or proposals raised to an authority and tracked to its decision."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import Field

from services.support.adapters.tables import (
    capacity,
    obstacles,
)
from services.support.adapters.uow import SupportUnitOfWork
from services.support.domain.areas import AreaMap
from services.support.domain.catalogue import Catalogue
from services.support.domain.plans import check_open
from services.support.plan_views import (
    CapacityView,
    ObstacleView,
)
from services.support.usecases.common import (
    Code,
    Day,
    Id,
    Overridable,
    Request,
    Vnd,
    audit,
    emit,
    missing,
    not_future,
    replayed,
    retried_on_race,
    stored_json,
)
from services.support.usecases.plans import PlanRoom
from services.support.usecases.scope import (
    area_where,
    check_component,
)
from services.support.views import Recorded
from shared.access.model import Actor
from shared.contracts import plans as contract
from shared.contracts.plans import (
    CapacityKind,
    ObstacleStatus,
    PlanLevel,
    PlanSource,
    TrainedBody,
)
from shared.errors import DomainError


class CapacityRequest(Overridable):
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


@retried_on_race
def record_capacity(
    uow: SupportUnitOfWork,
    catalogue: Catalogue,
    areas: AreaMap,
    request: CapacityRequest,
    *,
    may_override: bool = False,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """An officials' training (programme board (Ban Chỉ đạo), village development board …) or a
    communication event held by a level, counted against its plan: a cost above what is left
    of the plans containing the area is refused (422) unless an officer allowed to override
    gives a reason (audited as ``plan.exceeded_by_override``)."""
    where = area_where(request.level, request.area_code)
    with uow:
        if replayed(uow, capacity, "activity_id", request, ("Hoạt động", "Activity")):
            return Recorded(id=request.activity_id, created=False, **where)
        areas.communes_of(request.level, request.area_code)
        check_component(catalogue, request.component)
        not_future(request.held_on, now, "held_on")
        if (request.kind is CapacityKind.OFFICIAL_TRAINING) != (request.body is not None):
            raise DomainError(
                "body",
                "Lớp tập huấn cán bộ phải ghi đối tượng; sự kiện truyền thông thì không.",
                "An officials' training names who was trained; a communication event does not.",
            )
        exceeded = PlanRoom(uow).check_activity(
            areas,
            level=request.level,
            area_code=request.area_code,
            year=request.held_on.year,
            component=request.component,
            source=request.source,
            amount=request.cost_vnd,
            override_reason=request.override_reason,
            may_override=may_override,
        )
        uow.plans.add(
            capacity,
            {
                **request.model_dump(exclude={"override_reason"}),
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
            source=request.source,
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
        if exceeded:
            audit(
                uow,
                actor,
                "plan.exceeded_by_override",
                ("activity", request.activity_id),
                commune_code=where["commune_code"] or None,
                after={
                    "component": request.component,
                    "source": request.source.value,
                    "amount_vnd": request.cost_vnd,
                    "plans": ",".join(exceeded),
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
            check_component(catalogue, request.component)
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
