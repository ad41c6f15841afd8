"""Benchmarks of reporting: rebuilding the projections from classification events, and
answering the year-end book from the pre-aggregates of a large province.

``python -m tools.bench_reporting --n 1000000`` loads N synthetic recognised classifications
(``tools.synthetic``) of one province (150 communes, 1,500 villages by default) into a fresh
database, timing JSON decoding and applying together (the replay rate): with
``--from-stream`` as ``giamngheo rebuild-reporting`` does from a real Redis stream, with
``--bulk`` through the bulk rebuild in this process, else through the use case the consumer
runs batch by batch. It then times the queries and the XLSX exports
(median of ``--repeats`` runs).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import redis
from sqlalchemy.engine import Engine

from services.reporting.adapters.areas_file import areas_from_rows
from services.reporting.adapters.export_book import xlsx_bytes
from services.reporting.adapters.repository import ReportingUnitOfWork
from services.reporting.app import MIGRATIONS
from services.reporting.replay import rebuild_reporting
from services.reporting.service import (
    Rebuild,
    TableKind,
    apply_area_registry,
    apply_classifications,
    household_list,
    report_book,
    target_comparison,
)
from services.reporting.settings import ReportingSettings
from shared.consumer import raw_event
from shared.contracts import HOUSEHOLD_CLASSIFIED_STREAM
from shared.contracts.classifications import HouseholdClassified
from shared.contracts.envelope import WIRE_FIELD
from shared.db import create_db_engine
from shared.embedded_redis import EmbeddedRedis
from shared.migrations import upgrade
from tools.synthetic import synthetic_areas, synthetic_classification_events

STANDARD = "vn-2022-2025"


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _median_ms(run: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds of ``run`` (CPU time is less sensitive to a busy
    machine)."""
    wall, cpu = [], []
    for _ in range(max(1, repeats)):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return 1000 * statistics.median(wall), 1000 * statistics.median(cpu)


def load(
    database_url: str,
    n: int,
    communes: int,
    villages: int,
    batch: int,
    scattered: bool,
    bulk: bool = False,
    workers: int = 0,
    from_stream: bool = False,
    redis_url: str | None = None,
) -> dict[str, float]:
    """Fill a fresh database with ``n`` households; returns the replay figures."""
    engine = create_db_engine(database_url)
    upgrade(engine, MIGRATIONS)
    apply_area_registry(
        ReportingUnitOfWork(engine), areas_from_rows(synthetic_areas(communes, villages))
    )
    busy = decode_s = cpu = 0.0
    done = 0
    now = datetime.now(UTC)
    per_village = None if scattered else -(-n // (communes * villages))
    if from_stream:
        return _load_stream(
            engine, database_url, n, communes, villages, batch, per_village, workers, redis_url
        )
    rebuild = Rebuild() if bulk else None
    while done < n:
        size = min(batch, n - done)
        bodies = [
            orjson.dumps(e)
            for e in synthetic_classification_events(
                size,
                communes=communes,
                villages_per_commune=villages,
                start=done,
                per_village=per_village,
            )
        ]
        start, start_cpu = time.perf_counter(), time.process_time()
        events = [HouseholdClassified.from_json(b) for b in bodies]
        decoded = time.perf_counter()
        if rebuild is not None:
            rebuild.add(events)
        else:
            apply_classifications(ReportingUnitOfWork(engine), events, now)
        end = time.perf_counter()
        cpu += time.process_time() - start_cpu
        decode_s += decoded - start
        busy += end - start
        done += size
    write_s = 0.0
    if rebuild is not None:
        start, start_cpu = time.perf_counter(), time.process_time()
        rebuild.write(ReportingUnitOfWork(engine), now)
        write_s = time.perf_counter() - start
        busy += write_s
        cpu += time.process_time() - start_cpu
    engine.dispose()
    return {
        "events": n,
        "seconds": busy,
        "events_per_s": n / busy,
        "decode_share": decode_s / busy,
        "apply_per_s": n / (busy - decode_s),
        "per_cpu_s": n / cpu,
        "write_s": write_s,
    }


def read_bodies(client: Any, stream: str, until: bytes | str, chunk: int) -> Iterator[list[bytes]]:
    """The entries' bodies from the start of ``stream`` up to ``until`` (inclusive), in
    lists of up to ``chunk``: plain ``XRANGE``, the raw rate the rebuild is compared with."""
    start: bytes | str = "-"
    while True:
        entries = client.xrange(stream, min=start, max=until, count=chunk)
        if not entries:
            return
        bodies = [b for _id, fields in entries if (b := raw_event(fields)) is not None]
        if bodies:
            yield bodies
        if len(entries) < chunk:
            return
        start = b"(" + entries[-1][0]


def _load_stream(
    engine: Engine,
    database_url: str,
    n: int,
    communes: int,
    villages: int,
    batch: int,
    per_village: int | None,
    workers: int,
    redis_url: str | None,
) -> dict[str, float]:
    """``giamngheo rebuild-reporting``'s work (:func:`~services.reporting.replay.
    rebuild_reporting`) on a real stream: the entries are added first (not timed), read back
    once with plain ``XRANGE`` (the raw Redis rate of this run), then rebuilt: read in chunks
    of ``batch``, decoded in ``workers`` processes, written as they are merged."""
    engine.dispose()
    with tempfile.TemporaryDirectory() as tmp:
        server = None
        if redis_url is None:
            server = EmbeddedRedis(Path(tmp), persist=False).start()
            redis_url = server.url
        client: Any = redis.Redis.from_url(redis_url)
        client.delete(HOUSEHOLD_CLASSIFIED_STREAM)
        try:
            for start in range(0, n, batch):
                pipe = client.pipeline(transaction=False)
                for e in synthetic_classification_events(
                    min(batch, n - start),
                    communes=communes,
                    villages_per_commune=villages,
                    start=start,
                    per_village=per_village,
                ):
                    pipe.xadd(HOUSEHOLD_CLASSIFIED_STREAM, {WIRE_FIELD: orjson.dumps(e)})
                pipe.execute()
            last = client.xrevrange(HOUSEHOLD_CLASSIFIED_STREAM, count=1)[0][0]
            began = time.perf_counter()
            raw = sum(len(c) for c in read_bodies(client, HOUSEHOLD_CLASSIFIED_STREAM, last, batch))
            raw_s = time.perf_counter() - began
            settings = ReportingSettings(redis_url=redis_url, database_url=database_url)
            start_cpu = time.process_time()
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            began = time.perf_counter()
            done = rebuild_reporting(settings, workers=workers, chunk=batch)
            busy = time.perf_counter() - began
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = time.process_time() - start_cpu
            cpu += (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
        finally:
            client.delete(HOUSEHOLD_CLASSIFIED_STREAM)
            client.close()
            if server is not None:
                server.stop()
    assert done.classifications == n == raw
    return {
        "events": n,
        "seconds": busy,
        "events_per_s": n / busy,
        "raw_xrange_per_s": n / raw_s,
        "per_cpu_s": n / cpu,
    }


def queries(database_url: str, repeats: int, commune: str) -> dict[str, tuple[float, float]]:
    engine = create_db_engine(database_url)

    def uow() -> ReportingUnitOfWork:
        return ReportingUnitOfWork(engine)

    def book(**kw: Any) -> Callable[[], object]:
        return lambda: report_book(uow(), standard_id=STANDARD, **kw)

    cases: dict[str, Callable[[], object]] = {
        "province summary by commune": book(tables=[TableKind.SUMMARY]),
        "province change tables by commune": book(
            tables=[TableKind.CHANGES_POOR, TableKind.CHANGES_NEAR_POOR]
        ),
        "province deprivations (poor) by commune": book(tables=[TableKind.DEPRIVATION_POOR]),
        "province MPI by commune": book(tables=[TableKind.MPI]),
        "province summary by village": book(tables=[TableKind.SUMMARY], by="village"),
        "province full book (14 tables) by commune": book(),
        "province summary by commune, suppressed (whole book audited)": book(
            tables=[TableKind.SUMMARY], suppress=True
        ),
        "commune full book by village": book(area=commune),
        "commune full book by village, suppressed": book(area=commune, suppress=True),
        "target comparison (province)": lambda: target_comparison(
            uow(), standard_id=STANDARD, review_year=2026
        ),
        "poor household list, first 500 (province)": lambda: household_list(
            uow(), standard_id=STANDARD, kind="poor"
        ),
        "XLSX export: province full book by commune, published (suppressed)": lambda: xlsx_bytes(
            report_book(uow(), standard_id=STANDARD, suppress=True)
        ),
        "XLSX export: province full book by commune, unsuppressed": lambda: xlsx_bytes(
            report_book(uow(), standard_id=STANDARD)
        ),
        "XLSX export: province full book by village, unsuppressed": lambda: xlsx_bytes(
            report_book(uow(), standard_id=STANDARD, by="village")
        ),
    }
    out = {name: _median_ms(run, repeats) for name, run in cases.items()}
    engine.dispose()
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000, help="households (events)")
    parser.add_argument("--communes", type=int, default=150)
    parser.add_argument("--villages", type=int, default=10, help="villages per commune")
    parser.add_argument("--batch", type=int, default=5000, help="events per transaction")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument(
        "--queries-only",
        action="store_true",
        help="time the queries on --database-url as it is (loaded by an earlier run)",
    )
    parser.add_argument(
        "--scattered",
        action="store_true",
        help="each next event in the next commune (worst case) instead of village by village",
    )
    parser.add_argument(
        "--bulk", action="store_true", help="load through the bulk rebuild (Rebuild)"
    )
    parser.add_argument(
        "--from-stream",
        action="store_true",
        help="rebuild as giamngheo rebuild-reporting does, from a real stream (embedded Redis "
        "unless --redis-url)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="with --from-stream: processes decoding the entries",
    )
    parser.add_argument("--redis-url", default=None, help="with --from-stream")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'reporting.db'}"
        print(f"load average before: {_load()}")
        if not args.queries_only:
            replay = load(
                url,
                args.n,
                args.communes,
                args.villages,
                args.batch,
                args.scattered,
                args.bulk,
                args.workers,
                args.from_stream,
                args.redis_url,
            )
            if args.from_stream:
                print(
                    f"rebuild from the stream: {replay['events']:,} classification events in "
                    f"{replay['seconds']:.1f} s = {replay['events_per_s']:,.0f} events/s read, "
                    f"decoded in {args.workers} processes and written; raw XRANGE of the same "
                    f"stream {replay['raw_xrange_per_s']:,.0f} entries/s (ratio "
                    f"{replay['events_per_s'] / replay['raw_xrange_per_s']:.2f}); "
                    f"{replay['per_cpu_s']:,.0f} events per CPU-second (all processes)"
                )
            else:
                print(
                    f"replay: {replay['events']:,} classification events in "
                    f"{replay['seconds']:.1f} s = {replay['events_per_s']:,.0f} events/s "
                    f"decoded and applied (decoding {replay['decode_share']:.0%} of it; "
                    f"applying alone {replay['apply_per_s']:,.0f}/s); "
                    f"{replay['per_cpu_s']:,.0f} events per CPU-second of this process; "
                    f"batches of {args.batch}, "
                    f"{'scattered' if args.scattered else 'village by village'}"
                    + (
                        f"; bulk rebuild, final write {replay['write_s']:.1f} s"
                        if args.bulk
                        else "; event by event (the consumer's use case)"
                    )
                )
            print(f"load average after replay: {_load()}")
        for name, (ms, cpu_ms) in queries(url, args.repeats, "99000").items():
            print(f"{name}: {ms:,.1f} ms wall, {cpu_ms:,.1f} ms CPU (median of {args.repeats})")
        print(f"load average after queries: {_load()}")


if __name__ == "__main__":
    main()
