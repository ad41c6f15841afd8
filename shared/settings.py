"""Settings base shared by every service: Redis, database, HTTP and delivery tuning.

Each service subclasses :class:`ServiceSettings` with its own ``env_prefix`` (``INTAKE_`` …).
``REDIS_URL`` is read without prefix: one Redis serves the whole deployment.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", env_prefix="GIAMNGHEO_")

    service_name: ClassVar[str] = "service"

    redis_url: str = Field(
        default="redis://127.0.0.1:6379/0",
        validation_alias=AliasChoices("REDIS_URL"),
        description="Redis server holding the event streams.",
    )
    database_url: str = Field(
        default="sqlite:///./data/service.db", description="SQLAlchemy URL of the service's DB."
    )
    http_host: str = Field(default="127.0.0.1", description="Address the HTTP API listens on.")
    http_port: int = Field(default=8000, ge=0, le=65535, description="HTTP port (0: any free).")
    consumer_name: str | None = Field(
        default=None, description="Consumer name in the group; unique per replica when unset."
    )
    batch_size: int = Field(default=500, ge=1, le=10_000, description="Entries per stream read.")
    poll_ms: int = Field(default=500, ge=10, description="How long one stream read blocks (ms).")
    claim_idle_ms: int = Field(
        default=30_000, ge=100, description="Idle time after which a pending entry is claimed."
    )
    claim_interval_s: float = Field(default=5.0, gt=0, description="How often to look for them.")
    max_deliveries: int = Field(
        default=5, ge=1, description="Deliveries after which a failing entry is dead-lettered."
    )
    stream_maxlen: int | None = Field(
        default=None, ge=1000, description="Approximate cap on stream length (unset: no trim)."
    )
    outbox_confirm_s: float = Field(
        default=5.0,
        gt=0,
        le=3600,
        description="Seconds a published outbox row is kept until Redis has surely persisted it.",
    )
    max_body_mb: int = Field(
        default=16, ge=1, le=1024, description="Largest request body accepted over HTTP (MiB)."
    )
    log_level: str = Field(default="INFO", description="Python log level.")

    @classmethod
    def env_names(cls) -> set[str]:
        """Every environment variable this settings class reads."""
        prefix = cls.model_config.get("env_prefix", "")
        names: set[str] = set()
        for name, field in cls.model_fields.items():
            alias = field.validation_alias
            if isinstance(alias, AliasChoices):
                names.update(str(choice) for choice in alias.choices)
            elif isinstance(alias, str):
                names.add(alias)
            else:
                names.add(f"{prefix}{name}".upper())
        return names
