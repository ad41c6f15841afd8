"""Stream ``support.disbursed``: support given to a household (cash, credit, in kind).

Every entry of support's ledger is published here, whatever it is part of (a loan's
principal, a housing case's share from one source, a health-insurance card, a training fee, an
animal passed on); the facts specific to each (repayments, completion …) have their own
streams.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import ClassVar

from pydantic import Field

from shared.contracts.codes import FundingSource, RecordType, SupportKind
from shared.contracts.envelope import Contract, Envelope

SUPPORT_DISBURSED_STREAM = "support.disbursed"

MAX_AMOUNT_VND = 1_000_000_000_000
"""Largest value of one support record (10^12 VND): above any single household support or
loan (the largest policy loan, to a business under Decree 338/2025, is 10 billion VND). Stored
in 64-bit columns; sums are taken so that they cannot overflow."""

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
    village_code: str | None = Field(default=None, description="Village of the household.")
    member_no: int | None = Field(
        default=None, ge=1, description="Member the support is for (training, insurance card)."
    )
    record_type: RecordType | None = Field(
        default=None, description="What the record is part of (plain support, loan, housing …)."
    )
    case_id: str | None = Field(
        default=None,
        description="Loan, housing case, card, enrolment or revolving obligation it belongs to.",
    )
    funding_detail: str | None = Field(
        default=None,
        max_length=32,
        description="Finer source within funding_source (e.g. 'fund_for_the_poor').",
    )
    revolving_model: str | None = Field(
        default=None, description="Revolving model the support was given under, if any."
    )
    passed_from_record_id: str | None = Field(
        default=None, description="For a pass-on: the record of the household that passed it."
    )
    pairing_id: str | None = Field(
        default=None, description="Sponsor pairing the support was given through, if any."
    )
    eligible_group: str | None = Field(
        default=None,
        description="Target group through which the household qualified (POOR, NEAR, ESC …).",
    )
    overridden: bool = Field(
        default=False,
        description="Recorded by an authorised officer although the programme's rules refused "
        "it (the reason stays in support's ledger).",
    )


class SupportDisbursed(Envelope[DisbursementPayload]):
    """Support was disbursed to a classified household."""

    EVENT_TYPE: ClassVar[str] = "SupportDisbursed"
