"""Assessment's read side: what the review pages and routes show (a household's review,
latest survey and history, where the review season stands, every household's latest facts
for what-if runs).

Queries only; each opens its own connection and writes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from services.assessment.adapters.tables import decisions, meetings, results, snapshots, states
from services.assessment.domain.facts import facts_from_json
from services.assessment.domain.whatif import FactsRow
from shared.access.model import Area
from shared.contracts.classifications import HouseholdClassified


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


def commune_has_households(engine: Engine, commune_code: str) -> bool:
    """Some surveyed household's review state is in the commune."""
    with engine.connect() as conn:
        found = conn.execute(
            sa.select(states.c.household_code).where(states.c.commune_code == commune_code).limit(1)
        ).first()
    return found is not None


def meetings_on_latest_surveys(
    engine: Engine, *, household_codes: Sequence[str] = (), commune_code: str | None = None
) -> dict[str, date]:
    """The day of each household's latest village meeting on its latest survey (households
    with none absent): of ``household_codes``, or of every household in ``commune_code``."""
    q = (
        sa.select(meetings.c.household_code, sa.func.max(meetings.c.held_on))
        .join(
            states,
            sa.and_(
                states.c.household_code == meetings.c.household_code,
                states.c.latest_survey_id == meetings.c.survey_id,
            ),
        )
        .group_by(meetings.c.household_code)
    )
    if commune_code is not None:
        q = q.where(states.c.commune_code == commune_code)
    else:
        q = q.where(meetings.c.household_code.in_(list(household_codes)))
    with engine.connect() as conn:
        return {code: held for code, held in conn.execute(q) if held}


@dataclass(frozen=True)
class HouseholdRecord:
    """A household's review as stored: what :func:`household_record` reads."""

    state: dict[str, Any]
    """Its review state."""
    results: dict[str, dict[str, Any]]
    """Its latest survey's result under each standard (the payload as JSON values)."""
    history: list[dict[str, Any]]
    """Its review in time order (see :func:`_history`)."""
    survey: bytes | None
    """Its latest survey as received (the ``HouseholdSurveyed`` JSON), the input its results
    can be re-run on; None if the snapshot is missing."""
    facts: str | None
    """That survey's stored facts (None: not stored)."""


def household_record(engine: Engine, household_code: str) -> HouseholdRecord | None:
    """The household's review state, its latest survey with its results under each standard,
    and its history (None: never surveyed)."""
    with engine.connect() as conn:
        state = conn.execute(
            sa.select(states).where(states.c.household_code == household_code)
        ).first()
        if state is None:
            return None
        rows = conn.execute(
            sa.select(results.c.standard_id, results.c.payload)
            .where(results.c.survey_id == state.latest_survey_id)
            .order_by(results.c.standard_id)
        ).all()
        snapshot = conn.execute(
            sa.select(snapshots.c.payload, snapshots.c.facts).where(
                snapshots.c.survey_id == state.latest_survey_id
            )
        ).first()
        history = _history(conn, household_code)
    return HouseholdRecord(
        state=dict(state._mapping),
        results={
            std: HouseholdClassified.model_validate_json(p).payload.model_dump(mode="json")
            for std, p in rows
        },
        history=history,
        survey=None if snapshot is None else bytes(snapshot.payload),
        facts=None if snapshot is None else snapshot.facts,
    )


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
