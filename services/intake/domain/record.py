"""A survey as intake holds it: the event's payload plus the personal data that stays here.

``household.surveyed`` carries codes and answers only (``SurveyPayload``). The household head's
name, members' names and citizen ids are read by intake, kept in its registry (citizen ids
sealed, see ``adapters.vault``) and never put on a stream.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from pydantic import Field

from shared.contracts.codes import Relation
from shared.contracts.surveys import MAX_MEMBERS, Member, SurveyPayload

CITIZEN_ID_PATTERN: Final = r"^\d{12}$"


class PersonIn(Member):
    """One member's answers with the personal data intake keeps."""

    full_name: str | None = Field(
        default=None, max_length=128, description="Full name (kept by intake, never sent on)."
    )
    citizen_id: str | None = Field(
        default=None,
        pattern=CITIZEN_ID_PATTERN,
        description="12-digit citizen id (CCCD), if known (kept sealed by intake, never sent on).",
    )


class SurveyRecord(SurveyPayload):
    """A survey with its personal data; :meth:`public_json` is the event's payload."""

    head_name: str | None = Field(
        default=None, max_length=128, description="Household head (kept by intake, never sent on)."
    )
    members: list[PersonIn] = Field(  # type: ignore[assignment]
        min_length=1, max_length=MAX_MEMBERS, description="Household members."
    )

    def public_json(self) -> bytes:
        """The ``SurveyPayload`` JSON of this survey: every personal field left out."""
        return self.__pydantic_serializer__.to_json(self, exclude=PERSONAL_FIELDS)

    def people(self) -> tuple[Person, ...]:
        """The personal data of each member (the head's name on the head's line)."""
        out = []
        for m in self.members:
            head = m.relation is Relation.HEAD
            name = (self.head_name or m.full_name) if head else m.full_name
            out.append(Person(m.member_no, head, name, m.citizen_id))
        return tuple(out)


PERSONAL_FIELDS: Final[dict[str, Any]] = {
    "head_name": True,
    "members": {"__all__": {"full_name", "citizen_id"}},
}


@dataclass(frozen=True, slots=True)
class Person:
    """What intake keeps of one member beyond the survey's answers."""

    member_no: int
    is_head: bool
    full_name: str | None
    citizen_id: str | None

    def canonical(self) -> str:
        fields = (str(self.member_no), str(int(self.is_head)), self.full_name or "")
        return "\x1f".join((*fields, self.citizen_id or ""))
