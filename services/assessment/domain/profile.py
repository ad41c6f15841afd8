"""Member profiles carried on classification events: what support and reporting need of each
member (age, sex, working age, insurance, nutrition, schooling), without personal identifiers."""

from __future__ import annotations

from typing import Any

from services.assessment.domain.indicators import EmploymentParams
from services.assessment.domain.standard import Standard
from shared.contracts.codes import SchoolLevel
from shared.contracts.surveys import Member, SurveyPayload


def _working_age(m: Member, p: EmploymentParams | None, year: int) -> bool:
    return p is not None and p.is_working_age(m.age, m.sex, year)


def member_profiles(survey: SurveyPayload, standard: Standard) -> list[dict[str, Any]]:
    """One profile per member, with working age as the standard's employment rule bounds it
    in the survey's review year (``EmploymentParams.is_working_age``)."""
    year = survey.review_round.year
    try:
        params: EmploymentParams | None = standard.indicator("employment").params
    except KeyError:
        params = None
    out = []
    for m in survey.members:
        working = _working_age(m, params, year)
        able = working and (params is not None and m.work_capacity in params.able_capacities)
        malnourished = (
            None
            if m.stunted is None and m.underweight is None
            else bool(m.stunted or m.underweight)
        )
        out.append(
            {
                "member_no": m.member_no,
                "age": m.age,
                "sex": m.sex,
                "working_age": working,
                "able_to_work": able,
                "health_insured": m.has_health_insurance,
                "malnourished": malnourished,
                "attending_school": m.attending_school is not SchoolLevel.NONE,
                "disability": m.has_disability,
            }
        )
    return out
