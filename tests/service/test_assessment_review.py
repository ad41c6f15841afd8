"""Assessment's review workflow and guarantees, on its use cases and a real SQLite database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from services.assessment.adapters.standards_repo import load_with_overrides
from services.assessment.adapters.tables import metadata, plumbing, snapshots
from services.assessment.domain.classifier import classify
from services.assessment.service import (
    AssessmentUnitOfWork,
    ReviewError,
    Rules,
    assess_surveys,
    household_view,
    recognise,
    record_meeting,
)
from shared.contracts import dead_letter_stream
from shared.contracts.surveys import HOUSEHOLD_SURVEYED_STREAM, HouseholdSurveyed
from shared.db import create_db_engine
from tests.factories import surveyed_event

RULES = Rules(load_with_overrides())
NOW = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def engine(tmp_path: Path) -> sa.Engine:
    e = create_db_engine(f"sqlite:///{tmp_path}/assessment.db")
    metadata.create_all(e)
    return e


def poor_household(n: int = 1) -> HouseholdSurveyed:
    return surveyed_event(
        n,
        income={"basis": "vnd_per_capita_month", "value": 900_000},
        water_source="surface_water",
        latrine="none",
        uses_telecom=False,
    )


def test_result_is_identical_when_rerun_on_the_stored_snapshot(engine: sa.Engine) -> None:
    (emitted, _baseline) = assess_surveys(
        AssessmentUnitOfWork(engine), [poor_household()], RULES, NOW
    ).classified
    with engine.connect() as conn:
        stored = conn.execute(sa.select(snapshots.c.payload)).scalar_one()
    survey = HouseholdSurveyed.from_json(stored).payload
    again = classify(survey, RULES.by_id("vn-2022-2025"))
    p = emitted.payload
    assert (again.status, again.rule_hash, again.engine_version) == (
        p.status,
        p.rule_hash,
        p.engine_version,
    )
    assert [(i.code, i.deprived, i.reason) for i in again.indicators] == [
        (i.code, i.deprived, i.reason) for i in p.indicators
    ]
    view = household_view(engine, "HH-0000001")
    assert view is not None
    assert view["results"]["vn-2022-2025"]["status"] == "poor"


def test_household_goes_back_to_resurvey_when_fewer_than_half_agree(engine: sa.Engine) -> None:
    assess_surveys(AssessmentUnitOfWork(engine), [poor_household()], RULES, NOW)
    outcome = record_meeting(
        AssessmentUnitOfWork(engine),
        "HH-0000001",
        held_on=date(2026, 11, 20),
        attendees=30,
        agreeing=14,
        now=NOW,
    )
    assert outcome == "resurvey_required"
    with pytest.raises(ReviewError) as refused:
        recognise(
            AssessmentUnitOfWork(engine),
            "HH-0000001",
            decision_no="12/QĐ-UBND",
            decided_on=date(2026, 12, 10),
            rules=RULES,
            now=NOW,
        )
    assert refused.value.field == "household_code"


def test_status_becomes_recognised_when_half_agree_and_the_commune_decides(
    engine: sa.Engine,
) -> None:
    assess_surveys(AssessmentUnitOfWork(engine), [poor_household()], RULES, NOW)
    outcome = record_meeting(
        AssessmentUnitOfWork(engine),
        "HH-0000001",
        held_on=date(2026, 11, 20),
        attendees=30,
        agreeing=15,
        now=NOW,
    )
    event = recognise(
        AssessmentUnitOfWork(engine),
        "HH-0000001",
        decision_no="12/QĐ-UBND",
        decided_on=date(2026, 12, 10),
        rules=RULES,
        now=NOW,
    )
    assert outcome == "agreed"
    assert (event.payload.stage.value, event.payload.status.value) == ("recognised", "poor")
    assert event.payload.transition.value == "newly_poor"


def test_survey_no_standard_can_classify_is_dead_lettered_with_the_reason(
    engine: sa.Engine,
) -> None:
    event = surveyed_event(1, review_round={"year": 2040, "kind": "periodic"})
    outcome = assess_surveys(AssessmentUnitOfWork(engine), [event], RULES, NOW)
    with engine.connect() as conn:
        ((stream, error),) = conn.execute(
            sa.select(plumbing.outbox.c.stream, plumbing.outbox.c.error)
        ).all()
    assert outcome.rejected == 1
    assert stream == dead_letter_stream(HOUSEHOLD_SURVEYED_STREAM)
    assert "2040" in error
