"""Support's HTTP routes: record disbursements and training enrolments."""

# No `from __future__ import annotations` here: FastAPI reads the route signatures' Annotated
# dependencies (built per router) at definition time.

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Response, status

from services.support.metrics import SupportMetrics
from services.support.service import (
    DisbursementRequest,
    EnrolmentRequest,
    SupportUnitOfWork,
    UnknownHousehold,
    household_area,
    record_disbursement,
    record_enrolment,
)
from shared.access import Caller, Perm, resource
from shared.errors import DomainError, ErrorKind
from shared.runtime import Runtime


def _unknown(exc: UnknownHousehold) -> DomainError:
    return DomainError(
        "household_code",
        f"Không tìm thấy hộ {exc.household_code} trong danh sách hộ đã rà soát.",
        f"Household {exc.household_code} has not been classified by a review.",
        ErrorKind.NOT_FOUND,
        code="unknown_household",
    )


def router(rt: Runtime, metrics: SupportMetrics) -> APIRouter:
    api = APIRouter(tags=["support"])
    write = rt.access.requires(Perm.SUPPORT_WRITE, resource("household"))

    async def check_area(caller: Caller, household_code: str) -> None:
        area = await asyncio.to_thread(household_area, rt.engine, household_code)
        if area is None:
            raise _unknown(UnknownHousehold(household_code))
        caller.require(Perm.SUPPORT_WRITE, area)

    @api.post("/disbursements", status_code=status.HTTP_201_CREATED)
    async def post_disbursement(
        body: DisbursementRequest,
        response: Response,
        caller: Annotated[Caller, write],
        x_correlation_id: str | None = Header(default=None, max_length=128),
    ) -> dict[str, Any]:
        """Record support given to a classified household (cash, credit or in kind)."""
        await check_area(caller, body.household_code)
        try:
            rec = await asyncio.to_thread(
                record_disbursement,
                SupportUnitOfWork(rt.engine),
                body,
                correlation_id=x_correlation_id or str(uuid.uuid4()),
                now=datetime.now(UTC),
                actor=caller.actor,
            )
        except UnknownHousehold as exc:
            raise _unknown(exc) from exc
        if rec.created:
            metrics.disbursed.labels(body.kind.value).inc()
            metrics.disbursed_vnd.labels(body.kind.value).inc(body.amount_vnd)
            rt.relay.notify()
        else:
            response.status_code = status.HTTP_200_OK
        return {"disbursement_id": rec.id, "created": rec.created}

    @api.post("/enrolments", status_code=status.HTTP_201_CREATED)
    async def post_enrolment(
        body: EnrolmentRequest,
        response: Response,
        caller: Annotated[Caller, write],
        x_correlation_id: str | None = Header(default=None, max_length=128),
    ) -> dict[str, Any]:
        """Enrol a member of a classified household in vocational training."""
        await check_area(caller, body.household_code)
        try:
            rec = await asyncio.to_thread(
                record_enrolment,
                SupportUnitOfWork(rt.engine),
                body,
                correlation_id=x_correlation_id or str(uuid.uuid4()),
                actor=caller.actor,
            )
        except UnknownHousehold as exc:
            raise _unknown(exc) from exc
        if rec.created:
            metrics.enrolled.inc()
            rt.relay.notify()
        else:
            response.status_code = status.HTTP_200_OK
        return {"enrolment_id": rec.id, "created": rec.created}

    return api
