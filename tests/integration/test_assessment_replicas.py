"""Two assessment replicas on one stream and one database: the latest survey always wins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from redis.asyncio import Redis

from services.assessment.adapters.tables import states
from services.assessment.app import create_runtime
from services.assessment.settings import AssessmentSettings
from shared.contracts import HOUSEHOLD_SURVEYED_STREAM
from tests.factories import surveyed_event
from tests.helpers import eventually

HOUSEHOLDS = 150
VERSIONS = 4


async def test_latest_survey_wins_when_two_replicas_race_on_the_same_households(
    redis_url: str, database_url: str
) -> None:
    base = datetime(2026, 9, 10, tzinfo=UTC)
    client = Redis.from_url(redis_url)
    # every household surveyed four times; the stream holds the versions newest first
    async with client.pipeline(transaction=False) as pipe:
        for version in reversed(range(VERSIONS)):
            for n in range(HOUSEHOLDS):
                event = surveyed_event(
                    n, survey_id=f"S-{n}-{version}", surveyed_at=base + timedelta(days=version)
                )
                pipe.xadd(HOUSEHOLD_SURVEYED_STREAM, event.to_wire())
        await pipe.execute()
    replicas = [
        create_runtime(
            AssessmentSettings(
                redis_url=redis_url,
                database_url=database_url,
                batch_size=37,
                poll_ms=20,
                consumer_name=f"replica-{i}",
            )
        )[0]
        for i in range(2)
    ]
    for rt in replicas:
        await rt.start()
    try:

        async def drained() -> bool:
            return await replicas[0].consumers[0].lag() == (0, 0)

        await eventually(drained, timeout=60)
        surveys = [
            c for r in replicas for c in r.consumers if c.stream == HOUSEHOLD_SURVEYED_STREAM
        ]
        await eventually(lambda: all(c.stats.processed > 0 for c in surveys))
        with replicas[0].engine.connect() as conn:
            latest = dict(
                conn.execute(sa.select(states.c.household_code, states.c.latest_survey_id)).all()
            )
    finally:
        for rt in replicas:
            await rt.stop()
        await client.aclose()
    assert len(latest) == HOUSEHOLDS
    assert all(sid.endswith(f"-{VERSIONS - 1}") for sid in latest.values())


async def test_impossible_survey_is_dead_lettered_with_the_field_and_the_stream_flows(
    redis_url: str, database_url: str
) -> None:
    import orjson

    from shared.contracts import dead_letter_stream

    impossible = surveyed_event(1).model_dump(mode="json")
    impossible["payload"]["members"][0]["age"] = 200
    impossible["payload"]["income"]["value"] = -5
    client = Redis.from_url(redis_url)
    await client.xadd(HOUSEHOLD_SURVEYED_STREAM, {"event": orjson.dumps(impossible)})
    await client.xadd(HOUSEHOLD_SURVEYED_STREAM, surveyed_event(2).to_wire())
    rt = create_runtime(
        AssessmentSettings(redis_url=redis_url, database_url=database_url, poll_ms=20)
    )[0]
    await rt.start()
    try:
        await eventually(lambda: rt.consumers[0].stats.processed == 1)
        dead = await client.xrange(dead_letter_stream(HOUSEHOLD_SURVEYED_STREAM))
    finally:
        await rt.stop()
        await client.aclose()
    ((_, fields),) = dead
    error = fields[b"error"].decode()
    assert "payload.members.0.age" in error
    assert "payload.income.value" in error
