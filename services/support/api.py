"""Support's HTTP routes: record support and training enrolments."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Header, Response, status

from services.support.adapters.uow import SupportUnitOfWork
from services.support.domain.catalogue import Catalogue
from services.support.metrics import SupportMetrics
from services.support.usecases.records import SupportRequest, record_support
from services.support.usecases.training import EnrolmentRequest, enrol_training
from shared.runtime import Runtime


def router(rt: Runtime, metrics: SupportMetrics, catalogue: Catalogue) -> APIRouter:
    api = APIRouter(tags=["support"])

    @api.post("/disbursements", status_code=status.HTTP_201_CREATED)
    async def post_disbursement(
        body: SupportRequest,
        response: Response,
        x_correlation_id: str | None = Header(default=None),
    ) -> dict[str, Any]:
        """Record support given to a registered household under a catalogue programme."""
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
        x_correlation_id: str | None = Header(default=None),
    ) -> dict[str, Any]:
        """Enrol a working-age member of a registered household in vocational training."""
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
