"""Streams of housing support: ``housing.started`` and ``housing.completed``.

The support parts (central and local budget, Fund for the Poor, other mobilisation) are also
published on ``support.disbursed`` with ``case_id`` set to the housing case.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import Field

from shared.contracts.codes import HousingKind
from shared.contracts.envelope import Contract, Envelope

HOUSING_STARTED_STREAM = "housing.started"
HOUSING_COMPLETED_STREAM = "housing.completed"


class HousingRef(Contract):
    case_id: str = Field(description="Housing case id.")
    household_code: str = Field(description="Household.")
    commune_code: str = Field(description="Commune of the household.")
    village_code: str = Field(description="Village of the household.")
    programme_code: str = Field(description="Programme the state support is accounted against.")
    kind: HousingKind = Field(description="New house or repair.")


class HousingStartedPayload(HousingRef):
    started_on: date = Field(description="Start of works.")
    central_budget_vnd: int = Field(ge=0, description="Central budget, VND.")
    local_budget_vnd: int = Field(ge=0, description="Local budget, VND.")
    fund_for_the_poor_vnd: int = Field(ge=0, description="Fund for the Poor, VND.")
    other_mobilisation_vnd: int = Field(
        ge=0, description="Other social mobilisation (firms, mass organisations, donors), VND."
    )
    household_vnd: int = Field(ge=0, description="The household's own money, VND.")
    labour_days: int = Field(ge=0, description="Labour days given by neighbours and others.")
    loan_id: str | None = Field(default=None, description="Housing loan financing part of it.")
    eligible_group: str | None = Field(
        default=None, description="Target group through which the household qualified."
    )
    overridden: bool = Field(
        default=False, description="Recorded by an authorised officer despite the rules."
    )


class HousingStarted(Envelope[HousingStartedPayload]):
    """Works started on a house built or repaired with support."""

    EVENT_TYPE: ClassVar[str] = "HousingStarted"


class HousingCompletedPayload(HousingRef):
    completed_on: date = Field(description="Completion (hand-over) date.")
    floor_area_m2: float | None = Field(default=None, ge=0, description="Floor area, m².")
    labour_days: int = Field(ge=0, description="Labour days given in all.")


class HousingCompleted(Envelope[HousingCompletedPayload]):
    """A supported house was completed."""

    EVENT_TYPE: ClassVar[str] = "HousingCompleted"
