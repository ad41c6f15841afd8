"""Benchmark of bulk files: generate n households (4 members each), time parse and import.

``python -m tools.bench_import --n 100000`` times the parse alone. With ``--import`` it also
times the whole import (``import_bulk``) into a fresh SQLite database, i.e. households per
second "into the outbox", then relays the outbox with ``OutboxRelay`` to a real Redis (the
embedded redis-server) and reports households per second "on to the stream", from the start
of the import to the last ``XADD``. ``--repeat 3`` prints the median of three runs.
Generation is not timed; the XLSX is written by a minimal writer here (openpyxl would take
minutes for 400,000 rows).
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import statistics
import tempfile
import time
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import redis

from services.intake.adapters.files import load_areas, open_bulk
from services.intake.adapters.tables import metadata, plumbing
from services.intake.adapters.vault import Vault
from services.intake.domain.bulk import Accepted
from services.intake.domain.layout import HOUSEHOLDS, MEMBERS
from services.intake.importer import default_workers, import_bulk
from shared.contracts.surveys import HOUSEHOLD_SURVEYED_STREAM
from shared.db import create_db_engine
from shared.embedded_redis import EmbeddedRedis
from shared.outbox import OutboxRelay

_MEMBER_TEMPLATES = (
    (40, "Nam", "Chủ hộ", "có việc làm", "THPT", "không đi học"),
    (38, "Nữ", "Vợ/chồng", "có việc làm", "THCS", "không đi học"),
    (12, "Nữ", "Con", "không tham gia lao động", "tiểu học", "THCS"),
    (8, "Nam", "Con", "không tham gia lao động", "không", "tiểu học"),
)


def household_rows(n: int) -> Iterator[list[object]]:
    villages = ("04570-01", "04570-02", "04681-01", "04705-03")
    for i in range(n):
        village = villages[i % len(villages)]
        yield [
            "", f"HH-{i:07d}", "15", village[:5], village, 2026, "Định kỳ", "01/10/2026 09:00",
            f"Hộ {i}", "có", 1_200_000 + i % 1000, "", "Bê tông cốt thép", "Gạch, đá", "Ngói",
            45.5, "Nước máy", "Tự hoại", "có", "không", "Ti vi; Xe máy", "", "Thiếu vốn",
            "Vay vốn",
        ]  # fmt: skip


def member_rows(n: int) -> Iterator[list[object]]:
    for i in range(n):
        for number, (age, sex, relation, job, school, attending) in enumerate(
            _MEMBER_TEMPLATES, start=1
        ):
            yield [
                f"HH-{i:07d}", number, f"Người {number}", age, sex, relation, "Tày",
                f"0150{i:08d}" if number == 1 else "", "không", "", job, "", "", "", "có",
                attending, school, "", "",
            ]  # fmt: skip


def write_csv(directory: Path, n: int) -> Path:
    households = directory / "ho-gia-dinh.csv"
    with households.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.vi for c in HOUSEHOLDS.columns])
        writer.writerows(household_rows(n))
    with (directory / "ho-gia-dinh.thanh-vien.csv").open(
        "w", encoding="utf-8-sig", newline=""
    ) as handle:
        writer = csv.writer(handle)
        writer.writerow([c.vi for c in MEMBERS.columns])
        writer.writerows(member_rows(n))
    return households


def _col(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_xml(rows: Iterator[Sequence[object]], shared: dict[str, int]) -> Iterator[str]:
    yield (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="'
        'http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{_col(c)}{r}"
            if value == "" or value is None:
                continue
            if isinstance(value, int | float):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                index = shared.setdefault(str(value), len(shared))
                cells.append(f'<c r="{ref}" t="s"><v>{index}</v></c>')
        yield f'<row r="{r}">{"".join(cells)}</row>'
    yield "</sheetData></worksheet>"


def write_xlsx(path: Path, n: int) -> Path:
    """A minimal but valid workbook with shared strings, as Excel writes them."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    shared: dict[str, int] = {}
    sheets = (
        ("Hộ gia đình", [[c.vi for c in HOUSEHOLDS.columns]], household_rows(n)),
        ("Thành viên", [[c.vi for c in MEMBERS.columns]], member_rows(n)),
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for number, (_, header, body) in enumerate(sheets, start=1):
            with book.open(f"xl/worksheets/sheet{number}.xml", "w") as handle:
                rows: Iterator[Sequence[object]] = iter([*header, *body])
                for piece in _sheet_xml(rows, shared):
                    handle.write(piece.encode())
        strings = "".join(f"<si><t>{escape(s)}</t></si>" for s in shared)
        book.writestr("xl/sharedStrings.xml", f'<sst xmlns="{main}">{strings}</sst>')
        sheet_list = "".join(
            f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>'
            for i, (name, _, _) in enumerate(sheets, start=1)
        )
        book.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>{sheet_list}</sheets></workbook>',
        )
        sheet_rels = "".join(
            f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in (1, 2)
        )
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{pkg}">{sheet_rels}<Relationship Id="rId3" '
            f'Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        )
        book.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" '
            f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        book.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet2.xml" ContentType="{ct}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/>'
            "</Types>",
        )
    return path


def _time_parse(path: Path, n: int, label: str) -> float:
    registry = load_areas()
    started = time.perf_counter()
    accepted = rejected = 0
    with open_bulk(path, path.name, registry) as parse:
        for outcome in parse:
            if isinstance(outcome, Accepted):
                accepted += 1
            else:
                rejected += 1
    elapsed = time.perf_counter() - started
    rate = n / elapsed
    print(
        f"{label}: {n} households ({accepted} accepted, {rejected} rejected) "
        f"in {elapsed:.1f} s = {rate:,.0f} households/s"
    )
    return rate


def bench_bulk(n: int, formats: Sequence[str] = ("csv", "xlsx")) -> dict[str, float]:
    """Households per second parsing n households with 4 members each, per file format."""
    rates: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        if "csv" in formats:
            rates["csv"] = _time_parse(write_csv(directory, n), n, "CSV")
        if "xlsx" in formats:
            rates["xlsx"] = _time_parse(write_xlsx(directory / "bulk.xlsx", n), n, "XLSX")
    return rates


@dataclass(frozen=True)
class ImportRun:
    into_outbox_s: float
    relay_s: float
    parser_cpu_s: float
    """CPU time of the parser processes (all of them)."""
    writer_cpu_s: float
    """CPU time of the importing process: receiving, storing, and the relay's publishing."""

    def rates(self, n: int) -> tuple[float, float]:
        return n / self.into_outbox_s, n / (self.into_outbox_s + self.relay_s)


def _import_once(
    path: Path, n: int, folder: Path, redis_url: str, workers: int | None, chunk: int
) -> ImportRun:
    engine = create_db_engine(f"sqlite:///{folder / 'intake.db'}")
    metadata.create_all(engine)
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    relay = OutboxRelay(engine, plumbing, redis_url)
    try:
        self_before = resource.getrusage(resource.RUSAGE_SELF)
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        report = import_bulk(
            engine,
            load_areas(),
            path,
            path.name,
            correlation_id="bench",
            workers=workers,
            chunk=chunk,
            vault=Vault(os.urandom(32)),
        )
        into_outbox = time.perf_counter() - started
        published = relay.publish_pending()
        to_stream = time.perf_counter() - started
        streamed = int(client.xlen(HOUSEHOLD_SURVEYED_STREAM))
        self_after = resource.getrusage(resource.RUSAGE_SELF)
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        relay.close()
        client.close()
        engine.dispose()
        for leftover in folder.glob("intake.db*"):
            leftover.unlink()
    if not report.accepted == report.created == published == streamed == n:
        msg = f"expected {n} everywhere: {report}, published {published}, streamed {streamed}"
        raise RuntimeError(msg)
    return ImportRun(
        into_outbox,
        to_stream - into_outbox,
        _cpu(children_after) - _cpu(children_before),
        _cpu(self_after) - _cpu(self_before),
    )


def _cpu(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def bench_import(
    n: int,
    formats: Sequence[str] = ("csv", "xlsx"),
    *,
    repeat: int = 1,
    workers: int | None = None,
    chunk: int = 1000,
) -> dict[str, tuple[float, float]]:
    """Median households/s (into the outbox, on to the stream) per format."""
    results: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        files = {}
        if "csv" in formats:
            files["csv"] = write_csv(folder, n)
        if "xlsx" in formats:
            files["xlsx"] = write_xlsx(folder / "bulk.xlsx", n)
        for label, path in files.items():
            _time_parse(path, n, f"parse only, {label.upper()}")
        with EmbeddedRedis(folder / "redis", persist=False) as server:
            for label, path in files.items():
                used = default_workers(path) if workers is None else workers
                runs = []
                for _ in range(repeat):
                    runs.append(_import_once(path, n, folder, server.url, workers, chunk))
                    outbox, stream = runs[-1].rates(n)
                    print(
                        f"  import {label.upper()} run: into outbox {runs[-1].into_outbox_s:.1f} s"
                        f" ({outbox:,.0f}/s), relay {runs[-1].relay_s:.1f} s, "
                        f"on to the stream {stream:,.0f}/s; CPU: parsers "
                        f"{runs[-1].parser_cpu_s:.1f} s, importer and relay "
                        f"{runs[-1].writer_cpu_s:.1f} s",
                        flush=True,
                    )
                outbox = statistics.median(r.rates(n)[0] for r in runs)
                stream = statistics.median(r.rates(n)[1] for r in runs)
                results[label] = (outbox, stream)
                print(
                    f"import {label.upper()}: {n} households, {used} parser process(es), "
                    f"chunk {chunk}, median of {repeat}: into the outbox {outbox:,.0f} "
                    f"households/s, on to the stream {stream:,.0f} households/s"
                )
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return results


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000, help="households to generate")
    parser.add_argument("--format", choices=("csv", "xlsx", "both"), default="both")
    parser.add_argument(
        "--import",
        dest="full",
        action="store_true",
        help="also time the import into the outbox and the relay on to a Redis stream",
    )
    parser.add_argument("--repeat", type=int, default=1, help="import runs (median reported)")
    parser.add_argument("--workers", type=int, default=None, help="parser processes")
    parser.add_argument("--chunk", type=int, default=1000, help="households per transaction")
    args = parser.parse_args(argv)
    formats = ("csv", "xlsx") if args.format == "both" else (args.format,)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.full:
        bench_import(args.n, formats, repeat=args.repeat, workers=args.workers, chunk=args.chunk)
    else:
        bench_bulk(args.n, formats)


if __name__ == "__main__":
    main()
