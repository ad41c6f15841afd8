"""Offline-form submissions through intake's HTTP API, on a real Redis and database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import redis
from fastapi.testclient import TestClient

from services.intake.app import create_app
from services.intake.settings import IntakeSettings
from shared.contracts import HOUSEHOLD_SURVEYED_STREAM, HouseholdSurveyed
from tests.helpers import eventually

SAMPLE = Path(__file__).resolve().parents[1] / "unit" / "intake" / "data" / "kobo-submission.json"


def submission() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return data


def edited(original: dict[str, Any], new_instance: str) -> dict[str, Any]:
    data = json.loads(json.dumps(original))
    data["meta/deprecatedID"] = original["meta/instanceID"]
    data["meta/instanceID"] = new_instance
    data["household/income_value"] = "150"
    return data


async def test_a_retried_submission_is_stored_once_and_an_edit_supersedes_it(
    redis_url: str, database_url: str, admin_headers: dict[str, str]
) -> None:
    settings = IntakeSettings(redis_url=redis_url, database_url=database_url)
    original = submission()
    with TestClient(create_app(settings), headers=admin_headers) as client:
        first = client.post("/forms/kobo", json=original)
        retry = client.post("/forms/kobo", json=original)
        edit = client.post("/forms/kobo", json=edited(original, "uuid:edited-1"))
        edit_retry = client.post("/forms/kobo", json=edited(original, "uuid:edited-1"))
        stream = redis.Redis.from_url(redis_url)
        await eventually(lambda: stream.xlen(HOUSEHOLD_SURVEYED_STREAM) >= 2)
        entries = stream.xrange(HOUSEHOLD_SURVEYED_STREAM)
        stream.close()
    assert [r.status_code for r in (first, retry, edit, edit_retry)] == [201, 200, 201, 200]
    assert first.json()["revision"] == 0
    assert edit.json()["revision"] == 1
    assert edit.json()["household_code"] == first.json()["household_code"]
    payloads = [HouseholdSurveyed.from_fields(f).payload for _, f in entries]
    assert len(payloads) == 2
    newest = max(payloads, key=lambda p: p.order_key)
    assert newest.income.value == 150


async def test_a_submission_with_a_wrong_answer_names_the_question(
    redis_url: str, database_url: str, admin_headers: dict[str, str]
) -> None:
    settings = IntakeSettings(redis_url=redis_url, database_url=database_url)
    bad = submission()
    bad["household/members"][0]["household/members/age"] = "200"
    with TestClient(create_app(settings), headers=admin_headers) as client:
        response = client.post("/forms/kobo", json=bad)
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["path"].endswith("/age")
    assert "200" in error["message_en"]
    assert error["message_vi"]
