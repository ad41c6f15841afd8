"""Access settings (environment prefix ``ACCESS_``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class AccessSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ACCESS_", extra="ignore")
    service_name: ClassVar[str] = "access"

    database_url: str = Field(default="sqlite:///./data/access.db")
    http_port: int = Field(default=8005, ge=0, le=65535)
    keys_dir: str = Field(
        default="./data/keys",
        description="Folder of the token signing key (created with a new key if empty).",
    )
    access_token_minutes: int = Field(
        default=10, ge=1, le=60, description="Lifetime of an access token."
    )
    refresh_token_hours: int = Field(
        default=72, ge=1, le=24 * 30, description="Lifetime of a refresh token (sliding)."
    )
    machine_token_days: int = Field(
        default=365, ge=1, le=3 * 365, description="Lifetime of a form (machine) token."
    )
    province_code: str = Field(
        default="15", min_length=1, max_length=16, description="Province this server serves."
    )
    bootstrap_admin: str = Field(
        default="admin", description="User name of the first province administrator."
    )
    bootstrap_admin_password: SecretStr | None = Field(
        default=None,
        description="Its password; unset: a one-time password is generated and printed once.",
    )
    bootstrap_admin_must_change: bool = Field(
        default=True, description="The first administrator must change that password first."
    )
    login_max_failures: int = Field(
        default=5, ge=1, description="Failed sign-ins allowed per user name within the window."
    )
    login_window_s: int = Field(default=900, ge=10, description="Throttling window (seconds).")
