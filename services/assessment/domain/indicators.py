"""Deprivation indicator rules, each declared once (:class:`Rule`): the test that decides it,
at member level (any member deprived, or a share of members) or at household level, and the
text that explains a deprivation.

Every threshold (ages, shares, materials, sources, asset lists) is a parameter parsed from the
standard's data file into a frozen ``*Params`` value; the functions contain no legal numbers.
Every path derives from the declarations: the explained classification and the compiled facts
classifier (``facts``, which tabulates the tests), the member profiles, and the reference
classifier the tests hold as the specification. A not-deprived household gets its params'
``ok`` finding, a shared constant; a reason is rendered only for a deprivation.

The legal article of each rule is in the standard's data (``legal_basis``); the docstrings name
the indicator of Decree 07/2021/NĐ-CP (Art. 3 and Appendix) it implements.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final, Generic, NamedTuple, TypeVar

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

    def has(self, key: str) -> bool:
        return key in self._raw

    def table(self, key: str) -> Mapping[str, Any]:
        value = self._get(key)
        if not isinstance(value, Mapping):
            msg = f"indicator '{self._code}': params.{key} must be a table"
            raise StandardDataError(msg)
        return value

    def fail(self, message: str) -> StandardDataError:
        return StandardDataError(f"indicator '{self._code}': {message}")


def _names(values: Iterable[StrEnum]) -> str:
    return ", ".join(sorted(map(str, values)))


def members_phrase(items: list[str]) -> str:
    """The reason of a member-level deprivation from each deprived member's phrase."""
    return ("member " if len(items) == 1 else "members ") + "; ".join(items)


# --------------------------------------------------------------------------- declarations


class Level(StrEnum):
    """Where a rule looks, which fixes the shape of its ``test``:

    * ``member``: ``test(member, params, year) -> bool``; the household is deprived when at
      least one member is (``explain(member, params, year)`` says why, for each such member);
    * ``share``: ``test(member, params, year) -> bool`` says who counts, and
      ``share(count, members, params) -> bool`` whether the count deprives the household;
    * ``area``: ``test(floor_area_m2, members, params) -> bool`` over the dwelling's floor
      area and the number of members;
    * ``household``: ``test(survey, params) -> bool`` over household-level answers only.
    """

    MEMBER = "member"
    SHARE = "share"
    AREA = "area"
    HOUSEHOLD = "household"


HOUSEHOLD_ANSWERS: Final = frozenset({"housing", "services", "assets"})


@dataclass(frozen=True, slots=True)
class Rule(Generic[P]):
    """One indicator rule, declared once: how to parse its params, the test that decides it
    and the text that explains a deprivation. Every path derives from this: the explained
    classification, the compiled facts classifier (which tabulates ``test``) and the
    member profiles.
    """

    parse: Callable[[ParamReader], P]
    level: Level
    reads: str
    """Which answers the test reads: ``work`` (a member's age, sex, work capacity,
    employment, wanting work, wage work, labour contract, disability) or ``school`` (age,
    school attended, qualification, health insurance, stunted or underweight) for member
    rules; ``floor_area``; or one of ``housing``, ``services``, ``assets``."""
    test: Callable[..., bool]
    explain: Callable[..., str]
    """Why the household is deprived; called only when it is. Like ``test``, it reads only
    the answers of the ``reads`` group (and a member's line number): the engine keeps a
    reason per coded answers."""
    share: Callable[[int, int, P], bool] | None = None
    explain_ok: Callable[[SurveyPayload, P], Finding] | None = None
    """For a rule whose not-deprived finding depends on the answers (a missing answer
    counted as not deprived says so); otherwise the params' shared ``ok`` finding."""
    by_year: bool = False
    """The test depends on the review year (the working-age bound rises each year)."""


def _year_of(survey: SurveyPayload) -> int:
    year: int = survey.review_round.year
    return year


def is_deprived(rule: Rule[Any], survey: SurveyPayload, p: Any, year: int) -> bool:
    """The rule's decision for one household, evaluated straight from its declaration."""
    level = rule.level
    if level is Level.MEMBER:
        test = rule.test
        return any(test(m, p, year) for m in survey.members)
    if level is Level.SHARE:
        count = sum(1 for m in survey.members if rule.test(m, p, year))
        share: Callable[[int, int, Any], bool] = rule.share  # type: ignore[assignment]
        return share(count, len(survey.members), p)
    if level is Level.AREA:
        return rule.test(survey.housing.floor_area_m2, len(survey.members), p)
    return rule.test(survey, p)


def explain_deprived(rule: Rule[Any], survey: SurveyPayload, p: Any, year: int) -> str:
    """The reason of a household the rule deprives (call only when it does)."""
    level = rule.level
    if level is Level.MEMBER:
        test = rule.test
        return explain_members(rule, [m for m in survey.members if test(m, p, year)], p, year)
    if level is Level.SHARE:
        count = sum(1 for m in survey.members if rule.test(m, p, year))
        return rule.explain(count, len(survey.members), p)
    if level is Level.AREA:
        return rule.explain(survey.housing.floor_area_m2, len(survey.members), p)
    return rule.explain(survey, p)


def explain_members(rule: Rule[Any], members: Iterable[Member], p: Any, year: int) -> str:
    """The reason of a member-level deprivation, naming the ``members`` it applies to."""
    explain = rule.explain
    return members_phrase([explain(m, p, year) for m in members])


def evaluate(rule: Rule[Any], survey: SurveyPayload, p: Any, year: int) -> Finding:
    """The rule's finding (decision and reason) for one household."""
    if is_deprived(rule, survey, p, year):
        return Finding(True, explain_deprived(rule, survey, p, year))
    if rule.explain_ok is not None:
        return rule.explain_ok(survey, p)
    ok: Finding = p.ok
    return ok


# --------------------------------------------------------------------------- employment


@dataclass(frozen=True, slots=True)
class RetirementAge:
    """The retirement age in normal working conditions from ``year`` on (until the next row),
    in months of age."""

    year: int
    male_months: int
    female_months: int


def _row_year(row: RetirementAge) -> int:
    return row.year


@dataclass(frozen=True, slots=True)
class EmploymentParams:
    working_age_min: int
    retirement: tuple[RetirementAge, ...]
    """By year, ascending; the first row also covers earlier years, the last later ones."""
    retirement_legal_basis: str
    able_capacities: frozenset[WorkCapacity]
    wage_without_contract: bool
    ok: Finding
    by_year: dict[int, RetirementAge] = field(default_factory=dict, compare=False, repr=False)
    """Memo of the row in force by review year."""

    def upper_bound_months(self, sex: Sex, year: int) -> int:
        """The working-age upper bound (the retirement age) of a review held in ``year``."""
        row = self.by_year.get(year)
        if row is None:
            rows = self.retirement
            row = self.by_year[year] = rows[max(0, bisect_right(rows, year, key=_row_year) - 1)]
        return row.male_months if sex is _MALE else row.female_months

    def is_working_age(self, age: int, sex: Sex, year: int) -> bool:
        """Working age in a review held in ``year``, from the age in completed years.

        Labour Code 2019 (Law 45/2019/QH14) Art. 169(2) and Decree 135/2020/NĐ-CP Art. 4
        and Appendix I: the retirement age in normal working conditions is 60 years 3 months
        (men) and 55 years 4 months (women) in 2021, rising by 3 months a year for men
        until 62 (2028) and by 4 months a year for women until 60 (2035); a review uses the
        bound of its own year. The lower bound is ``working_age_min`` (15, Labour Code Art.
        3(1)).

        The survey records age in completed years (``Member.age``): a member aged ``a`` is
        between ``a`` years and ``a`` years 11 months. The member is of working age when
        ``a`` is below the bound, i.e. ``12 * a < bound in months``: one whose completed
        years equal the bound's whole years counts while the bound has months (he or she
        may not have reached it, e.g. a man of 60 in 2021 against 60 years 3 months) and
        not once the bound is whole years (a man of 62 in 2028 has reached 62). So the
        oldest working age in completed years is the bound rounded up to whole years, minus
        one: men 60 in 2021-2024 and 61 from 2025; women 55 in 2021-2023, 56 in 2024-2026,
        57 in 2027-2029, 58 in 2030-2032 and 59 from 2033. A member counted here who has in
        fact just passed the bound is one the village meeting may correct; one left out who
        has not is a deprivation missed, which the indicator exists to find.
        """
        return age >= self.working_age_min and age * 12 < self.upper_bound_months(sex, year)


def _retirement_schedule(r: ParamReader) -> tuple[tuple[RetirementAge, ...], str]:
    """The retirement-age schedule: a table ``retirement_age`` with ``legal_basis`` and rows
    ``schedule = [{year, male = [years, months], female = [years, months]}, ...]``; or, for
    a standard that fixes the bounds, ``working_age_max_male``/``_female`` in completed years
    (inclusive), which is the one-row schedule of those ages plus one year."""
    fixed = r.has("working_age_max_male") or r.has("working_age_max_female")
    if fixed and r.has("retirement_age"):
        msg = "set either retirement_age or working_age_max_male/_female, not both"
        raise r.fail(msg)
    if fixed:
        male = r.int_("working_age_max_male", maximum=120)
        female = r.int_("working_age_max_female", maximum=120)
        return (RetirementAge(0, (male + 1) * 12, (female + 1) * 12),), ""
    table = r.table("retirement_age")
    unknown = sorted(set(table) - {"legal_basis", "note", "pending_confirmation", "schedule"})
    if unknown:
        raise r.fail(f"params.retirement_age has unknown keys {unknown}")
    basis = table.get("legal_basis")
    if not isinstance(basis, str) or not basis.strip():
        raise r.fail("params.retirement_age.legal_basis must be a non-empty string")
    rows = table.get("schedule")
    if not isinstance(rows, list) or not rows:
        raise r.fail("params.retirement_age.schedule must be a non-empty array of tables")

    def months(row: Mapping[str, Any], key: str) -> int:
        value = row.get(key)
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            or not (0 <= value[0] <= 120 and 0 <= value[1] <= 11)
        ):
            msg = f"params.retirement_age.schedule: {key} must be [years, months (0-11)]"
            raise r.fail(msg)
        return int(value[0]) * 12 + int(value[1])

    out: list[RetirementAge] = []
    for row in rows:
        if not isinstance(row, Mapping) or set(row) != {"year", "male", "female"}:
            raise r.fail("each params.retirement_age.schedule row needs year, male and female")
        year = row["year"]
        if isinstance(year, bool) or not isinstance(year, int):
            raise r.fail("params.retirement_age.schedule: year must be an integer")
        if out and year <= out[-1].year:
            raise r.fail("params.retirement_age.schedule: years must be ascending")
        out.append(RetirementAge(year, months(row, "male"), months(row, "female")))
    return tuple(out), basis


def parse_employment(r: ParamReader) -> EmploymentParams:
    retirement, basis = _retirement_schedule(r)
    p = EmploymentParams(
        working_age_min=r.int_("working_age_min", maximum=120),
        retirement=retirement,
        retirement_legal_basis=basis,
        able_capacities=r.enums("able_capacities", WorkCapacity),
        wage_without_contract=r.bool_("wage_without_contract_is_deprived"),
        ok=Finding(
            False,
            "no member of working age is unemployed"
            + " or works for wages without a labour contract",
        ),
    )
    lowest = min(min(x.male_months, x.female_months) for x in retirement)
    if p.working_age_min * 12 >= lowest:
        msg = "indicator 'employment': working_age_min is not below the retirement age"
        raise StandardDataError(msg)
    return p


_UNEMPLOYED = Employment.UNEMPLOYED
_EMPLOYED = Employment.EMPLOYED
_MALE = Sex.MALE


def employment_test(m: Member, p: EmploymentParams, year: int) -> bool:
    """Employment (việc làm), Decree 07/2021 Art. 3(1) and Appendix: a member of working age
    (see ``EmploymentParams.is_working_age``), able and wanting to work, is unemployed, or
    works for wages without a labour contract."""
    if not p.is_working_age(m.age, m.sex, year) or m.work_capacity not in p.able_capacities:
        return False
    if m.employment is _UNEMPLOYED and m.wants_work:
        return True
    return bool(
        p.wage_without_contract
        and m.employment is _EMPLOYED
        and m.wage_worker
        and not m.has_labour_contract
    )


def employment_explain(m: Member, p: EmploymentParams, year: int) -> str:
    if m.employment is _UNEMPLOYED and m.wants_work:
        return f"{m.member_no} (age {m.age}) is unemployed and wants work"
    return f"{m.member_no} (age {m.age}) works for wages without a labour contract"


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


def is_dependant(m: Member, p: DependantsParams, year: int = 0) -> bool:
    """A member counts as a dependant: a child, an elderly person, a person with a disability
    or without work capacity (as the standard's parameters say)."""
    age = m.age
    return (
        age < p.child_age_under
        or age >= p.elderly_age_from
        or (p.disability_counts and m.has_disability)
        or (p.no_work_capacity_counts and m.work_capacity is _NO_CAPACITY)
    )


def dependants_share(count: int, total: int, p: DependantsParams) -> bool:
    """Dependants (người phụ thuộc), Decree 07/2021 Art. 3(1) and Appendix: dependants are
    more than the allowed share (50%) of the household's members (compared in integers)."""
    return count * 100 > p.max_share_percent * total


def dependants_explain(count: int, total: int, p: DependantsParams) -> str:
    return (
        f"{count} of {total} members are dependants ({count * 100 / total:.0f}%), "
        f"more than {p.max_share_percent}%"
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


def nutrition_test(m: Member, p: NutritionParams, year: int) -> bool:
    """Nutrition (dinh dưỡng), Decree 07/2021 Art. 3(1) and Appendix: a child under 16 is
    stunted (height-for-age) or underweight (weight-for-age). A child whose nutrition was not
    recorded (``None``) is not counted as deprived."""
    return m.age < p.child_age_under and bool(m.stunted or m.underweight)


def nutrition_explain(m: Member, p: NutritionParams, year: int) -> str:
    what = " and ".join(
        w for w, flag in (("stunted", m.stunted), ("underweight", m.underweight)) if flag
    )
    return f"{m.member_no} (age {m.age}) is {what}"


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


def health_insurance_test(m: Member, p: HealthInsuranceParams, year: int) -> bool:
    """Health insurance (bảo hiểm y tế), Decree 07/2021 Art. 3(1) and Appendix: a member aged
    6 or over has no health insurance."""
    return not m.has_health_insurance and m.age >= p.min_age


def health_insurance_explain(m: Member, p: HealthInsuranceParams, year: int) -> str:
    return f"{m.member_no} (age {m.age}) has no health insurance"


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


def adult_education_test(m: Member, p: AdultEducationParams, year: int) -> bool:
    """Adult education (trình độ giáo dục của người lớn), Decree 07/2021 Art. 3(1) and
    Appendix: a member aged 16-30 is not in school or training and lacks the qualification
    due for the age (16 to under 18: lower secondary; 18-30: upper secondary or a vocational
    certificate)."""
    age = m.age
    return (
        p.age_from <= age <= p.age_to
        and m.attending_school is _SCHOOL_NONE
        and m.highest_qualification not in p.required[age - p.age_from]
    )


def adult_education_explain(m: Member, p: AdultEducationParams, year: int) -> str:
    allowed = p.required[m.age - p.age_from]
    return (
        f"{m.member_no} (age {m.age}) is not in school or training and holds "
        f"{m.highest_qualification}, not one of: {_names(allowed)}"
    )


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


def child_schooling_test(m: Member, p: ChildSchoolingParams, year: int) -> bool:
    """Child schooling (tình trạng đi học của trẻ em), Decree 07/2021 Art. 3(1) and Appendix:
    a child aged 3 to under 16 does not attend the level fitting the age."""
    age = m.age
    return p.age_from <= age <= p.age_to and m.attending_school not in p.levels[age - p.age_from]


def child_schooling_explain(m: Member, p: ChildSchoolingParams, year: int) -> str:
    level = m.attending_school
    if level is _SCHOOL_NONE:
        return f"{m.member_no} (age {m.age}) does not attend school"
    allowed = p.levels[m.age - p.age_from]
    return (
        f"{m.member_no} (age {m.age}) attends {level}, not {' or '.join(sorted(map(str, allowed)))}"
    )


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


def _non_durable(survey: SurveyPayload, p: HousingQualityParams) -> list[str]:
    h = survey.housing
    bad: list[str] = []
    if h.pillars not in p.durable_pillars:
        bad.append(f"pillars ({h.pillars})")
    if h.walls not in p.durable_walls:
        bad.append(f"walls ({h.walls})")
    if h.roof not in p.durable_roof:
        bad.append(f"roof ({h.roof})")
    return bad


def housing_quality_test(survey: SurveyPayload, p: HousingQualityParams) -> bool:
    """Housing quality (chất lượng nhà ở), Decree 07/2021 Art. 3(1) and Appendix: the home is
    non-durable, i.e. at least two of its three main components (pillars, walls, roof) are of
    non-durable materials."""
    return len(_non_durable(survey, p)) >= p.min_non_durable


def housing_quality_explain(survey: SurveyPayload, p: HousingQualityParams) -> str:
    bad = _non_durable(survey, p)
    return f"{len(bad)} of 3 main components are non-durable: {', '.join(bad)}"


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


def housing_area_test(floor_area_m2: float, members: int, p: HousingAreaParams) -> bool:
    """Floor area per person (diện tích nhà ở bình quân đầu người), Decree 07/2021 Art. 3(1)
    and Appendix: usable floor area per member is under 8 m². Compared as area against
    threshold x members: no division, so "exactly 8 m²" is exact."""
    return floor_area_m2 < p.min_m2_per_person * members


def housing_area_explain(floor_area_m2: float, members: int, p: HousingAreaParams) -> str:
    return (
        f"floor area {floor_area_m2:g} m² for {members} members is "
        f"{floor_area_m2 / members:.2f} m² per person, under {p.min_m2_per_person:g} m²"
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


def water_source_test(survey: SurveyPayload, p: WaterSourceParams) -> bool:
    """Domestic water source (nguồn nước sinh hoạt), Decree 07/2021 Art. 3(1) and Appendix:
    the household has no access to a clean (hygienic) domestic water source."""
    return survey.water_source not in p.clean_sources


def water_source_explain(survey: SurveyPayload, p: WaterSourceParams) -> str:
    return f"main water source is {survey.water_source}, not a clean source"


@dataclass(frozen=True, slots=True)
class LatrineParams:
    hygienic: frozenset[Latrine]
    ok: Finding


def parse_latrine(r: ParamReader) -> LatrineParams:
    return LatrineParams(
        hygienic=r.enums("hygienic", Latrine), ok=Finding(False, "latrine is hygienic")
    )


def latrine_test(survey: SurveyPayload, p: LatrineParams) -> bool:
    """Hygienic latrine (nhà tiêu hợp vệ sinh), Decree 07/2021 Art. 3(1) and Appendix: the
    household has no hygienic latrine."""
    return survey.latrine not in p.hygienic


def latrine_explain(survey: SurveyPayload, p: LatrineParams) -> str:
    kind = survey.latrine
    if kind is Latrine.NONE:
        return "household has no latrine"
    return f"latrine is {kind}, not hygienic"


# --------------------------------------------------------------------------- information


@dataclass(frozen=True, slots=True)
class NoParams:
    ok: Finding


def parse_telecom(r: ParamReader) -> NoParams:
    return NoParams(ok=Finding(False, "a member uses telephone or internet services"))


def telecom_test(survey: SurveyPayload, p: NoParams) -> bool:
    """Telecommunication services (sử dụng dịch vụ viễn thông), Decree 07/2021 Art. 3(1) and
    Appendix: no member uses telephone or internet services."""
    return not survey.uses_telecom


def telecom_explain(survey: SurveyPayload, p: NoParams) -> str:
    return "no member uses telephone or internet services"


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


def information_assets_test(survey: SurveyPayload, p: InformationAssetsParams) -> bool:
    """Means of access to information (phương tiện phục vụ tiếp cận thông tin), Decree 07/2021
    Art. 3(1) and Appendix: the household owns no information device (TV, radio, computer,
    phone, tablet) and none of the listed assets (motorbike, car, ...)."""
    devices, assets = p.devices, p.assets
    return not any(a in devices or a in assets for a in survey.assets)


def information_assets_explain(survey: SurveyPayload, p: InformationAssetsParams) -> str:
    return p.bad.reason


def parse_digital_services(r: ParamReader) -> NoParams:
    return NoParams(ok=Finding(False, "a member uses internet or digital public services"))


def digital_services_test(survey: SurveyPayload, p: NoParams) -> bool:
    """Use of digital services / internet, Decree 351/2025/NĐ-CP (added for 2027-2030;
    threshold wording from the draft, pending confirmation): no member uses internet or
    digital public services."""
    return not survey.uses_internet


def digital_services_explain(survey: SurveyPayload, p: NoParams) -> str:
    return "no member uses internet or digital public services"


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


def waste_handling_test(survey: SurveyPayload, p: WasteHandlingParams) -> bool:
    """Household waste handling, Decree 351/2025/NĐ-CP (added to the water, sanitation and
    environment dimension for 2027-2030; pending confirmation): waste is not collected or
    treated (burned in the open, dumped, ...); a missing answer counts as the standard's
    data says."""
    w = survey.waste_handling
    if w is None:
        return p.missing_is_deprived
    return w not in p.acceptable


def waste_handling_explain(survey: SurveyPayload, p: WasteHandlingParams) -> str:
    w = survey.waste_handling
    if w is None:
        return p.missing.reason
    return f"household waste is {w}, not collected or treated"


def waste_handling_ok(survey: SurveyPayload, p: WasteHandlingParams) -> Finding:
    return p.missing if survey.waste_handling is None else p.ok


# --------------------------------------------------------------------------- registry

_M, _S, _A, _H = Level.MEMBER, Level.SHARE, Level.AREA, Level.HOUSEHOLD

RULES: Mapping[str, Rule[Any]] = {
    "employment": Rule(
        parse_employment, _M, "work", employment_test, employment_explain, by_year=True
    ),
    "dependants": Rule(
        parse_dependants, _S, "work", is_dependant, dependants_explain, dependants_share
    ),
    "nutrition": Rule(parse_nutrition, _M, "school", nutrition_test, nutrition_explain),
    "health_insurance": Rule(
        parse_health_insurance, _M, "school", health_insurance_test, health_insurance_explain
    ),
    "adult_education": Rule(
        parse_adult_education, _M, "school", adult_education_test, adult_education_explain
    ),
    "child_schooling": Rule(
        parse_child_schooling, _M, "school", child_schooling_test, child_schooling_explain
    ),
    "housing_quality": Rule(
        parse_housing_quality, _H, "housing", housing_quality_test, housing_quality_explain
    ),
    "housing_area": Rule(
        parse_housing_area, _A, "floor_area", housing_area_test, housing_area_explain
    ),
    "water_source": Rule(
        parse_water_source, _H, "services", water_source_test, water_source_explain
    ),
    "latrine": Rule(parse_latrine, _H, "services", latrine_test, latrine_explain),
    "telecom": Rule(parse_telecom, _H, "services", telecom_test, telecom_explain),
    "information_assets": Rule(
        parse_information_assets,
        _H,
        "assets",
        information_assets_test,
        information_assets_explain,
    ),
    "digital_services": Rule(
        parse_digital_services, _H, "services", digital_services_test, digital_services_explain
    ),
    "waste_handling": Rule(
        parse_waste_handling,
        _H,
        "services",
        waste_handling_test,
        waste_handling_explain,
        explain_ok=waste_handling_ok,
    ),
}
"""Indicator rules by the ``rule`` name used in the data files (defaults to the code)."""
