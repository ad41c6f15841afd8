"""Reads intake's area-list CSV (the columns ``province_code``, ``province_name``,
``commune_code``, ``commune_name``, ``former_district_code``, ``former_district_name``; other
columns ignored) into an :class:`AreaMap`."""

from __future__ import annotations

import csv
from pathlib import Path
from types import MappingProxyType

from services.support.domain.areas import AreaMap, Commune

SAMPLE = Path(__file__).resolve().parents[2] / "intake" / "data" / "areas-sample.csv"
"""The sample list shipped with intake, used when no file is configured."""


def load_areas(path: Path | None = None) -> AreaMap:
    communes: dict[str, Commune] = {}
    names: dict[str, str] = {}
    with (path or SAMPLE).open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            code = (row.get("commune_code") or "").strip()
            province = (row.get("province_code") or "").strip()
            if not code or not province:
                continue
            district = (row.get("former_district_code") or "").strip() or None
            communes[code] = Commune(
                code, (row.get("commune_name") or code).strip(), province, district
            )
            names[province] = (row.get("province_name") or province).strip()
            if district:
                names[district] = (row.get("former_district_name") or district).strip()
    return AreaMap(MappingProxyType(communes), MappingProxyType(names))
