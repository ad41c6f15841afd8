"""Builders for test data: a valid survey by default, any field overridable."""

from __future__ import annotations

from datetime import UTC, datetime
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
    WaterSource,
)
from shared.contracts.surveys import HouseholdSurveyed, Member, SurveyPayload


def member(**overrides: Any) -> Member:
    """An insured, employed adult head of household with upper-secondary schooling."""
    fields: dict[str, Any] = {
        "member_no": 1,
        "age": 40,
        "sex": Sex.MALE,
        "relation": Relation.HEAD,
        "ethnicity": "tay",
        "employment": Employment.EMPLOYED,
        "has_health_insurance": True,
        "highest_qualification": Qualification.UPPER_SECONDARY,
        "attending_school": SchoolLevel.NONE,
    }
    fields.update(overrides)
    return Member(**fields)


def survey(n: int = 1, **overrides: Any) -> SurveyPayload:
    """A rural household deprived on nothing, with income well above every line."""
    fields: dict[str, Any] = {
        "survey_id": f"S-{n:07d}",
        "household_code": f"HH-{n:07d}",
        "province_code": "15",
        "commune_code": "04570",
        "village_code": "04570-01",
        "area_type": AreaType.RURAL,
        "review_round": {"year": 2026, "kind": ReviewKind.PERIODIC},
        "surveyed_at": datetime(2026, 10, 1, 9, 0, tzinfo=UTC),
        "livelihood_agriculture": True,
        "income": {"basis": IncomeBasis.VND_PER_CAPITA_MONTH, "value": 4_000_000},
        "housing": {
            "pillars": Material.REINFORCED_CONCRETE,
            "walls": Material.BRICK_STONE,
            "roof": Material.TILE,
            "floor_area_m2": 60.0,
        },
        "water_source": WaterSource.PIPED,
        "latrine": Latrine.FLUSH_SEPTIC,
        "uses_telecom": True,
        "uses_internet": True,
        "assets": [Asset.TELEVISION, Asset.SMARTPHONE, Asset.MOTORBIKE],
        "members": [
            member(),
            member(member_no=2, age=38, sex=Sex.FEMALE, relation=Relation.SPOUSE),
        ],
    }
    fields.update(overrides)
    return SurveyPayload(**fields)


def surveyed_event(n: int = 1, **overrides: Any) -> HouseholdSurveyed:
    return HouseholdSurveyed.create(survey(n, **overrides), producer="intake")
