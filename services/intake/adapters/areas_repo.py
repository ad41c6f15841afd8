"""Loads the administrative-area list (CSV) and its dated changes into an ``AreaRegistry``."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from services.intake.domain.areas import AreaRegistry
from shared.area_changes import AreaChange, parse_changes

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "areas-sample.csv"
CHANGES = SAMPLE.parent / "area-changes.csv"
"""The change list shipped with the sample (``docs/areas.md``)."""


def load_changes(path: Path | None = None) -> tuple[AreaChange, ...]:
    with (path or CHANGES).open(encoding="utf-8-sig", newline="") as f:
        return parse_changes(csv.DictReader(f))


def load_registry(
    path: Path | None = None, changes: Path | None = None, *, on: date | None = None
) -> AreaRegistry:
    """The area list in ``path`` with the changes in ``changes``; ``on``: the areas in force
    that day (``None``: the list as written, changes kept for dated lookups)."""
    with (path or SAMPLE).open(encoding="utf-8-sig", newline="") as f:
        listed = AreaRegistry.from_rows(csv.DictReader(f))
    registry = listed.with_changes(load_changes(changes))
    return registry.as_of(on) if on is not None else registry
