"""Rebuild reporting from the streams: the operator's recovery when reporting's database is
lost or its projections are in doubt (``giamngheo rebuild-reporting``).

Classifications, by far the largest stream, go through the bulk rebuild
(:class:`~services.reporting.service.Rebuild`): worker processes read the stream through a
group of the rebuild's own (:data:`REBUILD_GROUP`), decode and reduce their share, and this
process merges and writes in one transaction. Every other stream reporting consumes is
replayed by its own consumers when reporting starts again: their group is set back to the
start, and the processed ids cleared with the projections make each event apply once. The
classification group is set to the last entry read, so the consumers carry on after it.

Reporting's replicas must be stopped first: while one runs (its consumers renew a key,
``shared.runtime.alive_key``, every few seconds) the rebuild is refused. A stream keeps only
what its retention keeps (``*_STREAM_RETENTION_DAYS``, ``*_STREAM_MAXLEN``; by default
everything): events trimmed away are not in a rebuild, so a deployment with retention also
keeps reporting's backups.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import redis

from services.reporting.adapters.repository import ReportingUnitOfWork
from services.reporting.app import MIGRATIONS, create_service
from services.reporting.domain.definitions import ReportDefinitions
from services.reporting.service import PreparedChunk, Rebuild, prepare
from services.reporting.settings import ReportingSettings
from shared.consumer import raw_event
from shared.contracts import HOUSEHOLD_CLASSIFIED_STREAM
from shared.migrations import upgrade
from shared.runtime import alive_key


class ConsumersRunning(RuntimeError):
    """Reporting's consumers are still reading: stop its replicas first."""


@dataclass(frozen=True)
class RebuildReport:
    classifications: int
    """Entries read from the classification stream."""
    invalid: int
    """Of those, entries that are not valid classification events (skipped; the consumer that
    first read them dead-lettered them)."""
    households: int
    """Household rows written (per round, standard and stage)."""
    replayed_streams: tuple[str, ...]
    """Streams whose group was set back to the start, replayed by the consumers."""
    seconds: float


REBUILD_GROUP = "reporting-rebuild"
"""A consumer group of the rebuild's own: Redis shares the classification stream's entries
among the worker processes (each reads, decodes and reduces its share), and the retention
trimmer leaves alone what it has not read. Deleted at the end."""


@dataclass(frozen=True)
class ReadTask:
    redis_url: str
    stream: str
    until: tuple[int, int]
    """The last entry of the rebuild (entries after it are left to the consumers)."""
    chunk: int


@dataclass(frozen=True)
class TaskResult:
    chunk: PreparedChunk
    read: int
    done: bool
    """The group has handed out every entry up to the last one of the rebuild."""


_clients: dict[str, Any] = {}


def _entry_id(value: bytes | str) -> tuple[int, int]:
    text = value.decode() if isinstance(value, bytes) else value
    ms, _, seq = text.partition("-")
    return int(ms), int(seq or 0)


def read_share(task: ReadTask, definitions: ReportDefinitions) -> TaskResult:
    """The next entries the rebuild's group hands this process, reduced (run in a worker)."""
    client: Any = _clients.get(task.redis_url)  # redis-py's stubs type replies loosely
    if client is None:
        client = _clients[task.redis_url] = redis.Redis.from_url(task.redis_url)
    reply = client.xreadgroup(
        REBUILD_GROUP, f"rebuild-{os.getpid()}", {task.stream: ">"}, count=task.chunk
    )
    entries = reply[0][1] if reply else []
    mine = [fields for entry_id, fields in entries if _entry_id(entry_id) <= task.until]
    bodies = [body for fields in mine if (body := raw_event(fields)) is not None]
    chunk = prepare(bodies, definitions)
    chunk.invalid += len(mine) - len(bodies)  # entries without an event
    done = not entries or _entry_id(entries[-1][0]) >= task.until
    return TaskResult(chunk, len(mine), done)


def _shares(task: ReadTask, definitions: ReportDefinitions, workers: int) -> Iterator[TaskResult]:
    """Every entry up to ``task.until``, read and reduced in ``workers`` processes (0: here)."""
    if workers <= 0:
        try:
            while True:
                result = read_share(task, definitions)
                yield result
                if result.done:
                    return
        finally:  # this process's client, unlike a worker's, outlives the rebuild otherwise
            client = _clients.pop(task.redis_url, None)
            if client is not None:
                client.close()
    context = multiprocessing.get_context(
        "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    )
    with ProcessPoolExecutor(workers, mp_context=context, initializer=gc.disable) as pool:
        running = {pool.submit(read_share, task, definitions) for _ in range(2 * workers)}
        finished = False
        while running:
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                result = future.result()
                finished = finished or result.done
                if not finished:
                    running.add(pool.submit(read_share, task, definitions))
                yield result


def _running_replicas(client: Any, service: str) -> list[str]:
    return sorted(k.decode() for k in client.scan_iter(match=alive_key(service), count=1000))


def _set_group(client: Any, stream: str, group: str, entry_id: bytes | str) -> None:
    try:
        client.xgroup_setid(stream, group, entry_id)
    except redis.ResponseError:
        client.xgroup_create(stream, group, id=entry_id, mkstream=True)


def rebuild_reporting(
    settings: ReportingSettings, *, workers: int = 2, chunk: int = 5000
) -> RebuildReport:
    """Empty reporting's projections and rebuild them from the streams (see the module)."""
    started = datetime.now(UTC)
    service = create_service(settings)
    rt = service.runtime
    group = rt.service
    streams = [c.stream for c in rt.consumers]
    client: Any = redis.Redis.from_url(settings.redis_url)  # stubs type replies loosely
    try:
        running = _running_replicas(client, group)
        if running:
            raise ConsumersRunning(", ".join(running))
        upgrade(rt.engine, MIGRATIONS)
        last = client.xrevrange(HOUSEHOLD_CLASSIFIED_STREAM, count=1)
        rows = read = invalid = 0
        rebuild = Rebuild(service.config.definitions)
        if not last:  # nothing to rebuild in bulk: the projections emptied, in one go
            rebuild.run_prepared(ReportingUnitOfWork(rt.engine), [], started, clear=True)
        else:
            until: bytes = last[0][0]
            task = ReadTask(
                settings.redis_url, HOUSEHOLD_CLASSIFIED_STREAM, _entry_id(until), chunk
            )
            with contextlib.suppress(redis.ResponseError):  # left by an interrupted rebuild
                client.xgroup_destroy(HOUSEHOLD_CLASSIFIED_STREAM, REBUILD_GROUP)
            client.xgroup_create(HOUSEHOLD_CLASSIFIED_STREAM, REBUILD_GROUP, id="0")
            try:

                def prepared() -> Iterator[PreparedChunk]:
                    nonlocal read
                    for result in _shares(task, service.config.definitions, workers):
                        read += result.read
                        yield result.chunk

                rows = rebuild.run_prepared(
                    ReportingUnitOfWork(rt.engine), prepared(), started, clear=True
                )
                invalid = rebuild.invalid
            finally:
                client.xgroup_destroy(HOUSEHOLD_CLASSIFIED_STREAM, REBUILD_GROUP)
            _set_group(client, HOUSEHOLD_CLASSIFIED_STREAM, group, until)
        others = tuple(s for s in streams if s != HOUSEHOLD_CLASSIFIED_STREAM)  # replayed
        for stream in others:
            _set_group(client, stream, group, "0")
    finally:
        client.close()
        rt.engine.dispose()
    return RebuildReport(
        classifications=read,
        invalid=invalid,
        households=rows,
        replayed_streams=others,
        seconds=(datetime.now(UTC) - started).total_seconds(),
    )
