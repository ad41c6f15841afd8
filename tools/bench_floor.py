"""The pipeline's messaging alone: the ceiling no amount of work saved in the services can
lift.

The same streams, consumer groups and batch sizes as the running pipeline, on the same Redis,
with stages that do nothing but move entries: a producer adds one survey-sized entry per survey
(as intake's outbox relay does), an assessment stage reads each batch, adds two
classification-sized entries per survey (one per standard in force, as assessment does) and
acknowledges it, and a support and a reporting stage read and acknowledge every classification.
Each stage is its own process with its own Redis client, as deployed. The rate is surveys per
second from the first entry added until both last stages have acknowledged everything.
"""

from __future__ import annotations

import multiprocessing
import time
from dataclasses import dataclass
from typing import Any

import redis

from tools.bench_pipeline import redis_cpu_seconds

SURVEYED, CLASSIFIED = "floor.surveyed", "floor.classified"
BATCH = 500
STANDARDS = 2  # classifications per survey: both standards of a transition year


@dataclass(frozen=True)
class Floor:
    surveys_per_s: float
    redis_cpu_us: float  # Redis server CPU per survey
    stages_cpu_us: float  # the stage processes' and the producer's CPU per survey


def _client(url: str) -> Any:
    return redis.Redis.from_url(url, socket_timeout=60)


def _assess(url: str, n: int, size: int, ready: Any, cpu: Any) -> None:
    client = _client(url)
    body = b"c" * size
    started = time.process_time()  # the process's start-up is not the floor's work
    ready.release()
    done = 0
    while done < n:
        reply = client.xreadgroup("assessment", "a", {SURVEYED: ">"}, count=BATCH, block=1000)
        ids = [mid for _s, entries in reply for mid, _f in entries]
        if not ids:
            continue
        pipe = client.pipeline(transaction=False)
        for _ in range(len(ids) * STANDARDS):
            pipe.xadd(CLASSIFIED, {"event": body})
        pipe.xack(SURVEYED, "assessment", *ids)
        pipe.execute()
        done += len(ids)
    cpu.value = time.process_time() - started
    client.close()


def _sink(url: str, group: str, n: int, ready: Any, cpu: Any) -> None:
    client = _client(url)
    started = time.process_time()
    ready.release()
    done = 0
    while done < n:
        reply = client.xreadgroup(group, group, {CLASSIFIED: ">"}, count=BATCH, block=1000)
        ids = [mid for _s, entries in reply for mid, _f in entries]
        if ids:
            client.xack(CLASSIFIED, group, *ids)
            done += len(ids)
    cpu.value = time.process_time() - started
    client.close()


def messaging_floor(url: str, n: int, survey_size: int, classified_size: int) -> Floor:
    """Push ``n`` surveys through the pipeline's streams with stages that do no work."""
    client = _client(url)
    client.delete(SURVEYED, CLASSIFIED)
    client.xgroup_create(SURVEYED, "assessment", id="0", mkstream=True)
    for group in ("support", "reporting"):
        client.xgroup_create(CLASSIFIED, group, id="0", mkstream=True)
    spawn = multiprocessing.get_context("spawn")
    ready = spawn.Semaphore(0)
    cpus = [spawn.Value("d", 0.0) for _ in range(3)]
    stages = [
        spawn.Process(target=_assess, args=(url, n, classified_size, ready, cpus[0])),
        spawn.Process(target=_sink, args=(url, "support", n * STANDARDS, ready, cpus[1])),
        spawn.Process(target=_sink, args=(url, "reporting", n * STANDARDS, ready, cpus[2])),
    ]
    for stage in stages:
        stage.start()
    try:
        for _ in stages:
            if not ready.acquire(timeout=60):
                msg = "a messaging-floor stage did not start"
                raise RuntimeError(msg)
        body = b"s" * survey_size
        redis_before, own_before = redis_cpu_seconds(client), time.process_time()
        start = time.perf_counter()
        for i in range(0, n, BATCH):
            pipe = client.pipeline(transaction=False)
            for _ in range(min(BATCH, n - i)):
                pipe.xadd(SURVEYED, {"event": body})
            pipe.execute()
        own = time.process_time() - own_before
        for stage in stages:
            stage.join(timeout=600)
            if stage.exitcode != 0:
                msg = f"a messaging-floor stage failed (exit code {stage.exitcode})"
                raise RuntimeError(msg)
        elapsed = time.perf_counter() - start
        redis_cpu = redis_cpu_seconds(client) - redis_before
    finally:
        for stage in stages:
            if stage.is_alive():
                stage.kill()
        client.delete(SURVEYED, CLASSIFIED)
        client.close()
    stages_cpu = own + sum(c.value for c in cpus)
    return Floor(
        surveys_per_s=n / elapsed,
        redis_cpu_us=1e6 * redis_cpu / n,
        stages_cpu_us=1e6 * stages_cpu / n,
    )
