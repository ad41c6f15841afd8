"""Event ids are version 7 UUIDs: unique, and ordered by the time they were made."""

from __future__ import annotations

import time
from uuid import UUID

from shared.contracts.envelope import new_event_id, new_event_id_text
from shared.contracts.surveys import HouseholdSurveyed
from tests.factories import survey


def test_an_event_id_is_a_version_7_uuid_carrying_the_time_in_milliseconds() -> None:
    before = time.time_ns() // 1_000_000
    eid = new_event_id()
    after = time.time_ns() // 1_000_000
    assert eid.version == 7
    assert eid.variant == "specified in RFC 4122"
    assert before <= eid.int >> 80 <= after


def test_the_text_form_is_what_str_writes_and_parses_back() -> None:
    text = new_event_id_text()
    parsed = UUID(text)
    assert str(parsed) == text
    assert parsed.version == 7


def test_ids_made_later_sort_after_earlier_ones_as_text_and_are_unique() -> None:
    first = [new_event_id_text() for _ in range(1000)]
    time.sleep(0.002)
    second = [new_event_id_text() for _ in range(1000)]
    assert max(first) < min(second)
    assert len(set(first + second)) == 2000


def test_new_envelopes_get_such_ids() -> None:
    event = HouseholdSurveyed.create(survey(1), producer="intake")
    assert event.event_id.version == 7
