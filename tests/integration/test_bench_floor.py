"""The benchmark's messaging floor on a real Redis: every entry moves through the pipeline's
stream topology, and the run cleans up after itself."""

from __future__ import annotations

import pytest
import redis

from tools.bench_floor import CLASSIFIED, STANDARDS, SURVEYED, messaging_floor
from tools.bench_pipeline import entry_bytes

pytestmark = pytest.mark.integration


def test_the_floor_moves_every_survey_through_both_last_stages(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    client.set("kept", "1")
    before = client.info("stats")["total_commands_processed"]

    found = messaging_floor(redis_url, 1_200, survey_size=700, classified_size=900)

    commands = client.info("stats")["total_commands_processed"] - before
    assert found.surveys_per_s > 0
    assert found.redis_cpu_us > 0
    assert found.stages_cpu_us > 0
    # 1,200 survey XADDs and 2 × 1,200 classification XADDs at least were served: the stages
    # only return once both last stages acknowledged 2,400 entries each
    assert commands >= 1_200 * (1 + STANDARDS)
    assert not client.exists(SURVEYED, CLASSIFIED)
    assert client.get("kept") == b"1"
    client.close()


def test_entry_bytes_averages_the_newest_event_bodies(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    assert entry_bytes(client, "household.classified") is None
    for size in (100, 300):
        client.xadd("household.classified", {"event": b"x" * size})
    assert entry_bytes(client, "household.classified") == 200
    assert entry_bytes(client, "household.classified", sample=1) == 300
    client.close()
