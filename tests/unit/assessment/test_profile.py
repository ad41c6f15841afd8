"""Member profiles on classification events: what support and reporting need, nothing personal."""

from __future__ import annotations

import pytest

from services.assessment.domain.profile import member_profiles
from services.assessment.domain.standard import Standard
from shared.contracts.classifications import MemberProfile
from shared.contracts.codes import Relation, SchoolLevel, Sex, WorkCapacity
from tests.factories import member, survey


@pytest.mark.parametrize(
    ("age", "sex", "capacity", "working", "able"),
    [
        (14, Sex.MALE, WorkCapacity.FULL, False, False),
        (15, Sex.MALE, WorkCapacity.FULL, True, True),
        (60, Sex.MALE, WorkCapacity.FULL, True, True),
        (61, Sex.MALE, WorkCapacity.FULL, False, False),
        (55, Sex.FEMALE, WorkCapacity.FULL, True, True),
        (56, Sex.FEMALE, WorkCapacity.FULL, False, False),
        (40, Sex.FEMALE, WorkCapacity.NONE, True, False),
    ],
)
def test_working_age_follows_the_standard_employment_bounds_of_the_review_year(
    std22: Standard,
    age: int,
    sex: Sex,
    capacity: WorkCapacity,
    working: bool,
    able: bool,
) -> None:
    s = survey(
        review_round={"year": 2022, "kind": "periodic"},  # bounds 60y6m men, 55y8m women
        members=[
            member(),
            member(member_no=2, relation=Relation.SPOUSE, age=age, sex=sex, work_capacity=capacity),
        ],
    )
    (_, second) = member_profiles(s, std22)
    assert (second["working_age"], second["able_to_work"]) == (working, able)


def test_profile_carries_nutrition_schooling_and_insurance_without_identifiers(
    std22: Standard,
) -> None:
    child = member(
        member_no=2,
        relation=Relation.CHILD,
        age=8,
        attending_school=SchoolLevel.NONE,
        has_health_insurance=False,
        stunted=False,
        underweight=True,
    )
    s = survey(members=[member(), child])
    profiles = [MemberProfile.model_validate(p) for p in member_profiles(s, std22)]
    assert profiles[1].malnourished is True
    assert profiles[1].attending_school is False
    assert profiles[1].health_insured is False
    assert profiles[0].malnourished is None  # an adult is not asked
    assert "citizen_id" not in MemberProfile.model_fields
