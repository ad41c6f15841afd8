"""Access rules on HTTP routes: every route declares who may call it and where its area comes from.

    caller: Annotated[Caller, rt.access.requires(Perm.REVIEW_WRITE, area=path("commune_code"))]

The dependency verifies the bearer token (401 without a valid one) and checks the permission; for
an area taken from the path or the query string it also checks the area (403 outside it) before
the handler runs. Areas found in the body or in a stored resource are checked by the handler with
``caller.require(perm, Area(...))``; lists are filtered with ``caller.area_filter(perm)``.

:func:`document_rules` writes each route's rule into the OpenAPI document (``x-access``) and
refuses to build an app with a route that has no rule, so a new route cannot ship unguarded.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import OAuth2PasswordBearer
from starlette.routing import BaseRoute

from shared.access.model import Area, Caller, Perm, ScopeLevel
from shared.access.tokens import TokenVerifier, unauthenticated


@dataclass(frozen=True)
class AreaFrom:
    """Where a route finds the area a request concerns.

    ``path`` / ``query``: a parameter holding a commune or village code, checked before the
    handler (a missing optional query parameter means "my whole area": the handler filters);
    ``body``: fields of the request body, checked by the handler after validation;
    ``resource``: the area of a stored record the handler looks up (e.g. a household);
    ``filter``: a list or report filtered to the caller's area; ``none``: not tied to an area.
    """

    kind: str
    name: str | None = None
    level: ScopeLevel | None = None

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"in": self.kind}
        if self.name:
            out["name"] = self.name
        if self.level:
            out["level"] = self.level.value
        return out

    def at(self, value: str) -> Area:
        if self.level is ScopeLevel.VILLAGE:
            return Area(village=value)
        if self.level is ScopeLevel.ORG:
            return Area(org=value)
        return Area(commune=value)


NONE = AreaFrom("none")
FILTER = AreaFrom("filter")


def path(name: str, level: ScopeLevel = ScopeLevel.COMMUNE) -> AreaFrom:
    return AreaFrom("path", name, level)


def query(name: str, level: ScopeLevel = ScopeLevel.COMMUNE) -> AreaFrom:
    return AreaFrom("query", name, level)


def body(fields: str) -> AreaFrom:
    """``fields``: the body fields naming the area, e.g. ``"commune_code,village_code"``."""
    return AreaFrom("body", fields)


def resource(what: str) -> AreaFrom:
    return AreaFrom("resource", what)


@dataclass(frozen=True)
class Rule:
    perm: Perm | None
    area: AreaFrom = NONE
    public: bool = False
    why: str = ""

    def describe(self) -> dict[str, Any]:
        if self.public:
            return {"public": True, "why": self.why}
        if self.perm is None:
            return {"signed_in": True, "why": self.why}
        return {"perm": self.perm.value, "area": self.area.describe()}


RULE_ATTR = "__access_rule__"
SIGN_IN_VI = "Cần đăng nhập."


class Access:
    """Builds the route dependencies of one service around its token verifier."""

    def __init__(self, verifier: TokenVerifier, token_url: str) -> None:
        self.verifier = verifier
        self.scheme = OAuth2PasswordBearer(tokenUrl=token_url, auto_error=False)

    async def authenticate(self, token: str | None) -> Caller:
        if not token:
            raise unauthenticated(
                "Sign in first: this route needs a bearer token.", "Cần đăng nhập."
            )
        return await self.verifier.verify(token)

    def requires(self, perm: Perm, area: AreaFrom = NONE) -> Any:
        """A dependency giving the verified :class:`Caller` allowed ``perm`` (see module doc)."""
        rule = Rule(perm, area)
        scheme = self.scheme

        async def dependency(request: Request, token: str | None = Depends(scheme)) -> Caller:
            caller = await self.authenticate(token)
            value: str | None = None
            if area.kind == "path":
                value = request.path_params.get(area.name or "")
            elif area.kind == "query":
                value = request.query_params.get(area.name or "")
            caller.require(perm, area.at(value) if value else None)
            request.state.caller = caller
            return caller

        setattr(dependency, RULE_ATTR, rule)
        return Depends(dependency)

    def signed_in(self, why: str) -> Any:
        """A dependency giving any verified caller, even one who must change the password
        first (for the routes that let them do so)."""
        rule = Rule(None, why=why)

        async def dependency(request: Request, token: str | None = Depends(self.scheme)) -> Caller:
            caller = await self.authenticate(token)
            request.state.caller = caller
            return caller

        setattr(dependency, RULE_ATTR, rule)
        return Depends(dependency)

    def public(self, why: str) -> Any:
        """A route anyone may call (``why`` is shown in the OpenAPI document)."""
        rule = Rule(None, public=True, why=why)

        async def dependency() -> None:
            return None

        setattr(dependency, RULE_ATTR, rule)
        return Depends(dependency)


def _rules(dependant: Dependant) -> Iterator[Rule]:
    for dep in dependant.dependencies:
        rule = getattr(dep.call, RULE_ATTR, None)
        if isinstance(rule, Rule):
            yield rule
        yield from _rules(dep)


def route_rule(route: APIRoute) -> Rule | None:
    return next(_rules(route.dependant), None)


def api_routes(routes: Iterable[BaseRoute]) -> Iterator[APIRoute]:
    """Every API route, including those of included routers (which recent FastAPI versions
    keep inside their router rather than copying into the app)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from api_routes(included.routes)


def document_rules(app: FastAPI) -> None:
    """Write each route's rule into its OpenAPI operation (``x-access``); refuse a route
    without one. Call before the app serves its first request."""
    missing = []
    for route in api_routes(app.routes):
        rule = route_rule(route)
        if rule is None:
            missing.append(f"{','.join(sorted(route.methods or ()))} {route.path}")
            continue
        route.openapi_extra = {**(route.openapi_extra or {}), "x-access": rule.describe()}
    if missing:
        msg = "routes without an access rule: " + "; ".join(missing)
        raise RuntimeError(msg)
    app.openapi_schema = None
