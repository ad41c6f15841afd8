"""The rules of a household's life events, without I/O: every problem at once, bilingual."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from services.intake.adapters.areas_repo import load_registry
from services.intake.domain.life import HouseholdSnapshot, LifeEventIn, problems
from shared.errors import ErrorKind

REGISTRY = load_registry()
TODAY = date(2026, 11, 29)
HOUSEHOLD = HouseholdSnapshot(
    "HH-1", "active", "04570", "04570-01", date(2026, 10, 1), frozenset({1, 2, 3})
)


def check(
    related: HouseholdSnapshot | None = None,
    household: HouseholdSnapshot = HOUSEHOLD,
    taken: bool = False,
    **fields: Any,
) -> tuple[ErrorKind, list[str]]:
    event = LifeEventIn.model_validate({"change_id": "C-1", "effective_on": "2026-11-01", **fields})
    kind, found = problems(event, household, REGISTRY, TODAY, related=related, new_code_taken=taken)
    for p in found:
        assert p.message_vi
        assert p.message_en
    return kind, [p.code for p in found]


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "moved", "to_commune_code": "04681", "to_village_code": "04681-01"},
        {"kind": "split", "new_household_code": "HH-2", "member_nos": [3]},
        {"kind": "dissolved", "cause": "death"},
    ],
)
def test_a_sound_event_has_no_problem(fields: dict[str, Any]) -> None:
    assert check(**fields)[1] == []


def test_merge_into_an_active_household_has_no_problem() -> None:
    other = HouseholdSnapshot("HH-9", "active", "04570", "04570-02", None, frozenset({1}))
    assert check(other, kind="merged", into_household_code="HH-9")[1] == []


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"kind": "moved", "to_commune_code": "99999", "to_village_code": "99999-01"},
         "unknown_commune"),
        ({"kind": "moved", "to_commune_code": "04570", "to_village_code": "04570-01"},
         "same_area"),
        ({"kind": "split", "new_household_code": "HH-2", "member_nos": [7]}, "member_unknown"),
        ({"kind": "split", "new_household_code": "HH-2", "member_nos": [1, 2, 3]}, "split_all"),
        ({"kind": "merged", "into_household_code": "HH-1"}, "merge_self"),
        ({"kind": "merged", "into_household_code": "HH-404"}, "not_found"),
        ({"kind": "dissolved"}, "required"),
        ({"kind": "dissolved", "cause": "death", "effective_on": "2026-09-01"},
         "before_household"),
        ({"kind": "dissolved", "cause": "death", "effective_on": "2027-01-01"},
         "date_in_future"),
    ],
)  # fmt: skip
def test_bad_events_are_refused_with_the_reason(fields: dict[str, Any], expected: str) -> None:
    kind, codes = check(**fields)
    assert kind is ErrorKind.INVALID
    assert expected in codes


def test_split_into_a_taken_code_or_any_change_to_a_closed_household_conflicts() -> None:
    assert check(taken=True, kind="split", new_household_code="HH-1b", member_nos=[3]) == (
        ErrorKind.CONFLICT,
        ["household_exists"],
    )
    closed = HouseholdSnapshot("HH-1", "dissolved", "04570", "04570-01", None, frozenset())
    kind, codes = check(household=closed, kind="dissolved", cause="death")
    assert (kind, codes) == (ErrorKind.CONFLICT, ["household_closed"])
