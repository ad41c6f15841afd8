"""Who is signed in to the web app, and the page rules.

The access token (10 minutes) and the refresh token live in HttpOnly, SameSite=Strict cookies:
scripts in the page never see them. When the access token has expired the page guard refreshes
it once with the refresh token (rotated by the access service) and sets the new pair. Forms and
HTMX requests carry an anti-forgery token bound to the browser (a random id in its own cookie,
signed with the app's key); a POST without the right one is refused.

Every route declares its rule with :meth:`Pages.requires`, :meth:`Pages.signed_in` or
:meth:`Pages.public`, reusing the services' rule objects, so ``document_rules`` refuses to build
the app with a route that has none (as on every service). The services check the same token
again on every API call: the page rules decide what to show, the services what is allowed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import Depends, Request
from starlette.responses import Response

from services.web.i18n import LANGUAGES, Translator
from shared.access.guard import NONE, RULE_ATTR, Rule
from shared.access.model import Caller, Perm
from shared.access.tokens import TokenVerifier, TrustedIssuer
from shared.errors import DomainError

ACCESS_COOKIE = "gn_at"
REFRESH_COOKIE = "gn_rt"
BROWSER_COOKIE = "gn_sid"
LANG_COOKIE = "gn_lang"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
REFRESH_MAX_AGE = 72 * 3600


class SignInNeeded(Exception):
    """No valid session: pages redirect to the sign-in page, HTMX requests are told to."""


class PasswordChangeNeeded(Exception):
    """The user must change the password before anything else."""


class Forbidden(Exception):
    def __init__(self, perm: Perm | None) -> None:
        super().__init__(str(perm))
        self.perm = perm


class CsrfRefused(Exception):
    """A form or HTMX request without the browser's anti-forgery token."""


@dataclass
class Session:
    """The signed-in officer of one request."""

    caller: Caller
    token: str
    t: Translator
    csrf: str
    cookies: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.t.lang

    def can(self, perm: Perm) -> bool:
        f = self.caller.area_filter(perm)
        return f.everything or bool(f.communes or f.villages or f.orgs)

    def communes(self, perm: Perm) -> list[str] | None:
        """Communes the officer holds ``perm`` over (None: the whole province)."""
        f = self.caller.area_filter(perm)
        return None if f.everything else sorted(f.communes | {v.split("-")[0] for v in f.villages})


def language(request: Request, default: str) -> str:
    lang = request.cookies.get(LANG_COOKIE) or default
    return lang if lang in LANGUAGES else "vi"


class Pages:
    """Builds the page dependencies around the web app's token verifier and settings."""

    def __init__(
        self, verifier: TokenVerifier, access_url: str, secret: bytes, *, secure: bool, lang: str
    ) -> None:
        self.verifier = verifier
        self.access_url = access_url
        self.secret = secret
        self.secure = secure
        self.default_lang = lang

    @classmethod
    def build(
        cls, access_url: str, issuer: str, audience: str, secret: bytes, *, secure: bool, lang: str
    ) -> Pages:
        trusted = TrustedIssuer(
            issuer=issuer, audience=audience, jwks_url=f"{access_url}/.well-known/jwks.json"
        )
        return cls(TokenVerifier([trusted]), access_url, secret, secure=secure, lang=lang)

    # anti-forgery ------------------------------------------------------------------------
    def csrf_for(self, browser_id: str) -> str:
        return hmac.new(self.secret, browser_id.encode(), hashlib.sha256).hexdigest()[:40]

    def browser_id(self, request: Request) -> str:
        """The browser's random id (made on its first visit, kept in an HttpOnly cookie)."""
        bid = request.cookies.get(BROWSER_COOKIE) or getattr(request.state, "new_bid", None)
        if not bid:
            bid = secrets.token_urlsafe(24)
            request.state.new_bid = bid
            pending(request).append((BROWSER_COOKIE, bid, REFRESH_MAX_AGE))
        return str(bid)

    async def check_csrf(self, request: Request) -> None:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return
        expected = self.csrf_for(self.browser_id(request))
        sent = request.headers.get(CSRF_HEADER)
        if sent is None:
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
        if not sent or not hmac.compare_digest(sent, expected):
            raise CsrfRefused

    # sessions ----------------------------------------------------------------------------
    async def session(self, request: Request, *, allow_restricted: bool = False) -> Session:
        t = Translator(language(request, self.default_lang))
        csrf = self.csrf_for(self.browser_id(request))
        token = request.cookies.get(ACCESS_COOKIE)
        caller = await self._verify(token)
        if caller is None:
            token, caller = await self._refresh(request)
        if caller is None or token is None:
            raise SignInNeeded
        if caller.restricted and not allow_restricted:
            raise PasswordChangeNeeded
        await self.check_csrf(request)
        return Session(caller, token, t, csrf)

    async def _verify(self, token: str | None) -> Caller | None:
        if not token:
            return None
        try:
            return await self.verifier.verify(token)
        except DomainError:
            return None

    async def _refresh(self, request: Request) -> tuple[str | None, Caller | None]:
        refresh = request.cookies.get(REFRESH_COOKIE)
        if not refresh:
            return None, None
        async with httpx.AsyncClient(timeout=30) as client:
            answer = await client.post(
                f"{self.access_url}/token",
                data={"grant_type": "refresh_token", "refresh_token": refresh},
            )
        if answer.status_code != 200:
            pending(request).extend([(ACCESS_COOKIE, "", 0), (REFRESH_COOKIE, "", 0)])
            return None, None
        pair = answer.json()
        self.remember(request, pair)
        return pair["access_token"], await self._verify(pair["access_token"])

    def remember(self, request: Request, pair: dict[str, Any]) -> None:
        """Keep a token pair from the access service in the session cookies."""
        pending(request).extend(
            [
                (ACCESS_COOKIE, pair["access_token"], int(pair.get("expires_in", 600))),
                (REFRESH_COOKIE, pair["refresh_token"], REFRESH_MAX_AGE),
            ]
        )

    def write_cookies(self, request: Request, response: Response) -> None:
        for name, value, max_age in pending(request):
            if not value:
                response.delete_cookie(name, path="/")
                continue
            response.set_cookie(
                name,
                value,
                max_age=max_age,
                path="/",
                httponly=True,
                secure=self.secure,
                samesite="lax" if name == LANG_COOKIE else "strict",
            )

    # rules -------------------------------------------------------------------------------
    def requires(self, perm: Perm) -> Any:
        """A signed-in officer holding ``perm`` somewhere (the services check the area)."""
        rule = Rule(perm, NONE)

        async def dependency(request: Request) -> Session:
            s = await self.session(request)
            if not s.can(perm):
                raise Forbidden(perm)
            return s

        setattr(dependency, RULE_ATTR, rule)
        return Depends(dependency)

    def signed_in(self, why: str, *, allow_restricted: bool = False) -> Any:
        rule = Rule(None, why=why)

        async def dependency(request: Request) -> Session:
            return await self.session(request, allow_restricted=allow_restricted)

        setattr(dependency, RULE_ATTR, rule)
        return Depends(dependency)

    def public(self, why: str) -> Any:
        """Anyone (the sign-in page, the language switch). POSTs still need the anti-forgery
        token."""
        rule = Rule(None, public=True, why=why)

        async def dependency(request: Request) -> Translator:
            await self.check_csrf(request)
            return Translator(language(request, self.default_lang))

        setattr(dependency, RULE_ATTR, rule)
        return Depends(dependency)


def pending(request: Request) -> list[tuple[str, str, int]]:
    """Cookies to set on this request's response (written by the app's middleware)."""
    if not hasattr(request.state, "cookies"):
        request.state.cookies = []
    out: list[tuple[str, str, int]] = request.state.cookies
    return out
