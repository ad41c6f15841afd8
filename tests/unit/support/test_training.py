"""Training: the trainee must be in the latest survey and of working age; courses move
enrolled → completed or dropped → employment; coverage against the 100% goal."""

from __future__ import annotations

from datetime import date

import pytest

from services.support.domain.training import (
    Coverage,
    TrainingStatus,
    check_employment,
    check_finish,
    check_trainee,
)
from shared.errors import DomainError
from tests.unit.support.builders import worker

ROSTER = (worker(1, age=40), worker(2, age=38), worker(3, age=12, working_age=False))


def test_a_working_age_member_of_the_latest_survey_may_be_trained() -> None:
    assert check_trainee(ROSTER, 2, "HH-1").member_no == 2


@pytest.mark.parametrize(
    ("member_no", "code", "words"),
    [(9, "unknown_member", "members: 1, 2, 3"), (3, "not_working_age", "aged 12")],
)
def test_a_member_missing_from_the_survey_or_not_of_working_age_is_refused(
    member_no: int, code: str, words: str
) -> None:
    with pytest.raises(DomainError) as err:
        check_trainee(ROSTER, member_no, "HH-1")
    assert err.value.problems[0].code == code
    assert words in err.value.message_en
    assert err.value.field == "member_no"


@pytest.mark.parametrize(
    ("status", "on", "completing", "ok"),
    [
        (TrainingStatus.ENROLLED, date(2024, 5, 1), True, True),
        (TrainingStatus.ENROLLED, date(2024, 5, 1), False, True),
        (TrainingStatus.ENROLLED, date(2024, 2, 28), True, False),  # before the course starts
        (TrainingStatus.COMPLETED, date(2024, 5, 1), False, False),
        (TrainingStatus.DROPPED, date(2024, 5, 1), True, False),
    ],
)
def test_a_course_is_completed_or_dropped_once_after_it_starts(
    status: TrainingStatus, on: date, completing: bool, ok: bool
) -> None:
    def run() -> None:
        check_finish("E-1", status, date(2024, 3, 1), on, completing=completing)

    if ok:
        run()
    else:
        with pytest.raises(DomainError):
            run()


@pytest.mark.parametrize(
    ("status", "already", "ok"),
    [
        (TrainingStatus.COMPLETED, False, True),
        (TrainingStatus.DROPPED, False, True),
        (TrainingStatus.ENROLLED, False, False),
        (TrainingStatus.COMPLETED, True, False),
    ],
)
def test_employment_follows_the_course_once(
    status: TrainingStatus, already: bool, ok: bool
) -> None:
    def run() -> None:
        check_employment("E-1", status, date(2024, 3, 1), date(2024, 9, 1), already)

    if ok:
        run()
    else:
        with pytest.raises(DomainError):
            run()


def test_coverage_counts_against_the_100_percent_goal() -> None:
    c = Coverage("04570", workers=80, trained=60, placed=30)
    assert (c.trained_pct, c.placed_pct, c.untrained) == (75.0, 37.5, 20)
    assert Coverage("04570", 0, 0, 0).trained_pct == 0.0
