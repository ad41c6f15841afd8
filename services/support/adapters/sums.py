"""Sums of VND amounts that cannot overflow in SQL.

PostgreSQL sums BIGINT into NUMERIC; SQLite sums into a 64-bit integer and fails past
9.2·10^18. Summing the millions and the remainder apart keeps each partial sum eleven
orders of magnitude below the limit (amounts are at most 10^12 per record), on both.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

SPLIT = 1_000_000


def split_sum(column: Any, label: str) -> tuple[Any, Any]:
    """Two SELECT columns (``label_hi``, ``label_lo``) whose :func:`joined` value is the sum."""
    return (
        sa.func.coalesce(sa.func.sum(column // SPLIT), 0).label(f"{label}_hi"),
        sa.func.coalesce(sa.func.sum(column % SPLIT), 0).label(f"{label}_lo"),
    )


def joined(row: Any, label: str) -> int:
    m = row._mapping
    return int(m[f"{label}_hi"]) * SPLIT + int(m[f"{label}_lo"])
