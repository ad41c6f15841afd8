"""Stream ``insurance.card_issued``: a health-insurance card paid wholly or partly by the state.

The card is also published on ``support.disbursed`` (kind ``health_insurance``, amount the
state's part of the premium when known).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import ClassVar

from pydantic import Field

from shared.contracts.envelope import Contract, Envelope

CARD_ISSUED_STREAM = "insurance.card_issued"


class CardIssuedPayload(Contract):
    card_id: str = Field(description="Card id in support's ledger (not the card's number).")
    household_code: str = Field(description="Household.")
    commune_code: str = Field(description="Commune of the household.")
    village_code: str = Field(description="Village of the household.")
    member_no: int = Field(ge=1, description="Member holding the card.")
    programme_code: str = Field(description="Programme paying for it (e.g. 'HI.STATE').")
    basis_group: str | None = Field(
        default=None, description="Group the state share follows (POOR, NEAR, AVG …)."
    )
    state_share_pct: Decimal = Field(ge=0, le=100, description="State share of the premium, %.")
    free: bool = Field(description="The state pays the whole premium.")
    valid_from: date = Field(description="First day of validity.")
    valid_to: date = Field(description="Last day of validity.")
    premium_vnd: int | None = Field(default=None, ge=0, description="Premium, VND, if known.")
    state_paid_vnd: int | None = Field(
        default=None, ge=0, description="State's part of the premium, VND, if known."
    )
    overridden: bool = Field(
        default=False, description="Recorded by an authorised officer despite the rules."
    )


class CardIssued(Envelope[CardIssuedPayload]):
    """A health-insurance card was issued to a member with state support."""

    EVENT_TYPE: ClassVar[str] = "CardIssued"
