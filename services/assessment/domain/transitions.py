"""Transitions of a review: a household's new status against its last recognised status
(the change tables of the year-end report, Decision 24/2021/QĐ-TTg), and the end of the
"newly escaped" period (hộ mới thoát nghèo: left the poor/near-poor list at most 36 months
ago). Pure: every date is passed in.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from shared.contracts.codes import PovertyStatus, Transition

LISTED = frozenset({PovertyStatus.POOR, PovertyStatus.NEAR_POOR})
"""Statuses that put a household on the commune's list."""


@dataclass(frozen=True, slots=True)
class RecognisedStatus:
    """What the commune last recognised for a household.

    ``status`` is ``None`` for a household never recognised; ``left_list_on`` is the date of
    the decision that last took it off the poor/near-poor list, if known.
    """

    status: PovertyStatus | None
    recognised_on: date | None = None
    left_list_on: date | None = None


@dataclass(frozen=True, slots=True)
class TransitionResult:
    transition: Transition
    previous_status: PovertyStatus | None
    newly_escaped_until: date | None
    """Last day of the newly-escaped period, if the household is in it on the decision date."""
    left_list_on: date | None
    """Date the household last left the list, after this decision (to store with it)."""


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, clamped to the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def transition(
    previous: RecognisedStatus,
    new_status: PovertyStatus,
    decided_on: date,
    *,
    newly_escaped_months: int,
) -> TransitionResult:
    """The transition from ``previous`` to ``new_status`` decided on ``decided_on``.

    - listed before and after: unchanged, poor_to_near_poor or near_poor_to_poor;
    - listed before, not after: escaped_poverty / escaped_near_poverty, and the newly-escaped
      period starts on the decision date;
    - not listed before, listed after: fell_back_* if the household is known to have left
      the list before (at any time: re-poverty is counted whatever the gap), else newly_*;
    - not listed before or after: not_listed.
    ``newly_escaped_until`` is set while ``decided_on`` is within ``newly_escaped_months`` of
    the last exit (the end date inclusive), and only for a household not listed after it.
    """
    if previous.recognised_on is not None and decided_on < previous.recognised_on:
        msg = f"decision date {decided_on} is before the last recognition {previous.recognised_on}"
        raise ValueError(msg)
    if previous.left_list_on is not None and decided_on < previous.left_list_on:
        msg = f"decision date {decided_on} is before the last exit {previous.left_list_on}"
        raise ValueError(msg)
    before = previous.status
    was_listed = before in LISTED
    is_listed = new_status in LISTED
    left_on = previous.left_list_on
    poor = new_status is PovertyStatus.POOR
    if was_listed and is_listed:
        if before is new_status:
            kind = Transition.UNCHANGED
        elif poor:
            kind = Transition.NEAR_POOR_TO_POOR
        else:
            kind = Transition.POOR_TO_NEAR_POOR
    elif was_listed:
        kind = (
            Transition.ESCAPED_POVERTY
            if before is PovertyStatus.POOR
            else Transition.ESCAPED_NEAR_POVERTY
        )
        left_on = decided_on
    elif is_listed:
        if previous.left_list_on is not None:
            kind = Transition.FELL_BACK_POOR if poor else Transition.FELL_BACK_NEAR_POOR
        else:
            kind = Transition.NEWLY_POOR if poor else Transition.NEWLY_NEAR_POOR
    else:
        kind = Transition.NOT_LISTED
    until: date | None = None
    if not is_listed and left_on is not None:
        end = add_months(left_on, newly_escaped_months)
        if decided_on <= end:
            until = end
    return TransitionResult(kind, before, until, left_on)
