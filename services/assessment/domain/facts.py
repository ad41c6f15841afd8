"""Household facts: a compact, standard-independent form of a survey, and the fast classifier
compiled per standard that reads it.

Why: reading a pydantic attribute costs 55-100 ns, so classifying straight from a
``SurveyPayload`` tops out near 60,000 households/s on one core, and a what-if over a
province's million households would take minutes. A survey is therefore reduced once, at
ingestion, to :class:`HouseholdFacts` (small ints, one bit mask, one float); the service stores
it per survey (``facts_to_json``) and bulk runs read it back (``facts_from_json``).

Nothing standard-specific is decided at extraction: every answer a rule reads is kept, coded
as its position in the code tables below. Each standard compiles (once, on first use) lookup
tables indexed by those codes. The tables are *tabulated from the rule functions of*
``indicators`` themselves, called on one-member stand-ins over every combination of the answers
they read, so the fast path implements no rule of its own; the unit tests check that
``classify_facts`` and ``classify`` agree on status, deprivations, line and low-income flag.

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
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from services.assessment.domain.errors import NotClassifiable, StandardDataError
from services.assessment.domain.indicators import RULES, is_dependant
from shared.contracts.codes import (
    AreaType,
    Asset,
    Employment,
    IncomeBasis,
    Latrine,
    Material,
    PovertyStatus,
    Qualification,
    SchoolLevel,
    Sex,
    WasteHandling,
    WaterSource,
    WorkCapacity,
)
from shared.contracts.surveys import MAX_AGE, MAX_MEMBERS, SurveyPayload

if TYPE_CHECKING:
    from services.assessment.domain.standard import Standard

FACTS_VERSION: Final = 1
"""Version of the stored facts format (first element of the JSON form)."""

# --------------------------------------------------------------------------- code tables
# Position in a table = stored code. Append only; a change bumps FACTS_VERSION.

AREAS: Final = (AreaType.RURAL, AreaType.URBAN)
BASES: Final = (IncomeBasis.VND_PER_CAPITA_MONTH, IncomeBasis.SCORE_A)
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


class FactsResult(NamedTuple):
    """A household's class under a standard, without explanations."""

    status: PovertyStatus
    deprived: int
    """Bit ``i`` set = deprived on ``standard.indicators[i]``."""
    deprivation_count: int
    income_line: int
    low_income_worker_household: bool


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


def facts_of(survey: SurveyPayload) -> HouseholdFacts:
    """Extract the facts of one survey (done once per survey, at ingestion)."""
    sd = survey.__dict__
    h = sd["housing"].__dict__
    members = tuple(
        member_code(
            d["age"],
            d["sex"],
            d["work_capacity"],
            d["employment"],
            d["wants_work"],
            d["wage_worker"],
            d["has_labour_contract"],
            d["has_disability"],
            d["attending_school"],
            d["highest_qualification"],
            d["has_health_insurance"],
            bool(d["stunted"] or d["underweight"]),
        )
        for d in (m.__dict__ for m in sd["members"])
    )
    assets = 0
    for a in sd["assets"]:
        assets |= _ASSET_BIT[a]
    income = sd["income"]
    return HouseholdFacts(
        area=_AREA[sd["area_type"]],
        basis=_BASIS[income.basis],
        income=income.value,
        agriculture=int(sd["livelihood_agriculture"]),
        housing=(_MAT[h["pillars"]] * _NM + _MAT[h["walls"]]) * _NM + _MAT[h["roof"]],
        floor_area=float(h["floor_area_m2"]),
        services=(
            ((_WATER[sd["water_source"]] * _NL + _LATRINE[sd["latrine"]]) * _NX)
            + _WASTE[sd["waste_handling"]]
        )
        * 4
        + sd["uses_telecom"] * 2
        + sd["uses_internet"],
        assets=assets,
        members=members,
    )


# --------------------------------------------------------------------------- stored form

FactsList = list[int | float]
"""The JSON form: ``[FACTS_VERSION, area, basis, income, agriculture, housing, floor_area,
services, assets, member codes...]``."""

_tnew = tuple.__new__
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
_MEMBER_RULES = frozenset(
    {"employment", "nutrition", "health_insurance", "adult_education", "child_schooling"}
)
_HOUSEHOLD_RULES = frozenset(
    {
        "housing_quality",
        "water_source",
        "latrine",
        "telecom",
        "digital_services",
        "waste_handling",
        "information_assets",
    }
)
SUPPORTED_RULES: Final = _MEMBER_RULES | _HOUSEHOLD_RULES | {"dependants", "housing_area"}
"""Rules the facts classifier can tabulate; a rule outside this set fails compilation."""
_MAX_BOOL_LANES = 14


class _Member:
    """A one-member stand-in carrying just the answers the member rules read."""

    __slots__ = (
        "age",
        "attending_school",
        "employment",
        "has_disability",
        "has_health_insurance",
        "has_labour_contract",
        "highest_qualification",
        "member_no",
        "sex",
        "stunted",
        "underweight",
        "wage_worker",
        "wants_work",
        "work_capacity",
    )

    def __init__(self) -> None:
        self.member_no = 1
        self.age = 0
        self.sex = Sex.FEMALE
        self.work_capacity = WorkCapacity.FULL
        self.employment = Employment.EMPLOYED
        self.wants_work = True
        self.wage_worker = False
        self.has_labour_contract = False
        self.has_disability = False
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
    """A stand-in survey: one member, or one household answer at a time."""

    __slots__ = (
        "assets",
        "housing",
        "latrine",
        "members",
        "uses_internet",
        "uses_telecom",
        "waste_handling",
        "water_source",
    )

    def __init__(self, member: _Member) -> None:
        self.members = [member]
        self.housing = _Housing(MATERIALS[0], MATERIALS[0], MATERIALS[0])
        self.water_source = WATER_SOURCES[0]
        self.latrine = LATRINES[0]
        self.uses_telecom = True
        self.uses_internet = True
        self.assets: list[Asset] = []
        self.waste_handling: WasteHandling | None = None


_BOOLS = (False, True)


def _deprived(rule: str, survey: _Survey, params: Any) -> bool:
    deprived: bool = RULES[rule].evaluate(survey, params)[0]  # type: ignore[arg-type]
    return deprived


def _school_table(lanes: Sequence[tuple[str, Any, int]]) -> list[int]:
    """Lane contributions by ``school`` code, for the member rules reading schooling and
    health answers (nutrition, health insurance, adult education, child schooling)."""
    m = _Member()
    s = _Survey(m)
    table = [0] * SCHOOL_SIZE
    if not lanes:
        return table
    for n, (age, school, qual, insured, mal) in enumerate(
        itertools.product(range(_AGES), SCHOOL_LEVELS, QUALIFICATIONS, (False, True), (False, True))
    ):
        m.age, m.attending_school, m.highest_qualification = age, school, qual
        m.has_health_insurance, m.stunted = insured, mal
        value = 0
        for rule, params, unit in lanes:
            if _deprived(rule, s, params):
                value += unit
        table[n] = value
    return table


def _work_table(
    lanes: Sequence[tuple[str, Any, int]], dependants: Sequence[tuple[Any, int]]
) -> list[int]:
    """Lane contributions by ``work`` code: employment, and the dependant counts."""
    m = _Member()
    s = _Survey(m)
    table = [0] * WORK_SIZE
    if not lanes and not dependants:
        return table
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
        for rule, params, unit in lanes:
            if _deprived(rule, s, params):
                value += unit
        for params, unit in dependants:
            if is_dependant(m, params):  # type: ignore[arg-type]
                value += unit
        table[n] = value
    return table


def _household_table(
    size: int,
    checks: Sequence[tuple[str, Any, int]],
    setup: Callable[[_Survey, int], None],
) -> list[int]:
    s = _Survey(_Member())
    table = [0] * size
    if not checks:
        return table
    for code in range(size):
        setup(s, code)
        for rule, params, bit in checks:
            if _deprived(rule, s, params):
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


def compile_facts_classifier(standard: Standard) -> FactsClassifier:
    """Compile the facts classifier of a standard (about a second of tabulation; the
    standard does it once, on first use)."""
    bool_lanes: list[tuple[str, Any, int]] = []  # (rule, params, unit) member rules
    lane_bits: list[int] = []
    dependants: list[tuple[Any, int, int]] = []  # (params, unit, indicator bit)
    areas: list[tuple[float, int]] = []
    housing: list[tuple[str, Any, int]] = []
    services: list[tuple[str, Any, int]] = []
    assets: list[tuple[str, Any, int]] = []
    lane = 0
    for n, spec in enumerate(standard.indicators):
        bit, rule, params = 1 << n, spec.rule, spec.params
        if rule in _MEMBER_RULES:
            bool_lanes.append((rule, params, 1 << (lane * _LANE)))
            lane_bits.append(bit)
            lane += 1
        elif rule == "dependants":
            dependants.append((params, bit, 0))
        elif rule == "housing_area":
            areas.append((params.min_m2_per_person, bit))
        elif rule == "housing_quality":
            housing.append((rule, params, bit))
        elif rule == "information_assets":
            assets.append((rule, params, bit))
        elif rule in _HOUSEHOLD_RULES:
            services.append((rule, params, bit))
        else:
            msg = f"standard {standard.id}: rule '{rule}' has no facts tabulation"
            raise StandardDataError(msg)
    if len(bool_lanes) > _MAX_BOOL_LANES:
        msg = f"standard {standard.id}: too many member-level indicators for the facts engine"
        raise StandardDataError(msg)
    n_bool = len(bool_lanes)
    dep_lanes = [(p, 1 << ((n_bool + k) * _LANE), bit) for k, (p, bit, _u) in enumerate(dependants)]
    school_lanes = [x for x in bool_lanes if x[0] != "employment"]
    work_lanes = [x for x in bool_lanes if x[0] == "employment"]
    school = _school_table(school_lanes)
    work = _work_table(work_lanes, [(p, unit) for p, unit, _b in dep_lanes])

    lane_add = sum(63 << (k * _LANE) for k in range(n_bool))
    lane_high = sum(64 << (k * _LANE) for k in range(n_bool))
    lane_masks: dict[int, int] = {}
    for combo in range(1 << n_bool):
        key = mask = 0
        for k in range(n_bool):
            if combo >> k & 1:
                key |= 64 << (k * _LANE)
                mask |= lane_bits[k]
        lane_masks[key] = mask

    dep_checks = tuple(
        (
            (n_bool + k) * _LANE,
            bit,
            tuple(p.max_share_percent * n // 100 for n in range(MAX_MEMBERS + 1)),
        )
        for k, (p, _unit, bit) in enumerate(dep_lanes)
    )
    housing_t = _household_table(HOUSING_SIZE, housing, _set_housing)
    services_t = _household_table(SERVICES_SIZE, services, _set_services)
    assets_t = _household_table(ASSETS_SIZE, assets, _set_assets)
    return _classifier(
        standard,
        _shared(work),
        _shared(school),
        lane_add,
        lane_high,
        lane_masks,
        dep_checks,
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


_POOR = PovertyStatus.POOR
_NEAR_POOR = PovertyStatus.NEAR_POOR
_AVERAGE = PovertyStatus.AVERAGE
_NOT_POOR = PovertyStatus.NOT_POOR


def _classifier(
    standard: Standard,
    work: list[int],
    school: list[int],
    lane_add: int,
    lane_high: int,
    lane_masks: dict[int, int],
    dep_checks: tuple[tuple[int, int, tuple[int, ...]], ...],
    areas: tuple[tuple[float, int], ...],
    housing_t: list[int],
    services_t: list[int],
    assets_t: list[int],
) -> FactsClassifier:
    """The hot function: one household's facts to a ``FactsResult`` (see ``classifier``'s
    ``decide_status`` for the income rule it mirrors; the tests check they agree)."""
    b_bits, b_mask = B_BITS, _B_MASK
    # First dependants and floor-area indicator inline; any further ones in a loop.
    dep_shift, dep_bit, dep_max = dep_checks[0] if dep_checks else (0, 0, ())
    more_deps = dep_checks[1:]
    area_min, area_bit = areas[0] if areas else (0.0, 0)
    more_areas = areas[1:]
    poor_min = standard.poor_min_deprivations
    il, sl = standard.income_line, standard.score_a_line
    # Index basis * 2 + area (AREAS: rural, urban; BASES: VND, score A).
    lines = (il.rural, il.urban, sl.rural, sl.urban)
    unset = tuple(
        f"standard {standard.id} has no score-A line for {area.value} areas; "
        "record an income estimate in VND or set the line in the standard's data"
        for area in AREAS
    )
    ab = standard.average_band
    # An unset band is (0, 0]: contains nothing.
    bands = tuple((b.above, b.up_to) if b else (0, 0) for b in (ab.rural, ab.urban))
    lw = standard.low_income_worker
    lows = tuple(-1 if v is None else v for v in (lw.rural, lw.urban))

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
        if dep_bit and (acc >> dep_shift) & _LANE_MASK > dep_max[n]:
            mask |= dep_bit
        if area_bit and floor < area_min * n:
            mask |= area_bit
        if more_deps:
            for shift, bit, top in more_deps:
                if (acc >> shift) & _LANE_MASK > top[n]:
                    mask |= bit
        if more_areas:
            for minimum, bit in more_areas:
                if floor < minimum * n:
                    mask |= bit
        count = mask.bit_count()
        line = lines[basis * 2 + area]
        if line is None:
            raise NotClassifiable(unset[area])
        if value <= line:
            status = _POOR if count >= poor_min else _NEAR_POOR
            result: FactsResult = _tnew(FactsResult, (status, mask, count, line, False))
            return result
        if basis:
            result = _tnew(FactsResult, (_NOT_POOR, mask, count, line, False))
            return result
        above, up_to = bands[area]
        status = _AVERAGE if agriculture and above < value <= up_to else _NOT_POOR
        result = _tnew(FactsResult, (status, mask, count, line, value <= lows[area]))
        return result

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
