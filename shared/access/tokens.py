"""Verifying bearer tokens: signed JWTs from the platform's own issuer or a province's OpenID
Connect provider, checked for signature, issuer, audience, expiry and revocation.

* **Issuers** are configured, never guessed: each has an issuer id, an audience, a JSON Web Key
  Set (a file, or a URL fetched and cached; re-fetched when a token names an unknown key id) and
  a mapping of its claims to the platform's roles and areas. Only asymmetric algorithms are
  accepted (``alg=none`` and HMAC never verify).
* **Revocation**: a user disabled (or whose password was reset) gets a *not-before* time; a token
  issued before it is refused. The access service writes these times to the Redis hash
  ``access:revoked`` and announces them on the channel of the same name; every service keeps the
  hash in memory (pushed, and re-read periodically), so the check costs a dict lookup.
* **Cache**: a verified token is remembered until it expires (bounded), so the signature is
  checked once per token, not once per request; expiry and revocation are checked every time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import redis
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from shared.access.model import Caller, Grant, RoleDef, make_grants, role_table
from shared.errors import DomainError, ErrorKind

log = logging.getLogger(__name__)

ALGORITHMS = ("RS256", "ES256", "PS256", "EdDSA")
"""Asymmetric algorithms accepted from any issuer (never 'none', never HMAC)."""

REVOKED_KEY = "access:revoked"
"""Redis hash user id → not-before (epoch seconds) and the channel announcing changes."""

LEEWAY_S = 30
MAX_TOKEN_BYTES = 8192


@dataclass(frozen=True)
class ClaimsMapping:
    """How an issuer's claims become the platform's user, roles and areas.

    ``platform``: claims as the access service writes them (``grants``: role + areas).
    ``oidc``: roles from ``roles_claim`` (a dotted path, e.g. ``realm_access.roles``) translated
    by ``role_map``; every mapped role covers the areas listed in ``areas_claim``
    (``commune:04570`` …).
    """

    kind: str = "platform"
    username_claim: str = "name"
    roles_claim: str = "realm_access.roles"
    role_map: Mapping[str, str] = field(default_factory=dict)
    areas_claim: str = "gn_areas"


@dataclass
class TrustedIssuer:
    issuer: str
    audience: str
    jwks_file: Path | None = None
    jwks_url: str | None = None
    claims: ClaimsMapping = field(default_factory=ClaimsMapping)
    keys: KeySet | None = None
    loaded_at: float = 0.0

    @property
    def configured(self) -> bool:
        return bool(self.jwks_file or self.jwks_url)


def unauthenticated(
    en: str, vi: str = "Phiên đăng nhập không hợp lệ hoặc đã hết hạn."
) -> DomainError:
    return DomainError(
        "Authorization",
        vi,
        en,
        ErrorKind.UNAUTHENTICATED,
        code="unauthenticated",
        headers={"WWW-Authenticate": "Bearer"},
    )


def _dotted(claims: Mapping[str, Any], path: str) -> Any:
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


class Revocations:
    """User id → not-before time, mirrored from Redis (see module docstring)."""

    def __init__(self) -> None:
        self.not_before: dict[str, float] = {}

    def refused(self, user_id: str, issued_at: float) -> bool:
        nb = self.not_before.get(user_id)
        return nb is not None and issued_at < nb

    def load(self, mapping: Mapping[Any, Any]) -> None:
        fresh: dict[str, float] = {}
        for k, v in mapping.items():
            key = k.decode() if isinstance(k, bytes) else str(k)
            with contextlib.suppress(ValueError, TypeError):
                fresh[key] = float(v)
        self.not_before = fresh

    async def follow(self, redis_url: str, reload_s: float = 15.0) -> None:
        """Keep the mirror current until cancelled: load the hash, apply announcements as they
        come, and re-read the whole hash every ``reload_s`` (an announcement missed while
        disconnected). The listening runs in a daemon thread with a blocking client (an asyncio
        pub/sub read does not always give way to cancellation, which would block a shutdown)."""
        stop = threading.Event()
        listener = threading.Thread(
            target=self._follow_blocking,
            args=(redis_url, reload_s, stop),
            name="revocations",
            daemon=True,
        )
        listener.start()
        try:
            await asyncio.Event().wait()
        finally:
            stop.set()

    def _follow_blocking(self, redis_url: str, reload_s: float, stop: threading.Event) -> None:
        client: Any = redis.Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5)
        try:
            while not stop.is_set():
                pubsub = client.pubsub(ignore_subscribe_messages=True)
                try:
                    pubsub.subscribe(REVOKED_KEY)
                    self.load(client.hgetall(REVOKED_KEY))
                    deadline = time.monotonic() + reload_s
                    while not stop.is_set() and time.monotonic() < deadline:
                        msg = pubsub.get_message(timeout=0.5)
                        if msg and msg.get("type") == "message":
                            self._apply(msg.get("data"))
                except (redis.RedisError, OSError) as exc:  # keep the last mirror; retry
                    log.debug("revocation mirror: %s", exc)
                    stop.wait(2.0)
                finally:
                    with contextlib.suppress(Exception):
                        pubsub.close()
        finally:
            client.close()

    def _apply(self, data: Any) -> None:
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            text = data.decode() if isinstance(data, bytes) else str(data)
            user_id, _, nb = text.partition(" ")
            self.not_before[user_id] = float(nb)


async def publish_revocation(redis: Any, user_id: str, not_before: float) -> None:
    """Refuse ``user_id``'s tokens issued before ``not_before`` on every service."""
    await redis.hset(REVOKED_KEY, user_id, repr(not_before))
    await redis.publish(REVOKED_KEY, f"{user_id} {not_before!r}")


class TokenVerifier:
    """Turns a bearer token into a :class:`Caller`, or raises 401 with the reason."""

    def __init__(
        self,
        issuers: list[TrustedIssuer],
        roles: Mapping[str, RoleDef] | None = None,
        *,
        cache_size: int = 10_000,
        refetch_after_s: float = 10.0,
    ) -> None:
        self.issuers = {i.issuer: i for i in issuers if i.configured}
        self.roles = dict(roles or role_table())
        self.revocations = Revocations()
        self._cache: OrderedDict[str, Caller] = OrderedDict()
        self._cache_size = cache_size
        self._refetch_after_s = refetch_after_s
        self._lock = asyncio.Lock()

    # keys ------------------------------------------------------------------------------------
    async def _keys(self, issuer: TrustedIssuer, *, refresh: bool = False) -> KeySet | None:
        fresh_enough = time.monotonic() - issuer.loaded_at < self._refetch_after_s
        if issuer.keys is not None and (not refresh or fresh_enough):
            return issuer.keys
        async with self._lock:
            if issuer.keys is not None and time.monotonic() - issuer.loaded_at < 0.5:
                return issuer.keys
            try:
                if issuer.jwks_file is not None:
                    raw = json.loads(issuer.jwks_file.read_text(encoding="utf-8"))
                else:
                    assert issuer.jwks_url is not None
                    async with httpx.AsyncClient(timeout=5.0) as client:
                        answer = await client.get(issuer.jwks_url)
                        answer.raise_for_status()
                        raw = answer.json()
                issuer.keys = KeySet.import_key_set(raw)
            except (OSError, ValueError, httpx.HTTPError, JoseError) as exc:
                log.warning("cannot load the keys of issuer %s: %s", issuer.issuer, exc)
            issuer.loaded_at = time.monotonic()
            return issuer.keys

    # verification ----------------------------------------------------------------------------
    async def verify(self, token: str, now: float | None = None) -> Caller:
        now = time.time() if now is None else now
        cached = self._cache.get(token)
        if cached is not None:
            self._check_live(cached, now)
            return cached
        caller = await self._verify_uncached(token, now)
        self._cache[token] = caller
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return caller

    def _check_live(self, caller: Caller, now: float) -> None:
        if now > caller.expires_at + LEEWAY_S:
            self._cache.pop(caller.token_id, None)
            raise unauthenticated("The token has expired.", "Phiên đăng nhập đã hết hạn.")
        if self.revocations.refused(caller.user_id, caller.issued_at):
            raise unauthenticated(
                "This user's tokens were revoked (disabled or password reset).",
                "Tài khoản đã bị khóa hoặc đổi mật khẩu; hãy đăng nhập lại.",
            )

    async def _verify_uncached(self, token: str, now: float) -> Caller:
        if not self.issuers:
            raise unauthenticated("No token issuer is configured on this service.")
        if len(token) > MAX_TOKEN_BYTES:
            raise unauthenticated("The token is too long.")
        try:
            unverified = jws.extract_compact(token.encode())
            header = unverified.headers()
            claims_raw = json.loads(unverified.payload)
        except (JoseError, ValueError, TypeError, UnicodeError) as exc:
            raise unauthenticated("The token is not a valid JWT.") from exc
        if header.get("alg") not in ALGORITHMS:
            raise unauthenticated(f"Tokens signed with {header.get('alg')!r} are not accepted.")
        issuer = (
            self.issuers.get(str(claims_raw.get("iss", "")))
            if isinstance(claims_raw, dict)
            else None
        )
        if issuer is None:
            raise unauthenticated("The token's issuer is not trusted here.")
        keys = await self._keys(issuer)
        kid = header.get("kid")
        if keys is not None and kid is not None and not any(k.kid == kid for k in keys.keys):
            keys = await self._keys(issuer, refresh=True)
        if keys is None:
            raise DomainError(
                "Authorization",
                "Chưa tải được khóa xác thực; vui lòng thử lại.",
                "The signing keys cannot be loaded yet; retry shortly.",
                ErrorKind.UNAVAILABLE,
                code="keys_unavailable",
            )
        try:
            verified = jwt.decode(token, keys, algorithms=list(ALGORITHMS))
            registry = jwt.JWTClaimsRegistry(
                now=int(now),
                leeway=LEEWAY_S,
                iss={"essential": True, "value": issuer.issuer},
                aud={"essential": True, "value": issuer.audience},
                exp={"essential": True},
                sub={"essential": True},
            )
            registry.validate(verified.claims)
        except JoseError as exc:
            raise unauthenticated(f"The token was refused: {exc.error}.") from exc
        except (ValueError, TypeError) as exc:
            raise unauthenticated("The token was refused.") from exc
        claims = verified.claims
        caller = self._caller(issuer, claims, token)
        self._check_live(caller, now)
        return caller

    def _caller(self, issuer: TrustedIssuer, claims: Mapping[str, Any], token: str) -> Caller:
        mapping = issuer.claims
        grants: list[Grant]
        if mapping.kind == "platform":
            if claims.get("typ") != "access":
                raise unauthenticated("Only access tokens are accepted here.")
            grants = make_grants(claims.get("grants") or [], self.roles)
        else:
            external = _dotted(claims, mapping.roles_claim) or []
            areas = _dotted(claims, mapping.areas_claim) or []
            if isinstance(external, str):
                external = [external]
            if isinstance(areas, str):
                areas = [areas]
            roles = [mapping.role_map[r] for r in external if r in mapping.role_map]
            grants = make_grants([{"role": r, "areas": list(areas)} for r in roles], self.roles)
        username = str(_dotted(claims, mapping.username_claim) or claims.get("sub"))
        return Caller(
            user_id=str(claims["sub"]),
            username=username[:128],
            grants=tuple(grants),
            issuer=issuer.issuer,
            restricted=bool(claims.get("pwd_change", False)),
            token_id=token,
            expires_at=float(claims["exp"]),
            issued_at=_issued_at(claims),
            extra={k: claims[k] for k in ("form",) if k in claims},
        )


def _issued_at(claims: Mapping[str, Any]) -> float:
    """When the token was issued: the platform's tokens carry milliseconds (``iat_ms``), so a
    revocation made in the same second as a sign-in is told apart; others have ``iat``."""
    try:
        return float(claims["iat_ms"]) / 1000
    except (KeyError, TypeError, ValueError):
        return float(claims.get("iat", 0) or 0)


def issuers_from_settings(s: Any) -> list[TrustedIssuer]:
    """The trusted issuers a service's settings describe (platform first, then OIDC)."""
    out = [
        TrustedIssuer(
            issuer=s.auth_issuer,
            audience=s.auth_audience,
            jwks_file=Path(s.auth_jwks_file) if s.auth_jwks_file else None,
            jwks_url=s.auth_jwks_url or None,
        )
    ]
    if s.auth_oidc_issuer:
        out.append(
            TrustedIssuer(
                issuer=s.auth_oidc_issuer,
                audience=s.auth_oidc_audience or s.auth_audience,
                jwks_file=Path(s.auth_oidc_jwks_file) if s.auth_oidc_jwks_file else None,
                jwks_url=s.auth_oidc_jwks_url or None,
                claims=ClaimsMapping(
                    kind="oidc",
                    username_claim=s.auth_oidc_username_claim,
                    roles_claim=s.auth_oidc_roles_claim,
                    role_map=dict(s.auth_oidc_role_map),
                    areas_claim=s.auth_oidc_areas_claim,
                ),
            )
        )
    return out
