"""The working-age upper bound rises with the review year (Labour Code 2019 Art. 169(2),
Decree 135/2020/NĐ-CP): 60 years 3 months (men) and 55 years 4 months (women) in 2021, then
+3 months a year for men until 62 (2028) and +4 months a year for women until 60 (2035).
A member of age ``a`` in completed years is of working age while ``12a`` is below the bound
in months."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from services.assessment.adapters.standards_repo import national_mappings
from services.assessment.domain.classifier import classify
from services.assessment.domain.errors import StandardDataError
from services.assessment.domain.facts import facts_classifier, facts_of
from services.assessment.domain.indicators import EmploymentParams
from services.assessment.domain.profile import member_profiles
from services.assessment.domain.standard import Standard
from shared.contracts.codes import Employment, Relation, Sex
from shared.contracts.surveys import SurveyPayload
from tests.factories import member, survey
from tests.unit.assessment.reference import classify_reference

pytestmark = pytest.mark.unit

M, F = Sex.MALE, Sex.FEMALE

# (review year, sex, bound as years and months, oldest working age in completed years)
SCHEDULE = [
    (2021, M, (60, 3), 60),
    (2021, F, (55, 4), 55),
    (2022, M, (60, 6), 60),
    (2022, F, (55, 8), 55),
    (2023, F, (56, 0), 55),  # a whole-year bound: a woman of 56 has reached it
    (2024, M, (61, 0), 60),
    (2024, F, (56, 4), 56),
    (2026, M, (61, 6), 61),
    (2026, F, (57, 0), 56),
    (2027, M, (61, 9), 61),
    (2027, F, (57, 4), 57),
    (2028, M, (62, 0), 61),  # men reach the final 62 years
    (2028, F, (57, 8), 57),
    (2030, F, (58, 4), 58),
    (2034, F, (59, 8), 59),
    (2035, M, (62, 0), 61),
    (2035, F, (60, 0), 59),  # women reach the final 60 years
    (2040, M, (62, 0), 61),  # later years keep the final bound
    (2040, F, (60, 0), 59),
]


def employment_params(standard: Standard) -> EmploymentParams:
    params: EmploymentParams = standard.indicator("employment").params
    return params


def household(year: int, age: int, sex: Sex) -> SurveyPayload:
    """A household whose second member, of ``age`` and ``sex``, is unemployed and wants work."""
    return survey(
        review_round={"year": year, "kind": "periodic"},
        members=[
            member(),
            member(
                member_no=2,
                relation=Relation.SPOUSE,
                age=age,
                sex=sex,
                employment=Employment.UNEMPLOYED,
                wants_work=True,
            ),
        ],
    )


@pytest.mark.parametrize(("year", "sex", "bound", "oldest"), SCHEDULE)
def test_upper_bound_is_the_retirement_age_of_the_review_year_when_read_from_the_data(
    standards: dict[str, Standard], year: int, sex: Sex, bound: tuple[int, int], oldest: int
) -> None:
    for standard in standards.values():
        params = employment_params(standard)
        assert params.upper_bound_months(sex, year) == bound[0] * 12 + bound[1]


@pytest.mark.parametrize(("year", "sex", "bound", "oldest"), SCHEDULE)
def test_member_is_of_working_age_only_below_the_bound_when_age_is_in_whole_years(
    std22: Standard, year: int, sex: Sex, bound: tuple[int, int], oldest: int
) -> None:
    params = employment_params(std22)
    assert params.is_working_age(oldest, sex, year) is True
    assert params.is_working_age(oldest + 1, sex, year) is False
    assert params.is_working_age(15, sex, year) is True
    assert params.is_working_age(14, sex, year) is False


@pytest.mark.parametrize(("year", "sex", "bound", "oldest"), SCHEDULE)
def test_employment_deprivation_follows_the_bound_when_classified_in_the_review_year(
    standards: dict[str, Standard], year: int, sex: Sex, bound: tuple[int, int], oldest: int
) -> None:
    for standard in standards.values():
        for age, expected in ((oldest, True), (oldest + 1, False)):
            s = household(year, age, sex)
            c = classify(s, standard)
            assert ("employment" in c.deprived_codes) is expected, (standard.id, age)
            assert c == classify_reference(s, standard)
            mask = facts_classifier(standard, year)(facts_of(s)).deprived
            assert bool(mask & 1) is expected  # employment is the first indicator
            (_, profile) = member_profiles(s, standard)
            assert profile["working_age"] is expected


def test_same_member_leaves_working_age_later_when_the_review_is_later(std22: Standard) -> None:
    # A woman of 56: past the bound in 2023 (56y0m), within it in 2024 (56y4m).
    assert "employment" not in classify(household(2023, 56, F), std22).deprived_codes
    assert "employment" in classify(household(2024, 56, F), std22).deprived_codes


def test_results_carry_the_labour_code_and_decree_when_employment_is_deprived(
    standards: dict[str, Standard],
) -> None:
    for standard in standards.values():
        c = classify(household(2026, 30, M), standard)
        employment = c.indicators[0]
        assert employment.code == "employment"
        assert employment.deprived
        assert "Labour Code 2019, Art. 169(2)" in employment.legal_basis
        assert "Decree 135/2020/NĐ-CP" in employment.legal_basis
        basis = employment_params(standard).retirement_legal_basis
        assert "Art. 169(2)" in basis
        assert "Decree 135/2020/NĐ-CP" in basis


def test_fixed_bounds_still_load_when_a_standard_sets_whole_year_maxima() -> None:
    raw = copy.deepcopy(national_mappings()["vn-2022-2025"])
    params = raw["indicators"][0]["params"]
    del params["retirement_age"]
    params.update(working_age_max_male=60, working_age_max_female=55)
    fixed = employment_params(Standard.from_mapping(raw))
    for year in (2021, 2030):
        assert fixed.is_working_age(60, M, year)
        assert not fixed.is_working_age(61, M, year)
        assert fixed.is_working_age(55, F, year)
        assert not fixed.is_working_age(56, F, year)


def _schedule(raw: dict[str, Any]) -> dict[str, Any]:
    table: dict[str, Any] = raw["indicators"][0]["params"]["retirement_age"]
    return table


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: _schedule(r)["schedule"].__delitem__(slice(0, 2)), "starts in 2023, after"),
        (lambda r: _schedule(r)["schedule"][1].update(year=2021), "ascending"),
        (lambda r: _schedule(r)["schedule"][0].update(male=[60, 12]), r"\[years, months"),
        (lambda r: _schedule(r)["schedule"][0].pop("female"), "needs year, male and female"),
        (lambda r: _schedule(r).pop("legal_basis"), "legal_basis"),
        (
            lambda r: r["indicators"][0]["params"].update(working_age_max_male=60),
            "not both",
        ),
    ],
)
def test_validation_fails_with_clear_error_when_the_retirement_schedule_is_wrong(
    mutate: Any, message: str
) -> None:
    raw = copy.deepcopy(national_mappings()["vn-2022-2025"])
    mutate(raw)
    with pytest.raises(StandardDataError, match=message):
        Standard.from_mapping(raw)
