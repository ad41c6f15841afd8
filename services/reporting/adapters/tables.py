"""Reporting's tables: current status of each household per standard, support and training."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from shared.db import plumbing_tables

mapper_registry = registry()
metadata = mapper_registry.metadata


class ReportingModel(SQLModel, registry=mapper_registry):
    pass


class HouseholdStatusRow(ReportingModel, table=True):
    """Latest classification of a household under one standard (latest survey wins)."""

    __tablename__ = "household_status"

    household_code: str = Field(primary_key=True, max_length=64)
    standard_id: str = Field(primary_key=True, max_length=32)
    province_code: str = Field(max_length=16)
    commune_code: str = Field(max_length=16, index=True)
    village_code: str = Field(max_length=32)
    review_year: int
    status: str = Field(max_length=16)
    stage: str = Field(max_length=16)
    transition: str = Field(max_length=32)
    previous_status: str | None = Field(default=None, max_length=16)
    member_count: int
    head_ethnicity: str = Field(max_length=32)
    deprived: str = Field(max_length=512)  # comma-separated indicator codes
    order_key: str = Field(max_length=96)


class EventTally(ReportingModel, table=True):
    """How many events of each type were applied (each event id once)."""

    __tablename__ = "event_tally"

    event_type: str = Field(primary_key=True, max_length=64)
    standard_id: str = Field(primary_key=True, max_length=32)
    count: int


class SupportRow(ReportingModel, table=True):
    __tablename__ = "support"

    disbursement_id: str = Field(primary_key=True, max_length=64)
    household_code: str = Field(max_length=64)
    commune_code: str = Field(max_length=16, index=True)
    kind: str = Field(max_length=32)
    funding_source: str = Field(max_length=32)
    programme_code: str = Field(max_length=32)
    amount_vnd: int
    disbursed_on: date


class TrainingRow(ReportingModel, table=True):
    __tablename__ = "training"

    enrolment_id: str = Field(primary_key=True, max_length=64)
    household_code: str = Field(max_length=64)
    commune_code: str = Field(max_length=16, index=True)
    job_linkage: bool


plumbing = plumbing_tables(metadata)
statuses = HouseholdStatusRow.__table__  # type: ignore[attr-defined]
tallies = EventTally.__table__  # type: ignore[attr-defined]
support = SupportRow.__table__  # type: ignore[attr-defined]
training = TrainingRow.__table__  # type: ignore[attr-defined]
