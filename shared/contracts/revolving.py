"""Streams of revolving and conditional, repaid support: ``revolving.model_created``,
``revolving.fund_capitalised``, ``revolving.obligation_created``,
``revolving.livestock_recorded``, ``revolving.passed_on`` and ``revolving.repaid``.

Each obligation event carries the obligation's state after the fact (still owed, status).
The support itself (the animal or cash given, the animal passed on) is published on
``support.disbursed`` with ``revolving_model`` set.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import ClassVar

from pydantic import Field

from shared.contracts.codes import AssetKind, HerdEventKind, ObligationStatus
from shared.contracts.envelope import Contract, Envelope

REVOLVING_MODEL_CREATED_STREAM = "revolving.model_created"
FUND_CAPITALISED_STREAM = "revolving.fund_capitalised"
OBLIGATION_CREATED_STREAM = "revolving.obligation_created"
LIVESTOCK_RECORDED_STREAM = "revolving.livestock_recorded"
PASSED_ON_STREAM = "revolving.passed_on"
OBLIGATION_REPAID_STREAM = "revolving.repaid"


class RevolvingModelPayload(Contract):
    model_code: str = Field(description="Code of the revolving model (e.g. a village cow bank).")
    programme_code: str = Field(description="Programme it is part of.")
    commune_code: str = Field(description="Commune it runs in.")
    village_code: str | None = Field(default=None, description="Village, if one.")
    asset: AssetKind = Field(description="Livestock passed on, or cash/goods partly returned.")
    species: str | None = Field(default=None, max_length=32, description="Species (livestock).")
    pass_on_per_head: int = Field(ge=0, description="Animals owed per head received.")
    pass_on_due_months: int = Field(ge=1, description="Months to pass them on.")
    repay_share_pct: Decimal = Field(ge=0, le=100, description="Share of value returned, %.")
    repay_due_months: int = Field(ge=1, description="Months to return it.")
    capital_vnd: int = Field(ge=0, description="Initial capital of the fund, VND.")
    started_on: date = Field(description="Start of the model.")


class RevolvingModelCreated(Envelope[RevolvingModelPayload]):
    """A revolving model (and its fund) was set up."""

    EVENT_TYPE: ClassVar[str] = "RevolvingModelCreated"


class FundCapitalisedPayload(Contract):
    entry_id: str = Field(description="Id of the entry; idempotency key.")
    model_code: str = Field(description="Revolving model.")
    commune_code: str = Field(description="Commune of the model.")
    amount_vnd: int = Field(ge=1, description="Capital added, VND.")
    on: date = Field(description="Date.")
    balance_vnd: int = Field(description="Cash balance of the fund afterwards, VND.")


class FundCapitalised(Envelope[FundCapitalisedPayload]):
    """Capital was added to a revolving fund."""

    EVENT_TYPE: ClassVar[str] = "FundCapitalised"


class ObligationState(Contract):
    obligation_id: str = Field(description="Obligation id.")
    model_code: str = Field(description="Revolving model.")
    record_id: str = Field(description="Support record that created the obligation.")
    household_code: str = Field(description="Household that owes.")
    commune_code: str = Field(description="Commune of the household.")
    village_code: str = Field(description="Village of the household.")
    quantity_owed: int = Field(ge=0, description="Animals still to pass on.")
    amount_owed_vnd: int = Field(ge=0, description="VND still to return.")
    on_hand: int = Field(ge=0, description="Animals the household holds under this receipt.")
    due_on: date = Field(description="Due date.")
    status: ObligationStatus = Field(description="Open, fulfilled or waived.")


class ObligationCreatedPayload(ObligationState):
    generation: int = Field(ge=0, description="0: received from the fund; n: n-th pass-on.")


class ObligationCreated(Envelope[ObligationCreatedPayload]):
    """A household received revolving support and owes animals or money back."""

    EVENT_TYPE: ClassVar[str] = "ObligationCreated"


class LivestockRecordedPayload(ObligationState):
    event_id: str = Field(description="Id of the herd event; idempotency key.")
    kind: HerdEventKind = Field(description="Birth, death, sale or purchase.")
    count: int = Field(ge=1, description="Animals concerned.")
    on: date = Field(description="Date.")
    objective: bool | None = Field(
        default=None, description="Death: objective cause (waived) or the household's fault."
    )
    waived_heads: int = Field(ge=0, description="Heads waived so far under the death rule.")
    converted_vnd: int = Field(ge=0, description="VND owed instead of heads (fault deaths).")


class LivestockRecorded(Envelope[LivestockRecordedPayload]):
    """Animals given as revolving support were born, died, were sold or bought."""

    EVENT_TYPE: ClassVar[str] = "LivestockRecorded"


class PassedOnPayload(ObligationState):
    pass_on_id: str = Field(description="Id of the pass-on; idempotency key.")
    on: date = Field(description="Date of the hand-over.")
    quantity: int = Field(ge=1, description="Animals handed over.")
    to_household_code: str = Field(description="Household that received them.")
    to_record_id: str = Field(description="Support record of the receiving household.")
    to_obligation_id: str | None = Field(
        default=None, description="Obligation the receiving household now has, if any."
    )


class PassedOn(Envelope[PassedOnPayload]):
    """Animals were passed on to the next household (a link of the model's chain)."""

    EVENT_TYPE: ClassVar[str] = "PassedOn"


class ObligationRepaidPayload(ObligationState):
    repayment_id: str = Field(description="Id of the repayment; idempotency key.")
    on: date = Field(description="Date.")
    amount_vnd: int = Field(ge=1, description="VND returned to the fund.")
    fund_balance_vnd: int = Field(description="Cash balance of the fund afterwards, VND.")


class ObligationRepaid(Envelope[ObligationRepaidPayload]):
    """Money was returned to a revolving fund."""

    EVENT_TYPE: ClassVar[str] = "ObligationRepaid"
