"""Token verification: what is accepted, and every way a bad token is refused with 401."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from shared.access.model import Area, Perm
from shared.access.tokens import ClaimsMapping, TokenVerifier, TrustedIssuer
from shared.errors import DomainError, ErrorKind
from tests.tokens import AUDIENCE, ISSUER, Minter


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Minter:
    return Minter(tmp_path_factory.mktemp("verifier-keys"))


def verifier(m: Minter, **kw: Any) -> TokenVerifier:
    return TokenVerifier([TrustedIssuer(ISSUER, AUDIENCE, jwks_file=m.jwks_file)], **kw)


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def claims(**over: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "u-1",
        "name": "can-bo",
        "iat": now,
        "exp": now + 600,
        "typ": "access",
        "grants": [{"role": "commune_officer", "areas": ["commune:04570"]}],
    }
    base.update(over)
    return base


async def refused(v: TokenVerifier, token: str) -> DomainError:
    with pytest.raises(DomainError) as caught:
        await v.verify(token)
    assert caught.value.kind is ErrorKind.UNAUTHENTICATED
    return caught.value


async def test_valid_token_gives_the_caller_its_grants(keys: Minter) -> None:
    caller = await verifier(keys).verify(keys.sign(claims()))
    assert caller.username == "can-bo"
    assert caller.can(Perm.REVIEW_WRITE, Area(commune="04570"))
    assert not caller.can(Perm.REVIEW_WRITE, Area(commune="04681"))
    assert not caller.can(Perm.USERS_ADMIN)


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"aud": "someone-else"}, "wrong audience"),
        ({"iss": "https://evil.example"}, "untrusted issuer"),
        ({"typ": "refresh"}, "not an access token"),
        ({"sub": None}, "no subject"),
    ],
)
async def test_token_is_refused_when_its_claims_are_wrong(
    keys: Minter, change: dict[str, Any], why: str
) -> None:
    body = {k: v for k, v in claims(**change).items() if v is not None}
    await refused(verifier(keys), keys.sign(body))


async def test_token_signed_by_another_key_with_the_same_key_id_is_refused(
    keys: Minter, tmp_path: Path
) -> None:
    forger = RSAKey.generate_key(2048)
    token = jwt.encode({"alg": "RS256", "kid": keys.key.kid}, claims(), forger)
    await refused(verifier(keys), token)


async def test_unsigned_token_with_alg_none_is_refused(keys: Minter) -> None:
    token = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims())}."
    error = await refused(verifier(keys), token)
    assert "none" in error.message_en


async def test_hmac_token_keyed_with_the_public_key_is_refused(keys: Minter) -> None:
    public_pem = keys.key.as_pem(private=False)
    signing_input = f"{b64({'alg': 'HS256', 'kid': keys.key.kid})}.{b64(claims())}"
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    token = f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
    error = await refused(verifier(keys), token)
    assert "HS256" in error.message_en


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "x" * 9000, "eyJ.eyJ.sig"])
async def test_garbage_is_refused(keys: Minter, garbage: str) -> None:
    await refused(verifier(keys), garbage)


async def test_revoked_user_is_refused_even_with_a_token_already_verified(keys: Minter) -> None:
    v = verifier(keys)
    token = keys.sign(claims(sub="u-9"))
    await v.verify(token)
    v.revocations.not_before["u-9"] = time.time() + 1
    error = await refused(v, token)
    assert "revoked" in error.message_en
    fresh = keys.sign(claims(sub="u-9", iat=int(time.time()) + 2))
    await v.verify(fresh)  # signed in again after the reset


async def test_unknown_roles_and_malformed_areas_grant_nothing(keys: Minter) -> None:
    grants = [
        {"role": "emperor", "areas": ["province:15"]},
        {"role": "commune_officer", "areas": ["04570", "commune:"]},
    ]
    caller = await verifier(keys).verify(keys.sign(claims(grants=grants)))
    assert not caller.can(Perm.REVIEW_WRITE, Area(commune="04570"))
    assert caller.area_filter(Perm.REVIEW_WRITE).nothing


async def test_a_restricted_token_may_only_change_its_password(keys: Minter) -> None:
    caller = await verifier(keys).verify(keys.sign(claims(pwd_change=True)))
    with pytest.raises(DomainError) as caught:
        caller.require(Perm.HOUSEHOLD_READ)
    assert caught.value.problems[0].code == "password_change_required"


async def test_oidc_provider_claims_map_to_platform_roles_and_areas(
    keys: Minter, tmp_path: Path
) -> None:
    keycloak = Minter(tmp_path / "kc", issuer="https://sso.laocai.gov.vn/realms/giamngheo")
    mapping = ClaimsMapping(
        kind="oidc",
        username_claim="preferred_username",
        roles_claim="realm_access.roles",
        role_map={"gn-can-bo-xa": "commune_officer"},
        areas_claim="gn_areas",
    )
    v = TokenVerifier(
        [
            TrustedIssuer(ISSUER, AUDIENCE, jwks_file=keys.jwks_file),
            TrustedIssuer(
                keycloak.issuer, "giamngheo", jwks_file=keycloak.jwks_file, claims=mapping
            ),
        ]
    )
    now = int(time.time())
    token = keycloak.sign(
        {
            "iss": keycloak.issuer,
            "aud": ["giamngheo", "account"],
            "sub": "kc-42",
            "preferred_username": "nguyen.van.b",
            "iat": now,
            "exp": now + 300,
            "realm_access": {"roles": ["gn-can-bo-xa", "offline_access"]},
            "gn_areas": ["commune:04681"],
        }
    )
    caller = await v.verify(token)
    assert caller.username == "nguyen.van.b"
    assert caller.roles == ("commune_officer",)
    assert caller.can(Perm.REVIEW_WRITE, Area(commune="04681"))
    assert not caller.can(Perm.REVIEW_WRITE, Area(commune="04570"))
    # the provider's key cannot sign for the platform's issuer
    forged = keycloak.sign(claims())
    await refused(v, forged)
