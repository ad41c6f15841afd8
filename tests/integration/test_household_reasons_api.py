"""Assessment's ``GET /households/{code}`` explains every indicator of a household classified
from events without reasons: the reasons the engine gives for its stored survey."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from services.assessment.app import create_app as assessment_app
from services.assessment.app import create_runtime as assessment_runtime
from services.assessment.domain.classifier import classify
from services.assessment.service import AssessmentUnitOfWork, assess_surveys
from services.assessment.settings import AssessmentSettings
from shared.migrations import upgrade
from tests.factories import surveyed_event

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def test_the_household_route_gives_the_engines_reason_for_every_indicator(
    redis_url: str, database_url: str, admin_headers: dict[str, str]
) -> None:
    settings = AssessmentSettings(redis_url=redis_url, database_url=database_url)
    rt, rules, _ = assessment_runtime(settings)
    upgrade(rt.engine, rt.migrations)
    surveyed = surveyed_event(
        1,
        income={"basis": "vnd_per_capita_month", "value": 900_000},
        water_source="surface_water",
        latrine="none",
        uses_telecom=False,
    )
    outcome = assess_surveys(AssessmentUnitOfWork(rt.engine), [surveyed], rules, NOW)
    rt.engine.dispose()
    assert all(b'"reason"' not in body for body in outcome.bodies)
    with TestClient(assessment_app(settings)) as client:
        answer = client.get("/households/HH-0000001", headers=admin_headers)
    assert answer.status_code == 200, answer.text
    shown = answer.json()["results"]
    assert sorted(shown) == ["vn-2022-2025", "vn-2027-2030"]
    for standard_id, result in shown.items():
        expected = classify(surveyed.payload, rules.by_id(standard_id))
        assert (result["explained"], result["reasons_from"]) == (True, "rendered")
        assert [(i["code"], i["deprived"], i["reason"]) for i in result["indicators"]] == [
            (i.code, i.deprived, i.reason) for i in expected.indicators
        ]
        assert expected.deprivation_count >= 3
