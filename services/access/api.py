"""Access's HTTP routes: sign-in (OAuth2 password flow), the caller's own account, user
administration, machine (form) tokens and the audit trail."""

# No `from __future__ import annotations` here: FastAPI reads the route signatures' Annotated
# dependencies (built per router) at definition time.

import asyncio
import time
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Form, Query, Request
from pydantic import BaseModel, Field

from services.access.metrics import AccessMetrics
from services.access.service import (
    AccessService,
    AuditQuery,
    GrantSpec,
    Revocation,
    TokenPair,
    UserView,
)
from shared.access import FILTER, NONE, Caller, Perm
from shared.access.model import role_table
from shared.access.tokens import publish_revocation
from shared.errors import DomainError, ErrorKind
from shared.runtime import Runtime


class GrantIn(BaseModel):
    role: str = Field(max_length=32, description="Role name (see GET /roles).")
    areas: list[str] = Field(
        min_length=1, max_length=500, description="Areas: 'province:15', 'commune:04570', …"
    )


class UserIn(BaseModel):
    username: str = Field(max_length=64, description="Sign-in name (lower case).")
    display_name: str = Field(default="", max_length=128, description="Full name shown in pages.")
    grants: list[GrantIn] = Field(min_length=1, max_length=50, description="Roles and areas.")


class PasswordChangeIn(BaseModel):
    current_password: str = Field(max_length=256)
    new_password: str = Field(max_length=256)


class MachineIn(BaseModel):
    name: str = Field(max_length=64, description="Account name, e.g. 'kobo-thuong-bang-la'.")
    form_id: str = Field(max_length=128, description="XLSForm id the form posts as.")
    areas: list[str] = Field(min_length=1, max_length=500, description="Communes or villages.")


class RefreshIn(BaseModel):
    refresh_token: str = Field(max_length=512)


def _pair(pair: TokenPair) -> dict[str, Any]:
    return {
        "access_token": pair.access_token,
        "token_type": pair.token_type,
        "expires_in": pair.expires_in,
        "refresh_token": pair.refresh_token,
        "must_change_password": pair.must_change_password,
    }


def _user(v: UserView) -> dict[str, Any]:
    return {
        "id": v.id,
        "username": v.username,
        "display_name": v.display_name,
        "kind": v.kind,
        "disabled": v.disabled,
        "must_change_password": v.must_change_password,
        "form_id": v.form_id,
        "grants": [{"role": g.role, "areas": list(g.areas)} for g in v.grants],
        "created_at": v.created_at.isoformat(),
    }


def router(rt: Runtime, svc: AccessService, metrics: AccessMetrics) -> APIRouter:
    api = APIRouter(tags=["access"])
    admin = rt.access.requires(Perm.USERS_ADMIN, NONE)

    async def announce(rev: Revocation) -> None:
        rt.access.verifier.revocations.not_before[rev.user_id] = rev.not_before  # here: at once
        try:
            await publish_revocation(rt.redis, rev.user_id, rev.not_before)
        except Exception as exc:  # the periodic re-sync from the database repeats it
            raise DomainError(
                "(redis)",
                "Đã lưu, nhưng chưa báo được cho các dịch vụ; sẽ tự đồng bộ trong 15 giây.",
                "Saved, but the services could not be told yet; they re-sync within 15 s.",
                ErrorKind.UNAVAILABLE,
                code="revocation_pending",
            ) from exc

    @api.post("/token", dependencies=[rt.access.public("sign-in: the credentials are the form")])
    async def token(
        request: Request,
        grant_type: Annotated[str, Form(max_length=32)] = "password",
        username: Annotated[str, Form(max_length=128)] = "",
        password: Annotated[str, Form(max_length=256)] = "",
        refresh_token: Annotated[str, Form(max_length=512)] = "",
    ) -> dict[str, Any]:
        """OAuth2 token endpoint: ``grant_type=password`` (user name and password) or
        ``grant_type=refresh_token``. Returns a short-lived access token and a refresh token."""
        now = time.time()
        if grant_type == "refresh_token":
            pair = await asyncio.to_thread(svc.refresh, refresh_token, now)
        elif grant_type == "password":
            client = request.client.host if request.client else ""
            try:
                pair = await asyncio.to_thread(svc.sign_in, username, password, client, now)
            except DomainError:
                metrics.sign_ins.labels("refused").inc()
                raise
            metrics.sign_ins.labels("ok").inc()
        else:
            raise DomainError(
                "grant_type",
                "grant_type phải là 'password' hoặc 'refresh_token'.",
                "grant_type must be 'password' or 'refresh_token'.",
                code="unsupported_grant_type",
            )
        return _pair(pair)

    @api.post(
        "/logout",
        dependencies=[rt.access.public("sign-out: holding the refresh token is the credential")],
    )
    async def logout(body: RefreshIn) -> dict[str, bool]:
        """End the session: the refresh token (and its rotations) stop working."""
        await asyncio.to_thread(svc.sign_out, body.refresh_token)
        return {"signed_out": True}

    @api.get(
        "/.well-known/jwks.json",
        dependencies=[rt.access.public("public keys that verify the platform's tokens")],
    )
    async def jwks() -> dict[str, Any]:
        """The public keys every service verifies access tokens with."""
        return svc.signer.jwks()

    @api.get("/me")
    async def me(
        caller: Annotated[Caller, rt.access.signed_in("the caller's own account")],
    ) -> dict[str, Any]:
        """Who I am: roles, areas and what I may do."""
        return {
            "user_id": caller.user_id,
            "username": caller.username,
            "issuer": caller.issuer,
            "must_change_password": caller.restricted,
            "grants": [
                {
                    "role": g.role,
                    "areas": [str(s) for s in g.scopes],
                    "perms": sorted(p.value for p in g.perms),
                }
                for g in caller.grants
            ],
        }

    @api.post("/me/password")
    async def change_password(
        body: PasswordChangeIn,
        caller: Annotated[Caller, rt.access.signed_in("changing one's own password")],
    ) -> dict[str, Any]:
        """Change my password (required after a one-time password); returns fresh tokens."""
        pair, rev = await asyncio.to_thread(
            svc.change_password,
            caller.user_id,
            body.current_password,
            body.new_password,
            time.time(),
        )
        await announce(rev)
        return _pair(pair)

    @api.get("/roles")
    async def roles(
        _caller: Annotated[Caller, rt.access.signed_in("the role catalogue")],
    ) -> list[dict[str, Any]]:
        """Roles and their permissions."""
        return [
            {"role": r.name, "name_vi": r.name_vi, "name_en": r.name_en, "perms": sorted(r.perms)}
            for r in role_table().values()
        ]

    @api.get("/users")
    async def list_users(_caller: Annotated[Caller, admin]) -> list[dict[str, Any]]:
        """Every account with its grants."""
        return [_user(v) for v in await asyncio.to_thread(svc.list_users)]

    @api.post("/users", status_code=201)
    async def add_user(body: UserIn, caller: Annotated[Caller, admin]) -> dict[str, Any]:
        """Create an account; the one-time password in the answer is shown only once."""
        view, one_time = await asyncio.to_thread(
            svc.add_user,
            caller.actor,
            body.username,
            [GrantSpec(g.role, tuple(g.areas)) for g in body.grants],
            datetime.now(UTC),
            display_name=body.display_name,
        )
        return {**_user(view), "one_time_password": one_time}

    @api.post("/users/{username}/disable")
    async def disable(username: str, caller: Annotated[Caller, admin]) -> dict[str, Any]:
        """Disable an account: its tokens are refused at once on every service."""
        rev = await asyncio.to_thread(
            svc.set_disabled, caller.actor, username, True, datetime.now(UTC)
        )
        await announce(rev)
        return {"username": username, "disabled": True}

    @api.post("/users/{username}/enable")
    async def enable(username: str, caller: Annotated[Caller, admin]) -> dict[str, Any]:
        """Enable a disabled account (earlier tokens stay refused)."""
        rev = await asyncio.to_thread(
            svc.set_disabled, caller.actor, username, False, datetime.now(UTC)
        )
        await announce(rev)
        return {"username": username, "disabled": False}

    @api.post("/users/{username}/password-reset")
    async def reset(username: str, caller: Annotated[Caller, admin]) -> dict[str, Any]:
        """A new one-time password (shown once); the user must change it at the next sign-in."""
        one_time, rev = await asyncio.to_thread(
            svc.reset_password, caller.actor, username, datetime.now(UTC)
        )
        await announce(rev)
        return {"username": username, "one_time_password": one_time}

    @api.put("/users/{username}/grants")
    async def set_grants(
        username: str,
        body: Annotated[list[GrantIn], Body(min_length=1, max_length=50)],
        caller: Annotated[Caller, admin],
    ) -> dict[str, Any]:
        """Replace the user's roles and areas (tokens with the old ones are refused)."""
        view, rev = await asyncio.to_thread(
            svc.set_grants,
            caller.actor,
            username,
            [GrantSpec(g.role, tuple(g.areas)) for g in body],
            datetime.now(UTC),
        )
        await announce(rev)
        return _user(view)

    @api.post("/machines", status_code=201)
    async def add_machine(body: MachineIn, caller: Annotated[Caller, admin]) -> dict[str, Any]:
        """An account for one KoBo/ODK form: the token (shown once) goes in the form's REST
        service as ``Authorization: Bearer …``; disabling the account revokes it."""
        view, token = await asyncio.to_thread(
            svc.add_machine, caller.actor, body.name, body.form_id, body.areas, datetime.now(UTC)
        )
        return {**_user(view), "token": token}

    @api.get("/audit")
    async def audit(
        caller: Annotated[Caller, rt.access.requires(Perm.AUDIT_READ, FILTER)],
        user: Annotated[str | None, Query(max_length=128)] = None,
        commune: Annotated[str | None, Query(max_length=16)] = None,
        village: Annotated[str | None, Query(max_length=32)] = None,
        kind: Annotated[str | None, Query(max_length=64)] = None,
        target: Annotated[str | None, Query(max_length=128)] = None,
        since: datetime | None = None,
        until: datetime | None = None,
        after: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> dict[str, Any]:
        """The audit trail, oldest first, filtered by user, area, kind and period; page with
        ``after`` (the ``next_after`` of the previous page)."""
        page = await asyncio.to_thread(
            svc.audit,
            AuditQuery(user, commune, village, kind, target, since, until, after, limit),
            caller.area_filter(Perm.AUDIT_READ),
        )
        return {
            "entries": [
                {**e, "at": e["at"].isoformat() if hasattr(e["at"], "isoformat") else e["at"]}
                for e in page.entries
            ],
            "next_after": page.next_after,
        }

    @api.get("/audit/verify")
    async def verify(
        _caller: Annotated[Caller, rt.access.requires(Perm.AUDIT_READ, NONE)],
    ) -> dict[str, Any]:
        """Check the audit trail's hash chain: where, if anywhere, it was altered."""
        checked, broken = await asyncio.to_thread(svc.verify_audit)
        return {"entries": checked, "intact": broken is None, "first_broken_seq": broken}

    return api
