"""The year-end tables: change tables reconcile, rollups are the sum of their parts, every
published relation holds."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.reporting.domain.areas import AreaLevel, AreaRef, Leaf, RollupRow, roll_up
from services.reporting.domain.households import HouseholdFacts, contributions
from services.reporting.domain.structure import IndicatorRef, structure_of
from services.reporting.domain.tables import (
    NEAR_POOR,
    POOR,
    AreaCells,
    Table,
    causes_table,
    change_of,
    change_table,
    children_table,
    deprivation_table,
    ethnicity_table,
    groups_table,
    head_sex_table,
    low_income_table,
    merge_cells,
    needs_table,
    newly_escaped_table,
    summary_table,
)
from services.reporting.domain.values import ZERO, Counts
from tests.unit.reporting.builders import CODES_2022, INDICATORS_2022, VILLAGES, facts, member, tree

STRUCTURE = structure_of([IndicatorRef(c, d) for c, d in INDICATORS_2022])
STATUSES = ("poor", "near_poor", "average", "not_poor")
TRANSITIONS = (
    "unchanged",
    "newly_poor",
    "newly_near_poor",
    "poor_to_near_poor",
    "near_poor_to_poor",
    "escaped_poverty",
    "escaped_near_poverty",
    "fell_back_poor",
    "fell_back_near_poor",
    "not_listed",
)


@pytest.mark.parametrize(
    ("subject", "previous", "status", "transition", "place"),
    [
        (POOR, "poor", "poor", "unchanged", (True, True, None, None)),
        (POOR, "poor", "near_poor", "poor_to_near_poor", (True, False, "to_near_poor", None)),
        (POOR, "poor", "not_poor", "escaped_poverty", (True, False, "escaped", None)),
        (POOR, "poor", "average", "escaped_poverty", (True, False, "escaped", None)),
        (POOR, "near_poor", "poor", "near_poor_to_poor", (False, True, None, "from_near_poor")),
        (POOR, None, "poor", "newly_poor", (False, True, None, "newly")),
        (POOR, "not_poor", "poor", "fell_back_poor", (False, True, None, "fell_back")),
        (POOR, None, "poor", "unchanged", (False, True, None, "other")),
        (POOR, None, "not_poor", "not_listed", (False, False, None, None)),
        (NEAR_POOR, "near_poor", "poor", "near_poor_to_poor", (True, False, "to_poor", None)),
        (
            NEAR_POOR,
            "near_poor",
            "not_poor",
            "escaped_near_poverty",
            (True, False, "escaped", None),
        ),
        (NEAR_POOR, "poor", "near_poor", "poor_to_near_poor", (False, True, None, "from_poor")),
        (NEAR_POOR, None, "near_poor", "newly_near_poor", (False, True, None, "newly")),
        (
            NEAR_POOR,
            "average",
            "near_poor",
            "fell_back_near_poor",
            (False, True, None, "fell_back"),
        ),
    ],
)
def test_each_household_falls_in_one_place_of_the_change_table(
    subject: str,
    previous: str | None,
    status: str,
    transition: str,
    place: tuple[bool, bool, str | None, str | None],
) -> None:
    c = change_of(subject, previous, status, transition)
    assert (c.start, c.end, c.decrease, c.increase) == place


households = st.lists(
    st.builds(
        dict,
        village=st.sampled_from(VILLAGES),
        status=st.sampled_from(STATUSES),
        previous=st.one_of(st.none(), st.sampled_from(STATUSES)),
        transition=st.sampled_from(TRANSITIONS),
        deprived=st.lists(st.sampled_from(CODES_2022), unique=True, max_size=6),
        size=st.integers(1, 5),
        ethnicity=st.sampled_from(["kinh", "tay", "dao", "hmong"]),
        causes=st.lists(st.sampled_from(["lack_land", "lack_capital", "other"]), unique=True),
        kids=st.integers(0, 3),
    ),
    min_size=1,
    max_size=60,
)


def _facts(rows: Sequence[dict[str, object]]) -> list[HouseholdFacts]:
    out = []
    for n, r in enumerate(rows, start=1):
        size = int(r["size"])  # type: ignore[call-overload]
        kids = min(int(r["kids"]), size - 1)  # type: ignore[call-overload]
        people = [member(1)] + [member(i + 2, age=8, insured=i % 2 == 0) for i in range(kids)]
        people += [member(len(people) + i + 1, age=30) for i in range(size - len(people))]
        village = str(r["village"])
        out.append(
            facts(
                n,
                status=r["status"],
                previous_status=r["previous"],
                transition=r["transition"],
                deprived=r["deprived"],
                commune=village[:5],
                village=village,
                head_ethnicity=r["ethnicity"],
                causes=r["causes"],
                members=people,
            )
        )
    return out


def _leaves(fs: Sequence[HouseholdFacts], *, by_village: bool) -> dict[Leaf, AreaCells]:
    out: dict[Leaf, dict[str, dict[str, Counts]]] = {}
    for f in fs:
        leaf = Leaf(f.province_code, f.commune_code, f.village_code if by_village else None)
        cells = out.setdefault(leaf, {})
        for m, cat, c in contributions(f):
            by = cells.setdefault(m, {})
            by[cat] = by.get(cat, ZERO) + c
    return dict(out)


def _rows(fs: Sequence[HouseholdFacts], by: AreaLevel) -> list[RollupRow[AreaCells]]:
    leaves = _leaves(fs, by_village=by is AreaLevel.VILLAGE)
    return roll_up(tree(), leaves, merge_cells, by=by, leaves_only=True)


_PROVINCE = AreaRef("15", AreaLevel.PROVINCE, "Lào Cai", None, None)


def _all_tables(rows: Sequence[RollupRow[AreaCells]]) -> list[Table]:
    return [
        summary_table(rows),
        change_table(rows, POOR),
        change_table(rows, NEAR_POOR),
        deprivation_table(rows, STRUCTURE, POOR),
        deprivation_table(rows, STRUCTURE, NEAR_POOR),
        groups_table(rows),
        ethnicity_table(rows, ["kinh"]),
        head_sex_table(rows),
        causes_table(rows),
        needs_table(rows),
        children_table(rows),
        newly_escaped_table(rows),
        low_income_table(rows),
    ]


@settings(max_examples=60, deadline=None)
@given(households)
def test_change_tables_reconcile_end_equals_start_minus_decreases_plus_increases(
    rows: list[dict[str, object]],
) -> None:
    fs = _facts(rows)
    for subject in (POOR, NEAR_POOR):
        table = change_table(_rows(fs, AreaLevel.VILLAGE), subject)
        for r in table.rows:
            v = {k: c for k, c in r.values.items() if c is not None}
            decreases = sum((c for k, c in v.items() if k.startswith("dec_")), ZERO)
            increases = sum((c for k, c in v.items() if k.startswith("inc_")), ZERO)
            assert v["end"] == v["start"] - decreases + increases
        province = table.rows[0]
        assert province.values["start"] == Counts(
            sum(1 for f in fs if f.previous_status == subject),
            sum(f.member_count for f in fs if f.previous_status == subject),
        )
        assert province.values["end"] == Counts(
            sum(1 for f in fs if f.status == subject),
            sum(f.member_count for f in fs if f.status == subject),
        )


@settings(max_examples=40, deadline=None)
@given(
    households, st.sampled_from([AreaLevel.VILLAGE, AreaLevel.COMMUNE, AreaLevel.FORMER_DISTRICT])
)
def test_rollups_equal_the_sum_of_their_parts_and_every_relation_holds(
    rows: list[dict[str, object]], by: AreaLevel
) -> None:
    fs = _facts(rows)
    for table in _all_tables(_rows(fs, by)):
        by_code = {r.area.code: r for r in table.rows}
        for r in table.rows:
            values = {k: c for k, c in r.values.items() if c is not None}
            if r.children:
                for col in table.columns:
                    parts = sum((by_code[ch].values[col.key] or ZERO for ch in r.children), ZERO)
                    assert values[col.key] == parts, (table.key, r.area.code, col.key)
            for rel in table.relations:
                h = sum(coef * values[k].households for k, coef in rel)
                p = sum(coef * values[k].persons for k, coef in rel)
                assert (h, p) == (0, 0), (table.key, r.area.code, rel)
        top = table.rows[0]
        assert top.area.level is AreaLevel.PROVINCE
    # the province row, summed up the rows, equals the figures of all households at once
    everyone = merge_cells(_leaves(fs, by_village=False).values())
    flat = [RollupRow(_PROVINCE, everyone, ())]
    for table, whole in zip(_all_tables(_rows(fs, by)), _all_tables(flat), strict=True):
        got = table.rows[0].values
        for col in whole.columns:
            assert got.get(col.key, ZERO) == whole.rows[0].values[col.key], (table.key, col.key)


@settings(max_examples=30, deadline=None)
@given(households)
def test_the_same_figure_is_equal_in_every_table_that_shows_it(
    rows: list[dict[str, object]],
) -> None:
    seen: dict[tuple[str, str], Counts] = {}
    for table in _all_tables(_rows(_facts(rows), AreaLevel.COMMUNE)):
        for r in table.rows:
            for col in table.columns:
                v = r.values[col.key]
                assert v is not None
                key = (r.area.code, col.quantity)
                assert seen.setdefault(key, v) == v, (table.key, key)


def test_summary_counts_and_rates_by_commune_with_former_district_subtotals() -> None:
    fs = [
        facts(1, status="poor", commune="04681", village="04681-01"),
        facts(2, status="near_poor", commune="04681", village="04681-02"),
        facts(3, status="not_poor", commune="04705", village="04705-01"),
        facts(4, status="poor", commune="04570", village="04570-01"),
        facts(5, status="average", commune="02641", village="02641-01"),
    ]
    table = summary_table(_rows(fs, AreaLevel.COMMUNE))
    assert [(r.area.code, r.area.level.value) for r in table.rows] == [
        ("15", "province"),
        ("02641", "commune"),  # no former district: directly under the province
        ("138", "former_district"),
        ("04681", "commune"),
        ("04705", "commune"),
        ("140", "former_district"),
        ("04570", "commune"),
    ]
    district = table.row("138")
    assert district.area.name_vi == "Huyện Trấn Yên"
    assert district.values["households"] == Counts(3, 6)
    assert district.values["poor"] == Counts(1, 2)
    rates = {rc.key: district.rate(rc) for rc in table.rates}
    assert rates["poor_rate"] is not None
    assert rates["poor_rate"][0].percent() == 33.33
    assert rates["multidimensional_poverty_rate"] is not None
    assert rates["multidimensional_poverty_rate"][0].percent() == 66.67


def test_ethnicity_table_splits_kinh_and_minorities_and_each_group() -> None:
    fs = [
        facts(1, status="poor", head_ethnicity="kinh"),
        facts(2, status="poor", head_ethnicity="tay"),
        facts(3, status="poor", head_ethnicity="dao"),
        facts(4, status="not_poor", head_ethnicity="dao"),
    ]
    t = ethnicity_table(_rows(fs, AreaLevel.COMMUNE), ["kinh"])
    v = t.row("04570").values
    assert v["poor.majority"] == Counts(1, 2)
    assert v["poor.minority"] == Counts(2, 4)
    assert v["poor.dao"] == Counts(1, 2)
    assert v["households.dao"] == Counts(2, 4)
    rate = next(rc for rc in t.rates if rc.key == "poor_rate.minority")
    got = t.row("04570").rate(rate)
    assert got is not None
    assert got[0].percent() == 66.67
