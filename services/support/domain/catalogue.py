"""The programme catalogue: what support may be accounted against, for whom, how much, when.

Programmes (national target programme projects and sub-projects, policy-credit programmes,
housing, health-insurance and training policies, and whatever a province adds) are data: the
national file ships in ``services/support/data/programmes.toml``; a province adds or replaces
programmes with override files (setting ``SUPPORT_CATALOGUE_OVERRIDES``). Figures not checked
against the legal text carry ``confirmed = false`` and stay editable.

This module validates the parsed mappings and answers questions about them; reading files is
the adapter's job (``services.support.adapters.catalogue_repo``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from services.support.domain.groups import AREA_GROUPS, TargetGroup
from services.support.domain.money import MAX_VND
from shared.contracts.codes import FundingSource, SupportKind
from shared.errors import DomainError

SCHEMA_VERSION = 1


class CatalogueDataError(ValueError):
    """The catalogue's data (national file or province override) is invalid; the message names
    the section and key so that an officer can correct it."""


# ------------------------------------------------------------------------------ value objects


@dataclass(frozen=True, slots=True)
class Validity:
    """Inclusive date range; ``until`` ``None`` means open-ended."""

    since: date
    until: date | None = None

    def covers(self, day: date) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)

    def describe(self) -> str:
        return f"{self.since.isoformat()} – {self.until.isoformat() if self.until else '…'}"


@dataclass(frozen=True, slots=True)
class EligibilityRule:
    """A household qualifies if it is in any of ``groups`` and in all of ``requires``.

    ``kinds`` restricts the rule to some support kinds of the programme (empty: all).
    """

    groups: frozenset[TargetGroup]
    requires: frozenset[TargetGroup] = frozenset()
    kinds: frozenset[SupportKind] = frozenset()
    note: str = ""

    def applies_to(self, kind: SupportKind) -> bool:
        return not self.kinds or kind in self.kinds

    def matched(self, groups: frozenset[TargetGroup]) -> TargetGroup | None:
        """The group through which ``groups`` satisfy the rule (first in catalogue order)."""
        if not self.requires <= groups:
            return None
        for g in TargetGroup:
            if g in self.groups and g in groups:
                return g
        return None


@dataclass(frozen=True, slots=True)
class Limit:
    """Most that one record of ``kinds`` (and ``variant``) may carry for ``groups``."""

    max_vnd: int
    validity: Validity
    kinds: frozenset[SupportKind] = frozenset()
    variant: str | None = None
    groups: frozenset[TargetGroup] = frozenset()
    requires: frozenset[TargetGroup] = frozenset()
    legal_basis: str = ""
    confirmed: bool = True
    note: str = ""

    def applies(
        self, kind: SupportKind, variant: str | None, groups: frozenset[TargetGroup], day: date
    ) -> bool:
        return (
            (not self.kinds or kind in self.kinds)
            and (self.variant is None or self.variant == variant)
            and (not self.groups or bool(self.groups & groups))
            and self.requires <= groups
            and self.validity.covers(day)
        )


@dataclass(frozen=True, slots=True)
class Rate:
    """An annual interest rate of a credit programme, for some groups, over a period."""

    rate_pct: Decimal
    validity: Validity
    groups: frozenset[TargetGroup] = frozenset()
    legal_basis: str = ""
    confirmed: bool = True


@dataclass(frozen=True, slots=True)
class CreditTerms:
    """Terms of a policy-credit programme (VBSP)."""

    rates: tuple[Rate, ...]
    max_term_months: int | None
    max_grace_months: int | None
    days_in_year: int
    overdue_rate_factor: Decimal
    short_term_months: int
    short_extension_max_months: int
    long_extension_fraction: Decimal
    extension_confirmed: bool

    def rates_on(self, day: date, groups: frozenset[TargetGroup]) -> tuple[Rate, ...]:
        return tuple(
            r
            for r in self.rates
            if r.validity.covers(day) and (not r.groups or bool(r.groups & groups))
        )

    def max_extension_months(self, term_months: int) -> int:
        """Extension allowed beyond the original maturity: up to 12 months for short loans,
        up to half the original term for medium and long ones (Decision 50/2010/QĐ-TTg as
        amended by Decision 08/2021/QĐ-TTg; the long-loan share is unconfirmed data)."""
        if term_months <= self.short_term_months:
            return self.short_extension_max_months
        return int(Decimal(term_months) * self.long_extension_fraction)


@dataclass(frozen=True, slots=True)
class InsuranceShare:
    """Least share of the health-insurance premium the state pays for a group."""

    min_share_pct: Decimal
    validity: Validity
    groups: frozenset[TargetGroup]
    requires: frozenset[TargetGroup] = frozenset()
    legal_basis: str = ""
    confirmed: bool = True

    def applies(self, groups: frozenset[TargetGroup], day: date) -> bool:
        return self.validity.covers(day) and bool(self.groups & groups) and self.requires <= groups


@dataclass(frozen=True, slots=True)
class RevolvingTerms:
    """What a household receiving revolving support owes back, by default.

    Livestock: ``pass_on_per_head`` animals per head received, passed to the next household
    within ``pass_on_due_months``. Cash or goods: ``repay_share_pct`` of the value returned to
    the fund within ``repay_due_months``. Provinces set these (Decree 27/2022/NĐ-CP as amended
    by Decree 38/2023/NĐ-CP); the national defaults are practice and unconfirmed.
    """

    pass_on_per_head: int
    pass_on_due_months: int
    repay_share_pct: Decimal
    repay_due_months: int
    legal_basis: str = ""
    confirmed: bool = False


@dataclass(frozen=True, slots=True)
class Programme:
    code: str
    name_vi: str
    name_en: str
    validity: Validity
    legal_basis: str
    confirmed: bool
    parent: str | None = None
    period: str = ""
    guidance: str = ""
    note: str = ""
    province_code: str | None = None
    kinds: frozenset[SupportKind] = frozenset()
    funding_sources: frozenset[FundingSource] = frozenset()
    eligibility: tuple[EligibilityRule, ...] = ()
    limits: tuple[Limit, ...] = ()
    credit: CreditTerms | None = None
    insurance: tuple[InsuranceShare, ...] = ()
    revolving: RevolvingTerms | None = None
    once_per_person: bool = False

    def rules_for(self, kind: SupportKind) -> tuple[EligibilityRule, ...]:
        return tuple(r for r in self.eligibility if r.applies_to(kind))

    def cap(
        self, kind: SupportKind, variant: str | None, groups: frozenset[TargetGroup], day: date
    ) -> Limit | None:
        """The most generous limit applying to a record, or ``None`` if none applies."""
        applicable = [lim for lim in self.limits if lim.applies(kind, variant, groups, day)]
        return max(applicable, key=lambda lim: lim.max_vnd) if applicable else None

    def insurance_share(self, groups: frozenset[TargetGroup], day: date) -> InsuranceShare | None:
        """The highest minimum state share among the rules that apply."""
        applicable = [s for s in self.insurance if s.applies(groups, day)]
        return max(applicable, key=lambda s: s.min_share_pct) if applicable else None


@dataclass(frozen=True, slots=True)
class AreaGroup:
    """Communes forming an area group (e.g. the poor districts' communes) over a period."""

    group: TargetGroup
    communes: frozenset[str]
    validity: Validity
    legal_basis: str = ""
    confirmed: bool = True


@dataclass(frozen=True)
class Catalogue:
    programmes: Mapping[str, Programme]
    area_groups: tuple[AreaGroup, ...] = ()
    revolving: RevolvingTerms | None = None
    sources: tuple[str, ...] = ()
    rule_hash: str = ""
    _children: Mapping[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    def find(self, code: str) -> Programme | None:
        return self.programmes.get(code)

    def programme(self, code: str, on: date, field_name: str = "programme_code") -> Programme:
        """The programme ``code`` valid on ``on``, or a 422 saying why not."""
        p = self.programmes.get(code)
        if p is None:
            raise DomainError(
                field_name,
                f"Không có chương trình, dự án mã «{code}» trong danh mục.",
                f"There is no programme '{code}' in the catalogue.",
                code="unknown_programme",
            )
        if not p.validity.covers(on):
            span = p.validity.describe()
            raise DomainError(
                field_name,
                f"Chương trình «{code}» chỉ áp dụng trong {span}, không áp dụng ngày "
                f"{on.isoformat()}.",
                f"Programme '{code}' applies {span}, not on {on.isoformat()}.",
                code="programme_not_in_force",
            )
        return p

    def area_groups_of(self, commune_code: str, on: date) -> frozenset[TargetGroup]:
        return frozenset(
            a.group
            for a in self.area_groups
            if commune_code in a.communes and a.validity.covers(on)
        )

    def children(self, code: str) -> tuple[str, ...]:
        return self._children.get(code, ())

    def revolving_terms(self, programme: Programme) -> RevolvingTerms:
        terms = programme.revolving or self.revolving
        if terms is None:
            raise DomainError(
                "programme_code",
                f"Chương trình «{programme.code}» chưa có quy định hỗ trợ quay vòng.",
                f"Programme '{programme.code}' has no revolving-support terms.",
                code="no_revolving_terms",
            )
        return terms


# ------------------------------------------------------------------------------ parsing

_TOP_KEYS = {
    "schema_version",
    "id",
    "title",
    "note",
    "province_code",
    "credit_defaults",
    "revolving",
    "area_groups",
    "programmes",
}
_PROGRAMME_KEYS = {
    "code",
    "parent",
    "name_vi",
    "name_en",
    "period",
    "valid_from",
    "valid_to",
    "legal_basis",
    "guidance",
    "confirmed",
    "note",
    "province_code",
    "kinds",
    "funding_sources",
    "eligibility",
    "limits",
    "credit",
    "insurance",
    "revolving",
    "once_per_person",
}
_INHERITED = ("period", "valid_from", "valid_to", "legal_basis", "confirmed", "province_code")
_CREDIT_DEFAULTS = {
    "days_in_year": 365,
    "overdue_rate_factor": Decimal("1.3"),
    "short_term_months": 12,
    "short_extension_max_months": 12,
    "long_extension_fraction": Decimal("0.5"),
    "extension_confirmed": False,
}


class _Reader:
    """Typed access to one table of the data with errors that name where the problem is."""

    def __init__(self, raw: Mapping[str, Any], where: str, allowed: set[str] | None = None):
        if not isinstance(raw, Mapping):
            msg = f"{where}: expected a table"
            raise CatalogueDataError(msg)
        self.raw = raw
        self.where = where
        if allowed is not None:
            unknown = sorted(set(raw) - allowed)
            if unknown:
                msg = f"{where}: unknown key(s) {', '.join(unknown)}"
                raise CatalogueDataError(msg)

    def fail(self, key: str, what: str) -> CatalogueDataError:
        return CatalogueDataError(f"{self.where}.{key}: {what}")

    def has(self, key: str) -> bool:
        return key in self.raw

    def text(self, key: str, default: str | None = None) -> str:
        v = self.raw.get(key, default)
        if not isinstance(v, str) or (default is None and not v.strip()):
            raise self.fail(key, "expected a non-empty text")
        return v

    def opt_text(self, key: str) -> str | None:
        v = self.raw.get(key)
        if v is None:
            return None
        if not isinstance(v, str):
            raise self.fail(key, "expected a text")
        return v

    def boolean(self, key: str, default: bool) -> bool:
        v = self.raw.get(key, default)
        if not isinstance(v, bool):
            raise self.fail(key, "expected true or false")
        return v

    def integer(self, key: str, default: int | None = None, lo: int = 0, hi: int = MAX_VND) -> int:
        v = self.raw.get(key, default)
        if isinstance(v, bool) or not isinstance(v, int):
            raise self.fail(key, "expected a whole number")
        if not lo <= v <= hi:
            raise self.fail(key, f"expected a number from {lo} to {hi}")
        return v

    def opt_integer(self, key: str, lo: int = 0, hi: int = MAX_VND) -> int | None:
        return None if self.raw.get(key) is None else self.integer(key, lo=lo, hi=hi)

    def decimal(self, key: str, default: Decimal | None = None) -> Decimal:
        v = self.raw.get(key, default)
        if isinstance(v, bool) or v is None:
            raise self.fail(key, "expected a number")
        try:
            d = Decimal(str(v))
        except InvalidOperation as exc:
            raise self.fail(key, "expected a number") from exc
        if d < 0:
            raise self.fail(key, "expected a number ≥ 0")
        return d

    def day(self, key: str) -> date:
        v = self.raw.get(key)
        if isinstance(v, date):
            return v
        if isinstance(v, str):
            try:
                return date.fromisoformat(v)
            except ValueError:
                pass
        raise self.fail(key, "expected a date (YYYY-MM-DD)")

    def opt_day(self, key: str) -> date | None:
        return None if self.raw.get(key) is None else self.day(key)

    def validity(self) -> Validity:
        since = self.day("valid_from")
        until = self.opt_day("valid_to")
        if until is not None and until < since:
            raise self.fail("valid_to", "is before valid_from")
        return Validity(since, until)

    def codes(self, key: str, enum: type[Any]) -> frozenset[Any]:
        v = self.raw.get(key, [])
        if not isinstance(v, list):
            raise self.fail(key, "expected a list")
        out = set()
        for item in v:
            try:
                out.add(enum(item))
            except ValueError as exc:
                allowed = ", ".join(e.value for e in enum)
                raise self.fail(key, f"unknown code {item!r} (allowed: {allowed})") from exc
        return frozenset(out)

    def tables(self, key: str) -> list[Mapping[str, Any]]:
        v = self.raw.get(key, [])
        if not isinstance(v, list) or not all(isinstance(t, Mapping) for t in v):
            raise self.fail(key, "expected an array of tables")
        return list(v)


def _eligibility(r: _Reader) -> EligibilityRule:
    groups = r.codes("groups", TargetGroup)
    if not groups:
        raise r.fail("groups", "name at least one group")
    return EligibilityRule(
        groups=groups,
        requires=r.codes("requires", TargetGroup),
        kinds=r.codes("kinds", SupportKind),
        note=r.text("note", ""),
    )


def _limit(r: _Reader) -> Limit:
    return Limit(
        max_vnd=r.integer("max_vnd", lo=0),
        validity=r.validity(),
        kinds=r.codes("kinds", SupportKind),
        variant=r.opt_text("variant"),
        groups=r.codes("groups", TargetGroup),
        requires=r.codes("requires", TargetGroup),
        legal_basis=r.text("legal_basis", ""),
        confirmed=r.boolean("confirmed", True),
        note=r.text("note", ""),
    )


def _credit(r: _Reader, defaults: Mapping[str, Any]) -> CreditTerms:
    rates = []
    for i, t in enumerate(r.tables("rates")):
        rr = _Reader(
            t,
            f"{r.where}.rates[{i}]",
            {"rate_pct", "valid_from", "valid_to", "groups", "legal_basis", "confirmed", "note"},
        )
        pct = rr.decimal("rate_pct")
        if not Decimal(0) < pct <= Decimal(100):
            raise rr.fail("rate_pct", "expected a rate above 0 and at most 100")
        rates.append(
            Rate(
                pct,
                rr.validity(),
                rr.codes("groups", TargetGroup),
                rr.text("legal_basis", ""),
                rr.boolean("confirmed", True),
            )
        )
    if not rates:
        raise r.fail("rates", "a credit programme needs at least one rate")
    merged = {**defaults, **{k: v for k, v in r.raw.items() if k in _CREDIT_DEFAULTS}}
    m = _Reader(merged, r.where)
    days = m.integer("days_in_year", lo=360, hi=366)
    if days not in (360, 365):
        raise m.fail("days_in_year", "expected 365 (actual/365) or 360 (actual/360)")
    return CreditTerms(
        rates=tuple(rates),
        max_term_months=r.opt_integer("max_term_months", lo=1, hi=600),
        max_grace_months=r.opt_integer("max_grace_months", lo=0, hi=600),
        days_in_year=days,
        overdue_rate_factor=m.decimal("overdue_rate_factor"),
        short_term_months=m.integer("short_term_months", lo=1, hi=600),
        short_extension_max_months=m.integer("short_extension_max_months", lo=0, hi=600),
        long_extension_fraction=m.decimal("long_extension_fraction"),
        extension_confirmed=m.boolean("extension_confirmed", False),
    )


_CREDIT_KEYS = {
    "rates",
    "max_term_months",
    "max_grace_months",
    *_CREDIT_DEFAULTS,
    "note",
    "legal_basis",
}
_REVOLVING_KEYS = {
    "pass_on_per_head",
    "pass_on_due_months",
    "repay_share_pct",
    "repay_due_months",
    "legal_basis",
    "confirmed",
    "note",
}


def _revolving(r: _Reader) -> RevolvingTerms:
    share = r.decimal("repay_share_pct")
    if share > 100:
        raise r.fail("repay_share_pct", "expected at most 100")
    return RevolvingTerms(
        pass_on_per_head=r.integer("pass_on_per_head", lo=0, hi=100),
        pass_on_due_months=r.integer("pass_on_due_months", lo=1, hi=240),
        repay_share_pct=share,
        repay_due_months=r.integer("repay_due_months", lo=1, hi=240),
        legal_basis=r.text("legal_basis", ""),
        confirmed=r.boolean("confirmed", False),
    )


def _programme(raw: Mapping[str, Any], where: str, defaults: Mapping[str, Any]) -> Programme:
    r = _Reader(raw, where, _PROGRAMME_KEYS)
    code = r.text("code")
    if len(code) > 32 or not code.replace(".", "").replace("-", "").replace("_", "").isalnum():
        raise r.fail("code", "expected at most 32 letters, digits, '.', '-' or '_'")
    eligibility = tuple(
        _eligibility(
            _Reader(t, f"{where}.eligibility[{i}]", {"groups", "requires", "kinds", "note"})
        )
        for i, t in enumerate(r.tables("eligibility"))
    )
    limits = tuple(
        _limit(
            _Reader(
                t,
                f"{where}.limits[{i}]",
                {
                    "max_vnd",
                    "valid_from",
                    "valid_to",
                    "kinds",
                    "variant",
                    "groups",
                    "requires",
                    "legal_basis",
                    "confirmed",
                    "note",
                },
            )
        )
        for i, t in enumerate(r.tables("limits"))
    )
    insurance = []
    for i, t in enumerate(r.tables("insurance")):
        ir = _Reader(
            t,
            f"{where}.insurance[{i}]",
            {
                "min_share_pct",
                "valid_from",
                "valid_to",
                "groups",
                "requires",
                "legal_basis",
                "confirmed",
                "note",
            },
        )
        share = ir.decimal("min_share_pct")
        if share > 100:
            raise ir.fail("min_share_pct", "expected at most 100")
        groups = ir.codes("groups", TargetGroup)
        if not groups:
            raise ir.fail("groups", "name at least one group")
        insurance.append(
            InsuranceShare(
                share,
                ir.validity(),
                groups,
                ir.codes("requires", TargetGroup),
                ir.text("legal_basis", ""),
                ir.boolean("confirmed", True),
            )
        )
    credit = (
        _credit(_Reader(raw["credit"], f"{where}.credit", _CREDIT_KEYS), defaults)
        if r.has("credit")
        else None
    )
    revolving = (
        _revolving(_Reader(raw["revolving"], f"{where}.revolving", _REVOLVING_KEYS))
        if r.has("revolving")
        else None
    )
    kinds = r.codes("kinds", SupportKind)
    for i, rule in enumerate(eligibility):
        if rule.kinds - kinds:
            msg = f"{where}.eligibility[{i}].kinds: not among the programme's kinds"
            raise CatalogueDataError(msg)
    if kinds and not eligibility:
        raise r.fail("eligibility", "a programme funding household support needs a rule")
    if credit is not None and SupportKind.CREDIT not in kinds:
        raise r.fail("kinds", "a credit programme must list 'credit'")
    return Programme(
        code=code,
        name_vi=r.text("name_vi"),
        name_en=r.text("name_en"),
        validity=r.validity(),
        legal_basis=r.text("legal_basis"),
        confirmed=r.boolean("confirmed", True),
        parent=r.opt_text("parent"),
        period=r.text("period", ""),
        guidance=r.text("guidance", ""),
        note=r.text("note", ""),
        province_code=r.opt_text("province_code"),
        kinds=kinds,
        funding_sources=r.codes("funding_sources", FundingSource),
        eligibility=eligibility,
        limits=limits,
        credit=credit,
        insurance=tuple(insurance),
        revolving=revolving,
        once_per_person=r.boolean("once_per_person", False),
    )


def _area_group(raw: Mapping[str, Any], where: str) -> AreaGroup:
    r = _Reader(
        raw,
        where,
        {"group", "communes", "valid_from", "valid_to", "legal_basis", "confirmed", "note"},
    )
    try:
        group = TargetGroup(r.text("group"))
    except ValueError as exc:
        raise r.fail("group", "unknown group") from exc
    if group not in AREA_GROUPS:
        raise r.fail("group", f"only area groups ({', '.join(sorted(AREA_GROUPS))})")
    communes = raw.get("communes", [])
    if not isinstance(communes, list) or not all(isinstance(c, str) for c in communes):
        raise r.fail("communes", "expected a list of commune codes")
    return AreaGroup(
        group,
        frozenset(communes),
        r.validity(),
        r.text("legal_basis", ""),
        r.boolean("confirmed", True),
    )


def _with_inherited(raws: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Programmes inherit period, validity, legal basis, confirmation and province from their
    parent when they do not state them (parents first in any order)."""
    by_code = {str(p.get("code")): p for p in raws}
    done: dict[str, dict[str, Any]] = {}

    def resolve(code: str, seen: tuple[str, ...]) -> dict[str, Any]:
        if code in done:
            return done[code]
        if code in seen:
            msg = f"programmes: parent cycle through {' → '.join((*seen, code))}"
            raise CatalogueDataError(msg)
        raw = dict(by_code[code])
        parent = raw.get("parent")
        if parent is not None:
            if parent not in by_code:
                msg = f"programmes[{code}].parent: no programme {parent!r}"
                raise CatalogueDataError(msg)
            base = resolve(parent, (*seen, code))
            for k in _INHERITED:
                if k not in raw and k in base:
                    raw[k] = base[k]
        done[code] = raw
        return raw

    return [resolve(str(p.get("code")), ()) for p in raws]


def build_catalogue(
    national: Mapping[str, Any], overrides: Sequence[tuple[str, Mapping[str, Any]]] = ()
) -> Catalogue:
    """The catalogue of ``national`` with each override applied in order.

    An override's programme replaces the programme of the same code entirely, or adds a new
    one; its area groups are added to the national lists; its ``revolving`` and
    ``credit_defaults`` tables replace the national ones key by key.
    """
    sources = [("national", national), *overrides]
    for name, raw in sources:
        _Reader(raw, name, _TOP_KEYS)
        if raw.get("schema_version", SCHEMA_VERSION) != SCHEMA_VERSION:
            msg = f"{name}.schema_version: expected {SCHEMA_VERSION}"
            raise CatalogueDataError(msg)
    programmes_raw: dict[str, dict[str, Any]] = {}
    areas: list[AreaGroup] = []
    credit_defaults: dict[str, Any] = dict(_CREDIT_DEFAULTS)
    revolving_raw: dict[str, Any] | None = None
    for name, raw in sources:
        cd = raw.get("credit_defaults", {})
        _Reader(cd, f"{name}.credit_defaults", set(_CREDIT_DEFAULTS) | {"note", "legal_basis"})
        credit_defaults.update({k: v for k, v in cd.items() if k in _CREDIT_DEFAULTS})
        if "revolving" in raw:
            revolving_raw = {**(revolving_raw or {}), **raw["revolving"]}
        for i, p in enumerate(_Reader(raw, name).tables("programmes")):
            code = p.get("code")
            if not isinstance(code, str):
                msg = f"{name}.programmes[{i}].code: expected a text"
                raise CatalogueDataError(msg)
            if name == "national" and code in programmes_raw:
                msg = f"{name}.programmes[{i}]: duplicate code {code!r}"
                raise CatalogueDataError(msg)
            programmes_raw[code] = dict(p)
        for i, a in enumerate(_Reader(raw, name).tables("area_groups")):
            areas.append(_area_group(a, f"{name}.area_groups[{i}]"))
    programmes = {
        str(p["code"]): _programme(p, f"programmes[{p['code']}]", credit_defaults)
        for p in _with_inherited(list(programmes_raw.values()))
    }
    children: dict[str, list[str]] = {}
    for prog in programmes.values():
        if prog.parent:
            children.setdefault(prog.parent, []).append(prog.code)
    revolving = (
        _revolving(_Reader(revolving_raw, "revolving", _REVOLVING_KEYS)) if revolving_raw else None
    )
    digest = hashlib.sha256(
        json.dumps([s for _, s in sources], sort_keys=True, default=str).encode()
    ).hexdigest()
    return Catalogue(
        programmes=programmes,
        area_groups=tuple(areas),
        revolving=revolving,
        sources=tuple(name for name, _ in sources),
        rule_hash=digest,
        _children={k: tuple(sorted(v)) for k, v in children.items()},
    )


def codes_of(programmes: Iterable[Programme]) -> list[str]:
    return sorted(p.code for p in programmes)
