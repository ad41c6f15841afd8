"""Event contracts: one module per stream, each with its stream name and payload models.

Events travel as plain JSON (see ``shared.contracts.envelope``) so that a consumer written in
any language can read them with nothing but a Redis client.
"""

from typing import Any

from shared.contracts.audit import AUDIT_RECORDED_STREAM, AuditRecorded
from shared.contracts.classifications import HOUSEHOLD_CLASSIFIED_STREAM, HouseholdClassified
from shared.contracts.envelope import Envelope, dead_letter_stream
from shared.contracts.support import SUPPORT_DISBURSED_STREAM, SupportDisbursed
from shared.contracts.surveys import HOUSEHOLD_SURVEYED_STREAM, HouseholdSurveyed
from shared.contracts.training import TRAINING_ENROLLED_STREAM, TrainingEnrolled

ALL_STREAMS: dict[str, type[Envelope[Any]]] = {
    HOUSEHOLD_SURVEYED_STREAM: HouseholdSurveyed,
    HOUSEHOLD_CLASSIFIED_STREAM: HouseholdClassified,
    SUPPORT_DISBURSED_STREAM: SupportDisbursed,
    TRAINING_ENROLLED_STREAM: TrainingEnrolled,
    AUDIT_RECORDED_STREAM: AuditRecorded,
}

__all__ = [
    "ALL_STREAMS",
    "AUDIT_RECORDED_STREAM",
    "HOUSEHOLD_CLASSIFIED_STREAM",
    "HOUSEHOLD_SURVEYED_STREAM",
    "SUPPORT_DISBURSED_STREAM",
    "TRAINING_ENROLLED_STREAM",
    "AuditRecorded",
    "Envelope",
    "HouseholdClassified",
    "HouseholdSurveyed",
    "SupportDisbursed",
    "TrainingEnrolled",
    "dead_letter_stream",
]
