"""One person in two households: found when surveys are stored, resolved by a new survey of
either household or by an officer.

A person belongs to one household. When the latest surveys of two active households hold the
same citizen id (matched by its keyed hash, never in clear), intake records the finding and
publishes ``household.duplicate`` (household codes only), and assessment holds both households
from recognition until the finding is resolved: by a later survey of either household that no
longer lists that person (found in the same transaction as the survey), or by a commune
officer's decision with a reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.intake.adapters.tables import duplicates, households, people
from shared.contracts.registry import DuplicatePersonFlagged, DuplicatePersonPayload

PRODUCER = "intake"


class Resolution(StrEnum):
    SURVEYED_AGAIN = "surveyed_again"
    """A later survey of one of the households no longer lists the person (automatic)."""
    DATA_CORRECTED = "data_corrected"
    """A citizen id was mistyped; the survey will be corrected."""
    PERSON_MOVED = "person_moved"
    """The person has moved; the other household will be surveyed again."""
    OTHER = "other"


def duplicate_id(citizen_key: str, a: str, b: str) -> str:
    digest = hashlib.sha256(f"{citizen_key}\x1f{a}\x1f{b}".encode()).hexdigest()
    return f"DUP-{digest[:24]}"


def _sharing(conn: Connection, keys: Collection[str]) -> dict[str, set[tuple[str, str, int]]]:
    """citizen key -> {(household, commune, member no)} over active households' latest
    surveys."""
    found: dict[str, set[tuple[str, str, int]]] = {}
    ordered = sorted(keys)
    for i in range(0, len(ordered), 500):
        q = (
            sa.select(
                people.c.citizen_key,
                households.c.household_code,
                households.c.commune_code,
                people.c.member_no,
            )
            .join(households, households.c.latest_survey_id == people.c.survey_id)
            .where(
                people.c.citizen_key.in_(ordered[i : i + 500]),
                households.c.state == "active",
            )
        )
        for key, code, commune, member in conn.execute(q):
            found.setdefault(key, set()).add((code, commune, member))
    return found


def _repeated(conn: Connection, keys: Collection[str]) -> set[str]:
    """The keys stored more than once (in any survey): only they can be in two households.
    Most surveys' citizen ids are stored once, and the index alone answers this."""
    found: set[str] = set()
    ordered = sorted(keys)
    for i in range(0, len(ordered), 500):
        q = (
            sa.select(people.c.citizen_key)
            .where(people.c.citizen_key.in_(ordered[i : i + 500]))
            .group_by(people.c.citizen_key)
            .having(sa.func.count() > 1)
        )
        found.update(conn.execute(q).scalars())
    return found


def _any_open(conn: Connection) -> bool:
    q = sa.select(duplicates.c.duplicate_id).where(duplicates.c.resolved_at.is_(None)).limit(1)
    return conn.execute(q).first() is not None


def _event(row: dict[str, Any], active: bool, resolution: str | None) -> DuplicatePersonFlagged:
    return DuplicatePersonFlagged.create(
        DuplicatePersonPayload(
            duplicate_id=row["duplicate_id"],
            household_codes=[row["household_a"], row["household_b"]],
            commune_codes=[row["commune_a"], row["commune_b"]],
            active=active,
            resolution=resolution,
        ),
        producer=PRODUCER,
    )


def refresh_duplicates(
    conn: Connection, new_keys: Iterable[str], touched: Collection[str], now: datetime
) -> list[DuplicatePersonFlagged]:
    """Findings after storing surveys of the ``touched`` households whose people include
    ``new_keys``: new ones opened, open ones those surveys removed resolved. Returns the
    events to stage."""
    keys = _repeated(conn, set(new_keys))
    open_rows: list[dict[str, Any]] = []
    if touched and _any_open(conn):
        codes = sorted(touched)
        for i in range(0, len(codes), 500):
            part = codes[i : i + 500]
            q = sa.select(duplicates).where(
                duplicates.c.resolved_at.is_(None),
                sa.or_(duplicates.c.household_a.in_(part), duplicates.c.household_b.in_(part)),
            )
            open_rows.extend(dict(r._mapping) for r in conn.execute(q))
    keys.update(r["citizen_key"] for r in open_rows)
    if not keys:
        return []
    sharing = _sharing(conn, keys)
    now_pairs: dict[str, dict[str, Any]] = {}
    for key, holders in sharing.items():
        ordered = sorted(holders)
        for i, (a, commune_a, member_a) in enumerate(ordered):
            for b, commune_b, member_b in ordered[i + 1 :]:
                if a == b:
                    continue
                did = duplicate_id(key, a, b)
                now_pairs[did] = {
                    "duplicate_id": did,
                    "citizen_key": key,
                    "household_a": a,
                    "household_b": b,
                    "commune_a": commune_a,
                    "commune_b": commune_b,
                    "member_a": member_a,
                    "member_b": member_b,
                }
    events: list[DuplicatePersonFlagged] = []
    still_open = {r["duplicate_id"] for r in open_rows}
    for r in open_rows:
        if r["duplicate_id"] not in now_pairs:
            conn.execute(
                sa.update(duplicates)
                .where(duplicates.c.duplicate_id == r["duplicate_id"])
                .values(resolved_at=now, resolution=Resolution.SURVEYED_AGAIN.value)
            )
            events.append(_event(r, False, Resolution.SURVEYED_AGAIN.value))
    fresh = [p for did, p in now_pairs.items() if did not in still_open]
    if fresh:
        known = {
            row.duplicate_id
            for row in conn.execute(
                sa.select(duplicates.c.duplicate_id).where(
                    duplicates.c.duplicate_id.in_([p["duplicate_id"] for p in fresh])
                )
            )
        }
        for p in fresh:
            if p["duplicate_id"] in known:  # resolved before, found again: open again
                conn.execute(
                    sa.update(duplicates)
                    .where(duplicates.c.duplicate_id == p["duplicate_id"])
                    .values(found_at=now, resolved_at=None, resolution=None, resolved_by=None)
                )
            else:
                conn.execute(sa.insert(duplicates).values(**p, found_at=now))
            events.append(_event(p, True, None))
    return events


def resolve_duplicate(
    conn: Connection,
    did: str,
    resolution: Resolution,
    note: str | None,
    user_id: str | None,
    now: datetime,
) -> tuple[dict[str, Any], DuplicatePersonFlagged | None] | None:
    """Close a finding by an officer's decision; None if there is no such finding. The event
    is None if it was already resolved."""
    row = conn.execute(sa.select(duplicates).where(duplicates.c.duplicate_id == did)).first()
    if row is None:
        return None
    found = dict(row._mapping)
    if found["resolved_at"] is not None:
        return found, None
    conn.execute(
        sa.update(duplicates)
        .where(duplicates.c.duplicate_id == did)
        .values(resolved_at=now, resolution=resolution.value, note=note, resolved_by=user_id)
    )
    return found, _event(found, False, resolution.value)


def list_duplicates(
    conn: Connection, communes: Collection[str] | None, *, open_only: bool
) -> list[dict[str, Any]]:
    """Findings touching these communes (None: all), newest first; no citizen id."""
    q = sa.select(duplicates).order_by(duplicates.c.found_at.desc()).limit(1000)
    if communes is not None:
        cs = sorted(communes)
        q = q.where(sa.or_(duplicates.c.commune_a.in_(cs), duplicates.c.commune_b.in_(cs)))
    if open_only:
        q = q.where(duplicates.c.resolved_at.is_(None))
    return [
        {
            "duplicate_id": r.duplicate_id,
            "households": [
                {"household_code": r.household_a, "commune_code": r.commune_a,
                 "member_no": r.member_a},
                {"household_code": r.household_b, "commune_code": r.commune_b,
                 "member_no": r.member_b},
            ],
            "found_at": r.found_at.isoformat(),
            "resolved_at": r.resolved_at.isoformat() if r.resolved_at else None,
            "resolution": r.resolution,
        }
        for r in conn.execute(q)
    ]  # fmt: skip
