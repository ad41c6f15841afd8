"""Spreadsheets and charts of the pages: the rows of an upload's error report to show, the
report tables as an XLSX (text cells never formulas), and the series the charts draw."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook, load_workbook

from services.web.i18n import Translator
from shared.spreadsheet_cells import set_xlsx_cell

ERROR_COLUMN = "Lỗi / Error"


def error_rows(data: bytes, limit: int) -> list[dict[str, str]]:
    """The first rejected rows of an error report (household code and the error text)."""
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a zip of two reports, or not a workbook: only the download then
        return []
    out: list[dict[str, str]] = []
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [str(c or "") for c in next(rows, ())]
    if ERROR_COLUMN not in header:
        return []
    err = header.index(ERROR_COLUMN)
    code = next((i for i, h in enumerate(header) if "household_code" in h or "Mã hộ" in h), 0)
    for row in rows:
        if len(out) >= limit:
            break
        out.append({"household": str(row[code] or ""), "error": str(row[err] or "")})
    wb.close()
    return out


SUMMARY_COLUMNS = (
    "area_name",
    "households",
    "poor",
    "poor_rate",
    "near_poor",
    "near_poor_rate",
)


def rows_of(part: Any) -> list[dict[str, Any]]:
    """The rows of an API table, nested figures flattened (``poor.decreases.escaped`` →
    ``poor_dec_escaped``) so that every table is rows of cells."""
    if isinstance(part, dict) and isinstance(part.get("rows"), list):
        return [flat(r) for r in part["rows"] if isinstance(r, dict)]
    return []


def flat(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in row.items():
        short = {"decreases": "dec", "increases": "inc"}.get(k, k)
        if isinstance(v, dict):
            out.update(flat(v, f"{prefix}{short}_"))
        else:
            out[f"{prefix}{short}"] = v
    return out


def columns_of(rows: list[dict[str, Any]]) -> list[str]:
    """Every column the rows carry, in their order (the page follows the API's JSON)."""
    cols: list[str] = []
    for r in rows:
        for k, v in r.items():
            if k not in cols and not isinstance(v, (dict, list)):
                cols.append(k)
    return cols


def chart_data(data: dict[str, Any], t: Translator) -> dict[str, Any]:
    """Rates by commune, and the poor list's decreases and increases by commune."""
    communes = [r for r in rows_of(data.get("summary")) if r.get("level") == "commune"]
    labels = [_name(r, t) for r in communes]
    changes = [r for r in rows_of(data.get("changes")) if r.get("level") == "commune"]
    return {
        "rates": {
            "labels": labels,
            "poor": [_num(r.get("poor_rate")) for r in communes],
            "near_poor": [_num(r.get("near_poor_rate")) for r in communes],
            "label_poor": t("reports.poor_rate"),
            "label_near_poor": t("reports.near_poor_rate"),
        },
        "deprivation": deprivation_series(data.get("deprivation"), t),
        "changes": {
            "labels": [_name(r, t) for r in changes],
            "decrease": [_sum(r, "poor_dec_") for r in changes],
            "increase": [_sum(r, "poor_inc_") for r in changes],
            "label_decrease": t("reports.decrease"),
            "label_increase": t("reports.increase"),
        },
    }


def _sum(row: dict[str, Any], prefix: str) -> float:
    return sum(_num(v) for k, v in row.items() if k.startswith(prefix))


def _num(v: Any) -> float:
    try:
        return float(v or 0)
    except (TypeError, ValueError):
        return 0.0


def deprivation_series(part: Any, t: Translator) -> dict[str, Any]:
    """Poor households deprived on each indicator, for the report's whole area (its first
    row), from reporting's deprivation table; indicator names in the officer's language."""
    labels: list[str] = []
    values: list[float] = []
    if isinstance(part, dict) and part.get("rows") and part.get("columns"):
        top = part["rows"][0].get("values") or {}
        for col in part["columns"]:
            figure = top.get(col.get("key"))
            if not isinstance(figure, dict) or col.get("key") in ("households", "deprivations"):
                continue
            labels.append(t.code("indicator", col["key"]))
            values.append(_num(figure.get("households")))
    return {"labels": labels, "values": values, "label": t("reports.deprived_households")}


def report_xlsx(data: dict[str, Any], t: Translator) -> bytes:
    """The page's tables as one workbook, a sheet each, headers in the officer's language."""
    wb = Workbook()
    first = True
    for key in ("summary", "changes", "targets"):
        rows = rows_of(data.get(key))
        if not rows:
            continue
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = t(f"reports.sheet.{key}")[:31]
        cols = columns_of(rows)
        for j, c in enumerate(cols, start=1):
            set_xlsx_cell(ws.cell(row=1, column=j), t.code("col", c))
        for i, r in enumerate(rows, start=2):
            for j, c in enumerate(cols, start=1):
                set_xlsx_cell(ws.cell(row=i, column=j), r.get(c))
    if first:
        set_xlsx_cell(wb.active.cell(row=1, column=1), t("reports.empty"))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _name(row: dict[str, Any], t: Translator) -> str:
    return str(row.get(f"name_{t.lang}") or row.get("name_vi") or row.get("area_code") or "")


HIDDEN = (
    "parent_code",
    "name_en",
    "name_vi",
    "area_parent_code",
    "area_name_en",
    "area_name_vi",
    "area_level",
)


def tables(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The page's tables: each part's rows and columns as the API gave them. Village rows are
    shown when the report covers one commune; a wider report shows communes and up (its
    villages are in the XLSX)."""
    out = {}
    for key in ("summary", "changes", "targets"):
        rows = rows_of(data.get(key))
        communes = {r.get("area_code") for r in rows if r.get("level") == "commune"}
        if len(communes) > 1:
            rows = [r for r in rows if r.get("level") != "village"]
        if rows:
            cols = [c for c in columns_of(rows) if c not in HIDDEN]
            for r in rows:
                r["area_code"] = r.get("name_vi") or r.get("area_name_vi") or r.get("area_code")
            out[key] = {"columns": cols, "rows": rows}
    return out
