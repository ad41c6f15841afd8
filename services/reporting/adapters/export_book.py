"""The year-end book as files: XLSX (one sheet per table, print-ready, and a sheet of plans
against actual) and CSV (one table).

Headers are bilingual, rows carry area codes and names, parents (totals) come first and are
set in bold. Every cell goes through ``shared.spreadsheet_cells`` (text is never a formula);
hidden figures are written as ``x`` with a note under the table.
"""

from __future__ import annotations

import csv
import io
from copy import copy
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from services.reporting.domain.labels import NEED, PLAN_SOURCE, PLAN_TARGET, bilingual
from services.reporting.domain.plans import PlanVsActual
from services.reporting.domain.tables import Row, Table
from services.reporting.service import Book
from shared.spreadsheet_cells import csv_row, set_xlsx_cell

HIDDEN = "x"
LEVEL_NAMES = {
    "province": ("Tỉnh", "Province"),
    "former_district": ("Huyện (cũ)", "Former district"),
    "commune": ("Xã", "Commune"),
    "village": ("Thôn", "Village"),
}
STAGE_NAMES = {"proposed": ("đề xuất", "proposed"), "recognised": ("công nhận", "recognised")}
AREA_HEADERS = (
    ("Mã địa bàn", "Area code"),
    ("Tên địa bàn", "Area name"),
    ("Cấp", "Level"),
)
UNITS = (("Hộ", "Households"), ("Khẩu", "Persons"))

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")


def _sheet_name(table: Table, used: set[str]) -> str:
    """Excel sheet names: at most 31 characters, unique."""
    name = table.key[:31]
    n = 2
    while name in used:
        suffix = f"_{n}"
        name = table.key[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name)
    return name


def _caption(book: Book) -> tuple[str, str]:
    k = book.key
    stage_vi, stage_en = STAGE_NAMES.get(k.stage.value, (k.stage.value, k.stage.value))
    area_vi = book.area.name_vi or book.area.code if book.area else "Toàn tỉnh"
    area_en = (
        (book.area.name_en or book.area.name_vi or book.area.code)
        if book.area
        else "Whole province"
    )
    by_vi, by_en = LEVEL_NAMES.get(book.by.value, (book.by.value, book.by.value))
    return (
        f"Kỳ rà soát {k.review_year} · chuẩn {k.standard_id} · số liệu {stage_vi} · "
        f"{area_vi} · theo {by_vi.lower()}",
        f"Review round {k.review_year} · standard {k.standard_id} · {stage_en} figures · "
        f"{area_en} · by {by_en.lower()}",
    )


def _area_cells(r: Row) -> list[object]:
    a = r.area
    level_vi, level_en = LEVEL_NAMES.get(a.level.value, (a.level.value, a.level.value))
    name = a.name_vi or a.code
    if a.name_en and a.name_en != a.name_vi:
        name = f"{name} ({a.name_en})"
    return [a.code, name, f"{level_vi} / {level_en}"]


def _figures(table: Table, r: Row) -> list[object]:
    out: list[object] = []
    for c in table.columns:
        v = r.values.get(c.key)
        out += [HIDDEN, HIDDEN] if v is None else [v.households, v.persons]
    for rc in table.rates:
        rates = r.rate(rc)
        if rates is None:
            out += [HIDDEN, HIDDEN]
        else:
            out += [
                float(rates[0].percent_decimal()) if rates[0].whole else None,
                float(rates[1].percent_decimal()) if rates[1].whole else None,
            ]
    return out


def _body_styles(ws: Worksheet) -> dict[tuple[str, bool], StyleArray]:
    """The style of each kind of body cell (count, rate, text; bold for totals), built once
    on a scratch cell: setting fonts and borders cell by cell is most of openpyxl's time."""
    out: dict[tuple[str, bool], StyleArray] = {}
    for kind, fmt in (("count", "#,##0"), ("rate", "0.00"), ("text", "General")):
        for bold in (False, True):
            scratch = ws.cell(1, 16_000)
            scratch.border = _BOX
            scratch.number_format = fmt
            scratch.font = _BOLD if bold else Font()
            out[(kind, bold)] = copy(scratch._style)
            del ws._cells[(1, 16_000)]
    return out


def _write_sheet(ws: Worksheet, book: Book, table: Table) -> None:
    cap_vi, cap_en = _caption(book)
    set_xlsx_cell(ws.cell(1, 1), table.title_vi)
    ws.cell(1, 1).font = _TITLE
    set_xlsx_cell(ws.cell(2, 1), table.title_en)
    ws.cell(2, 1).font = Font(italic=True, size=11)
    set_xlsx_cell(ws.cell(3, 1), cap_vi)
    set_xlsx_cell(ws.cell(4, 1), cap_en)
    head1, head2 = 6, 7
    for i, (vi, en) in enumerate(AREA_HEADERS, start=1):
        set_xlsx_cell(ws.cell(head1, i), f"{vi}\n{en}")
        ws.merge_cells(start_row=head1, start_column=i, end_row=head2, end_column=i)
    col = len(AREA_HEADERS) + 1
    groups = [(c.label_vi, c.label_en, False) for c in table.columns] + [
        (rc.label_vi, rc.label_en, True) for rc in table.rates
    ]
    for vi, en, is_rate in groups:
        set_xlsx_cell(ws.cell(head1, col), f"{vi}\n{en}" + (" (%)" if is_rate else ""))
        ws.merge_cells(start_row=head1, start_column=col, end_row=head1, end_column=col + 1)
        for j, (uvi, uen) in enumerate(UNITS):
            set_xlsx_cell(ws.cell(head2, col + j), f"{uvi}\n{uen}")
        col += 2
    last_col = col - 1
    for row in ws.iter_rows(min_row=head1, max_row=head2, max_col=last_col):
        for cell in row:
            cell.font = _BOLD
            cell.fill = _HEAD_FILL
            cell.alignment = _WRAP
            cell.border = _BOX
    n_counts = len(AREA_HEADERS) + 2 * len(table.columns)
    styles = _body_styles(ws)
    r_no = head2 + 1
    for r in table.rows:
        bold = bool(r.children)
        values = _area_cells(r) + _figures(table, r)
        for j, v in enumerate(values, start=1):
            cell = ws.cell(r_no, j)
            if isinstance(v, float) and j > n_counts:
                kind = "rate"
            elif isinstance(v, int):
                kind = "count"
            else:
                kind = "text"
            cell._style = copy(styles[(kind, bold)])  # one style object per kind, not per cell
            set_xlsx_cell(cell, v)  # after the style: it may set the quote prefix
        r_no += 1
    notes = [
        f"Số liệu: {table.persons_vi.lower()} ở cột «Khẩu». / Persons: {table.persons_en.lower()}.",
    ]
    if table.suppression_threshold is not None:
        t = table.suppression_threshold
        notes.append(
            f"{HIDDEN}: ô bị che (dựa trên dưới {t} hộ, hoặc che bổ sung để không suy ra được). / "
            f"{HIDDEN}: hidden (under {t} households, or hidden so that none can be recovered)."
        )
    notes.append("Dòng in đậm là tổng của các dòng bên dưới. / Bold rows total the rows below.")
    for i, text in enumerate(notes, start=r_no + 1):
        set_xlsx_cell(ws.cell(i, 1), text)
        ws.cell(i, 1).font = Font(italic=True, size=9)
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 32
    ws.column_dimensions["C"].width = 16
    for j in range(len(AREA_HEADERS) + 1, last_col + 1):
        ws.column_dimensions[get_column_letter(j)].width = 11
    ws.row_dimensions[head1].height = 60
    ws.freeze_panes = ws.cell(head2 + 1, len(AREA_HEADERS) + 1)
    ws.print_title_rows = f"{head1}:{head2}"
    ws.print_title_cols = "A:B"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "&P / &N"
    ws.oddHeader.right.text = table.key


PLAN_SHEET = "plan_vs_actual"
PLAN_LEVELS = {
    "province": ("Tỉnh", "Province"),
    "former_district": ("Huyện (cũ)", "Former district"),
    "commune": ("Xã", "Commune"),
}
MONEY_HEADERS = (
    ("Mã địa bàn", "Area code"),
    ("Tên địa bàn", "Area name"),
    ("Cấp", "Level"),
    ("Kế hoạch", "Plan"),
    ("Thành phần", "Component"),
    ("Nguồn vốn", "Funding source"),
    ("Phân bổ (đồng)", "Allocated (VND)"),
    ("Cam kết (đồng)", "Committed (VND)"),
    ("Giải ngân (đồng)", "Disbursed (VND)"),
    ("Còn lại (đồng)", "Remaining (VND)"),
    ("Giải ngân (%)", "Disbursed (%)"),
    ("Vượt kế hoạch", "Above plan"),
)
TARGET_HEADERS = (
    ("Mã địa bàn", "Area code"),
    ("Tên địa bàn", "Area name"),
    ("Cấp", "Level"),
    ("Kế hoạch", "Plan"),
    ("Thành phần", "Component"),
    ("Chỉ tiêu", "Target"),
    ("Loại hỗ trợ", "Kind of support"),
    ("Kế hoạch", "Planned"),
    ("Thực hiện", "Actual"),
    ("Đạt (%)", "Achieved (%)"),
    ("Vượt kế hoạch", "Above plan"),
)
YES_NO = {True: "Có / Yes", False: "Không / No"}


def _head_row(ws: Worksheet, r_no: int, headers: tuple[tuple[str, str], ...]) -> None:
    for j, (vi, en) in enumerate(headers, start=1):
        cell = ws.cell(r_no, j)
        set_xlsx_cell(cell, f"{vi}\n{en}")
        cell.font = _BOLD
        cell.fill = _HEAD_FILL
        cell.alignment = _WRAP
        cell.border = _BOX
    ws.row_dimensions[r_no].height = 45


def _body_row(ws: Worksheet, r_no: int, values: list[object], bold: bool = False) -> None:
    for j, v in enumerate(values, start=1):
        cell = ws.cell(r_no, j)
        cell.border = _BOX
        if bold:
            cell.font = _BOLD
        if isinstance(v, int):
            cell.number_format = "#,##0"
        elif isinstance(v, float):
            cell.number_format = "0.0"
        set_xlsx_cell(cell, v)


def write_plan_sheet(ws: Worksheet, table: PlanVsActual) -> None:
    """Plans against actual: money per area, component and source (each area's total first,
    in bold), then physical targets; values only, no formulas."""
    area = table.area
    where_vi = (area.name_vi or area.code) if area else "Toàn tỉnh"
    where_en = (area.name_en or area.name_vi or area.code) if area else "Whole province"
    set_xlsx_cell(ws.cell(1, 1), f"Kế hoạch và thực hiện năm {table.year} · {where_vi}")
    ws.cell(1, 1).font = _TITLE
    set_xlsx_cell(ws.cell(2, 1), f"Plans against actual, {table.year} · {where_en}")
    ws.cell(2, 1).font = Font(italic=True, size=11)
    r_no = 4
    _head_row(ws, r_no, MONEY_HEADERS)
    head = r_no
    r_no += 1
    for row in table.rows:
        a = row.area
        level_vi, level_en = PLAN_LEVELS.get(a.level.value, (a.level.value, a.level.value))
        name = a.name_vi or a.code
        if a.name_en and a.name_en != a.name_vi:
            name = f"{name} ({a.name_en})"
        first: list[object] = [a.code, name, f"{level_vi} / {level_en}", row.plan_id or ""]
        pct = row.disbursed_pct
        _body_row(
            ws,
            r_no,
            [
                *first,
                "Tổng cộng / Total",
                "",
                row.allocated_vnd,
                row.committed_vnd,
                row.disbursed_vnd,
                row.allocated_vnd - row.disbursed_vnd,
                float(pct) if pct is not None else "",
                YES_NO[row.above_plan],
            ],
            bold=True,
        )
        r_no += 1
        for m in row.money:
            p = m.disbursed_pct
            _body_row(
                ws,
                r_no,
                [
                    *first,
                    m.component,
                    bilingual(PLAN_SOURCE, m.source.value),
                    m.allocated_vnd,
                    m.committed_vnd,
                    m.disbursed_vnd,
                    m.remaining_vnd,
                    float(p) if p is not None else "",
                    YES_NO[m.above_plan],
                ],
            )
            r_no += 1
    r_no += 1
    _head_row(ws, r_no, TARGET_HEADERS)
    r_no += 1
    for row in table.rows:
        a = row.area
        level_vi, level_en = PLAN_LEVELS.get(a.level.value, (a.level.value, a.level.value))
        for t in row.targets:
            p = t.pct
            _body_row(
                ws,
                r_no,
                [
                    a.code,
                    a.name_vi or a.code,
                    f"{level_vi} / {level_en}",
                    row.plan_id or "",
                    t.component,
                    bilingual(PLAN_TARGET, t.kind.value),
                    bilingual(NEED, t.support_kind) if t.support_kind else "",
                    t.planned,
                    t.actual,
                    float(p) if p is not None else "",
                    YES_NO[t.above_plan],
                ],
            )
            r_no += 1
    notes = (
        "Cam kết = giải ngân và ngân sách các dự án bắt đầu trong năm. / Committed = disbursed "
        "plus the budgets of projects starting in the year.",
        "Chỉ tiêu số hộ đếm mỗi hộ một lần. / Household targets count each household once.",
    )
    for i, text in enumerate(notes, start=r_no + 1):
        set_xlsx_cell(ws.cell(i, 1), text)
        ws.cell(i, 1).font = Font(italic=True, size=9)
    widths = (12, 30, 18, 16, 16, 26, 16, 16, 16, 16, 11, 12)
    for col, width in zip("ABCDEFGHIJKL", widths, strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = ws.cell(head + 1, 3)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "&P / &N"
    ws.oddHeader.right.text = PLAN_SHEET


def write_xlsx(book: Book, out: IO[bytes] | str, plans: PlanVsActual | None = None) -> None:
    """Every table of ``book``, one sheet each, into ``out`` (a path or a binary stream);
    with ``plans``, a last sheet of plans against actual."""
    wb = Workbook()
    default = wb.active
    if default is not None:
        wb.remove(default)
    used: set[str] = set()
    for table in book.tables:
        _write_sheet(wb.create_sheet(_sheet_name(table, used)), book, table)
    if plans is not None:
        write_plan_sheet(wb.create_sheet(PLAN_SHEET), plans)
    wb.properties.title = "Báo cáo giảm nghèo / Poverty-reduction report"
    wb.save(out)


def xlsx_bytes(book: Book, plans: PlanVsActual | None = None) -> bytes:
    buf = io.BytesIO()
    write_xlsx(book, buf, plans)
    return buf.getvalue()


def csv_header(table: Table) -> list[object]:
    head: list[object] = [f"{vi} / {en}" for vi, en in AREA_HEADERS]
    for c in table.columns:
        head += [f"{c.label_vi} / {c.label_en} — {u_vi} / {u_en}" for u_vi, u_en in UNITS]
    for rc in table.rates:
        head += [f"{rc.label_vi} / {rc.label_en} (%) — {u_vi} / {u_en}" for u_vi, u_en in UNITS]
    return head


def write_csv(table: Table, out: IO[str]) -> None:
    """One table as CSV (UTF-8 text; the caller adds a BOM for Excel if it wants one)."""
    w = csv.writer(out)
    w.writerow(csv_row(csv_header(table)))
    for r in table.rows:
        w.writerow(csv_row(_area_cells(r) + _figures(table, r)))


def csv_bytes(table: Table) -> bytes:
    buf = io.StringIO()
    write_csv(table, buf)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
