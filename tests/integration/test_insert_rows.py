"""Bulk inserts: one statement of arrays on PostgreSQL, rows one by one elsewhere; the same rows
stored either way, and a column's own limits still refuse a value."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel.sql.sqltypes import AutoString

from shared.db import create_db_engine, driver_time, insert_rows

pytestmark = pytest.mark.integration

metadata = sa.MetaData()
kinds = sa.Table(
    "kinds",
    metadata,
    sa.Column("code", sa.String(8), primary_key=True),
    sa.Column("n", sa.Integer, nullable=True),
    sa.Column("big", sa.BigInteger, nullable=True),
    sa.Column("flag", sa.Boolean, nullable=True),
    sa.Column("on", sa.Date, nullable=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("label", AutoString(16), nullable=True),  # how SQLModel tables declare strings
)
NAMES = ("code", "n", "big", "flag", "on", "at", "label")
AT = datetime(2026, 11, 29, 9, 30, tzinfo=UTC)


def _statements(engine: sa.Engine) -> list[bool]:
    """Whether each INSERT the engine runs goes as an executemany."""
    seen: list[bool] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _count(_c: Any, _cur: Any, statement: str, _p: Any, _ctx: Any, many: bool) -> None:
        if statement.startswith("INSERT"):
            seen.append(many)

    return seen


def _rows(conn: sa.Connection) -> list[tuple[Any, ...]]:
    at = driver_time(conn, AT)
    return [
        ("a", 1, 2**40, True, date(2026, 1, 2), at, "Bản Mường"),
        ("b", None, None, None, None, None, None),
        ("c", -5, 0, False, date(2025, 12, 31), at, ""),
    ]


def test_rows_of_every_kind_are_stored_as_given(database_url: str) -> None:
    engine = create_db_engine(database_url)
    metadata.create_all(engine)
    statements = _statements(engine)
    with engine.begin() as conn:
        insert_rows(conn, "test.kinds", kinds, NAMES, _rows(conn))
    with engine.connect() as conn:
        stored = {r.code: r for r in conn.execute(sa.select(kinds))}
    assert stored["a"].n == 1
    assert stored["a"].big == 2**40
    assert stored["a"].flag is True
    assert stored["a"].on == date(2026, 1, 2)
    assert stored["a"].at.replace(tzinfo=UTC) == AT
    assert stored["a"].label == "Bản Mường"
    assert tuple(stored["b"])[1:] == (None,) * 6
    assert stored["c"].flag is False
    assert stored["c"].label == ""
    # PostgreSQL: one statement for the three rows; SQLite: the driver's executemany
    assert statements == [not database_url.startswith("postgresql")]
    engine.dispose()


def test_one_row_and_a_conflict_clause(database_url: str) -> None:
    engine = create_db_engine(database_url)
    metadata.create_all(engine)

    def bump(ins: Any) -> Any:
        return ins.on_conflict_do_update(
            index_elements=["code"], set_={"n": kinds.c.n + ins.excluded.n}
        )

    with engine.begin() as conn:
        for n in (3, 4):
            insert_rows(conn, "test.bump", kinds, ("code", "n"), [("k", n)], on_conflict=bump)
        insert_rows(
            conn, "test.bump", kinds, ("code", "n"), [("k", 10), ("m", 1)], on_conflict=bump
        )
    with engine.connect() as conn:
        assert dict(conn.execute(sa.select(kinds.c.code, kinds.c.n)).all()) == {"k": 17, "m": 1}
    engine.dispose()


def test_a_value_too_long_for_its_column_is_refused_not_cut(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite does not enforce VARCHAR lengths")
    engine = create_db_engine(database_url)
    metadata.create_all(engine)
    with pytest.raises(sa.exc.DataError), engine.begin() as conn:
        insert_rows(conn, "test.long", kinds, ("code",), [("ok",), ("much-too-long",)])
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(kinds)).scalar() == 0
    engine.dispose()
