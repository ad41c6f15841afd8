"""Benchmark of bulk parsing: generate n households (~4 members each) and time the parse.

Run ``python -m services.intake.bench --n 100000``. Generation is not timed; the XLSX is
written by a minimal writer here (openpyxl would take minutes for 400,000 rows).
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from services.intake.adapters.files import load_areas, open_bulk
from services.intake.domain.bulk import Accepted
from services.intake.domain.layout import HOUSEHOLDS, MEMBERS

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


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000, help="households to generate")
    parser.add_argument("--format", choices=("csv", "xlsx", "both"), default="both")
    args = parser.parse_args(argv)
    formats = ("csv", "xlsx") if args.format == "both" else (args.format,)
    bench_bulk(args.n, formats)


if __name__ == "__main__":
    main()
