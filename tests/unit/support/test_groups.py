"""A household's standing on a day: which recognised status is in force, the 36-month
newly-escaped window, and the groups taken from the survey and the area lists."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.support.domain.groups import (
    TargetGroup,
    recognition_effective_on,
    standing,
    status_on,
)
from shared.contracts.codes import PovertyStatus
from tests.unit.support.builders import entry, standing_of, worker

G = TargetGroup


@pytest.mark.parametrize(
    ("occurred", "expected"),
    [
        (datetime(2023, 12, 10, 3, 0, tzinfo=UTC), date(2023, 12, 10)),
        (datetime(2023, 12, 10, 18, 0, tzinfo=UTC), date(2023, 12, 11)),  # 01:00 in Hà Nội
        (datetime(2026, 11, 28, 9, 0, tzinfo=UTC), date(2023, 12, 31)),  # replayed years later
        (datetime(2023, 9, 1, 9, 0, tzinfo=UTC), date(2023, 10, 1)),  # before its own survey
    ],
)
def test_recognition_takes_effect_on_the_event_day_bounded_by_its_round(
    occurred: datetime, expected: date
) -> None:
    surveyed = datetime(2023, 10, 1, 2, 0, tzinfo=UTC)
    assert recognition_effective_on(occurred, surveyed, 2023) == expected


def test_status_in_force_is_the_latest_recognition_on_or_before_the_day() -> None:
    history = [
        entry("poor", date(2022, 12, 10), key="a"),
        entry("not_poor", date(2023, 12, 10), escaped_until=date(2026, 12, 10), key="b"),
    ]
    assert status_on(history, date(2022, 12, 9)) is None
    assert status_on(history, date(2023, 12, 9)).status is PovertyStatus.POOR  # type: ignore[union-attr]
    assert status_on(history, date(2023, 12, 10)).status is PovertyStatus.NOT_POOR  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("on", "escaped"),
    [
        (date(2023, 12, 10), True),
        (date(2026, 12, 10), True),  # last day of the 36 months, inclusive
        (date(2026, 12, 11), False),
    ],
)
def test_newly_escaped_lasts_until_the_end_date_the_recognition_carries(
    on: date, escaped: bool
) -> None:
    history = [entry("not_poor", date(2023, 12, 10), escaped_until=date(2026, 12, 10))]
    st = standing(history, on, head_ethnicity="kinh")
    assert (G.ESC in st.groups) is escaped


@pytest.mark.parametrize(
    ("status", "kwargs", "expected"),
    [
        ("poor", {}, {G.POOR}),
        ("near_poor", {}, {G.NEAR}),
        ("average", {}, {G.AVG}),
        ("not_poor", {"low_income": True}, {G.LIW}),
        ("poor", {"low_income": True}, {G.POOR}),  # the flag only counts off the list
        ("poor", {"ethnicity": "hmong"}, {G.POOR, G.EM}),
        ("poor", {"ethnicity": "Kinh"}, {G.POOR}),
        ("not_poor", {"areas": frozenset({G.PD})}, {G.PD}),
        (None, {}, set()),
    ],
)
def test_groups_follow_the_recognised_status_the_survey_and_the_area(
    status: str | None, kwargs: dict[str, object], expected: set[TargetGroup]
) -> None:
    st = standing_of(status, date(2024, 6, 1), **kwargs)  # type: ignore[arg-type]
    assert st.groups == {G.ANY, *expected}


def test_disability_counts_for_the_member_concerned_or_any_member_for_the_household() -> None:
    members = (worker(1), worker(2, disability=True))
    assert G.PWD in standing_of("poor", date(2024, 6, 1), members=members).groups
    assert G.PWD in standing_of("poor", date(2024, 6, 1), members=members, member_no=2).groups
    assert G.PWD not in standing_of("poor", date(2024, 6, 1), members=members, member_no=1).groups
