"""Vocational training per member: enrolment → completed (certificate, occupation) or
dropped → employment outcome; and coverage against the local goal that every worker of a
poor, near-poor or newly escaped household is trained and placed (a plan KPI of the source
interviews, not a national rule).

A trainee must be a member of the household's latest survey and of working age there (the
standard's bounds for the review year, as assessment computed them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from services.support.domain.groups import MemberFacts
from shared.contracts.codes import EmploymentOutcome  # noqa: F401  (re-exported)
from shared.errors import DomainError

GOAL_PCT = 100


class TrainingStatus(StrEnum):
    ENROLLED = "enrolled"
    COMPLETED = "completed"
    DROPPED = "dropped"


def check_trainee(
    members: Sequence[MemberFacts], member_no: int, household_code: str
) -> MemberFacts:
    """The member, if in the latest survey and of working age; else a 422 saying which."""
    found = next((m for m in members if m.member_no == member_no), None)
    if found is None:
        nos = ", ".join(str(m.member_no) for m in members) or "—"
        raise DomainError(
            "member_no",
            f"Hộ {household_code} không có thành viên số {member_no} trong phiếu khảo sát gần "
            f"nhất (các thành viên: {nos}).",
            f"Household {household_code} has no member {member_no} in its latest survey "
            f"(members: {nos}).",
            code="unknown_member",
        )
    if not found.working_age:
        raise DomainError(
            "member_no",
            f"Thành viên số {member_no} của hộ {household_code} ({found.age} tuổi) không trong "
            "độ tuổi lao động.",
            f"Member {member_no} of household {household_code} (aged {found.age}) is not of "
            "working age.",
            code="not_working_age",
        )
    return found


def _state_error(enrolment_id: str, status: str, action_vi: str, action_en: str) -> DomainError:
    return DomainError(
        "enrolment_id",
        f"Không thể {action_vi}: khóa học {enrolment_id} đang ở trạng thái «{status}».",
        f"Cannot {action_en}: enrolment {enrolment_id} is '{status}'.",
        code="wrong_state",
    )


def check_finish(
    enrolment_id: str, status: str, starts_on: date, on: date, completing: bool
) -> None:
    """Completion or drop-out: only from ``enrolled``, not before the course starts."""
    if status != TrainingStatus.ENROLLED:
        if completing:
            raise _state_error(enrolment_id, status, "ghi hoàn thành", "complete")
        raise _state_error(enrolment_id, status, "ghi bỏ học", "drop")
    if on < starts_on:
        raise DomainError(
            "completed_on" if completing else "dropped_on",
            f"Ngày này trước ngày khai giảng {starts_on.isoformat()}.",
            f"The date is before the course starts on {starts_on.isoformat()}.",
        )


def check_employment(
    enrolment_id: str, status: str, starts_on: date, employed_on: date, already: bool
) -> None:
    """The outcome follows a completed or dropped course, once."""
    if status == TrainingStatus.ENROLLED:
        raise _state_error(enrolment_id, status, "ghi kết quả việc làm", "record employment")
    if already:
        raise DomainError(
            "enrolment_id",
            f"Khóa học {enrolment_id} đã có kết quả việc làm.",
            f"Enrolment {enrolment_id} already has an employment outcome.",
            code="conflict",
        )
    if employed_on < starts_on:
        raise DomainError(
            "employed_on",
            f"Ngày có việc làm trước ngày khai giảng {starts_on.isoformat()}.",
            f"The employment date is before the course starts on {starts_on.isoformat()}.",
        )


def already_trained(household_code: str, member_no: int, enrolment_id: str) -> DomainError:
    """Training support is given once per person (Decision 46/2015/QĐ-TTg, Art. 3)."""
    return DomainError(
        "member_no",
        f"Thành viên số {member_no} của hộ {household_code} đã được hỗ trợ đào tạo "
        f"({enrolment_id}); mỗi người chỉ được hỗ trợ một lần.",
        f"Member {member_no} of household {household_code} was already supported "
        f"({enrolment_id}); training support is given once per person.",
        code="already_trained",
    )


@dataclass(frozen=True, slots=True)
class Coverage:
    """Workers of target households trained and placed, against the 100% goal."""

    commune_code: str
    workers: int
    trained: int
    placed: int

    @property
    def trained_pct(self) -> float:
        return round(100 * self.trained / self.workers, 2) if self.workers else 0.0

    @property
    def placed_pct(self) -> float:
        return round(100 * self.placed / self.workers, 2) if self.workers else 0.0

    @property
    def untrained(self) -> int:
        """Workers still to train to reach the goal."""
        return max(0, self.workers * GOAL_PCT // 100 - self.trained)
