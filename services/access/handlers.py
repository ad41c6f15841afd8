"""Access's stream subscriber: append every service's audit entries to the trail."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from services.access.metrics import AccessMetrics
from services.access.service import AccessService
from shared.contracts.audit import AuditRecorded
from shared.runtime import Runtime


def register(rt: Runtime, svc: AccessService, metrics: AccessMetrics) -> None:
    async def on_audit_recorded(events: list[AuditRecorded]) -> None:
        n = await asyncio.to_thread(svc.append_events, events, datetime.now(UTC))
        metrics.audit_appended.inc(n)

    rt.subscribe(
        AuditRecorded,
        on_audit_recorded,
        description="Appends each write of every service to the hash-chained audit trail.",
    )
