"""Stream ``audit.recorded``: who did what, when, to which household or area.

Every service stages one of these in the same transaction as the write it describes (so a
write is never without its audit entry, nor an entry without its write); the access service
appends them to the audit trail, which no API can edit. Targets are codes, never names or
citizen ids.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from shared.contracts.envelope import Contract, Envelope

AUDIT_RECORDED_STREAM = "audit.recorded"

Scalar = str | int | float | bool | None


class AuditPayload(Contract):
    actor_id: str = Field(max_length=128, description="Id of the user (or machine) who acted.")
    actor_name: str = Field(max_length=128, description="Their user name.")
    actor_roles: str = Field(max_length=256, description="Their roles, comma-separated.")
    service: str = Field(max_length=32, description="Service that performed the write.")
    action: str = Field(
        max_length=64, description="What was done, e.g. 'recognition.decided', 'survey.submitted'."
    )
    target_kind: str = Field(
        max_length=32, description="Kind of record: household, commune, survey, user, …"
    )
    target_id: str = Field(max_length=128, description="Its code or id.")
    province_code: str | None = Field(default=None, max_length=16, description="Province.")
    commune_code: str | None = Field(default=None, max_length=16, description="Commune.")
    village_code: str | None = Field(default=None, max_length=32, description="Village.")
    before: dict[str, Scalar] | None = Field(
        default=None, description="State before, when a status or decision changed."
    )
    after: dict[str, Scalar] | None = Field(
        default=None, description="State after (decision numbers, statuses, counts)."
    )


class AuditRecorded(Envelope[AuditPayload]):
    """A write was performed by a user or machine."""

    EVENT_TYPE: ClassVar[str] = "AuditRecorded"
