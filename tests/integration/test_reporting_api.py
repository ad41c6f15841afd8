"""Reporting's routes over HTTP, with its consumers on a real Redis: durable rounds, the
recognised stage by default, names from the area list loaded at start, reasons for bad input."""

from __future__ import annotations

import redis
from fastapi.testclient import TestClient

from services.reporting.app import create_app
from services.reporting.settings import ReportingSettings
from shared.contracts import HOUSEHOLD_CLASSIFIED_STREAM
from tests.helpers import eventually
from tests.unit.reporting.builders import event


async def test_summary_and_changes_read_each_round_with_area_names(
    redis_url: str, database_url: str, admin_headers: dict[str, str]
) -> None:
    r = redis.Redis.from_url(redis_url)
    for n in range(4):
        r.xadd(HOUSEHOLD_CLASSIFIED_STREAM, event(n, year=2022, status="poor").to_wire())
        r.xadd(
            HOUSEHOLD_CLASSIFIED_STREAM,
            event(
                n,
                year=2023,
                status="poor" if n == 0 else "not_poor",
                previous_status="poor",
                transition="unchanged" if n == 0 else "escaped_poverty",
            ).to_wire(),
        )
    r.xadd(HOUSEHOLD_CLASSIFIED_STREAM, event(9, year=2023, stage="proposed").to_wire())
    settings = ReportingSettings(redis_url=redis_url, database_url=database_url, poll_ms=50)
    with TestClient(create_app(settings), headers=admin_headers) as client:

        def applied() -> bool:
            got = client.get("/reports/events").json()["applied"]
            return bool(got.get("HouseholdClassified", {}).get("vn-2022-2025") == 9)

        await eventually(applied)
        latest = client.get("/reports/summary").json()
        old = client.get("/reports/summary", params={"year": 2022}).json()
        proposed = client.get("/reports/summary", params={"stage": "proposed"}).json()
        changes = client.get("/reports/changes").json()
        bogus = client.get("/reports/summary", params={"standard": "bogus"})
        missing = client.get("/reports/summary", params={"year": 2019})
        bad_stage = client.get("/reports/summary", params={"stage": "final"})
        support = client.get("/reports/support").json()
    r.close()
    province = latest["rows"][0]
    assert (latest["review_year"], latest["stage"]) == (2023, "recognised")
    assert (province["area_code"], province["name_vi"]) == ("15", "Lào Cai")
    assert (province["households"], province["poor"], province["poor_rate"]) == (4, 1, 25.0)
    assert [r["area_code"] for r in latest["rows"]] == ["15", "140", "04570"]
    assert old["rows"][0]["poor"] == 4
    assert proposed["rows"][0]["households"] == 1
    assert changes["rows"][0]["poor"]["start"] == 4
    assert changes["rows"][0]["poor"]["decreases"]["escaped"] == 3
    assert changes["rows"][0]["poor"]["change"] == -3
    assert bogus.status_code == 404
    assert bogus.json()["detail"][0]["field"] == "standard"
    assert "chuẩn" in bogus.json()["detail"][0]["message_vi"]
    assert missing.status_code == 404
    assert bad_stage.status_code == 422
    assert support == {"total_vnd": 0, "rows": []}
