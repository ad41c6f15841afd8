"""The outbox keeps a published event until Redis has persisted it, and publishes again what
a restarted Redis lost (an emulated power cut: the append-only file loses its last writes)."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from services.intake.adapters.tables import plumbing
from services.intake.app import MIGRATIONS
from services.intake.service import IntakeUnitOfWork, accept_surveys
from shared.contracts import HOUSEHOLD_SURVEYED_STREAM, HouseholdSurveyed
from shared.db import create_db_engine
from shared.embedded_redis import EmbeddedRedis
from shared.migrations import upgrade
from shared.outbox import OutboxRelay
from tests.factories import fixed_vault, survey


def redis_executables() -> list[str]:
    """The embedded Redis 6.2, and the machine's Redis 7 when installed."""
    found = [""]
    system = shutil.which("redis-server")
    if system:
        found.append(system)
    return found


@pytest.fixture(params=redis_executables(), ids=lambda e: "redis7" if e else "embedded")
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EmbeddedRedis]:
    s = EmbeddedRedis(tmp_path / "redis", executable=request.param or None).start()
    yield s
    s.stop()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    e = create_db_engine(database_url)
    upgrade(e, MIGRATIONS)
    yield e
    e.dispose()


def _store(engine: Engine, numbers: range) -> None:
    accept_surveys(
        IntakeUnitOfWork(engine, fixed_vault()),
        [survey(n) for n in numbers],
        channel="http",
        correlation_id="c",
        now=datetime.now(UTC),
    )


def _codes_on_stream(url: str) -> list[str]:
    client = redis.Redis.from_url(url)
    entries = client.xrange(HOUSEHOLD_SURVEYED_STREAM)
    client.close()
    return sorted(HouseholdSurveyed.from_fields(f).payload.household_code for _, f in entries)


def _outbox_rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(plumbing.outbox)).scalar())


def test_published_rows_stay_until_the_same_redis_run_has_had_time_to_persist_them(
    server: EmbeddedRedis, engine: Engine
) -> None:
    relay = OutboxRelay(engine, plumbing, server.url, confirm_after_s=0.5)
    _store(engine, range(1, 6))
    assert relay.publish_pending() == 5
    assert (relay.backlog(), _outbox_rows(engine)) == (0, 5)  # published, not yet confirmed
    time.sleep(0.6)
    assert relay.publish_pending() == 0
    assert _outbox_rows(engine) == 0
    relay.close()


@pytest.mark.parametrize("relay_restarts", [True, False], ids=["new-relay", "same-relay"])
def test_events_redis_lost_in_a_power_cut_are_published_again_when_it_returns(
    server: EmbeddedRedis, engine: Engine, relay_restarts: bool
) -> None:
    relay = OutboxRelay(engine, plumbing, server.url, confirm_after_s=30)
    _store(engine, range(1, 51))
    relay.publish_pending()
    time.sleep(1.5)  # these reach the disk (appendfsync everysec)
    aof = server.aof_file()
    durable_size = aof.stat().st_size
    _store(engine, range(51, 151))
    assert relay.publish_pending() == 100
    assert len(_codes_on_stream(server.url)) == 150

    server.kill()  # the power cut: the last writes never reached the disk
    os.truncate(aof, durable_size)
    server.start()
    assert len(_codes_on_stream(server.url)) == 50  # Redis lost 100 acknowledged entries

    if relay_restarts:  # the service restarted too
        relay.close()
        relay = OutboxRelay(engine, plumbing, server.url, confirm_after_s=30)
    # else the running relay sees Redis's new run id on its next pass
    assert relay.publish_pending() == 100
    assert relay.republished == 100
    assert _codes_on_stream(server.url) == [f"HH-{n:07d}" for n in range(1, 151)]
    relay.close()


def test_rows_are_settled_once_per_redis_run_and_periodically_not_on_every_pass(
    server: EmbeddedRedis, engine: Engine
) -> None:
    """Finding rows published to another Redis run reads every published row kept, so it is
    done when the run changes and every ``settle_every_s``: then rows another replica marked
    against a run it saw just before a restart are settled too."""
    relay = OutboxRelay(engine, plumbing, server.url, confirm_after_s=30, settle_every_s=0.5)
    _store(engine, range(1, 11))
    assert relay.publish_pending() == 10
    _store(engine, range(11, 21))
    assert relay.publish_pending() == 10
    assert relay.settle_passes == 1  # the first pass only
    with engine.begin() as conn:  # as if another replica had published them to an older run
        conn.execute(sa.update(plumbing.outbox).values(redis_run="an-earlier-run"))
    assert relay.publish_pending() == 0
    assert _outbox_rows(engine) == 20  # not looked at yet
    time.sleep(0.6)
    assert relay.publish_pending() == 0
    assert relay.settle_passes == 2
    assert _outbox_rows(engine) == 0  # all found on the stream, so deleted
    assert relay.republished == 0
    relay.close()
