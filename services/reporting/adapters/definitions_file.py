"""Loads the report definitions (``data/report-definitions.toml``)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from services.reporting.domain.definitions import ReportDefinitions

DEFAULT = Path(__file__).resolve().parents[1] / "data" / "report-definitions.toml"


def load_definitions(path: Path | None = None) -> ReportDefinitions:
    with (path or DEFAULT).open("rb") as f:
        return ReportDefinitions.model_validate(tomllib.load(f))
