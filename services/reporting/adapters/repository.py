"""Typed repositories over reporting's tables: values in, values out, SQL only here."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from services.reporting.adapters.tables import (
    PROJECTIONS,
    area_changes,
    area_registry,
    areas,
    cells,
    household_changes,
    households,
    indicators,
    loans,
    plan_capacity,
    plan_heads,
    plan_projects,
    plan_reach,
    plan_spend,
    plan_trained,
    plumbing,
    rounds,
    signoff_steps,
    signoff_versions,
    signoffs,
    support,
    tallies,
    targets,
    training,
)
from services.reporting.domain.areas import Area, AreaLevel, AreaTree, Leaf
from services.reporting.domain.households import HouseholdFacts
from services.reporting.domain.life import LifeEvent, Standing
from services.reporting.domain.signoff import (
    Actor,
    Role,
    Signoff,
    SignoffState,
    Step,
    StepRecord,
)
from services.reporting.domain.structure import IndicatorRef, Structure, structure_of
from services.reporting.domain.targets import Target, TargetMeasure
from services.reporting.domain.values import Counts, RoundKey
from shared.area_changes import AreaChange, AreaChangeKind, AreaHistory
from shared.contracts.codes import ReviewStage
from shared.contracts.registry import LifeEventKind
from shared.db import SqlUnitOfWork, executemany, insert_rows, upsert, upsert_latest
from shared.runtime import STREAM_OF

CellKey = tuple[int, str, str, str, str, str, str]
"""(year, standard, stage, measure, commune, village, category): a cell's primary key."""

WHOLE_COMMUNE = "*"
"""The village code of a commune's own cells: the sum of its villages', kept so that reports
by commune read one row per commune instead of one per village."""

AreaCellSums = Mapping[Leaf, Mapping[str, Mapping[str, Counts]]]
"""Cells summed per leaf: measure → category → counts."""

_CHUNK = 500

BULK_CACHE_KIB = -262_144
"""SQLite's page cache during a bulk rebuild (negative: KiB, i.e. 256 MiB)."""


def _insert(conn: Connection, table: sa.Table) -> Any:
    return postgresql.insert(table) if conn.dialect.name == "postgresql" else sqlite.insert(table)


def _csv(values: Iterable[str]) -> str:
    return ",".join(values)


def _split(text: str) -> tuple[str, ...]:
    return tuple(x for x in text.split(",") if x)


class Households:
    """``household_round``: each household's figures per round, standard and stage."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def lock(self, keys: Sequence[tuple[int, str, str, str]]) -> None:
        """Serialise writers of the same household keys until commit, before anything is
        read: PostgreSQL advisory locks, taken in one sorted order so two batches cannot
        deadlock; on SQLite the database's write lock (a write that changes nothing; the
        driver starts no transaction on a read)."""
        if self.conn.dialect.name != "postgresql":
            self.conn.execute(
                sa.update(rounds).where(rounds.c.review_year < 0).values(stage=rounds.c.stage)
            )
            return
        if not keys:
            return
        names = sorted({f"{y}|{s}|{g}|{h}" for y, s, g, h in keys})
        self.conn.execute(
            sa.text(
                "SELECT count(pg_advisory_xact_lock(h)) FROM (SELECT DISTINCT "
                "hashtextextended(k, 0) AS h FROM unnest(CAST(:keys AS text[])) AS k "
                "ORDER BY h) AS ordered"
            ),
            {"keys": names},
        )

    def get(
        self, keys: Sequence[tuple[int, str, str, str]]
    ) -> dict[tuple[int, str, str, str], HouseholdFacts]:
        """The stored facts of ``keys`` (absent keys are left out)."""
        out: dict[tuple[int, str, str, str], HouseholdFacts] = {}
        groups: dict[tuple[int, str, str], list[str]] = {}
        for y, s, g, h in keys:
            groups.setdefault((y, s, g), []).append(h)
        t = households
        for (y, s, g), codes in groups.items():
            for i in range(0, len(codes), _CHUNK):
                q = sa.select(t).where(
                    t.c.review_year == y,
                    t.c.standard_id == s,
                    t.c.stage == g,
                    t.c.household_code.in_(codes[i : i + _CHUNK]),
                )
                for row in self.conn.execute(q):
                    f = _facts(row._mapping)
                    out[f.key] = f
        return out

    def save(self, facts: Sequence[HouseholdFacts]) -> None:
        """Latest-wins upsert: a stored row is replaced only by a row of a later survey (the
        order key is compared in SQL)."""
        upsert_latest(
            self.conn,
            households,
            [_row(f) for f in facts],
            keys=["review_year", "standard_id", "stage", "household_code"],
        )

    def insert_rows(self, rows: Sequence[Sequence[Any]]) -> None:
        """Plain inserts of rows made by :func:`facts_row` into an empty table (a bulk
        rebuild: each key once)."""
        executemany(
            self.conn,
            "households.insert_rows",
            lambda: sa.insert(households),
            rows,
            positional=ROW_FIELDS,
        )

    def any(self) -> bool:
        return (
            self.conn.execute(sa.select(households.c.household_code).limit(1)).first() is not None
        )

    def listed(
        self,
        key: RoundKey,
        *,
        communes: Sequence[str] | None,
        villages: Sequence[str] | None = None,
        statuses: Sequence[str] | None,
        newly_escaped: bool,
        limit: int,
        offset: int,
    ) -> tuple[int, list[HouseholdFacts]]:
        """Households of a round (total and one page), ordered by commune, village, code."""
        t = households
        cond = [
            t.c.review_year == key.review_year,
            t.c.standard_id == key.standard_id,
            t.c.stage == key.stage.value,
        ]
        if communes is not None:
            cond.append(t.c.commune_code.in_(list(communes)))
        if villages is not None:
            cond.append(t.c.village_code.in_(list(villages)))
        if statuses is not None:
            cond.append(t.c.status.in_(list(statuses)))
        if newly_escaped:
            cond.append(t.c.newly_escaped_until.is_not(None))
        n = self.conn.execute(sa.select(sa.func.count()).select_from(t).where(*cond)).scalar_one()
        q = (
            sa.select(t)
            .where(*cond)
            .order_by(t.c.commune_code, t.c.village_code, t.c.household_code)
            .limit(limit)
            .offset(offset)
        )
        return int(n), [_facts(r._mapping) for r in self.conn.execute(q)]


ROW_FIELDS: tuple[str, ...] = tuple(households.c.keys())
"""The columns of ``household_round``, the order of :func:`facts_row`'s values."""

ROW_ORDER = ROW_FIELDS.index("order_key")
ROW_PROVINCE = ROW_FIELDS.index("province_code")
ROW_COMMUNE = ROW_FIELDS.index("commune_code")


def facts_row(f: HouseholdFacts) -> tuple[Any, ...]:
    """A household's facts as a ``household_round`` row (values in :data:`ROW_FIELDS`
    order)."""
    return (
        f.review_year,
        f.standard_id,
        f.stage,
        f.household_code,
        f.survey_id,
        f.order_key,
        f.province_code,
        f.commune_code,
        f.village_code,
        f.status,
        f.previous_status,
        f.transition,
        f.member_count,
        f.head_ethnicity,
        f.head_sex,
        f.minority,
        f.no_labour,
        _csv(f.causes),
        _csv(f.needs),
        _csv(f.deprived),
        f.children,
        f.children_uninsured,
        f.children_malnourished,
        f.children_out_of_school,
        f.newly_escaped_until,
        f.low_income_worker_household,
        f.workers,
        f.mpi_score,
    )


def row_facts(row: Sequence[Any]) -> HouseholdFacts:
    """The facts of a ``household_round`` row given as :func:`facts_row` makes it."""
    return _facts(dict(zip(ROW_FIELDS, row, strict=True)))


def _row(f: HouseholdFacts) -> dict[str, Any]:
    return dict(zip(ROW_FIELDS, facts_row(f), strict=True))


def _facts(m: Any) -> HouseholdFacts:
    return HouseholdFacts(
        review_year=m["review_year"],
        standard_id=m["standard_id"],
        stage=m["stage"],
        household_code=m["household_code"],
        survey_id=m["survey_id"],
        order_key=m["order_key"],
        province_code=m["province_code"],
        commune_code=m["commune_code"],
        village_code=m["village_code"],
        status=m["status"],
        previous_status=m["previous_status"],
        transition=m["transition"],
        member_count=m["member_count"],
        head_ethnicity=m["head_ethnicity"],
        head_sex=m["head_sex"],
        minority=bool(m["minority"]),
        no_labour=bool(m["no_labour"]),
        causes=_split(m["causes"]),
        needs=_split(m["needs"]),
        deprived=_split(m["deprived"]),
        children=m["children"],
        children_uninsured=m["children_uninsured"],
        children_malnourished=m["children_malnourished"],
        children_out_of_school=m["children_out_of_school"],
        newly_escaped_until=m["newly_escaped_until"],
        low_income_worker_household=bool(m["low_income_worker_household"]),
        workers=m["workers"],
        mpi_score=m["mpi_score"],
    )


_CELL_FIELDS: tuple[str, ...] = tuple(cells.c.keys())


class Cells:
    """``report_cell``: pre-aggregates per village, changed by deltas only."""

    KEY = (
        "review_year",
        "standard_id",
        "stage",
        "measure",
        "commune_code",
        "village_code",
        "category",
    )

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, deltas: Mapping[CellKey, Counts], provinces: Mapping[str, str]) -> None:
        """Add ``deltas`` to the cells (created at zero when new; ``provinces``: the province
        of each commune); cells brought back to zero are removed, so equal figures are equal
        tables whatever the history."""
        rows: list[dict[str, Any]] = [
            {
                "review_year": y,
                "standard_id": s,
                "stage": g,
                "measure": m,
                "province_code": provinces.get(c, ""),
                "commune_code": c,
                "village_code": v,
                "category": cat,
                "households": d.households,
                "persons": d.persons,
            }
            for (y, s, g, m, c, v, cat), d in deltas.items()
            if not d.is_zero
        ]
        if not rows:
            return

        def increment(ins: Any) -> Any:
            return ins.on_conflict_do_update(
                index_elements=list(self.KEY),
                set_={
                    "households": cells.c.households + ins.excluded.households,
                    "persons": cells.c.persons + ins.excluded.persons,
                },
            )

        names = tuple(rows[0])  # one row per cell (the keys of ``deltas``), as the clause needs
        insert_rows(
            self.conn,
            "cells.add",
            cells,
            names,
            [tuple(r.values()) for r in rows],
            on_conflict=increment,
        )
        shrunk = [
            {f"k_{k}": r[k] for k in self.KEY}
            for r in rows
            if r["households"] < 0 or r["persons"] < 0
        ]
        if shrunk:
            self.conn.execute(
                sa.delete(cells).where(
                    *(cells.c[k] == sa.bindparam(f"k_{k}") for k in self.KEY),
                    cells.c.households == 0,
                    cells.c.persons == 0,
                ),
                shrunk,
            )

    def insert_fresh(
        self, deltas: Mapping[CellKey, Sequence[int]], provinces: Mapping[str, str]
    ) -> None:
        """Plain inserts of cells, given as [households, persons], into an empty table (a
        bulk rebuild: each key once; cells at zero are left out, as :meth:`add` removes
        them)."""
        executemany(
            self.conn,
            "cells.insert_fresh",
            lambda: sa.insert(cells),
            [
                (y, s, g, m, c, v, cat, provinces.get(c, ""), h, p)
                for (y, s, g, m, c, v, cat), (h, p) in deltas.items()
                if h or p
            ],
            positional=_CELL_FIELDS,
        )

    def sums(
        self,
        key: RoundKey,
        measures: Sequence[str],
        *,
        by_village: bool,
        communes: Sequence[str] | None = None,
    ) -> AreaCellSums:
        """Cells of ``measures`` per commune (or per village), for some communes."""
        t = cells
        q = sa.select(
            t.c.province_code,
            t.c.commune_code,
            t.c.village_code,
            t.c.measure,
            t.c.category,
            t.c.households,
            t.c.persons,
        ).where(
            t.c.review_year == key.review_year,
            t.c.standard_id == key.standard_id,
            t.c.stage == key.stage.value,
            t.c.measure.in_(list(measures)),
            t.c.village_code != WHOLE_COMMUNE if by_village else t.c.village_code == WHOLE_COMMUNE,
        )
        if communes is not None:
            q = q.where(t.c.commune_code.in_(list(communes)))
        out: dict[Leaf, dict[str, dict[str, Counts]]] = {}
        leaves: dict[tuple[str, str, str], Leaf] = {}
        for p, c, v, m, cat, h, n in self.conn.execute(q):
            leaf = leaves.get((p, c, v))
            if leaf is None:
                leaf = leaves[(p, c, v)] = Leaf(p, c, v if by_village else None)
            out.setdefault(leaf, {}).setdefault(m, {})[cat] = Counts(int(h), int(n))
        return out

    def content(self, key: RoundKey, commune_code: str) -> list[tuple[str, str, str, int, int]]:
        """Every cell of one commune: (measure, village, category, households, persons)."""
        t = cells
        q = sa.select(
            t.c.measure, t.c.village_code, t.c.category, t.c.households, t.c.persons
        ).where(
            t.c.review_year == key.review_year,
            t.c.standard_id == key.standard_id,
            t.c.stage == key.stage.value,
            t.c.commune_code == commune_code,
            t.c.village_code != WHOLE_COMMUNE,
        )
        return [(m, v, c, int(h), int(p)) for m, v, c, h, p in self.conn.execute(q)]

    def communes(self, key: RoundKey) -> set[str]:
        t = cells
        q = (
            sa.select(t.c.commune_code)
            .where(
                t.c.review_year == key.review_year,
                t.c.standard_id == key.standard_id,
                t.c.stage == key.stage.value,
                t.c.measure == "status",
                t.c.village_code == WHOLE_COMMUNE,
            )
            .distinct()
        )
        return set(self.conn.execute(q).scalars())

    def villages(self, key: RoundKey) -> set[str]:
        t = cells
        q = (
            sa.select(t.c.village_code)
            .where(
                t.c.review_year == key.review_year,
                t.c.standard_id == key.standard_id,
                t.c.stage == key.stage.value,
                t.c.measure == "status",
                t.c.village_code != WHOLE_COMMUNE,
            )
            .distinct()
        )
        return set(self.conn.execute(q).scalars())


class Rounds:
    """``report_round`` and ``standard_indicator``: which figures exist."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, keys: Iterable[RoundKey]) -> None:
        rows = [
            {"review_year": k.review_year, "standard_id": k.standard_id, "stage": k.stage.value}
            for k in set(keys)
        ]
        upsert(self.conn, rounds, rows, keys=["review_year", "standard_id", "stage"])

    def all(self) -> list[RoundKey]:
        q = sa.select(rounds).order_by(rounds.c.standard_id, rounds.c.review_year, rounds.c.stage)
        return [RoundKey(y, s, ReviewStage(g)) for y, s, g in self.conn.execute(q)]

    def add_structure(self, standard_id: str, refs: Sequence[IndicatorRef]) -> None:
        upsert(
            self.conn,
            indicators,
            [
                {
                    "standard_id": standard_id,
                    "code": r.code,
                    "position": i,
                    "dimension": r.dimension,
                }
                for i, r in enumerate(refs)
            ],
            keys=["standard_id", "code"],
        )

    def structures(self) -> dict[str, Structure]:
        """The indicator structure of every standard seen."""
        q = sa.select(indicators).order_by(indicators.c.standard_id, indicators.c.position)
        refs: dict[str, list[IndicatorRef]] = {}
        for s, code, _pos, dim in self.conn.execute(q):
            refs.setdefault(s, []).append(IndicatorRef(code, dim))
        return {s: structure_of(r) for s, r in refs.items()}


_TREES: dict[str, AreaTree] = {}
"""Registries read, by fingerprint (values: safe to share between connections)."""


class Areas:
    """``area``: reporting's copy of the registry (and its fingerprint)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def replace(self, tree: AreaTree) -> None:
        """Make the table hold exactly ``tree``."""
        rows = [
            {
                "code": a.code,
                "level": a.level.value,
                "name_vi": a.name_vi,
                "name_en": a.name_en,
                "parent_code": a.parent_code,
                "former_district_code": a.former_district_code,
                "valid_from": a.valid_from,
                "valid_to": a.valid_to,
            }
            for a in tree.areas.values()
        ]
        keep = {r["code"] for r in rows}
        stale = [c for c in self.conn.execute(sa.select(areas.c.code)).scalars() if c not in keep]
        for i in range(0, len(stale), _CHUNK):
            self.conn.execute(sa.delete(areas).where(areas.c.code.in_(stale[i : i + _CHUNK])))
        upsert(
            self.conn,
            areas,
            rows,
            keys=["code"],
            update=[k for k in rows[0] if k != "code"] if rows else None,
        )
        upsert(
            self.conn,
            area_registry,
            [{"id": 1, "content_hash": tree.fingerprint()}],
            keys=["id"],
            update=["content_hash"],
        )

    def replace_changes(self, changes: Sequence[AreaChange]) -> None:
        """Make ``area_change`` hold exactly ``changes`` (in their order)."""
        self.conn.execute(sa.delete(area_changes))
        rows = [
            {
                "seq": n,
                "effective_on": c.effective_on,
                "kind": c.kind.value,
                "code": c.code,
                "new_code": c.new_code,
                "new_name": c.new_name,
                "new_parent_code": c.new_parent_code,
            }
            for n, c in enumerate(changes, start=1)
        ]
        if rows:
            self.conn.execute(sa.insert(area_changes), rows)

    def history(self, tree: AreaTree) -> AreaHistory:
        """The registry's changes, with the villages' communes of ``tree``."""
        t = area_changes
        changes = [
            AreaChange(
                r.effective_on,
                AreaChangeKind(r.kind),
                r.code,
                r.new_code,
                r.new_name,
                r.new_parent_code,
            )
            for r in self.conn.execute(sa.select(t).order_by(t.c.seq))
        ]
        parents = {
            a.code: a.parent_code
            for a in tree.areas.values()
            if a.level is AreaLevel.VILLAGE and a.parent_code
        }
        return AreaHistory(tuple(changes), parents)

    def tree(self) -> AreaTree:
        """The registry (read once per version and kept in memory)."""
        version = self.conn.execute(
            sa.select(area_registry.c.content_hash).where(area_registry.c.id == 1)
        ).scalar_one_or_none()
        if version is not None and version in _TREES:
            return _TREES[version]
        tree = AreaTree.of(
            Area(
                r.code,
                AreaLevel(r.level),
                r.name_vi,
                r.name_en,
                r.parent_code,
                r.former_district_code,
                r.valid_from,
                r.valid_to,
            )
            for r in self.conn.execute(sa.select(areas))
        )
        if version is not None and version == tree.fingerprint():
            if len(_TREES) > 8:
                _TREES.clear()
            _TREES[version] = tree
        return tree


@dataclass(frozen=True, slots=True)
class StoredTarget:
    target: Target
    set_by: str
    set_at: datetime


class Targets:
    """``target``: planned reductions per area, year and measure."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def put(self, items: Sequence[Target], by: str, at: datetime) -> None:
        rows = [
            {
                "review_year": t.review_year,
                "area_code": t.area_code,
                "measure": t.measure.value,
                "planned_centipoints": t.centipoints,
                "set_by": by,
                "set_at": at,
            }
            for t in items
        ]
        upsert(
            self.conn,
            targets,
            rows,
            keys=["review_year", "area_code", "measure"],
            update=["planned_centipoints", "set_by", "set_at"],
        )

    def of_year(self, review_year: int) -> list[StoredTarget]:
        q = (
            sa.select(targets)
            .where(targets.c.review_year == review_year)
            .order_by(targets.c.area_code, targets.c.measure)
        )
        return [
            StoredTarget(
                Target(
                    r.review_year,
                    r.area_code,
                    TargetMeasure(r.measure),
                    Decimal(r.planned_centipoints).scaleb(-2),
                ),
                r.set_by,
                r.set_at,
            )
            for r in self.conn.execute(q)
        ]


@dataclass(frozen=True, slots=True)
class FrozenVersion:
    """An approved version of a commune's figures."""

    version: int
    content_hash: str
    content: str
    submitted_by: str
    submitted_at: datetime
    approved_by: str
    approved_at: datetime


class Signoffs:
    """``signoff``, ``signoff_version`` and ``signoff_step``."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    @staticmethod
    def _where(t: sa.Table, year: int, standard: str, commune: str) -> list[Any]:
        return [t.c.review_year == year, t.c.standard_id == standard, t.c.commune_code == commune]

    def get(self, year: int, standard: str, commune: str) -> tuple[Signoff, str | None]:
        """The sign-off (a fresh, open one if none) and the submitted content."""
        row = self.conn.execute(
            sa.select(signoffs).where(*self._where(signoffs, year, standard, commune))
        ).first()
        if row is None:
            return Signoff(year, standard, commune), None
        return (
            Signoff(
                year,
                standard,
                commune,
                SignoffState(row.state),
                row.approved_version,
                row.submitted_hash,
                row.submitted_by,
                row.submitted_at,
            ),
            row.submitted_content,
        )

    def save(self, before: Signoff, after: Signoff, content: str | None) -> bool:
        """Store ``after`` if the stored state is still ``before``'s (False: someone else took
        a step first). ``content``: the submitted figures when submitting."""
        values = {
            "state": after.state.value,
            "approved_version": after.approved_version,
            "submitted_hash": after.submitted_hash,
            "submitted_by": after.submitted_by,
            "submitted_at": after.submitted_at,
        }
        if content is not None:
            values["submitted_content"] = content
        where = self._where(signoffs, after.review_year, after.standard_id, after.commune_code)
        updated = self.conn.execute(
            sa.update(signoffs)
            .where(*where, signoffs.c.state == before.state.value)
            .where(signoffs.c.approved_version == before.approved_version)
            .values(**values)
        )
        if updated.rowcount == 1:
            return True
        exists = self.conn.execute(sa.select(sa.func.count()).select_from(signoffs).where(*where))
        if exists.scalar_one():
            return False
        ins = _insert(self.conn, signoffs).values(
            {
                "review_year": after.review_year,
                "standard_id": after.standard_id,
                "commune_code": after.commune_code,
                "submitted_content": content,
                **values,
            }
        )
        stmt = ins.on_conflict_do_nothing().returning(signoffs.c.review_year)
        return self.conn.execute(stmt).first() is not None

    def add_version(
        self, s: Signoff, content_hash: str, content: str, approver: Actor, at: datetime
    ) -> None:
        if s.submitted_by is None or s.submitted_at is None:
            msg = "an approved version needs its submission"
            raise ValueError(msg)
        self.conn.execute(
            sa.insert(signoff_versions),
            [
                {
                    "review_year": s.review_year,
                    "standard_id": s.standard_id,
                    "commune_code": s.commune_code,
                    "version": s.approved_version,
                    "content_hash": content_hash,
                    "content": content,
                    "submitted_by": s.submitted_by,
                    "submitted_at": s.submitted_at,
                    "approved_by": approver.user_id,
                    "approved_at": at,
                }
            ],
        )

    def version(self, year: int, standard: str, commune: str, version: int) -> FrozenVersion | None:
        t = signoff_versions
        row = self.conn.execute(
            sa.select(t).where(*self._where(t, year, standard, commune), t.c.version == version)
        ).first()
        if row is None:
            return None
        return FrozenVersion(
            row.version,
            row.content_hash,
            row.content,
            row.submitted_by,
            row.submitted_at,
            row.approved_by,
            row.approved_at,
        )

    def add_step(self, s: Signoff, record: StepRecord) -> None:
        self.conn.execute(
            sa.insert(signoff_steps),
            [
                {
                    "review_year": s.review_year,
                    "standard_id": s.standard_id,
                    "commune_code": s.commune_code,
                    "step": record.step.value,
                    "from_state": record.from_state.value,
                    "to_state": record.to_state.value,
                    "actor_id": record.actor.user_id,
                    "actor_role": record.actor.role.value,
                    "at": record.at,
                    "reason": record.reason,
                    "content_hash": record.content_hash,
                    "version": record.version,
                }
            ],
        )

    def steps(self, year: int, standard: str, commune: str) -> list[StepRecord]:
        t = signoff_steps
        q = sa.select(t).where(*self._where(t, year, standard, commune)).order_by(t.c.id)
        return [
            StepRecord(
                Step(r.step),
                SignoffState(r.from_state),
                SignoffState(r.to_state),
                Actor(r.actor_id, Role(r.actor_role)),
                r.at,
                r.reason,
                r.content_hash,
                r.version,
            )
            for r in self.conn.execute(q)
        ]


class Tallies:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, counts: Mapping[tuple[str, str], int]) -> None:
        for (event_type, standard), n in counts.items():
            updated = self.conn.execute(
                sa.update(tallies)
                .where(tallies.c.event_type == event_type, tallies.c.standard_id == standard)
                .values(count=tallies.c.count + n)
            )
            if updated.rowcount == 0:
                self.conn.execute(
                    sa.insert(tallies),
                    [{"event_type": event_type, "standard_id": standard, "count": n}],
                )

    def all(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for event_type, standard, n in self.conn.execute(sa.select(tallies)):
            out.setdefault(event_type, {})[standard or "-"] = int(n)
        return out


@dataclass(frozen=True, slots=True)
class SupportTotal:
    commune_code: str
    kind: str
    disbursements: int
    amount_vnd: int
    households: int


_GIGA = 1_000_000_000


class SupportLedger:
    """``support`` and ``training``: what support's events reported."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def save_disbursements(self, rows: Sequence[dict[str, Any]]) -> None:
        upsert(self.conn, support, rows, keys=["disbursement_id"])

    def save_enrolments(self, rows: Sequence[dict[str, Any]]) -> None:
        upsert(self.conn, training, rows, keys=["enrolment_id"])

    def totals(self) -> list[SupportTotal]:
        """Number and value by commune and kind. Amounts are summed in two parts (billions
        and the rest) and joined in Python, so no total overflows a 64-bit column sum."""
        t = support
        q = (
            sa.select(
                t.c.commune_code,
                t.c.kind,
                sa.func.count(),
                sa.func.sum(t.c.amount_vnd // _GIGA),
                sa.func.sum(t.c.amount_vnd % _GIGA),
                sa.func.count(sa.distinct(t.c.household_code)),
            )
            .group_by(t.c.commune_code, t.c.kind)
            .order_by(t.c.commune_code, t.c.kind)
        )
        return [
            SupportTotal(c, k, int(n), int(hi or 0) * _GIGA + int(lo or 0), int(h))
            for c, k, n, hi, lo, h in self.conn.execute(q)
        ]

    def received(self, household_codes: Sequence[str]) -> dict[str, dict[str, int]]:
        """Per household: value received by kind of support."""
        out: dict[str, dict[str, int]] = {}
        t = support
        for i in range(0, len(household_codes), _CHUNK):
            q = sa.select(t.c.household_code, t.c.kind, t.c.amount_vnd).where(
                t.c.household_code.in_(household_codes[i : i + _CHUNK])
            )
            for code, kind, amount in self.conn.execute(q):
                by = out.setdefault(code, {})
                by[kind] = by.get(kind, 0) + int(amount)
        return out

    def sponsors(self, household_codes: Sequence[str]) -> dict[str, str]:
        """Per household: the organisation named on its latest support helped by one."""
        out: dict[str, tuple[Any, str]] = {}
        t = support
        for i in range(0, len(household_codes), _CHUNK):
            q = sa.select(t.c.household_code, t.c.disbursed_on, t.c.helping_organisation).where(
                t.c.household_code.in_(household_codes[i : i + _CHUNK]),
                t.c.helping_organisation.is_not(None),
            )
            for code, on, org in self.conn.execute(q):
                cur = out.get(code)
                if cur is None or on >= cur[0]:
                    out[code] = (on, org)
        return {k: v[1] for k, v in out.items()}

    def save_loans(self, rows: Sequence[dict[str, Any]]) -> None:
        upsert_latest(self.conn, loans, rows, keys=["loan_id"])

    def loan_rows(self, communes: Sequence[str] | None) -> list[dict[str, Any]]:
        t = loans
        q = sa.select(
            t.c.loan_id, t.c.commune_code, t.c.status, t.c.outstanding_vnd, t.c.open_instalments
        )
        if communes is not None:
            q = q.where(t.c.commune_code.in_(list(communes)))
        return [dict(r._mapping) for r in self.conn.execute(q)]

    def outcome_households(
        self, key: RoundKey, communes: Sequence[str] | None
    ) -> list[dict[str, Any]]:
        """Poor, near-poor and newly escaped households of a round, with their status in
        the next round (None: not classified there)."""
        h, n = households.alias("h"), households.alias("n")
        join = h.outerjoin(
            n,
            sa.and_(
                n.c.review_year == key.review_year + 1,
                n.c.standard_id == h.c.standard_id,
                n.c.stage == h.c.stage,
                n.c.household_code == h.c.household_code,
            ),
        )
        q = (
            sa.select(
                h.c.household_code,
                h.c.commune_code,
                h.c.village_code,
                h.c.status,
                h.c.newly_escaped_until,
                h.c.workers,
                n.c.status.label("next_status"),
            )
            .select_from(join)
            .where(*self._round(h, key, communes))
            .where(
                sa.or_(h.c.status.in_(["poor", "near_poor"]), h.c.newly_escaped_until.is_not(None))
            )
        )
        return [dict(r._mapping) for r in self.conn.execute(q)]

    @staticmethod
    def _round(h: Any, key: RoundKey, communes: Sequence[str] | None) -> list[Any]:
        where = [
            h.c.review_year == key.review_year,
            h.c.standard_id == key.standard_id,
            h.c.stage == key.stage.value,
        ]
        if communes is not None:
            where.append(h.c.commune_code.in_(list(communes)))
        return where

    def kinds_received(
        self, key: RoundKey, communes: Sequence[str] | None, start: Any, end: Any
    ) -> dict[str, frozenset[str]]:
        """Per household of the round: the kinds of support disbursed to it in [start, end]."""
        h, t = households.alias("h"), support
        q = (
            sa.select(t.c.household_code, t.c.kind)
            .select_from(t.join(h, h.c.household_code == t.c.household_code))
            .where(*self._round(h, key, communes))
            .where(t.c.disbursed_on >= start, t.c.disbursed_on <= end)
            .distinct()
        )
        out: dict[str, set[str]] = {}
        for code, kind in self.conn.execute(q):
            out.setdefault(code, set()).add(kind)
        return {k: frozenset(v) for k, v in out.items()}

    def trainees(self, key: RoundKey, communes: Sequence[str] | None, end: Any) -> dict[str, int]:
        """Per household of the round: distinct members enrolled in training by ``end``
        (enrolments without a member count one each)."""
        h, t = households.alias("h"), training
        member = sa.func.coalesce(sa.cast(t.c.member_no, sa.String), t.c.enrolment_id)
        q = (
            sa.select(t.c.household_code, sa.func.count(sa.distinct(member)))
            .select_from(t.join(h, h.c.household_code == t.c.household_code))
            .where(*self._round(h, key, communes))
            .where(sa.or_(t.c.starts_on.is_(None), t.c.starts_on <= end))
            .group_by(t.c.household_code)
        )
        return {code: int(n) for code, n in self.conn.execute(q)}


def _standing(m: Any) -> Standing:
    return Standing(
        m["review_year"],
        m["province_code"],
        m["commune_code"],
        m["village_code"],
        m["status"],
        m["previous_status"],
        m["transition"],
        m["member_count"],
    )


class LifeEvents:
    """``household_change``: households' life events, and the figures the change tables'
    "other" rows read with them (``domain.life``)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def save(self, rows: Sequence[dict[str, Any]]) -> None:
        """Record events (each change id once; the same change again is ignored)."""
        for i in range(0, len(rows), _CHUNK):
            upsert(self.conn, household_changes, rows[i : i + _CHUNK], keys=["change_id"])

    def of_round(self, review_year: int) -> list[LifeEvent]:
        """Events that may count in round ``review_year``: moves, merges and dissolutions of
        that year and the year before, and every split (the new household counts when it is
        first classified)."""
        t = household_changes
        q = (
            sa.select(t)
            .where(
                sa.or_(
                    t.c.kind == LifeEventKind.SPLIT.value,
                    t.c.effective_on.between(
                        date(review_year - 1, 1, 1), date(review_year, 12, 31)
                    ),
                )
            )
            .order_by(t.c.effective_on, t.c.change_id)
        )
        return [
            LifeEvent(
                r.change_id,
                LifeEventKind(r.kind),
                r.household_code,
                r.effective_on,
                r.province_code,
                r.from_commune_code,
                r.from_village_code,
                r.to_commune_code,
                r.to_village_code,
                r.related_household_code,
            )
            for r in self.conn.execute(q)
        ]

    def standings(self, key: RoundKey, codes: Sequence[str]) -> dict[str, Standing]:
        """The round's figures of households ``codes`` (those classified in it)."""
        t = households
        out: dict[str, Standing] = {}
        unique = sorted(set(codes))
        for i in range(0, len(unique), _CHUNK):
            q = sa.select(t).where(
                t.c.review_year == key.review_year,
                t.c.standard_id == key.standard_id,
                t.c.stage == key.stage.value,
                t.c.household_code.in_(unique[i : i + _CHUNK]),
            )
            for r in self.conn.execute(q):
                out[r.household_code] = _standing(r._mapping)
        return out

    def recognised_before(self, review_year: int, codes: Sequence[str]) -> dict[str, Standing]:
        """Each household's latest recognised figures in a round before ``review_year`` (any
        standard; for one year, the later survey)."""
        t = households
        out: dict[str, tuple[tuple[int, str], Standing]] = {}
        unique = sorted(set(codes))
        for i in range(0, len(unique), _CHUNK):
            q = sa.select(t).where(
                t.c.review_year < review_year,
                t.c.stage == ReviewStage.RECOGNISED.value,
                t.c.household_code.in_(unique[i : i + _CHUNK]),
            )
            for r in self.conn.execute(q):
                rank = (r.review_year, r.order_key)
                cur = out.get(r.household_code)
                if cur is None or rank > cur[0]:
                    out[r.household_code] = (rank, _standing(r._mapping))
        return {code: s for code, (_rank, s) in out.items()}


@dataclass(frozen=True, slots=True)
class StoredPlan:
    """A plan as its latest version left it."""

    plan_id: str
    level: str
    area_code: str
    year: int
    version: int
    department: str | None
    allocations: tuple[tuple[str, str, int], ...]
    """(component, source, amount)."""
    targets: tuple[tuple[str, str, str, int], ...]
    """(component, target kind, support kind or "", quantity)."""


class PlanFigures:
    """The plan tables: plans (latest version wins), and what they are measured by."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # writing

    def save_plans(self, rows: Sequence[dict[str, Any]]) -> None:
        upsert_latest(self.conn, plan_heads, rows, keys=["plan_id"])

    def add_spending(self, rows: Sequence[dict[str, Any]]) -> None:
        """Add disbursements (dicts with year, commune_code, programme_code, funding_source,
        kind, household_code, amount_vnd) to the sums and the households reached: one
        accumulating upsert per key, keys in a fixed order (no deadlock between replicas)."""
        if not rows:
            return
        acc: dict[tuple[int, str, str, str], list[int]] = {}
        for r in rows:
            k = (r["year"], r["commune_code"], r["programme_code"], r["funding_source"])
            a = acc.setdefault(k, [0, 0, 0])
            whole, rest = divmod(r["amount_vnd"], _GIGA)
            a[0] += whole
            a[1] += rest
            a[2] += 1
        ins = _insert(self.conn, plan_spend)
        self.conn.execute(
            ins.on_conflict_do_update(
                index_elements=["year", "commune_code", "programme_code", "funding_source"],
                set_={
                    "billions": plan_spend.c.billions + ins.excluded.billions,
                    "rest_vnd": plan_spend.c.rest_vnd + ins.excluded.rest_vnd,
                    "records": plan_spend.c.records + ins.excluded.records,
                },
            ),
            [
                {
                    "year": y,
                    "commune_code": c,
                    "programme_code": p,
                    "funding_source": f,
                    "billions": b,
                    "rest_vnd": rest,
                    "records": n,
                }
                for (y, c, p, f), (b, rest, n) in sorted(acc.items())
            ],
        )
        reached = sorted(
            {
                (r["year"], r["commune_code"], r["programme_code"], r["kind"], r["household_code"])
                for r in rows
            }
        )
        self.conn.execute(
            _insert(self.conn, plan_reach).on_conflict_do_nothing(),
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

    def save_projects(self, rows: Sequence[dict[str, Any]]) -> None:
        upsert(self.conn, plan_projects, rows, keys=["project_id"])

    def save_capacity(self, rows: Sequence[dict[str, Any]]) -> None:
        upsert(self.conn, plan_capacity, rows, keys=["activity_id"])

    def save_trained(self, rows: Sequence[dict[str, Any]]) -> None:
        upsert(self.conn, plan_trained, rows, keys=["enrolment_id"])

    # reading

    def plans_of_year(
        self, year: int, levels_codes: Iterable[tuple[str, str]] | None
    ) -> list[StoredPlan]:
        """The plans of ``year`` of these (level, area) pairs (None: every one)."""
        wanted = None if levels_codes is None else set(levels_codes)
        t = plan_heads
        q = sa.select(
            t.c.plan_id,
            t.c.level,
            t.c.area_code,
            t.c.year,
            t.c.version,
            t.c.department,
            t.c.allocations,
            t.c.targets,
        ).where(t.c.year == year)
        out = []
        for pid, level, area, y, version, department, money, aims in self.conn.execute(q):
            if wanted is not None and (level, area) not in wanted:
                continue
            out.append(
                StoredPlan(
                    pid,
                    level,
                    area,
                    int(y),
                    int(version),
                    department,
                    tuple((c, s, int(a)) for c, s, a in json.loads(money)),
                    tuple((c, k, sk, int(n)) for c, k, sk, n in json.loads(aims)),
                )
            )
        return sorted(out, key=lambda p: (p.level, p.area_code))

    def years(self) -> list[int]:
        return [int(y) for (y,) in self.conn.execute(sa.select(plan_heads.c.year).distinct())]

    def spending(
        self, communes: Sequence[str] | None, year: int
    ) -> list[tuple[str, str, str, int]]:
        """(commune, programme, funding source, amount disbursed) in ``year``."""
        t = plan_spend
        q = sa.select(
            t.c.commune_code, t.c.programme_code, t.c.funding_source, t.c.billions, t.c.rest_vnd
        )
        q = q.where(t.c.year == year, *_among(t.c.commune_code, communes))
        return [(c, p, f, int(b) * _GIGA + int(r)) for c, p, f, b, r in self.conn.execute(q)]

    def reach(self, communes: Sequence[str] | None, year: int) -> list[tuple[str, str, str, int]]:
        """(commune, programme, kind, households reached) in ``year``."""
        t = plan_reach
        q = (
            sa.select(t.c.commune_code, t.c.programme_code, t.c.kind, sa.func.count())
            .where(t.c.year == year, *_among(t.c.commune_code, communes))
            .group_by(t.c.commune_code, t.c.programme_code, t.c.kind)
        )
        return [(c, p, k, int(n)) for c, p, k, n in self.conn.execute(q)]

    def repeated_reach(
        self, communes: Sequence[str] | None, year: int, components: Iterable[str]
    ) -> list[tuple[str, str, str, str]]:
        """(commune, household, programme, kind) of the households reached in ``year`` under
        more than one (commune, programme, kind) among the programmes ``components`` cover:
        the only ones a sum of :meth:`reach` can count twice."""
        t = plan_reach
        wanted = sorted(set(components))
        if not wanted:
            return []
        code = t.c.programme_code
        scope = sa.and_(
            t.c.year == year,
            *_among(t.c.commune_code, communes),
            sa.or_(*(sa.or_(code == c, code.startswith(c + ".")) for c in wanted)),
        )
        twice = (
            sa.select(t.c.household_code)
            .where(scope)
            .group_by(t.c.household_code)
            .having(sa.func.count() > 1)
        )
        q = sa.select(t.c.commune_code, t.c.household_code, code, t.c.kind).where(
            scope, t.c.household_code.in_(twice)
        )
        return [(c, h, p, k) for c, h, p, k in self.conn.execute(q)]

    def projects(
        self, communes: Sequence[str] | None, year: int
    ) -> list[tuple[str, str, str, int, int, int]]:
        """(commune, component, state source, state, households, enterprise) of the projects
        starting in ``year``."""
        t = plan_projects
        q = sa.select(
            t.c.commune_code,
            t.c.component,
            t.c.state_source,
            t.c.state_vnd,
            t.c.household_vnd,
            t.c.enterprise_vnd,
        ).where(t.c.year == year, *_among(t.c.commune_code, communes))
        return [
            (c, comp, s, int(a), int(b), int(d)) for c, comp, s, a, b, d in self.conn.execute(q)
        ]

    def capacity(self, year: int) -> list[tuple[str, str, str, str, str, int, int, int]]:
        """(level, area, component, kind, source, activities, attendees, cost) in ``year``."""
        t = plan_capacity
        q = (
            sa.select(
                t.c.level,
                t.c.area_code,
                t.c.component,
                t.c.kind,
                t.c.source,
                sa.func.count(),
                sa.func.coalesce(sa.func.sum(t.c.attendees), 0),
                sa.func.coalesce(sa.func.sum(t.c.cost_vnd), 0),
            )
            .where(t.c.year == year)
            .group_by(t.c.level, t.c.area_code, t.c.component, t.c.kind, t.c.source)
        )
        return [
            (lv, a, c, k, s, int(n), int(p), int(cost))
            for lv, a, c, k, s, n, p, cost in self.conn.execute(q)
        ]

    def trained(self, communes: Sequence[str] | None, year: int) -> list[tuple[str, str, int]]:
        """(commune, programme, workers who completed a course) in ``year``."""
        t = plan_trained
        q = (
            sa.select(t.c.commune_code, t.c.programme_code, sa.func.count())
            .where(t.c.year == year, *_among(t.c.commune_code, communes))
            .group_by(t.c.commune_code, t.c.programme_code)
        )
        return [(c, p, int(n)) for c, p, n in self.conn.execute(q)]


def _among(column: Any, values: Sequence[str] | None) -> list[Any]:
    """``column IN values`` (no condition for None: everything)."""
    return [] if values is None else [column.in_(list(values))]


class ReportingUnitOfWork(SqlUnitOfWork):
    """One transaction over reporting's tables; rolls back unless committed."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine, plumbing, STREAM_OF)

    @property
    def households(self) -> Households:
        return Households(self.conn)

    @property
    def cells(self) -> Cells:
        return Cells(self.conn)

    @property
    def rounds(self) -> Rounds:
        return Rounds(self.conn)

    @property
    def areas(self) -> Areas:
        return Areas(self.conn)

    @property
    def targets(self) -> Targets:
        return Targets(self.conn)

    @property
    def signoffs(self) -> Signoffs:
        return Signoffs(self.conn)

    @property
    def tallies(self) -> Tallies:
        return Tallies(self.conn)

    @property
    def ledger(self) -> SupportLedger:
        return SupportLedger(self.conn)

    @property
    def life(self) -> LifeEvents:
        return LifeEvents(self.conn)

    @property
    def plans(self) -> PlanFigures:
        return PlanFigures(self.conn)

    @contextmanager
    def bulk_writes(self) -> Iterator[None]:
        """A bulk rebuild's writes: on SQLite, a page cache large enough for the whole rebuilt
        projection (default 2 MB: the B-trees spill and are read back while a province is
        inserted), put back afterwards. PostgreSQL sizes its buffers itself."""
        if self.conn.dialect.name != "sqlite":
            yield
            return
        before = self.conn.exec_driver_sql("PRAGMA cache_size").scalar()
        self.conn.exec_driver_sql(f"PRAGMA cache_size={BULK_CACHE_KIB}")
        try:
            yield
        finally:
            self.conn.exec_driver_sql(f"PRAGMA cache_size={int(before or -2000)}")

    def clear_projections(self) -> None:
        """Empty every table rebuilt from the streams, and the processed event ids."""
        for t in (*PROJECTIONS, plumbing.processed):
            self.conn.execute(sa.delete(t))
