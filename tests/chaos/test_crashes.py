"""Crashes of consumers and of Redis while surveys flow: nothing lost, nothing counted twice.

One platform serves the module (starting four processes costs more than each scenario); every
test sends its own households and checks the figures move by exactly what it sent.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator

import pytest

from shared.contracts import HOUSEHOLD_SURVEYED_STREAM
from tests.chaos.harness import (
    body,
    health,
    platform,
    plus,
    post,
    settle,
    steady,
    stream_length,
)
from tools.stack import Stack


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with platform(tmp_path_factory.mktemp("crashes") / "platform") as s:
        yield s


def test_nothing_lost_when_each_consumer_is_killed_mid_stream(stack: Stack) -> None:
    before = steady(stack)
    sent = post(stack, [body(n) for n in range(1, 151)])
    for victim in ("assessment", "support", "reporting"):
        start = sent + 1
        sent += post(stack, [body(n) for n in range(start, start + 150)])
        stack.kill(victim)  # SIGKILL wherever it was: no graceful stop, no ack
        stack.spawn(victim, stack.ports[victim])
    stack.wait_healthy(60)
    assert sent == 600
    settle(stack, plus(before, 600))


def test_nothing_lost_when_redis_is_killed_while_intake_takes_surveys(stack: Stack) -> None:
    assert stack.redis is not None
    before = steady(stack)
    sent = post(stack, [body(n) for n in range(1001, 1101)])
    stack.redis.kill()
    sent += post(stack, [body(n) for n in range(1101, 1301)])  # accepted into the outbox
    assert health(stack, "intake")["redis"] is False
    stack.redis.start()  # same port, same append-only file
    sent += post(stack, [body(n) for n in range(1301, 1401)])
    assert sent == 400
    settle(stack, plus(before, 400))


def test_nothing_lost_when_a_power_cut_takes_redis_last_second_of_writes(stack: Stack) -> None:
    assert stack.redis is not None
    before = steady(stack)
    time.sleep(1.5)  # on disk by now (appendfsync everysec)
    aof = stack.redis.aof_file()
    durable = aof.stat().st_size
    published = stream_length(stack, HOUSEHOLD_SURVEYED_STREAM)
    sent = post(stack, [body(n) for n in range(2001, 2201)])
    deadline = time.monotonic() + 20
    while stream_length(stack, HOUSEHOLD_SURVEYED_STREAM) < published + 200:
        assert time.monotonic() < deadline, "intake's relay did not publish"
        time.sleep(0.1)
    written = stream_length(stack, HOUSEHOLD_SURVEYED_STREAM)
    stack.redis.kill()  # the power cut: what was not yet fsynced is gone
    os.truncate(aof, durable)
    stack.redis.start()
    assert stream_length(stack, HOUSEHOLD_SURVEYED_STREAM) < written  # Redis did lose entries
    assert sent == 200
    settle(stack, plus(before, 200))


def test_consumers_recover_and_say_so_when_redis_returns_without_its_data(
    stack: Stack,
) -> None:
    assert stack.redis is not None
    before = steady(stack)
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
    assert post(stack, [body(n) for n in range(3001, 3151)]) == 150
    settle(stack, plus(before, 150))
