"""Needs registered by households at a village meeting (a component and a kind of support)
and their decision: registered → approved → served (with the support record) or declined
with a reason; the unserved list officers act on."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from pydantic import Field

from services.support.adapters.tables import (
    needs,
)
from services.support.adapters.uow import SupportUnitOfWork
from services.support.domain.catalogue import Catalogue
from services.support.domain.plans import advance
from services.support.plan_views import (
    NeedView,
    UnservedLine,
)
from services.support.usecases.common import (
    Code,
    Day,
    Id,
    Reason,
    Request,
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
    check_component,
    outside,
    within_communes,
)
from services.support.views import Recorded
from shared.access.model import Actor
from shared.contracts import plans as contract
from shared.contracts.codes import SupportKind
from shared.contracts.plans import (
    NeedStatus,
)
from shared.errors import DomainError, ErrorKind


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
        check_component(catalogue, request.component)
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


def list_needs(
    uow: SupportUnitOfWork,
    communes: list[str] | None,
    commune: str | None,
    status: NeedStatus | None,
    component: str | None,
) -> list[NeedView]:
    cond = within_communes(needs, communes, commune)
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
        return uow.plans.unserved(within_communes(needs, communes, commune))
