"""Alkire-Foster index from the standard's structure, checked against the worked example of
reporting-and-mpi.md §3 computed by hand."""

from __future__ import annotations

from fractions import Fraction

import pytest

from services.reporting.domain.areas import AreaLevel, Leaf, roll_up
from services.reporting.domain.households import contributions
from services.reporting.domain.mpi import Mpi, mpi_of, mpi_table, parse_cutoff
from services.reporting.domain.structure import IndicatorRef, structure_of
from services.reporting.domain.tables import AreaCells, merge_cells
from services.reporting.domain.values import Counts
from shared.errors import DomainError
from tests.unit.reporting.builders import CODES_2022, INDICATORS_2022, facts, tree

F = Fraction
STRUCTURE_2022 = structure_of([IndicatorRef(c, d) for c, d in INDICATORS_2022])

WORKED = {  # household: deprivation vector over indicators 1-12
    "H1": "1 0 0 1 0 0 0 0 1 1 0 0",
    "H2": "0 1 0 0 0 0 1 1 0 1 1 1",
    "H3": "0 0 0 1 0 0 0 0 1 0 0 0",
    "H4": "0 0 0 0 1 1 0 0 0 1 0 0",
    "H5": "0 0 0 0 0 0 0 0 0 0 0 0",
}


def _cells(vectors: dict[str, str]) -> AreaCells:
    parts: list[AreaCells] = []
    for n, bits in enumerate(vectors.values(), start=1):
        deprived = [c for c, b in zip(CODES_2022, bits.split(), strict=True) if b == "1"]
        one: dict[str, dict[str, Counts]] = {}
        for measure, category, counts in contributions(facts(n, deprived=deprived)):
            one.setdefault(measure, {})[category] = counts
        parts.append(one)
    return merge_cells(parts)


def _commune_mpi(k: F) -> Mpi | None:
    leaves = {Leaf("15", "04570", None): _cells(WORKED)}
    rows = roll_up(tree(), leaves, merge_cells, by=AreaLevel.COMMUNE)
    table = mpi_table(rows, STRUCTURE_2022, k)
    return mpi_of(table.row("04570"), STRUCTURE_2022)


def _i(n: int) -> str:
    return CODES_2022[n - 1]


def test_worked_example_gives_h_a_m0_and_contributions_when_k_is_3_of_12() -> None:
    m = _commune_mpi(F(3, 12))
    assert m is not None
    assert (m.n, m.q) == (5, 3)
    assert m.headcount == F(3, 5)
    assert m.intensity == F(13, 36)
    assert m.m0 == F(13, 60)
    assert m.indicators[_i(10)] == F(3, 13)
    assert m.indicators[_i(3)] == 0
    assert all(m.indicators[_i(j)] == F(1, 13) for j in (1, 2, 4, 5, 6, 7, 8, 9, 11, 12))
    assert sum(m.indicators.values()) == 1
    assert m.dimensions == {
        "employment": F(2, 13),
        "health": F(1, 13),
        "education": F(2, 13),
        "housing": F(2, 13),
        "water_sanitation": F(4, 13),
        "information": F(2, 13),
    }


def test_worked_example_counts_a_score_equal_to_the_cutoff_as_poor_when_k_is_one_third() -> None:
    m = _commune_mpi(F(1, 3))  # H1 scores 4/12, exactly k
    assert m is not None
    assert (m.q, m.headcount, m.intensity, m.m0) == (2, F(2, 5), F(5, 12), F(1, 6))
    assert m.indicators[_i(10)] == F(1, 5)
    assert all(m.indicators[_i(j)] == F(1, 10) for j in (1, 2, 4, 7, 8, 9, 11, 12))
    assert all(m.indicators[_i(j)] == 0 for j in (3, 5, 6))


def test_person_based_index_weights_each_household_by_its_members() -> None:
    leaves = {Leaf("15", "04570", None): _cells(WORKED)}
    rows = roll_up(tree(), leaves, merge_cells, by=AreaLevel.COMMUNE)
    table = mpi_table(rows, STRUCTURE_2022, F(1, 4))
    m = mpi_of(table.row("04570"), STRUCTURE_2022, persons=True)
    assert m is not None
    assert (m.n, m.q) == (10, 6)  # two members each
    assert m.m0 == F(13, 60)


def test_weights_are_equal_per_dimension_and_within_it_when_dimensions_differ_in_size() -> None:
    draft_2027 = [
        ("employment", "employment"),
        ("dependants", "employment"),
        ("nutrition", "health"),
        ("health_insurance", "health"),
        ("adult_education", "education"),
        ("child_schooling", "education"),
        ("housing_quality", "housing"),
        ("housing_area", "housing"),
        ("digital_services", "information"),
        ("water_source", "water_sanitation"),
        ("latrine", "water_sanitation"),
        ("waste_handling", "water_sanitation"),
    ]
    s = structure_of([IndicatorRef(c, d) for c, d in draft_2027])
    assert s.weight("employment") == F(1, 12)
    assert s.weight("digital_services") == F(1, 6)
    assert s.weight("waste_handling") == F(1, 18)
    assert sum(s.weight(c) for c in s.codes) == 1
    assert STRUCTURE_2022.denominator == 12
    assert all(STRUCTURE_2022.weight(c) == F(1, 12) for c in CODES_2022)


@pytest.mark.parametrize(
    ("units", "k", "poor"),
    [(4, F(1, 3), True), (3, F(1, 3), False), (3, F(1, 4), True), (2, F(1, 4), False)],
)
def test_cutoff_is_compared_as_integers_when_the_score_equals_it(
    units: int, k: F, poor: bool
) -> None:
    assert STRUCTURE_2022.is_poor(units, k) is poor


@pytest.mark.parametrize(
    ("text", "k"), [("3/12", F(1, 4)), ("1/3", F(1, 3)), ("25%", F(1, 4)), ("0.25", F(1, 4))]
)
def test_cutoff_is_read_exactly_when_given_as_a_fraction_percentage_or_decimal(
    text: str, k: F
) -> None:
    assert parse_cutoff(text, F(1, 2)) == k


@pytest.mark.parametrize("text", ["0", "2", "-1/3", "abc", "1/0"])
def test_cutoff_is_refused_when_outside_zero_to_one(text: str) -> None:
    with pytest.raises(DomainError) as err:
        parse_cutoff(text, F(1, 4))
    assert err.value.status == 422
    assert "Ngưỡng" in err.value.message_vi
