"""Deprivation indicator rules: one pure function per indicator, deriving the household-level
indicator from the member and household answers of a survey.

Every threshold (ages, shares, materials, sources, asset lists) is a parameter parsed from the
standard's data file into a frozen ``*Params`` value; the functions contain no legal numbers.
Each function returns a :class:`Finding` (deprived, English reason naming the answer that caused
it). A function returns its params' ``ok`` finding, a shared constant, when the household is not
deprived, so that the classifier can reuse a prebuilt result instead of allocating one.

The legal article of each rule is in the standard's data (``legal_basis``); the docstrings name
the indicator of Decree 07/2021/NĐ-CP (Art. 3 and Appendix) it implements.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, NamedTuple, TypeVar

from services.assessment.domain.errors import StandardDataError
from shared.contracts.codes import (
    Asset,
    Employment,
    Latrine,
    Material,
    Qualification,
    SchoolLevel,
    Sex,
    WasteHandling,
    WaterSource,
    WorkCapacity,
)
from shared.contracts.surveys import Member, SurveyPayload


class Finding(NamedTuple):
    """Outcome of one indicator rule for one household."""

    deprived: bool
    reason: str


class IndicatorOutcome(NamedTuple):
    """One indicator as evaluated for a household, with its place in the standard.

    A named tuple rather than a dataclass: one is built per deprived indicator per household
    in the classifier's hot path, and a tuple is several times cheaper to build.
    """

    code: str
    dimension: str
    deprived: bool
    reason: str
    legal_basis: str


E = TypeVar("E", bound=StrEnum)
P = TypeVar("P")


class ParamReader:
    """Reads an indicator's ``params`` table with clear errors; rejects unknown keys."""

    def __init__(self, code: str, raw: Mapping[str, Any]) -> None:
        self._code = code
        self._raw = raw
        self._used: set[str] = set()

    def _get(self, key: str) -> Any:
        if key not in self._raw:
            msg = f"indicator '{self._code}': params.{key} is required"
            raise StandardDataError(msg)
        self._used.add(key)
        return self._raw[key]

    def int_(self, key: str, *, minimum: int = 0, maximum: int = 1_000_000_000) -> int:
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            msg = f"indicator '{self._code}': params.{key} must be an integer, got {value!r}"
            raise StandardDataError(msg)
        if not minimum <= value <= maximum:
            msg = (
                f"indicator '{self._code}': params.{key} = {value} is outside {minimum}..{maximum}"
            )
            raise StandardDataError(msg)
        return value

    def number(self, key: str, *, minimum: float = 0.0) -> float:
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            msg = f"indicator '{self._code}': params.{key} must be a number, got {value!r}"
            raise StandardDataError(msg)
        if value < minimum:
            msg = f"indicator '{self._code}': params.{key} = {value} is below {minimum}"
            raise StandardDataError(msg)
        return float(value)

    def bool_(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            msg = f"indicator '{self._code}': params.{key} must be true or false, got {value!r}"
            raise StandardDataError(msg)
        return value

    def enums(self, key: str, enum_type: type[E], *, allow_empty: bool = False) -> frozenset[E]:
        return frozenset(self._enum_list(key, enum_type, self._get(key), allow_empty=allow_empty))

    def _enum_list(
        self, key: str, enum_type: type[E], value: Any, *, allow_empty: bool = False
    ) -> list[E]:
        if not isinstance(value, list) or (not value and not allow_empty):
            msg = f"indicator '{self._code}': params.{key} must be a non-empty list of codes"
            raise StandardDataError(msg)
        out: list[E] = []
        for item in value:
            try:
                out.append(enum_type(item))
            except ValueError:
                allowed = ", ".join(e.value for e in enum_type)
                msg = (
                    f"indicator '{self._code}': params.{key} has unknown code {item!r}; "
                    f"allowed: {allowed}"
                )
                raise StandardDataError(msg) from None
        if len(set(out)) != len(out):
            msg = f"indicator '{self._code}': params.{key} lists a code twice"
            raise StandardDataError(msg)
        return out

    def age_bands(
        self, key: str, list_key: str, enum_type: type[E], *, first: int, last: int
    ) -> tuple[frozenset[E], ...]:
        """A table of ``{from_age, to_age, <list_key>}`` rows covering ``first..last`` exactly,
        returned as one allowed set per age (index 0 = ``first``)."""
        rows = self._get(key)
        if not isinstance(rows, list) or not rows:
            msg = f"indicator '{self._code}': params.{key} must be a non-empty table array"
            raise StandardDataError(msg)
        by_age: dict[int, frozenset[E]] = {}
        for row in rows:
            if not isinstance(row, Mapping) or set(row) != {"from_age", "to_age", list_key}:
                msg = (
                    f"indicator '{self._code}': each params.{key} row needs exactly "
                    f"from_age, to_age and {list_key}"
                )
                raise StandardDataError(msg)
            lo, hi = row["from_age"], row["to_age"]
            if not (isinstance(lo, int) and isinstance(hi, int)) or lo > hi:
                msg = f"indicator '{self._code}': params.{key} row has bad ages {lo!r}..{hi!r}"
                raise StandardDataError(msg)
            allowed = frozenset(self._enum_list(f"{key}.{list_key}", enum_type, row[list_key]))
            for age in range(lo, hi + 1):
                if age in by_age:
                    msg = f"indicator '{self._code}': params.{key} covers age {age} twice"
                    raise StandardDataError(msg)
                by_age[age] = allowed
        expected = set(range(first, last + 1))
        if set(by_age) != expected:
            missing = sorted(expected - set(by_age))
            extra = sorted(set(by_age) - expected)
            msg = (
                f"indicator '{self._code}': params.{key} must cover ages {first}..{last} "
                f"exactly (missing {missing}, outside {extra})"
            )
            raise StandardDataError(msg)
        return tuple(by_age[a] for a in range(first, last + 1))

    def done(self) -> None:
        unknown = sorted(set(self._raw) - self._used)
        if unknown:
            msg = f"indicator '{self._code}': unknown params {unknown}"
            raise StandardDataError(msg)


def _names(values: Iterable[StrEnum]) -> str:
    return ", ".join(sorted(map(str, values)))


def _members_phrase(items: list[str]) -> str:
    return ("member " if len(items) == 1 else "members ") + "; ".join(items)


# --------------------------------------------------------------------------- employment


@dataclass(frozen=True, slots=True)
class EmploymentParams:
    working_age_min: int
    working_age_max_male: int
    working_age_max_female: int
    able_capacities: frozenset[WorkCapacity]
    wage_without_contract: bool
    ok: Finding


def parse_employment(r: ParamReader) -> EmploymentParams:
    p = EmploymentParams(
        working_age_min=r.int_("working_age_min", maximum=120),
        working_age_max_male=r.int_("working_age_max_male", maximum=120),
        working_age_max_female=r.int_("working_age_max_female", maximum=120),
        able_capacities=r.enums("able_capacities", WorkCapacity),
        wage_without_contract=r.bool_("wage_without_contract_is_deprived"),
        ok=Finding(
            False,
            "no member of working age is unemployed"
            + " or works for wages without a labour contract",
        ),
    )
    if p.working_age_min > min(p.working_age_max_male, p.working_age_max_female):
        msg = "indicator 'employment': working_age_min is above a working_age_max"
        raise StandardDataError(msg)
    return p


_UNEMPLOYED = Employment.UNEMPLOYED
_EMPLOYED = Employment.EMPLOYED
_MALE = Sex.MALE


def _employment_problem(m: Member, p: EmploymentParams) -> str | None:
    age = m.age
    top = p.working_age_max_male if m.sex is _MALE else p.working_age_max_female
    if age < p.working_age_min or age > top or m.work_capacity not in p.able_capacities:
        return None
    if m.employment is _UNEMPLOYED and m.wants_work:
        return f"{m.member_no} (age {age}) is unemployed and wants work"
    if (
        p.wage_without_contract
        and m.employment is _EMPLOYED
        and m.wage_worker
        and not m.has_labour_contract
    ):
        return f"{m.member_no} (age {age}) works for wages without a labour contract"
    return None


def employment(survey: SurveyPayload, p: EmploymentParams) -> Finding:
    """Employment (việc làm), Decree 07/2021 Art. 3(1) and Appendix: at least one member of
    working age who is able and wants to work is unemployed, or works for wages without a
    labour contract."""
    lo = p.working_age_min
    for m in survey.members:
        if m.age >= lo and (m.employment is _UNEMPLOYED or m.wage_worker):
            break
    else:
        return p.ok
    problems = [x for x in (_employment_problem(m, p) for m in survey.members) if x]
    if not problems:
        return p.ok
    return Finding(True, _members_phrase(problems))


# --------------------------------------------------------------------------- dependants


@dataclass(frozen=True, slots=True)
class DependantsParams:
    child_age_under: int
    elderly_age_from: int
    disability_counts: bool
    no_work_capacity_counts: bool
    max_share_percent: int
    ok: Finding


def parse_dependants(r: ParamReader) -> DependantsParams:
    share = r.int_("max_dependant_share_percent", maximum=100)
    return DependantsParams(
        child_age_under=r.int_("child_age_under", maximum=120),
        elderly_age_from=r.int_("elderly_age_from", maximum=120),
        disability_counts=r.bool_("disability_counts"),
        no_work_capacity_counts=r.bool_("no_work_capacity_counts"),
        max_share_percent=share,
        ok=Finding(False, f"dependants are at most {share}% of members"),
    )


_NO_CAPACITY = WorkCapacity.NONE


def is_dependant(m: Member, p: DependantsParams) -> bool:
    """A member counts as a dependant: a child, an elderly person, a person with a disability
    or without work capacity (as the standard's parameters say)."""
    age = m.age
    return (
        age < p.child_age_under
        or age >= p.elderly_age_from
        or (p.disability_counts and m.has_disability)
        or (p.no_work_capacity_counts and m.work_capacity is _NO_CAPACITY)
    )


def dependants(survey: SurveyPayload, p: DependantsParams) -> Finding:
    """Dependants (người phụ thuộc), Decree 07/2021 Art. 3(1) and Appendix: dependants are
    more than the allowed share (50%) of the household's members."""
    members = survey.members
    under, elderly = p.child_age_under, p.elderly_age_from
    disab, nocap = p.disability_counts, p.no_work_capacity_counts
    count = 0
    for m in members:
        age = m.age
        if (
            age < under
            or age >= elderly
            or (disab and m.has_disability)
            or (nocap and m.work_capacity is _NO_CAPACITY)
        ):
            count += 1
    total = len(members)
    if count * 100 <= p.max_share_percent * total:
        return p.ok
    return Finding(
        True,
        f"{count} of {total} members are dependants ({count * 100 / total:.0f}%), "
        f"more than {p.max_share_percent}%",
    )


# --------------------------------------------------------------------------- nutrition


@dataclass(frozen=True, slots=True)
class NutritionParams:
    child_age_under: int
    ok: Finding


def parse_nutrition(r: ParamReader) -> NutritionParams:
    under = r.int_("child_age_under", maximum=120)
    return NutritionParams(
        child_age_under=under,
        ok=Finding(False, f"no child under {under} is recorded as stunted or underweight"),
    )


def nutrition(survey: SurveyPayload, p: NutritionParams) -> Finding:
    """Nutrition (dinh dưỡng), Decree 07/2021 Art. 3(1) and Appendix: at least one child under
    16 is stunted (height-for-age) or underweight (weight-for-age). A child whose nutrition
    was not recorded (``None``) is not counted as deprived."""
    under = p.child_age_under
    problems: list[str] = []
    for m in survey.members:
        if m.age < under and (m.stunted or m.underweight):
            what = " and ".join(
                w for w, flag in (("stunted", m.stunted), ("underweight", m.underweight)) if flag
            )
            problems.append(f"{m.member_no} (age {m.age}) is {what}")
    if not problems:
        return p.ok
    return Finding(True, _members_phrase(problems))


# --------------------------------------------------------------------------- health insurance


@dataclass(frozen=True, slots=True)
class HealthInsuranceParams:
    min_age: int
    ok: Finding


def parse_health_insurance(r: ParamReader) -> HealthInsuranceParams:
    age = r.int_("min_age", maximum=120)
    return HealthInsuranceParams(
        min_age=age, ok=Finding(False, f"every member aged {age} or over has health insurance")
    )


def health_insurance(survey: SurveyPayload, p: HealthInsuranceParams) -> Finding:
    """Health insurance (bảo hiểm y tế), Decree 07/2021 Art. 3(1) and Appendix: at least one
    member aged 6 or over has no health insurance."""
    problems: list[str] | None = None
    for m in survey.members:
        if not m.has_health_insurance and m.age >= p.min_age:
            if problems is None:
                problems = []
            problems.append(f"{m.member_no} (age {m.age}) has no health insurance")
    if problems is None:
        return p.ok
    return Finding(True, _members_phrase(problems))


# --------------------------------------------------------------------------- adult education


@dataclass(frozen=True, slots=True)
class AdultEducationParams:
    age_from: int
    age_to: int
    required: tuple[frozenset[Qualification], ...]
    ok: Finding


def parse_adult_education(r: ParamReader) -> AdultEducationParams:
    lo = r.int_("age_from", maximum=120)
    hi = r.int_("age_to", maximum=120)
    if lo > hi:
        msg = "indicator 'adult_education': age_from is above age_to"
        raise StandardDataError(msg)
    return AdultEducationParams(
        age_from=lo,
        age_to=hi,
        required=r.age_bands("requirements", "qualifications", Qualification, first=lo, last=hi),
        ok=Finding(
            False,
            f"every member aged {lo}-{hi} is in school or training"
            + " or holds the qualification due for the age",
        ),
    )


_SCHOOL_NONE = SchoolLevel.NONE


def adult_education(survey: SurveyPayload, p: AdultEducationParams) -> Finding:
    """Adult education (trình độ giáo dục của người lớn), Decree 07/2021 Art. 3(1) and
    Appendix: at least one member aged 16-30 is not in school or training and lacks the
    qualification due for the age (16 to under 18: lower secondary; 18-30: upper secondary or
    a vocational certificate)."""
    lo, hi = p.age_from, p.age_to
    problems: list[str] | None = None
    for m in survey.members:
        age = m.age
        if lo <= age <= hi and m.attending_school is _SCHOOL_NONE:
            allowed = p.required[age - lo]
            if m.highest_qualification not in allowed:
                if problems is None:
                    problems = []
                problems.append(
                    f"{m.member_no} (age {age}) is not in school or training and holds "
                    f"{m.highest_qualification}, not one of: {_names(allowed)}"
                )
    if problems is None:
        return p.ok
    return Finding(True, _members_phrase(problems))


# --------------------------------------------------------------------------- child schooling


@dataclass(frozen=True, slots=True)
class ChildSchoolingParams:
    age_from: int
    age_to: int
    levels: tuple[frozenset[SchoolLevel], ...]
    ok: Finding


def parse_child_schooling(r: ParamReader) -> ChildSchoolingParams:
    lo = r.int_("age_from", maximum=120)
    hi = r.int_("age_to", maximum=120)
    if lo > hi:
        msg = "indicator 'child_schooling': age_from is above age_to"
        raise StandardDataError(msg)
    return ChildSchoolingParams(
        age_from=lo,
        age_to=hi,
        levels=r.age_bands("levels", "levels", SchoolLevel, first=lo, last=hi),
        ok=Finding(False, f"every child aged {lo}-{hi} attends a level fitting the age"),
    )


def child_schooling(survey: SurveyPayload, p: ChildSchoolingParams) -> Finding:
    """Child schooling (tình trạng đi học của trẻ em), Decree 07/2021 Art. 3(1) and Appendix:
    at least one child aged 3 to under 16 does not attend the level fitting the age."""
    lo, hi = p.age_from, p.age_to
    problems: list[str] | None = None
    for m in survey.members:
        age = m.age
        if lo <= age <= hi:
            level = m.attending_school
            allowed = p.levels[age - lo]
            if level not in allowed:
                if problems is None:
                    problems = []
                if level is _SCHOOL_NONE:
                    problems.append(f"{m.member_no} (age {age}) does not attend school")
                else:
                    problems.append(
                        f"{m.member_no} (age {age}) attends {level}, "
                        f"not {' or '.join(sorted(map(str, allowed)))}"
                    )
    if problems is None:
        return p.ok
    return Finding(True, _members_phrase(problems))


# --------------------------------------------------------------------------- housing quality


@dataclass(frozen=True, slots=True)
class HousingQualityParams:
    durable_pillars: frozenset[Material]
    durable_walls: frozenset[Material]
    durable_roof: frozenset[Material]
    min_non_durable: int
    ok: Finding


def parse_housing_quality(r: ParamReader) -> HousingQualityParams:
    n = r.int_("min_non_durable_components", minimum=1, maximum=3)
    return HousingQualityParams(
        durable_pillars=r.enums("durable_pillars", Material),
        durable_walls=r.enums("durable_walls", Material),
        durable_roof=r.enums("durable_roof", Material),
        min_non_durable=n,
        ok=Finding(False, f"fewer than {n} of pillars, walls and roof are non-durable"),
    )


def housing_quality(survey: SurveyPayload, p: HousingQualityParams) -> Finding:
    """Housing quality (chất lượng nhà ở), Decree 07/2021 Art. 3(1) and Appendix: the home is
    non-durable, i.e. at least two of its three main components (pillars, walls, roof) are of
    non-durable materials."""
    h = survey.housing
    bad: list[str] = []
    if h.pillars not in p.durable_pillars:
        bad.append(f"pillars ({h.pillars})")
    if h.walls not in p.durable_walls:
        bad.append(f"walls ({h.walls})")
    if h.roof not in p.durable_roof:
        bad.append(f"roof ({h.roof})")
    if len(bad) < p.min_non_durable:
        return p.ok
    return Finding(True, f"{len(bad)} of 3 main components are non-durable: {', '.join(bad)}")


# --------------------------------------------------------------------------- housing area


@dataclass(frozen=True, slots=True)
class HousingAreaParams:
    min_m2_per_person: float
    ok: Finding


def parse_housing_area(r: ParamReader) -> HousingAreaParams:
    area = r.number("min_m2_per_person")
    return HousingAreaParams(
        min_m2_per_person=area, ok=Finding(False, f"floor area is at least {area:g} m² per person")
    )


def housing_area(survey: SurveyPayload, p: HousingAreaParams) -> Finding:
    """Floor area per person (diện tích nhà ở bình quân đầu người), Decree 07/2021 Art. 3(1)
    and Appendix: usable floor area per member is under 8 m²."""
    area = survey.housing.floor_area_m2
    n = len(survey.members)
    # Compare area with threshold x members: no division, so "exactly 8 m²" is exact.
    if area >= p.min_m2_per_person * n:
        return p.ok
    return Finding(
        True,
        f"floor area {area:g} m² for {n} members is {area / n:.2f} m² per person, "
        f"under {p.min_m2_per_person:g} m²",
    )


# --------------------------------------------------------------------------- water, latrine


@dataclass(frozen=True, slots=True)
class WaterSourceParams:
    clean_sources: frozenset[WaterSource]
    ok: Finding


def parse_water_source(r: ParamReader) -> WaterSourceParams:
    return WaterSourceParams(
        clean_sources=r.enums("clean_sources", WaterSource),
        ok=Finding(False, "main domestic water source is clean"),
    )


def water_source(survey: SurveyPayload, p: WaterSourceParams) -> Finding:
    """Domestic water source (nguồn nước sinh hoạt), Decree 07/2021 Art. 3(1) and Appendix:
    the household has no access to a clean (hygienic) domestic water source."""
    src = survey.water_source
    if src in p.clean_sources:
        return p.ok
    return Finding(True, f"main water source is {src}, not a clean source")


@dataclass(frozen=True, slots=True)
class LatrineParams:
    hygienic: frozenset[Latrine]
    ok: Finding


def parse_latrine(r: ParamReader) -> LatrineParams:
    return LatrineParams(
        hygienic=r.enums("hygienic", Latrine), ok=Finding(False, "latrine is hygienic")
    )


def latrine(survey: SurveyPayload, p: LatrineParams) -> Finding:
    """Hygienic latrine (nhà tiêu hợp vệ sinh), Decree 07/2021 Art. 3(1) and Appendix: the
    household has no hygienic latrine."""
    kind = survey.latrine
    if kind in p.hygienic:
        return p.ok
    if kind is Latrine.NONE:
        return Finding(True, "household has no latrine")
    return Finding(True, f"latrine is {kind}, not hygienic")


# --------------------------------------------------------------------------- information


@dataclass(frozen=True, slots=True)
class NoParams:
    ok: Finding


_TELECOM_OK = Finding(False, "a member uses telephone or internet services")
_TELECOM_BAD = Finding(True, "no member uses telephone or internet services")


def parse_telecom(r: ParamReader) -> NoParams:
    return NoParams(ok=_TELECOM_OK)


def telecom(survey: SurveyPayload, p: NoParams) -> Finding:
    """Telecommunication services (sử dụng dịch vụ viễn thông), Decree 07/2021 Art. 3(1) and
    Appendix: no member uses telephone or internet services."""
    return p.ok if survey.uses_telecom else _TELECOM_BAD


@dataclass(frozen=True, slots=True)
class InformationAssetsParams:
    devices: frozenset[Asset]
    assets: frozenset[Asset]
    ok: Finding
    bad: Finding


def parse_information_assets(r: ParamReader) -> InformationAssetsParams:
    devices = r.enums("information_devices", Asset)
    assets = r.enums("access_assets", Asset, allow_empty=True)
    if devices & assets:
        msg = "indicator 'information_assets': a code is both a device and an asset"
        raise StandardDataError(msg)
    return InformationAssetsParams(
        devices=devices,
        assets=assets,
        ok=Finding(False, "owns an information device or a listed asset"),
        bad=Finding(
            True,
            f"owns no information device ({_names(devices)})"
            + (f" and no listed asset ({_names(assets)})" if assets else ""),
        ),
    )


def information_assets(survey: SurveyPayload, p: InformationAssetsParams) -> Finding:
    """Means of access to information (phương tiện phục vụ tiếp cận thông tin), Decree 07/2021
    Art. 3(1) and Appendix: the household owns no information device (TV, radio, computer,
    phone, tablet) and none of the listed assets (motorbike, car, ...)."""
    devices, assets = p.devices, p.assets
    for a in survey.assets:
        if a in devices or a in assets:
            return p.ok
    return p.bad


_DIGITAL_OK = Finding(False, "a member uses internet or digital public services")
_DIGITAL_BAD = Finding(True, "no member uses internet or digital public services")


def parse_digital_services(r: ParamReader) -> NoParams:
    return NoParams(ok=_DIGITAL_OK)


def digital_services(survey: SurveyPayload, p: NoParams) -> Finding:
    """Use of digital services / internet, Decree 351/2025/NĐ-CP (added for 2027-2030;
    threshold wording from the draft, pending confirmation): no member uses internet or
    digital public services."""
    return p.ok if survey.uses_internet else _DIGITAL_BAD


@dataclass(frozen=True, slots=True)
class WasteHandlingParams:
    acceptable: frozenset[WasteHandling]
    missing_is_deprived: bool
    ok: Finding
    missing: Finding


def parse_waste_handling(r: ParamReader) -> WasteHandlingParams:
    missing = r.bool_("missing_answer_is_deprived")
    return WasteHandlingParams(
        acceptable=r.enums("acceptable", WasteHandling),
        missing_is_deprived=missing,
        ok=Finding(False, "household waste is collected or treated"),
        missing=Finding(
            missing,
            "waste handling was not recorded; counted as "
            + ("deprived" if missing else "not deprived"),
        ),
    )


def waste_handling(survey: SurveyPayload, p: WasteHandlingParams) -> Finding:
    """Household waste handling, Decree 351/2025/NĐ-CP (added to the water, sanitation and
    environment dimension for 2027-2030; pending confirmation): waste is not collected or
    treated (burned in the open, dumped, ...)."""
    w = survey.waste_handling
    if w is None:
        return p.missing
    if w in p.acceptable:
        return p.ok
    return Finding(True, f"household waste is {w}, not collected or treated")


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True, slots=True)
class Rule(Generic[P]):
    """An indicator rule: how to parse its params and how to evaluate it."""

    parse: Callable[[ParamReader], P]
    evaluate: Callable[[SurveyPayload, P], Finding]


RULES: Mapping[str, Rule[Any]] = {
    "employment": Rule(parse_employment, employment),
    "dependants": Rule(parse_dependants, dependants),
    "nutrition": Rule(parse_nutrition, nutrition),
    "health_insurance": Rule(parse_health_insurance, health_insurance),
    "adult_education": Rule(parse_adult_education, adult_education),
    "child_schooling": Rule(parse_child_schooling, child_schooling),
    "housing_quality": Rule(parse_housing_quality, housing_quality),
    "housing_area": Rule(parse_housing_area, housing_area),
    "water_source": Rule(parse_water_source, water_source),
    "latrine": Rule(parse_latrine, latrine),
    "telecom": Rule(parse_telecom, telecom),
    "information_assets": Rule(parse_information_assets, information_assets),
    "digital_services": Rule(parse_digital_services, digital_services),
    "waste_handling": Rule(parse_waste_handling, waste_handling),
}
"""Indicator rules by the ``rule`` name used in the data files (defaults to the code)."""
