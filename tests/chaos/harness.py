"""A platform of real processes on a Redis this test owns (so it can kill it), and the figures
that must hold whatever happens: sent = classified = reported, none lost, none counted twice.

Redis: the embedded 6.2 by default; the machine's redis-server (7.x) when ``CHAOS_REDIS_SERVER``
names it, or when ``REDIS_URL`` is set (the CI run against the machine's servers) and one is
installed. Databases: SQLite files in the stack's folder; fresh PostgreSQL databases, one per
service, when ``TEST_POSTGRES_URL`` is set.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import redis
import sqlalchemy as sa

from shared.db import create_db_engine
from tests.factories import survey
from tools.stack import SERVICES, Stack, free_service_ports

GOVERNING = "vn-2022-2025"
CONSUMERS = ("assessment", "support", "reporting")
FAST = {
    **{f"{s.upper()}_CLAIM_IDLE_MS": "1500" for s in CONSUMERS},
    **{f"{s.upper()}_CLAIM_INTERVAL_S": "0.5" for s in CONSUMERS},
    **{f"{s.upper()}_POLL_MS": "100" for s in CONSUMERS},
    **{f"{s.upper()}_LOG_LEVEL": "WARNING" for s in SERVICES},
    # the emulated power cut loses everything written since the test noted the file's size,
    # seconds ago on a loaded machine: rows are kept long enough to cover that, as 5 s covers
    # the second a real power cut loses
    **{f"{s.upper()}_OUTBOX_CONFIRM_S": "60" for s in SERVICES},
}


def redis_executable() -> str | None:
    chosen = os.environ.get("CHAOS_REDIS_SERVER")
    if chosen:
        return chosen
    if os.environ.get("REDIS_URL"):
        return shutil.which("redis-server")
    return None


@contextlib.contextmanager
def databases() -> Iterator[dict[str, str]]:
    """Environment naming a fresh database per service (PostgreSQL), or nothing (SQLite)."""
    pg = os.environ.get("TEST_POSTGRES_URL")
    if not pg:
        yield {}
        return
    import psycopg

    names = {s: f"gn_chaos_{uuid.uuid4().hex[:10]}_{s}" for s in SERVICES}
    base = pg.rsplit("/", 1)[0]
    with psycopg.connect(pg, autocommit=True) as conn:
        for name in names.values():
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {f"{s.upper()}_DATABASE_URL": f"{base}/{n}" for s, n in names.items()}
    finally:
        with psycopg.connect(pg, autocommit=True) as conn:
            for name in names.values():
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def platform(folder: Path, *, replicas: dict[str, int] | None = None) -> Iterator[Stack]:
    with databases() as env:
        stack = Stack(
            folder,
            ports=free_service_ports(),
            extra_env=FAST | env,
            replicas=replicas or {},
            redis_executable=redis_executable(),
            admin_must_change=False,
        )
        stack.start(timeout_s=90)
        try:
            yield stack
        finally:
            stack.stop()


def body(
    n: int, *, poor: bool = False, day: int = 1, survey_id: str | None = None
) -> dict[str, Any]:
    """Survey ``n`` as posted; ``poor`` gives a household deprived enough to be poor."""
    extra: dict[str, Any] = {
        "surveyed_at": datetime(2026, 10, 1, 9, tzinfo=UTC) + timedelta(days=day),
    }
    if survey_id:
        extra["survey_id"] = survey_id
    if poor:
        extra |= {
            "income": {"basis": "vnd_per_capita_month", "value": 900_000},
            "water_source": "surface_water",
            "latrine": "none",
            "uses_telecom": False,
            "uses_internet": False,
        }
    payload = survey(n, **extra)
    return payload.model_dump(mode="json", exclude={"area_type", "province_code"})


def post(stack: Stack, bodies: Sequence[dict[str, Any]], batch: int = 100) -> int:
    """Post surveys in batches; returns how many intake stored. Any 5xx fails the test."""
    created = 0
    with httpx.Client(base_url=stack.url("intake"), timeout=60, headers=stack.headers()) as client:
        for i in range(0, len(bodies), batch):
            answer = client.post("/surveys/batch", json=list(bodies[i : i + batch]))
            assert answer.status_code == 200, answer.text
            counts = answer.json()["counts"]
            assert counts["rejected"] == counts["conflict"] == 0, answer.text
            created += counts["created"]
    return created


@dataclass(frozen=True)
class Figures:
    classified: int  # surveys assessment classified under the governing standard
    supported: int  # households in support's register
    reported: int  # classification events reporting applied (a repeat would count twice)
    households: int  # households reporting counts


def _scalar(url: str, sql: str) -> int:
    engine = create_db_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text(sql)).scalar() or 0)
    except sa.exc.DBAPIError:  # tables not created yet
        return -1
    finally:
        engine.dispose()


def figures(stack: Stack) -> Figures:
    with httpx.Client(
        base_url=stack.url("reporting"), timeout=10, headers=stack.headers()
    ) as client:
        applied = client.get("/reports/events").json()["applied"]
        asked = {"standard": GOVERNING, "stage": "proposed"}
        answer = client.get("/reports/households", params=asked)
        # no round counted yet: 404 (reporting names the unknown round); nothing counted
        total = answer.json() if answer.status_code != 404 else {"total_households": 0}
    return Figures(
        classified=_scalar(
            stack.database_url("assessment"),
            f"SELECT count(*) FROM classification WHERE standard_id = '{GOVERNING}'",
        ),
        supported=_scalar(stack.database_url("support"), "SELECT count(*) FROM known_household"),
        reported=applied.get("HouseholdClassified", {}).get(GOVERNING, 0),
        households=total["total_households"],
    )


def settle(stack: Stack, expected: Figures, timeout: float = 120) -> Figures:
    """Wait until the figures are ``expected``; then make sure nothing more arrives."""
    return settle_until(stack, lambda seen: seen == expected, timeout, str(expected))


def settle_until(
    stack: Stack, done: Callable[[Figures], bool], timeout: float = 120, what: str = ""
) -> Figures:
    """Wait until ``done(figures)`` holds and the figures stay put for two seconds (a
    redelivery counted twice would move them, and ``done`` would then fail)."""
    deadline = time.monotonic() + timeout
    previous: Figures | None = None
    seen: Figures | None = None
    while True:
        with contextlib.suppress(httpx.HTTPError):  # a service restarting
            seen = figures(stack)
        if seen is not None and done(seen) and seen == previous:
            return seen
        assert time.monotonic() < deadline, f"after {timeout}s: {seen}; expected {what}"
        previous = seen if seen is not None and done(seen) else None
        time.sleep(2.0 if previous is not None else 0.5)


def every(n: int) -> Figures:
    return Figures(classified=n, supported=n, reported=n, households=n)


def steady(stack: Stack) -> Figures:
    """The figures once everything sent so far is counted (one survey per household)."""
    return settle_until(stack, lambda f: f == every(f.classified), what="a steady platform")


def plus(base: Figures, n: int) -> Figures:
    """``base`` with ``n`` more households surveyed once each."""
    return every(base.classified + n)


def health(stack: Stack, service: str) -> dict[str, Any]:
    with httpx.Client(timeout=5) as client:
        answer: dict[str, Any] = client.get(stack.url(service) + "/health").json()
        return answer


def stream_length(stack: Stack, stream: str) -> int:
    client = redis.Redis.from_url(stack.redis_url or "")
    try:
        return int(client.xlen(stream))
    finally:
        client.close()
