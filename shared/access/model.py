"""Who may do what, where: permissions, roles (as data), area scopes and the caller.

A user holds grants; a grant is a role (a set of permissions, from ``roles.toml``) over a set of
areas (``province:<code>``, ``commune:<code>``, ``village:<code>``; ``org:<id>`` for a sponsor
organisation). A request is allowed when one grant has the permission and covers the resource's
area. Pure: standard library only; the token layer builds a :class:`Caller` from verified claims.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from shared.errors import DomainError, ErrorKind

ROLES_FILE = Path(__file__).with_name("roles.toml")


class Perm(StrEnum):
    """Everything a route can require. Vietnamese wording in :data:`PERM_VI`."""

    SURVEY_SUBMIT = "survey:submit"
    FORM_SUBMIT = "form:submit"
    HOUSEHOLD_READ = "household:read"
    PERSONAL_READ = "personal:read"
    REGISTRY_READ = "registry:read"
    REGISTRY_WRITE = "registry:write"
    AREAS_WRITE = "areas:write"
    REVIEW_WRITE = "review:write"
    WHATIF_RUN = "whatif:run"
    SUPPORT_READ = "support:read"
    SUPPORT_WRITE = "support:write"
    SUPPORT_OVERRIDE = "support:override"
    SPONSOR_READ = "sponsor:read"
    SPONSOR_VISIT = "sponsor:visit"
    REPORT_READ = "report:read"
    REPORT_UNSUPPRESSED = "report:unsuppressed"
    REPORT_SUBMIT = "report:submit"
    REPORT_APPROVE = "report:approve"
    TARGETS_WRITE = "targets:write"
    PLAN_READ = "plan:read"
    PLAN_WRITE = "plan:write"
    AUDIT_READ = "audit:read"
    USERS_ADMIN = "users:admin"


PERM_VI: dict[Perm, str] = {
    Perm.SURVEY_SUBMIT: "gửi phiếu khảo sát",
    Perm.FORM_SUBMIT: "gửi biểu mẫu KoBo/ODK",
    Perm.HOUSEHOLD_READ: "xem thông tin hộ",
    Perm.PERSONAL_READ: "xem thông tin cá nhân",
    Perm.REGISTRY_READ: "xem sổ hộ",
    Perm.REGISTRY_WRITE: "ghi biến động hộ",
    Perm.AREAS_WRITE: "cập nhật danh mục địa bàn",
    Perm.REVIEW_WRITE: "ghi họp thôn và công nhận",
    Perm.WHATIF_RUN: "chạy mô phỏng chuẩn nghèo",
    Perm.SUPPORT_READ: "xem hỗ trợ",
    Perm.SUPPORT_WRITE: "ghi hỗ trợ",
    Perm.SUPPORT_OVERRIDE: "duyệt ngoại lệ điều kiện hỗ trợ",
    Perm.SPONSOR_READ: "xem hộ được giúp đỡ",
    Perm.SPONSOR_VISIT: "ghi thăm hộ",
    Perm.REPORT_READ: "xem báo cáo",
    Perm.REPORT_UNSUPPRESSED: "xem số liệu chưa che ô nhỏ",
    Perm.REPORT_SUBMIT: "nộp báo cáo",
    Perm.REPORT_APPROVE: "phê duyệt báo cáo",
    Perm.TARGETS_WRITE: "đặt chỉ tiêu",
    Perm.PLAN_READ: "xem kế hoạch",
    Perm.PLAN_WRITE: "ghi kế hoạch",
    Perm.AUDIT_READ: "xem nhật ký kiểm tra",
    Perm.USERS_ADMIN: "quản trị người dùng",
}


class ScopeLevel(StrEnum):
    PROVINCE = "province"
    COMMUNE = "commune"
    VILLAGE = "village"
    ORG = "org"


SCOPE_VI = {
    ScopeLevel.PROVINCE: "tỉnh",
    ScopeLevel.COMMUNE: "xã",
    ScopeLevel.VILLAGE: "thôn",
    ScopeLevel.ORG: "tổ chức",
}


@dataclass(frozen=True, slots=True)
class RoleDef:
    name: str
    name_vi: str
    name_en: str
    perms: frozenset[Perm]


def parse_roles(raw: Mapping[str, Any]) -> dict[str, RoleDef]:
    """Role definitions from the parsed ``roles.toml``; ``*`` grants every permission."""
    roles: dict[str, RoleDef] = {}
    for name, spec in raw.get("roles", {}).items():
        names = spec.get("perms", [])
        perms = frozenset(Perm) if "*" in names else frozenset(Perm(p) for p in names)
        roles[name] = RoleDef(name, str(spec["name_vi"]), str(spec["name_en"]), perms)
    return roles


@cache
def role_table(path: Path = ROLES_FILE) -> dict[str, RoleDef]:
    """The roles in force (``roles.toml`` next to this module)."""
    with path.open("rb") as f:
        return parse_roles(tomllib.load(f))


@dataclass(frozen=True, slots=True)
class Area:
    """Where a resource is. Unknown parts are ``None``."""

    province: str | None = None
    commune: str | None = None
    village: str | None = None
    org: str | None = None

    def label(self) -> str:
        for level, code in (
            ("village", self.village),
            ("commune", self.commune),
            ("org", self.org),
            ("province", self.province),
        ):
            if code:
                return f"{level} {code}"
        return "-"


@dataclass(frozen=True, slots=True)
class Scope:
    level: ScopeLevel
    code: str

    @classmethod
    def parse(cls, text: str) -> Scope:
        """``commune:04570`` → Scope(COMMUNE, "04570"); ValueError when malformed."""
        level, sep, code = text.partition(":")
        if not sep or not code:
            msg = f"area scope must look like 'commune:04570', got {text!r}"
            raise ValueError(msg)
        return cls(ScopeLevel(level), code)

    def __str__(self) -> str:
        return f"{self.level.value}:{self.code}"

    def covers(self, area: Area) -> bool:
        """A province scope covers every area of its province (services run per province, so
        an area whose province is not recorded belongs to it); a commune scope its villages."""
        if self.level is ScopeLevel.PROVINCE:
            return area.province in (None, self.code) and area.org is None
        if self.level is ScopeLevel.COMMUNE:
            return area.commune == self.code
        if self.level is ScopeLevel.VILLAGE:
            return area.village == self.code
        return area.org == self.code


@dataclass(frozen=True, slots=True)
class Grant:
    role: str
    scopes: tuple[Scope, ...]
    perms: frozenset[Perm]

    def allows(self, perm: Perm, area: Area | None) -> bool:
        if perm not in self.perms:
            return False
        if area is None:
            return True
        return any(s.covers(area) for s in self.scopes)


def make_grants(raw: Iterable[Mapping[str, Any]], roles: Mapping[str, RoleDef]) -> list[Grant]:
    """Grants from token claims ``[{"role": ..., "areas": ["commune:04570", ...]}]``; unknown
    roles and malformed scopes are dropped (a token never gains what the platform lacks)."""
    out: list[Grant] = []
    for g in raw:
        role = roles.get(str(g.get("role", "")))
        if role is None:
            continue
        scopes: list[Scope] = []
        for text in g.get("areas", ()):
            try:
                scopes.append(Scope.parse(str(text)))
            except ValueError:
                continue
        out.append(Grant(role.name, tuple(scopes), role.perms))
    return out


@dataclass(frozen=True, slots=True)
class AreaFilter:
    """The part of the province a caller may see for one permission: everything, or these
    communes, villages and organisations (lists and reports are filtered to it)."""

    everything: bool
    communes: frozenset[str] = frozenset()
    villages: frozenset[str] = frozenset()
    orgs: frozenset[str] = frozenset()

    def admits(self, area: Area) -> bool:
        if self.everything:
            return True
        return (
            (area.commune is not None and area.commune in self.communes)
            or (area.village is not None and area.village in self.villages)
            or (area.org is not None and area.org in self.orgs)
        )

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.communes or self.villages or self.orgs)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did something, as the audit trail records it (no secrets)."""

    user_id: str
    username: str
    roles: str


@dataclass(frozen=True)
class Caller:
    """The verified identity behind a request."""

    user_id: str
    username: str
    grants: tuple[Grant, ...]
    issuer: str = "local"
    restricted: bool = False  # must change the password before anything else
    token_id: str = ""
    expires_at: float = 0.0
    issued_at: float = 0.0
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(g.role for g in self.grants))

    @property
    def actor(self) -> Actor:
        return Actor(self.user_id, self.username, ",".join(self.roles))

    def can(self, perm: Perm, area: Area | None = None) -> bool:
        """Some grant has ``perm`` (over ``area`` when given)."""
        if self.restricted:
            return False
        return any(g.allows(perm, area) for g in self.grants)

    def require(self, perm: Perm, area: Area | None = None) -> None:
        """Raise 403 (bilingual) unless :meth:`can`."""
        if self.can(perm, area):
            return
        raise forbidden(perm, area, restricted=self.restricted)

    def area_filter(self, perm: Perm) -> AreaFilter:
        communes: set[str] = set()
        villages: set[str] = set()
        orgs: set[str] = set()
        if self.restricted:
            return AreaFilter(False)
        for g in self.grants:
            if perm not in g.perms:
                continue
            for s in g.scopes:
                if s.level is ScopeLevel.PROVINCE:
                    return AreaFilter(True)
                {
                    ScopeLevel.COMMUNE: communes,
                    ScopeLevel.VILLAGE: villages,
                    ScopeLevel.ORG: orgs,
                }[s.level].add(s.code)
        return AreaFilter(False, frozenset(communes), frozenset(villages), frozenset(orgs))

    def orgs(self, perm: Perm) -> frozenset[str]:
        return self.area_filter(perm).orgs


def forbidden(perm: Perm, area: Area | None, *, restricted: bool = False) -> DomainError:
    if restricted:
        return DomainError(
            "(token)",
            "Cần đổi mật khẩu trước khi làm việc khác.",
            "Change your password before doing anything else.",
            ErrorKind.FORBIDDEN,
            code="password_change_required",
        )
    where_en = f" in {area.label()}" if area else ""
    where_vi = ""
    if area is not None:
        level, _, code = area.label().partition(" ")
        where_vi = f" tại {SCOPE_VI.get(ScopeLevel(level), level)} {code}" if code else ""
    return DomainError(
        "(area)" if area else "(role)",
        f"Bạn không có quyền {PERM_VI[perm]}{where_vi}.",
        f"You are not allowed to {perm.value}{where_en}.",
        ErrorKind.FORBIDDEN,
        code="forbidden",
    )
