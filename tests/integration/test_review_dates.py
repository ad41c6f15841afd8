"""Review steps with dates or a commune that make no sense are refused with the reason."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from services.assessment.adapters.standards_repo import load_with_overrides
from services.assessment.app import create_app
from services.assessment.service import AssessmentUnitOfWork, Rules, assess_surveys
from services.assessment.settings import AssessmentSettings
from tests.factories import surveyed_event

TODAY = datetime.now(UTC).date()
CODE = "HH-0000001"


@pytest.fixture
def client(
    redis_url: str, database_url: str, admin_headers: dict[str, str]
) -> Iterator[TestClient]:
    settings = AssessmentSettings(redis_url=redis_url, database_url=database_url)
    with TestClient(create_app(settings), headers=admin_headers) as c:
        engine = c.app.state.runtime.engine  # type: ignore[attr-defined]
        assess_surveys(
            AssessmentUnitOfWork(engine),
            [surveyed_event(1)],
            Rules(load_with_overrides()),
            datetime.now(UTC),
        )
        yield c


def _meeting(day: date) -> dict[str, object]:
    return {"held_on": day.isoformat(), "attendees": 20, "agreeing": 15}


def _problem(response: object, status: int) -> dict[str, str]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    problem = response.json()["detail"][0]  # type: ignore[attr-defined]
    assert problem["message_vi"]
    assert problem["message_en"]
    return problem


def test_meeting_dated_in_the_future_is_refused(client: TestClient) -> None:
    future = _meeting(TODAY + timedelta(days=400))
    problem = _problem(client.post(f"/households/{CODE}/meetings", json=future), 422)
    assert problem["type"] == "date_in_future"
    batch = client.post("/meetings", json=[{**future, "household_code": CODE}])
    assert _problem(batch, 422)["field"] == "0.held_on"


def test_recognition_dated_before_its_meeting_is_refused(client: TestClient) -> None:
    held = TODAY - timedelta(days=5)
    assert client.post(f"/households/{CODE}/meetings", json=_meeting(held)).status_code == 200
    early = {"decision_no": "QĐ-1", "decided_on": (held - timedelta(days=3)).isoformat()}
    for url in (f"/households/{CODE}/recognition", "/communes/04570/recognition"):
        problem = _problem(client.post(url, json=early), 422)
        assert problem["type"] == "decided_before_meeting"
        assert held.isoformat() in problem["message_en"]
    later = {"decision_no": "QĐ-1", "decided_on": TODAY.isoformat()}
    assert client.post(f"/households/{CODE}/recognition", json=later).status_code == 200


def test_recognition_in_the_future_or_for_an_unknown_commune_is_refused(
    client: TestClient,
) -> None:
    future = {"decision_no": "QĐ-2", "decided_on": (TODAY + timedelta(days=30)).isoformat()}
    assert _problem(client.post("/communes/04570/recognition", json=future), 422)["type"] == (
        "date_in_future"
    )
    today = {"decision_no": "QĐ-2", "decided_on": TODAY.isoformat()}
    problem = _problem(client.post("/communes/99999/recognition", json=today), 404)
    assert problem["type"] == "unknown_commune"
