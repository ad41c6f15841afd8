"""Households' life events in the change tables' other rows, and figures in the areas of
their time or today's: every row still reconciles, the end of the period never moves, a merge
of two communes combines their figures only from its date."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from services.reporting.domain.areas import AreaLevel, Leaf, remap, roll_up
from services.reporting.domain.households import HouseholdFacts, Measure, contributions
from services.reporting.domain.life import LifeEvent, Standing, life_contributions
from services.reporting.domain.tables import (
    NEAR_POOR,
    POOR,
    AreaCells,
    Table,
    change_table,
    merge_cells,
    summary_table,
)
from services.reporting.domain.values import ZERO, Counts
from shared.area_changes import AreaChange, AreaChangeKind, AreaHistory
from shared.contracts.registry import LifeEventKind
from tests.unit.reporting.builders import VILLAGES, facts, tree

Y = 2026


def _standing(f: HouseholdFacts) -> Standing:
    return Standing(
        f.review_year,
        f.province_code,
        f.commune_code,
        f.village_code,
        f.status,
        f.previous_status,
        f.transition,
        f.member_count,
    )


def _leaves(
    fs: Sequence[HouseholdFacts],
    life: Sequence[tuple[tuple[str, str, str], str, Counts]] = (),
) -> dict[Leaf, AreaCells]:
    out: dict[Leaf, dict[str, dict[str, Counts]]] = {}
    for f in fs:
        cells = out.setdefault(Leaf(f.province_code, f.commune_code, f.village_code), {})
        for m, cat, c in contributions(f):
            by = cells.setdefault(m, {})
            by[cat] = by.get(cat, ZERO) + c
    for (province, commune, village), cat, n in life:
        by = out.setdefault(Leaf(province, commune, village), {}).setdefault(Measure.LIFE.value, {})
        by[cat] = by.get(cat, ZERO) + n
    return dict(out)


def _changes(leaves: dict[Leaf, AreaCells], subject: str) -> Table:
    rows = roll_up(tree(), leaves, merge_cells, by=AreaLevel.VILLAGE, leaves_only=True)
    return change_table(rows, subject)


def _event(n: int, kind: LifeEventKind, on: date, frm: str, to: str = "", **kw: str) -> LifeEvent:
    to = to or frm
    return LifeEvent(
        f"C-{n}", kind, f"HH-{n:07d}", on, "15", frm[:5], frm, to[:5], to, kw.get("related")
    )


def _reconciles(t: Table) -> None:
    for r in t.rows:
        v = {k: c for k, c in r.values.items() if c is not None}
        decreases = sum((c for k, c in v.items() if k.startswith("dec_")), ZERO)
        increases = sum((c for k, c in v.items() if k.startswith("inc_")), ZERO)
        assert v["end"] == v["start"] - decreases + increases, r.area.code


def test_a_move_is_an_other_decrease_where_it_left_and_an_other_increase_where_it_arrived() -> None:
    moved = facts(
        1,
        year=Y,
        status="poor",
        previous_status="poor",
        transition="unchanged",
        commune="04681",
        village="04681-02",
    )
    ev = _event(1, LifeEventKind.MOVED, date(Y, 3, 1), "04570-01", "04681-02")
    life = life_contributions(Y, [ev], {moved.household_code: _standing(moved)}, {})
    t = _changes(_leaves([moved], life), POOR)
    _reconciles(t)
    left, arrived = t.row("04570-01").values, t.row("04681-02").values
    assert (left["start"], left["dec_other"], left["end"]) == (Counts(1, 2), Counts(1, 2), ZERO)
    assert (arrived["start"], arrived["inc_other"], arrived["end"]) == (
        ZERO,
        Counts(1, 2),
        Counts(1, 2),
    )


def test_a_move_recorded_after_the_survey_in_the_same_round_changes_nothing() -> None:
    stayed = facts(
        1, year=Y, status="poor", previous_status="poor", commune="04570", village="04570-01"
    )
    ev = _event(1, LifeEventKind.MOVED, date(Y, 12, 1), "04570-01", "04681-02")
    assert life_contributions(Y, [ev], {stayed.household_code: _standing(stayed)}, {}) == []


def test_a_dissolved_household_is_an_other_decrease_under_its_last_recognised_status() -> None:
    last = facts(1, year=Y - 1, status="near_poor", commune="04570", village="04570-02")
    ev = _event(1, LifeEventKind.DISSOLVED, date(Y, 5, 1), "04570-02")
    life = life_contributions(Y, [ev], {}, {last.household_code: _standing(last)})
    t = _changes(_leaves([], life), NEAR_POOR)
    _reconciles(t)
    assert t.row("04570-02").values["dec_other"] == Counts(1, 2)
    assert t.row("15").values["end"] == ZERO


def test_a_merge_after_the_households_review_counts_in_the_next_round() -> None:
    last = facts(1, year=Y - 1, status="poor", commune="04570", village="04570-02")
    ev = _event(1, LifeEventKind.MERGED, date(Y - 1, 12, 20), "04570-02", related="HH-9")
    before = {last.household_code: _standing(last)}
    assert life_contributions(Y - 1, [ev], {last.household_code: _standing(last)}, {}) == []
    assert len(life_contributions(Y, [ev], {}, before)) == 1


def test_a_split_off_household_is_an_other_increase_not_newly_listed() -> None:
    new = facts(
        2,
        year=Y,
        status="poor",
        previous_status=None,
        transition="newly_poor",
        commune="04570",
        village="04570-01",
    )
    ev = _event(1, LifeEventKind.SPLIT, date(Y - 1, 11, 1), "04570-01", related=new.household_code)
    life = life_contributions(Y, [ev], {new.household_code: _standing(new)}, {})
    t = _changes(_leaves([new], life), POOR)
    _reconciles(t)
    row = t.row("04570-01").values
    assert (row["inc_newly"], row["inc_other"], row["end"]) == (ZERO, Counts(1, 2), Counts(1, 2))


STATUSES = ("poor", "near_poor", "average", "not_poor")
KINDS = list(LifeEventKind)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(STATUSES),
            st.one_of(st.none(), st.sampled_from(STATUSES)),
            st.sampled_from(VILLAGES),
            st.sampled_from(VILLAGES),
            st.sampled_from(KINDS),
            st.booleans(),
            st.integers(1, 12),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_change_tables_still_reconcile_with_life_events_and_the_end_never_moves(
    rows: list[tuple[str, str | None, str, str, LifeEventKind, bool, int]],
) -> None:
    fs, events, before = [], [], {}
    for n, (status, previous, village, origin, kind, reviewed, month) in enumerate(rows, 1):
        f = facts(
            n, year=Y, status=status, previous_status=previous, commune=village[:5], village=village
        )
        if reviewed or kind in (LifeEventKind.MOVED, LifeEventKind.SPLIT):
            fs.append(f)
        last = facts(
            n, year=Y - 1, status=previous or "not_poor", commune=origin[:5], village=origin
        )
        before[f.household_code] = _standing(last)
        related = f"HH-{n:07d}" if kind is LifeEventKind.SPLIT else None
        events.append(
            LifeEvent(
                f"C-{n}",
                kind,
                f"HH-{n + 1000:07d}" if related else f.household_code,
                date(Y, month, 1),
                "15",
                origin[:5],
                origin,
                village[:5],
                village,
                related,
            )
        )
    in_round = {f.household_code: _standing(f) for f in fs}
    life = life_contributions(Y, events, in_round, before)
    for subject in (POOR, NEAR_POOR):
        plain, with_life = _changes(_leaves(fs), subject), _changes(_leaves(fs, life), subject)
        _reconciles(with_life)
        assert [
            r.values["end"]
            for r in with_life.rows
            if r.area.code in {x.area.code for x in plain.rows}
        ] == [r.values["end"] for r in plain.rows]


def test_a_merge_of_two_communes_leaves_earlier_figures_and_combines_later_ones() -> None:
    """Commune 04705 merged into 04681 on 1 March 2026: the 2025 round stays under both
    communes; the 2026 round, and the 2025 round read in today's areas, combine them."""
    history = AreaHistory(
        (AreaChange(date(2026, 3, 1), AreaChangeKind.MERGE, "04705", "04681"),),
        {v: v[:5] for v in VILLAGES},
    )
    r2025 = [
        facts(n, year=2025, commune=c, village=f"{c}-01")
        for n, c in enumerate(["04681", "04681", "04705"], 1)
    ]

    def summary(fs: list[HouseholdFacts], on: date) -> dict[str, int]:
        leaves = remap(_leaves(fs), history, on, merge_cells, by_village=False)
        rows = roll_up(tree(), leaves, merge_cells, by=AreaLevel.COMMUNE, leaves_only=True)
        return {
            r.area.code: r.values["households"].households
            for r in summary_table(rows).rows
            if r.values["households"]
        }

    as_then = summary(r2025, date(2025, 12, 31))
    assert as_then["04681"] == 2
    assert as_then["04705"] == 1
    today = summary(r2025, date(2026, 11, 29))
    assert today["04681"] == 3
    assert "04705" not in today
    assert today["138"] == as_then["138"] == 3  # the former district's total is the same
