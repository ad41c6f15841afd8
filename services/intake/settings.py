"""Intake settings (environment prefix ``INTAKE_``)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class IntakeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore")
    service_name: ClassVar[str] = "intake"

    database_url: str = Field(default="sqlite:///./data/intake.db")
    http_port: int = Field(default=8001, ge=0, le=65535)
    areas_file: Path | None = Field(
        default=None, description="CSV of administrative areas; the shipped sample when unset."
    )
    area_changes_file: Path | None = Field(
        default=None,
        description="CSV of the area list's dated changes (merges, renames, moves; docs/areas.md); "
        "unset: the change list shipped in services/intake/data.",
    )
    max_upload_mb: int = Field(default=50, ge=1, description="Largest accepted upload (MiB).")
    personal_data_key: SecretStr | None = Field(
        default=None,
        description="Base64 secret (32 bytes) sealing citizen ids at rest; else the key file.",
    )
    personal_data_key_file: Path = Field(
        default=Path("./data/keys/personal-data.key"),
        description="File holding that secret, created on first start (back it up apart).",
    )
