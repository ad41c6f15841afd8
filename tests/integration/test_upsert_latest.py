"""The one latest-wins upsert: an older row never replaces a newer one, in any commit order."""

from __future__ import annotations

import sqlalchemy as sa

from shared.db import create_db_engine, executemany, insert_many, upsert_latest

metadata = sa.MetaData()
projection = sa.Table(
    "projection",
    metadata,
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("order_key", sa.String(32), nullable=False),
)


def _put(engine: sa.Engine, code: str, status: str, order_key: str) -> None:
    with engine.begin() as conn:
        upsert_latest(
            conn, projection, [{"code": code, "status": status, "order_key": order_key}], ["code"]
        )


def _stored(engine: sa.Engine) -> dict[str, tuple[str, str]]:
    with engine.connect() as conn:
        return {c: (s, k) for c, s, k in conn.execute(sa.select(projection))}


def test_older_row_does_not_replace_a_newer_one_when_it_commits_later(database_url: str) -> None:
    engine = create_db_engine(database_url)
    metadata.create_all(engine)
    with engine.begin() as conn:
        upsert_latest(
            conn, projection, [{"code": "A", "status": "poor", "order_key": "2026|2"}], ["code"]
        )
    with engine.begin() as conn:  # an older event arriving late
        upsert_latest(
            conn, projection, [{"code": "A", "status": "near", "order_key": "2026|1"}], ["code"]
        )
    assert _stored(engine) == {"A": ("poor", "2026|2")}
    with engine.begin() as conn:
        upsert_latest(
            conn, projection, [{"code": "A", "status": "not", "order_key": "2026|3"}], ["code"]
        )
    assert _stored(engine) == {"A": ("not", "2026|3")}
    engine.dispose()


def test_rows_for_one_key_in_one_batch_keep_the_latest_whatever_their_order(
    database_url: str,
) -> None:
    engine = create_db_engine(database_url)
    metadata.create_all(engine)
    rows = [
        {"code": "B", "status": "late", "order_key": "2026|9"},
        {"code": "B", "status": "early", "order_key": "2026|1"},
        {"code": "C", "status": "only", "order_key": "2025|1"},
    ]
    with engine.begin() as conn:
        upsert_latest(conn, projection, rows, ["code"])
    assert _stored(engine) == {"B": ("late", "2026|9"), "C": ("only", "2025|1")}
    engine.dispose()


typed = sa.Table(
    "typed_projection",
    metadata,
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("order_key", sa.String(32), nullable=False),
    sa.Column("state", sa.String(16), nullable=False, default="active"),
    sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("until", sa.Date, nullable=True),
    sa.Column("flag", sa.Boolean, nullable=False),
)


def test_columns_left_out_take_their_defaults_and_values_are_stored_as_by_sqlalchemy(
    database_url: str,
) -> None:
    """Rows written straight on the driver get the columns' Python defaults on insert (and a
    conflict does not reset them), and typed values read back as SQLAlchemy wrote them."""
    from datetime import UTC, date, datetime

    engine = create_db_engine(database_url)
    metadata.create_all(engine)
    at = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
    row = {"code": "A", "order_key": "1", "seen_at": at, "until": date(2029, 1, 1), "flag": True}
    with engine.begin() as conn:
        upsert_latest(conn, typed, [row], ["code"])
        conn.execute(sa.update(typed).values(state="held"))
        upsert_latest(conn, typed, [{**row, "order_key": "2", "flag": False}], ["code"])
    with engine.connect() as conn:
        stored = conn.execute(sa.select(typed)).one()
    assert stored.state == "held"  # the default applies to a new row only
    assert stored.order_key == "2"
    assert stored.flag is False
    assert stored.until == date(2029, 1, 1)
    assert stored.seen_at.replace(tzinfo=UTC) == at
    with engine.begin() as conn:
        upsert_latest(conn, typed, [{**row, "code": "B"}], ["code"])
    with engine.connect() as conn:
        assert conn.execute(sa.select(typed.c.state).where(typed.c.code == "B")).scalar() == (
            "active"
        )
    engine.dispose()


defaulted = sa.Table(
    "defaulted",
    metadata,
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Column("order_key", sa.String(32), nullable=False),
    sa.Column("state", sa.String(16), nullable=False, default="active"),
)


def test_columns_left_out_take_their_defaults_when_rows_go_straight_to_the_driver(
    database_url: str,
) -> None:
    engine = create_db_engine(database_url)
    metadata.create_all(engine)
    with engine.begin() as conn:
        upsert_latest(conn, defaulted, [{"code": "A", "order_key": "1"}], ["code"])
        insert_many(conn, defaulted, [{"code": "B", "order_key": "1"}])
        executemany(
            conn,
            "test.defaulted.positional",
            lambda: sa.insert(defaulted).values(
                {c: sa.bindparam(c) for c in ("code", "order_key")}
            ),
            [("C", "1")],
            positional=("code", "order_key"),
        )
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(defaulted.c.code, defaulted.c.state).order_by(defaulted.c.code)
        ).all()
    assert [tuple(r) for r in rows] == [("A", "active"), ("B", "active"), ("C", "active")]
