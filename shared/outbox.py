"""The outbox relay: publishes committed outbox rows to their Redis streams, then deletes them.

Runs in a worker thread with a synchronous Redis client so that the row lock (PostgreSQL:
``FOR UPDATE SKIP LOCKED``, so replicas never publish the same row at once), the pipelined
``XADD`` and the delete happen in one database transaction. If Redis is down the rows stay and
the relay retries; if the process dies after ``XADD`` but before the delete, the rows are
published again, which consumers ignore because they track event ids.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import redis
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from shared.contracts.envelope import WIRE_FIELD
from shared.db import PlumbingTables

log = logging.getLogger(__name__)


class OutboxRelay:
    def __init__(
        self,
        engine: Engine,
        tables: PlumbingTables,
        redis_url: str,
        *,
        batch: int = 2000,
        maxlen: int | None = None,
        on_published: Callable[[str, int], None] | None = None,
    ) -> None:
        self._engine = engine
        self._outbox = tables.outbox
        self._redis = redis.Redis.from_url(redis_url, socket_timeout=10, socket_connect_timeout=5)
        self._batch = batch
        self._maxlen = maxlen
        self._on_published = on_published
        self._wake = asyncio.Event()

    def notify(self) -> None:
        """Ask the relay to run now (called after a commit that staged events)."""
        self._wake.set()

    def publish_pending(self) -> int:
        """Publish every committed outbox row; returns how many. Blocking: run in a thread."""
        total = 0
        while True:
            n = self._publish_batch()
            total += n
            if n < self._batch:
                return total

    def _publish_batch(self) -> int:
        t = self._outbox
        with self._engine.connect() as conn, conn.begin():
            rows = conn.execute(
                sa.select(t.c.id, t.c.stream, t.c.body, t.c.error)
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
                pipe.xadd(stream, fields, maxlen=self._maxlen, approximate=True)  # type: ignore[arg-type]
                counts[stream] = counts.get(stream, 0) + 1
            pipe.execute()
            conn.execute(sa.delete(t).where(t.c.id.in_([r[0] for r in rows])))
        if self._on_published:
            for stream, n in counts.items():
                self._on_published(stream, n)
        return len(rows)

    def backlog(self) -> int:
        with self._engine.connect() as conn:
            return int(
                conn.execute(sa.select(sa.func.count()).select_from(self._outbox)).scalar_one()
            )

    async def run(self, interval_s: float = 1.0) -> None:
        """Publish whenever notified, and at least every ``interval_s`` (catch-up after outages)."""
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
