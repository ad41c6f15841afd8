"""Support settings (environment prefix ``SUPPORT_``)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class SupportSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SUPPORT_", extra="ignore")
    service_name: ClassVar[str] = "support"

    database_url: str = Field(default="sqlite:///./data/support.db")
    http_port: int = Field(default=8003, ge=0, le=65535)
    catalogue_overrides: list[Path] = Field(
        default_factory=list,
        description="Province override files (TOML) adding or replacing catalogue programmes.",
    )
    areas_file: Path | None = Field(
        default=None,
        description="CSV of administrative areas (intake's layout) naming the province, former "
        "districts and communes plans are made for; intake's sample when unset.",
    )
