"""Support's stream subscribers: keep the household register current."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from faststream import AckPolicy

from services.support.metrics import SupportMetrics
from services.support.service import SupportUnitOfWork, register_classifications
from shared.contracts.classifications import HouseholdClassified
from shared.runtime import Runtime


def register(rt: Runtime, metrics: SupportMetrics) -> None:
    consumer = rt.consumer(HouseholdClassified)

    async def apply(events: list[HouseholdClassified]) -> None:
        n = await asyncio.to_thread(
            register_classifications, SupportUnitOfWork(rt.engine), events, datetime.now(UTC)
        )
        metrics.households_known.inc(n)

    consumer.bind(apply)

    @rt.broker.subscriber(
        stream=consumer.stream_sub(),
        ack_policy=AckPolicy.MANUAL,
        parser=consumer.parse,
        decoder=consumer.decode,
        title=f"{consumer.stream}:support",
        description="Keeps support's register of classified households (latest survey wins).",
    )
    async def on_household_classified(events: list[HouseholdClassified]) -> None:
        await consumer.handle(events)
