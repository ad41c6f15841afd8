"""Assessment use cases: classify surveys, record the village meeting and the recognition.

* A survey is classified under the standard governing its review year, and (for the baseline
  of the next period) under the next period's standard too. Results are *proposed*.
* Latest survey wins: a survey older (by review round, then interview time) than the one the
  household's state rests on is kept as a snapshot but changes nothing.
* A village meeting with less than half of attendees agreeing sends the household back for
  re-survey; with a meeting that agreed, the commune's decision makes the status *recognised*.
* Snapshots, state, results, processed event ids and emitted events commit together.

Each use case loads through the unit of work, lets the review model
(:mod:`services.assessment.domain.review`) decide, saves, and returns the events to emit; the
rules themselves live in the domain, the SQL in the adapters.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy.engine import Engine

from services.assessment.adapters.repositories import Snapshot, StoredResult, life_event_of
from services.assessment.adapters.unit_of_work import AssessmentUnitOfWork
from services.assessment.adapters.views import (
    SEASON_LIST_LIMIT,
    household_areas,
    household_record,
    latest_facts,
    review_season,
)
from services.assessment.domain import review
from services.assessment.domain.classifier import Classification, classify
from services.assessment.domain.errors import NotClassifiable
from services.assessment.domain.explanation import needs_rendering, with_reasons
from services.assessment.domain.facts import (
    HouseholdFacts,
    facts_from_json,
    facts_of,
    facts_to_json,
)
from services.assessment.domain.profile import member_profiles
from services.assessment.domain.review import (
    HOLD_EN,
    HOLD_VI,
    MEETING_QUORUM,
    Decision,
    MeetingOutcome,
    MeetingVote,
    Proposal,
    ReviewError,
    ReviewState,
)
from services.assessment.domain.standard import Standard, standard_for_year
from services.assessment.domain.transitions import (
    RecognisedStatus,
    TransitionResult,
    transition,
)
from services.assessment.domain.whatif import WhatIfReport, whatif_facts
from shared.access.model import Actor, Area
from shared.contracts.classifications import (
    HOUSEHOLD_CLASSIFIED_STREAM,
    ClassificationPayload,
    HouseholdClassified,
)
from shared.contracts.codes import PovertyStatus, Relation, ReviewStage
from shared.contracts.envelope import new_event_id_text
from shared.contracts.registry import DuplicatePersonFlagged, HouseholdChanged, LifeEventKind
from shared.contracts.surveys import HOUSEHOLD_SURVEYED_STREAM, HouseholdSurveyed, SurveyPayload

__all__ = [
    "HOLD_EN",
    "HOLD_VI",
    "MEETING_QUORUM",
    "SEASON_LIST_LIMIT",
    "AssessOutcome",
    "AssessmentUnitOfWork",
    "CommuneRecognition",
    "MeetingEntry",
    "ReviewError",
    "Rules",
    "apply_duplicate_findings",
    "apply_life_events",
    "assess_surveys",
    "household_areas",
    "household_view",
    "latest_facts",
    "recognise",
    "recognise_commune",
    "record_meeting",
    "record_meetings",
    "review_season",
    "to_payload",
    "what_if",
    "what_if_summary",
]

PRODUCER = "assessment"

MeetingEntry = MeetingVote
"""The village meeting's vote on one household's latest survey."""


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


# surveys ---------------------------------------------------------------------------------------


def to_payload(
    survey: SurveyPayload,
    result: Classification,
    change: TransitionResult,
    *,
    stage: ReviewStage,
    governing: bool,
    standard: Standard,
    order_key: str | None = None,
    accepted_at: datetime | None = None,
) -> ClassificationPayload:
    """The event payload of ``survey``'s ``result`` as the contract's model (see
    :func:`payload_values`)."""
    return ClassificationPayload.model_validate(
        payload_values(
            survey,
            result,
            change,
            stage=stage,
            governing=governing,
            standard=standard,
            order_key=order_key,
            accepted_at=accepted_at,
        )
    )


def payload_values(
    survey: SurveyPayload,
    result: Classification,
    change: TransitionResult,
    *,
    stage: ReviewStage,
    governing: bool,
    standard: Standard,
    order_key: str | None = None,
    accepted_at: datetime | None = None,
) -> dict[str, Any]:
    """The event payload of ``survey``'s ``result``, as plain values in the contract's field
    order (``order_key``: the survey's, when the caller has it already; computing it costs
    several microseconds; ``accepted_at``: when intake accepted the survey, on results
    proposed from its ``HouseholdSurveyed``). Every value comes from a validated survey and
    the engine's result; ``tests/unit/assessment/test_event_body.py`` checks the events built
    from them against the contract. Indicators carry no reason (schema version 2): the
    household view renders them on read (:func:`household_view`)."""
    head = next(m for m in survey.members if m.relation is Relation.HEAD)
    return {
        "survey_id": survey.survey_id,
        "household_code": survey.household_code,
        "province_code": survey.province_code,
        "commune_code": survey.commune_code,
        "village_code": survey.village_code,
        "area_type": survey.area_type,
        "review_year": survey.review_round.year,
        "surveyed_at": survey.surveyed_at,
        "survey_order_key": order_key or survey.order_key,
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
            {"code": i.code, "dimension": i.dimension, "deprived": i.deprived}
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
        "accepted_at": accepted_at,
    }


def event_body(values: dict[str, Any], *, correlation_id: str, occurred_at: datetime) -> bytes:
    """A new ``HouseholdClassified`` envelope around payload ``values``, serialised as the
    contract model serialises it (UTC as ``Z``), without building the models."""
    return orjson.dumps(
        {
            "event_id": new_event_id_text(),
            "event_type": HouseholdClassified.EVENT_TYPE,
            "schema_version": HouseholdClassified.SCHEMA_VERSION,
            "occurred_at": occurred_at,
            "correlation_id": correlation_id,
            "producer": PRODUCER,
            "payload": values,
        },
        option=orjson.OPT_UTC_Z,
    )


def _classify_baseline(
    survey: SurveyPayload, baseline: Sequence[Standard], facts: HouseholdFacts
) -> list[tuple[Standard, Classification]]:
    out = []
    for std in baseline:
        try:
            out.append((std, classify(survey, std, facts)))
        except NotClassifiable:
            continue  # e.g. a score-A survey under a standard without score lines yet
    return out


def _last_recognised(state: ReviewState | None) -> RecognisedStatus:
    """The household's last recognised status (status None: never recognised)."""
    return state.previous if state is not None else RecognisedStatus(status=None)


def _proposed(
    survey: SurveyPayload,
    last: RecognisedStatus,
    governing: Standard,
    main: Classification,
    baseline: Sequence[Standard],
    order_key: str,
    facts: HouseholdFacts,
    accepted_at: datetime | None = None,
) -> list[dict[str, Any]]:
    """The payloads proposed under the governing standard (its result ``main``) and the next
    period's standard, each with its transition from ``last`` (ValueError: the survey was
    interviewed before the household's last recognition)."""
    decided_on = survey.surveyed_at.date()
    return [
        payload_values(
            survey,
            result,
            transition(
                last, result.status, decided_on, newly_escaped_months=std.newly_escaped_months
            ),
            stage=ReviewStage.PROPOSED,
            governing=std is governing,
            standard=std,
            order_key=order_key,
            accepted_at=accepted_at,
        )
        for std, result in [(governing, main), *_classify_baseline(survey, baseline, facts)]
    ]


@dataclass(frozen=True)
class AssessOutcome:
    bodies: list[bytes]
    """The classification events emitted, as published."""
    counts: Counter[tuple[str, str, str]]
    """How many of them per (standard, stage, status)."""
    stale: int
    rejected: int

    @property
    def classified(self) -> list[HouseholdClassified]:
        """The events emitted, decoded (and so checked against the contract)."""
        return [HouseholdClassified.from_json(b) for b in self.bodies]


def _snapshot(
    e: HouseholdSurveyed, order_key: str, facts: HouseholdFacts, body: bytes | None
) -> Snapshot:
    s = e.payload
    return Snapshot(
        survey_id=s.survey_id,
        household_code=s.household_code,
        commune_code=s.commune_code,
        order_key=order_key,
        payload=body if body is not None else e.to_json(),
        facts=facts_to_json(facts),
    )


def assess_surveys(
    uow: AssessmentUnitOfWork,
    events: Sequence[HouseholdSurveyed],
    rules: Rules,
    now: datetime,
    received: Mapping[str, bytes] | None = None,
) -> AssessOutcome:
    """Classify the newest survey of each household in the batch (unless a later one is
    already applied); keep every snapshot; dead-letter surveys no standard can classify.
    ``received``: the JSON events came in, by event id, stored as they are (those missing are
    serialised again).

    A batch costs the same statements whatever its size (up to 500 surveys): one read each of
    the processed ids, the states and the life events waiting for new households, one write
    each of snapshots, states, results, processed ids and outbox (none per survey)."""
    with uow:
        fresh: list[HouseholdSurveyed] = [
            e for e in uow.unseen(events) if isinstance(e, HouseholdSurveyed)
        ]
        keyed = [(e, e.payload.order_key) for e in fresh]  # a computed property: once each
        facts = {id(e): facts_of(e.payload) for e in fresh}  # stored, and used to classify
        came = received or {}
        uow.snapshots.add(
            [_snapshot(e, key, facts[id(e)], came.get(str(e.event_id))) for e, key in keyed]
        )
        newest = review.newest_per_household(
            keyed, lambda ek: ek[0].payload.household_code, lambda ek: ek[1]
        )
        stale = len(fresh) - len(newest)
        known = uow.states.get(newest)
        counts: Counter[tuple[str, str, str]] = Counter()
        proposed: list[ReviewState] = []
        stored: list[StoredResult] = []
        bodies: list[bytes] = []
        rejected: list[tuple[bytes, str]] = []
        for code, (e, order_key) in newest.items():
            survey = e.payload
            state = known.get(code)
            if not review.prevails(state, order_key):
                stale += 1
                continue
            try:
                governing, baseline = rules.for_survey(survey)
                main = classify(survey, governing, facts[id(e)])
            except (LookupError, NotClassifiable) as exc:
                rejected.append((e.to_json(), f"not classifiable: {exc}"))
                continue
            try:
                last = _last_recognised(state)
                payloads = _proposed(
                    survey, last, governing, main, baseline, order_key, facts[id(e)], e.occurred_at
                )
            except ValueError as exc:  # e.g. interviewed before the household's last recognition
                rejected.append((e.to_json(), f"not classifiable: {exc}"))
                continue
            for p in payloads:
                body = event_body(p, correlation_id=e.correlation_id, occurred_at=now)
                bodies.append(body)
                status: PovertyStatus = p["status"]
                counts[(p["standard_id"], ReviewStage.PROPOSED.value, status.value)] += 1
                stored.append(StoredResult(survey.survey_id, p["standard_id"], code, status, body))
            proposed.append(
                review.propose(
                    state,
                    Proposal(
                        household_code=code,
                        commune_code=survey.commune_code,
                        survey_id=survey.survey_id,
                        order_key=order_key,
                        surveyed_on=survey.surveyed_at.date(),
                        status=main.status,
                        standard_id=main.standard_id,
                    ),
                )
            )
        proposed = _with_waiting_life_events(
            uow, proposed, known, {c: e.payload.surveyed_at.date() for c, (e, _) in newest.items()}
        )
        uow.states.save_latest(proposed)
        uow.results.save(stored)
        uow.mark_processed(fresh, now)
        uow.stage_json(HOUSEHOLD_CLASSIFIED_STREAM, bodies)
        uow.stage_dead_letters(HOUSEHOLD_SURVEYED_STREAM, rejected)
        uow.commit()
        return AssessOutcome(bodies, counts, stale=stale, rejected=len(rejected))


def _with_waiting_life_events(
    uow: AssessmentUnitOfWork,
    proposed: list[ReviewState],
    known: Collection[str],
    surveyed_on: dict[str, date],
) -> list[ReviewState]:
    """Life events that arrived before a household's first classification (the two streams
    are read independently), applied to its first state (then forgotten)."""
    first = [s.household_code for s in proposed if s.household_code not in known]
    if not first:
        return proposed
    waiting = uow.pending_life.take(first)
    if not waiting:
        return proposed
    return [
        review.after_life_events(s, found, surveyed_on[s.household_code])
        if (found := waiting.get(s.household_code))
        else s
        for s in proposed
    ]


# life events and duplicate findings --------------------------------------------------------


def apply_life_events(
    uow: AssessmentUnitOfWork, events: Sequence[HouseholdChanged], now: datetime
) -> int:
    """Intake's life events on the review: a moved household's state follows it (its status
    with it); a household split after its latest survey must be surveyed again before a
    meeting or recognition; a merged or dissolved one is held for good; a household not
    classified yet keeps the event until it is. Returns how many states changed."""
    changed = 0
    with uow:
        fresh = [e for e in uow.unseen(events) if isinstance(e, HouseholdChanged)]
        known = uow.states.get({e.payload.household_code for e in fresh})
        surveyed = uow.snapshots.surveyed_on(sorted({s.latest_survey_id for s in known.values()}))
        for e in fresh:
            code = e.payload.household_code
            state = known.get(code)
            if state is None:  # its survey is not classified yet: applied when it is
                uow.pending_life.add(e)
                continue
            event = life_event_of(e)
            while True:  # decided against the state read; written only if it is still current
                after = review.after_life_event(state, event, surveyed[state.latest_survey_id])
                if after is None:
                    break
                survey_id = state.latest_survey_id
                if e.payload.kind is LifeEventKind.MOVED:
                    written = uow.states.move(code, after.commune_code, survey_id=survey_id)
                else:
                    written = uow.states.hold(
                        code, after.hold, after.hold_since, survey_id=survey_id
                    )
                if written:
                    known[code] = after
                    changed += 1
                    break
                # a newer survey was classified meanwhile (its transaction committed first):
                # read it and decide again
                state = uow.states.get({code})[code]
                surveyed.update(uow.snapshots.surveyed_on([state.latest_survey_id]))
        uow.mark_processed(fresh, now)
        uow.commit()
    return changed


def apply_duplicate_findings(
    uow: AssessmentUnitOfWork, events: Sequence[DuplicatePersonFlagged], now: datetime
) -> None:
    """Intake's findings of one person in two households: both held from recognition while
    the finding is open."""
    with uow:
        fresh = [e for e in uow.unseen(events) if isinstance(e, DuplicatePersonFlagged)]
        for e in fresh:
            p = e.payload
            uow.flags.replace(p.duplicate_id, p.household_codes if p.active else [])
        uow.mark_processed(fresh, now)
        uow.commit()


# the village meeting ---------------------------------------------------------------------------


def record_meetings(
    uow: AssessmentUnitOfWork,
    entries: Sequence[MeetingVote],
    now: datetime,
    actor: Actor | None = None,
) -> dict[str, str]:
    """Record village-meeting votes; each outcome is ``agreed`` or ``resurvey_required``
    (fewer than half of the attendees agreeing: the household is surveyed again). All or
    nothing: one vote that cannot be taken refuses the lot."""
    if not entries:
        return {}
    for vote in entries:
        review.valid_vote(vote)
    with uow:
        known = uow.states.get({m.household_code for m in entries})
        review.all_surveyed(known, (m.household_code for m in entries))
        for state in sorted(known.values(), key=lambda s: s.household_code):
            review.not_held(state)
        current = dict(known)
        held = []
        for vote in entries:
            current[vote.household_code], meeting = review.record_meeting(
                current[vote.household_code], vote
            )
            held.append(meeting)
        uow.meetings.add(held, recorded_at=now)
        voted = {m.household_code: current[m.household_code] for m in held}
        uow.states.save_meeting_outcomes(voted.values())
        if actor is not None:
            for m in held:
                before = known[m.household_code]
                uow.audit(
                    actor,
                    "meeting.recorded",
                    "household",
                    m.household_code,
                    service=PRODUCER,
                    area=Area(commune=before.commune_code),
                    before={"meeting_outcome": _value(before.meeting_outcome)},
                    after={
                        "meeting_outcome": m.outcome.value,
                        "held_on": m.held_on.isoformat(),
                        "attendees": m.attendees,
                        "agreeing": m.agreeing,
                    },
                )
        uow.commit()
    return {code: _value(s.meeting_outcome) or "" for code, s in voted.items()}


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
    entry = MeetingVote(household_code, held_on, attendees, agreeing)
    return record_meetings(uow, [entry], now, actor)[household_code]


def _value(v: MeetingOutcome | PovertyStatus | None) -> str | None:
    return v.value if v is not None else None


# recognition -----------------------------------------------------------------------------------


def _recognise(
    uow: AssessmentUnitOfWork,
    covered: Sequence[ReviewState],
    *,
    decision_no: str,
    decided_on: date,
    rules: Rules,
    now: datetime,
    actor: Actor | None = None,
) -> list[HouseholdClassified]:
    """Make the proposed status of each state's latest survey recognised (one transaction,
    which the caller commits); the decision records who made it."""
    surveys = uow.snapshots.surveys([s.latest_survey_id for s in covered])
    events: list[HouseholdClassified] = []
    recognised: list[ReviewState] = []
    decided: list[Decision] = []
    for state in covered:
        survey = surveys[state.latest_survey_id]
        standard = rules.by_id(state.standard_id)
        result = classify(survey, standard)
        after, change = review.recognise(
            state,
            result.status,
            standard_id=result.standard_id,
            decided_on=decided_on,
            newly_escaped_months=standard.newly_escaped_months,
        )
        payload = to_payload(
            survey, result, change, stage=ReviewStage.RECOGNISED, governing=True, standard=standard
        )
        events.append(HouseholdClassified.create(payload, producer=PRODUCER, occurred_at=now))
        recognised.append(after)
        decided.append(
            Decision(
                household_code=survey.household_code,
                survey_id=survey.survey_id,
                decision_no=decision_no,
                decided_on=decided_on,
                status=result.status,
            )
        )
    if not recognised:
        return events
    uow.states.save_recognitions(recognised)
    uow.decisions.add(
        decided,
        by=actor.user_id if actor else None,
        by_name=actor.username if actor else None,
    )
    uow.stage(events)
    if actor is not None:
        for state, e in zip(covered, events, strict=True):
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
                before={"recognised_status": _value(state.recognised_status)},
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
        state = uow.states.one(household_code)
        if state is None:
            raise review.not_found(household_code)
        review.recognisable(state, flagged=uow.flags.any_for(household_code))
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
    latest survey the village meeting agreed and which is not yet recognised on it (see
    :func:`review.commune_cover`)."""
    with uow:
        cover = review.commune_cover(
            uow.states.in_commune(commune_code), uow.flags.in_commune(commune_code)
        )
        events = _recognise(
            uow,
            cover.covered,
            decision_no=decision_no,
            decided_on=decided_on,
            rules=rules,
            now=now,
            actor=actor,
        )
        uow.commit()
    return CommuneRecognition(events, cover.awaiting_meeting)


# a household's review ------------------------------------------------------------------------


def household_view(engine: Engine, household_code: str, rules: Rules) -> dict[str, Any] | None:
    """The household's review state, its latest results under each standard with every
    indicator's reason, and its history (None: never surveyed).

    Results stored from events of schema version 2 carry no reasons: they are rendered from
    the stored survey under the result's standard while the rule bundle is unchanged, else
    left null and the result flagged ``explained: false`` (see
    :mod:`services.assessment.domain.explanation`)."""
    found = household_record(engine, household_code)
    if found is None:
        return None
    survey: SurveyPayload | None = None
    facts: HouseholdFacts | None = None
    if found.survey is not None and any(needs_rendering(r) for r in found.results.values()):
        survey = HouseholdSurveyed.from_json(found.survey).payload
        facts = facts_from_json(found.facts) if found.facts else None
    return {
        "state": found.state,
        "results": {
            std: with_reasons(r, survey, facts, rules.standards) for std, r in found.results.items()
        },
        "history": found.history,
    }


# what-if ----------------------------------------------------------------------------------------


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
