"""Streams of policy credit (VBSP loans): ``credit.loan_disbursed``, ``credit.loan_repaid``,
``credit.loan_extended`` and ``credit.loan_written_off``.

Each event carries the loan's state after the fact (outstanding principal, remaining
instalments), so a consumer can keep a portfolio and age it on any day without replaying.
The loan's principal is also published on ``support.disbursed`` (kind ``credit``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import ClassVar

from pydantic import Field

from shared.contracts.codes import LoanStatus
from shared.contracts.envelope import Contract, Envelope

LOAN_DISBURSED_STREAM = "credit.loan_disbursed"
LOAN_REPAID_STREAM = "credit.loan_repaid"
LOAN_EXTENDED_STREAM = "credit.loan_extended"
LOAN_WRITTEN_OFF_STREAM = "credit.loan_written_off"


class Instalment(Contract):
    due_on: date = Field(description="Due date of the principal instalment.")
    principal_vnd: int = Field(ge=0, description="Principal due (unpaid part), VND.")


class LoanRef(Contract):
    loan_id: str = Field(description="Loan id (the contract's number in support's ledger).")
    household_code: str = Field(description="Borrowing household.")
    commune_code: str = Field(description="Commune of the household.")
    village_code: str = Field(description="Village of the household.")
    programme_code: str = Field(description="Credit programme (e.g. 'VBSP.POOR').")


class LoanAfter(LoanRef):
    status: LoanStatus = Field(description="Active, closed (repaid) or written off.")
    outstanding_vnd: int = Field(ge=0, description="Principal outstanding after the fact, VND.")
    open_instalments: list[Instalment] = Field(
        description="Unpaid principal by due date after the fact; past due dates are overdue."
    )


class LoanDisbursedPayload(LoanAfter):
    principal_vnd: int = Field(ge=1, description="Principal lent, VND.")
    rate_pct: Decimal = Field(ge=0, description="Annual contract rate, per cent.")
    term_months: int = Field(ge=1, description="Term in months.")
    grace_months: int = Field(ge=0, description="Months before the first principal instalment.")
    every_months: int = Field(ge=1, description="Months between principal instalments.")
    disbursed_on: date = Field(description="Disbursement date.")
    maturity_on: date = Field(description="Due date of the last instalment.")
    days_in_year: int = Field(description="Day-count basis: 365 (actual/365) or 360.")
    eligible_group: str | None = Field(
        default=None, description="Target group through which the household qualified."
    )
    overridden: bool = Field(
        default=False, description="Recorded by an authorised officer despite the rules."
    )


class LoanDisbursed(Envelope[LoanDisbursedPayload]):
    """A policy loan was disbursed to a household, with its repayment schedule."""

    EVENT_TYPE: ClassVar[str] = "LoanDisbursed"


class LoanRepaidPayload(LoanAfter):
    repayment_id: str = Field(description="Id of the repayment; idempotency key.")
    paid_on: date = Field(description="Date paid.")
    principal_vnd: int = Field(ge=0, description="Principal repaid, VND.")
    interest_vnd: int = Field(ge=0, description="Interest paid, VND.")
    early: bool = Field(description="Principal paid before it was due.")


class LoanRepaid(Envelope[LoanRepaidPayload]):
    """A repayment (partial, full or early) was made on a loan."""

    EVENT_TYPE: ClassVar[str] = "LoanRepaid"


class LoanExtendedPayload(LoanAfter):
    extension_id: str = Field(description="Id of the extension; idempotency key.")
    extended_on: date = Field(description="Date of the extension decision.")
    instalment_due_on: date = Field(description="Original due date of the extended instalment.")
    new_due_on: date = Field(description="New due date.")
    principal_vnd: int = Field(ge=0, description="Principal moved to the new date, VND.")
    reason_code: str = Field(max_length=32, description="Objective cause (code).")


class LoanExtended(Envelope[LoanExtendedPayload]):
    """An instalment's unpaid principal was extended to a later date (gia hạn nợ)."""

    EVENT_TYPE: ClassVar[str] = "LoanExtended"


class LoanWrittenOffPayload(LoanAfter):
    write_off_id: str = Field(description="Id of the write-off; idempotency key.")
    written_off_on: date = Field(description="Date of the write-off decision.")
    principal_vnd: int = Field(ge=0, description="Principal written off, VND.")
    interest_vnd: int = Field(ge=0, description="Interest written off, VND.")
    reason_code: str = Field(max_length=32, description="Cause (code), e.g. 'disaster', 'death'.")
    loss_pct: Decimal | None = Field(
        default=None, ge=0, le=100, description="Loss of the financed plan, per cent."
    )


class LoanWrittenOff(Envelope[LoanWrittenOffPayload]):
    """Part or all of a loan was written off (xóa nợ)."""

    EVENT_TYPE: ClassVar[str] = "LoanWrittenOff"
