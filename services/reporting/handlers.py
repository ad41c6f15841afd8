"""Reporting's stream subscribers: classifications, support and training into the aggregates."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from faststream import AckPolicy

from services.reporting.metrics import ReportingMetrics
from services.reporting.service import ReportingUnitOfWork, apply_classifications, apply_support
from shared.contracts.classifications import HouseholdClassified
from shared.contracts.support import SupportDisbursed
from shared.contracts.training import TrainingEnrolled
from shared.runtime import Runtime


def register(rt: Runtime, metrics: ReportingMetrics) -> None:
    classified = rt.consumer(HouseholdClassified)
    disbursed = rt.consumer(SupportDisbursed)
    enrolled = rt.consumer(TrainingEnrolled)

    def applying(use_case: Any, event_type: str) -> Any:
        async def apply(events: list[Any]) -> None:
            n = await asyncio.to_thread(
                use_case, ReportingUnitOfWork(rt.engine), events, datetime.now(UTC)
            )
            metrics.applied.labels(event_type).inc(n)

        return apply

    classified.bind(applying(apply_classifications, "HouseholdClassified"))
    disbursed.bind(applying(apply_support, "SupportDisbursed"))
    enrolled.bind(applying(apply_support, "TrainingEnrolled"))

    @rt.broker.subscriber(
        stream=classified.stream_sub(),
        ack_policy=AckPolicy.MANUAL,
        parser=classified.parse,
        decoder=classified.decode,
        title=f"{classified.stream}:reporting",
        description="Household statuses per standard, for counts, rates and change tables.",
    )
    async def on_household_classified(events: list[HouseholdClassified]) -> None:
        await classified.handle(events)

    @rt.broker.subscriber(
        stream=disbursed.stream_sub(),
        ack_policy=AckPolicy.MANUAL,
        parser=disbursed.parse,
        decoder=disbursed.decode,
        title=f"{disbursed.stream}:reporting",
        description="Support totals by commune, kind, programme and funding source.",
    )
    async def on_support_disbursed(events: list[SupportDisbursed]) -> None:
        await disbursed.handle(events)

    @rt.broker.subscriber(
        stream=enrolled.stream_sub(),
        ack_policy=AckPolicy.MANUAL,
        parser=enrolled.parse,
        decoder=enrolled.decode,
        title=f"{enrolled.stream}:reporting",
        description="Training enrolments and job linkage by commune.",
    )
    async def on_training_enrolled(events: list[TrainingEnrolled]) -> None:
        await enrolled.handle(events)
