"""The register of classified households: latest survey (with its roster) and the dated
history of recognised statuses."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from services.support.adapters.tables import known, members, recognised, recognised_latest
from services.support.domain.groups import MemberFacts, RecognisedEntry
from shared.contracts.codes import PovertyStatus
from shared.db import executemany, upsert_latest


@dataclass(frozen=True, slots=True)
class Registered:
    """What support knows of a household: where it lives, its latest survey's roster and the
    statuses the commune recognised for it, with their dates."""

    household_code: str
    commune_code: str
    village_code: str
    status: str
    """Status of the latest survey (proposed or recognised)."""
    stage: str
    head_ethnicity: str | None
    members: tuple[MemberFacts, ...]
    history: tuple[RecognisedEntry, ...]
    causes: tuple[str, ...] = ()
    """Causes of poverty recorded on the latest survey."""
    needs: tuple[str, ...] = ()
    """Support needs recorded on the latest survey."""


ROSTER_COLUMNS = (
    "household_code",
    "member_no",
    "age",
    "sex",
    "working_age",
    "able_to_work",
    "health_insured",
    "disability",
    "attending_school",
)
"""Columns of a roster row, in the order :meth:`RegisterRepository.replace_rosters` takes."""


def _won(household: Any) -> Any:
    """The household's stored order key is this survey's (its upsert won)."""
    return sa.exists().where(
        known.c.household_code == household, known.c.order_key == sa.bindparam("order_key")
    )


def _delete_roster() -> Any:
    code: sa.BindParameter[str] = sa.bindparam("household_code", type_=sa.String())
    return sa.delete(members).where(members.c.household_code == code, _won(code))


def _insert_roster() -> Any:
    values = [sa.bindparam(c, type_=members.c[c].type) for c in ROSTER_COLUMNS]
    return sa.insert(members).from_select(
        list(ROSTER_COLUMNS),
        sa.select(*values).where(_won(sa.bindparam("guard_household"))),
    )


_ROSTER_TYPES: dict[str, Any] = {c: members.c[c].type for c in ROSTER_COLUMNS}


def _arrays(names: Sequence[str], types: dict[str, Any]) -> Any:
    """``unnest`` of one array parameter per name (PostgreSQL), as a table of those columns."""
    params = [sa.bindparam(n, type_=postgresql.ARRAY(types[n])) for n in names]
    return sa.func.unnest(*params).table_valued(*names).render_derived(name="r")


def _delete_rosters_pg() -> Any:
    r = _arrays(("household_code", "order_key"), {**_ROSTER_TYPES, "order_key": sa.String()})
    return sa.delete(members).where(
        members.c.household_code == r.c.household_code,
        known.c.household_code == r.c.household_code,
        known.c.order_key == r.c.order_key,
    )


def _insert_rosters_pg() -> Any:
    r = _arrays((*ROSTER_COLUMNS, "order_key"), {**_ROSTER_TYPES, "order_key": sa.String()})
    chosen = sa.select(*(r.c[c] for c in ROSTER_COLUMNS)).join_from(
        r,
        known,
        sa.and_(known.c.household_code == r.c.household_code, known.c.order_key == r.c.order_key),
    )
    return sa.insert(members).from_select(list(ROSTER_COLUMNS), chosen)


class RegisterRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def save_latest(self, rows: Sequence[dict[str, Any]]) -> None:
        upsert_latest(self.conn, known, rows, keys=["household_code"])

    def replace_rosters(self, rosters: Sequence[tuple[str, str, Sequence[Sequence[Any]]]]) -> None:
        """Replace the roster of each (household, order key, members) whose order key is the
        one now stored for the household, i.e. whose survey won :meth:`save_latest` in this
        transaction (a later survey already stored keeps its roster). The key is compared in
        SQL, so replicas applying surveys of one household at once leave the latest one's
        roster (the stored row stays locked by the upsert on PostgreSQL until commit).
        Members are sequences of :data:`ROSTER_COLUMNS` after the household code.

        On PostgreSQL each statement takes the rows as one array per column (``unnest``):
        one execution for the batch instead of one per row through the driver."""
        if self.conn.dialect.name == "postgresql":
            self._replace_rosters_in_arrays(rosters)
            return
        executemany(
            self.conn,
            "support.roster.delete",
            _delete_roster,
            [(code, key) for code, key, _ in rosters],
            positional=("household_code", "order_key"),
        )
        executemany(
            self.conn,
            "support.roster.insert",
            _insert_roster,
            [(code, *m, code, key) for code, key, roster in rosters for m in roster],
            positional=(*ROSTER_COLUMNS, "guard_household", "order_key"),
        )

    def _replace_rosters_in_arrays(
        self, rosters: Sequence[tuple[str, str, Sequence[Sequence[Any]]]]
    ) -> None:
        if not rosters:
            return
        codes, keys, _ = zip(*rosters, strict=True)
        executemany(
            self.conn,
            "support.roster.delete.arrays",
            _delete_rosters_pg,
            [{"household_code": list(codes), "order_key": list(keys)}],
        )
        rows = [(code, *m, key) for code, key, roster in rosters for m in roster]
        if rows:
            columns = zip(*rows, strict=True)
            executemany(
                self.conn,
                "support.roster.insert.arrays",
                _insert_rosters_pg,
                [dict(zip((*ROSTER_COLUMNS, "order_key"), map(list, columns), strict=True))],
            )

    def save_recognised(
        self, history: Sequence[dict[str, Any]], latest: Sequence[dict[str, Any]]
    ) -> None:
        upsert_latest(self.conn, recognised, history, keys=["household_code", "survey_id"])
        upsert_latest(self.conn, recognised_latest, latest, keys=["household_code"])

    def household(self, code: str) -> Registered | None:
        return self.households([code]).get(code)

    def households(self, codes: Sequence[str]) -> dict[str, Registered]:
        """Registered households by code (three queries whatever their number)."""
        out: dict[str, Registered] = {}
        for i in range(0, len(codes), 500):
            out.update(self._households(list(codes[i : i + 500])))
        return out

    def _households(self, codes: list[str]) -> dict[str, Registered]:
        heads = list(self.conn.execute(head_statement(codes)).mappings())
        if not heads:
            return {}
        found = [h["household_code"] for h in heads]
        return assemble(
            heads,
            self.conn.execute(roster_statement(found)).mappings(),
            self.conn.execute(recognised_statement(found)).mappings(),
        )


def head_statement(codes: Sequence[str]) -> sa.Select[Any]:
    return sa.select(known).where(known.c.household_code.in_(codes))


def roster_statement(codes: Sequence[str]) -> sa.Select[Any]:
    return (
        sa.select(members)
        .where(members.c.household_code.in_(codes))
        .order_by(members.c.household_code, members.c.member_no)
    )


def recognised_statement(codes: Sequence[str]) -> sa.Select[Any]:
    return sa.select(recognised).where(recognised.c.household_code.in_(codes))


def assemble(
    heads: Iterable[Mapping[Any, Any]],
    roster_rows: Iterable[Mapping[Any, Any]],
    recognised_rows: Iterable[Mapping[Any, Any]],
) -> dict[str, Registered]:
    """Registered households from the rows of the three statements above."""
    roster: dict[str, list[MemberFacts]] = {}
    for r in roster_rows:
        roster.setdefault(r["household_code"], []).append(
            MemberFacts(
                r["member_no"], r["age"], r["working_age"], r["able_to_work"], r["disability"]
            )
        )
    history: dict[str, list[RecognisedEntry]] = {}
    for h in recognised_rows:
        history.setdefault(h["household_code"], []).append(
            RecognisedEntry(
                h["effective_on"],
                PovertyStatus(h["status"]),
                h["newly_escaped_until"],
                h["low_income_worker"],
                h["order_key"],
            )
        )
    out: dict[str, Registered] = {}
    for m in heads:
        code = m["household_code"]
        out[code] = Registered(
            household_code=code,
            commune_code=m["commune_code"],
            village_code=m["village_code"] or "",
            status=m["status"],
            stage=m["stage"],
            head_ethnicity=m["head_ethnicity"],
            members=tuple(roster.get(code, ())),
            history=tuple(history.get(code, ())),
            causes=tuple(c for c in (m["causes"] or "").split(",") if c),
            needs=tuple(n for n in (m["needs"] or "").split(",") if n),
        )
    return out
