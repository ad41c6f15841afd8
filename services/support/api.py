"""Support's HTTP routes: record support and training enrolments."""

# No `from __future__ import annotations` here: FastAPI reads the route signatures' Annotated
# dependencies (built per router) at definition time.

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Response, status

from services.support.adapters.uow import SupportUnitOfWork
from services.support.domain.catalogue import Catalogue
from services.support.metrics import SupportMetrics
from services.support.usecases.reads import Entity, locate
from services.support.usecases.records import SupportRequest, record_support
from services.support.usecases.training import EnrolmentRequest, enrol_training
from shared.access import Area, Caller, Perm, resource
from shared.runtime import Runtime


def router(rt: Runtime, metrics: SupportMetrics, catalogue: Catalogue) -> APIRouter:
    api = APIRouter(tags=["support"])
    write = rt.access.requires(Perm.SUPPORT_WRITE, resource("household"))

    async def check_area(caller: Caller, household_code: str) -> None:
        """The household is registered (404) and in the caller's area (403)."""
        found = await asyncio.to_thread(
            locate, SupportUnitOfWork(rt.engine), Entity.HOUSEHOLD, household_code
        )
        caller.require(
            Perm.SUPPORT_WRITE,
            Area(commune=found.commune_code, village=found.village_code or None),
        )

    @api.post("/disbursements", status_code=status.HTTP_201_CREATED)
    async def post_disbursement(
        body: SupportRequest,
        response: Response,
        caller: Annotated[Caller, write],
        x_correlation_id: str | None = Header(default=None, max_length=128),
    ) -> dict[str, Any]:
        """Record support given to a registered household under a catalogue programme."""
        await check_area(caller, body.household_code)
        rec = await asyncio.to_thread(
            record_support,
            SupportUnitOfWork(rt.engine),
            catalogue,
            body,
            correlation_id=x_correlation_id or str(uuid.uuid4()),
            now=datetime.now(UTC),
        )
        if rec.created:
            metrics.disbursed.labels(body.kind.value).inc()
            metrics.disbursed_vnd.labels(body.kind.value).inc(body.amount_vnd)
            if rec.overridden:
                metrics.overridden.labels(body.kind.value).inc()
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
        """Enrol a working-age member of a registered household in vocational training."""
        await check_area(caller, body.household_code)
        rec = await asyncio.to_thread(
            enrol_training,
            SupportUnitOfWork(rt.engine),
            catalogue,
            body,
            correlation_id=x_correlation_id or str(uuid.uuid4()),
            now=datetime.now(UTC),
        )
        if rec.created:
            metrics.enrolled.inc()
            rt.relay.notify()
        else:
            response.status_code = status.HTTP_200_OK
        return {"enrolment_id": rec.id, "created": rec.created}

    return api
