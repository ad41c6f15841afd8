"""Stream ``training.enrolled``: a household member enrolled in vocational training."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import Field

from shared.contracts.envelope import Contract, Envelope

TRAINING_ENROLLED_STREAM = "training.enrolled"


class EnrolmentPayload(Contract):
    enrolment_id: str = Field(description="Id of the enrolment; idempotency key.")
    household_code: str = Field(description="Household of the trainee.")
    commune_code: str = Field(description="Commune of the household.")
    member_no: int = Field(ge=1, description="Member line number of the trainee.")
    course: str = Field(max_length=128, description="Course or trade.")
    provider: str = Field(max_length=128, description="Training provider.")
    starts_on: date = Field(description="Course start date.")
    job_linkage: bool = Field(default=False, description="Includes job placement / linkage.")


class TrainingEnrolled(Envelope[EnrolmentPayload]):
    """A household member was enrolled in vocational training."""

    EVENT_TYPE: ClassVar[str] = "TrainingEnrolled"
