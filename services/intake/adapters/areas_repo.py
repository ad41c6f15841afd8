"""Loads the administrative-area list (CSV) into an ``AreaRegistry``."""

from __future__ import annotations

import csv
from pathlib import Path

from services.intake.domain.areas import AreaRegistry

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "areas-sample.csv"


def load_registry(path: Path | None = None) -> AreaRegistry:
    with (path or SAMPLE).open(encoding="utf-8-sig", newline="") as f:
        return AreaRegistry.from_rows(csv.DictReader(f))
