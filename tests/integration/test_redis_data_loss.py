"""A Redis that comes back without its data, and the lag gauge after a restart: consumers
recover on their own and say so on /health; the gauge shows the real backlog."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient
from redis.asyncio import Redis

from services.reporting.adapters.repository import ReportingUnitOfWork
from services.reporting.app import create_app
from services.reporting.service import event_tallies
from services.reporting.settings import ReportingSettings
from shared.consumer import DEAD_LETTER_BODY_MAX, DeliveryPolicy, StreamConsumer
from shared.contracts import HOUSEHOLD_CLASSIFIED_STREAM, HouseholdClassified, dead_letter_stream
from shared.embedded_redis import EmbeddedRedis
from tests.factories import classified_event
from tests.helpers import eventually

STREAM = HOUSEHOLD_CLASSIFIED_STREAM


def applied(client: TestClient) -> int:
    engine = client.app.state.runtime.engine  # type: ignore[attr-defined]
    tallies = event_tallies(ReportingUnitOfWork(engine))
    return tallies.get("HouseholdClassified", {}).get("vn-2022-2025", 0)


@pytest.fixture
def reporting(
    redis_url: str, database_url: str, admin_headers: dict[str, str]
) -> Iterator[TestClient]:
    settings = ReportingSettings(
        redis_url=redis_url, database_url=database_url, poll_ms=50, claim_interval_s=0.2
    )
    with TestClient(create_app(settings), headers=admin_headers) as client:
        yield client


async def test_consumer_recreates_its_group_and_reads_on_when_redis_lost_everything(
    redis_url: str, reporting: TestClient
) -> None:
    r = redis.Redis.from_url(redis_url)
    for n in range(1, 4):
        r.xadd(STREAM, classified_event(n).to_wire())
    await eventually(lambda: applied(reporting) == 3)
    assert reporting.get("/health").json()["status"] == "ok"

    r.flushdb()  # Redis back without its data: no stream, no group (NOGROUP on every read)
    seen: list[dict[str, object]] = []

    def degraded() -> bool:  # reporting reads several streams: wait for this one's reader
        seen.append(reporting.get("/health").json())
        return seen[-1]["streams"][f"{STREAM}:reporting"] != "ok"  # type: ignore[index]

    await eventually(degraded, 10)
    assert seen[-1]["redis"] is True
    assert seen[-1]["status"] == "degraded"

    for n in range(4, 7):
        r.xadd(STREAM, classified_event(n).to_wire())
    await eventually(lambda: applied(reporting) == 6, 20)
    assert reporting.get("/health").json()["streams"][f"{STREAM}:reporting"] == "stream_reset"
    r.close()


def _consumer(url: str) -> StreamConsumer[HouseholdClassified]:
    return StreamConsumer(
        Redis.from_url(url),
        stream=STREAM,
        group="g",
        consumer="c",
        event_type=HouseholdClassified,
        policy=DeliveryPolicy(),
    )


async def test_lag_is_zero_when_the_group_delivered_the_last_entry(redis_url: str) -> None:
    r = redis.Redis.from_url(redis_url)
    consumer = _consumer(redis_url)
    await consumer.ensure_group()
    for n in range(5):
        r.xadd(STREAM, classified_event(n + 1).to_wire())
    assert await consumer.lag() == (5, 0)
    r.xreadgroup("g", "c", {STREAM: ">"}, count=3)
    assert await consumer.lag() == (2, 3)
    r.xreadgroup("g", "c", {STREAM: ">"})
    assert await consumer.lag() == (0, 5)
    r.close()
    await consumer.redis.aclose()


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs the machine's Redis 7")
async def test_lag_gauge_ignores_redis_7_entries_read_bookkeeping(tmp_path: Path) -> None:
    server = EmbeddedRedis(tmp_path, executable=shutil.which("redis-server")).start()
    try:
        r = redis.Redis.from_url(server.url)
        consumer = _consumer(server.url)
        await consumer.ensure_group()
        ids = [r.xadd(STREAM, classified_event(n + 1).to_wire()) for n in range(411)]
        r.xreadgroup("g", "c", {STREAM: ">"})
        r.xack(STREAM, "g", *ids)
        # what XCLAIM and an AOF replay leave behind: entries-read out of step with the group
        r.execute_command("XGROUP", "SETID", STREAM, "g", ids[-1], "ENTRIESREAD", 0)
        (info,) = r.xinfo_groups(STREAM)
        assert info["lag"] == 411  # Redis reports a phantom backlog
        assert await consumer.lag() == (0, 0)
        r.close()
        await consumer.redis.aclose()
    finally:
        server.stop()


async def test_dead_letters_are_capped_and_do_not_copy_huge_bodies(redis_url: str) -> None:
    r = redis.Redis.from_url(redis_url)
    consumer = _consumer(redis_url)
    await consumer.ensure_group()
    r.xadd(STREAM, {"event": b"x" * (DEAD_LETTER_BODY_MAX + 1)})
    r.xadd(STREAM, {"event": b"not json"})
    ((_, entries),) = r.xreadgroup("g", "c", {STREAM: ">"})
    await consumer._decode_entries(entries)
    dead = r.xrange(dead_letter_stream(STREAM))
    assert [b"event" in f for _, f in dead] == [False, True]
    assert int(dead[0][1][b"body_bytes"]) == DEAD_LETTER_BODY_MAX + 1
    assert r.xpending(STREAM, "g")["pending"] == 0
    r.close()
    await consumer.redis.aclose()
