"""PostgreSQL as the services open it: large values are compressed with lz4, not pglz."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from shared.db import create_db_engine

pytestmark = pytest.mark.integration

# an event-sized JSON body (~3 KB): past the ~2 KB TOAST threshold, so it is compressed
BODY = json.dumps(
    [{"code": f"indicator-{i}", "deprived": i % 3 == 0, "note": "x" * 20} for i in range(40)]
).encode()


def _compression(engine: sa.Engine) -> str | None:
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS t (body bytea NOT NULL)")
        conn.exec_driver_sql("DELETE FROM t")
        conn.exec_driver_sql("INSERT INTO t (body) VALUES (%(b)s)", {"b": BODY})
        return conn.exec_driver_sql("SELECT pg_column_compression(body) FROM t").scalar()


def test_large_values_are_compressed_with_lz4(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only (set TEST_POSTGRES_URL)")
    assert len(BODY) > 2_100
    plain = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with plain.connect() as conn:
        lz4, default = conn.exec_driver_sql(
            "SELECT 'lz4' = ANY(enumvals), setting FROM pg_settings"
            " WHERE name = 'default_toast_compression'"
        ).one()
    if not lz4:
        pytest.skip("this PostgreSQL server was built without lz4")
    assert _compression(plain) == default  # what the server does by itself (pglz as shipped)
    plain.dispose()

    engine = create_db_engine(database_url)
    assert _compression(engine) == "lz4"
    with engine.connect() as conn:  # a pooled connection handed out again keeps the setting
        assert conn.exec_driver_sql("SHOW default_toast_compression").scalar() == "lz4"
    engine.dispose()
