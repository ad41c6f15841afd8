"""Reporting over a real Redis and database: every event counted exactly once."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from redis.asyncio import Redis

from services.reporting.adapters.repository import ReportingUnitOfWork
from services.reporting.app import create_runtime
from services.reporting.service import StatusCount, event_tallies, household_counts
from services.reporting.settings import ReportingSettings
from shared.contracts import HOUSEHOLD_CLASSIFIED_STREAM
from shared.runtime import Runtime
from tests.factories import classified_event
from tests.helpers import eventually


@contextlib.asynccontextmanager
async def reporting(redis_url: str, database_url: str) -> AsyncIterator[Runtime]:
    rt = create_runtime(
        ReportingSettings(
            redis_url=redis_url,
            database_url=database_url,
            poll_ms=50,
            claim_idle_ms=500,
            claim_interval_s=0.2,
        )
    )
    await rt.start()
    try:
        yield rt
    finally:
        await rt.stop()


def applied(rt: Runtime) -> int:
    tallies = event_tallies(ReportingUnitOfWork(rt.engine))
    return tallies.get("HouseholdClassified", {}).get("vn-2022-2025", 0)


def counts(rt: Runtime) -> list[StatusCount]:
    return household_counts(ReportingUnitOfWork(rt.engine), "vn-2022-2025", stage="proposed")


async def test_event_delivered_several_times_is_counted_once(
    redis_url: str, database_url: str
) -> None:
    event = classified_event(1, status="poor")
    client = Redis.from_url(redis_url)
    for _ in range(3):  # e.g. an outbox relay that died after XADD and published again
        await client.xadd(HOUSEHOLD_CLASSIFIED_STREAM, event.to_wire())
    async with reporting(redis_url, database_url) as rt:
        await client.xadd(HOUSEHOLD_CLASSIFIED_STREAM, classified_event(2).to_wire())
        await eventually(lambda: applied(rt) == 2)
        await client.xadd(HOUSEHOLD_CLASSIFIED_STREAM, event.to_wire())  # and once more, later
        await client.xadd(HOUSEHOLD_CLASSIFIED_STREAM, classified_event(3).to_wire())
        await eventually(lambda: applied(rt) == 3)
        found = counts(rt)
    await client.aclose()
    assert sum(c.households for c in found) == 3


async def test_redelivery_after_a_crash_before_ack_changes_nothing(
    redis_url: str, database_url: str
) -> None:
    events = [classified_event(i) for i in range(50)]
    client = Redis.from_url(redis_url)
    for e in events:
        await client.xadd(HOUSEHOLD_CLASSIFIED_STREAM, e.to_wire())
    async with reporting(redis_url, database_url) as rt:
        await eventually(lambda: applied(rt) == 50)
    # the effects are committed; now the group forgets it ever delivered them
    await client.xgroup_setid(HOUSEHOLD_CLASSIFIED_STREAM, "reporting", id="0")
    async with reporting(redis_url, database_url) as rt:
        await eventually(lambda: _all_read_and_acked(client), timeout=20)
        assert applied(rt) == 50
        assert sum(c.households for c in counts(rt)) == 50
    await client.aclose()


async def _all_read_and_acked(client: Redis) -> bool:
    (group,) = await client.xinfo_groups(HOUSEHOLD_CLASSIFIED_STREAM)
    last = await client.xinfo_stream(HOUSEHOLD_CLASSIFIED_STREAM)
    return bool(group["pending"] == 0 and group["last-delivered-id"] == last["last-generated-id"])


async def test_latest_survey_wins_whatever_the_arrival_order(
    redis_url: str, database_url: str
) -> None:
    from datetime import UTC, datetime

    newer = classified_event(
        1, status="near_poor", survey_id="S-new", surveyed_at=datetime(2026, 11, 2, tzinfo=UTC)
    )
    older = classified_event(
        1, status="poor", survey_id="S-old", surveyed_at=datetime(2026, 9, 5, tzinfo=UTC)
    )
    client = Redis.from_url(redis_url)
    await client.xadd(HOUSEHOLD_CLASSIFIED_STREAM, newer.to_wire())
    await client.xadd(HOUSEHOLD_CLASSIFIED_STREAM, older.to_wire())
    await client.aclose()
    async with reporting(redis_url, database_url) as rt:
        await eventually(lambda: applied(rt) == 2)
        (row,) = counts(rt)
    assert row.status == "near_poor"
