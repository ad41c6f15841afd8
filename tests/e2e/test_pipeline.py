"""The four services as separate OS processes on one real Redis, driven over HTTP."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.factories import survey
from tests.helpers import eventually
from tools.bench_latency import histogram_buckets
from tools.stack import Stack, free_service_ports

GOVERNING = "vn-2022-2025"


@pytest.fixture
def stack(tmp_path: Path, redis_url: str) -> Iterator[Stack]:
    ports = free_service_ports()
    env = {"ASSESSMENT_CLAIM_IDLE_MS": "1500", "ASSESSMENT_CLAIM_INTERVAL_S": "0.5"}
    with Stack(
        tmp_path / "platform",
        redis_url=redis_url,
        ports=ports,
        extra_env=env,
        admin_must_change=False,
    ) as s:
        yield s


def signed_in(stack: Stack) -> dict[str, str]:
    """Signed in through the stack's own access service (access control is on)."""
    return {"Authorization": f"Bearer {stack.token()}"}


def survey_body(i: int) -> dict[str, Any]:
    communes = [("04570", "04570-01"), ("04570", "04570-02"), ("04681", "04681-01")]
    commune, village = communes[i % len(communes)]
    income = 900_000 + (i * 7919) % 3_000_000
    return survey(
        i,
        commune_code=commune,
        village_code=village,
        income={"basis": "vnd_per_capita_month", "value": income},
    ).model_dump(mode="json", exclude={"area_type", "province_code"})


async def submit(stack: Stack, bodies: list[dict[str, Any]]) -> list[int]:
    limit = asyncio.Semaphore(16)
    headers = signed_in(stack)
    async with httpx.AsyncClient(
        base_url=stack.url("intake"), timeout=30, headers=headers
    ) as client:

        async def one(body: dict[str, Any]) -> int:
            async with limit:
                return (await client.post("/surveys", json=body)).status_code

        return await asyncio.gather(*(one(b) for b in bodies))


async def reporting_counts(stack: Stack) -> tuple[int, int]:
    headers = signed_in(stack)
    async with httpx.AsyncClient(
        base_url=stack.url("reporting"), timeout=10, headers=headers
    ) as client:
        events = (await client.get("/reports/events")).json()["applied"]
        households = await client.get(
            "/reports/households", params={"standard": GOVERNING, "stage": "proposed"}
        )
    applied = events.get("HouseholdClassified", {}).get(GOVERNING, 0)
    if households.status_code == 404:  # no round with figures yet
        return applied, 0
    return applied, households.json()["total_households"]


async def test_reporting_counts_each_of_1000_surveys_exactly_once(stack: Stack) -> None:
    statuses = await submit(stack, [survey_body(i) for i in range(1, 1001)])
    assert statuses == [201] * 1000

    async def all_counted() -> bool:
        return await reporting_counts(stack) == (1000, 1000)

    await eventually(all_counted, timeout=120, interval=0.5)
    await asyncio.sleep(2)  # nothing more may arrive: each survey is counted once, not twice
    assert await reporting_counts(stack) == (1000, 1000)
    # and each was timed once, from intake's acceptance to reporting's count
    async with httpx.AsyncClient(base_url=stack.url("reporting"), timeout=10) as client:
        scraped = (await client.get("/metrics")).text
    timed = histogram_buckets(scraped, "giamngheo_survey_to_report_seconds")
    assert timed[-1] == (math.inf, 1000.0)


async def test_surveys_survive_an_assessment_replica_killed_mid_stream(stack: Stack) -> None:
    await submit(stack, [survey_body(i) for i in range(1, 401)])
    stack.kill("assessment")  # SIGKILL, wherever it was: no graceful shutdown, no ack
    await submit(stack, [survey_body(i) for i in range(401, 801)])
    stack.spawn("assessment", stack.ports["assessment"])

    async def all_counted() -> bool:
        return await reporting_counts(stack) == (800, 800)

    await eventually(all_counted, timeout=120, interval=0.5)
