"""Support's tables: the register of classified households, disbursements and enrolments."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from shared.db import plumbing_tables

mapper_registry = registry()
metadata = mapper_registry.metadata


class SupportModel(SQLModel, registry=mapper_registry):
    pass


class KnownHousehold(SupportModel, table=True):
    """Latest governing classification of each household, as far as support needs it."""

    __tablename__ = "known_household"

    household_code: str = Field(primary_key=True, max_length=64)
    commune_code: str = Field(max_length=16, index=True)
    status: str = Field(max_length=16)
    stage: str = Field(max_length=16)
    order_key: str = Field(max_length=96)


class DisbursementRow(SupportModel, table=True):
    __tablename__ = "disbursement"

    disbursement_id: str = Field(primary_key=True, max_length=64)
    household_code: str = Field(index=True, max_length=64)
    commune_code: str = Field(max_length=16, index=True)
    kind: str = Field(max_length=32)
    amount_vnd: int
    disbursed_on: date
    payload: bytes = Field(sa_type=sa.LargeBinary)
    recorded_at: datetime = Field(sa_type=sa.DateTime(timezone=True))  # type: ignore[call-overload]


class EnrolmentRow(SupportModel, table=True):
    __tablename__ = "enrolment"

    enrolment_id: str = Field(primary_key=True, max_length=64)
    household_code: str = Field(index=True, max_length=64)
    member_no: int
    payload: bytes = Field(sa_type=sa.LargeBinary)


plumbing = plumbing_tables(metadata)
known = KnownHousehold.__table__  # type: ignore[attr-defined]
disbursements = DisbursementRow.__table__  # type: ignore[attr-defined]
enrolments = EnrolmentRow.__table__  # type: ignore[attr-defined]
