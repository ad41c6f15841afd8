"""Builders for test data: a valid survey by default, any field overridable."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from services.intake.adapters.vault import Vault
from shared.contracts.classifications import (
    ClassificationPayload,
    HouseholdClassified,
    MemberProfile,
    survey_order_key,
)
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
    ReviewStage,
    SchoolLevel,
    Sex,
    Transition,
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


POOR: dict[str, Any] = {
    "income": {"basis": "vnd_per_capita_month", "value": 900_000},
    "water_source": "surface_water",
    "latrine": "none",
    "uses_telecom": False,
}
"""Answers of a poor household: income below the line, deprived on water, sanitation and
information."""


def poor_survey(n: int = 1) -> SurveyPayload:
    return survey(n, **POOR)


def poor_surveyed_event(n: int = 1) -> HouseholdSurveyed:
    return surveyed_event(n, **POOR)


def classified_event(
    n: int | str = 1,
    *,
    status: str = "poor",
    standard_id: str = "vn-2022-2025",
    commune_code: str = "04570",
    surveyed_at: datetime | None = None,
    **overrides: Any,
) -> HouseholdClassified:
    """A proposed classification of household ``HH-{n}`` under ``standard_id``."""
    hh = n if isinstance(n, str) else f"HH-{n:07d}"
    fields: dict[str, Any] = {
        "survey_id": f"S-{n}" if isinstance(n, str) else f"S-{n:07d}",
        "household_code": hh,
        "province_code": "15",
        "commune_code": commune_code,
        "village_code": f"{commune_code}-01",
        "area_type": AreaType.RURAL,
        "review_year": 2026,
        "surveyed_at": surveyed_at or datetime(2026, 10, 1, 9, 0, tzinfo=UTC),
        "standard_id": standard_id,
        "stage": ReviewStage.PROPOSED,
        "status": status,
        "transition": Transition.NOT_LISTED,
        "income_basis": IncomeBasis.VND_PER_CAPITA_MONTH,
        "income_value": 1_000_000,
        "income_line": 1_500_000,
        "deprivation_count": 3,
        "indicators": [],
        "low_income_worker_household": False,
        "member_count": 4,
        "head_ethnicity": "tay",
        "rule_hash": "0" * 64,
        "engine_version": "test",
        "governing": True,
    }
    fields.update(overrides)
    fields.setdefault(
        "survey_order_key",
        survey_order_key(2026, fields["surveyed_at"], 0, fields["survey_id"]),
    )
    return HouseholdClassified.create(ClassificationPayload(**fields), producer="assessment")


def member_profile(member_no: int = 1, **overrides: Any) -> MemberProfile:
    """A working-age man able to work, insured, without disability."""
    fields: dict[str, Any] = {
        "member_no": member_no,
        "age": 35,
        "sex": Sex.MALE,
        "working_age": True,
        "able_to_work": True,
        "health_insured": True,
        "attending_school": False,
        "disability": False,
    }
    fields.update(overrides)
    return MemberProfile(**fields)


def recognised_event(
    code: str,
    status: str = "poor",
    *,
    recognised_on: date,
    commune_code: str = "04570",
    village_code: str | None = None,
    review_year: int | None = None,
    members: list[MemberProfile] | None = None,
    **overrides: Any,
) -> HouseholdClassified:
    """The commune's recognition of ``status`` for household ``code``, decided (and published)
    on ``recognised_on``; two working-age members by default."""
    year = review_year or recognised_on.year
    surveyed = datetime(year, min(recognised_on.month, 10), 1, 9, 0, tzinfo=UTC)
    roster = (
        members
        if members is not None
        else [
            member_profile(1),
            member_profile(2, sex=Sex.FEMALE, age=33),
        ]
    )
    fields: dict[str, Any] = {
        "survey_id": f"{code}-{year}",
        "commune_code": commune_code,
        "village_code": village_code or f"{commune_code}-01",
        "surveyed_at": surveyed,
        "review_year": year,
        "stage": ReviewStage.RECOGNISED,
        "status": status,
        "members": roster,
        "member_count": len(roster) or 1,
    }
    fields.update(overrides)
    event = classified_event(code, **fields)
    noon = datetime.combine(recognised_on, time(12, 0), tzinfo=UTC)
    return event.model_copy(update={"occurred_at": noon})


def fixed_vault() -> Vault:
    """A personal-data vault with a fixed key (tests only)."""
    return Vault(b"\x07" * 32)
