"""Bulk files an attacker or a careless export could send: formulas echoed back, archives
that expand without limit, cells longer than any reader allows."""

from __future__ import annotations

import csv
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from services.intake.adapters.files import (
    BulkFileError,
    open_bulk,
    write_error_report,
)
from services.intake.domain.areas import AreaRegistry
from services.intake.domain.bulk import Rejected
from services.intake.domain.layout import HOUSEHOLDS, MEMBERS
from tests.unit.intake.builders import family, household
from tests.unit.intake.test_files import _records, csv_bytes

pytestmark = pytest.mark.unit

FORMULA = '=HYPERLINK("http://example.invalid/x","Click")'


def _xlsx_with_text_cells(path: Path, households: list[dict[str, Any]]) -> Path:
    """An XLSX whose cells are all written as text (as Excel does for typed-in text)."""
    book = openpyxl.Workbook()
    sheets = [book.active, book.create_sheet("Thành viên")]
    assert sheets[0] is not None
    sheets[0].title = "Hộ gia đình"
    for sheet, rows in zip(
        sheets, (_records(households, HOUSEHOLDS), _records(family("A"), MEMBERS)), strict=True
    ):
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    cell = sheet.cell(row=r, column=c)
                    cell.value = value
                    cell.data_type = "s" if isinstance(value, str) else cell.data_type
    book.save(path)
    return path


def _rejected(source: Path | bytes, name: str, registry: AreaRegistry, **kw: Any) -> Any:
    parse = open_bulk(source, name, registry, **kw)
    rejected = [o for o in parse if isinstance(o, Rejected)]
    return parse, rejected


def test_xlsx_error_report_has_no_formula_when_uploaded_text_starts_with_equals(
    tmp_path: Path, registry: AreaRegistry
) -> None:
    bad = household("A", head_name=FORMULA, floor_area_m2="-2", needs="@SUM(1)")
    source = _xlsx_with_text_cells(tmp_path / "up.xlsx", [bad])
    parse, rejected = _rejected(source, "up.xlsx", registry)
    (report,) = write_error_report(tmp_path / "loi.xlsx", parse, rejected)

    with zipfile.ZipFile(report) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert all(b"<f>" not in archive.read(n) for n in sheets)
    row = openpyxl.load_workbook(report)["Hộ gia đình"][2]
    texts = {c.value: c for c in row if isinstance(c.value, str)}
    assert texts[FORMULA].data_type == "s"
    assert texts[FORMULA].quotePrefix
    assert texts["-2"].data_type == "s"


def test_csv_error_report_quotes_cells_a_spreadsheet_would_evaluate(
    tmp_path: Path, registry: AreaRegistry
) -> None:
    bad = household("A", head_name=FORMULA, floor_area_m2="-2", causes="+cmd|' /C calc'!A0")
    households = csv_bytes(_records([bad], HOUSEHOLDS))
    members = csv_bytes(_records(family("A"), MEMBERS))
    parse, rejected = _rejected(households, "ho.csv", registry, members=members)
    files = write_error_report(tmp_path / "loi.csv", parse, rejected, csv_format=True)

    with files[0].open(encoding="utf-8-sig", newline="") as handle:
        header, row = list(csv.reader(handle))
    cells = dict(zip(header, row, strict=True))
    assert cells["Họ tên chủ hộ"] == "'" + FORMULA
    assert cells["Diện tích nhà ở (m²)"] == "'-2"
    assert cells["Nguyên nhân nghèo"].startswith("'+")
    assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in row)


def _bomb(path: Path, cell_mb: int) -> Path:
    """A valid workbook whose households sheet holds one cell of ``cell_mb`` MiB of 'A'."""
    _xlsx_with_text_cells(path, [household("A")])
    with zipfile.ZipFile(path) as source:
        parts = {n: source.read(n) for n in source.namelist()}
    sheet = next(n for n in parts if n.endswith("sheet1.xml"))
    huge = b'<row r="3"><c r="A3" t="inlineStr"><is><t>' + b"A" * (cell_mb << 20) + b"</t></is></c>"
    parts[sheet] = parts[sheet].replace(b"</sheetData>", huge + b"</row></sheetData>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def test_xlsx_refused_before_parsing_when_a_part_expands_a_thousandfold(
    tmp_path: Path, registry: AreaRegistry
) -> None:
    bomb = _bomb(tmp_path / "bomb.xlsx", 64)
    assert bomb.stat().st_size < 1 << 20
    with pytest.raises(BulkFileError) as caught:
        open_bulk(bomb, "bomb.xlsx", registry)
    assert caught.value.problems[0].key == "archive_too_large"
    assert "sheet1.xml" in caught.value.problems[0].en


def test_xlsx_row_larger_than_any_real_row_is_refused_with_its_row_number(
    tmp_path: Path, registry: AreaRegistry
) -> None:
    big = _bomb(tmp_path / "big.xlsx", 6)  # 6 MiB compresses under the ratio check's floor
    with pytest.raises(BulkFileError) as caught:
        _rejected(big, "big.xlsx", registry)
    assert caught.value.problems[0].key == "cell_too_large"
    assert "32767" in caught.value.problems[0].en


def test_csv_cell_longer_than_the_reader_allows_is_a_file_error_naming_the_row(
    registry: AreaRegistry,
) -> None:
    households = csv_bytes(_records([household("A"), household("B", head_name="x" * 140_000)],
                                    HOUSEHOLDS))  # fmt: skip
    members = csv_bytes(_records(family("A") + family("B"), MEMBERS))
    with pytest.raises(BulkFileError) as caught:
        _rejected(households, "ho.csv", registry, members=members)
    problem = caught.value.problems[0]
    assert problem.key == "cell_too_large"
    assert "Row 3" in problem.en
    assert "Dòng 3" in problem.vi


def test_same_households_as_csv_and_as_xlsx_get_the_same_survey_ids(
    tmp_path: Path, registry: AreaRegistry
) -> None:
    from services.intake.domain.bulk import Accepted
    from tests.unit.intake.test_files import outcomes, write_xlsx

    rows = [household("A", review_year=2026, floor_area_m2=45.5), household("B", score_a=40,
            income_vnd=None, surveyed_at=datetime(2026, 10, 3, 8, 30))]  # fmt: skip
    members = family("A") + family("B")
    as_xlsx = outcomes(write_xlsx(tmp_path / "a.xlsx", rows, members), "a.xlsx", registry)
    as_csv = outcomes(
        csv_bytes(_records(rows, HOUSEHOLDS)),
        "a.csv",
        registry,
        members=csv_bytes(_records(members, MEMBERS)),
    )
    ids = [[o.payload.survey_id for o in found if isinstance(o, Accepted)]
           for found in (as_xlsx, as_csv)]  # fmt: skip
    assert len(ids[0]) == 2
    assert ids[0] == ids[1]
