"""Assessment use cases: classify surveys, record the village meeting and the recognition.

* A survey is classified under the standard governing its review year, and (for the baseline
  of the next period) under the next period's standard too. Results are *proposed*.
* Latest survey wins: a survey older (by review round, then interview time) than the one the
  household's state rests on is kept as a snapshot but changes nothing.
* A village meeting with less than half of attendees agreeing sends the household back for
  re-survey; with a meeting that agreed, the commune's decision makes the status *recognised*.
* Snapshots, state, results, processed event ids and emitted events commit together.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from services.assessment.adapters.tables import (
    decisions,
    flags,
    meetings,
    pending_life,
    plumbing,
    results,
    snapshots,
    states,
)
from services.assessment.domain.classifier import Classification, classify
from services.assessment.domain.errors import NotClassifiable
from services.assessment.domain.facts import facts_from_json, facts_of, facts_to_json
from services.assessment.domain.profile import member_profiles
from services.assessment.domain.standard import Standard, standard_for_year
from services.assessment.domain.transitions import RecognisedStatus, TransitionResult, transition
from services.assessment.domain.whatif import FactsRow, WhatIfReport, whatif_facts
from shared.access.model import Actor, Area
from shared.contracts.classifications import (
    HOUSEHOLD_CLASSIFIED_STREAM,
    ClassificationPayload,
    HouseholdClassified,
)
from shared.contracts.codes import PovertyStatus, Relation, ReviewStage
from shared.contracts.registry import (
    DuplicatePersonFlagged,
    HouseholdChanged,
    HouseholdChangedPayload,
    LifeEventKind,
)
from shared.contracts.surveys import HOUSEHOLD_SURVEYED_STREAM, HouseholdSurveyed, SurveyPayload
from shared.db import SqlUnitOfWork, upsert, upsert_latest
from shared.errors import DomainError, ErrorKind
from shared.runtime import STREAM_OF

PRODUCER = "assessment"
MEETING_QUORUM = 0.5
"""Decision 24/2021: the village meeting must agree by at least half of those attending."""


@dataclass(frozen=True)
class Rules:
    """The standards in force and how to apply them."""

    standards: tuple[Standard, ...]
    classify_baseline: bool = True

    def for_survey(self, survey: SurveyPayload) -> tuple[Standard, list[Standard]]:
        """(governing standard, baseline standards) for a survey; LookupError if none."""
        year = survey.review_round.year
        governing = standard_for_year(self.standards, year, survey.province_code)
        extra: list[Standard] = []
        if self.classify_baseline:
            try:
                nxt = standard_for_year(self.standards, year + 1, survey.province_code)
            except LookupError:
                nxt = None
            if nxt is not None and nxt.id != governing.id:
                extra.append(nxt)
        return governing, extra

    def by_id(self, standard_id: str) -> Standard:
        for s in self.standards:
            if s.id == standard_id:
                return s
        msg = f"unknown standard {standard_id!r}"
        raise LookupError(msg)


class AssessmentUnitOfWork(SqlUnitOfWork):
    def __init__(self, engine: Engine) -> None:
        super().__init__(engine, plumbing, STREAM_OF)

    def states(self, codes: Sequence[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for i in range(0, len(codes), 500):
            q = sa.select(states).where(states.c.household_code.in_(codes[i : i + 500]))
            for row in self.conn.execute(q):
                found[row.household_code] = dict(row._mapping)
        return found

    def save_states(self, rows: list[dict[str, Any]]) -> None:
        """Upsert household states; a row only replaces one resting on an older survey."""
        upsert_latest(self.conn, states, rows, keys=["household_code"])


def _hold_after(state: dict[str, Any] | None, surveyed_on: date) -> dict[str, Any]:
    """A survey taken after a split lifts its hold; merged and dissolved households stay
    held."""
    if state is None or not state.get("hold"):
        return {"hold": None, "hold_since": None}
    if state["hold"] == "needs_survey" and surveyed_on >= state["hold_since"]:
        return {"hold": None, "hold_since": None}
    return {"hold": state["hold"], "hold_since": state["hold_since"]}


def apply_life_events(
    uow: AssessmentUnitOfWork, events: Sequence[HouseholdChanged], now: datetime
) -> int:
    """Intake's life events on the review: a moved household's state follows it (its status
    with it); a household split after its latest survey must be surveyed again before a
    meeting or recognition; a merged or dissolved one is held for good. Returns how many
    states changed."""
    changed = 0
    with uow:
        fresh = [e for e in uow.unseen(events) if isinstance(e, HouseholdChanged)]
        known = uow.states(sorted({e.payload.household_code for e in fresh}))
        for e in fresh:
            p = e.payload
            state = known.get(p.household_code)
            if state is None:  # its survey is not classified yet: applied when it is
                uow.conn.execute(
                    sa.insert(pending_life).values(
                        change_id=p.change_id, household_code=p.household_code, payload=e.to_json()
                    )
                )
                continue
            values = life_values(p, _surveyed_on(uow, state["latest_survey_id"]))
            if values:
                where = states.c.household_code == p.household_code
                uow.conn.execute(sa.update(states).where(where).values(**values))
                state.update(values)
                changed += 1
        uow.mark_processed(fresh, now)
        uow.commit()
    return changed


def life_values(p: HouseholdChangedPayload, surveyed_on: date) -> dict[str, Any]:
    """What a life event changes in the review state of a household whose latest survey was
    taken on ``surveyed_on``: a move or split after that survey moves or holds it (a later
    survey already shows them); a merge or dissolution holds it for good."""
    if p.kind is LifeEventKind.MOVED:
        return {"commune_code": p.to_commune_code} if surveyed_on <= p.effective_on else {}
    if p.kind is LifeEventKind.SPLIT:
        if surveyed_on > p.effective_on:
            return {}
        return {"hold": "needs_survey", "hold_since": p.effective_on}
    return {"hold": p.kind.value, "hold_since": p.effective_on}


def _apply_pending_life(
    uow: AssessmentUnitOfWork, rows: list[dict[str, Any]], surveyed: dict[str, date]
) -> None:
    """Life events that arrived before the households' first classification, applied to the
    state rows about to be written (then forgotten)."""
    codes = sorted(r["household_code"] for r in rows)
    if not codes:
        return
    waiting: dict[str, list[HouseholdChangedPayload]] = {}
    for i in range(0, len(codes), 500):
        q = sa.select(pending_life.c.household_code, pending_life.c.payload).where(
            pending_life.c.household_code.in_(codes[i : i + 500])
        )
        for code, body in uow.conn.execute(q):
            waiting.setdefault(code, []).append(HouseholdChanged.from_json(body).payload)
    if not waiting:
        return
    for r in rows:
        for p in sorted(waiting.get(r["household_code"], ()), key=lambda p: p.effective_on):
            r.update(life_values(p, surveyed[r["household_code"]]))
    done = sorted(waiting)
    uow.conn.execute(sa.delete(pending_life).where(pending_life.c.household_code.in_(done)))


def _surveyed_on(uow: AssessmentUnitOfWork, survey_id: str) -> date:
    body = uow.conn.execute(
        sa.select(snapshots.c.payload).where(snapshots.c.survey_id == survey_id)
    ).scalar_one()
    return HouseholdSurveyed.from_json(body).payload.surveyed_at.date()


def _previous(state: dict[str, Any] | None) -> RecognisedStatus:
    """The household's last recognised status (status None: never recognised)."""
    if not state:
        return RecognisedStatus(status=None)
    recognised = state.get("recognised_status")
    return RecognisedStatus(
        status=PovertyStatus(recognised) if recognised else None,
        recognised_on=state.get("recognised_on"),
        left_list_on=state.get("left_list_on"),
    )


def to_payload(
    survey: SurveyPayload,
    result: Classification,
    change: TransitionResult,
    *,
    stage: ReviewStage,
    governing: bool,
    standard: Standard,
) -> ClassificationPayload:
    head = next(m for m in survey.members if m.relation is Relation.HEAD)
    # One validation of a plain dict (pydantic-core, in Rust) is several times faster than
    # building the 13 nested models in Python; this is the hot path of a review.
    return ClassificationPayload.model_validate(
        {
            "survey_id": survey.survey_id,
            "household_code": survey.household_code,
            "province_code": survey.province_code,
            "commune_code": survey.commune_code,
            "village_code": survey.village_code,
            "area_type": survey.area_type,
            "review_year": survey.review_round.year,
            "surveyed_at": survey.surveyed_at,
            "survey_order_key": survey.order_key,
            "standard_id": result.standard_id,
            "stage": stage,
            "status": result.status,
            "transition": change.transition,
            "previous_status": change.previous_status,
            "newly_escaped_until": change.newly_escaped_until,
            "income_basis": result.income_basis,
            "income_value": result.income_value,
            "income_line": result.income_line,
            "deprivation_count": result.deprivation_count,
            "indicators": [
                {
                    "code": i.code,
                    "dimension": i.dimension,
                    "deprived": i.deprived,
                    "reason": i.reason,
                }
                for i in result.indicators
            ],
            "low_income_worker_household": result.low_income_worker_household,
            "member_count": len(survey.members),
            "head_ethnicity": head.ethnicity,
            "head_sex": head.sex,
            "members": member_profiles(survey, standard),
            "causes": survey.causes,
            "needs": survey.needs,
            "rule_hash": result.rule_hash,
            "engine_version": result.engine_version,
            "governing": governing,
        }
    )


def _classify_baseline(
    survey: SurveyPayload, baseline: Sequence[Standard]
) -> list[tuple[Standard, Classification]]:
    out = []
    for std in baseline:
        try:
            out.append((std, classify(survey, std)))
        except NotClassifiable:
            continue  # e.g. a score-A survey under a standard without score lines yet
    return out


@dataclass(frozen=True)
class AssessOutcome:
    classified: list[HouseholdClassified]
    stale: int
    rejected: int


def assess_surveys(
    uow: AssessmentUnitOfWork, events: Sequence[HouseholdSurveyed], rules: Rules, now: datetime
) -> AssessOutcome:
    """Classify the newest survey of each household in the batch (unless a later one is
    already applied); keep every snapshot; dead-letter surveys no standard can classify."""
    with uow:
        fresh: list[HouseholdSurveyed] = [
            e for e in uow.unseen(events) if isinstance(e, HouseholdSurveyed)
        ]
        upsert(
            uow.conn,
            snapshots,
            [
                {
                    "survey_id": e.payload.survey_id,
                    "household_code": e.payload.household_code,
                    "commune_code": e.payload.commune_code,
                    "order_key": e.payload.order_key,
                    "payload": e.to_json(),
                    "facts": facts_to_json(facts_of(e.payload)),
                }
                for e in fresh
            ],
            keys=["survey_id"],
        )
        newest: dict[str, HouseholdSurveyed] = {}
        for e in fresh:
            cur = newest.get(e.payload.household_code)
            if cur is None or e.payload.order_key > cur.payload.order_key:
                newest[e.payload.household_code] = e
        stale = len(fresh) - len(newest)
        known = uow.states(sorted(newest))
        out: list[HouseholdClassified] = []
        state_rows: list[dict[str, Any]] = []
        result_rows: list[dict[str, Any]] = []
        bodies: list[bytes] = []
        rejected: list[tuple[bytes, str]] = []
        for code, e in newest.items():
            survey = e.payload
            state = known.get(code)
            if state is not None and state["order_key"] > survey.order_key:
                stale += 1
                continue
            try:
                governing, baseline = rules.for_survey(survey)
                main = classify(survey, governing)
            except (LookupError, NotClassifiable) as exc:
                rejected.append((e.to_json(), f"not classifiable: {exc}"))
                continue
            decided_on = survey.surveyed_at.date()
            previous = _previous(state)
            try:
                payloads = [
                    to_payload(
                        survey,
                        result,
                        transition(
                            previous,
                            result.status,
                            decided_on,
                            newly_escaped_months=std.newly_escaped_months,
                        ),
                        stage=ReviewStage.PROPOSED,
                        governing=std is governing,
                        standard=std,
                    )
                    for std, result in [(governing, main), *_classify_baseline(survey, baseline)]
                ]
            except ValueError as exc:  # e.g. interviewed before the household's last recognition
                rejected.append((e.to_json(), f"not classifiable: {exc}"))
                continue
            for p in payloads:
                event = HouseholdClassified.create(
                    p, producer=PRODUCER, correlation_id=e.correlation_id, occurred_at=now
                )
                out.append(event)
                body = event.to_json()
                bodies.append(body)
                result_rows.append(
                    {
                        "survey_id": p.survey_id,
                        "standard_id": p.standard_id,
                        "household_code": code,
                        "status": p.status.value,
                        "payload": body,
                    }
                )
            state_rows.append(
                {
                    "household_code": code,
                    "commune_code": survey.commune_code,
                    "latest_survey_id": survey.survey_id,
                    "order_key": survey.order_key,
                    "proposed_status": main.status.value,
                    "standard_id": main.standard_id,
                    "meeting_outcome": None,
                    "recognised_status": state.get("recognised_status") if state else None,
                    "recognised_standard": state.get("recognised_standard") if state else None,
                    "recognised_on": state.get("recognised_on") if state else None,
                    "recognised_survey_id": state.get("recognised_survey_id") if state else None,
                    "left_list_on": state.get("left_list_on") if state else None,
                    **_hold_after(state, survey.surveyed_at.date()),
                }
            )
        _apply_pending_life(
            uow,
            [r for r in state_rows if r["household_code"] not in known],
            {c: e.payload.surveyed_at.date() for c, e in newest.items()},
        )
        uow.save_states(state_rows)
        upsert(
            uow.conn,
            results,
            result_rows,
            keys=["survey_id", "standard_id"],
            update=["status", "payload"],
        )
        uow.mark_processed(fresh, now)
        uow.stage_json(HOUSEHOLD_CLASSIFIED_STREAM, bodies)
        uow.stage_dead_letters(HOUSEHOLD_SURVEYED_STREAM, rejected)
        uow.commit()
        return AssessOutcome(classified=out, stale=stale, rejected=len(rejected))


# review workflow -----------------------------------------------------------------------------


class ReviewError(DomainError):
    """A review step that cannot be taken now; ``field`` names the input at fault."""

    def __init__(self, field: str, message_vi: str, message_en: str, status: int = 409) -> None:
        kind = {404: ErrorKind.NOT_FOUND, 422: ErrorKind.INVALID}.get(status, ErrorKind.CONFLICT)
        super().__init__(field, message_vi, message_en, kind, code=f"review_{kind.value}")


HOLD_VI = {
    "needs_survey": "đã tách hộ sau phiếu khảo sát mới nhất: cần khảo sát lại",
    "merged": "đã nhập vào hộ khác",
    "dissolved": "đã giải thể",
}
HOLD_EN = {
    "needs_survey": "split after its latest survey: survey it again",
    "merged": "merged into another household",
    "dissolved": "dissolved",
}


def _not_flagged(uow: AssessmentUnitOfWork, household_code: str) -> None:
    flagged = uow.conn.execute(
        sa.select(flags.c.flag_id).where(flags.c.household_code == household_code).limit(1)
    ).first()
    if flagged is not None:
        raise ReviewError(
            "household_code",
            f"Hộ {household_code} có người trùng với hộ khác (cùng số CCCD): xã cần xử lý "
            "trước khi công nhận.",
            f"Household {household_code} shares a person (citizen id) with another household: "
            "the commune must resolve it before recognition.",
        )


def apply_duplicate_findings(
    uow: AssessmentUnitOfWork, events: Sequence[DuplicatePersonFlagged], now: datetime
) -> None:
    """Intake's findings of one person in two households: both held from recognition while
    the finding is open."""
    with uow:
        fresh = [e for e in uow.unseen(events) if isinstance(e, DuplicatePersonFlagged)]
        for e in fresh:
            p = e.payload
            where = flags.c.flag_id == p.duplicate_id
            uow.conn.execute(sa.delete(flags).where(where))
            if p.active:
                uow.conn.execute(
                    sa.insert(flags),
                    [{"flag_id": p.duplicate_id, "household_code": c} for c in p.household_codes],
                )
        uow.mark_processed(fresh, now)
        uow.commit()


def _not_held(state: dict[str, Any]) -> None:
    hold = state.get("hold")
    if hold:
        code = state["household_code"]
        raise ReviewError(
            "household_code",
            f"Hộ {code} {HOLD_VI.get(hold, hold)}.",
            f"Household {code}: {HOLD_EN.get(hold, hold)}.",
        )


def _state_or_404(uow: AssessmentUnitOfWork, household_code: str) -> dict[str, Any]:
    state = uow.states([household_code]).get(household_code)
    if state is None:
        raise ReviewError(
            "household_code",
            f"Không tìm thấy hộ {household_code}.",
            f"Household {household_code} has not been surveyed.",
            status=404,
        )
    return state


@dataclass(frozen=True)
class MeetingEntry:
    """The village meeting's vote on one household's latest survey."""

    household_code: str
    held_on: date
    attendees: int
    agreeing: int


def record_meetings(
    uow: AssessmentUnitOfWork,
    entries: Sequence[MeetingEntry],
    now: datetime,
    actor: Actor | None = None,
) -> dict[str, str]:
    """Record village-meeting votes; each outcome is ``agreed`` or ``resurvey_required``
    (fewer than half of the attendees agreeing: the household is surveyed again)."""
    if not entries:
        return {}
    for m in entries:
        if m.attendees <= 0 or not 0 <= m.agreeing <= m.attendees:
            raise ReviewError(
                "agreeing",
                f"Hộ {m.household_code}: số người đồng ý phải từ 0 đến số người dự họp.",
                f"Household {m.household_code}: agreeing must be 0..attendees (attendees > 0).",
                status=422,
            )
    with uow:
        known = uow.states(sorted({m.household_code for m in entries}))
        missing = sorted({m.household_code for m in entries} - set(known))
        if missing:
            raise ReviewError(
                "household_code",
                f"Không tìm thấy hộ: {', '.join(missing[:10])}.",
                f"Households not surveyed: {', '.join(missing[:10])}.",
                status=404,
            )
        for state in known.values():
            _not_held(state)
        outcomes: dict[str, str] = {}
        rows = []
        for m in entries:
            outcome = (
                "agreed" if m.agreeing / m.attendees >= MEETING_QUORUM else "resurvey_required"
            )
            outcomes[m.household_code] = outcome
            rows.append(
                {
                    "household_code": m.household_code,
                    "survey_id": known[m.household_code]["latest_survey_id"],
                    "held_on": m.held_on,
                    "attendees": m.attendees,
                    "agreeing": m.agreeing,
                    "outcome": outcome,
                    "recorded_at": now,
                }
            )
        uow.conn.execute(sa.insert(meetings), rows)
        uow.conn.execute(
            sa.update(states)
            .where(states.c.household_code == sa.bindparam("b_code"))
            .values(meeting_outcome=sa.bindparam("b_outcome")),
            [{"b_code": c, "b_outcome": o} for c, o in outcomes.items()],
        )
        if actor is not None:
            for r in rows:
                uow.audit(
                    actor,
                    "meeting.recorded",
                    "household",
                    r["household_code"],
                    service=PRODUCER,
                    area=Area(commune=known[r["household_code"]]["commune_code"]),
                    before={"meeting_outcome": known[r["household_code"]]["meeting_outcome"]},
                    after={
                        "meeting_outcome": r["outcome"],
                        "held_on": r["held_on"].isoformat(),
                        "attendees": r["attendees"],
                        "agreeing": r["agreeing"],
                    },
                )
        uow.commit()
    return outcomes


def record_meeting(
    uow: AssessmentUnitOfWork,
    household_code: str,
    *,
    held_on: date,
    attendees: int,
    agreeing: int,
    now: datetime,
    actor: Actor | None = None,
) -> str:
    """One household's village-meeting vote (see :func:`record_meetings`)."""
    entry = MeetingEntry(household_code, held_on, attendees, agreeing)
    return record_meetings(uow, [entry], now, actor)[household_code]


def _recognise(
    uow: AssessmentUnitOfWork,
    pending: Sequence[dict[str, Any]],
    *,
    decision_no: str,
    decided_on: date,
    rules: Rules,
    now: datetime,
    actor: Actor | None = None,
) -> list[HouseholdClassified]:
    """Make the proposed status of each state's latest survey recognised (one transaction,
    which the caller commits); the decision records who made it."""
    survey_ids = [st["latest_survey_id"] for st in pending]
    snapshot: dict[str, bytes] = {}
    for i in range(0, len(survey_ids), 500):
        q = sa.select(snapshots.c.survey_id, snapshots.c.payload).where(
            snapshots.c.survey_id.in_(survey_ids[i : i + 500])
        )
        snapshot.update({sid: body for sid, body in uow.conn.execute(q)})
    events: list[HouseholdClassified] = []
    updates: list[dict[str, Any]] = []
    decided: list[dict[str, Any]] = []
    for state in pending:
        survey = HouseholdSurveyed.from_json(snapshot[state["latest_survey_id"]]).payload
        standard = rules.by_id(state["standard_id"])
        result = classify(survey, standard)
        try:
            change = transition(
                _previous(state),
                result.status,
                decided_on,
                newly_escaped_months=standard.newly_escaped_months,
            )
        except ValueError as exc:
            raise ReviewError(
                "decided_on",
                f"Hộ {survey.household_code}: ngày quyết định sớm hơn lần công nhận trước.",
                f"Household {survey.household_code}: the decision date is not valid: {exc}.",
                status=422,
            ) from exc
        payload = to_payload(
            survey, result, change, stage=ReviewStage.RECOGNISED, governing=True, standard=standard
        )
        events.append(HouseholdClassified.create(payload, producer=PRODUCER, occurred_at=now))
        updates.append(
            {
                "b_code": survey.household_code,
                "b_status": result.status.value,
                "b_standard": result.standard_id,
                "b_on": decided_on,
                "b_survey": survey.survey_id,
                "b_left": change.left_list_on,
            }
        )
        decided.append(
            {
                "household_code": survey.household_code,
                "survey_id": survey.survey_id,
                "decision_no": decision_no,
                "decided_on": decided_on,
                "status": result.status.value,
            }
        )
    if updates:
        uow.conn.execute(
            sa.update(states)
            .where(states.c.household_code == sa.bindparam("b_code"))
            .values(
                recognised_status=sa.bindparam("b_status"),
                recognised_standard=sa.bindparam("b_standard"),
                recognised_on=sa.bindparam("b_on"),
                recognised_survey_id=sa.bindparam("b_survey"),
                left_list_on=sa.bindparam("b_left"),
            ),
            updates,
        )
        for d in decided:
            d["decided_by"] = actor.user_id if actor else None
            d["decided_by_name"] = actor.username if actor else None
        uow.conn.execute(sa.insert(decisions), decided)
        uow.stage(events)
        if actor is not None:
            for state, e in zip(pending, events, strict=True):
                uow.audit(
                    actor,
                    "recognition.decided",
                    "household",
                    e.payload.household_code,
                    service=PRODUCER,
                    area=Area(
                        province=e.payload.province_code,
                        commune=e.payload.commune_code,
                        village=e.payload.village_code,
                    ),
                    before={"recognised_status": state.get("recognised_status")},
                    after={
                        "recognised_status": e.payload.status.value,
                        "transition": e.payload.transition.value,
                        "decision_no": decision_no,
                        "decided_on": decided_on.isoformat(),
                    },
                )
    return events


def recognise(
    uow: AssessmentUnitOfWork,
    household_code: str,
    *,
    decision_no: str,
    decided_on: date,
    rules: Rules,
    now: datetime,
    actor: Actor | None = None,
) -> HouseholdClassified:
    """The commune's decision on one household: its proposed status becomes recognised."""
    with uow:
        state = _state_or_404(uow, household_code)
        _not_held(state)
        _not_flagged(uow, household_code)
        if state["meeting_outcome"] != "agreed":
            raise ReviewError(
                "household_code",
                "Chưa có biên bản họp thôn đồng ý (≥ 50%) cho phiếu mới nhất của hộ.",
                "No village meeting agreeing (≥ 50%) on the household's latest survey yet.",
            )
        (event,) = _recognise(
            uow,
            [state],
            decision_no=decision_no,
            decided_on=decided_on,
            rules=rules,
            now=now,
            actor=actor,
        )
        uow.commit()
    return event


@dataclass(frozen=True)
class CommuneRecognition:
    recognised: list[HouseholdClassified]
    awaiting_meeting: int


def recognise_commune(
    uow: AssessmentUnitOfWork,
    commune_code: str,
    *,
    decision_no: str,
    decided_on: date,
    rules: Rules,
    now: datetime,
    actor: Actor | None = None,
) -> CommuneRecognition:
    """The commune chairman's decision for the review: every household of the commune whose
    latest survey the village meeting agreed and which is not yet recognised on it."""
    with uow:
        q = sa.select(states).where(states.c.commune_code == commune_code)
        rows = [dict(r._mapping) for r in uow.conn.execute(q)]
        flagged = set(
            uow.conn.execute(
                sa.select(flags.c.household_code)
                .join(states, states.c.household_code == flags.c.household_code)
                .where(states.c.commune_code == commune_code)
            ).scalars()
        )
        todo = [
            r
            for r in rows
            if r["meeting_outcome"] == "agreed"
            and r["recognised_survey_id"] != r["latest_survey_id"]
            and not r["hold"]
            and r["household_code"] not in flagged
        ]
        waiting = sum(
            1
            for r in rows
            if r["meeting_outcome"] != "agreed"
            and r["recognised_survey_id"] != r["latest_survey_id"]
        )
        events = _recognise(
            uow,
            todo,
            decision_no=decision_no,
            decided_on=decided_on,
            rules=rules,
            now=now,
            actor=actor,
        )
        uow.commit()
    return CommuneRecognition(events, waiting)


def household_areas(engine: Engine, household_codes: Collection[str]) -> dict[str, Area]:
    """The commune each household's review state is in (households never surveyed absent)."""
    codes = sorted(set(household_codes))
    found: dict[str, Area] = {}
    with engine.connect() as conn:
        for i in range(0, len(codes), 500):
            q = sa.select(states.c.household_code, states.c.commune_code).where(
                states.c.household_code.in_(codes[i : i + 500])
            )
            found.update({code: Area(commune=c) for code, c in conn.execute(q)})
    return found


def household_view(engine: Engine, household_code: str) -> dict[str, Any] | None:
    """The household's review state and its latest results under each standard."""
    with engine.connect() as conn:
        state = conn.execute(
            sa.select(states).where(states.c.household_code == household_code)
        ).first()
        if state is None:
            return None
        rows = conn.execute(
            sa.select(results.c.standard_id, results.c.payload).where(
                results.c.survey_id == state.latest_survey_id
            )
        ).all()
        history = _history(conn, household_code)
    return {
        "state": dict(state._mapping),
        "results": {
            std: HouseholdClassified.model_validate_json(p).payload.model_dump(mode="json")
            for std, p in rows
        },
        "history": history,
    }


def _history(conn: Connection, household_code: str) -> list[dict[str, Any]]:
    """The household's review in time order: each survey with its proposed status under each
    standard, each village meeting and each recognition decision."""
    proposed: dict[str, dict[str, str]] = {}
    for survey_id, standard_id, status in conn.execute(
        sa.select(results.c.survey_id, results.c.standard_id, results.c.status).where(
            results.c.household_code == household_code
        )
    ):
        proposed.setdefault(survey_id, {})[standard_id] = status
    steps: list[dict[str, Any]] = []
    for survey_id, body in conn.execute(
        sa.select(snapshots.c.survey_id, snapshots.c.payload).where(
            snapshots.c.household_code == household_code
        )
    ):
        surveyed = json.loads(body)["payload"]["surveyed_at"]
        steps.append(
            {
                "on": surveyed[:10],
                "kind": "survey",
                "survey_id": survey_id,
                "statuses": proposed.get(survey_id, {}),
            }
        )
    for m in conn.execute(sa.select(meetings).where(meetings.c.household_code == household_code)):
        steps.append(
            {
                "on": m.held_on.isoformat(),
                "kind": "meeting",
                "survey_id": m.survey_id,
                "outcome": m.outcome,
                "attendees": m.attendees,
                "agreeing": m.agreeing,
            }
        )
    for d in conn.execute(sa.select(decisions).where(decisions.c.household_code == household_code)):
        steps.append(
            {
                "on": d.decided_on.isoformat(),
                "kind": "recognition",
                "survey_id": d.survey_id,
                "status": d.status,
                "decision_no": d.decision_no,
            }
        )
    order = {"survey": 0, "meeting": 1, "recognition": 2}
    return sorted(steps, key=lambda x: (x["on"], order[x["kind"]]))


# what-if ------------------------------------------------------------------------------------


def latest_facts(
    engine: Engine, commune_code: str | Collection[str] | None = None
) -> Iterator[FactsRow]:
    """(household, commune, facts) of every household's latest survey, streamed."""
    q = (
        sa.select(states.c.household_code, states.c.commune_code, snapshots.c.facts)
        .join(snapshots, snapshots.c.survey_id == states.c.latest_survey_id)
        .where(snapshots.c.facts.is_not(None))
    )
    if isinstance(commune_code, str):
        q = q.where(states.c.commune_code == commune_code)
    elif commune_code is not None:
        q = q.where(states.c.commune_code.in_(sorted(commune_code)))
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=20_000).execute(q)
        for household, commune, facts in result:
            yield household, commune, facts_from_json(facts)


def what_if(
    engine: Engine,
    rules: Rules,
    *,
    baseline_id: str,
    alternative_id: str,
    commune_code: str | Collection[str] | None = None,
) -> WhatIfReport:
    """Re-classify the registry (or one commune) under ``alternative_id`` against
    ``baseline_id``; recognised statuses are not touched."""
    baseline = rules.by_id(baseline_id)
    alternative = rules.by_id(alternative_id)
    return whatif_facts(latest_facts(engine, commune_code), baseline, alternative)


def what_if_summary(report: WhatIfReport, limit: int) -> dict[str, Any]:
    """A JSON-ready view of a what-if report: totals, the from→to matrix, the changes."""
    return {
        "baseline": {"id": report.baseline_id, "rule_hash": report.baseline_rule_hash},
        "alternative": {"id": report.alternative_id, "rule_hash": report.alternative_rule_hash},
        "households": report.households,
        "totals": {
            "baseline": {k.value: v for k, v in report.totals(alternative=False).items()},
            "alternative": {k.value: v for k, v in report.totals(alternative=True).items()},
        },
        "matrix": [
            {"from": a.value, "to": b.value, "households": n}
            for (a, b), n in sorted(report.matrix.items())
            if n
        ],
        "changed": len(report.changes),
        "changes": [
            {
                "household_code": c.household_code,
                "commune_code": c.commune_code,
                "from": c.from_status.value,
                "to": c.to_status.value,
                "causes": list(c.causes),
            }
            for c in report.changes[:limit]
        ],
        "not_classifiable": [
            {"household_code": n.household_code, "standard_id": n.standard_id, "reason": n.reason}
            for n in report.not_classifiable[:limit]
        ],
        "not_classifiable_count": len(report.not_classifiable),
    }


# the review season, for officers' pages ----------------------------------------------------

SEASON_LIST_LIMIT = 5000


def review_season(
    engine: Engine,
    communes: Collection[str] | None,
    *,
    list_commune: str | None = None,
    limit: int = SEASON_LIST_LIMIT,
    offset: int = 0,
) -> dict[str, Any]:
    """Where the review stands per commune (``communes`` None: every commune): households
    surveyed, proposed and awaiting the meeting, meetings held, sent back for re-survey,
    recognised; with ``list_commune``, that commune's households too (code, proposed status,
    meeting outcome, recognised status) for the meeting and recognition screens: ``limit`` of
    them from ``offset``, in household-code order."""
    s = states.c
    agreed = sa.func.sum(sa.case((s.meeting_outcome == "agreed", 1), else_=0))
    resurvey = sa.func.sum(sa.case((s.meeting_outcome == "resurvey_required", 1), else_=0))
    awaiting = sa.func.sum(sa.case((s.meeting_outcome.is_(None), 1), else_=0))
    recognised = sa.func.sum(
        sa.case(
            (
                sa.and_(
                    s.recognised_survey_id == s.latest_survey_id, s.recognised_status.is_not(None)
                ),
                1,
            ),
            else_=0,
        )
    )
    q = (
        sa.select(s.commune_code, sa.func.count(), awaiting, agreed, resurvey, recognised)
        .group_by(s.commune_code)
        .order_by(s.commune_code)
    )
    if communes is not None:
        q = q.where(s.commune_code.in_(sorted(communes)))
    households: list[dict[str, Any]] = []
    with engine.connect() as conn:
        rows = conn.execute(q).all()
        if list_commune is not None:
            listed = conn.execute(
                sa.select(
                    s.household_code,
                    s.proposed_status,
                    s.standard_id,
                    s.meeting_outcome,
                    s.recognised_status,
                    s.recognised_on,
                    (s.recognised_survey_id == s.latest_survey_id).label("current"),
                )
                .where(s.commune_code == list_commune)
                .order_by(s.household_code)
                .offset(offset)
                .limit(limit)
            ).all()
            households = [
                {
                    "household_code": r.household_code,
                    "proposed_status": r.proposed_status,
                    "standard_id": r.standard_id,
                    "meeting_outcome": r.meeting_outcome,
                    "recognised_status": r.recognised_status if r.current else None,
                    "recognised_on": r.recognised_on.isoformat()
                    if r.current and r.recognised_on
                    else None,
                }
                for r in listed
            ]
    by_commune = [
        {
            "commune_code": c,
            "surveyed": int(n),
            "awaiting_meeting": int(w or 0),
            "meetings_held": int((a or 0) + (rs or 0)),
            "agreed": int(a or 0),
            "sent_back": int(rs or 0),
            "recognised": int(rc or 0),
        }
        for c, n, w, a, rs, rc in rows
    ]
    keys = ("surveyed", "awaiting_meeting", "meetings_held", "agreed", "sent_back", "recognised")
    totals = {k: sum(r[k] for r in by_commune) for k in keys}
    return {"totals": totals, "communes": by_commune, "households": households}
