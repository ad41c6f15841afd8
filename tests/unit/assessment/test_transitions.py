"""Transitions against the last recognised status, and the newly-escaped period."""

from __future__ import annotations

from datetime import date

import pytest

from services.assessment.domain.transitions import RecognisedStatus, add_months, transition
from shared.contracts.codes import PovertyStatus, Transition

pytestmark = pytest.mark.unit

P, N, A, X = (
    PovertyStatus.POOR,
    PovertyStatus.NEAR_POOR,
    PovertyStatus.AVERAGE,
    PovertyStatus.NOT_POOR,
)
DECIDED = date(2026, 12, 14)
RECOGNISED = date(2025, 12, 10)


@pytest.mark.parametrize(
    ("previous", "left_on", "new", "expected"),
    [
        (P, None, P, Transition.UNCHANGED),
        (N, None, N, Transition.UNCHANGED),
        (P, None, N, Transition.POOR_TO_NEAR_POOR),
        (N, None, P, Transition.NEAR_POOR_TO_POOR),
        (P, None, X, Transition.ESCAPED_POVERTY),
        (P, None, A, Transition.ESCAPED_POVERTY),
        (N, None, A, Transition.ESCAPED_NEAR_POVERTY),
        (None, None, P, Transition.NEWLY_POOR),
        (None, None, N, Transition.NEWLY_NEAR_POOR),
        (X, None, P, Transition.NEWLY_POOR),
        (X, date(2024, 12, 1), P, Transition.FELL_BACK_POOR),
        (A, date(2019, 12, 1), N, Transition.FELL_BACK_NEAR_POOR),
        (X, None, A, Transition.NOT_LISTED),
        (None, None, X, Transition.NOT_LISTED),
    ],
)
def test_transition_table_when_new_status_decided(
    previous: PovertyStatus | None,
    left_on: date | None,
    new: PovertyStatus,
    expected: Transition,
) -> None:
    result = transition(
        RecognisedStatus(previous, RECOGNISED if previous else None, left_on),
        new,
        DECIDED,
        newly_escaped_months=36,
    )
    assert result.transition is expected
    assert result.previous_status is previous


def test_newly_escaped_until_36_months_after_exit_when_household_escapes() -> None:
    r = transition(RecognisedStatus(P, RECOGNISED), X, DECIDED, newly_escaped_months=36)
    assert r.newly_escaped_until == date(2029, 12, 14)
    assert r.left_list_on == DECIDED


@pytest.mark.parametrize(
    ("left_on", "expected"),
    [
        (date(2023, 12, 14), date(2026, 12, 14)),  # exactly 36 months: still newly escaped
        (date(2023, 12, 13), None),  # one day more: period over
    ],
)
def test_newly_escaped_period_ends_after_36_months_when_still_not_listed(
    left_on: date, expected: date | None
) -> None:
    r = transition(RecognisedStatus(X, RECOGNISED, left_on), X, DECIDED, newly_escaped_months=36)
    assert r.transition is Transition.NOT_LISTED
    assert r.newly_escaped_until == expected


def test_no_newly_escaped_date_when_household_falls_back() -> None:
    r = transition(
        RecognisedStatus(X, RECOGNISED, date(2025, 1, 1)), P, DECIDED, newly_escaped_months=36
    )
    assert r.newly_escaped_until is None


def test_rejects_decision_when_dated_before_last_recognition() -> None:
    with pytest.raises(ValueError, match="before"):
        transition(RecognisedStatus(P, RECOGNISED), N, date(2025, 1, 1), newly_escaped_months=36)


def test_add_months_clamps_to_month_end_when_day_missing() -> None:
    assert add_months(date(2024, 2, 29), 36) == date(2027, 2, 28)
    assert add_months(date(2025, 8, 31), 1) == date(2025, 9, 30)
