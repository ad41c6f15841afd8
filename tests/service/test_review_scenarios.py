"""The two source interviews as acceptance scenarios, checked in reporting's own output.

Each scenario runs two review rounds through assessment's use cases (survey → proposed
classification → village meeting → commune recognition) and feeds every event assessment
emits to reporting, whose year-end summary and change tables must show the published figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from services.assessment.adapters.standards_repo import load_with_overrides
from services.assessment.adapters.tables import metadata as assessment_tables
from services.assessment.service import (
    AssessmentUnitOfWork,
    MeetingEntry,
    Rules,
    assess_surveys,
    recognise_commune,
    record_meetings,
)
from services.reporting.adapters.tables import metadata as reporting_tables
from services.reporting.service import (
    ReportingUnitOfWork,
    apply_classifications,
    change_table,
    poverty_summary,
)
from shared.contracts.classifications import HouseholdClassified
from shared.contracts.surveys import HouseholdSurveyed
from shared.db import create_db_engine
from tests.factories import survey

STANDARD = "vn-2022-2025"
INCOME = {"poor": 1_000_000, "near_poor": 1_000_000, "not_poor": 4_000_000}


def household(code: str, commune: str, status: str, year: int) -> HouseholdSurveyed:
    """A rural household that classifies as ``status`` under vn-2022-2025."""
    deprived = status == "poor"  # three deprivations: water, latrine, telecom
    payload = survey(
        survey_id=f"{code}-{year}",
        household_code=code,
        commune_code=commune,
        village_code=f"{commune}-01",
        review_round={"year": year, "kind": "periodic"},
        surveyed_at=datetime(year, 10, 1, 8, 0, tzinfo=UTC),
        income={"basis": "vnd_per_capita_month", "value": INCOME[status]},
        water_source="surface_water" if deprived else "piped",
        latrine="none" if deprived else "flush_septic",
        uses_telecom=not deprived,
    )
    return HouseholdSurveyed.create(payload, producer="intake")


@dataclass
class Platform:
    """Assessment and reporting on their own SQLite databases, wired by assessment's events."""

    folder: Path
    rules: Rules = field(default_factory=lambda: Rules(load_with_overrides()))

    def __post_init__(self) -> None:
        self.assessment = create_db_engine(f"sqlite:///{self.folder}/assessment.db")
        self.reporting = create_db_engine(f"sqlite:///{self.folder}/reporting.db")
        assessment_tables.create_all(self.assessment)
        reporting_tables.create_all(self.reporting)

    def report(self, events: list[HouseholdClassified]) -> None:
        for i in range(0, len(events), 1000):
            apply_classifications(
                ReportingUnitOfWork(self.reporting), events[i : i + 1000], datetime.now(UTC)
            )

    def review(self, year: int, statuses: dict[str, tuple[str, str]]) -> None:
        """One review round: survey all households, meet, and recognise by commune."""
        now = datetime.now(UTC)
        surveyed = [household(code, c, s, year) for code, (c, s) in statuses.items()]
        for i in range(0, len(surveyed), 1000):
            out = assess_surveys(
                AssessmentUnitOfWork(self.assessment), surveyed[i : i + 1000], self.rules, now
            )
            assert out.rejected == 0
            self.report(out.classified)
        record_meetings(
            AssessmentUnitOfWork(self.assessment),
            [MeetingEntry(code, date(year, 11, 20), 30, 24) for code in statuses],
            now,
        )
        for commune in sorted({c for c, _ in statuses.values()}):
            decision = recognise_commune(
                AssessmentUnitOfWork(self.assessment),
                commune,
                decision_no=f"{year}/QĐ-UBND-{commune}",
                decided_on=date(year, 12, 10),
                rules=self.rules,
                now=now,
            )
            assert decision.awaiting_meeting == 0
            self.report(decision.recognised)

    def province(self, year: int) -> dict[str, Any]:
        return next(
            r for r in poverty_summary(self.reporting, STANDARD, year) if r["commune_code"] == "*"
        )

    def changes(self, year: int) -> dict[str, Any]:
        return next(
            r for r in change_table(self.reporting, STANDARD, year) if r["commune_code"] == "*"
        )


def plan(rounds: list[tuple[str, str, int]], communes: list[str]) -> tuple[dict, dict]:
    """Households as (status in round 1, status in round 2, how many), spread over communes."""
    first: dict[str, tuple[str, str]] = {}
    second: dict[str, tuple[str, str]] = {}
    n = 0
    for before, after, count in rounds:
        for _ in range(count):
            code = f"HH-{n:06d}"
            commune = communes[n % len(communes)]
            first[code] = (commune, before)
            second[code] = (commune, after)
            n += 1
    return first, second


def test_thuong_bang_la_2023_review_brings_poverty_to_the_planned_rates(tmp_path: Path) -> None:
    """Thượng Bằng La, 2023 plan: poor 4.90% → 2.97% (−1.93 points), near-poor 4.09% → 3.36%
    (−0.73 points). 2,592 households reproduce those rates exactly."""
    first, second = plan(
        [
            ("poor", "poor", 77),
            ("poor", "near_poor", 20),
            ("poor", "not_poor", 30),
            ("near_poor", "near_poor", 67),
            ("near_poor", "not_poor", 39),
            ("not_poor", "not_poor", 2592 - 233),
        ],
        ["04570"],
    )
    platform = Platform(tmp_path)
    platform.review(2022, first)
    start = platform.province(2022)
    platform.review(2023, second)
    end = platform.province(2023)

    assert (start["households"], start["poor_rate"], start["near_poor_rate"]) == (2592, 4.90, 4.09)
    assert (end["households"], end["poor_rate"], end["near_poor_rate"]) == (2592, 2.97, 3.36)
    assert round(start["poor_rate"] - end["poor_rate"], 2) == 1.93
    assert round(start["near_poor_rate"] - end["near_poor_rate"], 2) == 0.73
    changes = platform.changes(2023)
    assert changes["poor"] == {"start": 127, "end": 77, "change": -50}
    assert changes["transitions"]["escaped_poverty"] == 30
    assert changes["transitions"]["poor_to_near_poor"] == 20
    assert changes["transitions"]["escaped_near_poverty"] == 39


@pytest.mark.timeout(600)
def test_tran_yen_2023_review_ends_at_a_4_13_percent_poverty_rate(tmp_path: Path) -> None:
    """Trấn Yên district, 2023: 184 fewer poor and 158 fewer near-poor households than at
    the start of the year; multidimensional poverty rate (poor + near-poor) 4.13% at year end."""
    first, second = plan(
        [
            ("poor", "poor", 240),
            ("poor", "near_poor", 60),
            ("poor", "not_poor", 134),
            ("near_poor", "near_poor", 103),
            ("near_poor", "not_poor", 218),
            ("not_poor", "poor", 10),
            ("not_poor", "not_poor", 10_000 - 765),
        ],
        ["04681", "04705", "04711", "04732", "04750"],
    )
    platform = Platform(tmp_path)
    platform.review(2022, first)
    platform.review(2023, second)
    changes = platform.changes(2023)
    end = platform.province(2023)

    assert changes["poor"]["change"] == -184
    assert changes["near_poor"]["change"] == -158
    assert end["multidimensional_poverty_rate"] == 4.13
    assert changes["transitions"]["newly_poor"] == 10
