"""Health-insurance cards paid wholly or partly by the state, per member and period.

The state's share differs by group (Law on Health Insurance as amended by Law 51/2024/QH15;
Decree 146/2018/NĐ-CP as amended by Decree 75/2023/NĐ-CP, replaced by Decree 188/2025/NĐ-CP):
100% for members of poor households, at least 70% for near-poor ones, at least 30% for
average-living farming households; provinces may top up. The share is stored per card.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from services.support.domain.catalogue import InsuranceShare
from services.support.domain.dates import add_months
from shared.errors import DomainError, ErrorKind

MAX_CARD_MONTHS = 60
FULL = Decimal(100)


def check_period(valid_from: date, valid_to: date) -> None:
    if valid_to < valid_from or valid_to >= add_months(valid_from, MAX_CARD_MONTHS):
        raise DomainError(
            "valid_to",
            "Hạn thẻ phải sau ngày bắt đầu và không quá 5 năm.",
            "The card must end after it starts and within 5 years.",
        )


def share_for(requested: Decimal | None, rule: InsuranceShare) -> Decimal:
    """The state's share on the card: as requested, or the rule's minimum; never below it."""
    share = rule.min_share_pct if requested is None else requested
    if not rule.min_share_pct <= share <= FULL:
        basis = f" ({rule.legal_basis})" if rule.legal_basis else ""
        raise DomainError(
            "state_share_pct",
            f"Tỷ lệ ngân sách hỗ trợ phải từ {rule.min_share_pct}% đến 100%{basis}.",
            f"The state's share must be from {rule.min_share_pct}% to 100%{basis}.",
            code="share_out_of_range",
        )
    return share


def check_no_overlap(
    existing: Iterable[tuple[str, date, date]], valid_from: date, valid_to: date, member_no: int
) -> None:
    """One state-paid card per member at a time."""
    for card_id, start, end in existing:
        if start <= valid_to and valid_from <= end:
            raise DomainError(
                "valid_from",
                f"Thành viên số {member_no} đã có thẻ {card_id} từ {start.isoformat()} đến "
                f"{end.isoformat()}.",
                f"Member {member_no} already holds card {card_id} from {start.isoformat()} to "
                f"{end.isoformat()}.",
                ErrorKind.CONFLICT,
                code="card_overlaps",
            )
