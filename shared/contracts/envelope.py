"""The common event envelope and its wire format.

On the wire every stream entry has exactly one field, ``event``, whose value is the UTF-8 JSON
of the envelope below. Nothing FastStream-specific is written, so another agency can consume the
streams with ``XREADGROUP`` and any JSON parser.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

WIRE_FIELD = "event"
"""Name of the single stream-entry field that carries the JSON envelope."""

P = TypeVar("P", bound=BaseModel)

_V7_VERSION_VARIANT = (0x7 << 76) | (0b10 << 62)


def _v7_int() -> int:
    """128 bits of a version 7 UUID (RFC 9562): milliseconds since 1970 in the top 48 bits,
    then version, 74 random bits split by the variant. The random bits make ids unique, not
    secret (an event id grants nothing): ``random``'s generator, seeded from the system's
    randomness and again in every forked process, costs a tenth of a system call."""
    rand = random.getrandbits(74)
    high, low = rand >> 62, rand & ((1 << 62) - 1)
    return (time.time_ns() // 1_000_000) << 80 | high << 64 | low | _V7_VERSION_VARIANT


def new_event_id() -> UUID:
    """A new event id: a version 7 UUID, ordered by time. Consumers record the ids of the
    events they applied, so ids that grow with time are appended to that index instead of
    landing on a random page of it (a random version 4 id dirtied a page per event)."""
    return UUID(int=_v7_int())


def new_event_id_text() -> str:
    """:func:`new_event_id` in its text form, as ``str()`` writes it."""
    h = f"{_v7_int():032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class Identified(Protocol):
    """What delivery needs of an event, decoded as a whole or in part: its id (redeliveries
    are recognised by it)."""

    @property
    def event_id(self) -> Any: ...


class Contract(BaseModel):
    """Base for payload models: frozen, strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Envelope(BaseModel, Generic[P]):
    """Metadata every event carries, around a typed payload."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    EVENT_TYPE: ClassVar[str] = ""
    SCHEMA_VERSION: ClassVar[int] = 1

    event_id: UUID = Field(
        default_factory=new_event_id,
        description="Unique id of this event; consumers use it to ignore redeliveries. "
        "Producers here write version 7 UUIDs (time-ordered, RFC 9562); any UUID is accepted.",
    )
    event_type: str = Field(description="Name of the event, in the past tense.")
    schema_version: int = Field(ge=1, description="Version of the payload schema.")
    occurred_at: AwareDatetime = Field(description="When the fact happened, with its timezone.")
    correlation_id: str = Field(
        max_length=128,
        description="Id shared by every event caused by one request (e.g. one survey upload).",
    )
    producer: str = Field(max_length=64, description="Service that emitted the event.")
    payload: P = Field(description="The fact itself.")

    @classmethod
    def create(
        cls,
        payload: P,
        *,
        producer: str,
        correlation_id: str | None = None,
        occurred_at: datetime | None = None,
        event_id: UUID | None = None,
    ) -> Self:
        """Wrap ``payload`` in a new envelope of this event type."""
        eid = event_id or new_event_id()
        return cls(
            event_id=eid,
            event_type=cls.EVENT_TYPE,
            schema_version=cls.SCHEMA_VERSION,
            occurred_at=occurred_at or datetime.now(UTC),
            correlation_id=correlation_id or str(eid),
            producer=producer,
            payload=payload,
        )

    def to_wire(self) -> dict[str, bytes]:
        """The stream-entry fields for ``XADD``."""
        return {WIRE_FIELD: self.to_json()}

    def to_json(self) -> bytes:
        return self.__pydantic_serializer__.to_json(self)

    @classmethod
    def from_json(cls, raw: bytes | str) -> Self:
        return cls.model_validate_json(raw)

    @classmethod
    def from_fields(cls, fields: dict[Any, Any]) -> Self:
        """Decode one stream entry's fields (as returned by redis-py, bytes keys)."""
        raw = fields.get(WIRE_FIELD.encode()) or fields.get(WIRE_FIELD)
        if raw is None:
            msg = f"stream entry has no '{WIRE_FIELD}' field"
            raise ValueError(msg)
        return cls.model_validate_json(raw)


def dead_letter_stream(stream: str) -> str:
    """The dead-letter stream paired with ``stream``."""
    return f"{stream}.dead-letter"
