"""Support's stream subscriber: keep the household register current."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from services.support.adapters.classified import ReadClassification, read_classification
from services.support.adapters.uow import SupportUnitOfWork
from services.support.metrics import SupportMetrics
from services.support.usecases.register import register_classifications
from shared.contracts.classifications import HouseholdClassified
from shared.runtime import Runtime


def register(rt: Runtime, metrics: SupportMetrics) -> None:
    async def on_household_classified(events: list[ReadClassification]) -> None:
        n = await asyncio.to_thread(
            register_classifications, SupportUnitOfWork(rt.engine), events, datetime.now(UTC)
        )
        metrics.households_known.inc(n)

    rt.subscribe(
        HouseholdClassified,
        on_household_classified,
        description="Keeps support's register of households: latest survey (with its member "
        "roster) and every recognised status with the day it took effect.",
        read=read_classification,
    )
