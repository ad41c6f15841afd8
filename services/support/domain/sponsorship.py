"""Sponsor pairing ("giúp đỡ có địa chỉ"): an organisation (agency, firm, mass organisation or
individual donor) is assigned to a household for a period with commitments, visits it, and at
the end records the outcome (Decision 666/QĐ-TTg of 2022, emulation movement "Vì người nghèo –
Không để ai bị bỏ lại phía sau"; pairing itself is local practice).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from shared.contracts.codes import OrganisationKind, PairingOutcome  # noqa: F401  (re-exported)
from shared.errors import DomainError


class PairingStatus(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"


def check_period(starts_on: date, ends_on: date | None) -> None:
    if ends_on is not None and ends_on <= starts_on:
        raise DomainError(
            "ends_on",
            "Ngày kết thúc giúp đỡ phải sau ngày bắt đầu.",
            "The pairing must end after it starts.",
        )


def check_active(pairing_id: str, status: str) -> None:
    if status != PairingStatus.ACTIVE:
        raise DomainError(
            "pairing_id",
            f"Việc giúp đỡ {pairing_id} đã kết thúc.",
            f"Pairing {pairing_id} has ended.",
            code="pairing_ended",
        )


def check_within(pairing_id: str, starts_on: date, day: date, field: str) -> None:
    if day < starts_on:
        raise DomainError(
            field,
            f"Ngày này trước khi bắt đầu giúp đỡ ({starts_on.isoformat()}).",
            f"The date is before pairing {pairing_id} started on {starts_on.isoformat()}.",
        )
