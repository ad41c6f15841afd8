"""Small-cell suppression of published tables, with complementary suppression.

A published figure resting on fewer than ``threshold`` households (but more than none) is
hidden (*primary* suppression: the threshold rule, OECD glossary "threshold rule"; ESSnet
Handbook on Statistical Disclosure Control, ch. 4-5). Hiding it alone is not enough: a total
minus the other published parts would give it back. So other figures are hidden too
(*complementary* suppression) until no hidden figure is determined by the published ones:

1. Every relation the tables publish is a linear equation between figures: a parent area is
   the sum of its children (per column), and columns of one row are related (households =
   poor + near-poor + ...; end = start − decreases + increases; ...). Tables of one book
   share figures (poor households appear in several), so suppression runs over all of them
   at once and a figure is hidden everywhere or nowhere.
2. While some equation has exactly one hidden figure, hide the cheapest other figure of
   that equation (a non-zero figure of a row at the report's grain with the fewest
   households; zeros and subtotals last).
3. Audit: reduce the equations restricted to the hidden figures to row-echelon form; a hidden
   figure whose reduced row has no other hidden figure is determined by the published ones
   (by any combination of subtractions), so hide the cheapest figure of one of its equations
   and repeat. The arithmetic is modulo the prime 2^61 − 1: a figure could be missed only if
   that prime divided a minor of a 0/±1 matrix, which it cannot for the table sizes here.

What is guaranteed: no hidden figure equals a linear combination of the published figures
of the same book. Not covered: bounds (counts are not negative) narrowing a hidden figure to
an interval, and differencing across books of other areas or groupings (each book is
protected on its own; publish a fixed set of books).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from services.reporting.domain.tables import Row, Table
from services.reporting.domain.values import Counts

DEFAULT_THRESHOLD = 5
"""Households below which a non-zero figure is hidden (reporting-and-mpi §5: 3 or 5 by agency;
the platform's default is 5, set per deployment with ``REPORTING_SUPPRESSION_THRESHOLD``)."""

PRIME = (1 << 61) - 1

Var = tuple[str, str]
"""A figure: (area code, quantity)."""


@dataclass(frozen=True, slots=True)
class Figure:
    value: Counts
    contributors: int
    aggregate: bool
    """True for a subtotal row (the sum of other rows): hidden only as a last resort."""


def equations_of(tables: Sequence[Table]) -> list[dict[Var, int]]:
    """Every equation a book publishes: Σ coefficient × figure = 0 (duplicates removed)."""
    seen: set[frozenset[tuple[Var, int]]] = set()
    out: list[dict[Var, int]] = []

    def add(terms: Iterable[tuple[Var, int]]) -> None:
        eq: dict[Var, int] = {}
        for v, c in terms:
            eq[v] = eq.get(v, 0) + c
        eq = {v: c for v, c in eq.items() if c}
        if len(eq) < 2:
            return
        key = frozenset(eq.items())
        if key in seen or frozenset((v, -c) for v, c in eq.items()) in seen:
            return
        seen.add(key)
        out.append(eq)

    for t in tables:
        quantity = {c.key: c.quantity for c in t.columns}
        codes = {r.area.code for r in t.rows}
        for r in t.rows:
            for rel in t.relations:
                add(((r.area.code, quantity[k]), c) for k, c in rel)
            if r.children and all(ch in codes for ch in r.children):
                for col in t.columns:
                    add(
                        [
                            ((r.area.code, col.quantity), 1),
                            *(((ch, col.quantity), -1) for ch in r.children),
                        ]
                    )
    return out


def _figures(tables: Sequence[Table]) -> dict[Var, Figure]:
    figures: dict[Var, Figure] = {}
    for t in tables:
        for r in t.rows:
            for col in t.columns:
                value = r.values[col.key]
                source = r.values[col.contributors or col.key]
                if value is None or source is None:
                    msg = f"table {t.key} is already suppressed"
                    raise ValueError(msg)
                v = (r.area.code, col.quantity)
                known = figures.get(v)
                if known is not None and known.value != value:
                    msg = f"{v} differs between tables: {known.value} != {value}"
                    raise ValueError(msg)
                figures[v] = Figure(value, source.households, bool(r.children))
    return figures


def _cost(v: Var, f: Figure) -> tuple[bool, bool, int, int, Var]:
    return (f.aggregate, f.value.households == 0, f.contributors, f.value.households, v)


def protect(
    figures: Mapping[Var, Figure], equations: Sequence[Mapping[Var, int]], threshold: int
) -> set[Var]:
    """The figures to hide: primary ones, and enough others that none is determined."""
    hidden = {v for v, f in figures.items() if 0 < f.contributors < threshold}
    if not hidden:
        return hidden
    of: dict[Var, list[int]] = {}
    for i, eq in enumerate(equations):
        for v in eq:
            of.setdefault(v, []).append(i)

    def cheapest(eq: Mapping[Var, int]) -> Var | None:
        open_ = [v for v in eq if v not in hidden]
        return min(open_, key=lambda v: _cost(v, figures[v])) if open_ else None

    def spread(start: Iterable[Var]) -> None:
        todo = [i for v in start for i in of.get(v, ())]
        while todo:
            eq = equations[todo.pop()]
            if sum(1 for v in eq if v in hidden) == 1:
                extra = cheapest(eq)
                if extra is not None:
                    hidden.add(extra)
                    todo += of.get(extra, ())

    spread(list(hidden))
    while True:
        touching = [equations[i] for i in _touching(hidden, of)]
        exposed = determined(hidden, touching)
        if not exposed:
            return hidden
        added = False
        for v in sorted(exposed):
            picks = [o for o in (cheapest(equations[i]) for i in of.get(v, ())) if o is not None]
            if not picks:  # every equation of v is hidden: open one of those that determine it
                used = _explain(hidden, touching, v)
                picks = [o for o in (cheapest(touching[i]) for i in used) if o is not None]
            if picks:
                extra = min(picks, key=lambda x: _cost(x, figures[x]))
                hidden.add(extra)
                spread([extra])
                added = True
        if not added:  # only hidden zeros that the published zeros imply: nothing to protect
            return hidden


def _touching(hidden: set[Var], of: Mapping[Var, list[int]]) -> list[int]:
    return sorted({i for v in hidden for i in of.get(v, ())})


def _reduce(
    hidden: set[Var], equations: Sequence[Mapping[Var, int]], track: bool
) -> tuple[dict[int, dict[int, int]], dict[int, dict[int, int]], dict[int, Var]]:
    """Reduced row-echelon form (mod PRIME) of the equations restricted to hidden figures:
    pivot column -> row, and (when ``track``) pivot column -> which equations it combines."""
    ids: dict[Var, int] = {}
    pivots: dict[int, dict[int, int]] = {}
    combos: dict[int, dict[int, int]] = {}
    where: dict[int, set[int]] = {}  # column -> pivot rows holding it

    def axpy(into: dict[int, int], f: int, row: Mapping[int, int], q: int | None) -> None:
        for k, c in row.items():
            nv = (into.get(k, 0) - f * c) % PRIME
            if nv:
                if q is not None and k not in into:
                    where.setdefault(k, set()).add(q)
                into[k] = nv
            elif k in into:
                del into[k]
                if q is not None:
                    where.get(k, set()).discard(q)

    for n, eq in enumerate(equations):
        row: dict[int, int] = {}
        for v, c in eq.items():
            if v in hidden and c % PRIME:
                row[ids.setdefault(v, len(ids))] = c % PRIME
        combo = {n: 1} if track else {}
        for p in [k for k in row if k in pivots]:
            f = row.get(p)
            if f:
                axpy(row, f, pivots[p], None)
                if track:
                    axpy(combo, f, combos[p], None)
        if not row:
            continue
        p = min(row)
        inv = pow(row[p], PRIME - 2, PRIME)
        row = {k: c * inv % PRIME for k, c in row.items()}
        combo = {k: c * inv % PRIME for k, c in combo.items()}
        for q in list(where.get(p, ())):
            f = pivots[q][p]
            axpy(pivots[q], f, row, q)
            if track:
                axpy(combos[q], f, combo, None)
        pivots[p] = row
        combos[p] = combo
        for k in row:
            where.setdefault(k, set()).add(p)
    names = {i: v for v, i in ids.items()}
    return pivots, combos, names


def determined(hidden: set[Var], equations: Sequence[Mapping[Var, int]]) -> set[Var]:
    """Hidden figures that the equations determine once the published figures are known:
    those whose reduced row (over the hidden figures only) has no other hidden figure."""
    pivots, _, names = _reduce(hidden, equations, track=False)
    return {names[p] for p, row in pivots.items() if len(row) == 1}


def _explain(hidden: set[Var], equations: Sequence[Mapping[Var, int]], v: Var) -> list[int]:
    """Indices of the equations whose combination gives hidden figure ``v``."""
    pivots, combos, names = _reduce(hidden, equations, track=True)
    for p, row in pivots.items():
        if len(row) == 1 and names[p] == v:
            return sorted(combos[p])
    return []


def suppress_tables(tables: Sequence[Table], threshold: int = DEFAULT_THRESHOLD) -> list[Table]:
    """The tables with every figure to hide set to ``None`` (the same figure in several tables
    is hidden in all)."""
    figures, equations = _figures(tables), equations_of(tables)
    hidden = protect(figures, equations, threshold)
    out = []
    for t in tables:
        rows = []
        n = 0
        for r in t.rows:
            values: dict[str, Counts | None] = {}
            for col in t.columns:
                if (r.area.code, col.quantity) in hidden:
                    values[col.key] = None
                    n += 1
                else:
                    values[col.key] = r.values[col.key]
            rows.append(Row(r.area, r.children, values))
        out.append(
            replace(t, rows=tuple(rows), suppressed_cells=n, suppression_threshold=threshold)
        )
    return out


def hidden_figures(tables: Sequence[Table]) -> set[Var]:
    """The (area, quantity) figures a suppressed book hides."""
    return {
        (r.area.code, col.quantity)
        for t in tables
        for r in t.rows
        for col in t.columns
        if r.values[col.key] is None
    }
