"""Rows of a valid bulk file by default, any cell overridable (keys are the English headers)."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Any

from services.intake.domain.bulk import Row
from services.intake.domain.layout import HOUSEHOLDS, MEMBERS, TableSpec


def household(code: str = "HH-1", **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "household_code": code,
        "commune_code": "04570",
        "village_code": "04570-01",
        "review_year": 2026,
        "review_kind": "Định kỳ",
        "surveyed_at": "01/10/2026 09:00",
        "head_name": "Hoàng Văn A",
        "livelihood_agriculture": "có",
        "income_vnd": "1.200.000",
        "pillars": "Bê tông cốt thép",
        "walls": "Gạch, đá",
        "roof": "Ngói",
        "floor_area_m2": "45,5",
        "water_source": "Nước máy",
        "latrine": "Tự hoại",
        "uses_telecom": "có",
        "assets": "Ti vi; Xe máy",
        "causes": "Thiếu vốn",
        "needs": "Vay vốn; Nhà ở",
    }
    row.update(overrides)
    return row


def citizen_id(code: str, no: int) -> str:
    """A citizen id of its own for each member of each household (a person is in one)."""
    return f"015{zlib.crc32(code.encode()) % 10**7:07d}{no:02d}"


def member(code: str = "HH-1", no: int = 1, **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "household_code": code,
        "member_no": no,
        "age": 40,
        "sex": "Nam",
        "relation": "Chủ hộ" if no == 1 else "Con",
        "ethnicity": "Tày",
        "citizen_id": citizen_id(code, 1) if no == 1 else "",
        "employment": "Có việc làm",
        "has_health_insurance": "có",
    }
    row.update(overrides)
    return row


def family(code: str = "HH-1") -> list[dict[str, Any]]:
    return [
        member(code, 1),
        member(code, 2, age=38, sex="Nữ", relation="Vợ/chồng", citizen_id=citizen_id(code, 2)),
    ]


def table(
    spec: TableSpec, records: Sequence[dict[str, Any]], *, english: bool = False
) -> list[Row]:
    """Header row (Vietnamese or English) then one row per record, numbered from 1."""
    header = [c.key if english else c.vi for c in spec.columns]
    rows: list[Row] = [(1, header)]
    for number, record in enumerate(records, start=2):
        rows.append((number, [record.get(c.key, "") for c in spec.columns]))
    return rows


def households_table(records: Sequence[dict[str, Any]], *, english: bool = False) -> list[Row]:
    return table(HOUSEHOLDS, records, english=english)


def members_table(records: Sequence[dict[str, Any]], *, english: bool = False) -> list[Row]:
    return table(MEMBERS, records, english=english)
