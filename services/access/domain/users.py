"""Rules for accounts: user names, passwords, grants and sign-in throttling. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from shared.access.model import RoleDef, Scope, ScopeLevel
from shared.errors import DomainError, ErrorKind, Problem

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 128
COMMON = frozenset(
    {"1234567890", "0123456789", "password123", "matkhau123", "qwertyuiop", "12345678910"}
)

ROLE_LEVELS: dict[str, frozenset[ScopeLevel]] = {
    "sponsor": frozenset({ScopeLevel.ORG}),
    "auditor": frozenset({ScopeLevel.PROVINCE}),
    "form_webhook": frozenset({ScopeLevel.COMMUNE, ScopeLevel.VILLAGE}),
}
"""Which kinds of area a role's grant may name (others: province, commune or village)."""
DEFAULT_LEVELS = frozenset({ScopeLevel.PROVINCE, ScopeLevel.COMMUNE, ScopeLevel.VILLAGE})


def check_username(name: str) -> str:
    name = name.strip().lower()
    if not USERNAME.match(name):
        raise DomainError(
            "username",
            "Tên đăng nhập gồm 2–64 ký tự: chữ thường không dấu, số, dấu chấm, gạch.",
            "A user name is 2-64 characters: lower-case letters, digits, '.', '_' or '-'.",
            code="username_format",
        )
    return name


def check_password(password: str, username: str) -> None:
    problems: list[Problem] = []
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        problems.append(
            Problem(
                "password",
                f"Mật khẩu dài từ {MIN_PASSWORD} đến {MAX_PASSWORD} ký tự.",
                f"A password has {MIN_PASSWORD} to {MAX_PASSWORD} characters.",
                "password_length",
            )
        )
    if username and username.lower() in password.lower():
        problems.append(
            Problem(
                "password",
                "Mật khẩu không được chứa tên đăng nhập.",
                "The password must not contain the user name.",
                "password_contains_username",
            )
        )
    if password.lower() in COMMON or len(set(password)) < 4:
        problems.append(
            Problem(
                "password",
                "Mật khẩu quá dễ đoán.",
                "The password is too easy to guess.",
                "password_weak",
            )
        )
    if problems:
        raise DomainError.of(problems)


def check_grant(role: str, areas: Sequence[str], roles: Mapping[str, RoleDef]) -> list[Scope]:
    """The grant's scopes, or 422: unknown role, malformed area, or an area kind the role
    cannot hold (a sponsor holds organisations; an auditor the province)."""
    if role not in roles:
        raise DomainError(
            "role",
            f"Không có vai trò '{role}'. Các vai trò: {', '.join(sorted(roles))}.",
            f"Unknown role '{role}'. Roles: {', '.join(sorted(roles))}.",
            code="unknown_role",
        )
    if not areas:
        raise DomainError(
            "areas", "Cần ít nhất một địa bàn.", "At least one area is needed.", code="no_area"
        )
    allowed = ROLE_LEVELS.get(role, DEFAULT_LEVELS)
    scopes: list[Scope] = []
    for text in areas:
        try:
            scope = Scope.parse(text)
        except ValueError:
            raise DomainError(
                "areas",
                f"Địa bàn '{text}' sai dạng (ví dụ 'commune:04570').",
                f"Area '{text}' is malformed (e.g. 'commune:04570').",
                code="area_format",
            ) from None
        if scope.level not in allowed:
            kinds = ", ".join(sorted(level.value for level in allowed))
            raise DomainError(
                "areas",
                f"Vai trò '{role}' không gán được cho địa bàn loại '{scope.level.value}' "
                f"(được: {kinds}).",
                f"Role '{role}' cannot be granted over a '{scope.level.value}' area "
                f"(allowed: {kinds}).",
                code="area_level",
            )
        scopes.append(scope)
    return scopes


def retry_after(failures: Iterable[float], now: float, limit: int, window_s: int) -> int | None:
    """Seconds until a user name may try again, or None: ``limit`` failures within
    ``window_s`` lock it until the oldest of them leaves the window."""
    recent = sorted(t for t in failures if now - t < window_s)
    if len(recent) < limit:
        return None
    return max(1, int(recent[-limit] + window_s - now) + 1)


def throttled(seconds: int) -> DomainError:
    return DomainError(
        "username",
        f"Đăng nhập sai quá nhiều lần; thử lại sau {seconds} giây.",
        f"Too many failed sign-ins; try again in {seconds} s.",
        ErrorKind.TOO_MANY,
        code="throttled",
        headers={"Retry-After": str(seconds)},
    )
