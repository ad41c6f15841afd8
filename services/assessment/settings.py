"""Assessment settings (environment prefix ``ASSESSMENT_``)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class AssessmentSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ASSESSMENT_", extra="ignore")
    service_name: ClassVar[str] = "assessment"

    database_url: str = Field(default="sqlite:///./data/assessment.db")
    http_port: int = Field(default=8002, ge=0, le=65535)
    standard_overrides: list[Path] = Field(
        default_factory=list,
        description="Province override files (TOML) merged over the national standards.",
    )
    classify_next_period_baseline: bool = Field(
        default=True,
        description="Also classify each survey under the next period's standard (baseline).",
    )
