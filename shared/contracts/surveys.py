"""Stream ``household.surveyed``: a household survey accepted by intake.

Member-level answers are kept as recorded; household indicators are derived from them by
assessment under whichever standard applies. The event carries no personal data: no names,
citizen ids, birth dates or phone numbers; household and area codes are enough downstream.
Intake keeps names and citizen ids in its registry (``services.intake.domain.record``).
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import AwareDatetime, Field, model_validator

from shared.contracts.classifications import survey_order_key
from shared.contracts.codes import (
    AreaType,
    Asset,
    Employment,
    IncomeBasis,
    Latrine,
    Material,
    PovertyCause,
    Qualification,
    Relation,
    ReviewKind,
    SchoolLevel,
    Sex,
    SupportKind,
    WasteHandling,
    WaterSource,
    WorkCapacity,
)
from shared.contracts.envelope import Contract, Envelope

HOUSEHOLD_SURVEYED_STREAM = "household.surveyed"

MAX_AGE = 120
MAX_MEMBERS = 60


class ReviewRound(Contract):
    year: int = Field(ge=2000, le=2100, description="Year of the review round.")
    kind: ReviewKind = Field(description="Periodic (annual) or regular (monthly) review.")


class Income(Contract):
    """Income as recorded: an estimate in VND per person per month, or the form's score A."""

    basis: IncomeBasis = Field(description="Which of the two the value is.")
    value: int = Field(ge=0, le=10_000_000_000, description="VND per person per month, or points.")


class Housing(Contract):
    pillars: Material = Field(description="Material of the main pillars / frame.")
    walls: Material = Field(description="Material of the walls.")
    roof: Material = Field(description="Material of the roof.")
    floor_area_m2: float = Field(ge=0, le=10_000, description="Usable floor area in m².")


class Member(Contract):
    """One household member's answers."""

    member_no: int = Field(ge=1, le=MAX_MEMBERS, description="Line number on the form.")
    age: int = Field(ge=0, le=MAX_AGE, description="Age in completed years.")
    sex: Sex = Field(description="Sex.")
    relation: Relation = Field(description="Relation to the household head.")
    ethnicity: str = Field(
        min_length=1, max_length=32, description="Ethnic group code (e.g. kinh, tay, dao, hmong)."
    )
    has_disability: bool = Field(default=False, description="Has a certified disability.")
    work_capacity: WorkCapacity = Field(default=WorkCapacity.FULL, description="Capacity to work.")
    employment: Employment = Field(description="Labour status.")
    wants_work: bool = Field(default=True, description="Wants to work (for those not employed).")
    wage_worker: bool = Field(default=False, description="Works for wages or salary.")
    has_labour_contract: bool = Field(
        default=False, description="A wage worker holding a labour contract."
    )
    has_health_insurance: bool = Field(description="Holds valid health insurance.")
    attending_school: SchoolLevel = Field(
        default=SchoolLevel.NONE, description="Level currently attended; none if not attending."
    )
    highest_qualification: Qualification = Field(
        default=Qualification.NONE, description="Highest diploma or certificate the member holds."
    )
    stunted: bool | None = Field(
        default=None, description="Children under 16: height-for-age below standard."
    )
    underweight: bool | None = Field(
        default=None, description="Children under 16: weight-for-age below standard."
    )


class SurveyPayload(Contract):
    """A household survey as accepted by intake (review form Phiếu B and member list)."""

    survey_id: str = Field(
        min_length=1, max_length=64, description="Id of this survey; idempotency key."
    )
    household_code: str = Field(
        min_length=1, max_length=64, description="Stable household code in the registry."
    )
    province_code: str = Field(min_length=1, max_length=16, description="Official province code.")
    commune_code: str = Field(min_length=1, max_length=16, description="Official commune code.")
    village_code: str = Field(min_length=1, max_length=32, description="Village code.")
    area_type: AreaType = Field(description="Urban or rural, from the commune's type.")
    review_round: ReviewRound = Field(description="Review round the survey belongs to.")
    surveyed_at: AwareDatetime = Field(description="When the interview took place.")
    revision: int = Field(
        default=0,
        ge=0,
        le=9999,
        description="Edit number of the same interview (an edited form supersedes revision - 1).",
    )
    head_citizen_id_missing: bool = Field(
        default=False, description="True if the head's citizen id was not recorded (flagged)."
    )
    livelihood_agriculture: bool = Field(
        description="Lives from agriculture, forestry, fishery or salt making."
    )
    income: Income = Field(description="Income estimate or score A.")
    housing: Housing = Field(description="Dwelling.")
    water_source: WaterSource = Field(description="Main domestic water source.")
    latrine: Latrine = Field(description="Latrine type.")
    uses_telecom: bool = Field(description="At least one member uses telephone or internet.")
    uses_internet: bool = Field(
        default=False, description="At least one member uses internet / digital public services."
    )
    assets: list[Asset] = Field(default_factory=list, description="Devices and assets owned.")
    waste_handling: WasteHandling | None = Field(
        default=None, description="Waste handling (asked from the 2027 standard on)."
    )
    causes: list[PovertyCause] = Field(default_factory=list, description="Causes of poverty.")
    needs: list[SupportKind] = Field(default_factory=list, description="Support needs.")
    members: list[Member] = Field(
        min_length=1, max_length=MAX_MEMBERS, description="Household members."
    )

    @model_validator(mode="after")
    def _members_are_consistent(self) -> SurveyPayload:
        numbers = [m.member_no for m in self.members]
        if len(set(numbers)) != len(numbers):
            msg = "member_no must be unique within a household"
            raise ValueError(msg)
        if sum(1 for m in self.members if m.relation is Relation.HEAD) != 1:
            msg = "a household has exactly one member whose relation is 'head'"
            raise ValueError(msg)
        return self

    @property
    def order_key(self) -> str:
        """Order of surveys of one household: later review round, then later interview wins."""
        return survey_order_key(
            self.review_round.year, self.surveyed_at, self.revision, self.survey_id
        )


class HouseholdSurveyed(Envelope[SurveyPayload]):
    """A survey was accepted by intake and stored."""

    EVENT_TYPE: ClassVar[str] = "HouseholdSurveyed"
