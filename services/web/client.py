"""Calls to the services' HTTP APIs with the officer's own token: the services decide what the
officer may see and do; the web app only shows it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass
class ApiError(Exception):
    """A refusal from a service: its status and problems (``field``, ``message_vi``, …)."""

    status: int
    problems: list[dict[str, Any]]

    def messages(self, lang: str) -> list[str]:
        return [_text(p, lang) for p in self.problems]

    def by_field(self, lang: str) -> dict[str, str]:
        """Messages keyed by the field they name (``members.0.age``), for forms."""
        out: dict[str, str] = {}
        for p in self.problems:
            name = str(p.get("field") or "")
            out[name] = (out[name] + "; " if name in out else "") + _text(p, lang)
        return out


_ENGLISH_TAIL = re.compile(r" \([\x00-\x7f]*\)$")


def _text(problem: dict[str, Any], lang: str) -> str:
    """The problem's message in ``lang``; a Vietnamese message without the validator's English
    detail the services append in brackets (officers see it in English when they switch)."""
    if lang == "en":
        return str(problem.get("message_en") or problem.get("message_vi") or "")
    return _ENGLISH_TAIL.sub("", str(problem.get("message_vi") or problem.get("message_en") or ""))


class Services:
    """One pooled HTTP client for the app's life; each call carries the caller's token."""

    def __init__(self, urls: dict[str, str], timeout_s: float) -> None:
        self.urls = urls
        self.http = httpx.AsyncClient(
            timeout=timeout_s, limits=httpx.Limits(max_connections=50, max_keepalive_connections=20)
        )

    async def close(self) -> None:
        await self.http.aclose()

    async def call(
        self, service: str, method: str, path: str, token: str | None, **kwargs: Any
    ) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            answer = await self.http.request(
                method, self.urls[service] + path, headers=headers, **kwargs
            )
        except httpx.HTTPError as exc:
            raise ApiError(
                503,
                [
                    {
                        "field": service,
                        "message_vi": f"Không kết nối được dịch vụ {service}.",
                        "message_en": f"The {service} service did not answer ({exc!r}).",
                    }
                ],
            ) from exc
        if answer.status_code >= 400:
            raise ApiError(answer.status_code, _problems(answer))
        return answer

    async def json(
        self, service: str, method: str, path: str, token: str | None, **kwargs: Any
    ) -> Any:
        return (await self.call(service, method, path, token, **kwargs)).json()

    async def maybe(self, service: str, path: str, token: str, **kwargs: Any) -> Any | None:
        """GET that answers None when the route or the thing is not there (404/405)."""
        try:
            return await self.json(service, "GET", path, token, **kwargs)
        except ApiError as exc:
            if exc.status in (404, 405):
                return None
            raise


def _problems(answer: httpx.Response) -> list[dict[str, Any]]:
    try:
        detail = answer.json().get("detail")
    except ValueError:
        detail = None
    if isinstance(detail, list) and all(isinstance(d, dict) for d in detail):
        return detail
    return [
        {
            "field": "",
            "message_vi": f"Lỗi {answer.status_code} từ dịch vụ.",
            "message_en": f"Error {answer.status_code} from the service: {answer.text[:200]}",
        }
    ]
