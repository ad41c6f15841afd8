"""The report page's tables, charts and XLSX follow the API's JSON."""

from __future__ import annotations

import io

import openpyxl
import pytest

from services.web.i18n import Translator
from services.web.workbook import chart_data, report_xlsx, tables

pytestmark = pytest.mark.unit
VI = Translator("vi")


def area(level: str, code: str, parent: str | None = None, **values: object) -> dict[str, object]:
    return {
        "area_code": code,
        "level": level,
        "name_vi": f"Tên {code}",
        "name_en": code,
        "parent_code": parent,
        **values,
    }


DATA = {
    "summary": {
        "rows": [
            area("province", "15", households=30, poor=3, poor_rate=10.0, near_poor_rate=5.0),
            area(
                "commune", "04570", "15", households=20, poor=2, poor_rate=10.0, near_poor_rate=5.0
            ),
            area("village", "04570-01", "04570", households=20, poor=2, poor_rate=10.0),
            area(
                "commune", "04681", "15", households=10, poor=1, poor_rate=10.0, near_poor_rate=0.0
            ),
        ]
    },
    "changes": {
        "rows": [
            area(
                "commune",
                "04570",
                "15",
                poor={
                    "start": 3,
                    "end": 2,
                    "change": -1,
                    "decreases": {"escaped": 2, "to_near_poor": 0},
                    "increases": {"fell_back": 1, "newly": 0},
                },
            ),
        ]
    },
    "targets": {"error": ["Không tìm thấy."]},
}


def test_a_report_over_several_communes_shows_communes_and_up_on_the_page() -> None:
    shown = tables(DATA)
    assert [r["level"] for r in shown["summary"]["rows"]] == ["province", "commune", "commune"]
    assert "parent_code" not in shown["summary"]["columns"]
    assert {"poor_start", "poor_dec_escaped", "poor_inc_fell_back"} <= set(
        shown["changes"]["columns"]
    )
    assert "targets" not in shown


def test_charts_draw_rates_and_changes_by_commune() -> None:
    charts = chart_data(DATA, VI)
    assert charts["rates"]["labels"] == ["Tên 04570", "Tên 04681"]
    assert charts["rates"]["near_poor"] == [5.0, 0.0]
    assert charts["changes"]["decrease"] == [2.0]
    assert charts["changes"]["increase"] == [1.0]


def test_xlsx_has_a_sheet_per_table_headed_in_the_officers_language_and_no_formula() -> None:
    data = {"summary": {"rows": [area("commune", "=HYPERLINK(1)", households=1)]}}
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(data, VI)))
    sheet = book["Tổng hợp"]
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["Địa bàn", "Cấp"]
    cell = sheet.cell(row=2, column=1)
    assert cell.value == "=HYPERLINK(1)"
    assert cell.data_type == "s"


def test_deprivation_chart_draws_each_indicator_of_the_areas_first_row() -> None:
    table = {
        "columns": [
            {"key": "households", "label_vi": "Hộ nghèo", "label_en": "Poor"},
            {"key": "deprivations", "label_vi": "Tổng", "label_en": "Total"},
            {"key": "health_insurance", "label_vi": "x", "label_en": "x"},
            {"key": "water_source", "label_vi": "x", "label_en": "x"},
        ],
        "rows": [
            {"values": {"households": {"households": 40}, "deprivations": {"households": 90},
                        "health_insurance": {"households": 12}, "water_source": None}},
            {"values": {"health_insurance": {"households": 5}}},
        ],
    }  # fmt: skip
    series = chart_data({"deprivation": table}, VI)["deprivation"]
    assert series["values"] == [12.0]  # a hidden (null) figure is left out, not drawn as 0
    assert series["labels"] == [VI.code("indicator", "health_insurance")]
    assert chart_data({}, VI)["deprivation"]["labels"] == []


def test_targets_show_each_area_with_its_outcome() -> None:
    targets = {
        "rows": [
            {"area": {"code": "04570", "level": "commune", "name_vi": "Thượng Bằng La",
                      "name_en": None, "parent_code": "15"},
             "review_year": 2023, "measure": "poor_rate", "planned_reduction": "1.93",
             "start_rate": 4.9, "end_rate": 2.97, "actual_reduction": 1.93, "outcome": "met"},
        ]
    }  # fmt: skip
    shown = tables({"targets": targets})["targets"]
    (row,) = shown["rows"]
    assert row["outcome"] == "met"
    assert "outcome" in shown["columns"]
    assert row["area_code"] == "Thượng Bằng La"
    assert "area_name_vi" not in shown["columns"]
