"""A cap on request bodies, for every service's HTTP shell.

Without it a JSON body is read whole whatever its size (a 300 MB body was read and answered
200). The cap is checked on the declared ``Content-Length`` before anything is read, and on
the bytes actually received for chunked bodies; either way the answer is 413 in the
platform's one error shape, in Vietnamese and English.

Multipart uploads (bulk survey files) get their own, larger cap: the service's
``max_upload_mb`` for each of the two files it takes, when it has that setting.
"""

from __future__ import annotations

from typing import Any, Final

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.http_errors import error_body
from shared.settings import ServiceSettings

MIB: Final = 1 << 20
MULTIPART_FILES: Final = 2
"""A bulk upload carries at most two files (households, members)."""


def _problem(limit: int) -> list[dict[str, str]]:
    mb = max(1, limit // MIB)
    return [
        {
            "field": "(body)",
            "type": "too_large",
            "message_vi": f"Dữ liệu gửi lên lớn hơn {mb} MB cho phép.",
            "message_en": f"The request body is larger than the {mb} MB allowed.",
        }
    ]


class BodySizeLimit:
    """ASGI middleware: 413 for a body over ``json_bytes`` (``upload_bytes`` for multipart)."""

    def __init__(self, app: ASGIApp, *, json_bytes: int, upload_bytes: int) -> None:
        self.app = app
        self.json_bytes = json_bytes
        self.upload_bytes = upload_bytes

    def limit_for(self, scope: Scope) -> int:
        headers = dict(scope.get("headers") or ())
        kind = headers.get(b"content-type", b"").split(b";", 1)[0].strip().lower()
        return self.upload_bytes if kind == b"multipart/form-data" else self.json_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _refuse(send, limit)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:  # FastAPI maps an HTTPException raised while reading
                    raise HTTPException(413, detail=_problem(limit))  # type: ignore[arg-type]
            return message

        await self.app(scope, limited, send)


async def _refuse(send: Send, limit: int) -> None:
    import json

    body = json.dumps(error_body(_problem(limit)), ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def install(app: FastAPI, settings: ServiceSettings) -> None:
    """Cap request bodies of ``app`` (call once, from the HTTP shell)."""
    json_bytes = settings.max_body_mb * MIB
    upload_mb: Any = getattr(settings, "max_upload_mb", None)
    upload_bytes = (
        int(upload_mb) * MIB * MULTIPART_FILES + MIB if upload_mb is not None else json_bytes
    )
    app.add_middleware(BodySizeLimit, json_bytes=json_bytes, upload_bytes=upload_bytes)
