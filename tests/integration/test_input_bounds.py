"""Values no real input has are refused at the edge with a 4xx in both languages: never a
500, never accepted only to fail downstream."""

from __future__ import annotations

import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.intake.app import create_app as intake_app
from services.intake.settings import IntakeSettings
from services.support.app import create_app as support_app
from services.support.settings import SupportSettings
from tests.factories import survey
from tests.integration.test_bulk_import import _write as write_sample_file
from tests.integration.test_support_api import DISBURSEMENT


@pytest.fixture
def intake(
    redis_url: str, database_url: str, admin_headers: dict[str, str]
) -> Iterator[TestClient]:
    settings = IntakeSettings(redis_url=redis_url, database_url=database_url)
    with TestClient(intake_app(settings), headers=admin_headers) as client:
        yield client


def _body(n: int = 1, **overrides: Any) -> dict[str, Any]:
    return survey(n).model_dump(mode="json", exclude={"area_type", "province_code"}) | overrides


def _bilingual_422(response: Any, field: str) -> dict[str, str]:
    assert response.status_code == 422, response.text
    problem = next(p for p in response.json()["detail"] if p["field"] == field)
    assert problem["message_vi"]
    assert problem["message_en"]
    return problem


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"head_name": "Nguyễn\x00Văn A"}, "head_name"),
        ({"household_code": "HH-\u200b0000001"}, "household_code"),
        ({"household_code": "HH-\ufeff1"}, "household_code"),
        ({"survey_id": "S-\x071"}, "survey_id"),
        ({"village_code": "04570-01\u2028"}, "village_code"),
    ],
)
def test_survey_refused_when_text_holds_control_or_invisible_characters(
    intake: TestClient, overrides: dict[str, Any], field: str
) -> None:
    problem = _bilingual_422(intake.post("/surveys", json=_body(**overrides)), field)
    assert "U+" in problem["message_en"]


def test_member_ethnicity_with_a_nul_is_refused_in_a_batch_without_refusing_the_rest(
    intake: TestClient,
) -> None:
    bad = _body(2)
    bad["members"][0]["ethnicity"] = "tay\x00"
    answer = intake.post("/surveys/batch", json=[_body(1), bad]).json()
    assert answer["counts"]["created"] == 1
    assert answer["results"][1]["errors"][0]["field"] == "members.0.ethnicity"


def test_composed_and_decomposed_spellings_of_a_code_are_one_household(
    intake: TestClient,
) -> None:
    code = "HỘ-LÀO-CAI-1"
    first = intake.post(
        "/surveys", json=_body(1, household_code=unicodedata.normalize("NFC", code))
    )
    second = intake.post(
        "/surveys",
        json=_body(1, household_code=unicodedata.normalize("NFD", code), survey_id="S-second"),
    )
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json()["household_code"] == first.json()["household_code"]
    assert second.json()["version"] == 2


def test_long_upload_name_asking_for_a_report_gets_the_report_and_leaves_no_folder(
    tmp_path: Path, intake: TestClient
) -> None:
    before = set(Path(tempfile.gettempdir()).glob("giamngheo-errors-*"))
    path = write_sample_file(tmp_path, "xlsx")
    name = "ra-soát " + "x" * 300 + "/../?report=1.xlsx"
    response = intake.post("/surveys/files?report=xlsx", files={"file": (name, path.read_bytes())})
    assert response.status_code == 200, response.text
    disposition = response.headers["content-disposition"]
    assert "loi-" in disposition
    assert len(disposition) < 200
    assert set(Path(tempfile.gettempdir()).glob("giamngheo-errors-*")) <= before


@pytest.fixture
def support(
    redis_url: str, database_url: str, admin_headers: dict[str, str]
) -> Iterator[TestClient]:
    settings = SupportSettings(redis_url=redis_url, database_url=database_url)
    with TestClient(support_app(settings), headers=admin_headers) as client:
        yield client


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"amount_vnd": 2**63}, "amount_vnd"),
        ({"amount_vnd": 2**63 - 1}, "amount_vnd"),
        ({"disbursement_id": "D" * 10_000}, "disbursement_id"),
        ({"household_code": "H" * 10_000}, "household_code"),
        ({"item": "bò\x00"}, "item"),
        ({"quantity": "1e30"}, "quantity"),
    ],
)
def test_disbursement_refused_when_a_value_is_beyond_any_real_one(
    support: TestClient, overrides: dict[str, Any], field: str
) -> None:
    _bilingual_422(support.post("/disbursements", json=DISBURSEMENT | overrides), field)
