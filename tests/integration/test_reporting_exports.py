"""The year-end book as files, from the command line: `giamngheo report --round 2026 --out
baocao.xlsx` (one sheet per table, bilingual headers, names, totals, no formula anywhere) and
CSV (one file per table)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from services.cli import app
from services.reporting.adapters.areas_file import load_area_file
from services.reporting.adapters.repository import ReportingUnitOfWork
from services.reporting.app import MIGRATIONS
from services.reporting.domain.areas import Area, AreaLevel, AreaTree
from services.reporting.service import (
    TableKind,
    apply_area_registry,
    apply_classifications,
    table_catalogue,
)
from shared.db import create_db_engine
from shared.migrations import upgrade
from tests.integration.test_reporting_use_cases import NOW
from tests.unit.reporting.builders import event

EVIL = '=HYPERLINK("http://evil.example","Bấm")'


@pytest.fixture
def reporting_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'reporting.db'}"
    engine = create_db_engine(url)
    upgrade(engine, MIGRATIONS)
    areas = [a for a in load_area_file().areas.values() if a.code != "04570-01"]
    areas.append(Area("04570-01", AreaLevel.VILLAGE, EVIL, parent_code="04570"))
    apply_area_registry(ReportingUnitOfWork(engine), AreaTree.of(areas))
    events = [event(n, year=2026, status="poor" if n < 7 else "not_poor") for n in range(20)]
    events += [event(n, year=2025, status="poor") for n in range(20)]
    apply_classifications(ReportingUnitOfWork(engine), events, NOW)
    engine.dispose()
    monkeypatch.setenv("REPORTING_DATABASE_URL", url)
    return url


def test_report_command_writes_every_table_as_a_print_ready_sheet_without_formulas(
    reporting_db: str, tmp_path: Path
) -> None:
    out = tmp_path / "baocao.xlsx"
    result = CliRunner().invoke(
        app, ["report", "--round", "2026", "--out", str(out), "--by", "village"]
    )
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames == [k.value for k in TableKind]
    formulas = [
        f"{ws.title}!{c.coordinate}"
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
        or (isinstance(c.value, str) and c.value.startswith("=") and not c.quotePrefix)
    ]
    assert formulas == []
    ws = wb["summary"]
    titles = {k: (vi, en) for k, vi, en in table_catalogue()}
    assert (ws["A1"].value, ws["A2"].value) == titles["summary"]  # Vietnamese, then English
    assert "Hộ" in ws.cell(7, 4).value
    assert "Households" in ws.cell(7, 4).value
    codes = [ws.cell(r, 1).value for r in range(8, 8 + 4)]
    assert codes[0] == "15"  # the province total first
    evil = next(r for r in range(8, ws.max_row + 1) if ws.cell(r, 1).value == "04570-01")
    assert ws.cell(evil, 2).value == EVIL
    assert ws.cell(evil, 2).quotePrefix
    assert ws.cell(evil, 2).data_type == "s"
    assert ws.print_title_rows == "$6:$7"
    assert ws.page_setup.orientation == "landscape"
    province = [ws.cell(8, c).value for c in range(4, 10)]
    assert province[:2] == [20, 40]  # households, persons: published totals stay


def test_report_command_writes_one_csv_per_table_and_refuses_an_unknown_round(
    reporting_db: str, tmp_path: Path
) -> None:
    out = tmp_path / "baocao.csv"
    ok = CliRunner().invoke(
        app,
        [
            "report",
            "--round",
            "2026",
            "--out",
            str(out),
            "--table",
            "summary",
            "--table",
            "changes_poor",
            "--by",
            "village",
        ],
    )
    missing = CliRunner().invoke(app, ["report", "--round", "2019", "--out", str(out)])
    assert ok.exit_code == 0, ok.output
    assert missing.exit_code == 2
    assert "2019" in missing.output
    with (tmp_path / "baocao-summary.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert (tmp_path / "baocao-changes_poor.csv").exists()
    village = next(r for r in rows if r[0] == "04570-01")
    assert village[1] == "'" + EVIL  # text a spreadsheet would evaluate is quoted
