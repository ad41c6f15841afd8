"""Builders for reporting's tests: classifications with members and indicators, facts, a small
area tree, and events of whole rounds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from services.reporting.domain.areas import Area, AreaLevel, AreaTree
from services.reporting.domain.definitions import ReportDefinitions
from services.reporting.domain.households import HouseholdFacts, household_facts
from shared.contracts.classifications import (
    ClassificationPayload,
    HouseholdClassified,
    survey_order_key,
)
from tests.factories import classified_event

INDICATORS_2022 = (
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
"""vn-2022-2025 in the order of poverty-standard §2 (indicators 1-12)."""

CODES_2022 = tuple(c for c, _ in INDICATORS_2022)


def indicators(
    deprived: Sequence[str] = (), structure: Sequence[tuple[str, str]] = INDICATORS_2022
) -> list[dict[str, Any]]:
    return [{"code": c, "dimension": d, "deprived": c in deprived} for c, d in structure]


def member(
    no: int = 1,
    *,
    age: int = 40,
    sex: str = "male",
    able: bool | None = None,
    insured: bool = True,
    malnourished: bool | None = None,
    attending: bool = False,
) -> dict[str, Any]:
    working = 15 <= age <= 60
    return {
        "member_no": no,
        "age": age,
        "sex": sex,
        "working_age": working,
        "able_to_work": working if able is None else able,
        "health_insured": insured,
        "malnourished": malnourished,
        "attending_school": attending,
        "disability": False,
    }


def event(
    n: int = 1,
    *,
    status: str = "poor",
    year: int = 2026,
    stage: str = "recognised",
    commune: str = "04570",
    village: str | None = None,
    deprived: Sequence[str] = (),
    members: list[dict[str, Any]] | None = None,
    surveyed_at: datetime | None = None,
    survey_id: str | None = None,
    **overrides: Any,
) -> HouseholdClassified:
    """A classification of ``HH-{n}`` in round ``year``; members default to two adults."""
    at = surveyed_at or datetime(year, 10, 1, 9, 0, tzinfo=UTC)
    sid = survey_id or f"S-{year}-{n:07d}"
    people = members if members is not None else [member(1), member(2, age=38, sex="female")]
    fields: dict[str, Any] = {
        "review_year": year,
        "stage": stage,
        "village_code": village or f"{commune}-01",
        "indicators": indicators(deprived),
        "deprivation_count": len(deprived),
        "members": people,
        "member_count": len(people),
        "head_sex": people[0]["sex"] if people else None,
        "survey_id": sid,
        "survey_order_key": survey_order_key(year, at, 0, sid),
    }
    fields.update(overrides)
    return classified_event(n, status=status, commune_code=commune, surveyed_at=at, **fields)


def facts(n: int = 1, definitions: ReportDefinitions | None = None, **kw: Any) -> HouseholdFacts:
    payload: ClassificationPayload = event(n, **kw).payload
    return household_facts(payload, definitions or ReportDefinitions())


def tree() -> AreaTree:
    """Province 15; former districts 138 (communes 04681, 04705) and 140 (04570); commune
    02641 without a former district; two villages per commune."""
    areas = [
        Area("15", AreaLevel.PROVINCE, "Lào Cai"),
        Area("138", AreaLevel.FORMER_DISTRICT, "Huyện Trấn Yên", parent_code="15"),
        Area("140", AreaLevel.FORMER_DISTRICT, "Huyện Văn Chấn", parent_code="15"),
    ]
    for commune, district in (
        ("04681", "138"),
        ("04705", "138"),
        ("04570", "140"),
        ("02641", None),
    ):
        areas.append(
            Area(
                commune,
                AreaLevel.COMMUNE,
                f"Xã {commune}",
                parent_code="15",
                former_district_code=district,
            )
        )
        areas += [
            Area(f"{commune}-0{i}", AreaLevel.VILLAGE, f"Thôn {i}", parent_code=commune)
            for i in (1, 2)
        ]
    return AreaTree.of(areas)


VILLAGES = tuple(f"{c}-0{i}" for c in ("04681", "04705", "04570", "02641") for i in (1, 2))

DAY = date(2026, 12, 10)
