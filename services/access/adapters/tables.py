"""Access's tables: accounts, their grants, refresh tokens, failed sign-ins and the audit trail."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from shared.db import plumbing_tables

mapper_registry = registry()
metadata = mapper_registry.metadata


class AccessModel(SQLModel, registry=mapper_registry):
    pass


class UserAccount(AccessModel, table=True):
    __tablename__ = "user_account"

    id: str = Field(primary_key=True, max_length=36)
    username: str = Field(max_length=64, unique=True)
    display_name: str = Field(default="", max_length=128)
    kind: str = Field(default="person", max_length=16)  # person | machine
    password_hash: str | None = Field(default=None, max_length=256)
    disabled: bool = False
    must_change_password: bool = False
    not_before: float = 0.0  # tokens issued earlier are refused (epoch seconds)
    form_id: str | None = Field(default=None, max_length=128)  # machines: the form they post
    created_at: datetime = Field(sa_type=sa.DateTime(timezone=True))  # type: ignore[call-overload]


class UserGrant(AccessModel, table=True):
    __tablename__ = "user_grant"

    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(max_length=36, index=True)
    role: str = Field(max_length=32)
    areas: str = Field(max_length=4000)  # space-separated scopes: commune:04570 village:…


class RefreshToken(AccessModel, table=True):
    __tablename__ = "refresh_token"

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(max_length=36, index=True)
    family: str = Field(max_length=36, index=True)
    expires_at: float
    used: bool = False


class LoginFailure(AccessModel, table=True):
    __tablename__ = "login_failure"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, index=True)
    client: str = Field(default="", max_length=64)
    at: float


class AuditEntry(AccessModel, table=True):
    """Append-only (triggers refuse UPDATE and DELETE); hash-chained (``domain.audit``)."""

    __tablename__ = "audit_entry"

    seq: int | None = Field(
        default=None,
        sa_column=sa.Column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    )
    event_id: str = Field(max_length=36, unique=True)
    at: datetime = Field(sa_type=sa.DateTime(timezone=True))  # type: ignore[call-overload]
    actor_id: str = Field(max_length=128, index=True)
    actor_name: str = Field(max_length=128, index=True)
    actor_roles: str = Field(max_length=256)
    service: str = Field(max_length=32)
    action: str = Field(max_length=64, index=True)
    target_kind: str = Field(max_length=32)
    target_id: str = Field(max_length=128, index=True)
    province_code: str | None = Field(default=None, max_length=16)
    commune_code: str | None = Field(default=None, max_length=16, index=True)
    village_code: str | None = Field(default=None, max_length=32)
    before: str | None = Field(default=None, sa_type=sa.Text)
    after: str | None = Field(default=None, sa_type=sa.Text)
    correlation_id: str = Field(default="", max_length=128)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(AccessModel, table=True):
    """The chain's last link (one row, locked while appending)."""

    __tablename__ = "audit_head"

    id: int = Field(primary_key=True)
    seq: int = 0
    hash: str = Field(max_length=64)


plumbing = plumbing_tables(metadata)
users = UserAccount.__table__  # type: ignore[attr-defined]
grants = UserGrant.__table__  # type: ignore[attr-defined]
refresh_tokens = RefreshToken.__table__  # type: ignore[attr-defined]
login_failures = LoginFailure.__table__  # type: ignore[attr-defined]
audit_entries = AuditEntry.__table__  # type: ignore[attr-defined]
audit_head = AuditHead.__table__  # type: ignore[attr-defined]
