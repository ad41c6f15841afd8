"""Access tokens for tests: a locally generated signing key (its public JWKS in a file that
the services under test trust through ``AUTH_JWKS_FILE``) and a minter for any role and area.
No network: an OpenID Connect provider is emulated the same way with its own key."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

ISSUER = "giamngheo"
AUDIENCE = "giamngheo"


class Minter:
    def __init__(self, folder: Path, issuer: str = ISSUER, audience: str = AUDIENCE) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.key = RSAKey.generate_key(2048)
        self.key.ensure_kid()
        self.issuer = issuer
        self.audience = audience
        public = self.key.as_dict(private=False)
        public.update({"use": "sig", "alg": "RS256"})
        self.jwks_file = folder / "jwks.json"
        self.jwks_file.write_text(
            json.dumps(KeySet([RSAKey.import_key(public)]).as_dict(private=False)), "utf-8"
        )

    def sign(self, claims: dict[str, Any], *, alg: str = "RS256", key: Any = None) -> str:
        return jwt.encode({"alg": alg, "kid": self.key.kid}, claims, key or self.key)

    def token(
        self,
        role: str = "province_admin",
        areas: Sequence[str] = ("province:15",),
        *,
        user_id: str | None = None,
        name: str = "tester",
        ttl: int = 600,
        grants: list[dict[str, Any]] | None = None,
        **extra: Any,
    ) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": user_id or str(uuid.uuid4()),
            "name": name,
            "iat": now,
            "exp": now + ttl,
            "typ": "access",
            "grants": grants if grants is not None else [{"role": role, "areas": list(areas)}],
            **extra,
        }
        return self.sign(claims)

    def headers(
        self, role: str = "province_admin", areas: Sequence[str] = ("province:15",), **kw: Any
    ) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role, areas, **kw)}"}
