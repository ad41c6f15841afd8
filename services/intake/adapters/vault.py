"""Citizen ids at rest: a keyed hash to find them and an encrypted value to show them.

A copy of intake's database shows no citizen id in clear: each is stored as HMAC-SHA256 under a
matching key (so a search by citizen id, and the check that one person is in one household,
are an index lookup) and as AES-GCM ciphertext under a sealing key (so an authorised officer
can be shown it). Both keys are derived (HKDF-SHA256) from one 32-byte secret, taken from
``INTAKE_PERSONAL_DATA_KEY`` (base64) or else from the file ``INTAKE_PERSONAL_DATA_KEY_FILE``,
created with mode 0600 on first start. The secret must be backed up apart from the database
(see docs/operations.md): without it, stored citizen ids can be neither found nor shown.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SECRET_BYTES = 32
_NONCE = 12
_AAD = b"giamngheo citizen id"


def _derive(secret: bytes, purpose: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"giamngheo " + purpose)
    return hkdf.derive(secret)


class Vault:
    """Keyed hashing and sealing of personal data with keys derived from one secret."""

    __slots__ = ("_aead", "_mac", "_mac_key", "_seal_key")

    def __init__(self, secret: bytes) -> None:
        if len(secret) < SECRET_BYTES:
            msg = f"the personal-data key must be at least {SECRET_BYTES} bytes"
            raise ValueError(msg)
        self._mac_key = _derive(secret, b"match")
        self._seal_key = _derive(secret, b"seal")
        self._aead = AESGCM(self._seal_key)
        self._mac = hmac.new(self._mac_key, digestmod=hashlib.sha256)

    def __reduce__(self) -> tuple[type[_SealedVault], tuple[bytes, bytes]]:
        # sent to bulk-file parser processes: the derived keys, not the secret
        return (_SealedVault, (self._mac_key, self._seal_key))

    def mac(self, data: bytes) -> str:
        """HMAC-SHA256 of ``data`` as hex: equal inputs match, nothing can be read back.
        (A copy of one keyed state: the key is not prepared again for every value.)"""
        mac = self._mac.copy()
        mac.update(data)
        return mac.hexdigest()

    def match_key(self, citizen_id: str) -> str:
        return self.mac(b"cid:" + citizen_id.encode())

    def seal(self, text: str) -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + self._aead.encrypt(nonce, text.encode(), _AAD)

    def open(self, sealed: bytes) -> str:
        return self._aead.decrypt(sealed[:_NONCE], sealed[_NONCE:], _AAD).decode()

    @classmethod
    def from_settings(cls, key_b64: str | None, key_file: Path) -> Vault:
        """The vault of ``key_b64`` if given, else of ``key_file`` (created if missing)."""
        if key_b64:
            try:
                secret = base64.b64decode(key_b64, validate=True)
            except binascii.Error as exc:
                msg = "INTAKE_PERSONAL_DATA_KEY is not valid base64"
                raise ValueError(msg) from exc
            return cls(secret)
        return cls(load_or_create_secret(key_file))


class _SealedVault(Vault):
    """A vault rebuilt from derived keys (in another process)."""

    def __init__(self, mac_key: bytes, seal_key: bytes) -> None:
        self._mac_key = mac_key
        self._seal_key = seal_key
        self._aead = AESGCM(seal_key)
        self._mac = hmac.new(mac_key, digestmod=hashlib.sha256)


def load_or_create_secret(path: Path) -> bytes:
    """The secret in ``path``; a new random one written there (0600) if there is none. Two
    processes starting together agree: the file is linked into place only if absent."""
    if path.exists():
        return base64.b64decode(path.read_bytes().strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(base64.b64encode(os.urandom(SECRET_BYTES)) + b"\n")
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return base64.b64decode(path.read_bytes().strip())


def masked(citizen_id: str) -> str:
    """A citizen id as lists show it: the last three digits."""
    return "•" * (len(citizen_id) - 3) + citizen_id[-3:]
