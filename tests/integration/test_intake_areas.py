"""Intake's area registry over HTTP with a change list: today's areas, the areas on a date,
the change history, and moves checked against the areas in force on their date."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from services.intake.app import create_app as intake_app
from services.intake.settings import IntakeSettings
from tests.integration.test_access_scenarios import survey_body
from tests.tokens import Minter

CHANGES = """effective_on,kind,code,new_code,new_name,new_parent_code,note
2026-10-15,merge,04711,04705,,,Lương Thịnh sáp nhập vào Hưng Khánh (ví dụ kiểm thử)
2026-04-01,rename,04705-01,,Thôn Khe Cam Mới,,
"""


def test_areas_today_on_a_date_and_with_history_and_moves_by_their_date(
    redis_url: str, database_url: str, minter: Minter, tmp_path: Path
) -> None:
    changes = tmp_path / "area-changes.csv"
    changes.write_text(CHANGES, encoding="utf-8")
    settings = IntakeSettings(
        redis_url=redis_url, database_url=database_url, area_changes_file=changes
    )
    admin = minter.headers()
    with TestClient(intake_app(settings)) as client:
        today = client.get("/areas", headers=admin).json()
        before = client.get("/areas", params={"on": "2026-10-01"}, headers=admin).json()
        history = client.get("/areas", params={"history": "true"}, headers=admin).json()
        client.post("/surveys", json=survey_body(1, "04570", "04570-01"), headers=admin)
        url = "/households/AC-HH-1/events"
        move = {"kind": "moved", "to_commune_code": "04711", "to_village_code": "04711-01"}
        late = client.post(
            url, json={**move, "change_id": "C-1", "effective_on": "2026-11-03"}, headers=admin
        )
        back_dated = client.post(
            url, json={**move, "change_id": "C-2", "effective_on": "2026-10-05"}, headers=admin
        )
    codes = {c["code"] for c in today["communes"]}
    assert "04711" not in codes
    assert "04711" in {c["code"] for c in before["communes"]}
    hung_khanh = next(c for c in today["communes"] if c["code"] == "04705")
    assert {"code": "04705-01", "name": "Thôn Khe Cam Mới"} in hung_khanh["villages"]
    assert "04711-01" in {v["code"] for v in hung_khanh["villages"]}
    assert [c["kind"] for c in history["changes"]] == ["rename", "merge"]  # oldest first
    assert late.status_code == 422
    assert late.json()["detail"][0]["type"] == "area_retired"
    assert back_dated.status_code == 201, back_dated.text
