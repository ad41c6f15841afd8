"""The review of one household, as values: what a survey proposes, what the village meeting
decides, what the commune recognises, and what holds a household back.

The annual review (Decision 24/2021/QĐ-TTg, periodic review procedure): households are surveyed
and scored, the result is *proposed*; the village meeting votes on it (at least half of those
attending agreeing, else the household is surveyed again); the commune chairman *recognises*
the result the meeting agreed. A household's :class:`ReviewState` rests on its latest survey;
its last recognition is carried forward from round to round until the commune decides again.

Pure: standard library, the shared contracts' codes and the shared error type; every date is
passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Final, TypeVar

from services.assessment.domain.transitions import RecognisedStatus, TransitionResult, transition
from shared.contracts.codes import PovertyStatus
from shared.contracts.registry import LifeEventKind
from shared.errors import DomainError, ErrorKind, Problem

T = TypeVar("T")

MEETING_QUORUM: Final = 0.5
"""Decision 24/2021/QĐ-TTg: the village meeting must agree by at least half of those attending."""


class MeetingOutcome(StrEnum):
    AGREED = "agreed"
    RESURVEY_REQUIRED = "resurvey_required"


class Hold(StrEnum):
    """Why a household cannot go to a meeting or be recognised now (from intake's life
    events)."""

    NEEDS_SURVEY = "needs_survey"  # split after its latest survey: survey it again
    MERGED = "merged"  # merged into another household: held for good
    DISSOLVED = "dissolved"  # dissolved: held for good


HOLD_VI: Final = {
    Hold.NEEDS_SURVEY: "đã tách hộ sau phiếu khảo sát mới nhất: cần khảo sát lại",
    Hold.MERGED: "đã nhập vào hộ khác",
    Hold.DISSOLVED: "đã giải thể",
}
HOLD_EN: Final = {
    Hold.NEEDS_SURVEY: "split after its latest survey: survey it again",
    Hold.MERGED: "merged into another household",
    Hold.DISSOLVED: "dissolved",
}


class ReviewError(DomainError):
    """A review step that cannot be taken now; ``field`` names the input at fault."""

    def __init__(self, field: str, message_vi: str, message_en: str, status: int = 409) -> None:
        kind = {404: ErrorKind.NOT_FOUND, 422: ErrorKind.INVALID}.get(status, ErrorKind.CONFLICT)
        super().__init__(field, message_vi, message_en, kind, code=f"review_{kind.value}")


# values --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Proposal:
    """A survey's result under the standard governing its review year."""

    household_code: str
    commune_code: str
    survey_id: str
    order_key: str
    """Review round, then interview time: the later survey of a household wins."""
    surveyed_on: date
    status: PovertyStatus
    standard_id: str


@dataclass(frozen=True, slots=True)
class ReviewState:
    """Where a household stands in the review: its latest survey and proposed status, the
    village meeting's outcome on that survey, the commune's last recognition (of this survey
    or an earlier one) and any hold."""

    household_code: str
    commune_code: str
    latest_survey_id: str
    order_key: str
    proposed_status: PovertyStatus
    standard_id: str
    meeting_outcome: MeetingOutcome | None = None
    recognised_status: PovertyStatus | None = None
    recognised_standard: str | None = None
    recognised_on: date | None = None
    recognised_survey_id: str | None = None
    left_list_on: date | None = None
    hold: Hold | None = None
    hold_since: date | None = None

    @property
    def previous(self) -> RecognisedStatus:
        """The last recognised status, for the transition a new decision makes."""
        return RecognisedStatus(
            status=self.recognised_status,
            recognised_on=self.recognised_on,
            left_list_on=self.left_list_on,
        )

    @property
    def recognised_on_latest(self) -> bool:
        """The commune has already recognised the latest survey's result."""
        return self.recognised_survey_id == self.latest_survey_id

    @property
    def agreed(self) -> bool:
        return self.meeting_outcome is MeetingOutcome.AGREED


@dataclass(frozen=True, slots=True)
class LifeEvent:
    """A household's move, split, merge or dissolution, from intake's registry."""

    kind: LifeEventKind
    effective_on: date
    to_commune_code: str | None = None


@dataclass(frozen=True, slots=True)
class MeetingVote:
    """The village meeting's vote on one household's latest survey."""

    household_code: str
    held_on: date
    attendees: int
    agreeing: int


@dataclass(frozen=True, slots=True)
class Meeting:
    """A recorded vote: on which survey, with which outcome."""

    household_code: str
    survey_id: str
    held_on: date
    attendees: int
    agreeing: int
    outcome: MeetingOutcome


@dataclass(frozen=True, slots=True)
class Decision:
    """The commune's recognition of one household's latest survey."""

    household_code: str
    survey_id: str
    decision_no: str
    decided_on: date
    status: PovertyStatus


# propose and carry forward --------------------------------------------------------------------


def prevails(state: ReviewState | None, order_key: str) -> bool:
    """A survey with ``order_key`` may replace the state: latest survey wins (by review round,
    then interview time); an older one is kept as a snapshot but changes nothing."""
    return state is None or state.order_key <= order_key


def newest_per_household(
    items: Iterable[T], household: Callable[[T], str], order_key: Callable[[T], str]
) -> dict[str, T]:
    """The newest of each household's items in a batch (the first seen kept on a tie): the
    others are stale before they are applied."""
    newest: dict[str, T] = {}
    for item in items:
        code = household(item)
        cur = newest.get(code)
        if cur is None or order_key(item) > order_key(cur):
            newest[code] = item
    return newest


def lifted(state: ReviewState | None, surveyed_on: date) -> tuple[Hold | None, date | None]:
    """The hold a new survey leaves: a survey taken on or after a split lifts it; merged and
    dissolved households stay held."""
    if state is None or state.hold is None:
        return None, None
    if state.hold is Hold.NEEDS_SURVEY and surveyed_on >= (state.hold_since or date.min):
        return None, None
    return state.hold, state.hold_since


def propose(state: ReviewState | None, proposal: Proposal) -> ReviewState:
    """The state after a newer survey: it rests on that survey and its proposed status, waits
    for a new village meeting, carries the last recognition forward (the commune's list
    stands until its next decision) and keeps a hold the survey does not lift.

    The caller checks :func:`prevails` first."""
    hold, since = lifted(state, proposal.surveyed_on)
    return ReviewState(
        household_code=proposal.household_code,
        commune_code=proposal.commune_code,
        latest_survey_id=proposal.survey_id,
        order_key=proposal.order_key,
        proposed_status=proposal.status,
        standard_id=proposal.standard_id,
        meeting_outcome=None,
        recognised_status=state.recognised_status if state else None,
        recognised_standard=state.recognised_standard if state else None,
        recognised_on=state.recognised_on if state else None,
        recognised_survey_id=state.recognised_survey_id if state else None,
        left_list_on=state.left_list_on if state else None,
        hold=hold,
        hold_since=since,
    )


# life events ---------------------------------------------------------------------------------


def after_life_event(state: ReviewState, event: LifeEvent, surveyed_on: date) -> ReviewState | None:
    """What a life event changes in the review of a household whose latest survey was taken
    on ``surveyed_on`` (None: nothing, the survey already shows it): a move or split after
    that survey moves or holds it; a merge or dissolution holds it for good."""
    if event.kind is LifeEventKind.MOVED:
        if surveyed_on > event.effective_on or event.to_commune_code is None:
            return None
        return replace(state, commune_code=event.to_commune_code)
    if event.kind is LifeEventKind.SPLIT:
        if surveyed_on > event.effective_on:
            return None
        return replace(state, hold=Hold.NEEDS_SURVEY, hold_since=event.effective_on)
    return replace(state, hold=Hold(event.kind.value), hold_since=event.effective_on)


def after_life_events(
    state: ReviewState, events: Iterable[LifeEvent], surveyed_on: date
) -> ReviewState:
    """Life events that waited for the household's first classification, applied in date
    order."""
    for e in sorted(events, key=lambda e: e.effective_on):
        state = after_life_event(state, e, surveyed_on) or state
    return state


# holds -----------------------------------------------------------------------------------------


def not_held(state: ReviewState) -> None:
    """A household split after its latest survey, merged or dissolved goes to no meeting and
    no recognition."""
    if state.hold is not None:
        code = state.household_code
        raise ReviewError(
            "household_code",
            f"Hộ {code} {HOLD_VI[state.hold]}.",
            f"Household {code}: {HOLD_EN[state.hold]}.",
        )


def not_flagged(household_code: str, flagged: bool) -> None:
    """An open finding of one person in two households holds both from recognition."""
    if flagged:
        raise ReviewError(
            "household_code",
            f"Hộ {household_code} có người trùng với hộ khác (cùng số CCCD): xã cần xử lý "
            "trước khi công nhận.",
            f"Household {household_code} shares a person (citizen id) with another household: "
            "the commune must resolve it before recognition.",
        )


def not_found(household_code: str) -> ReviewError:
    return ReviewError(
        "household_code",
        f"Không tìm thấy hộ {household_code}.",
        f"Household {household_code} has not been surveyed.",
        status=404,
    )


# the village meeting -------------------------------------------------------------------------


def meeting_outcome(attendees: int, agreeing: int) -> MeetingOutcome:
    """The village meeting's outcome (Decision 24/2021/QĐ-TTg, periodic review: the village
    meeting agrees the review's result): agreed when at least half of those attending agree
    (:data:`MEETING_QUORUM`), else the household is surveyed again."""
    if agreeing / attendees >= MEETING_QUORUM:
        return MeetingOutcome.AGREED
    return MeetingOutcome.RESURVEY_REQUIRED


def valid_vote(vote: MeetingVote) -> None:
    """Someone attended, and between none and all of them agreed."""
    if vote.attendees <= 0 or not 0 <= vote.agreeing <= vote.attendees:
        raise ReviewError(
            "agreeing",
            f"Hộ {vote.household_code}: số người đồng ý phải từ 0 đến số người dự họp.",
            f"Household {vote.household_code}: agreeing must be 0..attendees (attendees > 0).",
            status=422,
        )


def all_surveyed(known: Iterable[str], asked: Iterable[str]) -> None:
    """Every household voted on or decided has been surveyed (404 naming the first ten)."""
    missing = sorted(set(asked) - set(known))
    if missing:
        raise ReviewError(
            "household_code",
            f"Không tìm thấy hộ: {', '.join(missing[:10])}.",
            f"Households not surveyed: {', '.join(missing[:10])}.",
            status=404,
        )


def record_meeting(state: ReviewState, vote: MeetingVote) -> tuple[ReviewState, Meeting]:
    """The vote on the household's latest survey, and the state it leaves (a held household
    cannot go to the meeting)."""
    valid_vote(vote)
    not_held(state)
    outcome = meeting_outcome(vote.attendees, vote.agreeing)
    meeting = Meeting(
        household_code=state.household_code,
        survey_id=state.latest_survey_id,
        held_on=vote.held_on,
        attendees=vote.attendees,
        agreeing=vote.agreeing,
        outcome=outcome,
    )
    return replace(state, meeting_outcome=outcome), meeting


# recognition ---------------------------------------------------------------------------------


def recognisable(state: ReviewState, *, flagged: bool) -> None:
    """One household may be recognised on its own: not held, not flagged, and the village
    meeting agreed its latest survey (a new survey clears the meeting's outcome)."""
    not_held(state)
    not_flagged(state.household_code, flagged)
    if not state.agreed:
        raise ReviewError(
            "household_code",
            "Chưa có biên bản họp thôn đồng ý (≥ 50%) cho phiếu mới nhất của hộ.",
            "No village meeting agreeing (≥ 50%) on the household's latest survey yet.",
        )


@dataclass(frozen=True, slots=True)
class CommuneCover:
    """Which households a commune's decision covers, and how many still wait for a meeting."""

    covered: tuple[ReviewState, ...]
    awaiting_meeting: int


def commune_cover(states: Sequence[ReviewState], flagged: Iterable[str]) -> CommuneCover:
    """The households the commune chairman's decision for the review covers: those whose
    latest survey the village meeting agreed, not yet recognised on that survey, not held
    and not flagged. Awaiting a meeting: those not recognised on their latest survey whose
    meeting has not agreed (none held yet, or sent back for re-survey)."""
    held_back = set(flagged)
    covered = tuple(
        s
        for s in states
        if s.agreed
        and not s.recognised_on_latest
        and s.hold is None
        and s.household_code not in held_back
    )
    waiting = sum(1 for s in states if not s.agreed and not s.recognised_on_latest)
    return CommuneCover(covered, waiting)


def recognise(
    state: ReviewState,
    status: PovertyStatus,
    *,
    standard_id: str,
    decided_on: date,
    newly_escaped_months: int,
) -> tuple[ReviewState, TransitionResult]:
    """The commune's decision on the household's latest survey: ``status`` (that survey's
    result under the standard it was proposed under) becomes recognised, with its transition
    from the last recognised status. 422 if the decision is dated before the last recognition
    or the last exit from the list."""
    try:
        change = transition(
            state.previous, status, decided_on, newly_escaped_months=newly_escaped_months
        )
    except ValueError as exc:
        raise ReviewError(
            "decided_on",
            f"Hộ {state.household_code}: ngày quyết định sớm hơn lần công nhận trước.",
            f"Household {state.household_code}: the decision date is not valid: {exc}.",
            status=422,
        ) from exc
    after = replace(
        state,
        recognised_status=status,
        recognised_standard=standard_id,
        recognised_on=decided_on,
        recognised_survey_id=state.latest_survey_id,
        left_list_on=change.left_list_on,
    )
    return after, change


# dates and communes of a review step ------------------------------------------------------------


def not_in_future(field: str, day: date, today: date) -> None:
    """A village meeting or a commune decision cannot be dated after today (Vietnam time): a
    date in 2030 is a typing error, and it would order every later step wrongly."""
    if day > today:
        raise DomainError(
            field,
            f"Ngày {day:%d/%m/%Y} ở tương lai (hôm nay là {today:%d/%m/%Y}).",
            f"The date {day.isoformat()} is in the future (today is {today.isoformat()}).",
            code="date_in_future",
        )


def not_before_meetings(decided_on: date, meetings_held_on: Mapping[str, date]) -> None:
    """A recognition cannot be dated before the village meeting it rests on (Decision
    24/2021/QĐ-TTg: the commune recognises the list the village meeting agreed).
    ``meetings_held_on``: each household's latest meeting day on its latest survey; the first
    twenty late households are named."""
    late = sorted((c, held) for c, held in meetings_held_on.items() if held > decided_on)
    if late:
        raise DomainError.of(
            [
                Problem(
                    "decided_on",
                    f"Hộ {code}: ngày quyết định {decided_on:%d/%m/%Y} trước ngày họp thôn "
                    f"{held:%d/%m/%Y}.",
                    f"Household {code}: the decision date {decided_on.isoformat()} is before "
                    f"its village meeting on {held.isoformat()}.",
                    "decided_before_meeting",
                )
                for code, held in late[:20]
            ]
        )


def commune_known(commune_code: str, *, has_households: bool) -> None:
    """A recognition for a commune with no surveyed household names an unknown commune: 404,
    not a silent ``recognised: 0``."""
    if not has_households:
        raise DomainError(
            "commune_code",
            f"Không có hộ nào đã rà soát thuộc xã {commune_code}: mã xã không đúng?",
            f"No surveyed household belongs to commune {commune_code}: is the code right?",
            ErrorKind.NOT_FOUND,
            code="unknown_commune",
        )
