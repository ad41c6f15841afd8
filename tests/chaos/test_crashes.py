"""Crashes of consumers and of Redis while surveys flow: nothing lost, nothing counted twice."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.contracts import HOUSEHOLD_SURVEYED_STREAM
from tests.chaos.harness import body, every, health, platform, post, settle, stream_length
from tools.stack import Stack


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    with platform(tmp_path / "platform") as s:
        yield s


def test_nothing_lost_when_each_consumer_is_killed_mid_stream(stack: Stack) -> None:
    sent = post(stack, [body(n) for n in range(1, 151)])
    for victim in ("assessment", "support", "reporting"):
        start = sent + 1
        sent += post(stack, [body(n) for n in range(start, start + 150)])
        stack.kill(victim)  # SIGKILL wherever it was: no graceful stop, no ack
        stack.spawn(victim, stack.ports[victim])
    stack.wait_healthy(60)
    assert sent == 600
    settle(stack, every(600))


def test_nothing_lost_when_redis_is_killed_while_intake_takes_surveys(stack: Stack) -> None:
    assert stack.redis is not None
    sent = post(stack, [body(n) for n in range(1, 101)])
    stack.redis.kill()
    sent += post(stack, [body(n) for n in range(101, 301)])  # accepted into the outbox
    assert health(stack, "intake")["redis"] is False
    stack.redis.start()  # same port, same append-only file
    sent += post(stack, [body(n) for n in range(301, 401)])
    assert sent == 400
    settle(stack, every(400))


def test_nothing_lost_when_a_power_cut_takes_redis_last_second_of_writes(stack: Stack) -> None:
    assert stack.redis is not None
    sent = post(stack, [body(n) for n in range(1, 201)])
    settle(stack, every(200))
    time.sleep(1.5)  # on disk by now (appendfsync everysec)
    aof = stack.redis.aof_file()
    durable = aof.stat().st_size
    sent += post(stack, [body(n) for n in range(201, 401)])
    time.sleep(0.5)  # the relay publishes, consumers read, ack, publish on
    before = stream_length(stack, HOUSEHOLD_SURVEYED_STREAM)
    stack.redis.kill()  # the power cut: what was not yet fsynced is gone
    os.truncate(aof, durable)
    stack.redis.start()
    assert stream_length(stack, HOUSEHOLD_SURVEYED_STREAM) < before  # Redis did lose entries
    assert sent == 400
    settle(stack, every(400))


def test_consumers_recover_and_say_so_when_redis_returns_without_its_data(
    stack: Stack,
) -> None:
    assert stack.redis is not None
    post(stack, [body(n) for n in range(1, 151)])
    settle(stack, every(150))
    stack.redis.kill()
    shutil.rmtree(stack.redis.data_dir)  # a Redis without persistence, or a lost volume
    stack.redis.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        streams = health(stack, "assessment")["streams"]
        if streams[f"{HOUSEHOLD_SURVEYED_STREAM}:assessment"] == "stream_reset":
            break
        time.sleep(0.5)
    assert health(stack, "assessment")["status"] == "degraded"
    assert post(stack, [body(n) for n in range(151, 301)]) == 150
    settle(stack, every(300))
