"""Assessment's repositories: the review's values read from and written to its tables.

Each repository works on the unit of work's connection (one transaction) and speaks in the
review model's values (:mod:`services.assessment.domain.review`), never in rows or dicts. Bulk
writes of the survey path go straight to the driver (``shared.db.executemany``): SQLAlchemy's
per-row parameter processing costs more than the database's work there.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from services.assessment.adapters.tables import (
    decisions,
    flags,
    meetings,
    pending_life,
    results,
    snapshots,
    states,
)
from services.assessment.domain.review import (
    Decision,
    Hold,
    LifeEvent,
    Meeting,
    MeetingOutcome,
    ReviewState,
)
from shared.contracts.codes import PovertyStatus
from shared.contracts.registry import HouseholdChanged
from shared.contracts.surveys import HouseholdSurveyed, SurveyPayload
from shared.db import executemany, upsert_latest

CHUNK = 500
"""Keys per ``IN (…)`` list (SQLite's default limit on bound parameters is far above it)."""


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def _insert(conn: Connection, table: sa.Table) -> Any:
    return postgresql.insert(table) if conn.dialect.name == "postgresql" else sqlite.insert(table)


# household review state ----------------------------------------------------------------------


_PROPOSED: dict[str, PovertyStatus] = {s.value: s for s in PovertyStatus}
_STATUS: dict[str | None, PovertyStatus | None] = {
    None: None,
    **{s.value: s for s in PovertyStatus},
}
_OUTCOME: dict[str | None, MeetingOutcome | None] = {
    None: None,
    **{o.value: o for o in MeetingOutcome},
}
_HOLD: dict[str | None, Hold | None] = {None: None, **{h.value: h for h in Hold}}
# Looked up rather than called: ``PovertyStatus(value)`` costs about a microsecond a call, and
# a batch of surveys reads hundreds of states.

STATE_COLUMNS = tuple(
    states.c[name]
    for name in (
        "household_code",
        "commune_code",
        "latest_survey_id",
        "order_key",
        "proposed_status",
        "standard_id",
        "meeting_outcome",
        "recognised_status",
        "recognised_standard",
        "recognised_on",
        "recognised_survey_id",
        "left_list_on",
        "hold",
        "hold_since",
    )
)
"""The columns :func:`state_of` reads, in its order."""


def state_of(row: Sequence[Any]) -> ReviewState:
    """A ``household_state`` row (the :data:`STATE_COLUMNS`) as the review model's value."""
    (code, commune, latest, order_key, proposed, std, outcome) = row[:7]
    (status, rec_std, rec_on, rec_survey, left_on, hold, since) = row[7:]
    return ReviewState(
        household_code=code,
        commune_code=commune,
        latest_survey_id=latest,
        order_key=order_key,
        proposed_status=_PROPOSED[proposed],
        standard_id=std,
        meeting_outcome=_OUTCOME[outcome],
        recognised_status=_STATUS[status],
        recognised_standard=rec_std,
        recognised_on=rec_on,
        recognised_survey_id=rec_survey,
        left_list_on=left_on,
        hold=_HOLD[hold],
        hold_since=since,
    )


def row_of(s: ReviewState) -> dict[str, Any]:
    """The review model's value as a ``household_state`` row."""
    return {
        "household_code": s.household_code,
        "commune_code": s.commune_code,
        "latest_survey_id": s.latest_survey_id,
        "order_key": s.order_key,
        "proposed_status": s.proposed_status.value,
        "standard_id": s.standard_id,
        "meeting_outcome": s.meeting_outcome.value if s.meeting_outcome else None,
        "recognised_status": s.recognised_status.value if s.recognised_status else None,
        "recognised_standard": s.recognised_standard,
        "recognised_on": s.recognised_on,
        "recognised_survey_id": s.recognised_survey_id,
        "left_list_on": s.left_list_on,
        "hold": s.hold.value if s.hold else None,
        "hold_since": s.hold_since,
    }


@dataclass(frozen=True)
class ReviewStates:
    """Households' review states (``household_state``)."""

    conn: Connection

    def get(self, codes: Collection[str]) -> dict[str, ReviewState]:
        """The states of those of ``codes`` surveyed, by household code."""
        found: dict[str, ReviewState] = {}
        for chunk in _chunks(sorted(codes)):
            q = sa.select(*STATE_COLUMNS).where(states.c.household_code.in_(chunk))
            for row in self.conn.execute(q):
                found[row[0]] = state_of(row)
        return found

    def one(self, code: str) -> ReviewState | None:
        return self.get([code]).get(code)

    def in_commune(self, commune_code: str) -> list[ReviewState]:
        """Every household's state in the commune, in household-code order."""
        q = (
            sa.select(*STATE_COLUMNS)
            .where(states.c.commune_code == commune_code)
            .order_by(states.c.household_code)
        )
        return [state_of(r) for r in self.conn.execute(q)]

    def save_latest(self, proposed: Sequence[ReviewState]) -> None:
        """Insert or replace states; a state only replaces one resting on an older survey (the
        order key compared in SQL, so replicas racing on one household cannot let an older
        survey win whatever order their transactions commit in)."""
        upsert_latest(self.conn, states, [row_of(s) for s in proposed], keys=["household_code"])

    def move(self, code: str, commune_code: str, *, survey_id: str | None = None) -> bool:
        """The household moved: its state (and status) follow it to ``commune_code``.
        ``survey_id``: only if its latest survey is still that one (the decision was taken
        against it; a survey classified meanwhile needs a new decision). True if written."""
        where = [states.c.household_code == code]
        if survey_id is not None:
            where.append(states.c.latest_survey_id == survey_id)
        done = self.conn.execute(sa.update(states).where(*where).values(commune_code=commune_code))
        return bool(done.rowcount)

    def hold(
        self, code: str, hold: Hold | None, since: date | None, *, survey_id: str | None = None
    ) -> bool:
        """Hold (or release) the household; ``survey_id`` as for :meth:`move`."""
        where = [states.c.household_code == code]
        if survey_id is not None:
            where.append(states.c.latest_survey_id == survey_id)
        done = self.conn.execute(
            sa.update(states)
            .where(*where)
            .values(hold=hold.value if hold else None, hold_since=since)
        )
        return bool(done.rowcount)

    def save_meeting_outcomes(self, voted: Iterable[ReviewState]) -> None:
        """Write the meeting outcome of each state (and only that column)."""
        rows = [
            {"b_code": s.household_code, "b_outcome": s.meeting_outcome and s.meeting_outcome.value}
            for s in voted
        ]
        if rows:
            self.conn.execute(
                sa.update(states)
                .where(states.c.household_code == sa.bindparam("b_code"))
                .values(meeting_outcome=sa.bindparam("b_outcome")),
                rows,
            )

    def save_recognitions(self, recognised: Iterable[ReviewState]) -> None:
        """Write the recognition columns of each state (and only those)."""
        rows = [
            {
                "b_code": s.household_code,
                "b_status": s.recognised_status.value if s.recognised_status else None,
                "b_standard": s.recognised_standard,
                "b_on": s.recognised_on,
                "b_survey": s.recognised_survey_id,
                "b_left": s.left_list_on,
            }
            for s in recognised
        ]
        if rows:
            self.conn.execute(
                sa.update(states)
                .where(states.c.household_code == sa.bindparam("b_code"))
                .values(
                    recognised_status=sa.bindparam("b_status"),
                    recognised_standard=sa.bindparam("b_standard"),
                    recognised_on=sa.bindparam("b_on"),
                    recognised_survey_id=sa.bindparam("b_survey"),
                    left_list_on=sa.bindparam("b_left"),
                ),
                rows,
            )


# surveys and their results -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A survey as received, with its compact facts (the input a result can be re-run on)."""

    survey_id: str
    household_code: str
    commune_code: str
    order_key: str
    payload: bytes
    facts: str | None


@dataclass(frozen=True, slots=True)
class StoredResult:
    """A survey's result under one standard: the event as emitted."""

    survey_id: str
    standard_id: str
    household_code: str
    status: PovertyStatus
    payload: bytes


@dataclass(frozen=True)
class Snapshots:
    """Every survey received (``survey_snapshot``)."""

    conn: Connection

    def add(self, received: Sequence[Snapshot]) -> None:
        """Keep each survey once (a survey already kept is left as it is)."""
        cols = ("survey_id", "household_code", "commune_code", "order_key", "payload", "facts")
        executemany(
            self.conn,
            "assessment:snapshot:add",
            lambda: (
                _insert(self.conn, snapshots)
                .values({c: sa.bindparam(c) for c in cols})
                .on_conflict_do_nothing(index_elements=["survey_id"])
            ),
            [
                {
                    "survey_id": s.survey_id,
                    "household_code": s.household_code,
                    "commune_code": s.commune_code,
                    "order_key": s.order_key,
                    "payload": s.payload,
                    "facts": s.facts,
                }
                for s in received
            ],
        )

    def surveys(self, survey_ids: Sequence[str]) -> dict[str, SurveyPayload]:
        """The stored surveys, by id."""
        found: dict[str, SurveyPayload] = {}
        for chunk in _chunks(survey_ids):
            q = sa.select(snapshots.c.survey_id, snapshots.c.payload).where(
                snapshots.c.survey_id.in_(chunk)
            )
            for sid, body in self.conn.execute(q):
                found[sid] = HouseholdSurveyed.from_json(body).payload
        return found

    def surveyed_on(self, survey_ids: Sequence[str]) -> dict[str, date]:
        """The interview day of each stored survey, by id."""
        return {sid: s.surveyed_at.date() for sid, s in self.surveys(survey_ids).items()}


@dataclass(frozen=True)
class Results:
    """Surveys' results under each standard (``classification``)."""

    conn: Connection

    def save(self, stored: Sequence[StoredResult]) -> None:
        """Insert, or replace the status and payload of a survey's result under a standard."""

        def build() -> Any:
            cols = ("survey_id", "standard_id", "household_code", "status", "payload")
            ins = _insert(self.conn, results).values({c: sa.bindparam(c) for c in cols})
            return ins.on_conflict_do_update(
                index_elements=["survey_id", "standard_id"],
                set_={"status": ins.excluded.status, "payload": ins.excluded.payload},
            )

        executemany(
            self.conn,
            "assessment:results:save",
            build,
            [
                {
                    "survey_id": r.survey_id,
                    "standard_id": r.standard_id,
                    "household_code": r.household_code,
                    "status": r.status.value,
                    "payload": r.payload,
                }
                for r in stored
            ],
        )


# meetings, decisions, flags, waiting life events --------------------------------------------


@dataclass(frozen=True)
class Meetings:
    """Village meetings' votes (``village_meeting``)."""

    conn: Connection

    def add(self, held: Sequence[Meeting], recorded_at: datetime) -> None:
        if held:
            self.conn.execute(
                sa.insert(meetings),
                [
                    {
                        "household_code": m.household_code,
                        "survey_id": m.survey_id,
                        "held_on": m.held_on,
                        "attendees": m.attendees,
                        "agreeing": m.agreeing,
                        "outcome": m.outcome.value,
                        "recorded_at": recorded_at,
                    }
                    for m in held
                ],
            )


@dataclass(frozen=True)
class Decisions:
    """The commune's recognition decisions (``recognition_decision``), with who made them."""

    conn: Connection

    def add(self, decided: Sequence[Decision], *, by: str | None, by_name: str | None) -> None:
        if decided:
            self.conn.execute(
                sa.insert(decisions),
                [
                    {
                        "household_code": d.household_code,
                        "survey_id": d.survey_id,
                        "decision_no": d.decision_no,
                        "decided_on": d.decided_on,
                        "status": d.status.value,
                        "decided_by": by,
                        "decided_by_name": by_name,
                    }
                    for d in decided
                ],
            )


@dataclass(frozen=True)
class Flags:
    """Open findings of one person in two households (``household_flag``)."""

    conn: Connection

    def any_for(self, household_code: str) -> bool:
        q = sa.select(flags.c.flag_id).where(flags.c.household_code == household_code).limit(1)
        return self.conn.execute(q).first() is not None

    def in_commune(self, commune_code: str) -> set[str]:
        """The flagged households among the commune's."""
        q = (
            sa.select(flags.c.household_code)
            .join(states, states.c.household_code == flags.c.household_code)
            .where(states.c.commune_code == commune_code)
        )
        return set(self.conn.execute(q).scalars())

    def replace(self, flag_id: str, household_codes: Sequence[str]) -> None:
        """The finding now names ``household_codes`` (none: resolved)."""
        self.conn.execute(sa.delete(flags).where(flags.c.flag_id == flag_id))
        if household_codes:
            self.conn.execute(
                sa.insert(flags),
                [{"flag_id": flag_id, "household_code": c} for c in household_codes],
            )


def life_event_of(event: HouseholdChanged) -> LifeEvent:
    p = event.payload
    return LifeEvent(kind=p.kind, effective_on=p.effective_on, to_commune_code=p.to_commune_code)


@dataclass(frozen=True)
class PendingLife:
    """Life events of households not classified yet (``pending_life_event``)."""

    conn: Connection

    def add(self, event: HouseholdChanged) -> None:
        p = event.payload
        self.conn.execute(
            sa.insert(pending_life).values(
                change_id=p.change_id, household_code=p.household_code, payload=event.to_json()
            )
        )

    def take(self, household_codes: Sequence[str]) -> dict[str, list[LifeEvent]]:
        """The events waiting for ``household_codes``, by household; forgotten once taken."""
        waiting: dict[str, list[LifeEvent]] = {}
        for chunk in _chunks(sorted(household_codes)):
            q = (
                sa.select(pending_life.c.household_code, pending_life.c.payload)
                .where(pending_life.c.household_code.in_(chunk))
                .order_by(pending_life.c.household_code, pending_life.c.change_id)
            )
            for code, body in self.conn.execute(q):
                waiting.setdefault(code, []).append(life_event_of(HouseholdChanged.from_json(body)))
        if waiting:
            done = sorted(waiting)
            for chunk in _chunks(done):
                self.conn.execute(
                    sa.delete(pending_life).where(pending_life.c.household_code.in_(chunk))
                )
        return waiting
