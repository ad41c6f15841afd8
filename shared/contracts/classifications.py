"""Stream ``household.classified``: a household's poverty status under a standard."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import ClassVar, Protocol

from pydantic import AwareDatetime, Field

from shared.contracts.codes import (
    AreaType,
    IncomeBasis,
    PovertyCause,
    PovertyStatus,
    ReviewStage,
    Sex,
    SupportKind,
    Transition,
)
from shared.contracts.envelope import Contract, Envelope

HOUSEHOLD_CLASSIFIED_STREAM = "household.classified"


class IndicatorResult(Contract):
    """One deprivation indicator as evaluated for the household: its code, dimension and
    whether the household is deprived on it. The legal article behind each indicator is in
    the standard (``standard_id`` + ``rule_hash``; assessment's ``GET /standards``), and why
    the household is (or is not) deprived is served by assessment's
    ``GET /households/{code}``, rendered from the stored survey under the same rule bundle:
    neither is repeated in every event."""

    code: str = Field(description="Indicator code in the standard (e.g. 'health_insurance').")
    dimension: str = Field(description="Dimension the indicator belongs to.")
    deprived: bool = Field(description="Whether the household is deprived on it.")
    reason: str | None = Field(
        default=None,
        exclude_if=lambda v: v is None,
        description="Why, in terms of the answers (English): only in events of schema version "
        "1. From version 2 the field is absent; the explanation is served by assessment's "
        "GET /households/{code}.",
    )


class MemberProfile(Contract):
    """What support and reporting need of one member: no name, no citizen id, no birth date."""

    member_no: int = Field(ge=1, description="Member line number on the survey form.")
    age: int = Field(ge=0, description="Age in completed years at the interview.")
    sex: Sex = Field(description="Sex.")
    working_age: bool = Field(
        description="Within the standard's working-age bounds for the review year."
    )
    able_to_work: bool = Field(description="Of working age and able to work (full or partial).")
    health_insured: bool = Field(description="Holds valid health insurance.")
    malnourished: bool | None = Field(
        default=None, description="Children under 16: stunted or underweight (None: not asked)."
    )
    attending_school: bool = Field(description="Currently attending school or training.")
    disability: bool = Field(description="Has a certified disability.")


class ClassificationPayload(Contract):
    survey_id: str = Field(description="Survey the classification is based on.")
    household_code: str = Field(description="Household code.")
    province_code: str = Field(description="Province code.")
    commune_code: str = Field(description="Commune code.")
    village_code: str = Field(description="Village code.")
    area_type: AreaType = Field(description="Area type used for the income line.")
    review_year: int = Field(description="Year of the review round.")
    surveyed_at: AwareDatetime = Field(description="Interview time of the survey.")
    survey_order_key: str = Field(
        description="Sorts a household's surveys (round, interview time, revision): the result "
        "of the greatest key is the household's current one, whatever order events arrive in."
    )
    standard_id: str = Field(description="Standard applied, e.g. 'vn-2022-2025'.")
    stage: ReviewStage = Field(description="Proposed by the engine or recognised by the commune.")
    status: PovertyStatus = Field(description="Poverty status.")
    transition: Transition = Field(description="Change against the last recognised status.")
    previous_status: PovertyStatus | None = Field(
        default=None, description="Last recognised status, if any."
    )
    newly_escaped_until: date | None = Field(
        default=None, description="End of the 36-month 'newly escaped' period, if it applies."
    )
    income_basis: IncomeBasis = Field(description="Income estimate or score A.")
    income_value: int = Field(description="The income figure compared with the line.")
    income_line: int = Field(description="Line it was compared with (VND or points).")
    deprivation_count: int = Field(ge=0, description="Number of indicators deprived.")
    indicators: list[IndicatorResult] = Field(description="Every indicator, deprived or not.")
    low_income_worker_household: bool = Field(
        description="Neither poor nor near-poor, income within the Decree 30/2025 low-income band."
    )
    member_count: int = Field(ge=1, description="Number of members.")
    head_ethnicity: str = Field(description="Ethnic group of the household head.")
    head_sex: Sex | None = Field(default=None, description="Sex of the household head.")
    members: list[MemberProfile] = Field(
        default_factory=list, description="Each member's profile (no personal identifiers)."
    )
    causes: list[PovertyCause] = Field(default_factory=list, description="Causes of poverty.")
    needs: list[SupportKind] = Field(default_factory=list, description="Support needs.")
    rule_hash: str = Field(description="SHA-256 of the rule bundle (standard and overrides).")
    governing: bool = Field(
        description="True if this standard governs the review year (False: a baseline or what-if)."
    )
    engine_version: str = Field(description="Version of the classification engine.")
    accepted_at: AwareDatetime | None = Field(
        default=None,
        description="When intake accepted the survey (its HouseholdSurveyed event's "
        "occurred_at), on results proposed from that survey; null on a recognition and on "
        "events from before this field existed. Reporting measures survey-to-report latency "
        "from it.",
    )


def survey_order_key(review_year: int, surveyed_at: datetime, revision: int, survey_id: str) -> str:
    """A string that sorts a household's surveys: later review round, then later interview,
    then later revision (an edited form supersedes the version it replaces)."""
    return f"{review_year:04d}|{surveyed_at.astimezone(UTC).isoformat()}|{revision:04d}|{survey_id}"


class Ranked(Protocol):
    """What :func:`precedence` reads of a result: the payload, or a consumer's reading of it
    that keeps only some fields."""

    @property
    def survey_order_key(self) -> str: ...

    @property
    def stage(self) -> ReviewStage: ...


def precedence(p: Ranked) -> str:
    """Which of two results for a household is current: the later survey, and for the same
    survey the recognised result over the proposed one."""
    return p.survey_order_key + ("|1" if p.stage is ReviewStage.RECOGNISED else "|0")


class HouseholdClassified(Envelope[ClassificationPayload]):
    """A household was classified (proposed) or its status was recognised.

    Schema version 2 leaves out each indicator's ``reason`` (half of a version-1 event's
    bytes); assessment's ``GET /households/{code}`` explains every indicator. Version-1
    events, with reasons, are still valid: consumers read both."""

    EVENT_TYPE: ClassVar[str] = "HouseholdClassified"
    SCHEMA_VERSION: ClassVar[int] = 2
