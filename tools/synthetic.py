"""Deterministic synthetic household surveys for benchmarks, load scripts and tests.

``synthetic_surveys(n, seed)`` gives valid ``SurveyPayload`` objects with a realistic spread of
poor, near-poor, average and not-poor households; the same seed gives the same surveys.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.contracts.codes import (
    AreaType,
    Asset,
    Employment,
    IncomeBasis,
    Latrine,
    Material,
    Qualification,
    Relation,
    ReviewKind,
    SchoolLevel,
    Sex,
    WasteHandling,
    WaterSource,
    WorkCapacity,
)
from shared.contracts.surveys import SurveyPayload

DEFAULT_COMMUNES = ("04570", "04573", "04576", "04579", "04582", "04585")
_DURABLE = (Material.REINFORCED_CONCRETE, Material.BRICK_STONE, Material.DURABLE_WOOD)
_FLIMSY = (Material.BAMBOO, Material.LEAVES_THATCH, Material.MUD_EARTH)
_CLEAN = (WaterSource.PIPED, WaterSource.DRILLED_WELL, WaterSource.PROTECTED_DUG_WELL)
_UNCLEAN = (WaterSource.UNPROTECTED_DUG_WELL, WaterSource.SURFACE_WATER)
_GOOD_LATRINE = (Latrine.FLUSH_SEPTIC, Latrine.DOUBLE_VAULT, Latrine.VENTILATED_PIT)
_BAD_LATRINE = (Latrine.UNIMPROVED_PIT, Latrine.NONE, Latrine.HANGING_OVER_WATER)
_ETHNIC = ("kinh", "tay", "dao", "hmong", "thai", "muong")


def _school_for(age: int) -> SchoolLevel:
    if age < 3:
        return SchoolLevel.NONE
    if age < 6:
        return SchoolLevel.PRESCHOOL
    if age < 11:
        return SchoolLevel.PRIMARY
    if age < 15:
        return SchoolLevel.LOWER_SECONDARY
    if age < 18:
        return SchoolLevel.UPPER_SECONDARY
    return SchoolLevel.NONE


def _member(
    rng: random.Random, no: int, age: int, relation: Relation, hard: float
) -> dict[str, Any]:
    child = age < 16
    working = 15 <= age <= 60
    unemployed = working and rng.random() < 0.08 * hard
    wage = working and not unemployed and rng.random() < 0.3
    attending = _school_for(age)
    if age >= 3 and age < 18 and rng.random() < 0.06 * hard:
        attending = SchoolLevel.NONE
    if 16 <= age <= 30 and attending is SchoolLevel.NONE:
        qual = (
            Qualification.UPPER_SECONDARY if rng.random() > 0.25 * hard else Qualification.PRIMARY
        )
    elif age >= 18:
        qual = rng.choice((Qualification.LOWER_SECONDARY, Qualification.UPPER_SECONDARY))
    else:
        qual = Qualification.NONE if age < 11 else Qualification.PRIMARY
    return {
        "member_no": no,
        "age": age,
        "sex": Sex.MALE if (no + age) % 2 else Sex.FEMALE,
        "relation": relation,
        "ethnicity": _ETHNIC[int(hard * 10) % len(_ETHNIC)],
        "has_disability": rng.random() < 0.03,
        "work_capacity": WorkCapacity.NONE if age > 75 else WorkCapacity.FULL,
        "employment": (
            Employment.UNEMPLOYED
            if unemployed
            else Employment.EMPLOYED
            if working
            else Employment.NOT_IN_LABOUR_FORCE
        ),
        "wage_worker": wage,
        "has_labour_contract": wage and rng.random() > 0.35 * hard,
        "has_health_insurance": age < 6 or rng.random() > 0.1 * hard,
        "attending_school": attending,
        "highest_qualification": qual,
        "stunted": (rng.random() < 0.08 * hard) if child else None,
        "underweight": (rng.random() < 0.05 * hard) if child else None,
    }


def synthetic_survey_dict(
    n: int, rng: random.Random, commune_codes: Sequence[str], year: int = 2026
) -> dict[str, Any]:
    """One synthetic household as the plain mapping ``SurveyPayload`` validates."""
    area = AreaType.RURAL if rng.random() < 0.7 else AreaType.URBAN
    line = 1_500_000 if area is AreaType.RURAL else 2_000_000
    roll = rng.random()
    if roll < 0.12:
        income, hard = int(line * rng.uniform(0.45, 1.0)), rng.uniform(1.5, 4.0)
    elif roll < 0.35:
        income, hard = int(line * rng.uniform(1.0, 1.6)), rng.uniform(0.5, 1.5)
    else:
        income, hard = int(line * rng.uniform(1.6, 4.5)), rng.uniform(0.05, 0.6)
    basis = IncomeBasis.VND_PER_CAPITA_MONTH
    value = income
    if rng.random() < 0.1:  # some communes still record the form's score A
        basis = IncomeBasis.SCORE_A
        score_line = 140 if area is AreaType.RURAL else 175
        value = max(0, int(score_line * income / line))
    size = rng.choice((1, 2, 2, 3, 3, 4, 4, 4, 5, 5, 6, 7))
    head_age = rng.randint(25, 70)
    members = [_member(rng, 1, head_age, Relation.HEAD, hard)]
    for no in range(2, size + 1):
        if no == 2 and size > 1:
            age, rel = max(18, head_age + rng.randint(-5, 5)), Relation.SPOUSE
        elif no == size and size >= 5:
            age, rel = min(95, head_age + rng.randint(20, 30)), Relation.PARENT
        else:
            age, rel = rng.randint(0, 20), Relation.CHILD
        members.append(_member(rng, no, age, rel, hard))
    flimsy = rng.random() < 0.12 * hard
    assets = [] if rng.random() < 0.04 * hard else [Asset.TELEVISION, Asset.MOBILE_PHONE]
    if rng.random() < 0.6:
        assets.append(Asset.MOTORBIKE)
    surveyed = datetime(year, 9, 1, 8, 0, tzinfo=UTC) + timedelta(minutes=n % 100_000)
    return {
        "survey_id": f"SYN-{n:08d}",
        "household_code": f"HH-{n:08d}",
        "province_code": "15",
        "commune_code": commune_codes[n % len(commune_codes)],
        "village_code": f"{commune_codes[n % len(commune_codes)]}-{n % 9 + 1:02d}",
        "area_type": area,
        "review_round": {"year": year, "kind": ReviewKind.PERIODIC},
        "surveyed_at": surveyed,
        "livelihood_agriculture": area is AreaType.RURAL and rng.random() < 0.7,
        "income": {"basis": basis, "value": value},
        "housing": {
            "pillars": rng.choice(_FLIMSY if flimsy else _DURABLE),
            "walls": rng.choice(_FLIMSY if flimsy else _DURABLE),
            "roof": Material.LEAVES_THATCH if flimsy else Material.TILE,
            "floor_area_m2": round(size * rng.uniform(5.0, 25.0) / min(hard, 1.5), 1),
        },
        "water_source": rng.choice(_UNCLEAN if rng.random() < 0.12 * hard else _CLEAN),
        "latrine": rng.choice(_BAD_LATRINE if rng.random() < 0.2 * hard else _GOOD_LATRINE),
        "uses_telecom": rng.random() > 0.03 * hard,
        "uses_internet": rng.random() > 0.15 * hard,
        "assets": assets,
        "waste_handling": (
            rng.choice((WasteHandling.BURNED_OPEN, WasteHandling.DUMPED))
            if rng.random() < 0.15 * hard
            else WasteHandling.COLLECTED
        ),
        "members": members,
    }


def iter_synthetic_surveys(
    n: int, seed: int = 2026, commune_codes: Sequence[str] | None = None, year: int = 2026
) -> Iterator[SurveyPayload]:
    """Lazily yield ``n`` validated synthetic surveys; same ``seed`` gives the same surveys."""
    rng = random.Random(seed)
    communes = tuple(commune_codes) if commune_codes else DEFAULT_COMMUNES
    for i in range(1, n + 1):
        yield SurveyPayload.model_validate(synthetic_survey_dict(i, rng, communes, year))


def synthetic_surveys(
    n: int, seed: int = 2026, commune_codes: Sequence[str] | None = None, year: int = 2026
) -> list[SurveyPayload]:
    """``n`` validated synthetic surveys (see ``iter_synthetic_surveys``)."""
    return list(iter_synthetic_surveys(n, seed, commune_codes, year))


_STATUS_SPREAD = (("poor", 0.05), ("near_poor", 0.05), ("average", 0.10), ("not_poor", 0.80))
_INDICATORS_2022 = (
    ("employment", "employment"),
    ("dependants", "employment"),
    ("nutrition", "health"),
    ("health_insurance", "health"),
    ("adult_education", "education"),
    ("child_schooling", "education"),
    ("housing_quality", "housing"),
    ("housing_area", "housing"),
    ("water_source", "water_sanitation"),
    ("latrine", "water_sanitation"),
    ("telecom", "information"),
    ("information_assets", "information"),
)
_CAUSES = ("lack_land", "lack_capital", "lack_labour", "lack_skills", "illness_accident")
_NEEDS = ("production", "credit", "housing", "vocational_training")


def synthetic_areas(
    communes: int, villages_per_commune: int, province: str = "99"
) -> list[dict[str, str]]:
    """Rows of an area list (intake's CSV columns) for one province: ``communes`` communes in
    former districts of ten communes each, ``villages_per_commune`` villages each."""
    rows = []
    for c in range(communes):
        code = f"{province}{c:03d}"
        district = f"{province}D{c // 10:02d}"
        for v in range(villages_per_commune):
            rows.append(
                {
                    "province_code": province,
                    "province_name": "Tỉnh thử nghiệm",
                    "commune_code": code,
                    "commune_name": f"Xã {code}",
                    "commune_type": "xa",
                    "village_code": f"{code}-{v:02d}",
                    "village_name": f"Thôn {v + 1}",
                    "former_district_code": district,
                    "former_district_name": f"Huyện {district}",
                    "area_type": "",
                }
            )
    return rows


def synthetic_classification_events(
    n: int,
    seed: int = 2026,
    *,
    communes: int = 150,
    villages_per_commune: int = 10,
    review_year: int = 2026,
    stage: str = "recognised",
    province: str = "99",
    start: int = 0,
    per_village: int | None = None,
) -> Iterator[dict[str, Any]]:
    """``HouseholdClassified`` envelopes (as JSON-ready dicts) for households ``start`` to
    ``start + n`` of a synthetic province: about 5% poor, 5% near-poor, 10% average-living,
    deprivations, members, causes and needs, previous statuses and transitions.

    ``per_village``: households come village after village, that many each (as a commune's
    review arrives); ``None``: each next household in the next commune (scattered)."""
    rng = random.Random(seed * 1_000_003 + start)
    at = datetime(review_year, 10, 1, 8, 0, tzinfo=UTC)
    statuses = [s for s, _ in _STATUS_SPREAD]
    weights = [w for _, w in _STATUS_SPREAD]
    for i in range(start, start + n):
        if per_village:
            slot = i // per_village
            commune, village = (
                (slot // villages_per_commune) % communes,
                slot % villages_per_commune,
            )
        else:
            commune, village = i % communes, (i // communes) % villages_per_commune
        commune_code = f"{province}{commune:03d}"
        status = rng.choices(statuses, weights)[0]
        listed = status in ("poor", "near_poor")
        previous = rng.choices([status, None, "poor", "near_poor", "not_poor"], [8, 1, 1, 1, 2])[0]
        if previous in ("poor", "near_poor") and listed:
            transition = (
                "unchanged"
                if previous == status
                else ("poor_to_near_poor" if previous == "poor" else "near_poor_to_poor")
            )
        elif previous in ("poor", "near_poor"):
            transition = "escaped_poverty" if previous == "poor" else "escaped_near_poverty"
        elif listed:
            transition = "newly_poor" if status == "poor" else "newly_near_poor"
        else:
            transition = "not_listed"
        k = rng.randint(3, 6) if status == "poor" else rng.randint(0, 2)
        deprived = set(rng.sample(range(12), k))
        size = rng.randint(1, 7)
        members = []
        for m in range(size):
            age = rng.randint(25, 60) if m == 0 else rng.randint(0, 85)
            working = 15 <= age <= 60
            members.append(
                {
                    "member_no": m + 1,
                    "age": age,
                    "sex": "male" if (m + i) % 2 else "female",
                    "working_age": working,
                    "able_to_work": working and rng.random() > 0.05,
                    "health_insured": rng.random() > 0.1,
                    "malnourished": (rng.random() < 0.08) if age < 16 else None,
                    "attending_school": 3 <= age < 18 and rng.random() > 0.05,
                    "disability": rng.random() < 0.03,
                }
            )
        survey_id = f"S-{review_year}-{i:08d}"
        surveyed = at + timedelta(seconds=i)
        yield {
            "event_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "event_type": "HouseholdClassified",
            "schema_version": 2,
            "occurred_at": surveyed.isoformat(),
            "correlation_id": survey_id,
            "producer": "assessment",
            "payload": {
                "survey_id": survey_id,
                "household_code": f"HH-{province}-{i:08d}",
                "province_code": province,
                "commune_code": commune_code,
                "village_code": f"{commune_code}-{village:02d}",
                "area_type": "rural",
                "review_year": review_year,
                "surveyed_at": surveyed.isoformat(),
                "survey_order_key": f"{review_year:04d}|{surveyed.isoformat()}|0000|{survey_id}",
                "standard_id": "vn-2022-2025",
                "stage": stage,
                "status": status,
                "transition": transition,
                "previous_status": previous,
                "newly_escaped_until": (
                    f"{review_year + 3}-12-10" if transition.startswith("escaped") else None
                ),
                "income_basis": "vnd_per_capita_month",
                "income_value": 1_200_000 if listed else 3_000_000,
                "income_line": 1_500_000,
                "deprivation_count": len(deprived),
                "indicators": [
                    {"code": c, "dimension": d, "deprived": j in deprived}
                    for j, (c, d) in enumerate(_INDICATORS_2022)
                ],
                "low_income_worker_household": status == "average" and rng.random() < 0.5,
                "member_count": size,
                "head_ethnicity": _ETHNIC[(commune + village) % len(_ETHNIC)],
                "head_sex": members[0]["sex"],
                "members": members,
                "causes": rng.sample(_CAUSES, rng.randint(1, 2)) if listed else [],
                "needs": rng.sample(_NEEDS, rng.randint(1, 2)) if listed else [],
                "rule_hash": "0" * 64,
                "governing": True,
                "engine_version": "synthetic",
            },
        }
