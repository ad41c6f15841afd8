"""Canonical JSON of requests as stored for idempotency checks."""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel


def canonical(model: BaseModel) -> dict[str, Any]:
    """The request as plain JSON values (dates as ISO text, decimals as text)."""
    return model.model_dump(mode="json")


def encode(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def decode(raw: bytes | None) -> dict[str, Any] | None:
    return None if raw is None else orjson.loads(raw)
