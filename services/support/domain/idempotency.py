"""Idempotent recording: a repeated id with the same content changes nothing; with different
content it is a conflict naming every field that differs (never silently ignored)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.errors import DomainError, ErrorKind, Problem


def differing_fields(stored: Mapping[str, Any], incoming: Mapping[str, Any]) -> list[str]:
    """Names of the fields whose values differ (a field missing on one side counts as
    ``None``), sorted."""
    keys = set(stored) | set(incoming)
    return sorted(k for k in keys if stored.get(k) != incoming.get(k))


def conflict(what_vi: str, what_en: str, record_id: str, fields: list[str]) -> DomainError:
    """409: ``record_id`` exists with other values in ``fields``."""
    problems = [
        Problem(
            f,
            f"{what_vi} {record_id} đã được ghi với giá trị khác ở trường «{f}».",
            f"{what_en} {record_id} was already recorded with a different '{f}'.",
            "conflict",
        )
        for f in fields
    ]
    return DomainError.of(problems, ErrorKind.CONFLICT)


def check_replay(
    what_vi: str,
    what_en: str,
    record_id: str,
    stored: Mapping[str, Any] | None,
    incoming: Mapping[str, Any],
) -> bool:
    """``True`` if ``record_id`` was already recorded with exactly ``incoming`` (a no-op);
    ``False`` if it is new; raises a conflict if it was recorded with other content."""
    if stored is None:
        return False
    fields = differing_fields(stored, incoming)
    if fields:
        raise conflict(what_vi, what_en, record_id, fields)
    return True
