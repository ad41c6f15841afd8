"""Housing support for poor and near-poor households: a house built or repaired, its cost
split by source, and its start and completion.

Programme 5 of the 2021–2025 national target programme pays from the central budget (Circular
01/2022/TT-BXD: 40 million VND new, 20 million repair); the 2024–2025 campaign to remove
temporary houses raised the state support; the rest comes from social mobilisation (the Fund
for the Poor, firms, mass organisations), the household, and neighbours' labour days. Caps in
the catalogue apply to the state support (central + local budget) of a case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from services.support.domain.money import MAX_VND
from shared.contracts.codes import FundingSource, HousingKind  # noqa: F401  (re-exported)
from shared.errors import DomainError


class HousingStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


FUND_FOR_THE_POOR = "fund_for_the_poor"
OTHER_MOBILISATION = "other_mobilisation"


@dataclass(frozen=True, slots=True)
class CostSplit:
    central_budget_vnd: int = 0
    local_budget_vnd: int = 0
    fund_for_the_poor_vnd: int = 0
    other_mobilisation_vnd: int = 0
    """Firms, mass organisations, donors (besides the Fund for the Poor)."""
    household_vnd: int = 0
    labour_days: int = 0

    @property
    def state_vnd(self) -> int:
        return self.central_budget_vnd + self.local_budget_vnd

    @property
    def total_vnd(self) -> int:
        return (
            self.state_vnd
            + self.fund_for_the_poor_vnd
            + self.other_mobilisation_vnd
            + self.household_vnd
        )

    def support_parts(self) -> list[tuple[str, FundingSource, int]]:
        """The support the household received, one part per source (the household's own money
        and labour are part of the case, not support): (part name, source, amount)."""
        parts = [
            ("central_budget", FundingSource.CENTRAL_BUDGET, self.central_budget_vnd),
            ("local_budget", FundingSource.LOCAL_BUDGET, self.local_budget_vnd),
            (FUND_FOR_THE_POOR, FundingSource.SOCIAL_MOBILISATION, self.fund_for_the_poor_vnd),
            (OTHER_MOBILISATION, FundingSource.SOCIAL_MOBILISATION, self.other_mobilisation_vnd),
        ]
        return [p for p in parts if p[2] > 0]


def check_split(split: CostSplit) -> None:
    if split.total_vnd <= 0 and split.labour_days <= 0:
        raise DomainError(
            "central_budget_vnd",
            "Chưa ghi nguồn kinh phí nào cho nhà ở.",
            "No source of the house's cost is recorded.",
        )
    if split.total_vnd > MAX_VND:
        raise DomainError(
            "central_budget_vnd",
            "Tổng kinh phí vượt quá 10^12 đồng.",
            "The total cost exceeds 10^12 VND.",
        )


def check_completion(case_id: str, started_on: date, completed_on: date, status: str) -> None:
    if status == HousingStatus.COMPLETED:
        raise DomainError(
            "case_id",
            f"Nhà ở {case_id} đã được ghi hoàn thành.",
            f"Housing case {case_id} is already completed.",
            code="already_completed",
        )
    if completed_on < started_on:
        raise DomainError(
            "completed_on",
            f"Ngày hoàn thành trước ngày khởi công {started_on.isoformat()}.",
            f"The completion date is before the start on {started_on.isoformat()}.",
        )


def already_housed(household_code: str, case_id: str) -> DomainError:
    """P5 (Circular 01/2022/TT-BXD): a household already helped with its house by a programme
    is not helped again (an officer may override with a reason)."""
    return DomainError(
        "household_code",
        f"Hộ {household_code} đã được hỗ trợ nhà ở ({case_id}).",
        f"Household {household_code} was already helped with housing ({case_id}).",
        code="already_housed",
    )
