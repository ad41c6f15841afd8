"""Checks on the dates and the commune of a review step, made before the step is taken.

* A village meeting or a commune decision cannot be dated after today (Vietnam time): a date
  in 2030 is a typing error, and it would order every later step wrongly.
* A recognition cannot be dated before the village meeting it rests on (Decision 24/2021:
  the commune recognises the list the village meeting agreed).
* A recognition for a commune with no surveyed household names an unknown commune: 404, not a
  silent ``recognised: 0``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from services.assessment.adapters.tables import meetings, states
from shared.errors import DomainError, ErrorKind, Problem

VIETNAM = timezone(timedelta(hours=7))


def today_in_vietnam() -> date:
    return datetime.now(VIETNAM).date()


def not_in_future(field: str, day: date, today: date) -> None:
    if day > today:
        raise DomainError(
            field,
            f"Ngày {day:%d/%m/%Y} ở tương lai (hôm nay là {today:%d/%m/%Y}).",
            f"The date {day.isoformat()} is in the future (today is {today.isoformat()}).",
            code="date_in_future",
        )


def commune_known(engine: Engine, commune_code: str) -> None:
    with engine.connect() as conn:
        found = conn.execute(
            sa.select(states.c.household_code).where(states.c.commune_code == commune_code).limit(1)
        ).first()
    if found is None:
        raise DomainError(
            "commune_code",
            f"Không có hộ nào đã rà soát thuộc xã {commune_code}: mã xã không đúng?",
            f"No surveyed household belongs to commune {commune_code}: is the code right?",
            ErrorKind.NOT_FOUND,
            code="unknown_commune",
        )


def not_before_meetings(
    engine: Engine,
    decided_on: date,
    *,
    household_codes: Sequence[str] = (),
    commune_code: str | None = None,
) -> None:
    """The decision date is on or after the meeting on each household's latest survey."""
    q = (
        sa.select(meetings.c.household_code, sa.func.max(meetings.c.held_on))
        .join(
            states,
            sa.and_(
                states.c.household_code == meetings.c.household_code,
                states.c.latest_survey_id == meetings.c.survey_id,
            ),
        )
        .group_by(meetings.c.household_code)
    )
    if commune_code is not None:
        q = q.where(states.c.commune_code == commune_code)
    else:
        q = q.where(meetings.c.household_code.in_(list(household_codes)))
    with engine.connect() as conn:
        late = [(code, held) for code, held in conn.execute(q) if held and held > decided_on]
    if late:
        raise DomainError.of(
            [
                Problem(
                    "decided_on",
                    f"Hộ {code}: ngày quyết định {decided_on:%d/%m/%Y} trước ngày họp thôn "
                    f"{held:%d/%m/%Y}.",
                    f"Household {code}: the decision date {decided_on.isoformat()} is before "
                    f"its village meeting on {held.isoformat()}.",
                    "decided_before_meeting",
                )
                for code, held in sorted(late)[:20]
            ]
        )
