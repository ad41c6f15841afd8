"""The outbox relay: publishes committed outbox rows to their Redis streams, and keeps each
row until Redis is known to have persisted it.

Runs in a worker thread with a synchronous Redis client so that the row lock (PostgreSQL:
``FOR UPDATE SKIP LOCKED``, so replicas never publish the same row at once), the pipelined
``XADD`` and the marking of the rows happen in one database transaction. If Redis is down the
rows stay and the relay retries; if the process dies after ``XADD`` but before the commit, the
rows are published again, which consumers ignore because they track event ids.

Durability rule
---------------
Redis acknowledges ``XADD`` before its append-only file reaches the disk (``appendfsync
everysec``: up to about a second later; the embedded Redis 6.2 and Redis 7.0 have no
``WAITAOF`` to wait for it). A power cut then loses the last second of entries. So a row is
not deleted when ``XADD`` returns: it is marked published, with the stream entry id and the
id of the Redis server run (``INFO server`` ``run_id``) that took it, and

* deleted once the *same* Redis run has been seen alive ``confirm_after_s`` seconds after the
  publish (default 5 s, more than the at most ~2 s an ``everysec`` fsync may lag): the entry
  has been written to disk by then;
* if the run id has changed meanwhile (Redis restarted: crash, power cut, failover), checked
  against the stream: entries still there are deleted, entries the stream lacks are published
  again (new entry ids; consumers drop the repeats by event id). The relay looks for such rows
  when it first runs, whenever it sees a new run id, and every ``settle_every_s`` (rows
  another replica marked against a run it saw just before a restart), not on every pass:
  finding them reads every published row still kept.

A Redis that came back with none of its data is also caught here for the last
``confirm_after_s`` seconds of events; older events it lost are not recoverable from the
outbox (consumers report the stream reset on ``/health``, see ``shared.consumer``).

The relay also applies the streams' retention rule (``shared.retention``) to the streams it
publishes, about once a minute: only entries every group has acknowledged are ever trimmed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import redis
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection, Engine

from shared.consumer import DEAD_LETTER_MAXLEN
from shared.contracts.envelope import WIRE_FIELD
from shared.db import PlumbingTables, driver_time, executemany
from shared.retention import Retention

log = logging.getLogger(__name__)

CONFIRM_AFTER_S = 5.0
"""Seconds the Redis run that took an entry must be seen alive before its row is deleted."""


class OutboxRelay:
    def __init__(
        self,
        engine: Engine,
        tables: PlumbingTables,
        redis_url: str,
        *,
        batch: int = 500,
        retention: Retention | None = None,
        retain_every_s: float = 60.0,
        confirm_after_s: float = CONFIRM_AFTER_S,
        settle_every_s: float = 60.0,
        on_published: Callable[[str, int], None] | None = None,
    ) -> None:
        self._engine = engine
        self._outbox = tables.outbox
        self._redis = redis.Redis.from_url(redis_url, socket_timeout=10, socket_connect_timeout=5)
        self._batch = batch
        self._retention = retention or Retention()
        self._retain_every = retain_every_s
        self._next_retain = 0.0
        self._streams: set[str] = set()
        self.trimmed = 0
        self._confirm_after = timedelta(seconds=confirm_after_s)
        self._on_published = on_published
        self._wake = asyncio.Event()
        self._prune_every = max(0.1, confirm_after_s / 4)
        self._next_prune = 0.0
        self.republished = 0
        self._settle_every = settle_every_s
        self._settled_for: str | None = None  # the Redis run rows were last settled against
        self._next_settle = 0.0
        self.settle_passes = 0
        self._mark_sql: str | None = None

    def notify(self) -> None:
        """Ask the relay to run now (called after a commit that staged events)."""
        self._wake.set()

    def publish_pending(self) -> int:
        """Publish every committed outbox row; returns how many. Blocking: run in a thread.

        Also settles rows published earlier: confirmed ones are deleted, ones a restarted
        Redis lost are queued to be published again (see the module's durability rule)."""
        run = self.redis_run()
        if run != self._settled_for or time.monotonic() >= self._next_settle:
            self._reconcile(run)
            self._settled_for = run
            self._next_settle = time.monotonic() + self._settle_every
        total = 0
        while True:
            n = self._publish_batch(run)
            total += n
            if n < self._batch:
                break
        if total == 0:
            self._prune(run)
        self._retain()
        return total

    def _retain(self) -> None:
        """Trim the streams this relay publishes, as the retention rule allows."""
        if not self._retention.active or time.monotonic() < self._next_retain:
            return
        self._next_retain = time.monotonic() + self._retain_every
        for stream in sorted(self._streams):
            self.trimmed += self._retention.trim(self._redis, stream)

    def redis_run(self) -> str:
        """Id of the running Redis server process (changes on every restart)."""
        info: Any = self._redis.info("server")
        return str(info["run_id"])

    def _publish_batch(self, run: str) -> int:
        t = self._outbox
        with self._engine.connect() as conn, conn.begin():
            rows = conn.execute(
                sa.select(t.c.id, t.c.stream, t.c.body, t.c.error)
                .where(t.c.published_at.is_(None))
                .order_by(t.c.id)
                .limit(self._batch)
                .with_for_update(skip_locked=True)
            ).all()
            if not rows:
                return 0
            pipe = self._redis.pipeline(transaction=False)
            counts: dict[str, int] = {}
            for _id, stream, body, error in rows:
                fields: dict[str, bytes | str] = {WIRE_FIELD: body}
                if error is not None:
                    fields["error"] = error
                if stream.endswith(".dead-letter"):
                    pipe.xadd(stream, fields, maxlen=DEAD_LETTER_MAXLEN, approximate=True)  # type: ignore[arg-type]
                else:
                    pipe.xadd(stream, fields)  # type: ignore[arg-type]
                    self._streams.add(stream)
                counts[stream] = counts.get(stream, 0) + 1
            entry_ids = pipe.execute()
            now = datetime.now(UTC)
            at = driver_time(conn, now)
            self._mark(
                conn, at, run, [(r[0], _text(e)) for r, e in zip(rows, entry_ids, strict=True)]
            )
            self._delete_confirmed(conn, run, now)  # same transaction: no extra write lock
        if self._on_published:
            for stream, n in counts.items():
                self._on_published(stream, n)
        return len(rows)

    def _mark(self, conn: Connection, at: Any, run: str, marks: list[tuple[int, str]]) -> None:
        """Mark rows (id, stream entry id) published to ``run`` at ``at``: on PostgreSQL one
        statement over arrays (a fraction of the CPU of an execution per row), elsewhere
        row by row straight on the driver (SQLAlchemy's per-row parameters cost more)."""
        t = self._outbox
        if conn.dialect.name == "postgresql":
            if self._mark_sql is None:
                given = (
                    sa.func.unnest(
                        sa.cast(sa.bindparam("ids"), postgresql.ARRAY(sa.BigInteger)),
                        sa.cast(sa.bindparam("entries"), postgresql.ARRAY(sa.String)),
                    )
                    .table_valued("id", "entry")
                    .render_derived()
                )
                stmt = (
                    sa.update(t)
                    .where(t.c.id == given.c.id)
                    .values(
                        published_at=sa.bindparam("at"),
                        redis_run=sa.bindparam("run"),
                        entry_id=given.c.entry,
                    )
                )
                self._mark_sql = str(stmt.compile(dialect=conn.dialect))
            ids, entries = zip(*marks, strict=True)
            conn.exec_driver_sql(
                self._mark_sql, {"ids": list(ids), "entries": list(entries), "at": at, "run": run}
            )
            return
        executemany(
            conn,
            f"outbox.published:{t.name}",
            lambda: (
                sa.update(t)
                .where(t.c.id == sa.bindparam("b_id"))
                .values(
                    published_at=sa.bindparam("b_at"),
                    redis_run=sa.bindparam("b_run"),
                    entry_id=sa.bindparam("b_entry"),
                )
            ),
            [(at, run, entry, row_id) for row_id, entry in marks],
            positional=("b_at", "b_run", "b_entry", "b_id"),
        )

    def _confirmed(self, run: str, now: datetime) -> Any:
        """Rows the current Redis run took long enough ago to have persisted them."""
        t = self._outbox
        return sa.and_(
            t.c.published_at.is_not(None),
            t.c.published_at <= now - self._confirm_after,
            t.c.redis_run == run,
        )

    def _delete_confirmed(self, conn: Connection, run: str, now: datetime) -> None:
        if time.monotonic() >= self._next_prune:  # at most a few times per window
            conn.execute(sa.delete(self._outbox).where(self._confirmed(run, now)))
            self._next_prune = time.monotonic() + self._prune_every

    def _prune(self, run: str) -> None:
        """Delete confirmed rows when nothing was published (a read first: on SQLite a write
        transaction takes the database's one write lock, which consumers need)."""
        now = datetime.now(UTC)
        t = self._outbox
        with self._engine.connect() as conn:
            due = conn.execute(sa.select(t.c.id).where(self._confirmed(run, now)).limit(1)).first()
        if due is not None:
            with self._engine.begin() as conn:
                conn.execute(sa.delete(t).where(self._confirmed(run, now)))

    def _reconcile(self, run: str) -> None:
        """Rows published to an earlier Redis run: delete those the stream still holds,
        publish again those it lost."""
        t = self._outbox
        self.settle_passes += 1
        while True:
            with self._engine.connect() as conn, conn.begin():
                rows = conn.execute(
                    sa.select(t.c.id, t.c.stream, t.c.entry_id)
                    .where(t.c.published_at.is_not(None), t.c.redis_run != run)
                    .order_by(t.c.id)
                    .limit(self._batch)
                    .with_for_update(skip_locked=True)
                ).all()
                if not rows:
                    return
                self._settle(conn, rows)
            if len(rows) < self._batch:
                return

    def _settle(self, conn: Connection, rows: Sequence[Any]) -> None:
        t = self._outbox
        pipe = self._redis.pipeline(transaction=False)
        for _id, stream, entry in rows:
            pipe.xrange(stream, min=entry, max=entry, count=1)
        found = pipe.execute()
        kept = [r[0] for r, hit in zip(rows, found, strict=True) if hit]
        lost = [r[0] for r, hit in zip(rows, found, strict=True) if not hit]
        if kept:
            conn.execute(sa.delete(t).where(t.c.id.in_(kept)))
        if lost:
            conn.execute(
                sa.update(t)
                .where(t.c.id.in_(lost))
                .values(published_at=None, redis_run=None, entry_id=None)
            )
            self.republished += len(lost)
            streams = sorted({r[1] for r in rows if r[0] in set(lost)})
            log.warning(
                "Redis restarted without %d published event(s) of %s; publishing them again",
                len(lost),
                ", ".join(streams),
            )

    def backlog(self) -> int:
        """Committed events not yet published."""
        t = self._outbox
        with self._engine.connect() as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count()).select_from(t).where(t.c.published_at.is_(None))
                ).scalar_one()
            )

    async def run(self, interval_s: float = 1.0) -> None:
        """Publish whenever notified, and at least every ``interval_s`` (catch-up after outages
        and confirmation of published rows)."""
        backoff = interval_s
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=backoff)
            self._wake.clear()
            try:
                await asyncio.to_thread(self.publish_pending)
                backoff = interval_s
            except (redis.RedisError, OSError) as exc:
                log.warning("outbox relay cannot reach Redis (%s); retrying", exc)
                backoff = min(backoff * 2, 10.0)
            except Exception:  # the rows stay in the outbox; nothing is lost by retrying
                log.exception("outbox relay failed; retrying")
                backoff = min(backoff * 2, 10.0)

    def close(self) -> None:
        self._redis.close()


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
