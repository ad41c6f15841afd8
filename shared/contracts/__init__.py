"""Event contracts: one module per stream family, each with its stream names and payload models.

Events travel as plain JSON (see ``shared.contracts.envelope``) so that a consumer written in
any language can read them with nothing but a Redis client.
"""

from typing import Any

from shared.contracts.audit import AUDIT_RECORDED_STREAM, AuditRecorded
from shared.contracts.classifications import HOUSEHOLD_CLASSIFIED_STREAM, HouseholdClassified
from shared.contracts.credit import (
    LOAN_DISBURSED_STREAM,
    LOAN_EXTENDED_STREAM,
    LOAN_REPAID_STREAM,
    LOAN_WRITTEN_OFF_STREAM,
    LoanDisbursed,
    LoanExtended,
    LoanRepaid,
    LoanWrittenOff,
)
from shared.contracts.envelope import Envelope, dead_letter_stream
from shared.contracts.housing import (
    HOUSING_COMPLETED_STREAM,
    HOUSING_STARTED_STREAM,
    HousingCompleted,
    HousingStarted,
)
from shared.contracts.insurance import CARD_ISSUED_STREAM, CardIssued
from shared.contracts.plans import PLAN_STREAMS
from shared.contracts.registry import (
    HOUSEHOLD_CHANGED_STREAM,
    HOUSEHOLD_DUPLICATE_STREAM,
    DuplicatePersonFlagged,
    HouseholdChanged,
)
from shared.contracts.revolving import (
    FUND_CAPITALISED_STREAM,
    LIVESTOCK_RECORDED_STREAM,
    OBLIGATION_CREATED_STREAM,
    OBLIGATION_REPAID_STREAM,
    PASSED_ON_STREAM,
    REVOLVING_MODEL_CREATED_STREAM,
    FundCapitalised,
    LivestockRecorded,
    ObligationCreated,
    ObligationRepaid,
    PassedOn,
    RevolvingModelCreated,
)
from shared.contracts.sponsorship import (
    ORGANISATION_REGISTERED_STREAM,
    PAIRING_ENDED_STREAM,
    PAIRING_STARTED_STREAM,
    PAIRING_VISITED_STREAM,
    OrganisationRegistered,
    PairingEnded,
    PairingStarted,
    PairingVisited,
)
from shared.contracts.support import SUPPORT_DISBURSED_STREAM, SupportDisbursed
from shared.contracts.surveys import HOUSEHOLD_SURVEYED_STREAM, HouseholdSurveyed
from shared.contracts.training import (
    TRAINEE_PLACED_STREAM,
    TRAINING_COMPLETED_STREAM,
    TRAINING_DROPPED_STREAM,
    TRAINING_ENROLLED_STREAM,
    TraineePlaced,
    TrainingCompleted,
    TrainingDropped,
    TrainingEnrolled,
)

ALL_STREAMS: dict[str, type[Envelope[Any]]] = {
    HOUSEHOLD_SURVEYED_STREAM: HouseholdSurveyed,
    HOUSEHOLD_CHANGED_STREAM: HouseholdChanged,
    HOUSEHOLD_DUPLICATE_STREAM: DuplicatePersonFlagged,
    HOUSEHOLD_CLASSIFIED_STREAM: HouseholdClassified,
    SUPPORT_DISBURSED_STREAM: SupportDisbursed,
    TRAINING_ENROLLED_STREAM: TrainingEnrolled,
    TRAINING_COMPLETED_STREAM: TrainingCompleted,
    TRAINING_DROPPED_STREAM: TrainingDropped,
    TRAINEE_PLACED_STREAM: TraineePlaced,
    LOAN_DISBURSED_STREAM: LoanDisbursed,
    LOAN_REPAID_STREAM: LoanRepaid,
    LOAN_EXTENDED_STREAM: LoanExtended,
    LOAN_WRITTEN_OFF_STREAM: LoanWrittenOff,
    REVOLVING_MODEL_CREATED_STREAM: RevolvingModelCreated,
    FUND_CAPITALISED_STREAM: FundCapitalised,
    OBLIGATION_CREATED_STREAM: ObligationCreated,
    LIVESTOCK_RECORDED_STREAM: LivestockRecorded,
    PASSED_ON_STREAM: PassedOn,
    OBLIGATION_REPAID_STREAM: ObligationRepaid,
    HOUSING_STARTED_STREAM: HousingStarted,
    HOUSING_COMPLETED_STREAM: HousingCompleted,
    CARD_ISSUED_STREAM: CardIssued,
    ORGANISATION_REGISTERED_STREAM: OrganisationRegistered,
    PAIRING_STARTED_STREAM: PairingStarted,
    PAIRING_VISITED_STREAM: PairingVisited,
    PAIRING_ENDED_STREAM: PairingEnded,
    **PLAN_STREAMS,
    AUDIT_RECORDED_STREAM: AuditRecorded,
}

SUPPORT_STREAMS: tuple[type[Envelope[Any]], ...] = (
    SupportDisbursed,
    TrainingEnrolled,
    TrainingCompleted,
    TrainingDropped,
    TraineePlaced,
    LoanDisbursed,
    LoanRepaid,
    LoanExtended,
    LoanWrittenOff,
    RevolvingModelCreated,
    FundCapitalised,
    ObligationCreated,
    LivestockRecorded,
    PassedOn,
    ObligationRepaid,
    HousingStarted,
    HousingCompleted,
    CardIssued,
    OrganisationRegistered,
    PairingStarted,
    PairingVisited,
    PairingEnded,
    *PLAN_STREAMS.values(),
)
"""Every event type the support service emits."""

__all__ = [
    "ALL_STREAMS",
    "AUDIT_RECORDED_STREAM",
    "HOUSEHOLD_CLASSIFIED_STREAM",
    "HOUSEHOLD_SURVEYED_STREAM",
    "SUPPORT_DISBURSED_STREAM",
    "SUPPORT_STREAMS",
    "TRAINING_ENROLLED_STREAM",
    "AuditRecorded",
    "Envelope",
    "HouseholdClassified",
    "HouseholdSurveyed",
    "SupportDisbursed",
    "TrainingEnrolled",
    "dead_letter_stream",
]
