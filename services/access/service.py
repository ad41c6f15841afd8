"""Access use cases: sign-in and token refresh, accounts and grants, the audit trail.

* **Sign-in** (OAuth2 password flow): a short-lived signed access token (the platform's JWT,
  carrying the user's grants) and an opaque refresh token, stored hashed, rotated on every use;
  a refresh token used twice revokes its whole family (it was stolen or replayed).
* **Disabling, password resets and grant changes** give the user a *not-before* time: every
  token issued earlier is refused on every service as soon as the revocation is announced
  (see ``shared.access.tokens``), and refresh tokens are deleted here at once.
* **Throttling**: ``login_max_failures`` failed sign-ins for a user name within the window lock
  it until the oldest leaves the window (429 with ``Retry-After``).
* **Audit trail**: entries from every service (stream ``audit.recorded``) and from this one are
  appended to a hash chain under a lock; no route edits or deletes them.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from services.access.adapters.keys import Signer
from services.access.adapters.passwords import hash_password, verify_password
from services.access.adapters.tables import (
    audit_entries,
    audit_head,
    grants,
    login_failures,
    plumbing,
    refresh_tokens,
    users,
)
from services.access.domain.audit import GENESIS, entry_hash, first_break
from services.access.domain.users import (
    check_grant,
    check_password,
    check_username,
    retry_after,
    throttled,
)
from services.access.settings import AccessSettings
from shared.access.model import Actor, AreaFilter, role_table
from shared.contracts.audit import AuditPayload, AuditRecorded
from shared.db import SqlUnitOfWork
from shared.errors import DomainError, ErrorKind, not_found
from shared.runtime import STREAM_OF

SERVICE = "access"
DISABLED_NOT_BEFORE = 1e12
"""Not-before of a disabled account: far enough that no token ever passes."""
SYSTEM = Actor("system", "system", "system")


@dataclass(frozen=True)
class GrantSpec:
    role: str
    areas: tuple[str, ...]


@dataclass(frozen=True)
class UserView:
    id: str
    username: str
    display_name: str
    kind: str
    disabled: bool
    must_change_password: bool
    grants: tuple[GrantSpec, ...]
    created_at: datetime
    form_id: str | None = None


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    must_change_password: bool
    token_type: str = "bearer"  # noqa: S105 (the OAuth2 token type, not a secret)


@dataclass(frozen=True)
class Revocation:
    """Tokens of ``user_id`` issued before ``not_before`` are to be refused everywhere."""

    user_id: str
    not_before: float


@dataclass(frozen=True)
class AuditQuery:
    user: str | None = None
    commune: str | None = None
    village: str | None = None
    kind: str | None = None  # action prefix ('recognition') or target kind ('household')
    target: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    after_seq: int = 0
    limit: int = 100


@dataclass(frozen=True)
class AuditPage:
    entries: list[dict[str, Any]]
    next_after: int | None = None
    scope: AreaFilter = field(default_factory=lambda: AreaFilter(True))


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class AccessUnitOfWork(SqlUnitOfWork):
    def __init__(self, engine: Engine) -> None:
        super().__init__(engine, plumbing, STREAM_OF)

    # accounts --------------------------------------------------------------------------------
    def user_row(self, *, username: str | None = None, user_id: str | None = None) -> Any:
        q = sa.select(users)
        q = q.where(users.c.username == username) if username else q.where(users.c.id == user_id)
        return self.conn.execute(q).first()

    def grants_of(self, user_ids: Sequence[str]) -> dict[str, list[GrantSpec]]:
        out: dict[str, list[GrantSpec]] = {u: [] for u in user_ids}
        if not user_ids:
            return out
        q = sa.select(grants.c.user_id, grants.c.role, grants.c.areas).where(
            grants.c.user_id.in_(list(user_ids))
        )
        for uid, role, areas in self.conn.execute(q.order_by(grants.c.id)):
            out[uid].append(GrantSpec(role, tuple(areas.split())))
        return out

    def view(self, row: Any) -> UserView:
        return UserView(
            id=row.id,
            username=row.username,
            display_name=row.display_name,
            kind=row.kind,
            disabled=row.disabled,
            must_change_password=row.must_change_password,
            grants=tuple(self.grants_of([row.id])[row.id]),
            created_at=row.created_at,
            form_id=row.form_id,
        )

    def update_user(self, user_id: str, **values: Any) -> None:
        self.conn.execute(sa.update(users).where(users.c.id == user_id).values(**values))

    def replace_grants(self, user_id: str, specs: Sequence[GrantSpec]) -> None:
        self.conn.execute(sa.delete(grants).where(grants.c.user_id == user_id))
        if specs:
            self.conn.execute(
                sa.insert(grants),
                [{"user_id": user_id, "role": g.role, "areas": " ".join(g.areas)} for g in specs],
            )

    def drop_refresh_tokens(self, user_id: str) -> None:
        self.conn.execute(sa.delete(refresh_tokens).where(refresh_tokens.c.user_id == user_id))

    # audit trail -----------------------------------------------------------------------------
    def append_audit(self, entries: Sequence[dict[str, Any]], now: datetime) -> None:
        """Append entries to the hash chain (the head row is locked while appending)."""
        if not entries:
            return
        head = self.conn.execute(
            sa.select(audit_head.c.seq, audit_head.c.hash)
            .where(audit_head.c.id == 1)
            .with_for_update()
        ).first()
        if head is None:
            self.conn.execute(sa.insert(audit_head), [{"id": 1, "seq": 0, "hash": GENESIS}])
            seq, prev = 0, GENESIS
        else:
            seq, prev = int(head.seq), str(head.hash)
        rows = []
        for e in entries:
            seq += 1
            row = {**e, "seq": seq, "prev_hash": prev, "recorded_at": now}
            row["hash"] = prev = entry_hash(prev, row)
            row.pop("recorded_at")
            rows.append(row)
        self.conn.execute(sa.insert(audit_entries), rows)
        self.conn.execute(
            sa.update(audit_head).where(audit_head.c.id == 1).values(seq=seq, hash=prev)
        )

    def record(
        self,
        actor: Actor,
        action: str,
        target_kind: str,
        target_id: str,
        now: datetime,
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        """An audit entry for a write of this service (same transaction)."""
        self.append_audit(
            [
                audit_row(
                    str(uuid.uuid4()),
                    now,
                    AuditPayload(
                        actor_id=actor.user_id,
                        actor_name=actor.username,
                        actor_roles=actor.roles,
                        service=SERVICE,
                        action=action,
                        target_kind=target_kind,
                        target_id=target_id,
                        before=before,
                        after=after,
                    ),
                    "",
                )
            ],
            now,
        )


def audit_row(event_id: str, at: datetime, p: AuditPayload, correlation_id: str) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "at": at.astimezone(UTC),
        "actor_id": p.actor_id,
        "actor_name": p.actor_name,
        "actor_roles": p.actor_roles,
        "service": p.service,
        "action": p.action,
        "target_kind": p.target_kind,
        "target_id": p.target_id,
        "province_code": p.province_code,
        "commune_code": p.commune_code,
        "village_code": p.village_code,
        "before": json.dumps(p.before, ensure_ascii=False) if p.before is not None else None,
        "after": json.dumps(p.after, ensure_ascii=False) if p.after is not None else None,
        "correlation_id": correlation_id[:128],
    }


def _one_time_password() -> str:
    return secrets.token_urlsafe(12)


class AccessService:
    """The use cases, bound to a database, the signing key and the settings."""

    def __init__(self, engine: Engine, signer: Signer, settings: AccessSettings) -> None:
        self.engine = engine
        self.signer = signer
        self.settings = settings
        self.roles = role_table()

    def uow(self) -> AccessUnitOfWork:
        return AccessUnitOfWork(self.engine)

    # tokens ----------------------------------------------------------------------------------
    def _issue(self, uow: AccessUnitOfWork, row: Any, now: float, family: str) -> TokenPair:
        specs = uow.grants_of([row.id])[row.id]
        ttl = self.settings.access_token_minutes * 60
        claims: dict[str, Any] = {
            "name": row.username,
            "grants": [{"role": g.role, "areas": list(g.areas)} for g in specs],
        }
        if row.must_change_password:
            claims["pwd_change"] = True
        access = self.signer.sign(row.id, ttl_s=ttl, claims=claims, now=now)
        refresh = "rt_" + secrets.token_urlsafe(32)
        uow.conn.execute(
            sa.insert(refresh_tokens),
            [
                {
                    "token_hash": _sha(refresh),
                    "user_id": row.id,
                    "family": family,
                    "expires_at": now + self.settings.refresh_token_hours * 3600,
                    "used": False,
                }
            ],
        )
        return TokenPair(access, refresh, ttl, bool(row.must_change_password))

    def sign_in(self, username: str, password: str, client: str, now: float) -> TokenPair:
        name = username.strip().lower()[:64]
        with self.uow() as uow:
            recent = uow.conn.execute(
                sa.select(login_failures.c.at).where(
                    login_failures.c.username == name,
                    login_failures.c.at > now - self.settings.login_window_s,
                )
            ).scalars()
            wait = retry_after(
                list(recent), now, self.settings.login_max_failures, self.settings.login_window_s
            )
            if wait is not None:
                raise throttled(wait)
            row = uow.user_row(username=name)
            ok = verify_password(row.password_hash if row else None, password)
            if not ok or row is None or row.disabled or row.kind != "person":
                uow.conn.execute(
                    sa.insert(login_failures),
                    [{"username": name, "client": client[:64], "at": now}],
                )
                uow.commit()
                raise DomainError(
                    "password",
                    "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa.",
                    "Wrong user name or password, or the account is disabled.",
                    ErrorKind.UNAUTHENTICATED,
                    code="bad_credentials",
                    headers={"WWW-Authenticate": "Bearer"},
                )
            uow.conn.execute(sa.delete(login_failures).where(login_failures.c.username == name))
            pair = self._issue(uow, row, now, str(uuid.uuid4()))
            uow.commit()
            return pair

    def refresh(self, token: str, now: float) -> TokenPair:
        refused = DomainError(
            "refresh_token",
            "Phiên làm việc đã hết hạn; hãy đăng nhập lại.",
            "The refresh token is not valid; sign in again.",
            ErrorKind.UNAUTHENTICATED,
            code="bad_refresh_token",
        )
        with self.uow() as uow:
            row = uow.conn.execute(
                sa.select(refresh_tokens).where(refresh_tokens.c.token_hash == _sha(token))
            ).first()
            if row is None or row.expires_at < now:
                raise refused
            if row.used:  # replayed: whoever holds this family loses it
                uow.conn.execute(
                    sa.delete(refresh_tokens).where(refresh_tokens.c.family == row.family)
                )
                uow.commit()
                raise refused
            user = uow.user_row(user_id=row.user_id)
            if user is None or user.disabled:
                raise refused
            uow.conn.execute(
                sa.update(refresh_tokens)
                .where(refresh_tokens.c.token_hash == row.token_hash)
                .values(used=True)
            )
            pair = self._issue(uow, user, now, row.family)
            uow.commit()
            return pair

    def sign_out(self, token: str) -> None:
        with self.uow() as uow:
            row = uow.conn.execute(
                sa.select(refresh_tokens.c.family).where(refresh_tokens.c.token_hash == _sha(token))
            ).first()
            if row is not None:
                uow.conn.execute(
                    sa.delete(refresh_tokens).where(refresh_tokens.c.family == row.family)
                )
            uow.commit()

    def change_password(
        self, user_id: str, current: str, new: str, now: float
    ) -> tuple[TokenPair, Revocation]:
        with self.uow() as uow:
            row = uow.user_row(user_id=user_id)
            if row is None or row.disabled or not verify_password(row.password_hash, current):
                raise DomainError(
                    "current_password",
                    "Mật khẩu hiện tại không đúng.",
                    "The current password is wrong.",
                    ErrorKind.INVALID,
                    code="bad_current_password",
                )
            check_password(new, row.username)
            if new == current:
                raise DomainError(
                    "new_password",
                    "Mật khẩu mới phải khác mật khẩu cũ.",
                    "The new password must differ from the old one.",
                    code="password_reused",
                )
            uow.update_user(
                row.id,
                password_hash=hash_password(new),
                must_change_password=False,
                not_before=now,
            )
            uow.drop_refresh_tokens(row.id)
            uow.record(
                Actor(row.id, row.username, ""),
                "user.password_changed",
                "user",
                row.username,
                datetime.fromtimestamp(now, UTC),
            )
            fresh = uow.user_row(user_id=user_id)
            pair = self._issue(uow, fresh, now + 0.001, str(uuid.uuid4()))
            uow.commit()
        return pair, Revocation(user_id, now)

    # accounts --------------------------------------------------------------------------------
    def _grants(self, specs: Sequence[GrantSpec]) -> list[GrantSpec]:
        out = []
        for g in specs:
            scopes = check_grant(g.role, g.areas, self.roles)
            out.append(GrantSpec(g.role, tuple(str(s) for s in scopes)))
        return out

    def add_user(
        self,
        actor: Actor,
        username: str,
        specs: Sequence[GrantSpec],
        now: datetime,
        *,
        display_name: str = "",
        password: str | None = None,
    ) -> tuple[UserView, str | None]:
        """Create an account; without a password a one-time one is returned (to be changed at
        the first sign-in)."""
        name = check_username(username)
        checked = self._grants(specs)
        one_time = None
        if password is None:
            one_time = password = _one_time_password()
        else:
            check_password(password, name)
        with self.uow() as uow:
            if uow.user_row(username=name) is not None:
                raise DomainError(
                    "username",
                    f"Tên đăng nhập '{name}' đã có.",
                    f"User name '{name}' is taken.",
                    ErrorKind.CONFLICT,
                    code="username_taken",
                )
            user_id = str(uuid.uuid4())
            uow.conn.execute(
                sa.insert(users),
                [
                    {
                        "id": user_id,
                        "username": name,
                        "display_name": display_name[:128],
                        "kind": "person",
                        "password_hash": hash_password(password),
                        "disabled": False,
                        "must_change_password": one_time is not None,
                        "not_before": 0.0,
                        "created_at": now,
                    }
                ],
            )
            uow.replace_grants(user_id, checked)
            uow.record(
                actor,
                "user.added",
                "user",
                name,
                now,
                after={"grants": _grants_text(checked)},
            )
            view = uow.view(uow.user_row(user_id=user_id))
            uow.commit()
        return view, one_time

    def add_machine(
        self, actor: Actor, name: str, form_id: str, areas: Sequence[str], now: datetime
    ) -> tuple[UserView, str]:
        """A machine account for one KoBo/ODK form, and its long-lived token (shown once;
        revoked by disabling the account)."""
        username = check_username(name)
        checked = self._grants([GrantSpec("form_webhook", tuple(areas))])
        with self.uow() as uow:
            if uow.user_row(username=username) is not None:
                raise DomainError(
                    "name",
                    f"Tên '{username}' đã có.",
                    f"Name '{username}' is taken.",
                    ErrorKind.CONFLICT,
                    code="username_taken",
                )
            user_id = str(uuid.uuid4())
            uow.conn.execute(
                sa.insert(users),
                [
                    {
                        "id": user_id,
                        "username": username,
                        "display_name": f"form {form_id}"[:128],
                        "kind": "machine",
                        "password_hash": None,
                        "disabled": False,
                        "must_change_password": False,
                        "not_before": 0.0,
                        "form_id": form_id[:128],
                        "created_at": now,
                    }
                ],
            )
            uow.replace_grants(user_id, checked)
            uow.record(actor, "machine.added", "user", username, now, after={"form": form_id})
            view = uow.view(uow.user_row(user_id=user_id))
            uow.commit()
        token = self.signer.sign(
            user_id,
            ttl_s=self.settings.machine_token_days * 86400,
            claims={
                "name": username,
                "form": form_id,
                "grants": [{"role": g.role, "areas": list(g.areas)} for g in checked],
            },
            now=now.timestamp(),
        )
        return view, token

    def list_users(self) -> list[UserView]:
        with self.uow() as uow:
            rows = uow.conn.execute(sa.select(users).order_by(users.c.username)).all()
            by_user = uow.grants_of([r.id for r in rows])
            return [
                UserView(
                    r.id,
                    r.username,
                    r.display_name,
                    r.kind,
                    r.disabled,
                    r.must_change_password,
                    tuple(by_user[r.id]),
                    r.created_at,
                    r.form_id,
                )
                for r in rows
            ]

    def _account(self, uow: AccessUnitOfWork, username: str) -> Any:
        row = uow.user_row(username=username.strip().lower())
        if row is None:
            raise not_found("username", "tài khoản", "user", username)
        return row

    def set_disabled(
        self, actor: Actor, username: str, disabled: bool, now: datetime
    ) -> Revocation:
        with self.uow() as uow:
            row = self._account(uow, username)
            if disabled and row.id == actor.user_id:
                raise DomainError(
                    "username",
                    "Không thể tự khóa tài khoản của mình.",
                    "You cannot disable your own account.",
                    ErrorKind.CONFLICT,
                    code="self_disable",
                )
            nb = DISABLED_NOT_BEFORE if disabled else now.timestamp()
            uow.update_user(row.id, disabled=disabled, not_before=nb)
            uow.drop_refresh_tokens(row.id)
            uow.record(
                actor,
                "user.disabled" if disabled else "user.enabled",
                "user",
                row.username,
                now,
                before={"disabled": bool(row.disabled)},
                after={"disabled": disabled},
            )
            uow.commit()
        return Revocation(row.id, nb)

    def reset_password(self, actor: Actor, username: str, now: datetime) -> tuple[str, Revocation]:
        """A new one-time password (to change at the next sign-in); earlier tokens refused."""
        one_time = _one_time_password()
        nb = now.timestamp()
        with self.uow() as uow:
            row = self._account(uow, username)
            if row.kind != "person":
                raise DomainError(
                    "username",
                    "Tài khoản máy không có mật khẩu.",
                    "A machine account has no password.",
                    code="machine_account",
                )
            uow.update_user(
                row.id,
                password_hash=hash_password(one_time),
                must_change_password=True,
                not_before=max(nb, float(row.not_before)) if row.disabled else nb,
            )
            uow.drop_refresh_tokens(row.id)
            uow.record(actor, "user.password_reset", "user", row.username, now)
            uow.commit()
        return one_time, Revocation(row.id, nb)

    def set_grants(
        self, actor: Actor, username: str, specs: Sequence[GrantSpec], now: datetime
    ) -> tuple[UserView, Revocation]:
        """Replace a user's grants; tokens carrying the old ones are refused from now."""
        checked = self._grants(specs)
        nb = now.timestamp()
        with self.uow() as uow:
            row = self._account(uow, username)
            before = _grants_text(uow.grants_of([row.id])[row.id])
            uow.replace_grants(row.id, checked)
            if not row.disabled:
                uow.update_user(row.id, not_before=nb)
            uow.record(
                actor,
                "user.grants_changed",
                "user",
                row.username,
                now,
                before={"grants": before},
                after={"grants": _grants_text(checked)},
            )
            view = uow.view(uow.user_row(user_id=row.id))
            uow.commit()
        return view, Revocation(row.id, DISABLED_NOT_BEFORE if row.disabled else nb)

    def ensure_first_admin(self, now: datetime) -> tuple[str, str | None] | None:
        """With no account at all, create the province administrator: (user name, one-time
        password or None when it was configured). None when accounts exist."""
        s = self.settings
        with self.uow() as uow:
            if uow.conn.execute(sa.select(sa.func.count()).select_from(users)).scalar_one():
                return None
        secret = s.bootstrap_admin_password
        configured = secret.get_secret_value() if secret else None
        try:
            view, one_time = self.add_user(
                SYSTEM,
                s.bootstrap_admin,
                [GrantSpec("province_admin", (f"province:{s.province_code}",))],
                now,
                display_name="Quản trị cấp tỉnh",
                password=configured,
            )
        except DomainError as exc:
            if exc.kind is ErrorKind.CONFLICT:  # another replica created it meanwhile
                return None
            raise
        if configured and s.bootstrap_admin_must_change:
            with self.uow() as uow:
                uow.update_user(view.id, must_change_password=True)
                uow.commit()
        return s.bootstrap_admin, one_time

    def revocations(self) -> dict[str, float]:
        with self.uow() as uow:
            q = sa.select(users.c.id, users.c.not_before).where(users.c.not_before > 0)
            return {uid: float(nb) for uid, nb in uow.conn.execute(q)}

    # audit -----------------------------------------------------------------------------------
    def append_events(self, events: Sequence[AuditRecorded], now: datetime) -> int:
        with self.uow() as uow:
            fresh = [e for e in uow.unseen(events) if isinstance(e, AuditRecorded)]
            uow.append_audit(
                [
                    audit_row(str(e.event_id), e.occurred_at, e.payload, e.correlation_id)
                    for e in fresh
                ],
                now,
            )
            uow.mark_processed(fresh, now)
            uow.commit()
            return len(fresh)

    def audit(self, q: AuditQuery, scope: AreaFilter) -> AuditPage:
        t = audit_entries
        stmt = sa.select(t).where(t.c.seq > q.after_seq)
        if q.user:
            stmt = stmt.where(sa.or_(t.c.actor_name == q.user, t.c.actor_id == q.user))
        if q.commune:
            stmt = stmt.where(t.c.commune_code == q.commune)
        if q.village:
            stmt = stmt.where(t.c.village_code == q.village)
        if q.kind:
            stmt = stmt.where(sa.or_(t.c.action.startswith(q.kind), t.c.target_kind == q.kind))
        if q.target:
            stmt = stmt.where(t.c.target_id == q.target)
        if q.since:
            stmt = stmt.where(t.c.at >= q.since)
        if q.until:
            stmt = stmt.where(t.c.at < q.until)
        if not scope.everything:
            stmt = stmt.where(
                sa.or_(
                    t.c.commune_code.in_(sorted(scope.communes)),
                    t.c.village_code.in_(sorted(scope.villages)),
                )
            )
        stmt = stmt.order_by(t.c.seq).limit(q.limit + 1)
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(stmt)]
        more = len(rows) > q.limit
        rows = rows[: q.limit]
        for r in rows:
            for k in ("before", "after"):
                r[k] = json.loads(r[k]) if r[k] else None
        return AuditPage(rows, rows[-1]["seq"] if more and rows else None, scope)

    def verify_audit(self) -> tuple[int, int | None]:
        """(entries checked, sequence number of the first broken link or None)."""
        with self.engine.connect() as conn:
            rows = [
                dict(r._mapping)
                for r in conn.execute(sa.select(audit_entries).order_by(audit_entries.c.seq))
            ]
        return len(rows), first_break(rows)


def _grants_text(specs: Sequence[GrantSpec]) -> str:
    return "; ".join(f"{g.role}@{' '.join(g.areas)}" for g in specs)
