"""Poverty standards as frozen value objects built from their parsed data files.

Responsibility: validate a standard's mapping (as parsed from TOML), merge a province override
over a national standard, compute the ``rule_hash`` of the effective rule bundle, and pick the
standard that governs a review year. Reading the files is the adapter's job
(``services.assessment.adapters.standards_repo``); this module never touches the file system.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from services.assessment.domain.errors import StandardDataError
from services.assessment.domain.indicators import (
    RULES,
    EmploymentParams,
    Finding,
    ParamReader,
    Rule,
    evaluate,
)
from shared.contracts.codes import AreaType

SCHEMA_VERSION = 1
"""Version of the data-file shape this module reads."""

_TOP_KEYS = {
    "schema_version",
    "id",
    "title",
    "title_vi",
    "legal_basis",
    "review_years",
    "poor_min_deprivations",
    "newly_escaped_months",
    "income_line",
    "score_a_line",
    "average_band",
    "low_income_worker",
    "dimensions",
    "indicators",
    "base",
    "province_code",
    "note",
}
_REQUIRED_TOP = {
    "schema_version",
    "id",
    "title",
    "legal_basis",
    "review_years",
    "poor_min_deprivations",
    "newly_escaped_months",
    "income_line",
    "dimensions",
    "indicators",
}
_META_KEYS = {"legal_basis", "pending_confirmation", "note"}
_INDICATOR_KEYS = {
    "code",
    "rule",
    "dimension",
    "name_vi",
    "name_en",
    "legal_basis",
    "pending_confirmation",
    "note",
    "params",
}


def _fail(msg: str) -> StandardDataError:
    return StandardDataError(msg)


def _table(raw: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = raw[key]
    if not isinstance(value, Mapping):
        raise _fail(f"{where}{key} must be a table")
    return value


def _str(raw: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = raw.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise _fail(f"{where}{key} must be a non-empty string")
    return value


def _int(raw: Mapping[str, Any], key: str, where: str, *, minimum: int = 0) -> int:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(f"{where}{key} must be an integer, got {value!r}")
    if value < minimum:
        raise _fail(f"{where}{key} = {value} must be at least {minimum}")
    return value


def _flag(raw: Mapping[str, Any], key: str, where: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise _fail(f"{where}{key} must be true or false")
    return value


def _check_keys(raw: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise _fail(f"{where}unknown keys {unknown}")


@dataclass(frozen=True, slots=True)
class AreaLine:
    """An amount per area type (VND per person per month, or score-A points).

    ``rural``/``urban`` are ``None`` when the standard leaves the line unset (e.g. not yet
    published); both are set or both are unset.
    """

    rural: int | None
    urban: int | None
    legal_basis: str = ""
    pending_confirmation: bool = False
    note: str = ""

    @property
    def is_set(self) -> bool:
        return self.rural is not None

    def for_area(self, area: AreaType) -> int | None:
        return self.urban if area is AreaType.URBAN else self.rural

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any], where: str) -> AreaLine:
        _check_keys(raw, {"rural", "urban"} | _META_KEYS, where)
        present = [k for k in ("rural", "urban") if k in raw]
        if len(present) == 1:
            raise _fail(f"{where}set both rural and urban, or neither")
        rural = _int(raw, "rural", where, minimum=1) if present else None
        urban = _int(raw, "urban", where, minimum=1) if present else None
        return cls(
            rural=rural,
            urban=urban,
            legal_basis=_str(raw, "legal_basis", where, required=False),
            pending_confirmation=_flag(raw, "pending_confirmation", where),
            note=_str(raw, "note", where, required=False),
        )


@dataclass(frozen=True, slots=True)
class Band:
    """Income strictly above ``above`` and at most ``up_to``."""

    above: int
    up_to: int

    def contains(self, value: int) -> bool:
        return self.above < value <= self.up_to


@dataclass(frozen=True, slots=True)
class AreaBand:
    """A band per area type; both ``None`` when the standard leaves it unset."""

    rural: Band | None
    urban: Band | None
    legal_basis: str = ""
    pending_confirmation: bool = False
    note: str = ""

    def for_area(self, area: AreaType) -> Band | None:
        return self.urban if area is AreaType.URBAN else self.rural

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any], where: str) -> AreaBand:
        _check_keys(raw, {"rural", "urban"} | _META_KEYS, where)
        present = [k for k in ("rural", "urban") if k in raw]
        if len(present) == 1:
            raise _fail(f"{where}set both rural and urban, or neither")
        bands: dict[str, Band] = {}
        for area in present:
            sub = _table(raw, area, where)
            _check_keys(sub, {"above", "up_to"}, f"{where}{area}.")
            band = Band(
                _int(sub, "above", f"{where}{area}."), _int(sub, "up_to", f"{where}{area}.")
            )
            if band.above >= band.up_to:
                raise _fail(f"{where}{area}: 'above' must be below 'up_to'")
            bands[area] = band
        return cls(
            rural=bands.get("rural"),
            urban=bands.get("urban"),
            legal_basis=_str(raw, "legal_basis", where, required=False),
            pending_confirmation=_flag(raw, "pending_confirmation", where),
            note=_str(raw, "note", where, required=False),
        )


@dataclass(frozen=True, slots=True)
class Dimension:
    code: str
    name_vi: str
    name_en: str


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    """One deprivation indicator of a standard, with its parsed parameters and rule."""

    code: str
    rule: str
    dimension: str
    name_vi: str
    name_en: str
    legal_basis: str
    pending_confirmation: bool
    note: str
    params: Any = field(repr=False)
    """The rule's frozen ``*Params`` value (see ``indicators``)."""

    @property
    def declaration(self) -> Rule[Any]:
        """The rule this indicator applies (see ``indicators.RULES``)."""
        return RULES[self.rule]

    def evaluate(self, survey: Any, year: int | None = None) -> Finding:
        """Evaluate this indicator for one survey (a ``SurveyPayload``) straight from the
        rule's declaration, in the survey's review year unless ``year`` is given."""
        when: int = survey.review_round.year if year is None else year
        return evaluate(RULES[self.rule], survey, self.params, when)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any], where: str) -> IndicatorSpec:
        _check_keys(raw, _INDICATOR_KEYS, where)
        code = _str(raw, "code", where)
        where = f"indicators[{code}]."
        rule = raw.get("rule", code)
        if rule not in RULES:
            raise _fail(f"{where}rule '{rule}' is unknown; known rules: {', '.join(RULES)}")
        params_raw = raw.get("params", {})
        if not isinstance(params_raw, Mapping):
            raise _fail(f"{where}params must be a table")
        reader = ParamReader(code, params_raw)
        params = RULES[rule].parse(reader)
        reader.done()
        return cls(
            code=code,
            rule=rule,
            dimension=_str(raw, "dimension", where),
            name_vi=_str(raw, "name_vi", where),
            name_en=_str(raw, "name_en", where),
            legal_basis=_str(raw, "legal_basis", where),
            pending_confirmation=_flag(raw, "pending_confirmation", where),
            note=_str(raw, "note", where, required=False),
            params=params,
        )


@dataclass(frozen=True, slots=True)
class Standard:
    """A poverty standard (national, or national merged with a province override)."""

    id: str
    title: str
    title_vi: str
    legal_basis: str
    first_year: int
    last_year: int
    poor_min_deprivations: int
    newly_escaped_months: int
    income_line: AreaLine
    score_a_line: AreaLine
    average_band: AreaBand
    low_income_worker: AreaLine
    dimensions: tuple[Dimension, ...]
    indicators: tuple[IndicatorSpec, ...]
    base_id: str | None
    province_code: str | None
    note: str
    canonical_json: str = field(repr=False)
    rule_hash: str
    compiled: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)
    """Memo of what the engine compiles from this standard's data on first use (see
    ``facts.facts_classifier``): pure functions of the data, so building one twice (e.g.
    from two threads) gives equal results."""

    @property
    def pending_confirmation(self) -> tuple[str, ...]:
        """Names of the parts of this standard whose figures await confirmation."""
        parts = [
            name
            for name, meta in (
                ("income_line", self.income_line),
                ("score_a_line", self.score_a_line),
                ("average_band", self.average_band),
                ("low_income_worker", self.low_income_worker),
            )
            if meta.pending_confirmation
        ]
        parts += [f"indicators.{i.code}" for i in self.indicators if i.pending_confirmation]
        return tuple(parts)

    def governs(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year

    def indicator(self, code: str) -> IndicatorSpec:
        for spec in self.indicators:
            if spec.code == code:
                return spec
        msg = f"standard {self.id} has no indicator '{code}'"
        raise KeyError(msg)

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> Standard:
        """Validate a parsed standard (national file, or the result of ``merge_override``)."""
        if not isinstance(raw, Mapping):
            raise _fail("a standard must be a table")
        sid = raw.get("id", "?")
        where = f"standard {sid}: "
        missing = sorted(_REQUIRED_TOP - set(raw))
        if missing:
            raise _fail(f"{where}missing keys {missing}")
        _check_keys(raw, _TOP_KEYS, where)
        if raw["schema_version"] != SCHEMA_VERSION:
            raise _fail(f"{where}schema_version must be {SCHEMA_VERSION}")
        sid = _str(raw, "id", where)

        years = _table(raw, "review_years", where)
        _check_keys(years, {"first", "last"}, f"{where}review_years.")
        first = _int(years, "first", f"{where}review_years.", minimum=2000)
        last = _int(years, "last", f"{where}review_years.", minimum=2000)
        if first > last:
            raise _fail(f"{where}review_years.first is after review_years.last")

        income = AreaLine.from_mapping(_table(raw, "income_line", where), f"{where}income_line.")
        if not income.is_set:
            raise _fail(f"{where}income_line must set rural and urban")
        empty_line = AreaLine(None, None)
        score = (
            AreaLine.from_mapping(_table(raw, "score_a_line", where), f"{where}score_a_line.")
            if "score_a_line" in raw
            else empty_line
        )
        band = (
            AreaBand.from_mapping(_table(raw, "average_band", where), f"{where}average_band.")
            if "average_band" in raw
            else AreaBand(None, None)
        )
        low = (
            AreaLine.from_mapping(
                _table(raw, "low_income_worker", where), f"{where}low_income_worker."
            )
            if "low_income_worker" in raw
            else empty_line
        )

        dims_raw = raw["dimensions"]
        if not isinstance(dims_raw, list) or not dims_raw:
            raise _fail(f"{where}dimensions must be a non-empty array of tables")
        dimensions: list[Dimension] = []
        for d in dims_raw:
            if not isinstance(d, Mapping):
                raise _fail(f"{where}each dimension must be a table")
            _check_keys(d, {"code", "name_vi", "name_en"}, f"{where}dimensions.")
            dimensions.append(
                Dimension(
                    _str(d, "code", f"{where}dimensions."),
                    _str(d, "name_vi", f"{where}dimensions."),
                    _str(d, "name_en", f"{where}dimensions."),
                )
            )
        dim_codes = [d.code for d in dimensions]
        if len(set(dim_codes)) != len(dim_codes):
            raise _fail(f"{where}a dimension code appears twice")

        inds_raw = raw["indicators"]
        if not isinstance(inds_raw, list) or not inds_raw:
            raise _fail(f"{where}indicators must be a non-empty array of tables")
        indicators: list[IndicatorSpec] = []
        for i in inds_raw:
            if not isinstance(i, Mapping):
                raise _fail(f"{where}each indicator must be a table")
            indicators.append(IndicatorSpec.from_mapping(i, f"{where}indicators."))
        codes = [i.code for i in indicators]
        if len(set(codes)) != len(codes):
            raise _fail(f"{where}an indicator code appears twice")
        for spec in indicators:
            if spec.dimension not in dim_codes:
                raise _fail(
                    f"{where}indicator '{spec.code}' names unknown dimension '{spec.dimension}'"
                )
        empty = [d for d in dim_codes if not any(i.dimension == d for i in indicators)]
        if empty:
            raise _fail(f"{where}dimensions without indicators: {empty}")

        threshold = _int(raw, "poor_min_deprivations", where, minimum=1)
        if threshold > len(indicators):
            raise _fail(f"{where}poor_min_deprivations exceeds the number of indicators")

        for spec in indicators:
            p = spec.params
            if isinstance(p, EmploymentParams) and p.retirement[0].year > first:
                raise _fail(
                    f"{where}indicator '{spec.code}': the retirement-age schedule starts in "
                    f"{p.retirement[0].year}, after the first review year {first}"
                )

        canonical = canonical_json(raw)
        base = raw.get("base")
        province = raw.get("province_code")
        return cls(
            id=sid,
            title=_str(raw, "title", where),
            title_vi=_str(raw, "title_vi", where, required=False),
            legal_basis=_str(raw, "legal_basis", where),
            first_year=first,
            last_year=last,
            poor_min_deprivations=threshold,
            newly_escaped_months=_int(raw, "newly_escaped_months", where, minimum=1),
            income_line=income,
            score_a_line=score,
            average_band=band,
            low_income_worker=low,
            dimensions=tuple(dimensions),
            indicators=tuple(indicators),
            base_id=base if isinstance(base, str) else None,
            province_code=province if isinstance(province, str) else None,
            note=_str(raw, "note", where, required=False),
            canonical_json=canonical,
            rule_hash=hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        )


def canonical_json(raw: Mapping[str, Any]) -> str:
    """Canonical JSON of a rule bundle: sorted keys, no insignificant whitespace, UTF-8 text.

    Every key of the effective data is included (notes too), so any edit gives a new hash.
    """
    return json.dumps(
        raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )


def _merge_tables(base: Mapping[str, Any], over: Mapping[str, Any], where: str) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge_tables(out[key], value, f"{where}{key}.")
        else:
            out[key] = copy.deepcopy(value)
    return out


def _merge_by_code(
    base: list[Mapping[str, Any]], over: Any, section: str, *, may_add: bool
) -> list[dict[str, Any]]:
    if not isinstance(over, list):
        raise _fail(f"override: {section} must be an array of tables")
    merged = [dict(item) for item in base]
    index = {item.get("code"): n for n, item in enumerate(merged)}
    for item in over:
        if not isinstance(item, Mapping) or "code" not in item:
            raise _fail(f"override: each entry of {section} needs a code")
        code = item["code"]
        if code in index:
            merged[index[code]] = _merge_tables(merged[index[code]], item, f"{section}.{code}.")
        elif may_add:
            merged.append(copy.deepcopy(dict(item)))
        else:
            raise _fail(
                f"override: {section} entry '{code}' is not in the base standard "
                "(an override may change indicators, not add them)"
            )
    return merged


def merge_override(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Merge a province override over a national standard's mapping; returns a new mapping.

    The override has the national file's shape, partially filled, plus ``id`` (of the local
    standard) and ``base`` (the national id it applies to). Tables merge key by key; arrays
    (lists of codes, age tables) are replaced whole; ``indicators`` and ``dimensions`` merge
    entry by entry, matched on ``code``. An override cannot add indicators: a local standard
    may raise lines or tighten a threshold, while the indicator set is national law.
    """
    if override.get("base") != base.get("id"):
        msg = (
            f"override {override.get('id', '?')}: base = {override.get('base')!r} does not "
            f"match the national standard {base.get('id')!r}"
        )
        raise _fail(msg)
    if not isinstance(override.get("id"), str) or override["id"] == base.get("id"):
        raise _fail("override: id must be set to the local standard's own id")
    if "schema_version" in override and override["schema_version"] != base.get("schema_version"):
        raise _fail("override: schema_version differs from the base standard's")
    _check_keys(override, _TOP_KEYS, "override: ")
    merged: dict[str, Any] = {}
    for key, value in base.items():
        merged[key] = copy.deepcopy(value)
    for key, value in override.items():
        if key in {"indicators", "dimensions"}:
            merged[key] = _merge_by_code(base[key], value, key, may_add=False)
        elif isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge_tables(merged[key], value, f"{key}.")
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def standard_for_year(
    standards: Iterable[Standard], year: int, province_code: str | None = None
) -> Standard:
    """The standard governing a review year: the province's local standard if one is given
    and exists for that year, else the national one. Raises ``LookupError`` if none or more
    than one applies."""
    candidates = [s for s in standards if s.governs(year)]
    local = [s for s in candidates if province_code and s.province_code == province_code]
    national = [s for s in candidates if s.province_code is None]
    chosen = local or national
    if not chosen:
        msg = f"no standard governs review year {year}"
        raise LookupError(msg)
    if len(chosen) > 1:
        ids = ", ".join(s.id for s in chosen)
        msg = f"several standards govern review year {year}: {ids}"
        raise LookupError(msg)
    return chosen[0]
