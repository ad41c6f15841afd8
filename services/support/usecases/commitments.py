"""Households' voluntary commitments to leave poverty by a year, with praise and rewards
(whether they did is read from the annual reviews), and officials assigned to villages and
households."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from pydantic import Field

from services.support.adapters.tables import (
    assignments,
    escapes,
    rewards,
)
from services.support.adapters.uow import SupportUnitOfWork
from services.support.domain.areas import AreaMap
from services.support.domain.plans import escape_outcome
from services.support.plan_views import (
    AssignmentView,
    EscapeView,
)
from services.support.usecases.common import (
    Code,
    Day,
    Id,
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
from services.support.usecases.scope import (
    outside,
    within_communes,
)
from services.support.views import Recorded
from shared.access.model import Actor
from shared.contracts import plans as contract
from shared.contracts.plans import (
    PlanLevel,
)
from shared.errors import DomainError


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
        rows = uow.plans.escapes_where(within_communes(escapes, communes, commune))
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
    cond = within_communes(assignments, communes, commune)
    if household_code is not None:
        cond = sa.and_(cond, assignments.c.household_code == household_code)
    with uow:
        return uow.plans.assignments_where(cond)
