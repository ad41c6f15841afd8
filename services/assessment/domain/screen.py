"""A fast screen over a household's members: one pass that tells which member-level
indicators *might* be deprived, so the classifier can skip their rule functions otherwise.

Why: reading fields of pydantic members is the dominant cost of classification; six rule
functions each walking the members read them six times. The screen reads each member once,
from precomputed per-age tables. It is a necessary condition, never the decision: an
indicator the screen flags is still decided (and explained) by its rule function in
``indicators``, and the tests check that the screen never misses a deprivation the rules
find. Rules the screen does not know are always evaluated.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from services.assessment.domain.indicators import (
    AdultEducationParams,
    ChildSchoolingParams,
    DependantsParams,
    EmploymentParams,
    HealthInsuranceParams,
    HousingAreaParams,
    HousingQualityParams,
    InformationAssetsParams,
    LatrineParams,
    NutritionParams,
    WaterSourceParams,
)
from shared.contracts.codes import Employment, SchoolLevel, Sex, WorkCapacity
from shared.contracts.surveys import SurveyPayload

_AGES = range(121)
_MALE = Sex.MALE
_UNEMPLOYED = Employment.UNEMPLOYED
_NONE_SCHOOL = SchoolLevel.NONE
_NO_CAPACITY = WorkCapacity.NONE

Screen = Callable[[SurveyPayload], int]
"""Returns a bit mask over the standard's indicators: bit i set = indicator i may be
deprived (always set for indicators the screen does not cover)."""


def build_screen(rules: Sequence[str], params: Sequence[Any]) -> tuple[Screen, int]:
    """Compile a screen for a standard's indicators (rule names and parsed params, in order).

    Returns the screen and the mask of indicators it covers.
    """
    ins_age: list[bool] = [False] * 121
    nut_age: list[bool] = [False] * 121
    dep_age: list[bool] = [False] * 121
    work_male: list[bool] = [False] * 121
    work_female: list[bool] = [False] * 121
    adult: list[frozenset[Any] | None] = [None] * 121
    child: list[frozenset[Any] | None] = [None] * 121
    bits = {"ins": 0, "nut": 0, "adult": 0, "child": 0, "emp": 0, "dep": 0}
    dep_params: DependantsParams | None = None
    household: list[tuple[str, int, Any]] = []
    covered = 0
    for n, (rule, p) in enumerate(zip(rules, params, strict=True)):
        bit = 1 << n
        if rule == "health_insurance" and isinstance(p, HealthInsuranceParams) and not bits["ins"]:
            bits["ins"] = bit
            for a in _AGES:
                ins_age[a] = a >= p.min_age
        elif rule == "nutrition" and isinstance(p, NutritionParams) and not bits["nut"]:
            bits["nut"] = bit
            for a in _AGES:
                nut_age[a] = a < p.child_age_under
        elif rule == "adult_education" and isinstance(p, AdultEducationParams):
            if bits["adult"]:
                continue
            bits["adult"] = bit
            for a in range(p.age_from, min(p.age_to, 120) + 1):
                adult[a] = p.required[a - p.age_from]
        elif rule == "child_schooling" and isinstance(p, ChildSchoolingParams):
            if bits["child"]:
                continue
            bits["child"] = bit
            for a in range(p.age_from, min(p.age_to, 120) + 1):
                child[a] = p.levels[a - p.age_from]
        elif rule == "employment" and isinstance(p, EmploymentParams) and not bits["emp"]:
            bits["emp"] = bit
            for a in _AGES:
                work_male[a] = p.working_age_min <= a <= p.working_age_max_male
                work_female[a] = p.working_age_min <= a <= p.working_age_max_female
        elif rule == "dependants" and isinstance(p, DependantsParams) and not bits["dep"]:
            bits["dep"] = bit
            dep_params = p
            for a in _AGES:
                dep_age[a] = a < p.child_age_under or a >= p.elderly_age_from
        elif rule == "housing_quality" and isinstance(p, HousingQualityParams):
            household.append(("quality", bit, p))
        elif rule == "housing_area" and isinstance(p, HousingAreaParams):
            household.append(("area", bit, p))
        elif rule == "water_source" and isinstance(p, WaterSourceParams):
            household.append(("water", bit, p))
        elif rule == "latrine" and isinstance(p, LatrineParams):
            household.append(("latrine", bit, p))
        elif rule == "telecom":
            household.append(("telecom", bit, p))
        elif rule == "digital_services":
            household.append(("internet", bit, p))
        elif rule == "information_assets" and isinstance(p, InformationAssetsParams):
            household.append(("assets", bit, p))
        else:
            continue
        covered |= bit
    uncovered = ((1 << len(rules)) - 1) & ~covered
    ins_b, nut_b, adult_b, child_b = bits["ins"], bits["nut"], bits["adult"], bits["child"]
    emp_b, dep_b = bits["emp"], bits["dep"]
    dep_disab = dep_params.disability_counts if dep_params else False
    dep_nocap = dep_params.no_work_capacity_counts if dep_params else False
    dep_share = dep_params.max_share_percent if dep_params else 100

    household_screen = _household_screen(household)

    def screen(survey: SurveyPayload) -> int:
        sd = survey.__dict__
        flags = uncovered | household_screen(sd)
        dependants = 0
        members = sd["members"]
        for m in members:
            d = m.__dict__
            age = d["age"]
            if ins_b and not d["has_health_insurance"] and ins_age[age]:
                flags |= ins_b
            if nut_b and nut_age[age] and (d["stunted"] or d["underweight"]):
                flags |= nut_b
            school = d["attending_school"]
            req = adult[age]
            if req is not None and school is _NONE_SCHOOL and d["highest_qualification"] not in req:
                flags |= adult_b
            levels = child[age]
            if levels is not None and school not in levels:
                flags |= child_b
            if emp_b and (work_male[age] if d["sex"] is _MALE else work_female[age]):
                emp = d["employment"]
                if (emp is _UNEMPLOYED and d["wants_work"]) or (
                    d["wage_worker"] and not d["has_labour_contract"]
                ):
                    flags |= emp_b
            if dep_b and (
                dep_age[age]
                or (dep_disab and d["has_disability"])
                or (dep_nocap and d["work_capacity"] is _NO_CAPACITY)
            ):
                dependants += 1
        if dep_b and dependants * 100 > dep_share * len(members):
            flags |= dep_b
        return flags

    return screen, covered


def _household_screen(checks: list[tuple[str, int, Any]]) -> Callable[[dict[str, Any]], int]:
    """Screen of household-level indicators over the survey's field dict (exact tests)."""
    q_bit = a_bit = w_bit = l_bit = t_bit = i_bit = s_bit = 0
    quality: Any = None
    min_area = 0.0
    clean: frozenset[Any] = frozenset()
    hygienic: frozenset[Any] = frozenset()
    owned_ok: frozenset[Any] = frozenset()
    for kind, bit, p in checks:
        if kind == "quality" and not q_bit:
            q_bit, quality = bit, p
        elif kind == "area" and not a_bit:
            a_bit, min_area = bit, p.min_m2_per_person
        elif kind == "water" and not w_bit:
            w_bit, clean = bit, p.clean_sources
        elif kind == "latrine" and not l_bit:
            l_bit, hygienic = bit, p.hygienic
        elif kind == "telecom" and not t_bit:
            t_bit = bit
        elif kind == "internet" and not i_bit:
            i_bit = bit
        elif kind == "assets" and not s_bit:
            s_bit, owned_ok = bit, p.devices | p.assets
    unscreened = 0
    for _kind, bit, _p in checks:
        if bit not in (q_bit, a_bit, w_bit, l_bit, t_bit, i_bit, s_bit):
            unscreened |= bit  # a second indicator with the same rule: always evaluate

    def household_screen(sd: dict[str, Any]) -> int:
        flags = unscreened
        if q_bit or a_bit:
            h = sd["housing"].__dict__
            if q_bit and (
                (h["pillars"] not in quality.durable_pillars)
                + (h["walls"] not in quality.durable_walls)
                + (h["roof"] not in quality.durable_roof)
                >= quality.min_non_durable
            ):
                flags |= q_bit
            if a_bit and h["floor_area_m2"] < min_area * len(sd["members"]):
                flags |= a_bit
        if w_bit and sd["water_source"] not in clean:
            flags |= w_bit
        if l_bit and sd["latrine"] not in hygienic:
            flags |= l_bit
        if t_bit and not sd["uses_telecom"]:
            flags |= t_bit
        if i_bit and not sd["uses_internet"]:
            flags |= i_bit
        if s_bit:
            for asset in sd["assets"]:
                if asset in owned_ok:
                    break
            else:
                flags |= s_bit
        return flags

    return household_screen
