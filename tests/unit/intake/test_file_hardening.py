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


def test_every_problem_of_a_row_is_listed_when_a_bad_date_comes_first(
    registry: AreaRegistry,
) -> None:
    from services.intake.domain.bulk import parse_tables, read_layout
    from tests.unit.intake.builders import households_table, members_table

    bad = household("A", surveyed_at="31/02/2026", floor_area_m2="-3", review_year=1990)
    rows, member_rows = households_table([bad]), members_table(family("A"))
    (outcome,) = parse_tables(
        read_layout(HOUSEHOLDS, rows[0][1], 1),
        rows[1:],
        read_layout(MEMBERS, member_rows[0][1], 1),
        member_rows[1:],
        registry,
    )
    assert isinstance(outcome, Rejected)
    keys = {e.message.key for e in outcome.errors}
    assert {"not_date", "negative", "at_least"} <= keys


def test_member_rows_say_which_member_rows_rejected_their_household(
    tmp_path: Path, registry: AreaRegistry
) -> None:
    members = [*family("A"), {**family("A")[1], "member_no": 3, "citizen_id": "12345"}]
    households = csv_bytes(_records([household("A")], HOUSEHOLDS))
    parse, rejected = _rejected(
        households, "ho.csv", registry, members=csv_bytes(_records(members, MEMBERS))
    )
    files = write_error_report(tmp_path / "loi.csv", parse, rejected, csv_format=True)
    with files[1].open(encoding="utf-8-sig", newline="") as handle:
        _header, *rows = list(csv.reader(handle))
    errors = [row[-1] for row in rows]
    assert "citizen id" in errors[2].lower()
    assert errors[0] == errors[1]
    assert "other members' rows (Members sheet, rows 4)" in errors[0]
    assert "Households sheet" not in errors[0]


def test_counts_keep_member_rows_of_no_household_apart_from_households(
    registry: AreaRegistry, tmp_path: Path
) -> None:
    from services.intake.app import MIGRATIONS
    from services.intake.importer import import_bulk
    from shared.db import create_db_engine
    from shared.migrations import upgrade
    from tests.factories import fixed_vault

    engine = create_db_engine(f"sqlite:///{tmp_path / 'i.db'}")
    upgrade(engine, MIGRATIONS)
    households = csv_bytes(_records([household("A"), household("B", floor_area_m2="-1")],
                                    HOUSEHOLDS))  # fmt: skip
    members = family("A") + family("B") + family("GHOST") + family("GHOST2")
    report = import_bulk(engine, registry, households, "ho.csv",
                         members=csv_bytes(_records(members, MEMBERS)), correlation_id="c",
                         workers=0, vault=fixed_vault())  # fmt: skip
    engine.dispose()
    assert (report.created, report.households_rejected, report.orphan_member_rows) == (1, 1, 4)


def test_template_offers_a_drop_down_list_on_every_coded_column() -> None:
    from services.intake.adapters.files import LISTS_SHEET, TEMPLATE_PATH
    from services.intake.domain.layout import Kind

    book = openpyxl.load_workbook(TEMPLATE_PATH)
    assert book[LISTS_SHEET].sheet_state == "hidden"
    for spec in (HOUSEHOLDS, MEMBERS):
        sheet = book[spec.vi_title]
        covered = {
            str(ref).split(":")[0].rstrip("0123456789"): v
            for v in sheet.data_validations.dataValidation
            for ref in v.sqref.ranges
        }
        for index, column in enumerate(spec.columns, start=1):
            letter = openpyxl.utils.get_column_letter(index)
            if column.codes is None:
                assert letter not in covered
                continue
            validation = covered[letter]
            assert validation.type == "list"
            assert LISTS_SHEET in validation.formula1
            assert validation.showErrorMessage == (column.kind is not Kind.CODES)
