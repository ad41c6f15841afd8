"""Classification events carry no reasons (schema version 2); the household view explains
every indicator, rendered from the stored survey under the rule bundle it was classified
under, and never gives a reason once that bundle has changed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
import sqlalchemy as sa

from services.assessment.adapters.standards_repo import national_mappings
from services.assessment.adapters.tables import metadata, results
from services.assessment.domain.classifier import classify
from services.assessment.domain.standard import Standard
from services.assessment.service import (
    AssessmentUnitOfWork,
    Rules,
    assess_surveys,
    household_view,
)
from shared.contracts.classifications import HouseholdClassified
from shared.contracts.surveys import HouseholdSurveyed
from shared.db import create_db_engine
from tests.factories import poor_surveyed_event
from tools.synthetic import synthetic_surveys

NOW = datetime(2026, 11, 1, tzinfo=UTC)
RULES = Rules(tuple(Standard.from_mapping(raw) for raw in national_mappings().values()))


def amended_rules() -> Rules:
    """The national standards with vn-2022-2025's data amended since (a new rule hash)."""
    raws = national_mappings()
    raws["vn-2022-2025"] = {**raws["vn-2022-2025"], "note": "Amended after the review."}
    return Rules(tuple(Standard.from_mapping(raw) for raw in raws.values()))


@pytest.fixture
def engine(tmp_path: Path) -> sa.Engine:
    e = create_db_engine(f"sqlite:///{tmp_path}/assessment.db")
    metadata.create_all(e)
    return e


def poor_household() -> HouseholdSurveyed:
    return poor_surveyed_event(1)


def reasons(view: dict[str, Any], standard_id: str) -> list[str | None]:
    return [i["reason"] for i in view["results"][standard_id]["indicators"]]


def test_events_carry_each_indicator_without_its_reason(engine: sa.Engine) -> None:
    outcome = assess_surveys(AssessmentUnitOfWork(engine), [poor_household()], RULES, NOW)
    assert len(outcome.bodies) == 2  # the governing standard and the next period's
    for body in outcome.bodies:
        event = orjson.loads(body)
        assert event["schema_version"] == HouseholdClassified.SCHEMA_VERSION == 2
        assert [set(i) for i in event["payload"]["indicators"]] == [
            {"code", "dimension", "deprived"}
        ] * len(event["payload"]["indicators"])
    with engine.connect() as conn:
        stored = conn.execute(sa.select(results.c.payload)).scalars().all()
    assert sorted(stored) == sorted(outcome.bodies)


def test_household_view_gives_every_indicator_the_reason_the_engine_gives(
    engine: sa.Engine,
) -> None:
    surveyed = [
        HouseholdSurveyed.create(s, producer="intake", correlation_id=s.survey_id)
        for s in synthetic_surveys(40)
    ]
    assess_surveys(AssessmentUnitOfWork(engine), surveyed, RULES, NOW)
    deprived = 0
    for e in surveyed:
        view = household_view(engine, e.payload.household_code, RULES)
        assert view is not None
        assert view["results"]  # under each standard that could classify it
        for standard_id, result in view["results"].items():
            expected = classify(e.payload, RULES.by_id(standard_id))
            assert (result["explained"], result["reasons_from"]) == (True, "rendered")
            assert reasons(view, standard_id) == [i.reason for i in expected.indicators]
            assert [(i["code"], i["deprived"]) for i in result["indicators"]] == [
                (i.code, i.deprived) for i in expected.indicators
            ]
            deprived += expected.deprivation_count
    assert deprived > 40  # deprived indicators, whose reasons name the answers, were checked


def test_household_view_gives_no_reason_once_the_rules_have_changed(engine: sa.Engine) -> None:
    assess_surveys(AssessmentUnitOfWork(engine), [poor_household()], RULES, NOW)
    amended = amended_rules()
    assert amended.by_id("vn-2022-2025").rule_hash != RULES.by_id("vn-2022-2025").rule_hash
    view = household_view(engine, "HH-0000001", amended)
    assert view is not None
    changed = view["results"]["vn-2022-2025"]
    assert (changed["explained"], changed["reasons_from"]) == (False, None)
    assert reasons(view, "vn-2022-2025") == [None] * 12
    assert [i["deprived"] for i in changed["indicators"]].count(True) == changed[
        "deprivation_count"
    ]
    unchanged = view["results"]["vn-2027-2030"]  # its bundle is the same: still explained
    assert (unchanged["explained"], unchanged["reasons_from"]) == (True, "rendered")
    assert all(reasons(view, "vn-2027-2030"))


def test_household_view_keeps_the_reasons_a_result_was_stored_with(engine: sa.Engine) -> None:
    """Results stored from events of schema version 1 carry their reasons: shown as stored,
    whatever the rules in force."""
    assess_surveys(AssessmentUnitOfWork(engine), [poor_household()], RULES, NOW)
    with engine.begin() as conn:
        for survey_id, standard_id, body in conn.execute(
            sa.select(results.c.survey_id, results.c.standard_id, results.c.payload)
        ).all():
            event = orjson.loads(body)
            event["schema_version"] = 1
            for n, i in enumerate(event["payload"]["indicators"]):
                i["reason"] = f"as stored {n}"
            conn.execute(
                sa.update(results)
                .where(results.c.survey_id == survey_id, results.c.standard_id == standard_id)
                .values(payload=orjson.dumps(event))
            )
    view = household_view(engine, "HH-0000001", amended_rules())
    assert view is not None
    for std in ("vn-2022-2025", "vn-2027-2030"):
        result = view["results"][std]
        assert (result["explained"], result["reasons_from"]) == (True, "stored")
        assert reasons(view, std) == [f"as stored {n}" for n in range(len(result["indicators"]))]
