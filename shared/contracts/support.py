"""Stream ``support.disbursed``: support given to a household (cash, credit, in kind)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import ClassVar

from pydantic import Field

from shared.contracts.codes import FundingSource, SupportKind
from shared.contracts.envelope import Contract, Envelope

SUPPORT_DISBURSED_STREAM = "support.disbursed"


class DisbursementPayload(Contract):
    disbursement_id: str = Field(description="Id of the disbursement; idempotency key.")
    household_code: str = Field(description="Household that received it.")
    commune_code: str = Field(description="Commune of the household.")
    kind: SupportKind = Field(description="Kind of support.")
    programme_code: str = Field(
        max_length=32, description="Programme component it is accounted against (e.g. 'NTP-P3.1')."
    )
    funding_source: FundingSource = Field(description="Where the money or goods came from.")
    amount_vnd: int = Field(ge=0, description="Value in VND (cash, loan principal or goods).")
    quantity: Decimal | None = Field(
        default=None, ge=0, description="Quantity for in-kind support."
    )
    unit: str | None = Field(default=None, max_length=32, description="Unit (e.g. 'con', 'kg').")
    item: str | None = Field(default=None, max_length=128, description="What was given.")
    repayable: bool = Field(default=False, description="Conditional support to be repaid.")
    helping_organisation: str | None = Field(
        default=None, max_length=128, description="Organisation assigned to help the household."
    )
    disbursed_on: date = Field(description="Date of disbursement.")


class SupportDisbursed(Envelope[DisbursementPayload]):
    """Support was disbursed to a classified household."""

    EVENT_TYPE: ClassVar[str] = "SupportDisbursed"
