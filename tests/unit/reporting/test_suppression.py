"""Small-cell suppression: primary cells hidden, complements chosen so that no hidden cell can
be recovered from the published totals, by subtraction or any combination of them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.reporting.domain.areas import AreaLevel
from services.reporting.domain.suppression import (
    Var,
    determined,
    equations_of,
    hidden_figures,
    suppress_tables,
)
from services.reporting.domain.tables import (
    NEAR_POOR,
    POOR,
    Table,
    change_table,
    groups_table,
    head_sex_table,
    summary_table,
)
from services.reporting.domain.values import Counts
from tests.unit.reporting.builders import facts
from tests.unit.reporting.test_tables import _facts, _rows, households

cohorts = st.lists(
    st.tuples(households.map(lambda rows: rows[0]), st.integers(1, 12)),
    min_size=1,
    max_size=25,
).map(lambda groups: [row for row, n in groups for _ in range(n)])
"""Households in cohorts of 1-12 alike, so that figures range from small to large."""


def _book(rows: list[dict[str, object]], by: AreaLevel) -> list[Table]:
    r = _rows(_facts(rows), by)
    return [
        summary_table(r),
        change_table(r, POOR),
        change_table(r, NEAR_POOR),
        groups_table(r),
        head_sex_table(r),
    ]


def recoverable(hidden: set[Var], equations: Sequence[Mapping[Var, int]]) -> set[Var]:
    """Hidden figures some combination of published equations determines: exact rational
    elimination, written independently of the production audit."""
    pivots: list[tuple[Var, dict[Var, Fraction]]] = []
    for eq in equations:
        row = {v: Fraction(c) for v, c in eq.items() if v in hidden and c}
        for p, prow in pivots:
            f = row.get(p)
            if f:
                for v, c in prow.items():
                    row[v] = row.get(v, Fraction(0)) - f * c
                    if row[v] == 0:
                        del row[v]
        if not row:
            continue
        p = min(row)
        inv = 1 / row[p]
        row = {v: c * inv for v, c in row.items()}
        for i, (q, qrow) in enumerate(pivots):
            f = qrow.get(p)
            if f:
                for v, c in row.items():
                    qrow[v] = qrow.get(v, Fraction(0)) - f * c
                    if qrow[v] == 0:
                        del qrow[v]
                pivots[i] = (q, qrow)
        pivots.append((p, row))
    return {p for p, row in pivots if len(row) == 1}


@settings(max_examples=40, deadline=None)
@given(
    cohorts,
    st.sampled_from([AreaLevel.VILLAGE, AreaLevel.COMMUNE]),
    st.sampled_from([3, 5, 10]),
)
def test_suppressed_cells_cannot_be_recovered_by_subtraction_from_published_totals(
    rows: list[dict[str, object]], by: AreaLevel, threshold: int
) -> None:
    book = _book(rows, by)
    published = suppress_tables(book, threshold)
    hidden = hidden_figures(published)
    equations = equations_of(book)
    # every small non-zero figure is hidden
    for t in book:
        for r in t.rows:
            for col in t.columns:
                v = r.values[col.key]
                src = r.values[col.contributors or col.key]
                assert v is not None
                assert src is not None
                if 0 < src.households < threshold:
                    assert (r.area.code, col.quantity) in hidden
    # no published equation leaves exactly one hidden figure
    for eq in equations:
        assert sum(1 for v in eq if v in hidden) != 1, eq
    # and no combination of equations determines a hidden figure
    assert recoverable(hidden, equations) == set()
    # a figure is hidden in every table that shows it
    for t in published:
        for r in t.rows:
            for col in t.columns:
                assert (r.values[col.key] is None) == ((r.area.code, col.quantity) in hidden)


def test_a_small_commune_is_hidden_with_a_complement_in_its_column_and_its_row() -> None:
    fs = [facts(n, status="poor", commune="04681", village="04681-01") for n in range(3)]
    fs += [facts(10 + n, status="poor", commune="04705", village="04705-01") for n in range(8)]
    fs += [facts(30 + n, status="not_poor", commune="04705", village="04705-01") for n in range(9)]
    fs += [facts(50 + n, status="not_poor", commune="04681", village="04681-01") for n in range(20)]
    from tests.unit.reporting.test_tables import _rows as rows_of

    (t,) = suppress_tables([summary_table(rows_of(fs, AreaLevel.COMMUNE))], 5)
    small = t.row("04681").values
    assert small["poor"] is None  # 3 poor households
    assert t.row("04705").values["poor"] is None  # its complement within district 138
    assert small["households"] is not None or small["not_poor"] is None
    assert t.row("138").values["poor"] == Counts(11, 22)  # the subtotal stays published
    rate = next(rc for rc in t.rates if rc.key == "poor_rate")
    assert t.row("04681").rate(rate) is None  # a rate of a hidden figure is hidden
    assert t.suppressed_cells >= 2


def test_nothing_is_hidden_when_every_figure_is_zero_or_at_least_the_threshold() -> None:
    fs = [facts(n, status="poor", commune="04681", village="04681-01") for n in range(5)]
    fs += [facts(10 + n, status="poor", commune="04705", village="04705-01") for n in range(5)]
    from tests.unit.reporting.test_tables import _rows as rows_of

    (t,) = suppress_tables([summary_table(rows_of(fs, AreaLevel.COMMUNE))], 5)
    assert t.suppressed_cells == 0
    assert t.suppression_threshold == 5


def test_audit_finds_a_cell_that_pairwise_complements_leave_exposed() -> None:
    """Two hidden 2x2 rectangles joined by one hidden cell: every row and column has two
    hidden cells, yet the joining cell equals a combination of published totals."""
    cells = {
        (0, 0), (0, 1), (1, 0), (1, 1),  # rectangle A
        (2, 2), (2, 3), (3, 2), (3, 3),  # rectangle B
        (1, 2),  # the bridge
    }  # fmt: skip
    hidden = {(f"r{r}", f"c{c}") for r, c in cells}
    equations = [
        {(f"r{r}", f"c{c}"): 1 for c in range(4)} | {(f"r{r}", "tot"): -1} for r in range(4)
    ]
    equations += [
        {(f"r{r}", f"c{c}"): 1 for r in range(4)} | {("tot", f"c{c}"): -1} for c in range(4)
    ]
    for eq in equations:
        assert sum(1 for v in eq if v in hidden) != 1
    assert determined(hidden, equations) == {("r1", "c2")}
    assert recoverable(hidden, equations) == {("r1", "c2")}


@pytest.mark.parametrize("threshold", [1, 3, 5])
def test_threshold_is_the_number_of_households_below_which_a_figure_is_hidden(
    threshold: int,
) -> None:
    fs = [facts(n, status="poor", commune="04681", village="04681-01") for n in range(3)]
    fs += [facts(10 + n, status="poor", commune="04705", village="04705-01") for n in range(30)]
    from tests.unit.reporting.test_tables import _rows as rows_of

    (t,) = suppress_tables([summary_table(rows_of(fs, AreaLevel.COMMUNE))], threshold)
    assert (t.row("04681").values["poor"] is None) is (threshold > 3)
