"""SQLite as the services open it: WAL, relaxed syncs, and 8 KB pages for a new database."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from shared.db import SQLITE_PAGE_SIZE, create_db_engine


def _pragma(engine: sa.Engine, name: str) -> object:
    with engine.connect() as conn:
        return conn.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_a_new_database_gets_8_kb_pages_in_wal_mode(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'new.db'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x TEXT)")
    assert SQLITE_PAGE_SIZE == 8192
    assert _pragma(engine, "page_size") == SQLITE_PAGE_SIZE
    assert _pragma(engine, "journal_mode") == "wal"
    assert _pragma(engine, "synchronous") == 1  # NORMAL
    engine.dispose()


def test_an_existing_database_keeps_its_page_size(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = sa.create_engine(f"sqlite:///{path}")
    with old.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x TEXT)")
        conn.exec_driver_sql("INSERT INTO t VALUES ('kept')")
    old.dispose()
    engine = create_db_engine(f"sqlite:///{path}")
    assert _pragma(engine, "page_size") == 4096
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT x FROM t").scalar() == "kept"
    engine.dispose()
