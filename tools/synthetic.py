"""Deterministic synthetic household surveys for benchmarks, load scripts and tests.

``synthetic_surveys(n, seed)`` gives valid ``SurveyPayload`` objects with a realistic spread of
poor, near-poor, average and not-poor households; the same seed gives the same surveys.
"""

from __future__ import annotations

import random
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
