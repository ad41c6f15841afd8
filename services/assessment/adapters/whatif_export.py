"""Files for provincial analysts (Excel first, CSV for other tools), headers in Vietnamese
with the English name beneath."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

from services.assessment.domain.whatif import WhatIfReport
from shared.spreadsheet_cells import csv_row, xlsx_row

WHATIF_HEADERS = [
    ("Mã hộ", "household_code"),
    ("Mã xã", "commune_code"),
    ("Phân loại theo chuẩn gốc", "from_status"),
    ("Phân loại theo chuẩn so sánh", "to_status"),
    ("Nguyên nhân thay đổi", "causes"),
]
STATUS_VI = {
    "poor": "Hộ nghèo",
    "near_poor": "Hộ cận nghèo",
    "average": "Hộ có mức sống trung bình",
    "not_poor": "Không nghèo",
}


def write_whatif(path: Path, report: WhatIfReport) -> None:
    """The households that change class, one row each, as .xlsx or .csv (UTF-8 with BOM so
    Excel shows Vietnamese correctly); codes come from uploads, so no cell is ever a formula."""
    rows = [
        [
            c.household_code,
            c.commune_code,
            STATUS_VI[c.from_status.value],
            STATUS_VI[c.to_status.value],
            "; ".join(c.causes),
        ]
        for c in report.changes
    ]
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow([f"{vi} / {en}" for vi, en in WHATIF_HEADERS])
            writer.writerows(csv_row(r) for r in rows)
        return
    book = Workbook(write_only=True)
    sheet = book.create_sheet(f"{report.baseline_id} → {report.alternative_id}"[:31])
    sheet.append([vi for vi, _ in WHATIF_HEADERS])
    sheet.append([en for _, en in WHATIF_HEADERS])
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    book.save(path)
