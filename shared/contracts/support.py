"""Stream ``support.disbursed``: support given to a household (cash, credit, in kind)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import ClassVar

from pydantic import Field

from shared.contracts.codes import FundingSource, SupportKind
from shared.contracts.envelope import Contract, Envelope

SUPPORT_DISBURSED_STREAM = "support.disbursed"

MAX_AMOUNT_VND = 2_000_000_000
"""Largest value of one disbursement (2 billion VND): twenty times the largest loan limit in
force for a poor household (100 million VND, Decree 78/2002 as raised in 2019), and within a
32-bit column, so no stored amount or sum of amounts can overflow."""

NO_CONTROL = r"^[^\x00-\x1f\x7f]*$"
"""Text without control characters (a NUL is refused by PostgreSQL downstream)."""


class DisbursementPayload(Contract):
    disbursement_id: str = Field(
        min_length=1,
        max_length=64,
        pattern=NO_CONTROL,
        description="Id of the disbursement; idempotency key.",
    )
    household_code: str = Field(
        min_length=1, max_length=64, pattern=NO_CONTROL, description="Household that received it."
    )
    commune_code: str = Field(max_length=16, pattern=NO_CONTROL, description="Commune.")
    kind: SupportKind = Field(description="Kind of support.")
    programme_code: str = Field(
        max_length=32,
        pattern=NO_CONTROL,
        description="Programme component it is accounted against (e.g. 'NTP-P3.1').",
    )
    funding_source: FundingSource = Field(description="Where the money or goods came from.")
    amount_vnd: int = Field(
        ge=0,
        le=MAX_AMOUNT_VND,
        description="Value in VND (cash, loan principal or goods), at most 2,000,000,000.",
    )
    quantity: Decimal | None = Field(
        default=None, ge=0, le=10**9, description="Quantity for in-kind support."
    )
    unit: str | None = Field(
        default=None, max_length=32, pattern=NO_CONTROL, description="Unit (e.g. 'con', 'kg')."
    )
    item: str | None = Field(
        default=None, max_length=128, pattern=NO_CONTROL, description="What was given."
    )
    repayable: bool = Field(default=False, description="Conditional support to be repaid.")
    helping_organisation: str | None = Field(
        default=None,
        max_length=128,
        pattern=NO_CONTROL,
        description="Organisation assigned to help the household.",
    )
    disbursed_on: date = Field(description="Date of disbursement.")


class SupportDisbursed(Envelope[DisbursementPayload]):
    """Support was disbursed to a classified household."""

    EVENT_TYPE: ClassVar[str] = "SupportDisbursed"
