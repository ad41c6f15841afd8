"""Database plumbing: engine factory, the tables every service needs, and the unit of work.

Every service owns its database. Each has two plumbing tables next to its own:
``processed_event`` (ids of consumed events, written in the same transaction as their effect, so
a redelivery changes nothing) and ``outbox`` (events to publish, written in the same transaction
as the state that produced them, and relayed to Redis afterwards).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from shared.access.model import Actor, Area
from shared.contracts.audit import AUDIT_RECORDED_STREAM, AuditPayload, AuditRecorded, Scalar
from shared.contracts.envelope import Envelope, Identified, dead_letter_stream

EventT = TypeVar("EventT", bound=Identified)


SQLITE_PAGE_SIZE = 8192


def create_db_engine(url: str) -> Engine:
    """An engine for ``url``: SQLite in WAL mode (created folders and all) or PostgreSQL."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_pre_ping=False
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            # a new database only (an existing one keeps its size): events and surveys are
            # 2-4 KB rows, one to a 4 KB page; 8 KB pages hold two and take fewer writes
            # (end to end ~7 % less CPU, docs/benchmarks.md)
            cur.execute(f"PRAGMA page_size={SQLITE_PAGE_SIZE}")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = sa.create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)

    @event.listens_for(engine, "connect")
    def _compression(dbapi_conn: Any, _record: Any) -> None:
        # events, surveys and results are 2-3 KB values, past PostgreSQL's ~2 KB TOAST
        # threshold, so each is compressed on write: lz4 costs less than half the server CPU of
        # the default pglz for ~20 % more bytes (docs/benchmarks.md). Servers built without
        # lz4 keep their default.
        cur = dbapi_conn.cursor()
        cur.execute(
            "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression'"
            " AND 'lz4' = ANY(enumvals)"
        )
        if cur.fetchone() is not None:
            cur.execute("SET default_toast_compression = 'lz4'")
        cur.close()
        dbapi_conn.commit()

    return engine


@dataclass(frozen=True)
class PlumbingTables:
    processed: sa.Table
    outbox: sa.Table


def plumbing_tables(metadata: sa.MetaData) -> PlumbingTables:
    """Add the idempotency and outbox tables to a service's metadata."""
    processed = sa.Table(
        "processed_event",
        metadata,
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
    )
    outbox = sa.Table(
        "outbox",
        metadata,
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("stream", sa.String(128), nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        # set once published, until Redis is known to have persisted it (see shared.outbox)
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("redis_run", sa.String(40), nullable=True),
        sa.Column("entry_id", sa.String(48), nullable=True),
        # the relay reads unpublished rows in id order past the published ones it keeps
        sa.Index("ix_outbox_published_at_id", "published_at", "id"),
    )
    return PlumbingTables(processed=processed, outbox=outbox)


_COMPILED: dict[tuple[str, str], tuple[str, tuple[str, ...] | None, dict[str, Any]]] = {}


def executemany(
    conn: Connection,
    name: str,
    build: Any,
    rows: Sequence[Any],
    *,
    positional: Sequence[str] | None = None,
) -> None:
    """Run one statement for many rows straight on the driver: ``build()`` compiled once per
    dialect and ``name``, rows of plain values passed as they are. SQLAlchemy's per-row
    parameter processing costs more than the database's work in bulk writes.

    Rows are mappings of parameter names, or with ``positional`` sequences of values in that
    order of names (cheaper to build and to pass between processes)."""
    if not rows:
        return
    key = (conn.dialect.name, name)
    found = _COMPILED.get(key)
    if found is None:
        compiled = build().compile(dialect=conn.dialect)
        order = tuple(compiled.positiontup) if compiled.positional else None
        found = _COMPILED[key] = (str(compiled), order, _column_defaults(compiled))
    sql, order, defaults = found
    if defaults:  # columns the rows leave out: their (scalar) defaults, as SQLAlchemy would
        rows = _with_defaults(rows, defaults, positional)
        if positional is not None:
            positional = (*positional, *defaults)
    if positional is not None:
        names = tuple(positional)
        if order == names:
            conn.exec_driver_sql(sql, [tuple(r) for r in rows])
        elif order is None:
            conn.exec_driver_sql(sql, [dict(zip(names, r, strict=True)) for r in rows])
        else:
            at = [names.index(k) for k in order]
            conn.exec_driver_sql(sql, [tuple(r[i] for i in at) for r in rows])
    elif order is None:
        conn.exec_driver_sql(sql, list(rows))
    else:
        conn.exec_driver_sql(sql, [tuple(r[k] for k in order) for r in rows])


def insert_rows(
    conn: Connection,
    name: str,
    table: sa.Table,
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    on_conflict: Callable[[Any], Any] | None = None,
) -> None:
    """Insert ``rows`` (values in the order of ``names``) into ``table``.

    On PostgreSQL one statement takes them all, as arrays (``INSERT … SELECT * FROM
    unnest(…)``): about half the server's and the driver's CPU of one execution per row
    (docs/benchmarks.md). Elsewhere, and for tables with large values (bytes, text, JSON) or
    columns left to a default, rows go one by one on the driver (:func:`executemany`).

    ``on_conflict(insert)`` returns the statement with its ``ON CONFLICT`` clause; each conflict
    key must then appear once in ``rows`` (PostgreSQL refuses a statement that touches a row
    twice)."""
    if not rows:
        return
    dialect = conn.dialect.name
    arrays = _array_types(table, names) if dialect == "postgresql" else None
    if arrays is None:

        def values() -> Any:
            ins = _dialect_insert(dialect, table).values({c: sa.bindparam(c) for c in names})
            return on_conflict(ins) if on_conflict else ins

        executemany(conn, f"insert_rows:{name}", values, rows, positional=names)
        return
    key = (dialect, f"insert_rows.unnest:{name}")
    found = _COMPILED.get(key)
    if found is None:
        params = [sa.cast(sa.bindparam(f"a{i}"), t) for i, t in enumerate(arrays)]
        source = sa.func.unnest(*params).table_valued(*names).render_derived()
        ins = postgresql.insert(table).from_select(list(names), sa.select(*source.c))
        stmt = on_conflict(ins) if on_conflict else ins
        found = _COMPILED[key] = (str(stmt.compile(dialect=conn.dialect)), None, {})
    columns = zip(*rows, strict=True) if len(rows) > 1 else ([v] for v in rows[0])
    conn.exec_driver_sql(found[0], {f"a{i}": list(c) for i, c in enumerate(columns)})


def _dialect_insert(dialect: str, table: sa.Table) -> Any:
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


def _array_types(table: sa.Table, names: Sequence[str]) -> list[Any] | None:
    """PostgreSQL array types to pass ``names`` as, or None where rows should go one by one.

    Strings go as unbounded ``varchar[]``: a cast to ``varchar(n)`` would cut a value that the
    column's own assignment refuses as too long."""
    if any(
        c.default is not None or c.server_default is not None
        for c in table.columns
        if c.name not in names
    ):
        return None  # defaults to fill in: SQLAlchemy's per-row path does it
    out: list[Any] = []
    for name in names:
        kind = table.c[name].type
        while isinstance(kind, sa.TypeDecorator):  # e.g. SQLModel's AutoString: a String
            kind = kind.impl_instance
        if isinstance(kind, sa.Enum | sa.Text | sa.LargeBinary | sa.JSON | sa.Numeric):
            return None  # native enums, large values: one by one
        if isinstance(kind, sa.String):
            out.append(postgresql.ARRAY(sa.String()))
        elif isinstance(kind, sa.Integer | sa.Boolean | sa.Date | sa.DateTime | sa.Float):
            out.append(postgresql.ARRAY(kind))
        else:
            return None
    return out


def _column_defaults(compiled: Any) -> dict[str, Any]:
    """Parameters the compiler added for columns left out of the statement's values: those
    with a Python-side default (an INSERT gives them their default)."""
    out: dict[str, Any] = {}
    for column in getattr(compiled, "insert_prefetch", ()):
        default = column.default
        if default is None or not default.is_scalar:
            msg = f"executemany: give {column.key!r} a value (its default is not a constant)"
            raise ValueError(msg)
        out[column.key] = default.arg
    return out


def _with_defaults(
    rows: Sequence[Any], defaults: dict[str, Any], positional: Sequence[str] | None
) -> list[Any]:
    if positional is not None:
        given = set(positional)
        if given.intersection(defaults):
            msg = "executemany: positional rows name a column the statement left out"
            raise ValueError(msg)
        extra = tuple(defaults.values())
        return [(*r, *extra) for r in rows]
    return [defaults | r for r in rows]


def insert_many(conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """Plain ``INSERT`` of ``rows`` (every row with the same keys) through :func:`executemany`."""
    if rows:
        cols = tuple(rows[0])
        executemany(
            conn,
            f"insert:{table.name}:{','.join(cols)}",
            lambda: sa.insert(table).values({c: sa.bindparam(c) for c in cols}),
            rows,
        )


def upsert(
    conn: Connection,
    table: sa.Table,
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    update: Sequence[str] | None = None,
) -> None:
    """Insert ``rows``; on a key conflict update ``update`` columns (or do nothing)."""
    if not rows:
        return
    ins = _dialect_insert(conn.dialect.name, table)
    if update:
        stmt = ins.on_conflict_do_update(
            index_elements=list(keys), set_={c: ins.excluded[c] for c in update}
        )
    else:
        stmt = ins.on_conflict_do_nothing(index_elements=list(keys))
    conn.execute(stmt, list(rows))


def upsert_latest(
    conn: Connection,
    table: sa.Table,
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    order_column: str = "order_key",
) -> None:
    """Latest-wins projection: insert ``rows``, or replace a stored row only when the new row's
    ``order_column`` is not older. The comparison runs in SQL (``ON CONFLICT … DO UPDATE …
    WHERE excluded.order >= stored.order``), so replicas racing on one key cannot let an older
    event overwrite a newer one, whatever order their transactions commit in.

    Rows for one key within ``rows`` are reduced to the latest first (one statement may not
    touch a row twice on PostgreSQL).
    """
    if not rows:
        return
    latest: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in rows:
        k = tuple(r[c] for c in keys)
        cur = latest.get(k)
        if cur is None or r[order_column] >= cur[order_column]:
            latest[k] = r
    values = list(latest.values())
    names = tuple(rows[0])
    cols = [c for c in names if c not in keys]  # updated on a conflict (defaults are not)
    if _default_per_row(table, names):  # SQLAlchemy's own path computes it for each row
        _latest_statement_path(conn, table, values, keys, order_column)
        return
    processors = _bind_processors(conn, table, names)
    if processors:  # SQLAlchemy's conversions of values (e.g. datetimes on SQLite), once each
        values = [
            {**r, **{n: p(r[n]) for n, p in processors.items()}}  # type: ignore[no-untyped-call]
            for r in values
        ]

    def latest_wins(ins: Any) -> Any:
        return ins.on_conflict_do_update(
            index_elements=list(keys),
            set_={c: ins.excluded[c] for c in cols},
            where=ins.excluded[order_column] >= table.c[order_column],
        )

    insert_rows(
        conn,
        f"upsert_latest:{table.name}:{','.join(names)}:{','.join(keys)}:{order_column}",
        table,
        names,
        [tuple(r[n] for n in names) for r in values],
        on_conflict=latest_wins,
    )


def _bind_processors(conn: Connection, table: sa.Table, names: Sequence[str]) -> dict[str, Any]:
    """The columns of ``names`` whose type converts values before the driver sees them."""
    out = {}
    for name in names:
        proc = table.c[name].type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
        if proc is not None:
            out[name] = proc
    return out


def _default_per_row(table: sa.Table, names: Sequence[str]) -> bool:
    """Whether a column left out of ``names`` has a default computed per row (the driver path
    fills constant defaults only, see :func:`executemany`)."""
    return any(
        c.default is not None and not getattr(c.default, "is_scalar", False)
        for c in table.columns
        if c.name not in names
    )


def _latest_statement_path(
    conn: Connection,
    table: sa.Table,
    rows: list[dict[str, Any]],
    keys: Sequence[str],
    order_column: str,
) -> None:
    ins = _dialect_insert(conn.dialect.name, table)
    cols = [c for c in rows[0] if c not in keys]
    conn.execute(
        ins.on_conflict_do_update(
            index_elements=list(keys),
            set_={c: ins.excluded[c] for c in cols},
            where=ins.excluded[order_column] >= table.c[order_column],
        ),
        rows,
    )


class SqlUnitOfWork:
    """One database transaction; rolls back unless :meth:`commit` is called.

    Services subclass it to add their repositories; the plumbing here gives idempotency
    (:meth:`unseen`, :meth:`mark_processed`) and the outbox (:meth:`stage`).
    """

    def __init__(self, engine: Engine, tables: PlumbingTables, streams: dict[type, str]) -> None:
        self.engine = engine
        self.tables = tables
        self._streams = streams
        self._conn: Connection | None = None
        self._committed = False

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            msg = "unit of work used outside its 'with' block"
            raise RuntimeError(msg)
        return self._conn

    def __enter__(self) -> Self:
        self._conn = self.engine.connect()
        self._conn.begin()
        self._committed = False
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn = self.conn
        try:
            if not self._committed:
                conn.rollback()
        finally:
            conn.close()
            self._conn = None

    def commit(self) -> None:
        self.conn.commit()
        self._committed = True

    # idempotency -----------------------------------------------------------------------------
    def unseen(self, events: Sequence[EventT]) -> list[EventT]:
        """Events not processed before (and not repeated within the batch), in order."""
        ids = [str(e.event_id) for e in events]
        table = self.tables.processed
        seen: set[str] = set()
        for chunk in _chunks(ids, 500):
            seen.update(
                self.conn.execute(sa.select(table.c.event_id).where(table.c.event_id.in_(chunk)))
                .scalars()
                .all()
            )
        fresh: list[EventT] = []
        for e, eid in zip(events, ids, strict=True):
            if eid not in seen:
                seen.add(eid)
                fresh.append(e)
        return fresh

    def mark_processed(self, events: Iterable[Identified], now: datetime) -> None:
        self.mark_ids_processed([str(e.event_id) for e in events], now)

    def mark_ids_processed(self, event_ids: Sequence[str], now: datetime) -> None:
        """Record event ids as processed (plain inserts, see :func:`insert_rows`)."""
        at = driver_time(self.conn, now)
        table = self.tables.processed
        for i in range(0, len(event_ids), 50_000):
            insert_rows(
                self.conn,
                f"processed:{table.name}",
                table,
                ("event_id", "processed_at"),
                [(e, at) for e in event_ids[i : i + 50_000]],
            )

    # outbox ----------------------------------------------------------------------------------
    def stage(self, events: Iterable[Envelope[Any]]) -> int:
        """Write events to the outbox, to be published once this transaction commits."""
        by_stream: dict[str, list[bytes]] = {}
        for e in events:
            by_stream.setdefault(self._streams[type(e)], []).append(e.to_json())
        return sum(self.stage_json(stream, bodies) for stream, bodies in by_stream.items())

    def stage_json(self, stream: str, bodies: Sequence[bytes]) -> int:
        """Like :meth:`stage` for envelopes already serialised (saves a second encoding);
        one statement straight on the driver, compiled once."""
        if not bodies:
            return 0
        at = driver_time(self.conn, datetime.now(UTC))
        outbox = self.tables.outbox
        executemany(
            self.conn,
            f"outbox.stage:{outbox.name}",
            lambda: sa.insert(outbox).values({c: sa.bindparam(c) for c in _STAGED}),
            [(stream, b, None, at) for b in bodies],
            positional=_STAGED,
        )
        return len(bodies)

    def audit(
        self,
        actor: Actor,
        action: str,
        target_kind: str,
        target_id: str,
        *,
        service: str,
        area: Area | None = None,
        before: dict[str, Scalar] | None = None,
        after: dict[str, Scalar] | None = None,
        correlation_id: str | None = None,
    ) -> None:
        """Stage an audit entry for a write in this transaction (see ``shared.contracts.audit``)."""
        area = area or Area()
        event = AuditRecorded.create(
            AuditPayload(
                actor_id=actor.user_id,
                actor_name=actor.username,
                actor_roles=actor.roles[:256],
                service=service,
                action=action,
                target_kind=target_kind,
                target_id=target_id[:128],
                province_code=area.province,
                commune_code=area.commune,
                village_code=area.village,
                before=before,
                after=after,
            ),
            producer=service,
            correlation_id=correlation_id,
        )
        self.stage_json(AUDIT_RECORDED_STREAM, [event.to_json()])

    def stage_dead_letters(self, stream: str, rejected: Iterable[tuple[bytes, str]]) -> None:
        """Send (event body, reason) pairs to ``stream``'s dead-letter stream via the outbox."""
        at = datetime.now(UTC)
        dlq = dead_letter_stream(stream)
        rows = [{"stream": dlq, "body": b, "error": r, "created_at": at} for b, r in rejected]
        if rows:
            self.conn.execute(sa.insert(self.tables.outbox), rows)


_STAGED = ("stream", "body", "error", "created_at")


def driver_time(conn: Connection, at: datetime) -> Any:
    """``at`` as a timestamp column takes it when written straight on the driver: on SQLite
    in SQLAlchemy's own storage format (what its reads and comparisons expect)."""
    if conn.dialect.name == "sqlite":
        return at.strftime("%Y-%m-%d %H:%M:%S.%f")
    return at


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
