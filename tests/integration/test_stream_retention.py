"""The stream retention rule on a real Redis: only what every group acknowledged is trimmed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis

from shared.db import create_db_engine, plumbing_tables
from shared.outbox import OutboxRelay
from shared.retention import Retention

STREAM = "household.surveyed"


@pytest.fixture
def client(redis_url: str) -> Iterator[redis.Redis]:
    c = redis.Redis.from_url(redis_url, decode_responses=True)
    yield c
    c.close()


def _fill(client: redis.Redis, n: int, first_ms: int = 1_000) -> list[str]:
    return [client.xadd(STREAM, {"n": str(i)}, id=f"{first_ms + i}-0") for i in range(n)]


def _read(client: redis.Redis, group: str, count: int, ack: int) -> list[str]:
    (_, entries), = client.xreadgroup(group, "c1", {STREAM: ">"}, count=count)  # fmt: skip
    ids = [e[0] for e in entries]
    if ack:
        client.xack(STREAM, group, *ids[:ack])
    return ids


def test_entries_a_group_has_not_acknowledged_are_never_trimmed(client: redis.Redis) -> None:
    ids = _fill(client, 100)
    client.xgroup_create(STREAM, "assessment", id="0")
    client.xgroup_create(STREAM, "reporting", id="0")
    _read(client, "assessment", 100, 100)
    read = _read(client, "reporting", 60, 50)  # 10 pending, 40 never delivered
    trimmed = Retention(keep_last=10).trim(client, STREAM)
    kept = [e[0] for e in client.xrange(STREAM)]
    assert trimmed == 50
    assert kept == ids[50:]  # from reporting's first pending entry on
    assert set(read[50:]) <= set(kept)
    client.xack(STREAM, "reporting", *read[50:])
    _read(client, "reporting", 100, 40)
    assert Retention(keep_last=10).trim(client, STREAM) == 40
    assert [e[0] for e in client.xrange(STREAM)] == ids[90:]


def test_a_stream_without_groups_or_rules_keeps_everything(client: redis.Redis) -> None:
    _fill(client, 20)
    assert Retention(keep_last=5).trim(client, STREAM) == 0
    client.xgroup_create(STREAM, "assessment", id="0")  # a group that has read nothing yet
    assert Retention(keep_last=5).trim(client, STREAM) == 0
    assert Retention().trim(client, STREAM) == 0
    assert client.xlen(STREAM) == 20
    assert Retention(keep_last=5).trim(client, "no-such-stream") == 0


def test_the_age_rule_trims_old_acknowledged_entries(client: redis.Redis) -> None:
    day_ms = 86_400_000
    ids = _fill(client, 10, first_ms=10 * day_ms) + _fill(client, 10, first_ms=20 * day_ms)
    client.xgroup_create(STREAM, "assessment", id="0")
    _read(client, "assessment", 20, 20)
    now_s = (20 * day_ms + 100) / 1000
    assert Retention(max_age_s=5 * 86_400).trim(client, STREAM, now_s=now_s) == 10
    assert [e[0] for e in client.xrange(STREAM)] == ids[10:]


def test_the_relay_applies_the_rule_to_the_streams_it_publishes(
    client: redis.Redis, redis_url: str, tmp_path: Path
) -> None:
    import sqlalchemy as sa

    metadata = sa.MetaData()
    tables = plumbing_tables(metadata)
    engine = create_db_engine(f"sqlite:///{tmp_path / 'o.db'}")
    metadata.create_all(engine)
    client.xgroup_create(STREAM, "assessment", id="0", mkstream=True)
    relay = OutboxRelay(
        engine, tables, redis_url, retention=Retention(keep_last=1000), retain_every_s=0
    )
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.insert(tables.outbox),
                [
                    {"stream": STREAM, "body": b"{}", "created_at": datetime.now(UTC)}
                    for _ in range(1500)
                ],
            )
        assert relay.publish_pending() == 1500
        assert client.xlen(STREAM) == 1500  # nothing acknowledged yet: nothing trimmed
        _read(client, "assessment", 1500, 1500)
        relay.publish_pending()
        assert client.xlen(STREAM) == 1000
        assert relay.trimmed == 500
    finally:
        relay.close()
        engine.dispose()
