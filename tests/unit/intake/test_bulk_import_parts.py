"""The pieces a bulk import relies on: shards of a file and events from prepared surveys."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest

from services.intake.domain.areas import AreaRegistry
from services.intake.domain.bulk import Accepted, Outcome, Rejected, find_layout, parse_tables
from services.intake.domain.layout import HOUSEHOLDS, MEMBERS
from services.intake.service import PreparedSurvey, _EnvelopeTemplate
from shared.contracts.surveys import HouseholdSurveyed
from tests.factories import fixed_vault, survey
from tests.unit.intake.builders import (
    family,
    household,
    households_table,
    member,
    members_table,
)

pytestmark = pytest.mark.unit


def _outcomes(registry: AreaRegistry, shard: tuple[int, int]) -> list[Outcome]:
    households = [household(f"HH-{i}") for i in range(7)]
    households.append(household("HH-3"))  # a duplicate household row
    households.append(household("HH-9", commune_code="99999"))
    members = [m for i in range(7) for m in family(f"HH-{i}")] + family("HH-9")
    members += [member("HH-404", 1), member("", 2)]  # an orphan, a member without code
    h_layout, h_rows = find_layout(HOUSEHOLDS, iter(households_table(households)))
    m_layout, m_rows = find_layout(MEMBERS, iter(members_table(members)))
    return list(parse_tables(h_layout, h_rows, m_layout, m_rows, registry, shard=shard))


def _key(outcome: Outcome) -> tuple[str, int, str]:
    if isinstance(outcome, Accepted):
        return "accepted", outcome.row, outcome.payload.survey_id
    keys = ",".join(e.message.key for e in outcome.errors)
    return "rejected", outcome.row, keys


@pytest.mark.parametrize("parts", [2, 3])
def test_shards_together_give_the_outcomes_of_one_pass_when_a_file_is_split(
    registry: AreaRegistry, parts: int
) -> None:
    whole = sorted(map(_key, _outcomes(registry, (0, 1))))
    shards = [_outcomes(registry, (k, parts)) for k in range(parts)]
    assert sorted(_key(o) for shard in shards for o in shard) == whole
    assert {"duplicate_household", "orphan_member", "unknown_commune", "required"} <= {
        e.message.key
        for o in _outcomes(registry, (0, 1))
        if isinstance(o, Rejected)
        for e in o.errors
    }


@pytest.mark.parametrize(
    "occurred_at",
    [
        datetime(2026, 5, 1, tzinfo=UTC),
        datetime(2026, 5, 1, 9, 30, tzinfo=timezone(timedelta(hours=7))),
    ],
)
def test_event_from_a_prepared_survey_is_what_the_envelope_serialises_to(
    occurred_at: datetime,
) -> None:
    payload = survey(3)
    prepared = PreparedSurvey.of(payload, fixed_vault())
    body = _EnvelopeTemplate("upload-1", occurred_at).render(prepared.payload_json)
    event = HouseholdSurveyed.from_json(body)
    expected = HouseholdSurveyed.create(
        payload,
        producer="intake",
        correlation_id="upload-1",
        occurred_at=occurred_at,
        event_id=event.event_id,
    )
    assert body == expected.to_json()
    # keyed: a copy of the database cannot be searched for guessed content through it
    assert prepared.content_hash == fixed_vault().mac(prepared.payload_json + b"\x1d")
    assert prepared.content_hash != hashlib.sha256(prepared.payload_json).hexdigest()


def test_envelope_rules_still_apply_when_events_are_built_from_prepared_surveys() -> None:
    with pytest.raises(ValueError, match="timezone"):
        _EnvelopeTemplate("upload-1", datetime(2026, 5, 1))
