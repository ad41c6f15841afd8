"""The household registry read back: lists, a household with its versions, a survey.

Personal data (names, citizen ids) is read only for callers allowed to see it; citizen ids are
shown masked and searched by their keyed hash (see ``adapters.vault``).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from services.intake.adapters.tables import households, life_events, people, surveys
from services.intake.adapters.vault import Vault, masked
from services.intake.domain.text import search_key
from shared.access.model import AreaFilter


@dataclass(frozen=True)
class HouseholdQuery:
    """A page of the registry within ``area``; ``name`` and ``citizen_key`` search the latest
    survey's people (callers allowed to see personal data only)."""

    area: AreaFilter
    commune_code: str | None = None
    village_code: str | None = None
    code_prefix: str | None = None
    name: str | None = None
    citizen_key: str | None = None
    limit: int = 50
    offset: int = 0


def _in_area(area: AreaFilter) -> sa.ColumnElement[bool]:
    if area.everything:
        return sa.true()
    clauses = []
    if area.communes:
        clauses.append(households.c.commune_code.in_(sorted(area.communes)))
    if area.villages:
        clauses.append(households.c.village_code.in_(sorted(area.villages)))
    return sa.or_(*clauses) if clauses else sa.false()


NAME_MATCHES_COUNTED = 1000
"""A name search counts its matches up to this many (``total_capped`` beyond it: narrow the
search); the pages are the same either way."""


def _prefix(column: sa.ColumnElement[str], prefix: str) -> tuple[sa.ColumnElement[bool], ...]:
    """``column`` begins with ``prefix``, as a range an index answers (LIKE may not)."""
    return column >= prefix, column < prefix + "\U0010ffff"


def list_households(
    engine: Engine,
    q: HouseholdQuery,
    *,
    with_names: bool,
    count_cap: int = NAME_MATCHES_COUNTED,
) -> dict[str, Any]:
    h = households
    where = [_in_area(q.area)]
    if q.commune_code:
        where.append(h.c.commune_code == q.commune_code)
    if q.village_code:
        where.append(h.c.village_code == q.village_code)
    if q.code_prefix:
        # a range, not LIKE: the primary key's index answers it on SQLite and PostgreSQL
        where.append(h.c.household_code >= q.code_prefix)
        where.append(h.c.household_code < q.code_prefix + "\U0010ffff")
    if q.citizen_key:  # the keyed hash's index finds the few surveys, then their households
        holders = sa.select(people.c.survey_id).where(people.c.citizen_key == q.citizen_key)
        where.append(h.c.latest_survey_id.in_(holders))
    if q.name:  # full name, or given name, beginning with the words typed
        key = search_key(q.name)
        if q.area.everything and not (q.commune_code or q.village_code):
            # the whole province: two index ranges over the people, then their households
            named: Any = sa.union(
                sa.select(people.c.survey_id).where(*_prefix(people.c.name_key, key)),
                sa.select(people.c.survey_id).where(*_prefix(people.c.given_key, key)),
            )
            where.append(h.c.latest_survey_id.in_(named))
        else:  # an area's households, each checked through the people's primary key
            named = (
                sa.select(people.c.survey_id)
                .where(
                    people.c.survey_id == h.c.latest_survey_id,
                    sa.or_(
                        sa.and_(*_prefix(people.c.name_key, key)),
                        sa.and_(*_prefix(people.c.given_key, key)),
                    ),
                )
                .exists()
            )
            where.append(named)
    head = people.alias("head")
    with engine.connect() as conn:
        counted: Any = sa.select(h.c.household_code).where(*where)
        if q.name:  # a given name alone can match tens of thousands: count up to a cap
            counted = counted.limit(count_cap + 1)
        total = conn.execute(
            sa.select(sa.func.count()).select_from(counted.subquery())
        ).scalar_one()
        query = (
            sa.select(
                h.c.household_code,
                h.c.commune_code,
                h.c.village_code,
                h.c.latest_version,
                h.c.latest_survey_id,
                head.c.full_name,
            )
            .outerjoin(
                head, sa.and_(head.c.survey_id == h.c.latest_survey_id, head.c.is_head.is_(True))
            )
            .where(*where)
            .order_by(h.c.household_code)
            .limit(q.limit)
            .offset(q.offset)
        )
        items = [
            {
                "household_code": r.household_code,
                "commune_code": r.commune_code,
                "village_code": r.village_code,
                "latest_version": r.latest_version,
                "latest_survey_id": r.latest_survey_id,
                **({"head_name": r.full_name} if with_names else {}),
            }
            for r in conn.execute(query)
        ]
    capped = bool(q.name) and total > count_cap
    return {
        "total": count_cap if capped else total,
        "total_capped": capped,
        "limit": q.limit,
        "offset": q.offset,
        "items": items,
    }


def household_area(engine: Engine, code: str) -> tuple[str, str] | None:
    """(commune, village) of a household, or None if intake holds no such household."""
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(households.c.commune_code, households.c.village_code).where(
                households.c.household_code == code
            )
        ).first()
    return (row.commune_code, row.village_code) if row else None


def _persons(
    conn: Connection, survey_ids: Collection[str], vault: Vault
) -> dict[str, dict[int, dict[str, Any]]]:
    found: dict[str, dict[int, dict[str, Any]]] = {}
    rows = conn.execute(
        sa.select(
            people.c.survey_id,
            people.c.member_no,
            people.c.full_name,
            people.c.citizen_sealed,
        ).where(people.c.survey_id.in_(list(survey_ids)))
    )
    for r in rows:
        found.setdefault(r.survey_id, {})[r.member_no] = {
            "full_name": r.full_name,
            "citizen_id": masked(vault.open(r.citizen_sealed)) if r.citizen_sealed else None,
        }
    return found


def _members(
    payload: dict[str, Any], personal: dict[int, dict[str, Any]] | None
) -> list[dict[str, Any]]:
    members = []
    for m in payload["members"]:
        member = dict(m)
        if personal is not None:
            member.update(personal.get(m["member_no"], {"full_name": None, "citizen_id": None}))
        members.append(member)
    return members


def _survey_view(row: Any, personal: dict[int, dict[str, Any]] | None) -> dict[str, Any]:
    payload = json.loads(row.payload)["payload"]
    return {
        "survey_id": row.survey_id,
        "household_code": row.household_code,
        "version": row.version,
        "channel": row.channel,
        "received_at": row.received_at.isoformat(),
        "payload": {**payload, "members": _members(payload, personal)},
    }


def household_view(
    engine: Engine, code: str, vault: Vault, *, with_personal: bool
) -> dict[str, Any] | None:
    """The household: its latest survey in full, every version in arrival order."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(households).where(households.c.household_code == code)).first()
        if row is None:
            return None
        versions = conn.execute(
            sa.select(surveys).where(surveys.c.household_code == code).order_by(surveys.c.version)
        ).all()
        events = conn.execute(
            sa.select(life_events)
            .where(
                sa.or_(
                    life_events.c.household_code == code,
                    life_events.c.related_household_code == code,
                )
            )
            .order_by(life_events.c.effective_on, life_events.c.recorded_at)
        ).all()
        latest = next((v for v in versions if v.survey_id == row.latest_survey_id), None)
        personal = (
            _persons(conn, [latest.survey_id], vault).get(latest.survey_id, {})
            if with_personal and latest is not None
            else None
        )
        head_name = None
        if with_personal and latest is not None:
            head_name = conn.execute(
                sa.select(people.c.full_name).where(
                    people.c.survey_id == latest.survey_id, people.c.is_head.is_(True)
                )
            ).scalar()
    return {
        "household_code": row.household_code,
        "commune_code": row.commune_code,
        "village_code": row.village_code,
        "state": row.state,
        "needs_survey": row.needs_survey,
        **({"head_name": head_name} if with_personal else {}),
        "latest": _survey_view(latest, personal) if latest is not None else None,
        "versions": [
            {
                "version": v.version,
                "survey_id": v.survey_id,
                "channel": v.channel,
                "received_at": v.received_at.isoformat(),
                "citizen_id_missing": v.citizen_id_missing,
            }
            for v in versions
        ],
        "life_events": [_event_view(e, code, with_note=with_personal) for e in events],
    }


def _event_view(e: Any, code: str, *, with_note: bool) -> dict[str, Any]:
    """A life event as this household sees it (the new household of a split sees it too)."""
    view: dict[str, Any] = {
        "change_id": e.change_id,
        "kind": e.kind,
        "household_code": e.household_code,
        "effective_on": e.effective_on.isoformat(),
        "from": {"commune_code": e.from_commune_code, "village_code": e.from_village_code},
        "to": {"commune_code": e.to_commune_code, "village_code": e.to_village_code},
        "related_household_code": e.related_household_code,
        "member_nos": [int(n) for n in e.member_nos.split(",") if n],
        "cause": e.cause,
        "recorded_at": e.recorded_at.isoformat(),
    }
    if with_note:
        view["note"] = e.note
    return view


def survey_view(
    engine: Engine, survey_id: str, vault: Vault, *, with_personal: bool
) -> dict[str, Any] | None:
    with engine.connect() as conn:
        row = conn.execute(sa.select(surveys).where(surveys.c.survey_id == survey_id)).first()
        if row is None:
            return None
        personal = _persons(conn, [survey_id], vault).get(survey_id, {}) if with_personal else None
    return _survey_view(row, personal)


def survey_household(engine: Engine, survey_id: str) -> tuple[str, str, str] | None:
    """(household, commune, village) of a stored survey."""
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(surveys.c.household_code, surveys.c.commune_code, surveys.c.payload).where(
                surveys.c.survey_id == survey_id
            )
        ).first()
    if row is None:
        return None
    return row.household_code, row.commune_code, json.loads(row.payload)["payload"]["village_code"]
