from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from services.intake.domain.areas import AreaRegistry
from services.intake.domain.kobo import KoboSubmissionError, map_submission
from shared.contracts.codes import Asset, IncomeBasis, PovertyCause, Relation

pytestmark = pytest.mark.unit

SAMPLE = Path(__file__).parent / "data" / "kobo-submission.json"


@pytest.fixture
def submission() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return data


def test_payload_built_when_submission_is_valid(
    submission: dict[str, Any], registry: AreaRegistry
) -> None:
    result = map_submission(submission, registry)
    assert result.accepted, result.errors
    payload = result.payload
    assert payload is not None
    assert payload.survey_id == "uuid:7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"
    assert payload.income.basis is IncomeBasis.SCORE_A
    assert payload.income.value == 120
    assert payload.assets == [Asset.MOBILE_PHONE, Asset.MOTORBIKE]
    assert payload.causes == [PovertyCause.LACK_CAPITAL, PovertyCause.LACK_LAND]
    assert [m.relation for m in payload.members] == [Relation.HEAD, Relation.CHILD]
    assert payload.members[1].underweight is True
    assert payload.surveyed_at == datetime(2026, 10, 1, 2, 0, tzinfo=UTC)
    assert result.submitted_at == datetime(2026, 10, 1, 3, 5, 11, tzinfo=UTC)
    assert not result.is_edit


def test_edit_names_the_version_it_supersedes_when_deprecated_id_is_present(
    submission: dict[str, Any], registry: AreaRegistry
) -> None:
    edited = dict(submission)
    edited["meta/deprecatedID"] = submission["meta/instanceID"]
    edited["meta/instanceID"] = "uuid:0f9e8d7c-6b5a-4493-8271-605f4e3d2c1b"
    edited["meta/rootUuid"] = submission["meta/instanceID"]
    edited["household/floor_area_m2"] = "40"
    result = map_submission(edited, registry)
    assert result.is_edit
    assert result.deprecated_id == submission["meta/instanceID"]
    assert result.root_id == submission["meta/instanceID"]
    assert result.payload is not None
    assert result.payload.survey_id == "uuid:0f9e8d7c-6b5a-4493-8271-605f4e3d2c1b"
    assert result.payload.housing.floor_area_m2 == 40


def test_errors_name_question_and_path_when_answers_are_wrong(
    submission: dict[str, Any], registry: AreaRegistry
) -> None:
    bad = dict(submission)
    members = [dict(m) for m in submission["household/members"]]
    members[1]["household/members/age"] = "150"
    bad["household/members"] = members
    bad["household/village_code"] = "04681-01"
    result = map_submission(bad, registry)
    assert not result.accepted
    by_path = {e.path: e for e in result.errors}
    assert by_path["household/members[2]/age"].message.key == "impossible_age"
    assert by_path["household/members[2]/age"].field == "Tuổi / age"
    assert by_path["household/village_code"].message.key == "village_not_in_commune"


def test_rejected_when_submission_has_no_members(
    submission: dict[str, Any], registry: AreaRegistry
) -> None:
    bad = {k: v for k, v in submission.items() if k != "household/members"}
    result = map_submission(bad, registry)
    assert [e.message.key for e in result.errors] == ["members_missing"]


def test_instance_id_falls_back_to_uuid_when_meta_is_missing(
    submission: dict[str, Any], registry: AreaRegistry
) -> None:
    plain = {k: v for k, v in submission.items() if k != "meta/instanceID"}
    assert map_submission(plain, registry).instance_id == f"uuid:{submission['_uuid']}"
    anonymous = {k: v for k, v in plain.items() if k != "_uuid"}
    with pytest.raises(KoboSubmissionError):
        map_submission(anonymous, registry)
