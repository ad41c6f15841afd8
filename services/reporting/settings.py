"""Reporting settings (environment prefix ``REPORTING_``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class ReportingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTING_", extra="ignore")
    service_name: ClassVar[str] = "reporting"

    database_url: str = Field(default="sqlite:///./data/reporting.db")
    http_port: int = Field(default=8004, ge=0, le=65535)
