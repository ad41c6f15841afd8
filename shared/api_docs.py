"""Every service's API documentation page served from local files (no CDN: the provincial LAN
may have no internet). Swagger UI comes from the pinned ``swagger-ui-bundle`` package and is
served under ``/docs-assets``; the page uses relative addresses, so it works on a service's own
port and behind the gateway (``/api/<service>/docs``), which names its prefix in
``X-Forwarded-Prefix`` so that "Try it out" calls go through the gateway too.
"""

from __future__ import annotations

import html

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send
from swagger_ui_bundle import swagger_ui_path

PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — API</title>
<link rel="stylesheet" href="docs-assets/swagger-ui.css">
</head><body><div id="swagger-ui"></div>
<script src="docs-assets/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({{url: "openapi.json", dom_id: "#swagger-ui", deepLinking: true,
  persistAuthorization: true}});
</script></body></html>"""


class ForwardedPrefix:
    """Takes the gateway's ``X-Forwarded-Prefix`` as the ASGI root path (the OpenAPI document
    then lists it as its server). Only the gateway sets it; a client setting it itself only
    changes the documents it is shown."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for name, value in scope.get("headers", ()):
                if name == b"x-forwarded-prefix":
                    prefix = value.decode("latin-1").rstrip("/")
                    if prefix.startswith("/api/") and not scope["path"].startswith(prefix):
                        scope = {**scope, "root_path": prefix}
                    break
        await self.app(scope, receive, send)


def install(app: FastAPI) -> None:
    """``/docs`` (Swagger UI) and its assets; FastAPI's CDN pages are switched off by the
    caller (``docs_url=None, redoc_url=None``)."""
    app.mount("/docs-assets", StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")

    async def docs(_request: Request) -> HTMLResponse:
        return HTMLResponse(PAGE.format(title=html.escape(app.title)))

    app.add_route("/docs", docs, include_in_schema=False)
    app.add_middleware(ForwardedPrefix)
