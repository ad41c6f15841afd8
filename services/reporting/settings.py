"""Reporting settings (environment prefix ``REPORTING_``)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class ReportingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTING_", extra="ignore")
    service_name: ClassVar[str] = "reporting"

    database_url: str = Field(default="sqlite:///./data/reporting.db")
    http_port: int = Field(default=8004, ge=0, le=65535)
    areas_file: Path | None = Field(
        default=None,
        description="CSV of administrative areas loaded at start (intake's layout); "
        "unset: the sample list shipped with intake.",
    )
    area_changes_file: Path | None = Field(
        default=None,
        description="CSV of the area list's dated changes (merges, renames, moves; docs/areas.md) "
        "loaded at start; unset: the change list shipped with intake.",
    )
    definitions_file: Path | None = Field(
        default=None,
        description="TOML of report definitions; unset: data/report-definitions.toml.",
    )
    suppression_threshold: int = Field(
        default=5,
        ge=1,
        le=100,
        description="Households below which a published non-zero figure is suppressed.",
    )
