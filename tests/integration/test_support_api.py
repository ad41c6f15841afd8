"""Support over HTTP with its consumer running on a real Redis."""

from __future__ import annotations

from datetime import date

import redis
from fastapi.testclient import TestClient

from services.support.app import create_app
from services.support.settings import SupportSettings
from shared.contracts import HOUSEHOLD_CLASSIFIED_STREAM, SUPPORT_DISBURSED_STREAM
from shared.contracts.support import SupportDisbursed
from tests.factories import recognised_event
from tests.helpers import eventually

DISBURSEMENT = {
    "disbursement_id": "D-1",
    "household_code": "HH-0000001",
    "kind": "production",
    "programme_code": "NTP2026.C1",
    "funding_source": "central_budget",
    "amount_vnd": 6_000_000,
    "quantity": "2",
    "unit": "con",
    "item": "bò cái sinh sản",
    "repayable": True,
    "helping_organisation": "Hội Nông dân xã",
    "disbursed_on": "2026-11-05",
}


async def test_support_for_an_unclassified_household_is_refused_with_the_reason(
    redis_url: str, database_url: str, admin_headers: dict[str, str]
) -> None:
    settings = SupportSettings(redis_url=redis_url, database_url=database_url, poll_ms=50)
    with TestClient(create_app(settings), headers=admin_headers) as client:
        response = client.post("/disbursements", json=DISBURSEMENT)
    assert response.status_code == 404
    (detail,) = response.json()["detail"]
    assert detail["field"] == "household_code"
    assert "HH-0000001" in detail["message_vi"]


async def test_support_is_recorded_once_and_published_for_a_classified_household(
    redis_url: str, database_url: str, admin_headers: dict[str, str]
) -> None:
    client_redis = redis.Redis.from_url(redis_url)
    recognised = recognised_event("HH-0000001", "poor", recognised_on=date(2026, 10, 20))
    client_redis.xadd(HOUSEHOLD_CLASSIFIED_STREAM, recognised.to_wire())
    settings = SupportSettings(redis_url=redis_url, database_url=database_url, poll_ms=50)
    with TestClient(create_app(settings), headers=admin_headers) as client:

        def registered() -> bool:
            return client.post("/disbursements", json=DISBURSEMENT).status_code in (200, 201)

        await eventually(registered)
        again = client.post("/disbursements", json=DISBURSEMENT)
        await eventually(lambda: client_redis.xlen(SUPPORT_DISBURSED_STREAM) >= 1)
        entries = client_redis.xrange(SUPPORT_DISBURSED_STREAM)
    client_redis.close()
    assert again.status_code == 200
    assert again.json()["created"] is False
    ((_, fields),) = entries
    event = SupportDisbursed.from_fields(fields)
    assert event.payload.commune_code == "04570"  # taken from the household register
    assert event.payload.repayable is True
