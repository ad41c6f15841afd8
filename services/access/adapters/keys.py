"""The access service's token signing key: an RSA key in a PEM file (created on first start),
its public JSON Web Key Set, and signing of access tokens."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

KEY_FILE = "signing-key.pem"
JWKS_FILE = "jwks.json"


class Signer:
    """Signs access tokens with the current key (RS256)."""

    def __init__(self, key: RSAKey, issuer: str, audience: str) -> None:
        self.key = key
        self.issuer = issuer
        self.audience = audience

    @classmethod
    def load_or_create(cls, keys_dir: Path, issuer: str, audience: str) -> Signer:
        """Read ``signing-key.pem`` (creating a 2048-bit key, mode 0600, if there is none) and
        write the public ``jwks.json`` beside it."""
        keys_dir.mkdir(parents=True, exist_ok=True)
        pem = keys_dir / KEY_FILE
        if pem.exists():
            key = RSAKey.import_key(pem.read_bytes())
        else:
            key = RSAKey.generate_key(2048)
            tmp = keys_dir / f".{KEY_FILE}.{os.getpid()}"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(key.as_pem(private=True))
            tmp.replace(pem)
        key.ensure_kid()
        signer = cls(key, issuer, audience)
        (keys_dir / JWKS_FILE).write_text(json.dumps(signer.jwks()), encoding="utf-8")
        return signer

    def jwks(self) -> dict[str, Any]:
        public = self.key.as_dict(private=False)
        public.update({"use": "sig", "alg": "RS256"})
        return dict(KeySet([RSAKey.import_key(public)]).as_dict(private=False))

    def sign(
        self,
        subject: str,
        *,
        ttl_s: int,
        claims: Mapping[str, Any],
        now: float | None = None,
    ) -> str:
        at = now if now is not None else time.time()
        issued = int(at)
        body = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "iat": issued,
            "iat_ms": int(at * 1000),  # revocations compare to the millisecond
            "nbf": issued,
            "exp": issued + ttl_s,
            "jti": str(uuid.uuid4()),
            "typ": "access",
            **claims,
        }
        return jwt.encode({"alg": "RS256", "kid": self.key.kid}, body, self.key)
