"""Checks on the dates and the commune of a review step, made before the step is taken: the
rules are the review model's (:mod:`services.assessment.domain.review`), the day is today in
Vietnam, the stored meetings and communes are read through the read side."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone

from sqlalchemy.engine import Engine

from services.assessment.adapters import views
from services.assessment.domain import review
from services.assessment.domain.review import not_in_future

__all__ = ["VIETNAM", "commune_known", "not_before_meetings", "not_in_future", "today_in_vietnam"]

VIETNAM = timezone(timedelta(hours=7))


def today_in_vietnam() -> date:
    return datetime.now(VIETNAM).date()


def commune_known(engine: Engine, commune_code: str) -> None:
    """404 for a commune with no surveyed household."""
    has = views.commune_has_households(engine, commune_code)
    review.commune_known(commune_code, has_households=has)


def not_before_meetings(
    engine: Engine,
    decided_on: date,
    *,
    household_codes: Sequence[str] = (),
    commune_code: str | None = None,
) -> None:
    """The decision date is on or after the meeting on each household's latest survey."""
    held = views.meetings_on_latest_surveys(
        engine, household_codes=household_codes, commune_code=commune_code
    )
    review.not_before_meetings(decided_on, held)
