"""Consuming a Redis stream with a consumer group: at-least-once delivery, effectively once.

One :class:`StreamConsumer` per (stream, group) gives a FastStream batch subscriber its
settings, decoder and processing, and runs the claimer that rescues entries left pending by a
dead replica.

* **Group**: group = service name, consumer = unique per replica, created from id ``0`` so
  events published before the service first started are not skipped.
* **Batches**: every read is bounded (``max_records``); a batch is decoded, handed to the
  service's use case (which records the event ids in the same transaction as the effect) and
  acknowledged only after that commit.
* **Poison**: an entry that cannot be decoded or validated goes straight to the dead-letter
  stream with the reason (``XADD`` + ``XACK`` in one ``MULTI``). When a batch fails, its events
  are retried one by one; those that still fail stay pending with their error recorded, are
  claimed again after ``claim_idle_ms``, and after ``max_deliveries`` go to the dead-letter
  stream. The stream keeps flowing meanwhile.
* **Claimer**: ``XPENDING … IDLE`` + ``XCLAIM`` (Redis 6.2+), so it works on the embedded
  server and on 7.x, unlike FastStream's ``claim_min_idle_time`` (8.4+).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import orjson
from faststream.redis import StreamSub
from faststream.redis.message import RedisBatchStreamMessage
from faststream.redis.parser import BinaryMessageFormatV1
from pydantic import ValidationError
from redis.asyncio import Redis
from redis.exceptions import ResponseError

from shared.contracts.envelope import WIRE_FIELD, Envelope, Identified, dead_letter_stream
from shared.metrics import DeliveryMetrics

log = logging.getLogger(__name__)

E = TypeVar("E", bound=Identified)
Process = Callable[[list[E]], Awaitable[None]]

LAG_PROBE_CAP = 10_000
"""The lag is counted in Redis (a script counting the entries after the group's last delivered
id, nothing sent back) up to this many; beyond it the gauge reads Redis 7's own estimate, or
the cap on Redis 6.2."""

_COUNT_AFTER = "return #redis.call('XRANGE', KEYS[1], ARGV[1], '+', 'COUNT', tonumber(ARGV[2]))"

DEAD_LETTER_MAXLEN = 100_000
"""Approximate cap of a dead-letter stream: the newest entries are kept."""

DEAD_LETTER_BODY_MAX = 64 * 1024
"""Bodies up to this size are copied into the dead-letter entry (a real event is a few KB);
larger ones are recorded by size and SHA-256 only, so poison cannot multiply memory."""

RESET_REPORTED_S = 900.0
"""How long ``/health`` keeps reporting a stream reset after it was detected."""

_WIRE = WIRE_FIELD.encode()
_FS_DATA = b"__data__"


def unique_consumer_name(service: str) -> str:
    """A consumer name no other replica uses: service, host, pid and a random suffix."""
    return f"{service}-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True)
class DeliveryPolicy:
    batch_size: int = 500
    poll_ms: int = 500
    claim_idle_ms: int = 30_000
    claim_interval_s: float = 5.0
    max_deliveries: int = 5


@dataclass
class ConsumerStats:
    """Counters the service's metrics module reads (no personal data)."""

    processed: int = 0
    dead_lettered: int = 0
    failed: int = 0
    claimed: int = 0
    extra: dict[str, int] = field(default_factory=dict)


def raw_event(fields: dict[Any, Any]) -> bytes | None:
    """The JSON envelope in a stream entry, written by this platform or by FastStream's test
    broker (which wraps the fields in its binary ``__data__`` envelope)."""
    raw = fields.get(_WIRE) or fields.get(WIRE_FIELD)
    if raw is None and _FS_DATA in fields:
        body, _headers = BinaryMessageFormatV1.parse(fields[_FS_DATA])
        inner = orjson.loads(body)
        raw = inner.get(WIRE_FIELD) if isinstance(inner, dict) else None
    if isinstance(raw, str):
        raw = raw.encode()
    return raw


class StreamConsumer(Generic[E]):
    def __init__(
        self,
        redis: Redis,
        *,
        stream: str,
        group: str,
        consumer: str,
        event_type: type[Envelope[Any]],
        policy: DeliveryPolicy,
        metrics: DeliveryMetrics | None = None,
        read: Callable[[bytes], E] | None = None,
    ) -> None:
        self.redis: Any = redis  # redis-py's stubs type stream replies too loosely to help
        self.metrics = metrics
        self.stream = stream
        self.group = group
        self.consumer = consumer
        self.event_type = event_type
        self._read: Callable[[bytes], Any] = read or event_type.model_validate_json
        self.policy = policy
        self.stats = ConsumerStats()
        self._process: Process[E] | None = None
        self._ids: dict[str, list[bytes]] = {}
        self._errors_key = f"{stream}.errors:{group}"
        self.subscriber: Any = None  # the FastStream subscriber reading for this consumer
        self._high_water = (0, 0)  # the furthest last-delivered id seen for the group
        self._reset_at: float | None = None
        self._group_missing = False

    # wiring ------------------------------------------------------------------------------------
    def bind(self, process: Process[E]) -> None:
        """Set the use case that applies a batch of fresh events (idempotently, in one commit)."""
        self._process = process

    def stream_sub(self) -> StreamSub[Any]:
        return StreamSub(
            self.stream,
            group=self.group,
            consumer=self.consumer,
            batch=True,
            max_records=self.policy.batch_size,
            polling_interval=self.policy.poll_ms,
        )

    async def ensure_group(self) -> bool:
        """Create the group from the start of the stream (id 0); False if it existed."""
        try:
            await self.redis.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
            return False
        return True

    # recovery ----------------------------------------------------------------------------------
    async def watch(self) -> None:
        """Keep the group and its subscriber alive when Redis lost its data.

        A Redis back without its data (restarted without persistence, flushed, a failover to
        an empty replica) has no stream and no group: every read fails with ``NOGROUP`` and
        FastStream stops the subscriber for good. Here the group is created again (from id 0,
        so whatever is published from now on is read) and a stopped subscriber restarted.
        The loss is reported on ``/health`` (see :meth:`health`): the stream or the group's
        position went back behind what this consumer had already seen.
        """
        groups = await self._groups()
        mine = next((g for g in groups if _text(g["name"]) == self.group), None)
        if mine is None:
            self._group_missing = True
            if self._high_water != (0, 0):
                self._reset_at = time.monotonic()
            if await self.ensure_group():
                log.error(
                    "group %s of stream %s was missing (Redis lost its data?); created again",
                    self.group,
                    self.stream,
                )
            self._group_missing = False  # there again (created here or by another replica)
        else:
            self._group_missing = False
            delivered = _entry_id(mine["last-delivered-id"])
            if delivered < self._high_water:
                self._reset_at = time.monotonic()
                log.error("stream %s went back behind what %s had read", self.stream, self.group)
            self._high_water = max(self._high_water, delivered)
        subscriber = self.subscriber
        if subscriber is not None and not subscriber.running:
            await self.ensure_group()
            await subscriber.start()
            log.warning("subscriber of %s/%s restarted", self.stream, self.group)

    async def _groups(self) -> list[dict[Any, Any]]:
        try:
            return list(await self.redis.xinfo_groups(self.stream))
        except ResponseError as exc:  # no such key: the stream itself is gone
            if "no such key" in str(exc).lower():
                return []
            raise

    def health(self) -> str:
        """``ok``, or why this consumer cannot be trusted to see every event now."""
        if self._group_missing:
            return "group_missing"
        if self.subscriber is not None and not self.subscriber.running:
            return "subscriber_stopped"
        if self._reset_at is not None and time.monotonic() - self._reset_at < RESET_REPORTED_S:
            return "stream_reset"
        return "ok"

    # decoding ----------------------------------------------------------------------------------
    async def parse(
        self,
        raw: Mapping[str, Any],
        original: Callable[[Mapping[str, Any]], Awaitable[RedisBatchStreamMessage]],
    ) -> RedisBatchStreamMessage:
        """FastStream parser: wrap the read batch without touching the bodies.

        FastStream's default batch parser JSON-encodes every batch for its own decoder, which
        :meth:`decode` replaces; skipping it saves that work on every read. Entries written by
        FastStream itself (its binary ``__data__`` envelope, e.g. the in-memory test broker)
        keep the default parser, which reads their headers.
        """
        data = raw.get("data") or []
        if data and _FS_DATA in data[0]:
            return await original(raw)
        ids = raw.get("message_ids") or []
        first = ids[0].decode() if ids else ""
        return RedisBatchStreamMessage(
            raw_message=raw,  # type: ignore[arg-type]
            body=b"",
            headers={},
            batch_headers=[],
            path={},
            message_id=first,
            correlation_id=first,
            consumer=self.redis,
            group=self.group,
        )

    async def decode(self, msg: Any) -> list[E]:
        """FastStream decoder: validated events; poison entries are dead-lettered here."""
        raw = msg.raw_message
        ids: list[bytes] = list(raw.get("message_ids") or [])
        return await self._decode_entries(
            list(zip(ids, raw["data"], strict=False)) or [(b"", fields) for fields in raw["data"]]
        )

    async def _decode_entries(self, entries: Sequence[tuple[bytes, dict[Any, Any]]]) -> list[E]:
        events: list[E] = []
        poison: list[tuple[bytes, bytes | None, str]] = []
        for mid, fields in entries:
            body: bytes | None = None
            try:
                body = raw_event(fields)
                if body is None:
                    msg = f"entry has no '{WIRE_FIELD}' field"
                    raise ValueError(msg)
                event: E = self._read(body)
            except (ValueError, ValidationError) as exc:
                poison.append((mid, body, _reason(exc)))
                continue
            key = str(event.event_id)
            if key in self._ids:  # the same event twice in one read: process once, ack both
                self._ids[key].append(mid)
                continue
            self._ids[key] = [mid]
            events.append(event)
        if poison:
            await self._dead_letter(poison)
        return events

    # processing --------------------------------------------------------------------------------
    async def handle(self, events: list[E]) -> None:
        """Apply a decoded batch, then acknowledge it; on failure retry event by event."""
        if self._process is None:
            msg = "StreamConsumer.bind() was not called"
            raise RuntimeError(msg)
        ids = [self._ids.pop(str(e.event_id), []) for e in events]
        if not events:
            return
        try:
            await self._apply(events, ids)
        finally:
            # FastStream keeps the decoded batch on its message until the next read: emptied
            # here, the events' memory is freed now, not held while the stream is quiet
            events.clear()

    async def _apply(self, events: list[E], ids: list[list[bytes]]) -> None:
        assert self._process is not None
        try:
            await self._process(events)
        except Exception as exc:
            log.warning(
                "batch of %d from %s failed (%s); retrying one by one",
                len(events),
                self.stream,
                _reason(exc),
            )
            await self._one_by_one(events, ids)
            return
        await self._ack([m for group in ids for m in group])
        self._count("processed", len(events))

    async def _one_by_one(self, events: list[E], ids: list[list[bytes]]) -> None:
        assert self._process is not None
        done: list[bytes] = []
        failed: dict[bytes, str] = {}
        for event, mids in zip(events, ids, strict=True):
            try:
                await self._process([event])
            except Exception as exc:  # left pending: claimed again later, then dead-lettered
                failed.update(dict.fromkeys(mids, _reason(exc)))
                continue
            done.extend(mids)
        await self._ack(done)
        self._count("processed", len(done))
        self.stats.failed += len(failed)
        if failed:
            real = {m: r for m, r in failed.items() if m}
            if real:
                await self.redis.hset(self._errors_key, mapping=real)  # type: ignore[arg-type]
            log.error("%d event(s) from %s failed and stay pending", len(failed), self.stream)

    async def _ack(self, ids: Sequence[bytes]) -> None:
        real = [m for m in ids if m]
        if real:
            await self.redis.xack(self.stream, self.group, *real)
            self._high_water = max(self._high_water, *(_entry_id(m) for m in real[-1:]))

    async def _dead_letter(self, entries: Sequence[tuple[bytes, bytes | None, str]]) -> None:
        dlq = dead_letter_stream(self.stream)
        async with self.redis.pipeline(transaction=True) as pipe:
            for mid, body, reason in entries:
                fields: dict[str, Any] = {
                    "error": reason,
                    "group": self.group,
                    "source_id": mid or b"",
                    "failed_at": datetime.now(UTC).isoformat(),
                }
                if body is not None and len(body) <= DEAD_LETTER_BODY_MAX:
                    fields[WIRE_FIELD] = body
                elif body is not None:
                    fields["body_bytes"] = len(body)
                    fields["body_sha256"] = hashlib.sha256(body).hexdigest()
                pipe.xadd(dlq, fields, maxlen=DEAD_LETTER_MAXLEN, approximate=True)
                if mid:
                    pipe.xack(self.stream, self.group, mid)
                    pipe.hdel(self._errors_key, mid)
            await pipe.execute()
        self._count("dead_lettered", len(entries))
        log.error("dead-lettered %d entr(ies) from %s", len(entries), self.stream)

    # claiming ----------------------------------------------------------------------------------
    async def claim_once(self) -> int:
        """Claim entries idle longer than ``claim_idle_ms``: process them, or dead-letter those
        delivered ``max_deliveries`` times. Returns how many were handled."""
        pending = await self.redis.xpending_range(
            self.stream,
            self.group,
            min="-",
            max="+",
            count=self.policy.batch_size,
            idle=self.policy.claim_idle_ms,
        )
        if not pending:
            return 0
        exhausted = [
            p["message_id"] for p in pending if p["times_delivered"] >= self.policy.max_deliveries
        ]
        retry = [
            p["message_id"] for p in pending if p["times_delivered"] < self.policy.max_deliveries
        ]
        handled = 0
        if exhausted:
            claimed = await self.redis.xclaim(
                self.stream, self.group, self.consumer, self.policy.claim_idle_ms, exhausted
            )
            reasons = (
                await self.redis.hmget(self._errors_key, [m for m, _ in claimed]) if claimed else []
            )
            await self._dead_letter(
                [
                    (
                        mid,
                        raw_event(fields or {}),
                        (r.decode() if r else "failed on every delivery")
                        + f" (delivered {self.policy.max_deliveries} times)",
                    )
                    for (mid, fields), r in zip(claimed, reasons, strict=True)
                ]
            )
            handled += len(claimed)
        if retry:
            claimed = await self.redis.xclaim(
                self.stream, self.group, self.consumer, self.policy.claim_idle_ms, retry
            )
            entries = [(mid, fields) for mid, fields in claimed if fields]
            # entries deleted from the stream meanwhile come back empty: nothing to process
            gone = [mid for mid, fields in claimed if not fields]
            if gone:
                await self._ack(gone)
            if claimed:  # forget earlier errors; a retry that fails again records its own
                await self.redis.hdel(self._errors_key, *[mid for mid, _ in claimed])
            events = await self._decode_entries(entries)
            await self.handle(events)
            self._count("claimed", len(claimed))
            handled += len(claimed)
        return handled

    def _count(self, what: str, n: int) -> None:
        setattr(self.stats, what, getattr(self.stats, what) + n)
        if self.metrics is not None and n:
            counter = getattr(self.metrics, what)
            counter.labels(self.metrics.service, self.stream, self.group).inc(n)

    async def run_claimer(self) -> None:
        """Every ``claim_interval_s``: keep the group alive (:meth:`watch`), then claim."""
        while True:
            await asyncio.sleep(self.policy.claim_interval_s)
            try:
                await self.watch()
            except Exception:  # Redis unreachable: the next pass looks again
                log.warning("watch of %s/%s failed", self.stream, self.group, exc_info=True)
            try:
                while await self.claim_once() >= self.policy.batch_size:
                    pass
            except Exception:  # the entries stay pending; the next pass tries again
                log.exception("claimer for %s/%s failed", self.stream, self.group)

    async def lag(self) -> tuple[int, int]:
        """(entries not yet delivered to the group, entries delivered but not acknowledged).

        Counted from the group's last delivered id and the stream's last entry, not taken from
        Redis 7's ``lag``: that one derives from the group's ``entries-read`` counter, which
        XCLAIM and a restart (replaying the append-only file) leave behind, so it reported
        hundreds of entries of lag while the last delivered id was the stream's last. Zero
        when the group has delivered the last entry; a group that is missing has the whole
        stream ahead of it.
        """
        groups = await self._groups()
        mine = next((g for g in groups if _text(g["name"]) == self.group), None)
        if mine is None:
            return (int(await self.redis.xlen(self.stream)) if groups else 0), 0
        pending = int(mine.get("pending", 0))
        delivered = _text(mine["last-delivered-id"])
        newest = await self.redis.xrevrange(self.stream, count=1)
        if not newest or _entry_id(newest[0][0]) <= _entry_id(delivered):
            return 0, pending
        lag = int(
            await self.redis.eval(_COUNT_AFTER, 1, self.stream, f"({delivered}", LAG_PROBE_CAP)
        )
        native = mine.get("lag")
        if lag >= LAG_PROBE_CAP and native is not None:
            lag = max(lag, int(native))
        return lag, pending


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _entry_id(value: Any) -> tuple[int, int]:
    ms, _, seq = _text(value).partition("-")
    return int(ms), int(seq or 0)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        parts = [
            f"{'.'.join(str(p) for p in err['loc']) or '(event)'}: {err['msg']}"
            for err in exc.errors()[:10]
        ]
        return "invalid event: " + "; ".join(parts)
    return f"{type(exc).__name__}: {exc}"[:2000]
