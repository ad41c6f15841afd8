"""Bulk import: a households file (with members) into stored surveys and outbox rows.

Parsing and validating is pure CPU work and so is writing, so on a machine with more than
one core they run side by side: worker processes read the file and validate households
(each worker the households whose code falls to it, see ``parse_tables``; the XLSX
reader passes over the other rows without decoding them), and hand the main process compact
``PreparedSurvey`` values (the payload's JSON and its hash), which it stores with
``accept_prepared`` without validating or serialising anything a second time. Each chunk of
households is one transaction (survey rows, household versions and outbox rows together),
so an interrupted import leaves whole chunks behind and importing the file again stores only
what is missing (survey ids of file rows are derived from their content).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
import threading
import time
import traceback
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any, Final

from sqlalchemy.engine import Engine

from services.intake.adapters.files import BulkFileError, Source, open_bulk
from services.intake.adapters.vault import Vault
from services.intake.domain.areas import AreaRegistry
from services.intake.domain.bulk import Accepted, Layout, Rejected, read_layout
from services.intake.domain.layout import HOUSEHOLDS, MEMBERS
from services.intake.domain.messages import Message
from services.intake.service import (
    IntakeUnitOfWork,
    PreparedSurvey,
    ReceiptStatus,
    accept_prepared,
)
from shared.access.model import Actor

PARALLEL_FROM_BYTES: Final = 256 * 1024
"""Smaller files are parsed in-process: starting a worker would cost more than it saves."""

_QUEUE_DEPTH: Final = 4
"""Chunks a worker may run ahead of the writer (bounds memory on a slow database)."""


@dataclass(frozen=True)
class ImportReport:
    """Counts of an import and what is needed to write its error report.

    ``households`` and ``members`` are the layouts of the file's two tables, so that
    ``write_error_report(path, report, report.rejected)`` gives the rejected rows back in the
    layout the officer uploaded.
    """

    accepted: int
    duplicates: int
    conflicts: int
    rejected: list[Rejected]
    households_read: int
    format: str
    seconds: float
    households: Layout = field(repr=False)
    members: Layout = field(repr=False)

    @property
    def created(self) -> int:
        """Surveys stored by this import (accepted minus duplicates and conflicts)."""
        return self.accepted - self.duplicates - self.conflicts

    @property
    def households_rejected(self) -> int:
        """Household rows rejected (member rows of no household are not counted here)."""
        return sum(1 for r in self.rejected if r.household is not None)

    @property
    def orphan_member_rows(self) -> int:
        """Member rows that belong to no household row of the file."""
        return sum(len(r.members) for r in self.rejected if r.household is None)


@dataclass(frozen=True, slots=True)
class _Opened:
    format: str
    households: tuple[int, tuple[str, ...]]
    members: tuple[int, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class _Chunk:
    households: int
    accepted: list[PreparedSurvey]
    rejected: list[Rejected]


@dataclass(frozen=True, slots=True)
class _FileError:
    problems: tuple[Message, ...]


@dataclass(frozen=True, slots=True)
class _Failed:
    detail: str


_Sent = _Opened | _Chunk | _FileError | _Failed
_Message = _Sent | None
"""What a parser sends: opened, chunks, then None; or one error instead."""


def _parse(
    source: Source,
    filename: str,
    registry: AreaRegistry,
    members: Source | None,
    chunk: int,
    vault: Vault,
    shard: tuple[int, int],
) -> Iterator[_Message]:
    """Parse one shard of the file into chunks of ``chunk`` households (in all shards)."""
    try:
        parse = open_bulk(source, filename, registry, members=members)
    except BulkFileError as exc:
        yield _FileError(exc.problems)
        return
    with parse:
        yield _Opened(
            str(parse.format),
            (parse.households.header_row, parse.households.headers),
            (parse.members.header_row, parse.members.headers),
        )
        size = max(1, chunk // shard[1])
        households = 0
        accepted: list[PreparedSurvey] = []
        rejected: list[Rejected] = []
        outcomes = parse.outcomes(shard, vault.mac)
        while True:
            try:
                outcome = next(outcomes)
            except StopIteration:
                break
            except BulkFileError as exc:  # unreadable from some row on: stop, say where
                yield _FileError(exc.problems)
                return
            if isinstance(outcome, Accepted):
                accepted.append(PreparedSurvey.of(outcome.payload, vault))
            else:
                rejected.append(outcome)
                if outcome.household is None:
                    continue  # member rows of no household: not a household read
            households += 1
            if households == size:
                yield _Chunk(households, accepted, rejected)
                households, accepted, rejected = 0, [], []
        if households or accepted or rejected:
            yield _Chunk(households, accepted, rejected)
    yield None


def _worker(
    out: multiprocessing.Queue[_Message],
    source: Source,
    filename: str,
    registry: AreaRegistry,
    members: Source | None,
    chunk: int,
    vault: Vault,
    shard: tuple[int, int],
) -> None:
    # The parser holds every member row of the file: hundreds of thousands of tuples that the
    # cyclic collector would scan again and again (a third of the time at 100,000 households)
    # though they form no cycles. The process is short-lived, so nothing is lost by not looking.
    gc.disable()
    try:
        for item in _parse(source, filename, registry, members, chunk, vault, shard):
            out.put(item)
    except BaseException:  # the parent re-raises it; a silent worker would hang the import
        out.put(_Failed(traceback.format_exc()))


def _context() -> BaseContext:
    """Fork (instant, nothing re-imported) unless threads run, which fork does not copy well."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _size(source: Source) -> int:
    return len(source) if isinstance(source, bytes) else source.stat().st_size


def default_workers(source: Source) -> int:
    """Parser processes for a file: none for a small file or one core, else cores - 1 or 2."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if (cores or 1) < 2 or _size(source) < PARALLEL_FROM_BYTES:
        return 0
    return 2 if (cores or 1) <= 3 else min(4, (cores or 1) - 1)


class _Parsers:
    """The parse shards, in worker processes or (``workers=0``) in this one."""

    def __init__(
        self,
        workers: int,
        args: tuple[Source, str, AreaRegistry, Source | None, int, Vault],
    ) -> None:
        self._procs: list[Any] = []
        self._streams: list[Callable[[], _Message]] = []
        self._local: Iterator[_Message] | None = None
        if workers == 0:
            local = self._local = _parse(*args, (0, 1))
            self._streams.append(lambda: next(local))
            return
        context = _context()
        for part in range(workers):
            out: multiprocessing.Queue[_Message] = context.Queue(_QUEUE_DEPTH)
            proc = context.Process(  # type: ignore[attr-defined]
                target=_worker, args=(out, *args, (part, workers)), daemon=True
            )
            proc.start()
            self._procs.append(proc)
            self._streams.append(self._reader(out, proc))

    @staticmethod
    def _reader(out: multiprocessing.Queue[_Message], proc: Any) -> Callable[[], _Message]:
        def get() -> _Message:
            while True:
                try:
                    return out.get(timeout=1.0)
                except queue.Empty:
                    if not proc.is_alive():
                        return _Failed(f"parser process exited with code {proc.exitcode}")

        return get

    def rounds(self) -> Iterator[list[_Sent]]:
        """One message from each parser still running, until all have finished."""
        live = list(self._streams)
        while live:
            got = [(get, get()) for get in live]
            live = [get for get, item in got if item is not None]
            yield [item for _, item in got if item is not None]

    def close(self, *, abort: bool) -> None:
        """Wait for the parsers (they have sent everything), or stop them after a failure."""
        if isinstance(self._local, Generator):
            self._local.close()  # closes the file if the import stopped half-way
        for proc in self._procs:
            if abort:
                proc.terminate()
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()
                proc.join()


def _file_order(item: Rejected) -> tuple[int, int]:
    """As one parser yields them: code-less member rows, households, then orphan members."""
    if item.household is not None:
        return 1, item.row
    return (2 if item.household_code else 0), item.row


def import_bulk(
    engine: Engine,
    registry: AreaRegistry,
    source: Path | bytes,
    filename: str,
    *,
    members: Path | bytes | None = None,
    channel: str = "file",
    correlation_id: str,
    progress: Callable[[int], None] | None = None,
    chunk: int = 1000,
    workers: int | None = None,
    now: datetime | None = None,
    actor: Actor | None = None,
    vault: Vault,
) -> ImportReport:
    """Import a bulk file: accepted households stored with their events, rejected ones listed.

    ``BulkFileError`` if the file cannot be read at all (nothing is stored then). Each chunk of
    ``chunk`` households is one transaction; ``progress`` gets the households done after each.
    ``workers`` parser processes (None: ``default_workers``; 0: parse in this process).
    """
    started = time.perf_counter()
    received = now or datetime.now(UTC)
    count = default_workers(source) if workers is None else workers
    parsers = _Parsers(count, (source, filename, registry, members, chunk, vault))
    layouts: tuple[Layout, Layout] | None = None
    file_format = ""
    accepted = duplicates = conflicts = done = 0
    rejected: list[Rejected] = []
    failed = True
    try:
        for round_ in parsers.rounds():
            batch: list[PreparedSurvey] = []
            households = 0
            for item in round_:
                if isinstance(item, _FileError):
                    raise BulkFileError(item.problems)
                if isinstance(item, _Failed):
                    msg = f"bulk file parser failed:\n{item.detail}"
                    raise RuntimeError(msg)
                if isinstance(item, _Opened):
                    if layouts is None:
                        file_format = item.format
                        layouts = (
                            read_layout(HOUSEHOLDS, item.households[1], item.households[0]),
                            read_layout(MEMBERS, item.members[1], item.members[0]),
                        )
                    continue
                batch.extend(item.accepted)
                rejected.extend(item.rejected)
                households += item.households
            if batch:
                receipts = accept_prepared(
                    IntakeUnitOfWork(engine, vault),
                    batch,
                    channel=channel,
                    correlation_id=correlation_id,
                    now=received,
                    actor=actor,
                )
                accepted += len(receipts)
                for receipt in receipts:
                    if receipt.status is ReceiptStatus.DUPLICATE:
                        duplicates += 1
                    elif receipt.status is ReceiptStatus.CONFLICT:
                        conflicts += 1
            if households:
                done += households
                if progress is not None:
                    progress(done)
        failed = False
    finally:
        parsers.close(abort=failed)
    if layouts is None:  # pragma: no cover - every parser sends its layouts first
        msg = "bulk file parser sent no layout"
        raise RuntimeError(msg)
    rejected.sort(key=_file_order)
    return ImportReport(
        accepted=accepted,
        duplicates=duplicates,
        conflicts=conflicts,
        rejected=rejected,
        households_read=done,
        format=file_format,
        seconds=time.perf_counter() - started,
        households=layouts[0],
        members=layouts[1],
    )
