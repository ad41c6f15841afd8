"""The review model: proposing, carrying state forward, holds, the village meeting's quorum and
who a commune decision covers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from services.assessment.domain.review import (
    Hold,
    LifeEvent,
    MeetingOutcome,
    MeetingVote,
    Proposal,
    ReviewError,
    ReviewState,
    after_life_event,
    after_life_events,
    all_surveyed,
    commune_cover,
    commune_known,
    meeting_outcome,
    newest_per_household,
    not_before_meetings,
    not_in_future,
    prevails,
    propose,
    recognisable,
    recognise,
    record_meeting,
)
from shared.contracts.codes import PovertyStatus, Transition
from shared.contracts.registry import LifeEventKind
from shared.errors import DomainError, ErrorKind

pytestmark = pytest.mark.unit

P, N, X = PovertyStatus.POOR, PovertyStatus.NEAR_POOR, PovertyStatus.NOT_POOR
SURVEYED = date(2026, 10, 1)
AGREED, RESURVEY = MeetingOutcome.AGREED, MeetingOutcome.RESURVEY_REQUIRED


def state(code: str = "HH-1", **changes: Any) -> ReviewState:
    base = ReviewState(
        household_code=code,
        commune_code="04570",
        latest_survey_id=f"{code}-2026",
        order_key="2026|2026-10-01T08:00:00",
        proposed_status=P,
        standard_id="vn-2022-2025",
    )
    return replace(base, **changes)


def proposal(**changes: Any) -> Proposal:
    base = Proposal(
        household_code="HH-1",
        commune_code="04570",
        survey_id="HH-1-2027",
        order_key="2027|2027-10-01T08:00:00",
        surveyed_on=date(2027, 10, 1),
        status=N,
        standard_id="vn-2022-2025",
    )
    return replace(base, **changes)


# the village meeting's quorum ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("attendees", "agreeing", "expected"),
    [
        (30, 15, AGREED),  # exactly half
        (30, 30, AGREED),
        (31, 16, AGREED),
        (1, 1, AGREED),
        (30, 14, RESURVEY),
        (31, 15, RESURVEY),  # just under half
        (1, 0, RESURVEY),
        (30, 0, RESURVEY),
    ],
)
def test_meeting_agrees_when_at_least_half_of_attendees_agree(
    attendees: int, agreeing: int, expected: MeetingOutcome
) -> None:
    assert meeting_outcome(attendees, agreeing) is expected


@pytest.mark.parametrize(("attendees", "agreeing"), [(0, 0), (10, 11), (10, -1), (-3, 0)])
def test_vote_is_refused_as_invalid_when_agreeing_is_not_within_attendees(
    attendees: int, agreeing: int
) -> None:
    vote = MeetingVote("HH-1", date(2026, 11, 20), attendees, agreeing)
    with pytest.raises(ReviewError) as refused:
        record_meeting(state(), vote)
    assert (refused.value.kind, refused.value.field) == (ErrorKind.INVALID, "agreeing")


def test_meeting_is_recorded_on_the_latest_survey_when_the_household_is_not_held() -> None:
    after, meeting = record_meeting(state(), MeetingVote("HH-1", date(2026, 11, 20), 30, 14))
    assert after.meeting_outcome is RESURVEY
    assert (meeting.survey_id, meeting.outcome) == ("HH-1-2026", RESURVEY)


@pytest.mark.parametrize(
    ("hold", "words"),
    [(Hold.NEEDS_SURVEY, "khảo sát lại"), (Hold.MERGED, "nhập"), (Hold.DISSOLVED, "giải thể")],
)
def test_meeting_is_refused_when_the_household_is_held(hold: Hold, words: str) -> None:
    held = state(hold=hold, hold_since=date(2026, 10, 15))
    with pytest.raises(ReviewError) as refused:
        record_meeting(held, MeetingVote("HH-1", date(2026, 11, 20), 30, 30))
    assert refused.value.kind is ErrorKind.CONFLICT
    assert words in refused.value.message_vi


def test_households_not_surveyed_are_named_when_a_vote_names_them() -> None:
    with pytest.raises(ReviewError) as refused:
        all_surveyed(["HH-1"], ["HH-1", "HH-9", "HH-8"])
    assert refused.value.kind is ErrorKind.NOT_FOUND
    assert "HH-8, HH-9" in refused.value.message_en


# proposing and carrying forward --------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored_key", "new_key", "expected"),
    [
        (None, "2026|2026-10-01", True),
        ("2026|2026-10-01", "2026|2026-10-02", True),
        ("2026|2026-10-01", "2026|2026-10-01", True),  # the same survey again
        ("2027|2027-01-01", "2026|2026-12-31", False),  # an earlier round, interviewed later
        ("2026|2026-10-02", "2026|2026-10-01", False),
    ],
)
def test_survey_prevails_when_it_is_not_older_than_the_state(
    stored_key: str | None, new_key: str, expected: bool
) -> None:
    stored = state(order_key=stored_key) if stored_key else None
    assert prevails(stored, new_key) is expected


def test_newest_survey_of_each_household_is_kept_when_a_batch_has_several() -> None:
    items = [("A", "2"), ("B", "1"), ("A", "3"), ("A", "1"), ("B", "1")]
    newest = newest_per_household(list(enumerate(items)), lambda i: i[1][0], lambda i: i[1][1])
    assert {c: i for c, (i, _) in newest.items()} == {"A": 2, "B": 1}


def test_state_rests_on_the_new_survey_and_keeps_the_recognition_when_proposed() -> None:
    recognised = state(
        meeting_outcome=AGREED,
        recognised_status=P,
        recognised_standard="vn-2022-2025",
        recognised_on=date(2026, 12, 10),
        recognised_survey_id="HH-1-2026",
        left_list_on=date(2024, 12, 1),
    )
    after = propose(recognised, proposal())
    assert (after.latest_survey_id, after.proposed_status, after.meeting_outcome) == (
        "HH-1-2027",
        N,
        None,
    )
    assert (after.recognised_status, after.recognised_on, after.recognised_survey_id) == (
        P,
        date(2026, 12, 10),
        "HH-1-2026",
    )
    assert after.left_list_on == date(2024, 12, 1)
    assert not after.recognised_on_latest


def test_state_starts_unrecognised_when_the_household_is_proposed_first() -> None:
    after = propose(None, proposal())
    assert (after.recognised_status, after.recognised_survey_id, after.hold) == (None, None, None)


@pytest.mark.parametrize(
    ("hold", "since", "surveyed_on", "expected"),
    [
        (Hold.NEEDS_SURVEY, date(2027, 9, 1), date(2027, 10, 1), None),  # surveyed after split
        (Hold.NEEDS_SURVEY, date(2027, 10, 1), date(2027, 10, 1), None),  # on the day
        (Hold.NEEDS_SURVEY, date(2027, 11, 1), date(2027, 10, 1), Hold.NEEDS_SURVEY),
        (Hold.MERGED, date(2027, 9, 1), date(2027, 10, 1), Hold.MERGED),
        (Hold.DISSOLVED, date(2027, 9, 1), date(2027, 10, 1), Hold.DISSOLVED),
        (None, None, date(2027, 10, 1), None),
    ],
)
def test_hold_is_lifted_only_when_a_split_household_is_surveyed_again(
    hold: Hold | None, since: date | None, surveyed_on: date, expected: Hold | None
) -> None:
    after = propose(state(hold=hold, hold_since=since), proposal(surveyed_on=surveyed_on))
    assert after.hold is expected
    assert (after.hold_since is None) is (expected is None)


# life events -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "effective_on", "expected_commune", "expected_hold"),
    [
        (LifeEventKind.MOVED, date(2026, 10, 10), "04681", None),
        (LifeEventKind.MOVED, SURVEYED, "04681", None),  # on the survey day: still follows
        (LifeEventKind.SPLIT, date(2026, 10, 15), "04570", Hold.NEEDS_SURVEY),
        (LifeEventKind.MERGED, date(2026, 10, 15), "04570", Hold.MERGED),
        (LifeEventKind.DISSOLVED, date(2026, 10, 15), "04570", Hold.DISSOLVED),
        (LifeEventKind.MERGED, date(2026, 9, 1), "04570", Hold.MERGED),  # for good, whenever
    ],
)
def test_state_moves_or_is_held_when_a_life_event_follows_the_survey(
    kind: LifeEventKind,
    effective_on: date,
    expected_commune: str,
    expected_hold: Hold | None,
) -> None:
    event = LifeEvent(kind, effective_on, to_commune_code="04681")
    after = after_life_event(state(), event, SURVEYED)
    assert after is not None
    assert (after.commune_code, after.hold) == (expected_commune, expected_hold)


@pytest.mark.parametrize("kind", [LifeEventKind.MOVED, LifeEventKind.SPLIT])
def test_nothing_changes_when_a_move_or_split_precedes_the_latest_survey(
    kind: LifeEventKind,
) -> None:
    event = LifeEvent(kind, date(2026, 9, 15), to_commune_code="04681")
    assert after_life_event(state(), event, SURVEYED) is None


def test_waiting_life_events_apply_in_date_order_when_the_first_survey_arrives() -> None:
    events = [
        LifeEvent(LifeEventKind.MOVED, date(2026, 10, 16), to_commune_code="04681"),
        LifeEvent(LifeEventKind.SPLIT, date(2026, 10, 15)),
        LifeEvent(LifeEventKind.SPLIT, date(2026, 9, 1)),  # before the survey: nothing
    ]
    after = after_life_events(state(), events, SURVEYED)
    assert (after.commune_code, after.hold, after.hold_since) == (
        "04681",
        Hold.NEEDS_SURVEY,
        date(2026, 10, 15),
    )


# recognition -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "flagged", "refused_for"),
    [
        ({"meeting_outcome": AGREED}, False, None),
        ({"meeting_outcome": None}, False, "họp thôn"),
        ({"meeting_outcome": RESURVEY}, False, "họp thôn"),
        ({"meeting_outcome": AGREED}, True, "CCCD"),
        ({"meeting_outcome": AGREED, "hold": Hold.DISSOLVED}, False, "giải thể"),
        ({"meeting_outcome": AGREED, "hold": Hold.MERGED}, True, "nhập"),  # hold said first
    ],
)
def test_household_is_refused_recognition_when_held_flagged_or_not_agreed(
    changes: dict[str, Any], flagged: bool, refused_for: str | None
) -> None:
    s = state(**changes)
    if refused_for is None:
        recognisable(s, flagged=flagged)
        return
    with pytest.raises(ReviewError) as refused:
        recognisable(s, flagged=flagged)
    assert refused.value.kind is ErrorKind.CONFLICT
    assert refused_for in refused.value.message_vi


@pytest.mark.parametrize(
    ("changes", "flagged", "covered", "awaiting"),
    [
        ({"meeting_outcome": AGREED}, False, True, False),
        ({"meeting_outcome": None}, False, False, True),
        ({"meeting_outcome": RESURVEY}, False, False, True),
        ({"meeting_outcome": AGREED}, True, False, False),  # flagged: neither
        ({"meeting_outcome": AGREED, "hold": Hold.NEEDS_SURVEY}, False, False, False),
        ({"meeting_outcome": None, "hold": Hold.DISSOLVED}, False, False, True),
        # recognised on its latest survey already: the decision does not cover it again
        ({"meeting_outcome": AGREED, "recognised_survey_id": "HH-1-2026"}, False, False, False),
        ({"meeting_outcome": None, "recognised_survey_id": "HH-1-2026"}, False, False, False),
        # recognised on an earlier survey, the latest agreed: covered
        ({"meeting_outcome": AGREED, "recognised_survey_id": "HH-1-2025"}, False, True, False),
    ],
)
def test_commune_decision_covers_a_household_when_agreed_not_recognised_not_held_not_flagged(
    changes: dict[str, Any], flagged: bool, covered: bool, awaiting: bool
) -> None:
    s = state(**changes)
    cover = commune_cover([s], ["HH-1"] if flagged else [])
    assert (s in cover.covered, cover.awaiting_meeting) == (covered, int(awaiting))


def test_commune_decision_covers_households_in_the_order_given_when_several_qualify() -> None:
    states = [state(c, meeting_outcome=AGREED) for c in ("HH-1", "HH-2", "HH-3")]
    cover = commune_cover(states, ["HH-2"])
    assert [s.household_code for s in cover.covered] == ["HH-1", "HH-3"]


@pytest.mark.parametrize(
    ("previous", "left_on", "new", "transition", "left_after"),
    [
        (None, None, P, Transition.NEWLY_POOR, None),
        (P, None, X, Transition.ESCAPED_POVERTY, date(2027, 12, 10)),
        (X, date(2025, 12, 1), N, Transition.FELL_BACK_NEAR_POOR, date(2025, 12, 1)),
    ],
)
def test_status_becomes_recognised_on_the_latest_survey_when_the_commune_decides(
    previous: PovertyStatus | None,
    left_on: date | None,
    new: PovertyStatus,
    transition: Transition,
    left_after: date | None,
) -> None:
    s = state(
        meeting_outcome=AGREED,
        recognised_status=previous,
        recognised_on=date(2026, 12, 10) if previous else None,
        recognised_survey_id="HH-1-2025" if previous else None,
        left_list_on=left_on,
    )
    after, change = recognise(
        s, new, standard_id="vn-2022-2025", decided_on=date(2027, 12, 10), newly_escaped_months=36
    )
    assert change.transition is transition
    assert (after.recognised_status, after.recognised_on, after.left_list_on) == (
        new,
        date(2027, 12, 10),
        left_after,
    )
    assert after.recognised_on_latest


def test_recognition_is_refused_as_invalid_when_dated_before_the_last_recognition() -> None:
    s = state(meeting_outcome=AGREED, recognised_status=P, recognised_on=date(2026, 12, 10))
    with pytest.raises(ReviewError) as refused:
        recognise(
            s, N, standard_id="vn-2022-2025", decided_on=date(2026, 12, 1), newly_escaped_months=36
        )
    assert (refused.value.kind, refused.value.field) == (ErrorKind.INVALID, "decided_on")


# dates and communes of a review step -----------------------------------------------------------

TODAY = date(2026, 11, 29)


@pytest.mark.parametrize(
    ("day", "refused"),
    [(TODAY, False), (date(2026, 11, 28), False), (date(2026, 11, 30), True)],
)
def test_date_is_refused_when_it_is_after_today(day: date, refused: bool) -> None:
    if not refused:
        not_in_future("held_on", day, TODAY)
        return
    with pytest.raises(DomainError) as error:
        not_in_future("held_on", day, TODAY)
    assert (error.value.field, error.value.problems[0].code) == ("held_on", "date_in_future")


@pytest.mark.parametrize(
    ("decided_on", "late"),
    [
        (date(2026, 12, 10), []),
        (date(2026, 11, 20), []),  # on the meeting day
        (date(2026, 11, 19), ["HH-1"]),
        (date(2026, 11, 1), ["HH-1", "HH-2"]),
    ],
)
def test_recognition_is_refused_for_each_household_when_dated_before_its_meeting(
    decided_on: date, late: list[str]
) -> None:
    held = {"HH-2": date(2026, 11, 5), "HH-1": date(2026, 11, 20)}
    if not late:
        not_before_meetings(decided_on, held)
        return
    with pytest.raises(DomainError) as error:
        not_before_meetings(decided_on, held)
    assert [p.code for p in error.value.problems] == ["decided_before_meeting"] * len(late)
    assert [p.message_en.split(":")[0] for p in error.value.problems] == [
        f"Household {c}" for c in late
    ]


def test_commune_is_unknown_when_no_household_of_it_was_surveyed() -> None:
    commune_known("04570", has_households=True)
    with pytest.raises(DomainError) as error:
        commune_known("99999", has_households=False)
    assert (error.value.kind, error.value.problems[0].code) == (
        ErrorKind.NOT_FOUND,
        "unknown_commune",
    )
