"""Streams of sponsor pairing ("giúp đỡ có địa chỉ"): ``sponsor.organisation_registered``,
``sponsor.pairing_started``, ``sponsor.pairing_visited`` and ``sponsor.pairing_ended``.

No personal data: an individual donor is known by code only; visit notes and visitors' names
stay in support's ledger.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import Field

from shared.contracts.codes import OrganisationKind, PairingOutcome, SupportKind
from shared.contracts.envelope import Contract, Envelope

ORGANISATION_REGISTERED_STREAM = "sponsor.organisation_registered"
PAIRING_STARTED_STREAM = "sponsor.pairing_started"
PAIRING_VISITED_STREAM = "sponsor.pairing_visited"
PAIRING_ENDED_STREAM = "sponsor.pairing_ended"


class OrganisationPayload(Contract):
    organisation_code: str = Field(description="Organisation code.")
    kind: OrganisationKind = Field(description="Agency, enterprise, mass organisation, donor.")
    name: str | None = Field(
        default=None, description="Name of the organisation (never given for individual donors)."
    )
    commune_code: str | None = Field(default=None, description="Commune it is based in, if local.")


class OrganisationRegistered(Envelope[OrganisationPayload]):
    """An organisation able to sponsor households was registered."""

    EVENT_TYPE: ClassVar[str] = "OrganisationRegistered"


class Commitment(Contract):
    kind: SupportKind = Field(description="Kind of help committed.")
    value_vnd: int = Field(ge=0, description="Value committed, VND (0 if not money).")


class PairingRef(Contract):
    pairing_id: str = Field(description="Pairing id.")
    organisation_code: str = Field(description="Sponsoring organisation.")
    organisation_kind: OrganisationKind = Field(description="Kind of organisation.")
    household_code: str = Field(description="Household helped.")
    commune_code: str = Field(description="Commune of the household.")
    village_code: str = Field(description="Village of the household.")


class PairingStartedPayload(PairingRef):
    starts_on: date = Field(description="Start of the pairing.")
    ends_on: date | None = Field(default=None, description="Planned end.")
    target_year: int | None = Field(default=None, description="Year the household aims to exit.")
    commitments: list[Commitment] = Field(description="What the organisation commits to.")


class PairingStarted(Envelope[PairingStartedPayload]):
    """An organisation was assigned to help a household."""

    EVENT_TYPE: ClassVar[str] = "PairingStarted"


class PairingVisitedPayload(PairingRef):
    visit_id: str = Field(description="Id of the visit; idempotency key.")
    visited_on: date = Field(description="Date of the visit.")


class PairingVisited(Envelope[PairingVisitedPayload]):
    """The organisation visited the household it helps (notes stay in the ledger)."""

    EVENT_TYPE: ClassVar[str] = "PairingVisited"


class PairingEndedPayload(PairingRef):
    ended_on: date = Field(description="End of the pairing.")
    outcome: PairingOutcome = Field(description="Outcome for the household.")
    visits: int = Field(ge=0, description="Visits recorded during the pairing.")
    support_records: int = Field(ge=0, description="Support records given through it.")
    support_vnd: int = Field(ge=0, description="Value of that support, VND.")


class PairingEnded(Envelope[PairingEndedPayload]):
    """A pairing ended, with its outcome."""

    EVENT_TYPE: ClassVar[str] = "PairingEnded"
