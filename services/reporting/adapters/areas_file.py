"""Reads the area registry from intake's area-list CSV into an ``AreaTree``.

Kept apart so that the registry can later arrive from an intake stream instead: only this
module knows the file's columns. Columns read (header names, any order): ``province_code``,
``province_name``, ``commune_code``, ``commune_name``, ``village_code``, ``village_name``,
``former_district_code``, ``former_district_name``; optional ``province_name_en``,
``commune_name_en``, ``village_name_en``, ``valid_from``, ``valid_to`` (ISO dates, per row:
the village's dates).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

from services.reporting.domain.areas import Area, AreaLevel, AreaTree
from shared.area_changes import AreaChange, parse_changes
from shared.errors import DomainError, ErrorKind

SAMPLE = Path(__file__).resolve().parents[2] / "intake" / "data" / "areas-sample.csv"
"""The sample list shipped with intake (Lào Cai), used when no file is configured."""

CHANGES = SAMPLE.parent / "area-changes.csv"
"""The change list shipped with intake (``shared.area_changes``; ``docs/areas.md``)."""

REQUIRED = (
    "province_code",
    "province_name",
    "commune_code",
    "commune_name",
    "village_code",
    "village_name",
    "former_district_code",
    "former_district_name",
)


def _text(row: Mapping[str, str | None], key: str) -> str | None:
    value = (row.get(key) or "").strip()
    return value or None


def _date(row: Mapping[str, str | None], key: str, line: int) -> date | None:
    value = _text(row, key)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError(
            f"line {line}.{key}",
            f"Dòng {line}: ngày «{value}» không đúng dạng YYYY-MM-DD.",
            f"Line {line}: date '{value}' is not YYYY-MM-DD.",
            ErrorKind.INVALID,
        ) from None


def areas_from_rows(rows: Iterable[Mapping[str, str | None]]) -> AreaTree:
    """One area per province, former district, commune and village named in ``rows``."""
    found: dict[str, Area] = {}
    for line, row in enumerate(rows, start=2):
        missing = [k for k in REQUIRED if k not in row]
        if missing:
            raise DomainError(
                "columns",
                f"Thiếu cột: {', '.join(missing)}.",
                f"Missing columns: {', '.join(missing)}.",
                ErrorKind.INVALID,
            )
        province = _text(row, "province_code")
        commune = _text(row, "commune_code")
        village = _text(row, "village_code")
        if not (province and commune):
            continue
        district = _text(row, "former_district_code")
        found.setdefault(
            province,
            Area(
                province,
                AreaLevel.PROVINCE,
                _text(row, "province_name") or province,
                _text(row, "province_name_en"),
            ),
        )
        if district:
            found.setdefault(
                district,
                Area(
                    district,
                    AreaLevel.FORMER_DISTRICT,
                    _text(row, "former_district_name") or district,
                    parent_code=province,
                ),
            )
        found.setdefault(
            commune,
            Area(
                commune,
                AreaLevel.COMMUNE,
                _text(row, "commune_name") or commune,
                _text(row, "commune_name_en"),
                parent_code=province,
                former_district_code=district,
            ),
        )
        if village:
            found[village] = Area(
                village,
                AreaLevel.VILLAGE,
                _text(row, "village_name") or village,
                _text(row, "village_name_en"),
                parent_code=commune,
                valid_from=_date(row, "valid_from", line),
                valid_to=_date(row, "valid_to", line),
            )
    return AreaTree.of(found.values())


def load_area_file(path: Path | None = None) -> AreaTree:
    """The registry in ``path`` (default: intake's sample list)."""
    with (path or SAMPLE).open(encoding="utf-8-sig", newline="") as f:
        return areas_from_rows(csv.DictReader(f))


def load_area_changes(path: Path | None = None) -> tuple[AreaChange, ...]:
    """The area list's changes in ``path`` (default: intake's shipped change list)."""
    with (path or CHANGES).open(encoding="utf-8-sig", newline="") as f:
        return parse_changes(csv.DictReader(f))
