"""create_app(settings) -> the web app: pages, static assets, the API documentation pages."""

from __future__ import annotations

import contextlib
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from services.web import routes
from services.web.client import Services
from services.web.i18n import Translator
from services.web.session import (
    CsrfRefused,
    Forbidden,
    Pages,
    PasswordChangeNeeded,
    SignInNeeded,
    language,
)
from services.web.settings import WebSettings
from shared.access.guard import document_rules

HERE = Path(__file__).parent
SERVICES = ("intake", "assessment", "support", "reporting", "access")


def create_app(settings: WebSettings | None = None) -> FastAPI:
    settings = settings or WebSettings()
    services = Services({s: settings.service_url(s) for s in SERVICES}, settings.request_timeout_s)
    configured = settings.csrf_secret.get_secret_value() if settings.csrf_secret else ""
    secret = configured.encode() if configured else secrets.token_bytes(32)
    pages = Pages.build(
        settings.service_url("access"),
        settings.auth_issuer,
        settings.auth_audience,
        secret,
        secure=settings.secure_cookies,
        lang=settings.default_language,
    )
    templates = Jinja2Templates(directory=str(HERE / "templates"))

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await services.close()

    app = FastAPI(
        title="Giảm nghèo — trang cán bộ",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/web-openapi.json",
    )
    app.state.settings = settings
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    ctx = routes.Context(services=services, pages=pages, templates=templates)
    for router in routes.routers(ctx):
        app.include_router(router)

    @app.middleware("http")
    async def cookies_and_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        pages.write_cookies(request, response)
        # the page's own server time (its API calls included), for benchmarks and browsers' tools
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "frame-ancestors 'none'",
        )
        return response

    @app.exception_handler(SignInNeeded)
    async def _sign_in(request: Request, _exc: SignInNeeded) -> Response:
        target = "/dang-nhap"
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(PasswordChangeNeeded)
    async def _password(_request: Request, _exc: PasswordChangeNeeded) -> Response:
        return RedirectResponse("/doi-mat-khau", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        t = Translator(language(request, settings.default_language))
        return templates.TemplateResponse(
            request,
            "error.html",
            {"t": t, "s": None, "message": t("error.forbidden", perm=str(exc.perm or ""))},
            status_code=403,
        )

    @app.exception_handler(CsrfRefused)
    async def _csrf(request: Request, _exc: CsrfRefused) -> Response:
        t = Translator(language(request, settings.default_language))
        return HTMLResponse(t("error.csrf"), status_code=403)

    document_rules(app)
    return app
