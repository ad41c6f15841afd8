"""Definitions the tables rest on (children's ages, ethnic minority, MPI cutoff, target
tolerance), as a value loaded from ``data/report-definitions.toml``."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Sourced(_Frozen):
    legal_basis: str = ""
    pending_confirmation: bool = False
    note: str = ""


class Children(Sourced):
    max_age_exclusive: int = Field(default=16, ge=1, le=30)


class SchoolAge(Sourced):
    min_age: int = Field(default=3, ge=0, le=30)
    max_age_exclusive: int = Field(default=16, ge=1, le=30)

    @model_validator(mode="after")
    def _range(self) -> SchoolAge:
        if self.min_age >= self.max_age_exclusive:
            msg = "school_age.min_age must be below max_age_exclusive"
            raise ValueError(msg)
        return self


class EthnicMinority(Sourced):
    majority_groups: tuple[str, ...] = ("kinh",)
    decided_by: str = "head"


class LabourCapacity(Sourced):
    rule: str = "no_member_able_to_work"


class MpiCutoff(Sourced):
    cutoff_numerator: int = Field(default=1, ge=0)
    cutoff_denominator: int = Field(default=4, ge=1)

    @property
    def cutoff(self) -> Fraction:
        return Fraction(self.cutoff_numerator, self.cutoff_denominator)


class Targets(Sourced):
    met_tolerance_points: Decimal = Field(default=Decimal("0.005"), ge=0, le=1)


class TrainingGoal(Sourced):
    goal_percent: Decimal = Field(default=Decimal(100), ge=0, le=100)


class ReportDefinitions(_Frozen):
    schema_version: int = 1
    children: Children = Children()
    school_age: SchoolAge = SchoolAge()
    ethnic_minority: EthnicMinority = EthnicMinority()
    labour_capacity: LabourCapacity = LabourCapacity()
    mpi: MpiCutoff = MpiCutoff()
    targets: Targets = Targets()
    training: TrainingGoal = TrainingGoal()
