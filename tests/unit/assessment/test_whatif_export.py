"""The what-if file hands back codes that came from uploads: never as a live formula."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl

from services.assessment.adapters.whatif_export import write_whatif
from services.assessment.domain.whatif import StatusChange, WhatIfReport
from shared.contracts.codes import PovertyStatus

HOSTILE = '=HYPERLINK("http://example.invalid","Click")'


def _report() -> WhatIfReport:
    change = StatusChange(
        None, HOSTILE, "-04570", PovertyStatus.POOR, PovertyStatus.NEAR_POOR, ("+income",)
    )
    return WhatIfReport("a", "h1", "b", "h2", 1, {}, (change,), ())


def test_xlsx_cells_from_uploads_are_text(tmp_path: Path) -> None:
    path = tmp_path / "w.xlsx"
    write_whatif(path, _report())
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    row = [c for c in next(sheet.iter_rows(min_row=3, max_row=3))]
    assert row[0].value == HOSTILE
    assert all(c.data_type == "s" for c in row if c.value is not None)


def test_csv_cells_that_would_be_formulas_are_quoted(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    write_whatif(path, _report())
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[1][0] == "'" + HOSTILE
    assert rows[1][1] == "'-04570"
    assert rows[1][4] == "'+income"
