"""Streams of vocational training per member: ``training.enrolled``, ``training.completed``,
``training.dropped`` and ``training.placed`` (the employment outcome)."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import Field

from shared.contracts.codes import EmploymentOutcome
from shared.contracts.envelope import Contract, Envelope

TRAINING_ENROLLED_STREAM = "training.enrolled"
TRAINING_COMPLETED_STREAM = "training.completed"
TRAINING_DROPPED_STREAM = "training.dropped"
TRAINEE_PLACED_STREAM = "training.placed"


class EnrolmentPayload(Contract):
    enrolment_id: str = Field(description="Id of the enrolment; idempotency key.")
    household_code: str = Field(description="Household of the trainee.")
    commune_code: str = Field(description="Commune of the household.")
    member_no: int = Field(ge=1, description="Member line number of the trainee.")
    course: str = Field(max_length=128, description="Course or trade.")
    provider: str = Field(max_length=128, description="Training provider.")
    starts_on: date = Field(description="Course start date.")
    job_linkage: bool = Field(default=False, description="Includes job placement / linkage.")
    programme_code: str | None = Field(
        default=None, max_length=32, description="Programme the training is accounted against."
    )
    village_code: str | None = Field(default=None, description="Village of the household.")
    fee_support_vnd: int | None = Field(
        default=None, ge=0, description="Course fee paid by the programme, VND."
    )
    eligible_group: str | None = Field(
        default=None, description="Target group through which the trainee qualified."
    )
    overridden: bool = Field(
        default=False, description="Recorded by an authorised officer despite the rules."
    )


class TrainingEnrolled(Envelope[EnrolmentPayload]):
    """A household member was enrolled in vocational training."""

    EVENT_TYPE: ClassVar[str] = "TrainingEnrolled"


class TrainingFinishedPayload(Contract):
    enrolment_id: str = Field(description="Enrolment concerned.")
    household_code: str = Field(description="Household of the trainee.")
    commune_code: str = Field(description="Commune of the household.")
    village_code: str = Field(description="Village of the household.")
    member_no: int = Field(ge=1, description="Member line number of the trainee.")
    programme_code: str = Field(description="Programme the training is accounted against.")
    on: date = Field(description="Date the course was completed or left.")


class TrainingCompletedPayload(TrainingFinishedPayload):
    certificate: str = Field(
        max_length=64, description="Certificate obtained (e.g. 'so_cap', 'under_3_months')."
    )
    occupation: str = Field(max_length=128, description="Occupation trained for.")


class TrainingCompleted(Envelope[TrainingCompletedPayload]):
    """A trainee completed a course."""

    EVENT_TYPE: ClassVar[str] = "TrainingCompleted"


class TrainingDroppedPayload(TrainingFinishedPayload):
    reason_code: str | None = Field(
        default=None, max_length=32, description="Why the trainee left (code, no free text)."
    )


class TrainingDropped(Envelope[TrainingDroppedPayload]):
    """A trainee left a course before completing it."""

    EVENT_TYPE: ClassVar[str] = "TrainingDropped"


class TraineePlacedPayload(Contract):
    enrolment_id: str = Field(description="Enrolment the outcome follows.")
    household_code: str = Field(description="Household of the worker.")
    commune_code: str = Field(description="Commune of the household.")
    village_code: str = Field(description="Village of the household.")
    member_no: int = Field(ge=1, description="Member line number of the worker.")
    programme_code: str = Field(description="Programme the training was accounted against.")
    outcome: EmploymentOutcome = Field(description="Local job, own business or work abroad.")
    employed_on: date = Field(description="Date the job or business started.")
    completed: bool = Field(description="Whether the course had been completed.")


class TraineePlaced(Envelope[TraineePlacedPayload]):
    """A trained worker found a job, started a business or left for contract work abroad."""

    EVENT_TYPE: ClassVar[str] = "TraineePlaced"
