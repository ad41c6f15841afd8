"""Household facts: a compact, standard-independent form of a survey, and the classifier
compiled per standard and review year that reads it: the one engine behind every path (the
explained ``classifier.classify`` renders reasons on top of it; bulk runs call it alone).

Why: reading a pydantic attribute costs 55-100 ns, so classifying straight from a
``SurveyPayload`` tops out near 60,000 households/s on one core, and a what-if over a
province's million households would take minutes. A survey is therefore reduced once, at
ingestion, to :class:`HouseholdFacts` (small ints, one bit mask, one float); the service stores
it per survey (``facts_to_json``) and bulk runs read it back (``facts_from_json``).

Nothing standard-specific is decided at extraction: every answer a rule reads is kept, coded
as its position in the code tables below. Each standard compiles (once per review year, on
first use) lookup tables indexed by those codes. The tables are *tabulated from the rule
declarations of* ``indicators`` themselves, their tests called on one-member stand-ins over
every combination of the answers they read; a share rule's threshold per household size is
tabulated from its ``share`` test, the floor-area rule's test is called as declared, and the
status comes from ``status.status_rule``. So the fast path implements no rule of its own; the
unit tests check it against the reference classifier they hold as the specification.

Member codes: ``work << B_BITS | school`` where ``work`` indexes (age, sex, work capacity,
employment, wants work, wage worker, labour contract, disability) and ``school`` indexes
(age, school level, qualification, health insurance, stunted or underweight). Member-level
indicators are summed in 7-bit lanes of one integer (at most 60 members, so a lane never
overflows): per member the classifier does two list look-ups and one addition.

The code tables are part of the stored format: append-only, and any change to them or to the
packing bumps ``FACTS_VERSION`` (stored facts are then re-extracted from their surveys).
"""

from __future__ import annotations

import itertools
import json
import operator
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Any, Final, NamedTuple

from services.assessment.domain.errors import StandardDataError
from services.assessment.domain.indicators import (
    HOUSEHOLD_ANSWERS,
    RULES,
    Level,
)
from services.assessment.domain.standard import Standard
from services.assessment.domain.status import AREAS, BASES, FactsResult, status_rule
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
from shared.contracts.surveys import MAX_AGE, MAX_MEMBERS, SurveyPayload

FACTS_VERSION: Final = 1
"""Version of the stored facts format (first element of the JSON form)."""

# --------------------------------------------------------------------------- code tables
# Position in a table = stored code. Append only; a change bumps FACTS_VERSION.

# AREAS and BASES are in ``status`` (the status rule reads those codes).
SEXES: Final = (Sex.FEMALE, Sex.MALE)
CAPACITIES: Final = (WorkCapacity.FULL, WorkCapacity.PARTIAL, WorkCapacity.NONE)
EMPLOYMENTS: Final = (Employment.EMPLOYED, Employment.UNEMPLOYED, Employment.NOT_IN_LABOUR_FORCE)
SCHOOL_LEVELS: Final = (
    SchoolLevel.NONE,
    SchoolLevel.PRESCHOOL,
    SchoolLevel.PRIMARY,
    SchoolLevel.LOWER_SECONDARY,
    SchoolLevel.UPPER_SECONDARY,
    SchoolLevel.VOCATIONAL,
    SchoolLevel.HIGHER,
)
QUALIFICATIONS: Final = (
    Qualification.NONE,
    Qualification.PRIMARY,
    Qualification.LOWER_SECONDARY,
    Qualification.UPPER_SECONDARY,
    Qualification.VOCATIONAL_ELEMENTARY,
    Qualification.VOCATIONAL_INTERMEDIATE,
    Qualification.COLLEGE,
    Qualification.UNIVERSITY,
)
MATERIALS: Final = (
    Material.REINFORCED_CONCRETE,
    Material.BRICK_STONE,
    Material.STEEL,
    Material.DURABLE_WOOD,
    Material.TILE,
    Material.FIBRE_CEMENT_METAL_SHEET,
    Material.BAMBOO,
    Material.LEAVES_THATCH,
    Material.MUD_EARTH,
    Material.TARPAULIN_OTHER,
)
WATER_SOURCES: Final = (
    WaterSource.PIPED,
    WaterSource.DRILLED_WELL,
    WaterSource.PROTECTED_DUG_WELL,
    WaterSource.PROTECTED_SPRING,
    WaterSource.RAINWATER,
    WaterSource.BOTTLED,
    WaterSource.UNPROTECTED_DUG_WELL,
    WaterSource.UNPROTECTED_SPRING,
    WaterSource.SURFACE_WATER,
    WaterSource.OTHER,
)
LATRINES: Final = (
    Latrine.FLUSH_SEPTIC,
    Latrine.FLUSH_SEWER,
    Latrine.DOUBLE_VAULT,
    Latrine.VENTILATED_PIT,
    Latrine.BIOGAS,
    Latrine.UNIMPROVED_PIT,
    Latrine.HANGING_OVER_WATER,
    Latrine.NONE,
)
WASTES: Final = (
    None,  # not recorded (asked from the 2027 standard on)
    WasteHandling.COLLECTED,
    WasteHandling.TREATED_ON_SITE,
    WasteHandling.BURNED_OPEN,
    WasteHandling.DUMPED,
    WasteHandling.OTHER,
)
ASSETS: Final = (
    Asset.TELEVISION,
    Asset.RADIO,
    Asset.COMPUTER,
    Asset.LANDLINE_PHONE,
    Asset.MOBILE_PHONE,
    Asset.SMARTPHONE,
    Asset.TABLET,
    Asset.MOTORBIKE,
    Asset.CAR,
    Asset.REFRIGERATOR,
    Asset.WASHING_MACHINE,
    Asset.AIR_CONDITIONER,
)

_AGES = MAX_AGE + 1
_NM, _NW, _NL, _NX = len(MATERIALS), len(WATER_SOURCES), len(LATRINES), len(WASTES)
_NCAP, _NEMP, _NSCH, _NQ = (
    len(CAPACITIES),
    len(EMPLOYMENTS),
    len(SCHOOL_LEVELS),
    len(QUALIFICATIONS),
)
SCHOOL_SIZE: Final = _AGES * _NSCH * _NQ * 2 * 2
WORK_SIZE: Final = _AGES * len(SEXES) * _NCAP * _NEMP * 2 * 2 * 2 * 2
B_BITS: Final = (SCHOOL_SIZE - 1).bit_length()
"""Bits of the ``school`` part of a member code."""
_B_MASK: Final = (1 << B_BITS) - 1
HOUSING_SIZE: Final = _NM**3
SERVICES_SIZE: Final = _NW * _NL * _NX * 2 * 2
ASSETS_SIZE: Final = 1 << len(ASSETS)


def _index(values: Sequence[Any]) -> dict[Any, int]:
    return {v: n for n, v in enumerate(values)}


_AREA, _BASIS, _SEX, _CAP, _EMP = map(_index, (AREAS, BASES, SEXES, CAPACITIES, EMPLOYMENTS))
_SCHOOL, _QUAL, _MAT, _WATER = map(
    _index, (SCHOOL_LEVELS, QUALIFICATIONS, MATERIALS, WATER_SOURCES)
)
_LATRINE, _WASTE = _index(LATRINES), _index(WASTES)
_tnew = tuple.__new__
_ASSET_BIT = {a: 1 << n for n, a in enumerate(ASSETS)}


class HouseholdFacts(NamedTuple):
    """What the indicator rules and the income comparison read from one survey, coded."""

    area: int
    """Index in ``AREAS``."""
    basis: int
    """Index in ``BASES``."""
    income: int
    """VND per person per month, or score-A points."""
    agriculture: int
    """1 if the household lives from agriculture, forestry, fishery or salt making."""
    housing: int
    """``(pillars * 10 + walls) * 10 + roof``, each an index in ``MATERIALS``."""
    floor_area: float
    """Usable floor area in m², as recorded."""
    services: int
    """``(((water * 8 + latrine) * 6 + waste) * 2 + telecom) * 2 + internet``."""
    assets: int
    """Bit ``i`` set = owns ``ASSETS[i]``."""
    members: tuple[int, ...]
    """One code per member (see the module docstring)."""


def member_code(
    age: int,
    sex: Sex,
    work_capacity: WorkCapacity,
    employment: Employment,
    wants_work: bool,
    wage_worker: bool,
    has_labour_contract: bool,
    has_disability: bool,
    attending_school: SchoolLevel,
    highest_qualification: Qualification,
    has_health_insurance: bool,
    malnourished: bool,
) -> int:
    """The code of one member's answers (``malnourished``: stunted or underweight)."""
    work = (age * 2 + _SEX[sex]) * _NCAP + _CAP[work_capacity]
    work = work * _NEMP + _EMP[employment]
    work = ((work * 2 + wants_work) * 2 + wage_worker) * 2 + has_labour_contract
    work = work * 2 + has_disability
    school = (age * _NSCH + _SCHOOL[attending_school]) * _NQ + _QUAL[highest_qualification]
    school = (school * 2 + has_health_insurance) * 2 + malnourished
    return work << B_BITS | school


_ANSWERS = operator.itemgetter(
    "age",
    "sex",
    "work_capacity",
    "employment",
    "wants_work",
    "wage_worker",
    "has_labour_contract",
    "has_disability",
    "attending_school",
    "highest_qualification",
    "has_health_insurance",
    "stunted",
    "underweight",
)
_CODES: dict[tuple[Any, ...], int] = {}
"""Memo of member codes by the member's answers: members repeat (a 40-year-old insured
employed man is common), and a dictionary hit costs a fraction of the arithmetic. Bounded."""
_CODES_MAX = 1 << 17


def _code_of(answers: tuple[Any, ...]) -> int:
    if len(_CODES) >= _CODES_MAX:
        _CODES.clear()
    a = answers
    code = _CODES[answers] = member_code(
        a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], bool(a[11] or a[12])
    )
    return code


_DICT = operator.attrgetter("__dict__")
_HOUSING = operator.itemgetter("pillars", "walls", "roof")
_HOUSING_CODES = {
    answers: (_MAT[answers[0]] * _NM + _MAT[answers[1]]) * _NM + _MAT[answers[2]]
    for answers in itertools.product(MATERIALS, repeat=3)
}
_SERVICES = operator.itemgetter(
    "water_source", "latrine", "waste_handling", "uses_telecom", "uses_internet"
)
_SERVICES_CODES = {
    (water, latrine, waste, telecom, internet): (
        ((_WATER[water] * _NL + _LATRINE[latrine]) * _NX + _WASTE[waste]) * 2 + telecom
    )
    * 2
    + internet
    for water, latrine, waste, telecom, internet in itertools.product(
        WATER_SOURCES, LATRINES, WASTES, (False, True), (False, True)
    )
}


def facts_of(survey: SurveyPayload) -> HouseholdFacts:
    """Extract the facts of one survey (done once per survey, at ingestion)."""
    sd = survey.__dict__
    h = sd["housing"].__dict__
    # Member codes looked up by answers, in C (map over C callables); a miss computes.
    members = tuple(map(_CODES.get, map(_ANSWERS, map(_DICT, sd["members"]))))
    if None in members:
        members = tuple(
            _code_of(a) if c is None else c
            for a, c in zip(map(_ANSWERS, map(_DICT, sd["members"])), members, strict=True)
        )
    assets = 0
    for a in sd["assets"]:
        assets |= _ASSET_BIT[a]
    income = sd["income"].__dict__
    facts: HouseholdFacts = _tnew(
        HouseholdFacts,
        (
            _AREA[sd["area_type"]],
            _BASIS[income["basis"]],
            income["value"],
            1 if sd["livelihood_agriculture"] else 0,
            _HOUSING_CODES[_HOUSING(h)],
            float(h["floor_area_m2"]),
            _SERVICES_CODES[_SERVICES(sd)],
            assets,
            members,
        ),
    )
    return facts


# --------------------------------------------------------------------------- stored form

FactsList = list[int | float]
"""The JSON form: ``[FACTS_VERSION, area, basis, income, agriculture, housing, floor_area,
services, assets, member codes...]``."""

# The C scanner: json.loads minus its Python-level wrappers (about half the cost per row).
_scan: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def facts_to_list(facts: HouseholdFacts) -> FactsList:
    return [FACTS_VERSION, *facts[:8], *facts.members]


def facts_to_json(facts: HouseholdFacts) -> str:
    """Compact JSON text of the facts (about 60-90 bytes), e.g. for a JSON column."""
    return json.dumps(facts_to_list(facts), separators=(",", ":"), allow_nan=False)


def facts_from_list(v: Sequence[Any]) -> HouseholdFacts:
    """Facts from their list form. Checks the version and shape only: the stored form is
    written by ``facts_to_json`` from a validated survey."""
    if not 10 <= len(v) <= 9 + MAX_MEMBERS or v[0] != FACTS_VERSION:
        msg = f"not household facts of version {FACTS_VERSION}"
        raise ValueError(msg)
    result: HouseholdFacts = _tnew(HouseholdFacts, (*v[1:9], tuple(v[9:])))
    return result


def facts_from_json(data: str | bytes) -> HouseholdFacts:
    """Facts from their JSON form (see ``facts_from_list``); UTF-8 bytes or text."""
    text = data if isinstance(data, str) else data.decode()
    try:
        value, end = _scan(text, 0)
    except StopIteration:
        value, end = None, -1
    if end != len(text):
        msg = "household facts must be one JSON array"
        raise ValueError(msg)
    return facts_from_list(value)


# --------------------------------------------------------------------------- compilation

FactsClassifier = Callable[[HouseholdFacts], FactsResult]

_LANE = 7  # bits per lane: a lane counts members (<= 60), plus 63 must not carry out
_LANE_MASK = (1 << _LANE) - 1
_MAX_ANY_LANES = 14
SUPPORTED_RULES: Final = frozenset(
    name
    for name, rule in RULES.items()
    if (rule.level in (Level.MEMBER, Level.SHARE) and rule.reads in ("work", "school"))
    or (rule.level is Level.AREA)
    or (rule.level is Level.HOUSEHOLD and rule.reads in HOUSEHOLD_ANSWERS)
)
"""Rules the facts classifier can tabulate (every declared rule; a test checks it)."""


class _WorkMember:
    """A one-member stand-in carrying just the answers coded in a member's ``work`` part: a
    ``work`` rule reading anything else fails at compilation."""

    __slots__ = (
        "age",
        "employment",
        "has_disability",
        "has_labour_contract",
        "sex",
        "wage_worker",
        "wants_work",
        "work_capacity",
    )

    def __init__(self) -> None:
        self.age = 0
        self.sex = Sex.FEMALE
        self.work_capacity = WorkCapacity.FULL
        self.employment = Employment.EMPLOYED
        self.wants_work = True
        self.wage_worker = False
        self.has_labour_contract = False
        self.has_disability = False


class _SchoolMember:
    """A one-member stand-in carrying just the answers coded in a member's ``school`` part
    (``stunted`` carries "stunted or underweight")."""

    __slots__ = (
        "age",
        "attending_school",
        "has_health_insurance",
        "highest_qualification",
        "stunted",
        "underweight",
    )

    def __init__(self) -> None:
        self.age = 0
        self.has_health_insurance = True
        self.attending_school = SchoolLevel.NONE
        self.highest_qualification = Qualification.NONE
        self.stunted: bool | None = None
        self.underweight: bool | None = None


class _Housing:
    __slots__ = ("floor_area_m2", "pillars", "roof", "walls")

    def __init__(self, pillars: Material, walls: Material, roof: Material) -> None:
        self.pillars, self.walls, self.roof = pillars, walls, roof
        self.floor_area_m2 = 0.0


class _Survey:
    """A stand-in survey carrying one household answer group at a time."""

    __slots__ = (
        "assets",
        "housing",
        "latrine",
        "uses_internet",
        "uses_telecom",
        "waste_handling",
        "water_source",
    )

    def __init__(self) -> None:
        self.housing = _Housing(MATERIALS[0], MATERIALS[0], MATERIALS[0])
        self.water_source = WATER_SOURCES[0]
        self.latrine = LATRINES[0]
        self.uses_telecom = True
        self.uses_internet = True
        self.assets: list[Asset] = []
        self.waste_handling: WasteHandling | None = None


_BOOLS = (False, True)
_BY_YEAR = frozenset(rule.test for rule in RULES.values() if rule.by_year)
MemberTest = tuple[Callable[..., bool], Any, int]
"""(declared member test, params, lane unit)."""


def _school_table(tests: Sequence[MemberTest], year: int) -> list[int]:
    """Lane contributions by ``school`` code (rules reading ``SCHOOL_ANSWERS``)."""
    table = [0] * SCHOOL_SIZE
    if not tests:
        return table
    m = _SchoolMember()
    for n, (age, school, qual, insured, mal) in enumerate(
        itertools.product(range(_AGES), SCHOOL_LEVELS, QUALIFICATIONS, _BOOLS, _BOOLS)
    ):
        m.age, m.attending_school, m.highest_qualification = age, school, qual
        m.has_health_insurance, m.stunted = insured, mal
        value = 0
        for test, params, unit in tests:
            if test(m, params, year):
                value += unit
        table[n] = value
    return table


def _work_table(tests: Sequence[MemberTest], year: int) -> list[int]:
    """Lane contributions by ``work`` code (rules reading ``WORK_ANSWERS``)."""
    table = [0] * WORK_SIZE
    if not tests:
        return table
    m = _WorkMember()
    for n, (age, sex, cap, emp, wants, wage, contract, disab) in enumerate(
        itertools.product(
            range(_AGES), SEXES, CAPACITIES, EMPLOYMENTS, _BOOLS, _BOOLS, _BOOLS, _BOOLS
        )
    ):
        m.age, m.sex, m.work_capacity, m.employment = age, sex, cap, emp
        m.wants_work, m.wage_worker, m.has_labour_contract, m.has_disability = (
            wants,
            wage,
            contract,
            disab,
        )
        value = 0
        for test, params, unit in tests:
            if test(m, params, year):
                value += unit
        table[n] = value
    return table


def _household_table(
    size: int,
    checks: Sequence[tuple[Callable[..., bool], Any, int]],
    setup: Callable[[_Survey, int], None],
) -> list[int]:
    s = _Survey()
    table = [0] * size
    if not checks:
        return table
    for code in range(size):
        setup(s, code)
        for test, params, bit in checks:
            if test(s, params):
                table[code] |= bit
    return table


def _set_housing(s: _Survey, code: int) -> None:
    rest, roof = divmod(code, _NM)
    pillars, walls = divmod(rest, _NM)
    s.housing = _Housing(MATERIALS[pillars], MATERIALS[walls], MATERIALS[roof])


def _set_services(s: _Survey, code: int) -> None:
    rest, internet = divmod(code, 2)
    rest, telecom = divmod(rest, 2)
    s.uses_internet, s.uses_telecom = bool(internet), bool(telecom)
    rest, waste = divmod(rest, _NX)
    water, latrine = divmod(rest, _NL)
    s.water_source, s.latrine, s.waste_handling = (
        WATER_SOURCES[water],
        LATRINES[latrine],
        WASTES[waste],
    )


def _set_assets(s: _Survey, code: int) -> None:
    s.assets = [a for n, a in enumerate(ASSETS) if code >> n & 1]


_SETUP = {
    "housing": (HOUSING_SIZE, _set_housing),
    "services": (SERVICES_SIZE, _set_services),
    "assets": (ASSETS_SIZE, _set_assets),
}


class Lanes(NamedTuple):
    """Where the compiled classifier counts each member-level indicator, so that an
    explanation can name the members the tables flag without re-running the tests."""

    work: list[int]
    school: list[int]
    shifts: tuple[int | None, ...]
    """Per indicator: the bit offset of its lane, or ``None`` for household-level rules."""


def member_lanes(standard: Standard, year: int) -> Lanes:
    """The member lanes of ``facts_classifier(standard, year)`` (compiled with it)."""
    found: Lanes | None = standard.compiled.get(("lanes", year))
    if found is None:
        facts_classifier(standard, year)
        found = standard.compiled[("lanes", year)]
    return found


def lane_value(lanes: Lanes, code: int) -> int:
    """The lane contributions of one member code (test ``>> shift & 127``)."""
    return lanes.work[code >> B_BITS] + lanes.school[code & _B_MASK]


def facts_classifier(standard: Standard, year: int) -> FactsClassifier:
    """The facts classifier of ``standard`` for a review held in ``year`` (the year sets the
    working-age bound). Compiled on first use, not at load (tabulating takes a fraction of a
    second, which single-household services need not pay), then kept in the standard's
    memo: calling it again returns the same function."""
    memo = standard.compiled
    key = ("facts", year)
    found: FactsClassifier | None = memo.get(key)
    if found is None:
        found = memo[key] = compile_facts_classifier(standard, year)
    return found


def compile_facts_classifier(standard: Standard, year: int) -> FactsClassifier:
    """Compile the facts classifier of a standard for a review year from the declarations of
    its indicators' rules."""
    work: list[MemberTest] = []
    school: list[MemberTest] = []
    any_bits: list[tuple[int, int]] = []  # (lane, indicator bit) of any-member rules
    shares: list[tuple[int, int, tuple[int, ...]]] = []  # (lane shift, bit, max count by size)
    areas: list[tuple[Callable[..., bool], Any, int]] = []
    household: dict[str, list[tuple[Callable[..., bool], Any, int]]] = {k: [] for k in _SETUP}
    lanes = 0
    shifts: list[int | None] = []
    for n, spec in enumerate(standard.indicators):
        bit, rule, params = 1 << n, spec.declaration, spec.params
        level, reads = rule.level, rule.reads
        shifts.append(lanes * _LANE if level in (Level.MEMBER, Level.SHARE) else None)
        if level in (Level.MEMBER, Level.SHARE) and reads in ("work", "school"):
            unit = 1 << (lanes * _LANE)
            (work if reads == "work" else school).append((rule.test, params, unit))
            if level is Level.MEMBER:
                any_bits.append((lanes, bit))
            else:
                share = rule.share
                if share is None:
                    msg = f"standard {standard.id}: share rule '{spec.rule}' has no share test"
                    raise StandardDataError(msg)
                # The largest count that does not deprive, by household size.
                top = tuple(
                    next((c - 1 for c in range(size + 1) if share(c, size, params)), size)
                    for size in range(MAX_MEMBERS + 1)
                )
                shares.append((lanes * _LANE, bit, top))
            lanes += 1
        elif level is Level.AREA:
            areas.append((rule.test, params, bit))
        elif level is Level.HOUSEHOLD and reads in household:
            household[reads].append((rule.test, params, bit))
        else:
            msg = f"standard {standard.id}: rule '{spec.rule}' has no facts tabulation"
            raise StandardDataError(msg)
    if len(any_bits) > _MAX_ANY_LANES:
        msg = f"standard {standard.id}: too many member-level indicators for the facts engine"
        raise StandardDataError(msg)
    memo = standard.compiled
    # Tables whose rules do not depend on the review year are shared by every year.
    work_key = ("facts-work", year if any(t[0] in _BY_YEAR for t in work) else None)
    work_t = memo.get(work_key)
    if work_t is None:
        work_t = memo[work_key] = _shared(_work_table(work, year))
    school_key = ("facts-school", year if any(t[0] in _BY_YEAR for t in school) else None)
    school_t = memo.get(school_key)
    if school_t is None:
        school_t = memo[school_key] = _shared(_school_table(school, year))
    household_t = memo.get("facts-household")
    if household_t is None:
        household_t = memo["facts-household"] = tuple(
            _household_table(size, household[k], setup) for k, (size, setup) in _SETUP.items()
        )
    housing_t, services_t, assets_t = household_t
    memo[("lanes", year)] = Lanes(work_t, school_t, tuple(shifts))

    # Any-member lanes: adding 63 to each lane sets its top bit iff the lane is non-zero.
    lane_add = sum(63 << (k * _LANE) for k, _b in any_bits)
    lane_high = sum(64 << (k * _LANE) for k, _b in any_bits)
    lane_masks: dict[int, int] = {}
    for combo in range(1 << len(any_bits)):
        key = mask = 0
        for j, (k, bit) in enumerate(any_bits):
            if combo >> j & 1:
                key |= 64 << (k * _LANE)
                mask |= bit
        lane_masks[key] = mask
    return _classifier(
        status_rule(standard),
        work_t,
        school_t,
        lane_add,
        lane_high,
        lane_masks,
        tuple(shares),
        tuple(areas),
        housing_t,
        services_t,
        assets_t,
    )


def _shared(table: list[int]) -> list[int]:
    """The table with equal values as one int object: a few dozen distinct values instead
    of tens of thousands of objects keeps the look-ups in the CPU cache."""
    seen: dict[int, int] = {}
    return [seen.setdefault(v, v) for v in table]


def _classifier(
    decide: Callable[[int, int, int, int, int], FactsResult],
    work: list[int],
    school: list[int],
    lane_add: int,
    lane_high: int,
    lane_masks: dict[int, int],
    shares: tuple[tuple[int, int, tuple[int, ...]], ...],
    areas: tuple[tuple[Callable[..., bool], Any, int], ...],
    housing_t: list[int],
    services_t: list[int],
    assets_t: list[int],
) -> FactsClassifier:
    """The hot function: one household's facts to a ``FactsResult``."""
    b_bits, b_mask = B_BITS, _B_MASK
    # The first share and floor-area indicators inline; any further ones in a loop.
    share_shift, share_bit, share_top = shares[0] if shares else (0, 0, ())
    more_shares = shares[1:]
    area_test, area_params, area_bit = areas[0] if areas else (None, None, 0)
    more_areas = areas[1:]

    def classify_facts(f: HouseholdFacts) -> FactsResult:
        area, basis, value, agriculture, house, floor, serv, owned, members = f
        acc = 0
        for m in members:
            acc += work[m >> b_bits] + school[m & b_mask]
        n = len(members)
        mask = (
            lane_masks[(acc + lane_add) & lane_high]
            | housing_t[house]
            | services_t[serv]
            | assets_t[owned]
        )
        if share_bit and (acc >> share_shift) & _LANE_MASK > share_top[n]:
            mask |= share_bit
        if area_bit and area_test(floor, n, area_params):  # type: ignore[misc]
            mask |= area_bit
        if more_shares:
            for shift, bit, top in more_shares:
                if (acc >> shift) & _LANE_MASK > top[n]:
                    mask |= bit
        if more_areas:
            for test, params, bit in more_areas:
                if test(floor, n, params):
                    mask |= bit
        return decide(area, basis, value, agriculture, mask)

    return classify_facts


def code_tables() -> dict[str, tuple[StrEnum | None, ...]]:
    """The code tables by name (documentation of the stored format, and for tests)."""
    return {
        "areas": AREAS,
        "bases": BASES,
        "sexes": SEXES,
        "capacities": CAPACITIES,
        "employments": EMPLOYMENTS,
        "school_levels": SCHOOL_LEVELS,
        "qualifications": QUALIFICATIONS,
        "materials": MATERIALS,
        "water_sources": WATER_SOURCES,
        "latrines": LATRINES,
        "wastes": WASTES,
        "assets": ASSETS,
    }
