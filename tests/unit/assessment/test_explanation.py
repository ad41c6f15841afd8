"""A stored result's reasons are rendered on read only when they are certainly the ones it
was decided on: same standard and rule bundle, same engine, and a re-run that agrees."""

from __future__ import annotations

from typing import Any

import pytest

from services.assessment.domain.classifier import classify
from services.assessment.domain.explanation import with_reasons
from services.assessment.domain.standard import Standard
from services.assessment.domain.transitions import RecognisedStatus, transition
from services.assessment.service import payload_values
from shared.contracts.classifications import ClassificationPayload
from shared.contracts.codes import ReviewStage
from shared.contracts.surveys import SurveyPayload
from tests.factories import poor_survey, survey

pytestmark = pytest.mark.unit


def deprived_household() -> SurveyPayload:
    return poor_survey(1)


def stored(s: SurveyPayload, std: Standard) -> dict[str, Any]:
    """The result as assessment stores and reads it back (the payload as JSON values)."""
    result = classify(s, std)
    change = transition(
        RecognisedStatus(status=None),
        result.status,
        s.surveyed_at.date(),
        newly_escaped_months=std.newly_escaped_months,
    )
    values = payload_values(
        s, result, change, stage=ReviewStage.PROPOSED, governing=True, standard=std
    )
    return ClassificationPayload.model_validate(values).model_dump(mode="json")


def test_reasons_are_the_engines_when_rules_engine_and_outcome_are_the_same(
    std22: Standard,
) -> None:
    s = deprived_household()
    got = with_reasons(stored(s, std22), s, None, [std22])
    assert (got["explained"], got["reasons_from"]) == (True, "rendered")
    assert [i["reason"] for i in got["indicators"]] == [
        i.reason for i in classify(s, std22).indicators
    ]
    assert any("surface" in i["reason"] for i in got["indicators"] if i["deprived"])


@pytest.mark.parametrize(
    "change",
    [
        "rule bundle",
        "engine version",
        "standard missing",
        "outcome differs",
        "another survey",
        "no survey",
    ],
)
def test_no_reason_is_given_when_it_might_not_be_the_one_decided_on(
    std22: Standard, std27: Standard, change: str
) -> None:
    s = deprived_household()
    result = stored(s, std22)
    standards = [std22, std27]
    given: SurveyPayload | None = s
    if change == "rule bundle":
        result["rule_hash"] = "f" * 64
    elif change == "engine version":
        result["engine_version"] = "assessment-engine/0.9.0"
    elif change == "standard missing":
        standards = [std27]
    elif change == "outcome differs":
        result["indicators"][0]["deprived"] = not result["indicators"][0]["deprived"]
    elif change == "another survey":
        given = survey(2)
    else:
        given = None
    got = with_reasons(result, given, None, standards)
    assert (got["explained"], got["reasons_from"]) == (False, None)
    assert [i["reason"] for i in got["indicators"]] == [None] * len(result["indicators"])
    assert [i["deprived"] for i in got["indicators"]] == [
        i["deprived"] for i in result["indicators"]
    ]


def test_reasons_stored_with_the_result_are_kept(std22: Standard) -> None:
    s = deprived_household()
    result = stored(s, std22)
    for i in result["indicators"]:
        i["reason"] = "as published"
    got = with_reasons(result, None, None, [])
    assert (got["explained"], got["reasons_from"]) == (True, "stored")
    assert {i["reason"] for i in got["indicators"]} == {"as published"}
