"""Settings of the web app (prefix ``WEB_``): where the services answer, cookies, language."""

from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class WebSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", env_prefix="WEB_")

    http_host: str = Field(default="127.0.0.1", description="Address the web app listens on.")
    http_port: int = Field(default=8000, ge=0, le=65535, description="HTTP port of the web app.")
    intake_url: str = Field(default="http://127.0.0.1:8001", description="Intake's HTTP API.")
    assessment_url: str = Field(default="http://127.0.0.1:8002", description="Assessment's API.")
    support_url: str = Field(default="http://127.0.0.1:8003", description="Support's HTTP API.")
    reporting_url: str = Field(default="http://127.0.0.1:8004", description="Reporting's API.")
    access_url: str = Field(default="http://127.0.0.1:8005", description="Access service's API.")
    auth_issuer: str = Field(
        default="giamngheo",
        validation_alias=AliasChoices("AUTH_ISSUER", "WEB_AUTH_ISSUER"),
        description="Issuer of the platform's access tokens.",
    )
    auth_audience: str = Field(
        default="giamngheo",
        validation_alias=AliasChoices("AUTH_AUDIENCE", "WEB_AUTH_AUDIENCE"),
        description="Audience the tokens name.",
    )
    secure_cookies: bool = Field(
        default=False,
        description="Mark the session cookies Secure (set when the gateway serves HTTPS).",
    )
    csrf_secret: SecretStr | None = Field(
        default=None,
        description="Key signing the forms' anti-forgery token (random per start when unset: "
        "replicas behind one gateway need the same value).",
    )
    default_language: str = Field(default="vi", pattern="^(vi|en)$", description="vi or en.")
    request_timeout_s: float = Field(default=60.0, gt=0, description="Timeout of API calls.")
    log_level: str = Field(
        default="INFO",
        validation_alias=AliasChoices("WEB_LOG_LEVEL", "LOG_LEVEL"),
        description="Python log level.",
    )

    def service_url(self, service: str) -> str:
        return str(getattr(self, f"{service}_url")).rstrip("/")
