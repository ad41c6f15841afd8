"""The audit trail's integrity rule: each entry's hash covers the previous entry's hash and its
own content, so an edit or a deleted entry anywhere breaks the chain from there on. Pure."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64

HASHED_FIELDS = (
    "event_id",
    "at",
    "actor_id",
    "actor_name",
    "actor_roles",
    "service",
    "action",
    "target_kind",
    "target_id",
    "province_code",
    "commune_code",
    "village_code",
    "before",
    "after",
)


def _canonical(value: Any) -> Any:
    """Times as UTC wall time (databases differ in how they return time zones)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds")
    return value


def entry_hash(prev_hash: str, entry: Mapping[str, Any]) -> str:
    body = json.dumps(
        {k: _canonical(entry.get(k)) for k in HASHED_FIELDS},
        sort_keys=True,
        default=str,
        ensure_ascii=False,
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def first_break(entries: Iterable[Mapping[str, Any]]) -> int | None:
    """The sequence number of the first entry whose hash does not follow, or None."""
    prev = GENESIS
    for e in entries:
        if e["prev_hash"] != prev or e["hash"] != entry_hash(prev, e):
            return int(e["seq"])
        prev = e["hash"]
    return None
