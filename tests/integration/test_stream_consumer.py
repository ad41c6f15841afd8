"""Delivery guarantees of the shared stream consumer, against a real Redis server."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

from faststream import AckPolicy
from faststream.redis import RedisBroker
from redis.asyncio import Redis

from shared.consumer import DeliveryPolicy, StreamConsumer
from shared.contracts import HOUSEHOLD_CLASSIFIED_STREAM, HouseholdClassified, dead_letter_stream
from tests.factories import classified_event
from tests.helpers import eventually

STREAM = HOUSEHOLD_CLASSIFIED_STREAM
GROUP = "reporting"

Process = Callable[[list[HouseholdClassified]], Awaitable[None]]


@contextlib.asynccontextmanager
async def consumer_running(
    redis_url: str, name: str, process: Process, policy: DeliveryPolicy
) -> AsyncIterator[StreamConsumer[HouseholdClassified]]:
    """One replica: a FastStream batch subscriber driven by a StreamConsumer, plus its claimer."""
    client = Redis.from_url(redis_url)
    broker = RedisBroker(redis_url, logger=None)
    consumer = StreamConsumer(
        client,
        stream=STREAM,
        group=GROUP,
        consumer=name,
        event_type=HouseholdClassified,
        policy=policy,
    )
    consumer.bind(process)

    @broker.subscriber(
        stream=consumer.stream_sub(),
        ack_policy=AckPolicy.MANUAL,
        parser=consumer.parse,
        decoder=consumer.decode,
    )
    async def on_household_classified(events: list[HouseholdClassified]) -> None:
        await consumer.handle(events)

    await consumer.ensure_group()
    await broker.start()
    claimer = asyncio.create_task(consumer.run_claimer())
    try:
        yield consumer
    finally:
        await broker.stop()
        claimer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await claimer
        await client.aclose()


async def publish(redis_url: str, events: list[HouseholdClassified]) -> None:
    client = Redis.from_url(redis_url)
    async with client.pipeline(transaction=False) as pipe:
        for e in events:
            pipe.xadd(STREAM, e.to_wire())
        await pipe.execute()
    await client.aclose()


async def pending_count(redis_url: str) -> int:
    client = Redis.from_url(redis_url)
    try:
        info = await client.xpending(STREAM, GROUP)
        return int(info["pending"])
    finally:
        await client.aclose()


def recorder() -> tuple[list[str], Process]:
    seen: list[str] = []

    async def process(events: list[HouseholdClassified]) -> None:
        seen.extend(e.payload.household_code for e in events)

    return seen, process


FAST = DeliveryPolicy(
    batch_size=50, poll_ms=50, claim_idle_ms=300, claim_interval_s=0.2, max_deliveries=3
)


async def test_replicas_in_one_group_share_the_stream_when_both_consume(redis_url: str) -> None:
    seen_a, process_a = recorder()
    seen_b, process_b = recorder()
    async with (
        consumer_running(redis_url, "a", process_a, FAST),
        consumer_running(redis_url, "b", process_b, FAST),
    ):
        await publish(redis_url, [classified_event(i) for i in range(2000)])
        await eventually(lambda: len(set(seen_a) | set(seen_b)) >= 2000)
    assert seen_a, "replica a should have received part of the stream"
    assert seen_b, "replica b should have received part of the stream"
    # every event reached a replica; a batch left unacknowledged past claim_idle_ms on a busy
    # machine may be claimed by the other one as well (at least once: repeats are dropped by
    # event id where they are applied, see shared.db.SqlUnitOfWork.unseen)
    assert set(seen_a) | set(seen_b) == {f"HH-{i:07d}" for i in range(2000)}
    assert len(seen_a) + len(seen_b) < 2 * 2000
    assert await pending_count(redis_url) == 0


async def test_events_published_before_the_group_exists_are_consumed(redis_url: str) -> None:
    await publish(redis_url, [classified_event(i) for i in range(10)])
    seen, process = recorder()
    async with consumer_running(redis_url, "late", process, FAST):
        await eventually(lambda: len(seen) == 10)


async def test_entries_left_pending_by_a_dead_consumer_are_claimed_by_a_live_one(
    redis_url: str,
) -> None:
    await publish(redis_url, [classified_event(i) for i in range(120)])
    client = Redis.from_url(redis_url)
    await client.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
    # a replica reads a batch and dies before acknowledging it
    await client.xreadgroup(GROUP, "dead", {STREAM: ">"}, count=120)
    await client.aclose()
    assert await pending_count(redis_url) == 120

    seen, process = recorder()
    async with consumer_running(redis_url, "alive", process, FAST) as consumer:
        await eventually(lambda: len(seen) == 120)
        await eventually(lambda: consumer.stats.claimed == 120)
    assert await pending_count(redis_url) == 0


async def test_an_event_that_succeeds_on_retry_is_acknowledged_and_leaves_no_error(
    redis_url: str,
) -> None:
    attempts: list[int] = []
    seen: list[str] = []

    async def fails_once(events: list[HouseholdClassified]) -> None:
        attempts.append(len(events))
        if len(attempts) <= 2:  # the batch, then the event on its own
            raise ConnectionError("database restarting")
        seen.extend(e.payload.household_code for e in events)

    async with consumer_running(redis_url, "c", fails_once, FAST) as consumer:
        await publish(redis_url, [classified_event(1)])
        await eventually(lambda: seen == ["HH-0000001"], timeout=20)
        await eventually(lambda: consumer.stats.claimed == 1)
    client = Redis.from_url(redis_url)
    leftover = await client.hlen(f"{STREAM}.errors:{GROUP}")
    await client.aclose()
    assert leftover == 0
    assert await pending_count(redis_url) == 0


async def test_nothing_is_acknowledged_when_processing_fails(redis_url: str) -> None:
    async def broken(_events: list[HouseholdClassified]) -> None:
        raise ConnectionError("database unreachable")

    slow_claims = DeliveryPolicy(batch_size=50, poll_ms=50, claim_idle_ms=60_000)
    async with consumer_running(redis_url, "c", broken, slow_claims) as consumer:
        await publish(redis_url, [classified_event(i) for i in range(5)])
        await eventually(lambda: consumer.stats.failed == 5)
    assert await pending_count(redis_url) == 5


async def test_poison_entry_goes_to_dead_letter_stream_and_the_rest_flows(redis_url: str) -> None:
    client = Redis.from_url(redis_url)
    await client.xadd(STREAM, {"event": b"{not json"})
    await client.xadd(STREAM, {"something": b"else"})
    bad_event = classified_event(1).model_dump(mode="json")
    bad_event["payload"]["member_count"] = -4
    import orjson

    await client.xadd(STREAM, {"event": orjson.dumps(bad_event)})
    seen, process = recorder()
    async with consumer_running(redis_url, "c", process, FAST):
        await publish(redis_url, [classified_event(i) for i in range(3)])
        await eventually(lambda: len(seen) == 3)
    dead = await client.xrange(dead_letter_stream(STREAM))
    await client.aclose()
    errors = [fields[b"error"].decode() for _id, fields in dead]
    assert len(errors) == 3
    assert "invalid event" in errors[0]
    assert "no 'event' field" in errors[1]
    assert "payload.member_count" in errors[2]
    assert await pending_count(redis_url) == 0


async def test_event_failing_on_every_delivery_is_dead_lettered_with_its_error(
    redis_url: str,
) -> None:
    seen: list[str] = []

    async def fails_on_household_2(events: list[HouseholdClassified]) -> None:
        if any(e.payload.household_code == "HH-0000002" for e in events):
            raise ValueError("household 2 cannot be applied")
        seen.extend(e.payload.household_code for e in events)

    async with consumer_running(redis_url, "c", fails_on_household_2, FAST) as consumer:
        await publish(redis_url, [classified_event(i) for i in range(1, 5)])
        await eventually(lambda: consumer.stats.dead_lettered == 1, timeout=20)
    client = Redis.from_url(redis_url)
    dead = await client.xrange(dead_letter_stream(STREAM))
    assert await client.hlen(f"{STREAM}.errors:{GROUP}") == 0  # no error left behind
    await client.aclose()
    assert sorted(seen) == ["HH-0000001", "HH-0000003", "HH-0000004"]
    ((_id, fields),) = dead
    assert b"household 2 cannot be applied" in fields[b"error"]
    assert HouseholdClassified.from_fields(fields).payload.household_code == "HH-0000002"
    assert await pending_count(redis_url) == 0


async def test_every_read_is_bounded_so_a_stopped_replica_holds_at_most_one_batch(
    redis_url: str,
) -> None:
    async def slow(_events: list[HouseholdClassified]) -> None:
        await asyncio.sleep(0.2)

    policy = DeliveryPolicy(batch_size=20, poll_ms=50, claim_idle_ms=60_000)
    await publish(redis_url, [classified_event(i) for i in range(1000)])
    async with consumer_running(redis_url, "c", slow, policy):
        await eventually(lambda: True)
    assert await pending_count(redis_url) <= 20


async def test_a_batch_is_let_go_once_applied(redis_url: str) -> None:
    """FastStream keeps the decoded batch on its message until the next read: the consumer
    empties it once applied, so a quiet stream does not hold the last batch's memory."""
    batches: list[list[HouseholdClassified]] = []
    sizes: list[int] = []

    async def process(events: list[HouseholdClassified]) -> None:
        batches.append(events)
        sizes.append(len(events))

    async with consumer_running(redis_url, "quiet", process, FAST):
        await publish(redis_url, [classified_event(i) for i in range(30)])
        await eventually(lambda: sum(sizes) >= 30)
        await eventually(lambda: all(not b for b in batches))
    assert sum(sizes) == 30
    assert await pending_count(redis_url) == 0
