"""Assessment's stream subscriber: classify accepted surveys."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from services.assessment.metrics import AssessmentMetrics
from services.assessment.service import (
    AssessmentUnitOfWork,
    Rules,
    apply_duplicate_findings,
    apply_life_events,
    assess_surveys,
)
from shared.contracts.registry import DuplicatePersonFlagged, HouseholdChanged
from shared.contracts.surveys import HouseholdSurveyed
from shared.runtime import Runtime

BODIES_HELD = 10_000
"""At most this many bodies wait for their batch (a batch is at most a read's worth)."""


def register(rt: Runtime, rules: Rules, metrics: AssessmentMetrics) -> None:
    bodies: dict[str, bytes] = {}  # each survey event's JSON as it came, until it is applied

    def read_survey(body: bytes) -> HouseholdSurveyed:
        event = HouseholdSurveyed.model_validate_json(body)
        if len(bodies) >= BODIES_HELD:  # only if batches failed before reaching the handler
            bodies.clear()
        bodies[str(event.event_id)] = body
        return event

    async def on_household_surveyed(events: list[HouseholdSurveyed]) -> None:
        came = {k: b for e in events if (b := bodies.pop(k := str(e.event_id), None))}
        outcome = await asyncio.to_thread(
            assess_surveys,
            AssessmentUnitOfWork(rt.engine),
            events,
            rules,
            datetime.now(UTC),
            came,
        )
        for (standard_id, stage, status), n in outcome.counts.items():
            metrics.classified.labels(standard_id, stage, status).inc(n)
        metrics.stale.inc(outcome.stale)
        metrics.rejected.inc(outcome.rejected)
        rt.relay.notify()

    rt.subscribe(
        HouseholdSurveyed,
        on_household_surveyed,
        read=read_survey,  # snapshots store each survey event as it came
        description="Classifies each accepted survey under the standard governing its review "
        "year and the next period's baseline standard.",
    )

    async def on_household_changed(events: list[HouseholdChanged]) -> None:
        await asyncio.to_thread(
            apply_life_events,
            AssessmentUnitOfWork(rt.engine),
            events,
            datetime.now(UTC),
        )

    rt.subscribe(
        HouseholdChanged,
        on_household_changed,
        description="Applies households' moves, splits, merges and dissolutions to the review: "
        "a split household is surveyed again before recognition, merged and dissolved ones "
        "are held.",
    )

    async def on_duplicate(events: list[DuplicatePersonFlagged]) -> None:
        await asyncio.to_thread(
            apply_duplicate_findings, AssessmentUnitOfWork(rt.engine), events, datetime.now(UTC)
        )

    rt.subscribe(
        DuplicatePersonFlagged,
        on_duplicate,
        description="Holds both households of a person found in two from recognition until "
        "intake resolves the finding.",
    )
