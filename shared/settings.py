"""Settings base shared by every service: Redis, database, HTTP and delivery tuning.

Each service subclasses :class:`ServiceSettings` with its own ``env_prefix`` (``INTAKE_`` …).
``REDIS_URL`` is read without prefix: one Redis serves the whole deployment.
"""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

EXAMPLE_SECRETS = frozenset({"change-me", "changeme", "example", "password", "secret"})
"""Passwords shipped in examples: a service refuses to start with one of them."""


def example_secret(url: str | None) -> bool:
    """True when ``url`` carries a password copied from an example file."""
    if not url:
        return False
    try:
        password = urlsplit(url).password
    except ValueError:
        return False
    return password is not None and password.lower() in EXAMPLE_SECRETS


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
        default=None,
        ge=1000,
        description="Keep the newest N entries of each stream this service publishes; older "
        "ones are trimmed once every consumer group has acknowledged them (unset: no cap).",
    )
    stream_retention_days: float | None = Field(
        default=None,
        gt=0,
        description="Trim entries older than this many days once every consumer group has "
        "acknowledged them (unset: no age rule). Never trims unacknowledged entries.",
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

    # access control: who may call (read without prefix: one identity for the deployment) -----
    auth_issuer: str = Field(
        default="giamngheo",
        validation_alias=AliasChoices("AUTH_ISSUER"),
        description="Issuer ('iss') of the platform's own access tokens.",
    )
    auth_audience: str = Field(
        default="giamngheo",
        validation_alias=AliasChoices("AUTH_AUDIENCE"),
        description="Audience ('aud') every accepted token must name.",
    )
    auth_jwks_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("AUTH_JWKS_URL"),
        description="Where the platform's public signing keys are served (access service).",
    )
    auth_jwks_file: str | None = Field(
        default=None,
        validation_alias=AliasChoices("AUTH_JWKS_FILE"),
        description="Or a file holding them (JWKS JSON).",
    )
    auth_token_url: str = Field(
        default="/api/access/token",
        validation_alias=AliasChoices("AUTH_TOKEN_URL"),
        description="Sign-in URL shown in the API documentation (OAuth2 password flow).",
    )
    auth_oidc_issuer: str | None = Field(
        default=None,
        validation_alias=AliasChoices("AUTH_OIDC_ISSUER"),
        description="Also accept tokens of this OpenID Connect provider (e.g. Keycloak realm).",
    )
    auth_oidc_audience: str | None = Field(
        default=None,
        validation_alias=AliasChoices("AUTH_OIDC_AUDIENCE"),
        description="Audience the provider's tokens must name (default: AUTH_AUDIENCE).",
    )
    auth_oidc_jwks_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("AUTH_OIDC_JWKS_URL"),
        description="The provider's JWKS URL (e.g. …/protocol/openid-connect/certs).",
    )
    auth_oidc_jwks_file: str | None = Field(
        default=None,
        validation_alias=AliasChoices("AUTH_OIDC_JWKS_FILE"),
        description="Or a file with the provider's keys.",
    )
    auth_oidc_username_claim: str = Field(
        default="preferred_username",
        validation_alias=AliasChoices("AUTH_OIDC_USERNAME_CLAIM"),
        description="Claim holding the user name.",
    )
    auth_oidc_roles_claim: str = Field(
        default="realm_access.roles",
        validation_alias=AliasChoices("AUTH_OIDC_ROLES_CLAIM"),
        description="Dotted path of the claim listing the provider's roles.",
    )
    auth_oidc_role_map: dict[str, str] = Field(
        default_factory=dict,
        validation_alias=AliasChoices("AUTH_OIDC_ROLE_MAP"),
        description='Provider role → platform role, JSON (e.g. {"gn-officer": "commune_officer"}).',
    )
    auth_oidc_areas_claim: str = Field(
        default="gn_areas",
        validation_alias=AliasChoices("AUTH_OIDC_AREAS_CLAIM"),
        description="Claim listing the areas the user's roles cover ('commune:04570', …).",
    )

    @model_validator(mode="after")
    def _no_example_secrets(self) -> ServiceSettings:
        for name in ("redis_url", "database_url"):
            if example_secret(getattr(self, name)):
                msg = f"{name} uses an example password: set a real secret in deploy/.env"
                raise ValueError(msg)
        return self

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
