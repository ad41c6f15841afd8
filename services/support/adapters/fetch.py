"""Several SELECTs in one round trip to the database.

A read that needs a handful of small queries (a household's history: its register entry,
recognitions, records, loans and their facts, obligations, houses, cards, courses, pairings)
spends most of its time waiting for each answer in turn. On PostgreSQL the statements are sent
together in psycopg's pipeline mode and their answers read once; SQLite runs in the process,
without round trips, and takes them one after the other. Rows come back as mappings of column
name to value, typed by the driver (dates, decimals, booleans, bytes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

Rows = list[Mapping[Any, Any]]
Query = tuple[sa.Select[Any], Mapping[str, Any]]
"""A statement (built once, with bound parameters) and the values of its parameters."""

_COMPILED: dict[tuple[int, str], tuple[sa.Select[Any], str, dict[str, Any]]] = {}


def _compiled(statement: sa.Select[Any], dialect: Any) -> tuple[str, dict[str, Any]]:
    """SQL text and default parameters of a statement, compiled once per dialect (the
    statement is kept with its text, so that its id is not reused)."""
    key = (id(statement), dialect.name)
    found = _COMPILED.get(key)
    if found is None:
        c = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
        found = _COMPILED[key] = (statement, str(c), dict(c.params))
    return found[1], found[2]


def fetch_all(conn: Connection, queries: Sequence[Query]) -> list[Rows]:
    """The rows of each query, in order (in one round trip on PostgreSQL). Statements are
    meant to be built once (module level or cached) and reused with new parameter values."""
    if conn.dialect.name != "postgresql" or len(queries) < 2:
        return [list(conn.execute(s, dict(p)).mappings()) for s, p in queries]
    raw: Any = conn.connection.driver_connection
    cursors = []
    with raw.pipeline():
        for statement, params in queries:
            sql, defaults = _compiled(statement, conn.dialect)
            cur = raw.cursor()
            cur.execute(sql, {**defaults, **params})
            cursors.append(cur)
    out: list[Rows] = []
    for cur in cursors:
        names = [d.name for d in cur.description or ()]
        out.append([dict(zip(names, row, strict=True)) for row in cur.fetchall()])
        cur.close()
    return out
