"""Sign-off of a commune's figures for a round: the commune submits, the province approves.

States and steps (Decision 24/2021/QĐ-TTg, Art. 4: the commune chairman's decision recognises
the lists; the province's People's Committee approves the figures the province reports):

    open ──submit (commune)──▶ submitted ──approve (province)──▶ approved
      ▲                          │                                 │
      └──── return (province, reason) ◀┘                           │
      └──────────────────── reopen (province, reason) ◀────────────┘

An approval freezes the submitted figures as version n (content hash, who, when); later
events change the live figures only. Reopening an approved version, or returning a
submission, needs a reason. Every step is recorded with its actor.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from shared.errors import DomainError, ErrorKind


class SignoffState(StrEnum):
    OPEN = "open"
    SUBMITTED = "submitted"
    APPROVED = "approved"


class Step(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    REOPEN = "reopen"


class Role(StrEnum):
    """The level an actor signs at (access control maps its roles onto these)."""

    COMMUNE = "commune"
    PROVINCE = "province"


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: str
    role: Role


_RULES: dict[Step, tuple[Role, SignoffState, SignoffState, bool]] = {
    # step: (who, from, to, reason required)
    Step.SUBMIT: (Role.COMMUNE, SignoffState.OPEN, SignoffState.SUBMITTED, False),
    Step.APPROVE: (Role.PROVINCE, SignoffState.SUBMITTED, SignoffState.APPROVED, False),
    Step.RETURN: (Role.PROVINCE, SignoffState.SUBMITTED, SignoffState.OPEN, True),
    Step.REOPEN: (Role.PROVINCE, SignoffState.APPROVED, SignoffState.OPEN, True),
}

_STEP_VI = {
    Step.SUBMIT: "gửi số liệu",
    Step.APPROVE: "phê duyệt",
    Step.RETURN: "trả lại",
    Step.REOPEN: "mở lại",
}
_STATE_VI = {
    SignoffState.OPEN: "đang mở",
    SignoffState.SUBMITTED: "đã gửi",
    SignoffState.APPROVED: "đã phê duyệt",
}
_ROLE_VI = {Role.COMMUNE: "cấp xã", Role.PROVINCE: "cấp tỉnh"}


@dataclass(frozen=True, slots=True)
class Signoff:
    """Where a commune's figures for a round stand."""

    review_year: int
    standard_id: str
    commune_code: str
    state: SignoffState = SignoffState.OPEN
    approved_version: int = 0
    """Number of the last approved version (0: never approved)."""
    submitted_hash: str | None = None
    submitted_by: str | None = None
    submitted_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class StepRecord:
    """One step, as the audit trail keeps it."""

    step: Step
    from_state: SignoffState
    to_state: SignoffState
    actor: Actor
    at: datetime
    reason: str | None
    content_hash: str | None
    version: int


def take_step(
    current: Signoff,
    step: Step,
    actor: Actor,
    *,
    now: datetime,
    content_hash: str | None = None,
    reason: str | None = None,
) -> tuple[Signoff, StepRecord]:
    """The sign-off after ``step`` by ``actor`` and the record of it.

    403 if the actor's level may not take the step, 409 if the state does not allow it,
    422 if a reason is required and missing or a submission has no content."""
    who, source, target, needs_reason = _RULES[step]
    if actor.role is not who:
        raise DomainError(
            "actor",
            f"Chỉ {_ROLE_VI[who]} được {_STEP_VI[step]}.",
            f"Only the {who.value} level may {step.value}.",
            ErrorKind.FORBIDDEN,
            code="signoff_forbidden",
        )
    if current.state is not source:
        raise DomainError(
            "state",
            f"Không thể {_STEP_VI[step]}: số liệu {_STATE_VI[current.state]}.",
            f"Cannot {step.value}: the figures are {current.state.value}.",
            ErrorKind.CONFLICT,
            code="signoff_state",
        )
    text = (reason or "").strip()
    if needs_reason and not text:
        raise DomainError(
            "reason",
            f"Cần nêu lý do để {_STEP_VI[step]}.",
            f"A reason is required to {step.value}.",
            ErrorKind.INVALID,
            code="reason_required",
        )
    if step is Step.SUBMIT and not content_hash:
        raise DomainError(
            "content_hash",
            "Không có số liệu để gửi.",
            "There are no figures to submit.",
            ErrorKind.INVALID,
            code="nothing_to_submit",
        )
    if step is Step.SUBMIT:
        after = replace(
            current,
            state=target,
            submitted_hash=content_hash,
            submitted_by=actor.user_id,
            submitted_at=now,
        )
    elif step is Step.APPROVE:
        after = replace(current, state=target, approved_version=current.approved_version + 1)
    else:
        after = replace(current, state=target)
    record = StepRecord(
        step=step,
        from_state=source,
        to_state=target,
        actor=actor,
        at=now,
        reason=text or None,
        content_hash=content_hash if step is Step.SUBMIT else current.submitted_hash,
        version=after.approved_version,
    )
    return after, record


def canonical_content(rows: Iterable[tuple[str, str, str, int, int]]) -> str:
    """Figures given as (measure, village, category, households, persons) rows, as sorted
    compact JSON: what is stored when figures are submitted."""
    return json.dumps(sorted(rows), separators=(",", ":"), ensure_ascii=False)


def content_hash(rows: Iterable[tuple[str, str, str, int, int]]) -> str:
    """SHA-256 of :func:`canonical_content`, so equal figures always hash alike."""
    return hashlib.sha256(canonical_content(rows).encode("utf-8")).hexdigest()
