"""Support records: write, look up, list with filters and pages, total."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from services.support.adapters.codec import decode
from services.support.adapters.sums import joined, split_sum
from services.support.adapters.tables import (
    ledger_reach,
    ledger_sums,
    recognised_latest,
    records,
)
from services.support.views import RecordView, Totals

MAX_PAGE_SIZE = 500

_VIEW_COLUMNS = [records.c[name] for name in RecordView.model_fields]


@dataclass(frozen=True, slots=True)
class Within:
    """The part of the province a caller may see: these communes or these villages (a list
    filtered to nothing shows nothing)."""

    communes: tuple[str, ...] = ()
    villages: tuple[str, ...] = ()

    def condition(self, commune: Any, village: Any) -> Any:
        parts = []
        if self.communes:
            parts.append(commune.in_(self.communes))
        if self.villages:
            parts.append(village.in_(self.villages))
        return sa.or_(*parts) if parts else sa.false()


@dataclass(frozen=True, slots=True)
class RecordFilter:
    """Which records a list shows (every criterion optional; all given must hold)."""

    commune_codes: tuple[str, ...] = ()
    village_code: str | None = None
    household_code: str | None = None
    programme_code: str | None = None
    """A programme and its sub-projects (``NTP2021.P3`` includes ``NTP2021.P3.1``)."""
    kind: str | None = None
    funding_source: str | None = None
    given_from: date | None = None
    given_to: date | None = None
    status: str | None = None
    record_type: str | None = None
    household_status: str | None = None
    """The household's latest recognised status."""
    overridden: bool | None = None
    pairing_id: str | None = None
    within: Within | None = None
    """The caller's area (``None``: the whole province)."""


def _where(f: RecordFilter) -> list[Any]:
    c = records.c
    cond: list[Any] = []
    if f.commune_codes:
        cond.append(c.commune_code.in_(f.commune_codes))
    if f.village_code:
        cond.append(c.village_code == f.village_code)
    if f.household_code:
        cond.append(c.household_code == f.household_code)
    if f.programme_code:
        cond.append(
            sa.or_(
                c.programme_code == f.programme_code,
                c.programme_code.startswith(f.programme_code + ".", autoescape=True),
            )
        )
    if f.kind:
        cond.append(c.kind == f.kind)
    if f.funding_source:
        cond.append(c.funding_source == f.funding_source)
    if f.given_from:
        cond.append(c.given_on >= f.given_from)
    if f.given_to:
        cond.append(c.given_on <= f.given_to)
    if f.status:
        cond.append(c.status == f.status)
    if f.record_type:
        cond.append(c.record_type == f.record_type)
    if f.overridden is not None:
        cond.append(c.overridden.is_(f.overridden))
    if f.pairing_id:
        cond.append(c.pairing_id == f.pairing_id)
    if f.within is not None:
        cond.append(f.within.condition(c.commune_code, c.village_code))
    if f.household_status:
        r = recognised_latest.c
        cond.append(
            c.household_code.in_(sa.select(r.household_code).where(r.status == f.household_status))
        )
    return cond


def _view(row: Any) -> RecordView:
    """Rows written by the ledger are valid by construction: built without re-validation."""
    return RecordView.model_construct(**row._mapping)


class LedgerRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def stored_request(
        self, table: sa.Table, key: str, value: str, column: str = "request"
    ) -> dict[str, Any] | None:
        """The canonical request stored with ``value``; ``{}`` if the row exists without one."""
        row = self.conn.execute(sa.select(table.c[column]).where(table.c[key] == value)).first()
        if row is None:
            return None
        return decode(row[0]) or {}

    def stored_requests(
        self, table: sa.Table, key: str, values: Sequence[str]
    ) -> dict[str, dict[str, Any]]:
        """The canonical requests stored with each of ``values`` that exists."""
        out: dict[str, dict[str, Any]] = {}
        unique = sorted(set(values))
        for i in range(0, len(unique), 500):
            q = sa.select(table.c[key], table.c.request).where(
                table.c[key].in_(unique[i : i + 500])
            )
            out.update({k: decode(raw) or {} for k, raw in self.conn.execute(q)})
        return out

    def lock(self, table: sa.Table, key: str, value: str) -> None:
        """Hold the row until commit (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite has one
        writer at a time): two replicas changing one loan, obligation, fund, case or pairing
        apply their facts one after the other, each on the state the other left."""
        self.conn.execute(
            sa.select(table.c[key]).where(table.c[key] == value).with_for_update()
        ).first()

    def exists(self, table: sa.Table, key: str, value: str) -> bool:
        q = sa.select(sa.literal(1)).select_from(table).where(table.c[key] == value)
        return self.conn.execute(q).first() is not None

    def areas(self, table: sa.Table, key: str, values: Sequence[str]) -> dict[str, tuple[str, str]]:
        """(commune, village) of each row of ``table`` whose ``key`` is one of ``values``."""
        out: dict[str, tuple[str, str]] = {}
        unique = sorted(set(values))
        for i in range(0, len(unique), 500):
            q = sa.select(table.c[key], table.c.commune_code, table.c.village_code).where(
                table.c[key].in_(unique[i : i + 500])
            )
            out.update({k: (c, v or "") for k, c, v in self.conn.execute(q)})
        return out

    def area(self, table: sa.Table, key: str, value: str) -> tuple[str, str] | None:
        """(commune, village) of the row of ``table`` whose ``key`` is ``value``."""
        row = self.conn.execute(
            sa.select(table.c.commune_code, table.c.village_code).where(table.c[key] == value)
        ).first()
        return (row[0], row[1] or "") if row else None

    def add(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert ledger rows and add them to ``ledger_sum`` in the same transaction."""
        if rows:
            self.conn.execute(sa.insert(records), list(rows))
            add_to_sums(self.conn, rows)

    def set_status(
        self, status: str, *, record_id: str | None = None, case_id: str | None = None
    ) -> None:
        q = sa.update(records).values(status=status)
        if record_id is not None:
            q = q.where(records.c.record_id == record_id)
        if case_id is not None:
            q = q.where(records.c.case_id == case_id)
        self.conn.execute(q)

    def get(self, record_id: str) -> RecordView | None:
        row = self.conn.execute(
            sa.select(*_VIEW_COLUMNS).where(records.c.record_id == record_id)
        ).first()
        return _view(row) if row else None

    def of_household(self, household_code: str) -> list[RecordView]:
        q = (
            sa.select(*_VIEW_COLUMNS)
            .where(records.c.household_code == household_code)
            .order_by(records.c.given_on, records.c.record_id)
        )
        return [_view(r) for r in self.conn.execute(q)]

    def page(self, f: RecordFilter, page: int, page_size: int) -> tuple[list[RecordView], int]:
        cond = _where(f)
        total = self.conn.execute(
            sa.select(sa.func.count()).select_from(records).where(*cond)
        ).scalar_one()
        q = (
            sa.select(*_VIEW_COLUMNS)
            .where(*cond)
            .order_by(records.c.given_on, records.c.record_id)
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
        return [_view(r) for r in self.conn.execute(q)], int(total)

    def totals(self, f: RecordFilter) -> Totals:
        """Counts and sums in SQL (split so that they cannot overflow)."""
        cond = _where(f)
        c = records.c

        def grouped(col: Any) -> dict[str, int]:
            q = sa.select(col, *split_sum(c.amount_vnd, "a")).where(*cond).group_by(col)
            return {r[0]: joined(r, "a") for r in self.conn.execute(q)}

        head = self.conn.execute(
            sa.select(
                sa.func.count().label("n"),
                sa.func.coalesce(sa.func.sum(sa.case((c.overridden, 1), else_=0)), 0).label("o"),
                *split_sum(c.amount_vnd, "a"),
            ).where(*cond)
        ).one()
        return Totals(
            records=int(head.n),
            amount_vnd=joined(head, "a"),
            by_kind=grouped(c.kind),
            by_funding_source=grouped(c.funding_source),
            by_programme=grouped(c.programme_code),
            overridden=int(head.o),
        )

    def pairing_sums(self, pairing_id: str) -> tuple[int, int]:
        row = self.conn.execute(
            sa.select(sa.func.count().label("n"), *split_sum(records.c.amount_vnd, "a")).where(
                records.c.pairing_id == pairing_id
            )
        ).one()
        return int(row.n), joined(row, "a")


def totals_of(views: Sequence[RecordView]) -> Totals:
    """Totals of records already loaded (Python integers: no overflow)."""
    by_kind: dict[str, int] = {}
    by_source: dict[str, int] = {}
    by_programme: dict[str, int] = {}
    for v in views:
        by_kind[v.kind] = by_kind.get(v.kind, 0) + v.amount_vnd
        by_source[v.funding_source] = by_source.get(v.funding_source, 0) + v.amount_vnd
        by_programme[v.programme_code] = by_programme.get(v.programme_code, 0) + v.amount_vnd
    return Totals(
        records=len(views),
        amount_vnd=sum(v.amount_vnd for v in views),
        by_kind=by_kind,
        by_funding_source=by_source,
        by_programme=by_programme,
        overridden=sum(1 for v in views if v.overridden),
    )


def add_to_sums(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Add ``rows`` to the running sums and the households reached (one accumulating upsert
    per key, keys in a fixed order so that two transactions adding to the same keys cannot
    deadlock on PostgreSQL). A pass-on (an animal a household hands on to the next, recorded
    with ``passed_from_record_id``) reaches a household but spends no money: the giver's
    record was the disbursement, so it adds nothing to the amount."""
    acc: dict[tuple[int, str, str, str], list[int]] = {}
    for r in rows:
        key = (r["given_on"].year, r["commune_code"], r["programme_code"], r["funding_source"])
        a = acc.setdefault(key, [0, 0])
        if not r.get("passed_from_record_id"):
            a[0] += r["amount_vnd"]
        a[1] += 1
    ins: Any = (
        postgresql.insert(ledger_sums)
        if conn.dialect.name == "postgresql"
        else sqlite.insert(ledger_sums)
    )
    stmt = ins.on_conflict_do_update(
        index_elements=["year", "commune_code", "programme_code", "funding_source"],
        set_={
            "amount_vnd": ledger_sums.c.amount_vnd + ins.excluded.amount_vnd,
            "records": ledger_sums.c.records + ins.excluded.records,
        },
    )
    reached = sorted(
        {
            (
                r["given_on"].year,
                r["commune_code"],
                r["programme_code"],
                r["kind"],
                r["household_code"],
            )
            for r in rows
        }
    )
    reach: Any = (
        postgresql.insert(ledger_reach)
        if conn.dialect.name == "postgresql"
        else sqlite.insert(ledger_reach)
    )
    conn.execute(
        reach.on_conflict_do_nothing(),
        [
            {
                "year": y,
                "commune_code": c,
                "programme_code": p,
                "kind": k,
                "household_code": h,
            }
            for y, c, p, k, h in reached
        ],
    )
    conn.execute(
        stmt,
        [
            {
                "year": y,
                "commune_code": c,
                "programme_code": p,
                "funding_source": f,
                "amount_vnd": a,
                "records": n,
            }
            for (y, c, p, f), (a, n) in sorted(acc.items())
        ],
    )
