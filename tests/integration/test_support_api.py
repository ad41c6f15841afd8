"""Support over HTTP with its consumer running on a real Redis."""

from __future__ import annotations

import os
import threading
from datetime import date
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient

from services.support.app import create_app
from services.support.settings import SupportSettings
from shared.contracts import HOUSEHOLD_CLASSIFIED_STREAM, SUPPORT_DISBURSED_STREAM
from shared.contracts.audit import AUDIT_RECORDED_STREAM, AuditRecorded
from shared.contracts.support import SupportDisbursed
from tests.factories import recognised_event
from tests.helpers import eventually
from tests.support_api import house, loan, poor, record, register, support_client
from tests.tokens import Minter

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


def _audit_entries(redis_url: str) -> list[AuditRecorded]:
    client = redis.Redis.from_url(redis_url)
    try:
        return [AuditRecorded.from_fields(f) for _, f in client.xrange(AUDIT_RECORDED_STREAM)]
    finally:
        client.close()


async def test_a_write_publishes_its_audit_entry_with_codes_and_amounts_only(
    redis_url: str, database_url: str, minter: Minter
) -> None:
    officer = minter.headers("support_officer", ["commune:04570"], name="can-bo-07")
    with support_client(redis_url, database_url) as client:
        register(client.app, poor("HH-1"))  # type: ignore[arg-type]
        answer = client.post(
            "/records",
            json=record("R-1", "HH-1"),
            headers={**officer, "X-Correlation-Id": "phieu-42"},
        )
        await eventually(lambda: len(_audit_entries(redis_url)) >= 1)
    assert answer.status_code == 201
    (entry,) = _audit_entries(redis_url)
    p = entry.payload
    assert (p.actor_name, p.service, p.action) == ("can-bo-07", "support", "support.recorded")
    assert (p.target_kind, p.target_id, p.commune_code) == ("household", "HH-1", "04570")
    assert p.after is not None
    assert (p.after["record_id"], p.after["amount_vnd"]) == ("R-1", 5_000_000)
    assert "item" not in p.after  # free text never goes to the trail
    assert entry.correlation_id == "phieu-42"


def test_override_needs_the_override_right_in_the_households_commune(
    redis_url: str, database_url: str, minter: Minter
) -> None:
    support_only = minter.headers("support_officer", ["commune:04570"])
    both = minter.headers(
        grants=[
            {"role": "support_officer", "areas": ["commune:04570"]},
            {"role": "commune_officer", "areas": ["commune:04570"]},
        ],
        name="chu-tich-xa",
    )
    near_poor = recognised_event("HH-N", "not_poor", recognised_on=date(2024, 12, 10))
    housing = {**house("HH-N"), "override_reason": "Nhà sập do lũ quét tháng 9"}
    with support_client(redis_url, database_url) as client:
        register(client.app, near_poor)  # type: ignore[arg-type]
        plain = client.post("/housing", json=house("HH-N"), headers=support_only)
        asked = client.post("/housing", json=housing, headers=support_only)
        check = client.get(
            "/households/HH-N/eligibility",
            params={"programme_code": "VFF.FUND", "kind": "housing", "on": "2025-06-01"},
            headers=both,
        ).json()
        granted = client.post("/housing", json=housing, headers=both)
        stored = client.get("/households/HH-N/support", headers=both).json()
    assert plain.status_code == 422
    assert plain.json()["detail"][0]["type"] == "not_eligible"
    assert asked.status_code == 403
    assert asked.json()["detail"][0]["type"] == "override_not_allowed"
    assert (check["eligible"], check["overridable"], check["may_override"]) == (False, True, True)
    assert check["reasons"][0]["message_vi"]
    assert granted.status_code == 201
    assert granted.json()["overridden"] is True
    assert {r["overridden_by"] for r in stored["records"]} == {"chu-tich-xa"}


def test_batch_answers_each_item_on_its_own(
    redis_url: str, database_url: str, admin_headers: dict[str, str]
) -> None:
    items = [
        record("B-1", "HH-1"),
        record("B-2", "HH-1", amount_vnd=10**13),  # above the sane maximum
        record("B-3", "HH-9"),  # never classified
        record("B-1", "HH-1", amount_vnd=6_000_000),  # same id, other content
        {"disbursement_id": "B-5"},  # incomplete
        record("B-6", "HH-1", item="giống\x00ngô"),  # a NUL character
    ]
    with support_client(redis_url, database_url) as client:
        register(client.app, poor("HH-1"))  # type: ignore[arg-type]
        first = client.post("/records/batch", json=items, headers=admin_headers).json()
        again = client.post("/records/batch", json=items[:1], headers=admin_headers).json()
        too_many = client.post(
            "/records/batch",
            json=[record(f"M-{i}", "HH-1") for i in range(1001)],
            headers=admin_headers,
        )
    assert [r["status"] for r in first["results"]] == [
        "created",
        "rejected",
        "rejected",
        "conflict",
        "rejected",
        "rejected",
    ]
    assert first["results"][3]["errors"][0]["field"] == "amount_vnd"
    assert first["results"][2]["errors"][0]["type"] == "unknown_household"
    assert again["counts"]["duplicate"] == 1
    assert too_many.status_code == 422


def test_catalogue_and_money_limits_answer_in_both_languages(
    redis_url: str, database_url: str, minter: Minter, admin_headers: dict[str, str]
) -> None:
    sponsor = minter.headers("sponsor", ["org:HND"])
    with support_client(redis_url, database_url) as client:
        register(client.app, poor("HH-1"))  # type: ignore[arg-type]
        catalogue = client.get("/programmes", params={"kind": "credit"}, headers=sponsor)
        one = client.get("/programmes/VBSP.POOR", headers=sponsor).json()
        unknown = client.get("/programmes/NOPE", headers=sponsor)
        huge = client.post(
            "/loans", json={**loan("HH-1"), "principal_vnd": 2**63}, headers=admin_headers
        )
        future = client.post(
            "/records", json=record("F-1", "HH-1", disbursed_on="2099-01-01"), headers=admin_headers
        )
    assert catalogue.status_code == 200
    assert "VBSP.POOR" in {p["code"] for p in catalogue.json()}
    assert one["name_vi"]
    assert one["rates"]
    assert unknown.status_code == 404
    assert huge.status_code == 422
    assert huge.json()["detail"][0]["field"] == "principal_vnd"
    assert future.status_code == 422
    assert future.json()["detail"][0]["type"] == "future_date"


def _at_once(
    client: TestClient, bodies: list[dict[str, Any]], headers: dict[str, str]
) -> list[int]:
    """POST every body to /records from its own thread, all released together."""
    start = threading.Barrier(len(bodies))
    codes: list[int] = []

    def send(b: dict[str, Any]) -> None:
        start.wait()
        codes.append(client.post("/records", json=b, headers=headers).status_code)

    threads = [threading.Thread(target=send, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return codes


@pytest.mark.skipif(
    not os.environ.get("TEST_POSTGRES_URL"), reason="concurrent writers share PostgreSQL"
)
def test_the_same_new_id_sent_at_once_is_recorded_once_and_never_a_server_error(
    redis_url: str, database_url: str, admin_headers: dict[str, str]
) -> None:
    with support_client(redis_url, database_url) as client:
        register(client.app, poor("HH-1"))  # type: ignore[arg-type]
        same = _at_once(client, [record("RACE-1", "HH-1")] * 4, admin_headers)
        differing = _at_once(
            client,
            [record("RACE-2", "HH-1"), record("RACE-2", "HH-1", amount_vnd=7_000_000)] * 2,
            admin_headers,
        )
        listed = client.get("/records", headers=admin_headers).json()
    assert sorted(same) == [200, 200, 200, 201]
    assert differing.count(201) == 1
    assert set(differing) <= {200, 201, 409}
    assert 409 in differing
    assert listed["total"] == 2
