"""Sums of VND amounts that cannot overflow in SQL.

PostgreSQL sums BIGINT into NUMERIC. SQLite sums into a 64-bit integer and raises "integer
overflow" past 9.2·10^18 (it never wraps). Two ways to sum here:

- :func:`split_sum` sums the millions and the remainder apart, so each partial sum stays
  eleven orders of magnitude below the limit (amounts are at most 10^12 per record): always
  exact, at about twice the cost;
- :func:`summed` runs a query with plain sums (the fast path) and, only if SQLite reports an
  overflow, runs it again with split sums: exact in every case.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

SPLIT = 1_000_000

SumColumns = Callable[[Any, str], list[Any]]
"""Builds the SELECT column(s) summing a column under a label."""


def split_sum(column: Any, label: str) -> tuple[Any, Any]:
    """Two SELECT columns (``label_hi``, ``label_lo``) whose :func:`joined` value is the sum."""
    return (
        sa.func.coalesce(sa.func.sum(column // SPLIT), 0).label(f"{label}_hi"),
        sa.func.coalesce(sa.func.sum(column % SPLIT), 0).label(f"{label}_lo"),
    )


def joined(row: Any, label: str) -> int:
    return joined_values(row._mapping, label)


def joined_values(m: Any, label: str) -> int:
    """:func:`joined` over a mapping of column name to value."""
    return int(m[f"{label}_hi"]) * SPLIT + int(m[f"{label}_lo"])


def _plain(column: Any, label: str) -> list[Any]:
    return [sa.func.coalesce(sa.func.sum(column), 0).label(label)]


def _split(column: Any, label: str) -> list[Any]:
    return list(split_sum(column, label))


def _read_plain(row: Any, label: str) -> int:
    return int(row._mapping[label])


def summed(
    conn: Connection, build: Callable[[SumColumns], Any]
) -> tuple[Sequence[Any], Callable[[Any, str], int]]:
    """Rows of the query ``build(sum_columns)`` and the reader of its sums (see module)."""
    try:
        return conn.execute(build(_plain)).all(), _read_plain
    except sa.exc.OperationalError as exc:
        if "overflow" not in str(exc).lower():
            raise
    return conn.execute(build(_split)).all(), joined
