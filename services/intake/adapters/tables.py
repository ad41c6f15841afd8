"""Intake's tables: every survey version as received, and the household registry."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from shared.db import plumbing_tables

mapper_registry = registry()
metadata = mapper_registry.metadata


class IntakeModel(SQLModel, registry=mapper_registry):
    pass


class SurveyRow(IntakeModel, table=True):
    """Every survey as received; a household's versions are numbered 1, 2, … in arrival order
    (unique per household, so two writers racing cannot both take one number). The unique
    index also finds a household's surveys (its leading column is the household code)."""

    __tablename__ = "survey"
    __table_args__ = (
        sa.UniqueConstraint("household_code", "version", name="uq_survey_household_version"),
    )

    survey_id: str = Field(primary_key=True, max_length=64)
    household_code: str = Field(max_length=64)
    version: int
    commune_code: str = Field(index=True, max_length=16)
    channel: str = Field(max_length=16)
    content_hash: str = Field(max_length=64)
    citizen_id_missing: bool = False
    payload: bytes = Field(sa_type=sa.LargeBinary)
    received_at: datetime = Field(sa_type=sa.DateTime(timezone=True))  # type: ignore[call-overload]


class HouseholdRow(IntakeModel, table=True):
    """The household's latest survey in interview order (the survey's order key: review year,
    interview time, revision), whatever order the surveys arrived in."""

    __tablename__ = "household"

    household_code: str = Field(primary_key=True, max_length=64)
    commune_code: str = Field(max_length=16, index=True)
    village_code: str = Field(default="", max_length=32, index=True)
    latest_version: int
    latest_survey_id: str = Field(max_length=64, index=True)
    latest_order_key: str = Field(default="", max_length=128)
    state: str = Field(default="active", max_length=16)
    """active, merged (into another household) or dissolved: see ``domain.life``."""
    needs_survey: bool = False
    """Split since its latest survey (or new from a split): survey it before recognition."""


class HouseholdEventRow(IntakeModel, table=True):
    """A life event of a household (``domain.life``), as recorded."""

    __tablename__ = "household_event"

    change_id: str = Field(primary_key=True, max_length=64)
    household_code: str = Field(index=True, max_length=64)
    kind: str = Field(max_length=16)
    effective_on: date
    from_commune_code: str = Field(max_length=16)
    from_village_code: str = Field(max_length=32)
    to_commune_code: str = Field(max_length=16)
    to_village_code: str = Field(max_length=32)
    related_household_code: str | None = Field(default=None, max_length=64)
    member_nos: str = Field(default="", max_length=256)
    cause: str | None = Field(default=None, max_length=16)
    note: str | None = Field(default=None, max_length=500)
    content_hash: str = Field(max_length=64)
    recorded_by: str | None = Field(default=None, max_length=128)
    recorded_at: datetime = Field(sa_type=sa.DateTime(timezone=True))  # type: ignore[call-overload]


class PersonRow(IntakeModel, table=True):
    """Personal data of one member in one survey: names in clear (officers search them), the
    citizen id only as a keyed hash (to match) and sealed (to show); see ``adapters.vault``."""

    __tablename__ = "survey_person"
    # searches are by the head's name: only heads carry name keys, and only they are indexed
    __table_args__ = (
        sa.Index(
            "ix_survey_person_name_key",
            "name_key",
            sqlite_where=sa.text("name_key IS NOT NULL"),
            postgresql_where=sa.text("name_key IS NOT NULL"),
        ),
        sa.Index(
            "ix_survey_person_given_key",
            "given_key",
            sqlite_where=sa.text("given_key IS NOT NULL"),
            postgresql_where=sa.text("given_key IS NOT NULL"),
        ),
    )

    survey_id: str = Field(primary_key=True, max_length=64)
    member_no: int = Field(primary_key=True)
    household_code: str = Field(max_length=64)
    is_head: bool = False
    full_name: str | None = Field(default=None, max_length=128)
    name_key: str | None = Field(default=None, max_length=128)
    given_key: str | None = Field(default=None, max_length=128)
    citizen_key: str | None = Field(default=None, max_length=64, index=True)
    citizen_sealed: bytes | None = Field(default=None, sa_type=sa.LargeBinary)


class DuplicateRow(IntakeModel, table=True):
    """One citizen id in the latest surveys of two active households; open until resolved
    (by a new survey of either, or by an officer)."""

    __tablename__ = "duplicate_person"

    duplicate_id: str = Field(primary_key=True, max_length=64)
    citizen_key: str = Field(max_length=64)
    household_a: str = Field(max_length=64, index=True)
    household_b: str = Field(max_length=64, index=True)
    commune_a: str = Field(max_length=16)
    commune_b: str = Field(max_length=16)
    member_a: int
    member_b: int
    found_at: datetime = Field(sa_type=sa.DateTime(timezone=True))  # type: ignore[call-overload]
    resolved_at: datetime | None = Field(  # type: ignore[call-overload]
        default=None, sa_type=sa.DateTime(timezone=True)
    )
    resolution: str | None = Field(default=None, max_length=32)
    note: str | None = Field(default=None, max_length=500)
    resolved_by: str | None = Field(default=None, max_length=128)


class SubmissionRow(IntakeModel, table=True):
    """Offline-form submissions by instance id, so a retried submission is processed once."""

    __tablename__ = "form_submission"

    instance_id: str = Field(primary_key=True, max_length=128)
    root_id: str = Field(max_length=128, index=True)
    survey_id: str = Field(max_length=64)
    revision: int = 0
    superseded_by: str | None = Field(default=None, max_length=128)


plumbing = plumbing_tables(metadata)
surveys = SurveyRow.__table__  # type: ignore[attr-defined]
households = HouseholdRow.__table__  # type: ignore[attr-defined]
duplicates = DuplicateRow.__table__  # type: ignore[attr-defined]
life_events = HouseholdEventRow.__table__  # type: ignore[attr-defined]
people = PersonRow.__table__  # type: ignore[attr-defined]
submissions = SubmissionRow.__table__  # type: ignore[attr-defined]
