"""Intake keeps accepting surveys while Redis is down; the outbox relay catches up after."""

from __future__ import annotations

import time
from pathlib import Path

import redis
from fastapi.testclient import TestClient

from services.intake.app import create_app
from services.intake.settings import IntakeSettings
from shared.contracts import HOUSEHOLD_SURVEYED_STREAM, HouseholdSurveyed
from shared.embedded_redis import EmbeddedRedis
from tests.factories import survey


def _body(i: int) -> dict[str, object]:
    return survey(i).model_dump(mode="json", exclude={"area_type", "province_code"})


def _wait(check: object, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.1)


def test_surveys_accepted_while_redis_is_down_reach_the_stream_when_it_returns(
    tmp_path: Path, database_url: str, admin_headers: dict[str, str]
) -> None:
    # a real Redis we are allowed to stop: the embedded server, with its append-only file
    server = EmbeddedRedis(tmp_path / "redis").start()
    settings = IntakeSettings(redis_url=server.url, database_url=database_url)
    try:
        with TestClient(create_app(settings), headers=admin_headers) as client:
            assert client.post("/surveys", json=_body(1)).status_code == 201
            stream = redis.Redis.from_url(server.url)
            _wait(lambda: stream.xlen(HOUSEHOLD_SURVEYED_STREAM) == 1)
            stream.close()

            server.stop()
            for i in range(2, 12):
                assert client.post("/surveys", json=_body(i)).status_code == 201
            assert client.get("/health").json()["redis"] is False

            server.start()  # same port, same data folder
            stream = redis.Redis.from_url(server.url)
            _wait(lambda: stream.xlen(HOUSEHOLD_SURVEYED_STREAM) == 11)
            entries = stream.xrange(HOUSEHOLD_SURVEYED_STREAM)
            stream.close()
    finally:
        server.stop()
    codes = sorted(HouseholdSurveyed.from_fields(f).payload.household_code for _, f in entries)
    assert codes == [f"HH-{i:07d}" for i in range(1, 12)]


def test_resubmitting_a_survey_id_stores_nothing_new(
    redis_url: str, database_url: str, admin_headers: dict[str, str]
) -> None:
    settings = IntakeSettings(redis_url=redis_url, database_url=database_url)
    with TestClient(create_app(settings), headers=admin_headers) as client:
        first = client.post("/surveys", json=_body(1))
        again = client.post("/surveys", json=_body(1))
        changed = _body(1) | {"uses_telecom": False}
        conflict = client.post("/surveys", json=changed)
        resurvey = client.post("/surveys", json=_body(1) | {"survey_id": "S-second"})
    assert (first.status_code, again.status_code, conflict.status_code) == (201, 200, 409)
    assert again.json()["status"] == "duplicate"
    assert conflict.json()["detail"][0]["field"] == "survey_id"
    assert resurvey.json()["version"] == 2
    assert resurvey.json()["household_code"] == first.json()["household_code"]
