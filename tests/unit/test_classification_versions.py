"""``household.classified`` carries events of two schema versions: version 1 (each indicator
with its English reason, still on the streams) and version 2 (no reasons). Support's and
reporting's readers, their full-model fallbacks and reporting's rebuild read both alike."""

from __future__ import annotations

from copy import deepcopy
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from services.assessment.adapters.standards_repo import load_national_standards
from services.assessment.domain.classifier import classify
from services.assessment.domain.transitions import RecognisedStatus, transition
from services.assessment.service import event_body, payload_values
from services.reporting.adapters import slim
from services.reporting.domain.definitions import ReportDefinitions
from services.reporting.service import prepare
from services.support.adapters import classified as support
from shared.contracts.classifications import HouseholdClassified
from shared.contracts.codes import PovertyStatus, ReviewStage
from tests.factories import survey

pytestmark = pytest.mark.unit

AT = datetime(2026, 11, 29, 5, 30, tzinfo=UTC)


def both_versions(n: int, *, governing: bool = True) -> tuple[bytes, bytes]:
    """One classification (a deprived household's) as assessment publishes it now (version 2)
    and as it published it before (version 1: the same event with every reason)."""
    s = survey(
        n,
        income={"basis": "vnd_per_capita_month", "value": 900_000},
        water_source="surface_water",
        latrine="none",
        uses_telecom=False,
    )
    (std,) = (x for x in load_national_standards() if x.id == "vn-2022-2025")
    result = classify(s, std)
    change = transition(
        RecognisedStatus(status=PovertyStatus.NEAR_POOR),
        result.status,
        s.surveyed_at.date(),
        newly_escaped_months=std.newly_escaped_months,
    )
    values = payload_values(
        s, result, change, stage=ReviewStage.PROPOSED, governing=governing, standard=std
    )
    published: dict[str, Any] = orjson.loads(
        event_body(values, correlation_id=s.survey_id, occurred_at=AT)
    )
    old, new = deepcopy(published), deepcopy(published)
    old["schema_version"], new["schema_version"] = 1, 2
    for i, j, outcome in zip(
        old["payload"]["indicators"],
        new["payload"]["indicators"],
        result.indicators,
        strict=True,
    ):
        i["reason"] = outcome.reason
        j.pop("reason", None)
    return orjson.dumps(old), orjson.dumps(new)


def test_a_version_2_event_has_no_reasons_and_a_version_1_event_keeps_them() -> None:
    v1, v2 = both_versions(1)
    old, new = HouseholdClassified.from_json(v1), HouseholdClassified.from_json(v2)
    assert (old.schema_version, new.schema_version) == (1, 2)
    assert all(i.reason for i in old.payload.indicators)
    assert all(i.reason is None for i in new.payload.indicators)
    assert b'"reason"' not in new.to_json()  # published without the field, not as null
    assert orjson.loads(old.to_json()) == orjson.loads(v1)  # re-serialised as it was
    assert len(v2) < len(v1) * 3 // 4


@pytest.mark.parametrize("governing", [True, False])
def test_support_reads_both_versions_alike(governing: bool) -> None:
    v1, v2 = both_versions(1, governing=governing)
    read = [support.read_classification(b) for b in (v1, v2)]
    full = [support.from_model(HouseholdClassified.model_validate_json(b)) for b in (v1, v2)]
    assert read[0] == read[1] == full[0] == full[1]


def test_reporting_reads_both_versions_alike_in_its_consumer_and_its_rebuild() -> None:
    d = ReportDefinitions()
    v1, v2 = both_versions(1)
    read = [slim.read_classification(b, d) for b in (v1, v2)]
    full = [slim.read_model(HouseholdClassified.from_json(b), d) for b in (v1, v2)]
    assert read[0] == read[1] == full[0] == full[1]
    assert len(read[0].facts.deprived) >= 3
    bodies = [b for n in range(1, 5) for b in both_versions(n)[n % 2 :][:1]]  # 1, 2, 1, 2
    assert [orjson.loads(b)["schema_version"] for b in bodies] == [2, 1, 2, 1]
    chunk = prepare(bodies, d)  # what each of the rebuild's workers does with its share
    assert (chunk.invalid, len(chunk.ids), len(chunk.winners)) == (0, 4, 4)
