"""Multidimensional poverty index (Alkire & Foster 2011, J. Public Econ. 95: 476-487;
Alkire et al. 2015, ch. 5) over the deprivations the review recorded.

With n units, deprivations g_ij, weights w_j (Σ w_j = 1) and cutoff k: score c_i = Σ w_j g_ij;
a unit is AF-poor iff c_i >= k; non-poor units are censored (c_i(k) = 0). q = number poor,
H = q/n, A = Σ c_i(k)/q, M0 = H·A = Σ c_i(k)/n; the contribution of indicator j is
φ_j = w_j·h_j(k)/M0 with h_j(k) the censored headcount, and a dimension's is the sum of its
indicators'. Weights come from the standard's structure (``structure.py``); scores are whole
units of 1/denominator, so every comparison is between integers.

The official poverty rate is not M0: the official poor also need income at or below the line.
Units: households, or persons (each household weighted by its members).

Pre-aggregation: per area, the households (and persons) at each score, and those at each
score deprived on each indicator (``Measure.MPI``). Any cutoff is then answered from them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from services.reporting.domain.areas import RollupRow
from services.reporting.domain.households import SEP, Measure
from services.reporting.domain.structure import Structure
from services.reporting.domain.tables import AreaCells, Column, Row, Table, make_table
from services.reporting.domain.values import ZERO, Counts
from shared.errors import DomainError, ErrorKind


def parse_cutoff(value: str | Fraction | None, default: Fraction) -> Fraction:
    """A cutoff given as ``"3/12"``, ``"1/3"``, ``"25%"`` or ``"0.25"`` (exact), in (0, 1]."""
    if value is None:
        return default
    if isinstance(value, Fraction):
        k = value
    else:
        text = value.strip()
        try:
            k = Fraction(text[:-1]) / 100 if text.endswith("%") else Fraction(text)
        except (ValueError, ZeroDivisionError):
            k = Fraction(-1)
    if not 0 < k <= 1:
        raise DomainError(
            "k",
            f"Ngưỡng k «{value}» không hợp lệ; ví dụ 3/12, 1/3 hoặc 25%, trong khoảng (0, 1].",
            f"Cutoff k '{value}' is not valid; e.g. 3/12, 1/3 or 25%, within (0, 1].",
            ErrorKind.INVALID,
            code="invalid_cutoff",
        )
    return k


def _tag(k: Fraction) -> str:
    return f"{k.numerator}/{k.denominator}"


def mpi_table(
    rows: Sequence[RollupRow[AreaCells]], structure: Structure, cutoff: Fraction
) -> Table:
    """Per area: all households (n), the AF-poor (q), the sum of their censored scores (in
    units of 1/denominator; persons: weighted by members) and the censored headcount of each
    indicator. :func:`mpi_of` turns a row into H, A, M0 and contributions."""
    tag = _tag(cutoff)
    cols = [
        Column("households", "Tổng số hộ", "Households", "status:*"),
        Column("poor", "Hộ nghèo đa chiều (AF)", "AF-poor households", f"mpi:{tag}:q"),
        Column(
            "score",
            "Tổng điểm thiếu hụt đã kiểm duyệt",
            "Sum of censored scores (units)",
            f"mpi:{tag}:score",
            contributors="poor",
        ),
        *[
            Column(f"censored.{code}", code, code, f"mpi:{tag}:censored:{code}", contributors=None)
            for code in structure.codes
        ],
    ]

    def figures(cells: AreaCells) -> dict[str, Counts]:
        out: dict[str, Counts] = {}
        n = q = score = ZERO
        for category, c in cells.get(Measure.MPI.value, {}).items():
            units_text, what = category.split(SEP)
            units = int(units_text)
            poor = structure.is_poor(units, cutoff)
            if what == "*":
                n = n + c
                if poor:
                    q = q + c
                    score = score + Counts(c.households * units, c.persons * units)
            elif poor:
                key = f"censored.{what}"
                out[key] = out.get(key, ZERO) + c
        out.update(households=n, poor=q, score=score)
        return out

    return make_table(
        "mpi",
        (
            f"Chỉ số nghèo đa chiều Alkire-Foster (k = {tag})",
            f"Alkire-Foster multidimensional poverty index (k = {tag})",
        ),
        cols,
        rows,
        figures,
    )


@dataclass(frozen=True, slots=True)
class Mpi:
    """H, A, M0 and contributions of one area in one unit (exact fractions; ``None`` where
    there is nothing to divide by)."""

    n: int
    q: int
    headcount: Fraction | None
    intensity: Fraction | None
    m0: Fraction | None
    indicators: Mapping[str, Fraction]
    dimensions: Mapping[str, Fraction]


def mpi_of(row: Row, structure: Structure, *, persons: bool = False) -> Mpi | None:
    """The index of a row of :func:`mpi_table` (``None`` if a figure it needs is suppressed)."""
    vals = row.values
    needed = ["households", "poor", "score", *(f"censored.{c}" for c in structure.codes)]
    if any(vals.get(k) is None for k in needed):
        return None

    figures = {
        k: (c.persons if persons else c.households) for k, c in vals.items() if c is not None
    }

    def get(key: str) -> int:
        return figures[key]

    n, q, score = get("households"), get("poor"), get("score")
    d = structure.denominator
    indicators: dict[str, Fraction] = {}
    dimensions: dict[str, Fraction] = dict.fromkeys(structure.dimensions, Fraction(0))
    if score:
        for code in structure.codes:
            share = Fraction(structure.units[code] * get(f"censored.{code}"), score)
            indicators[code] = share
            dimensions[structure.dimension_of(code)] += share
    return Mpi(
        n=n,
        q=q,
        headcount=Fraction(q, n) if n else None,
        intensity=Fraction(score, q * d) if q else None,
        m0=Fraction(score, n * d) if n else None,
        indicators=indicators,
        dimensions=dimensions if score else {},
    )
