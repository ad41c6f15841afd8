"""The review season as the officers' pages read it (assessment ``GET /review/season``) and
the bulk-file template they download (intake ``GET /surveys/files/template``)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from fastapi.testclient import TestClient

from services.assessment.app import create_app as assessment_app
from services.intake.app import create_app as intake_app
from services.intake.settings import IntakeSettings
from tests.integration.test_access_scenarios import _assessed
from tests.tokens import Minter

pytestmark = pytest.mark.integration


def test_season_counts_follow_the_meeting_and_the_recognition(
    redis_url: str, database_url: str, minter: Minter
) -> None:
    settings = _assessed(redis_url, database_url)
    officer = minter.headers("commune_officer", ["commune:04570"])
    province = minter.headers("province_analyst", ["province:15"])
    with TestClient(assessment_app(settings)) as client:
        before = client.get("/review/season", params={"commune": "04570"}, headers=officer)
        assert before.status_code == 200
        assert before.json()["totals"] == {
            "surveyed": 1,
            "awaiting_meeting": 1,
            "meetings_held": 0,
            "agreed": 0,
            "sent_back": 0,
            "recognised": 0,
        }
        (listed,) = before.json()["households"]
        assert listed["household_code"] == "HH-0000001"
        assert listed["meeting_outcome"] is None

        vote = {"held_on": "2026-11-10", "attendees": 20, "agreeing": 5}
        client.post("/households/HH-0000001/meetings", json=vote, headers=officer)
        sent_back = client.get("/review/season", params={"commune": "04570"}, headers=officer)
        assert sent_back.json()["totals"]["sent_back"] == 1
        vote["agreeing"] = 15
        client.post("/households/HH-0000001/meetings", json=vote, headers=officer)
        decision = {"decision_no": "12/QĐ-UBND", "decided_on": "2026-11-15"}
        client.post("/communes/04570/recognition", json=decision, headers=officer)
        after = client.get("/review/season", params={"commune": "04570"}, headers=officer)
        assert after.json()["totals"]["recognised"] == 1
        assert after.json()["households"][0]["recognised_status"] is not None

        page = {"commune": "04570", "offset": 1, "limit": 10}
        assert client.get("/review/season", params=page, headers=officer).json()["households"] == []
        mine = client.get("/review/season", headers=officer).json()
        assert [c["commune_code"] for c in mine["communes"]] == ["04570"]
        assert mine["households"] == []
        everyone = client.get("/review/season", headers=province).json()
        assert [c["commune_code"] for c in everyone["communes"]] == ["04570", "04681"]
        elsewhere = client.get("/review/season", params={"commune": "04681"}, headers=officer)
        assert elsewhere.status_code == 403


def test_template_downloads_for_anyone_signed_in(
    redis_url: str, database_url: str, minter: Minter
) -> None:
    settings = IntakeSettings(redis_url=redis_url, database_url=database_url)
    with TestClient(intake_app(settings)) as client:
        assert client.get("/surveys/files/template").status_code == 401
        answer = client.get(
            "/surveys/files/template",
            headers=minter.headers("village_collector", ["village:04570-01"]),
        )
    assert answer.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    assert "Hộ gia đình" in book.sheetnames


def test_api_docs_pages_load_nothing_from_outside(redis_url: str, database_url: str) -> None:
    settings = IntakeSettings(redis_url=redis_url, database_url=database_url)
    with TestClient(intake_app(settings)) as client:
        page = client.get("/docs")
        assert page.status_code == 200
        assert "http" not in page.text.split("<body>")[0].replace('content="width', "")
        assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
        behind = client.get("/openapi.json", headers={"X-Forwarded-Prefix": "/api/intake"})
        assert behind.json()["servers"] == [{"url": "/api/intake"}]
        assert "servers" not in client.get("/openapi.json").json()
