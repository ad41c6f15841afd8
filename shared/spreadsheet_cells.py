"""Cells the platform writes into spreadsheets it gives back (error reports, exports).

Uploaded text is echoed back to officers, who open it in Excel or LibreOffice. A text cell
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a formula
by spreadsheet programs (CSV injection, OWASP): ``=HYPERLINK("http://…","Click")`` in a
household head's name would come back as a live link. So:

* CSV: such text is written with a leading apostrophe (OWASP's advice), which spreadsheet
  programs show as text and never evaluate;
* XLSX: every text cell is written with the string data type and Excel's quote prefix, so it
  is never a formula, is shown as typed, and stays text when an officer edits it.

Standard library only; the XLSX part works on any openpyxl cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """``value`` safe for a CSV cell: text that a spreadsheet would evaluate is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(values: Sequence[object]) -> list[object]:
    return [csv_cell(v) for v in values]


def set_xlsx_cell(cell: Any, value: object) -> None:
    """Write ``value`` into an openpyxl cell; text is always a string, never a formula."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True


def xlsx_row(sheet: Any, values: Sequence[object]) -> list[Any]:
    """``values`` as cells for ``sheet.append`` of a write-only workbook, text never a formula."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet)
        set_xlsx_cell(cell, value)
        cells.append(cell)
    return cells
