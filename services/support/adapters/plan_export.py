"""The plan-vs-actual table as an Excel workbook: one sheet of money (allocated, committed,
disbursed per area, component and source), one of physical targets; headers in Vietnamese with
the English name beneath. Every text cell goes through the formula-neutralising writer."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook

from services.support.plan_views import PlanVsActual
from shared.spreadsheet_cells import set_xlsx_cell

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MONEY_HEADERS = [
    ("Cấp", "level"),
    ("Mã địa bàn", "area_code"),
    ("Tên địa bàn", "area_name"),
    ("Kế hoạch", "plan_id"),
    ("Thành phần", "component"),
    ("Nguồn vốn", "source"),
    ("Kế hoạch giao (đồng)", "allocated_vnd"),
    ("Đã cam kết (đồng)", "committed_vnd"),
    ("Đã giải ngân (đồng)", "disbursed_vnd"),
    ("Còn lại (đồng)", "remaining_vnd"),
    ("Tỷ lệ giải ngân (%)", "disbursed_pct"),
    ("Vượt kế hoạch", "above_plan"),
]
TARGET_HEADERS = [
    ("Cấp", "level"),
    ("Mã địa bàn", "area_code"),
    ("Tên địa bàn", "area_name"),
    ("Kế hoạch", "plan_id"),
    ("Thành phần", "component"),
    ("Chỉ tiêu", "kind"),
    ("Loại hỗ trợ", "support_kind"),
    ("Kế hoạch", "planned"),
    ("Thực hiện", "actual"),
    ("Tỷ lệ (%)", "pct"),
    ("Vượt kế hoạch", "above_plan"),
]


class _Sheet:
    """Appends rows to a worksheet, every cell through :func:`set_xlsx_cell`."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.row = 0

    def append(self, values: list[object]) -> None:
        self.row += 1
        for col, value in enumerate(values, start=1):
            set_xlsx_cell(self.ws.cell(self.row, col), value)


def plan_vs_actual_xlsx(table: PlanVsActual) -> bytes:
    book = Workbook()
    first = book.active
    assert first is not None  # a new workbook has one sheet
    first.title = "Tiền - Money"
    money = _Sheet(first)
    targets = _Sheet(book.create_sheet("Chỉ tiêu - Targets"))
    for sheet, headers in ((money, MONEY_HEADERS), (targets, TARGET_HEADERS)):
        sheet.append([vi for vi, _ in headers])
        sheet.append([en for _, en in headers])
    for a in table.areas:
        head = [a.level.value, a.area_code, a.name, a.plan_id or ""]
        for m in a.money:
            money.append(
                [
                    *head,
                    m.component,
                    m.source.value,
                    m.allocated_vnd,
                    m.committed_vnd,
                    m.disbursed_vnd,
                    m.remaining_vnd,
                    float(m.disbursed_pct) if m.disbursed_pct is not None else None,
                    "x" if m.above_plan else "",
                ],
            )
        for t in a.targets:
            targets.append(
                [
                    *head,
                    t.component,
                    t.kind.value,
                    t.support_kind.value if t.support_kind else "",
                    t.planned,
                    t.actual,
                    float(t.pct) if t.pct is not None else None,
                    "x" if t.above_plan else "",
                ],
            )
    out = BytesIO()
    book.save(out)
    return out.getvalue()
