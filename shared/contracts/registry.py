"""Stream ``household.changed``: a household's life between two reviews, recorded by intake.

Moved (to another village or commune), split (a new household takes some members), merged
(into another household), dissolved (death of its only member, emigration). Codes only: no
names, no citizen ids; the officer's note stays in intake. Assessment applies them to the
review (a split or merged household needs a new survey before it is recognised again; a
dissolved one leaves the lists) and reporting counts them in the change tables' "other" rows.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar

from pydantic import Field, model_validator

from shared.contracts.envelope import Contract, Envelope

HOUSEHOLD_CHANGED_STREAM = "household.changed"


class LifeEventKind(StrEnum):
    MOVED = "moved"
    SPLIT = "split"
    MERGED = "merged"
    DISSOLVED = "dissolved"


class DissolutionCause(StrEnum):
    DEATH = "death"
    EMIGRATION = "emigration"
    OTHER = "other"


class HouseholdChangedPayload(Contract):
    change_id: str = Field(min_length=1, max_length=64, description="Id of the change.")
    kind: LifeEventKind = Field(description="What happened.")
    household_code: str = Field(max_length=64, description="The household it happened to.")
    effective_on: date = Field(description="When it happened.")
    province_code: str = Field(max_length=16, description="Province.")
    from_commune_code: str = Field(max_length=16, description="Its commune before.")
    from_village_code: str = Field(max_length=32, description="Its village before.")
    to_commune_code: str = Field(max_length=16, description="Its commune after (moved).")
    to_village_code: str = Field(max_length=32, description="Its village after (moved).")
    related_household_code: str | None = Field(
        default=None,
        max_length=64,
        description="Split: the new household; merged: the household it joined.",
    )
    members: int = Field(
        default=0, ge=0, le=60, description="Split: members who left for the new household."
    )
    cause: DissolutionCause | None = Field(default=None, description="Dissolved: why.")

    @model_validator(mode="after")
    def _consistent(self) -> HouseholdChangedPayload:
        needs_related = self.kind in (LifeEventKind.SPLIT, LifeEventKind.MERGED)
        if needs_related != (self.related_household_code is not None):
            msg = "related_household_code is set for split and merged, and only for them"
            raise ValueError(msg)
        if (self.kind is LifeEventKind.DISSOLVED) != (self.cause is not None):
            msg = "cause is set for dissolved, and only for it"
            raise ValueError(msg)
        return self


class HouseholdChanged(Envelope[HouseholdChangedPayload]):
    """A household moved, split, merged into another or was dissolved."""

    EVENT_TYPE: ClassVar[str] = "HouseholdChanged"


HOUSEHOLD_DUPLICATE_STREAM = "household.duplicate"


class DuplicatePersonPayload(Contract):
    """One citizen id in the latest surveys of two households (a person belongs to one): both
    are held from recognition while ``active``; the citizen id itself never travels."""

    duplicate_id: str = Field(max_length=64, description="Id of the finding in intake.")
    household_codes: list[str] = Field(
        min_length=2, max_length=2, description="The two households."
    )
    commune_codes: list[str] = Field(
        min_length=2, max_length=2, description="Their communes, in the same order."
    )
    active: bool = Field(description="True when found; False once resolved.")
    resolution: str | None = Field(
        default=None, max_length=32, description="How it was resolved (when not active)."
    )


class DuplicatePersonFlagged(Envelope[DuplicatePersonPayload]):
    """Intake found (or resolved) a person recorded in two households."""

    EVENT_TYPE: ClassVar[str] = "DuplicatePersonFlagged"
