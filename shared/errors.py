"""The one error type of the platform: what went wrong, for which field, in Vietnamese and English.

Domain code, use cases and access rules raise :class:`DomainError`; ``shared.http_errors`` maps
it (and FastAPI's own validation and routing errors) to one JSON shape with one status per
:class:`ErrorKind`. Routers hold no try/except ladders and build no error dicts.

Standard library only, so a pure ``domain/`` package may raise it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ErrorKind(StrEnum):
    """What kind of failure; each maps to exactly one HTTP status."""

    UNAUTHENTICATED = "unauthenticated"  # 401: no valid credentials
    FORBIDDEN = "forbidden"  # 403: valid credentials, not allowed here
    NOT_FOUND = "not_found"  # 404
    CONFLICT = "conflict"  # 409: contradicts what is stored
    INVALID = "invalid"  # 422: the input breaks a rule
    TOO_LARGE = "too_large"  # 413
    TOO_MANY = "too_many"  # 429: throttled
    UNAVAILABLE = "unavailable"  # 503: a dependency is down; retry later


HTTP_STATUS: dict[ErrorKind, int] = {
    ErrorKind.UNAUTHENTICATED: 401,
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.CONFLICT: 409,
    ErrorKind.INVALID: 422,
    ErrorKind.TOO_LARGE: 413,
    ErrorKind.TOO_MANY: 429,
    ErrorKind.UNAVAILABLE: 503,
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem with one field (``field`` is a dotted path, or ``(body)``)."""

    field: str
    message_vi: str
    message_en: str
    code: str = "invalid"
    path: str | None = None  # where in a form or file (e.g. the XLSForm question), if known

    def as_dict(self) -> dict[str, str]:
        out = {
            "field": self.field,
            "type": self.code,
            "message_vi": self.message_vi,
            "message_en": self.message_en,
        }
        if self.path is not None:
            out["path"] = self.path
        return out


class DomainError(Exception):
    """A request the platform refuses, with the reason for people in both languages.

    ``DomainError(field, message_vi, message_en, kind)`` for one problem; ``problems=`` for
    several (each names its field). ``code`` is a stable machine-readable key.
    """

    def __init__(
        self,
        field: str,
        message_vi: str,
        message_en: str,
        kind: ErrorKind = ErrorKind.INVALID,
        *,
        code: str | None = None,
        problems: tuple[Problem, ...] | list[Problem] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message_en)
        self.kind = kind
        first = Problem(field, message_vi, message_en, code or kind.value)
        self.problems: tuple[Problem, ...] = tuple(problems) or (first,)
        self.headers = headers or {}

    @property
    def field(self) -> str:
        return self.problems[0].field

    @property
    def message_vi(self) -> str:
        return self.problems[0].message_vi

    @property
    def message_en(self) -> str:
        return self.problems[0].message_en

    @property
    def status(self) -> int:
        return HTTP_STATUS[self.kind]

    @classmethod
    def of(cls, problems: list[Problem], kind: ErrorKind = ErrorKind.INVALID) -> DomainError:
        """One error carrying several problems (e.g. every invalid field of a form)."""
        first = problems[0]
        return cls(
            first.field,
            first.message_vi,
            first.message_en,
            kind,
            code=first.code,
            problems=problems,
        )


def not_found(field: str, what_vi: str, what_en: str, value: str) -> DomainError:
    """``{what} {value} not found`` for ``field`` (404)."""
    return DomainError(
        field,
        f"Không tìm thấy {what_vi} {value}.",
        f"{what_en.capitalize()} {value} not found.",
        ErrorKind.NOT_FOUND,
        code="not_found",
    )
