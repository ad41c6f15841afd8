"""What reporting keeps of a classification, and the cells each household adds to."""

from __future__ import annotations

from datetime import date

import pytest

from services.reporting.domain.definitions import ReportDefinitions, SchoolAge
from services.reporting.domain.households import Measure, contributions
from services.reporting.domain.values import Counts
from tests.unit.reporting.builders import CODES_2022, facts, member


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        # (children, uninsured, malnourished, out_of_school, workers, no_labour)
        ([member(1), member(2, age=38, sex="female")], (0, 0, 0, 0, 2, False)),
        ([member(1, age=70), member(2, age=68)], (0, 0, 0, 0, 0, True)),
        ([member(1, age=45, able=False)], (0, 0, 0, 0, 0, True)),
        (
            [member(1), member(2, age=4, insured=False, malnourished=True, attending=True)],
            (1, 1, 1, 0, 1, False),
        ),
        ([member(1), member(2, age=2, attending=False)], (1, 0, 0, 0, 1, False)),
        ([member(1), member(2, age=3, attending=False)], (1, 0, 0, 1, 1, False)),
        ([member(1), member(2, age=15, attending=False)], (1, 0, 0, 1, 2, False)),  # works at 15
        ([member(1), member(2, age=16, attending=False, insured=False)], (0, 0, 0, 0, 2, False)),
        ([member(1), member(2, age=10, malnourished=None)], (1, 0, 0, 1, 1, False)),
        ([], (0, 0, 0, 0, 0, False)),
    ],
)
def test_children_workers_and_labour_capacity_come_from_the_members_when_profiled(
    members: list[dict[str, object]], expected: tuple[int, ...]
) -> None:
    f = facts(members=members, member_count=max(1, len(members)))
    got = (
        f.children,
        f.children_uninsured,
        f.children_malnourished,
        f.children_out_of_school,
        f.workers,
        f.no_labour,
    )
    assert got == expected


def test_school_age_is_read_from_the_definitions_when_they_change() -> None:
    d = ReportDefinitions(school_age=SchoolAge(min_age=6, max_age_exclusive=16))
    f = facts(members=[member(1), member(2, age=4, attending=False)], definitions=d)
    assert f.children_out_of_school == 0


@pytest.mark.parametrize(
    ("ethnicity", "minority"),
    [("kinh", False), ("Kinh ", False), ("tay", True), ("hmong", True), ("hoa", True)],
)
def test_household_is_ethnic_minority_when_its_head_is_not_kinh(
    ethnicity: str, minority: bool
) -> None:
    assert facts(head_ethnicity=ethnicity).minority is minority


@pytest.mark.parametrize(
    ("deprived", "score"),
    [
        ((), 0),
        (("latrine",), 1),
        (("latrine", "water_source", "telecom"), 3),
        (CODES_2022, 12),
    ],
)
def test_mpi_score_counts_twelfths_under_the_2022_standard(
    deprived: tuple[str, ...], score: int
) -> None:
    assert facts(deprived=deprived).mpi_score == score


def test_a_household_adds_one_household_and_its_members_to_each_of_its_cells() -> None:
    f = facts(
        status="poor",
        deprived=("latrine", "telecom"),
        causes=["lack_capital", "lack_land"],
        needs=["credit"],
        previous_status="near_poor",
        transition="near_poor_to_poor",
        members=[member(1), member(2, age=30, sex="female"), member(3, age=8, insured=False)],
    )
    cells = {(m, c): n for m, c, n in contributions(f)}
    three = Counts(1, 3)
    assert cells == {
        (Measure.STATUS, "poor"): three,
        (Measure.CHANGE, "near_poor|poor|near_poor_to_poor"): three,
        (Measure.ETHNICITY, "poor|tay"): three,
        (Measure.HEAD_SEX, "poor|male"): three,
        (Measure.GROUP, "poor|100"): three,
        (Measure.DEPRIVED, "poor|latrine"): three,
        (Measure.DEPRIVED, "poor|telecom"): three,
        (Measure.MPI, "2|*"): three,
        (Measure.MPI, "2|latrine"): three,
        (Measure.MPI, "2|telecom"): three,
        (Measure.CAUSE, "poor|lack_capital"): three,
        (Measure.CAUSE, "poor|lack_land"): three,
        (Measure.NEED, "poor|credit"): three,
        (Measure.CHILDREN, "poor|children"): Counts(1, 1),
        (Measure.CHILDREN, "poor|uninsured"): Counts(1, 1),
        (Measure.CHILDREN, "poor|out_of_school"): Counts(1, 1),
    }


def test_newly_escaped_and_low_income_worker_households_have_cells_of_their_own() -> None:
    f = facts(
        status="not_poor",
        previous_status="poor",
        transition="escaped_poverty",
        newly_escaped_until=date(2029, 12, 10),
        low_income_worker_household=True,
        members=[member(1), member(2, age=70), member(3, age=20)],
    )
    cells = {(m, c): n for m, c, n in contributions(f)}
    assert cells[(Measure.NEWLY_ESCAPED, "not_poor")] == Counts(1, 3)
    assert cells[(Measure.LOW_INCOME, "")] == Counts(1, 2)  # persons: the two workers
