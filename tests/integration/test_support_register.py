"""Support's register fed by entries read slim (only what it keeps, straight from the JSON)
holds exactly what it holds when the same events are decoded with the contract's model; an
entry that is not a valid classification is dead-lettered, the rest registered."""

from __future__ import annotations

import contextlib
import json
import random
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

import orjson
import pytest
import sqlalchemy as sa
from pydantic import ValidationError
from redis.asyncio import Redis

from services.support.adapters.classified import (
    Classification,
    Skipped,
    from_model,
    read_classification,
)
from services.support.adapters.tables import known, members, recognised, recognised_latest
from services.support.adapters.uow import SupportUnitOfWork
from services.support.app import MIGRATIONS, create_runtime
from services.support.settings import SupportSettings
from services.support.usecases.register import register_classifications
from shared.contracts import HOUSEHOLD_CLASSIFIED_STREAM, dead_letter_stream
from shared.contracts.classifications import HouseholdClassified
from shared.db import create_db_engine
from shared.migrations import upgrade
from shared.runtime import Runtime
from tests.factories import classified_event, member_profile, recognised_event
from tests.helpers import eventually
from tools.synthetic import synthetic_classification_events

NOW = datetime(2027, 11, 28, 3, 0, tzinfo=UTC)
TABLES = (known, members, recognised, recognised_latest)


def _bodies() -> list[bytes]:
    """Two review rounds of 60 households (proposed, then recognised; the second a year
    later), each classification followed by a baseline under another standard, plus events
    with optional fields left out, in a shuffled order."""
    out: list[bytes] = []
    for year, stage in ((2026, "proposed"), (2026, "recognised"), (2027, "recognised")):
        seed = year * 10 + len(stage)
        for e in synthetic_classification_events(60, seed=seed, review_year=year, stage=stage):
            out.append(orjson.dumps(e))
            e["event_id"] = e["event_id"][:-4] + "beef"
            e["payload"]["governing"] = False
            e["payload"]["standard_id"] = "vn-2027-2030"
            out.append(orjson.dumps(e))
    minimal = classified_event("HH-bare", head_sex=None).model_dump(mode="json")
    for optional in ("members", "causes", "needs", "head_sex", "newly_escaped_until"):
        minimal["payload"].pop(optional, None)
    out.append(orjson.dumps(minimal))
    out.append(recognised_event("HH-late", "near_poor", recognised_on=date(2026, 12, 30)).to_json())
    random.Random(15).shuffle(out)
    return out


def _snapshot(engine: sa.Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(sa.select(t).order_by(*t.primary_key.columns))]
            for t in TABLES
        }


def _clear(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        for t in (*TABLES, sa.table("processed_event")):
            conn.execute(sa.delete(t))


def test_reading_an_entry_slim_gives_what_the_contract_model_gives() -> None:
    for body in _bodies():
        assert read_classification(body) == from_model(HouseholdClassified.from_json(body))


def test_a_baseline_is_skipped_by_its_id_whether_or_not_its_json_is_compact() -> None:
    baseline = classified_event(7, governing=False, standard_id="vn-2027-2030")
    spaced = json.dumps(baseline.model_dump(mode="json"), indent=1).encode()
    for body in (baseline.to_json(), spaced):
        assert read_classification(body) == Skipped(str(baseline.event_id))
    assert isinstance(read_classification(classified_event(7).to_json()), Classification)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("status",), "bogus"),
        (("stage",), "draft"),
        (("transition",), 3),
        (("causes",), ["nope"]),
        (("member_count",), 0),
        (("members", 0, "age"), -1),
        (("members", 0, "sex"), "x"),
        (("members", 0, "disability"), "maybe"),
        (("surveyed_at",), "2026-10-01T09:00:00"),
        (("household_code",), 12),
    ],
)
def test_an_entry_outside_the_contract_is_rejected_by_the_contract_model(
    path: tuple[Any, ...], value: object
) -> None:
    broken = recognised_event(
        "HH-1", recognised_on=date(2026, 12, 1), members=[member_profile(1)]
    ).model_dump(mode="json")
    target = broken["payload"]
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    with pytest.raises(ValidationError):
        read_classification(orjson.dumps(broken))


def test_the_register_holds_the_same_rows_when_entries_are_read_slim(database_url: str) -> None:
    engine = create_db_engine(database_url)
    upgrade(engine, MIGRATIONS)
    bodies = _bodies()

    def register(events: list[Any]) -> None:
        for i in range(0, len(events), 50):
            register_classifications(SupportUnitOfWork(engine), events[i : i + 50], NOW)

    register([HouseholdClassified.from_json(b) for b in bodies])
    whole = _snapshot(engine)
    _clear(engine)
    register([read_classification(b) for b in bodies])
    slim = _snapshot(engine)
    engine.dispose()
    assert slim == whole
    assert len(slim["known_household"]) == 62
    assert len(slim["recognised_status"]) == 121


@contextlib.asynccontextmanager
async def support(redis_url: str, database_url: str) -> AsyncIterator[Runtime]:
    rt, _parts = create_runtime(
        SupportSettings(
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


def _known_codes(rt: Runtime) -> list[str]:
    with rt.engine.connect() as conn:
        q = sa.select(known.c.household_code).order_by(known.c.household_code)
        return list(conn.execute(q).scalars())


async def test_a_malformed_classification_is_dead_lettered_and_the_rest_registered(
    redis_url: str, database_url: str
) -> None:
    bogus = classified_event(2).model_dump(mode="json")
    bogus["payload"]["status"] = "bogus"
    client = Redis.from_url(redis_url)
    async with support(redis_url, database_url) as rt:
        await client.xadd(HOUSEHOLD_CLASSIFIED_STREAM, classified_event(1).to_wire())
        await client.xadd(HOUSEHOLD_CLASSIFIED_STREAM, {"event": orjson.dumps(bogus)})
        await client.xadd(HOUSEHOLD_CLASSIFIED_STREAM, {"event": b"{not json"})
        baseline = classified_event(4, governing=False, standard_id="vn-2027-2030")
        await client.xadd(HOUSEHOLD_CLASSIFIED_STREAM, baseline.to_wire())
        await client.xadd(HOUSEHOLD_CLASSIFIED_STREAM, classified_event(3).to_wire())
        await eventually(lambda: _known_codes(rt) == ["HH-0000001", "HH-0000003"])
    dead = await client.xrange(dead_letter_stream(HOUSEHOLD_CLASSIFIED_STREAM))
    await client.aclose()
    errors = [fields[b"error"].decode() for _id, fields in dead]
    assert len(errors) == 2
    assert "payload.status" in errors[0]
    assert "invalid event" in errors[1]
