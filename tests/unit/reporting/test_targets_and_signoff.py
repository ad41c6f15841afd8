"""Targets against the actual, and the sign-off state machine."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from services.reporting.domain.signoff import (
    Actor,
    Role,
    Signoff,
    SignoffState,
    Step,
    content_hash,
    take_step,
)
from services.reporting.domain.targets import Outcome, compare, target
from services.reporting.domain.values import Rate
from shared.errors import DomainError

TOLERANCE = Decimal("0.005")
NOW = datetime(2026, 12, 20, 9, 0, tzinfo=UTC)
COMMUNE = Actor("u-xa", Role.COMMUNE)
PROVINCE = Actor("u-tinh", Role.PROVINCE)


@pytest.mark.parametrize(
    ("start", "end", "planned", "outcome"),
    [
        (Rate(127, 2592), Rate(77, 2592), "1.93", Outcome.MET),  # 1.929 points
        (Rate(106, 2592), Rate(87, 2592), "0.73", Outcome.MET),  # 0.733 points
        (Rate(500, 10000), Rate(300, 10000), "1.50", Outcome.EXCEEDED),  # 2 points
        (Rate(500, 10000), Rate(450, 10000), "1.00", Outcome.MISSED),  # 0.5 points
        (Rate(500, 10000), Rate(400, 10000), "1.00", Outcome.MET),  # exactly
        (Rate(1000, 100000), Rate(896, 100000), "0.10", Outcome.MET),  # 0.104 points
        (Rate(1000, 100000), Rate(894, 100000), "0.10", Outcome.EXCEEDED),  # 0.106 points
        (Rate(0, 0), Rate(5, 100), "1.00", Outcome.NO_BASELINE),
        (None, Rate(5, 100), "1.00", Outcome.NO_BASELINE),
    ],
)
def test_outcome_is_met_within_half_a_hundredth_of_a_point_else_exceeded_or_missed(
    start: Rate | None, end: Rate, planned: str, outcome: Outcome
) -> None:
    t = target(2023, "04570", "poor_rate", planned)
    assert compare(t, start, end, TOLERANCE).outcome is outcome


def test_actual_reduction_is_exact_in_points_when_compared() -> None:
    t = target(2023, "04570", "poor_rate", "1.93")
    r = compare(t, Rate(127, 2592), Rate(77, 2592), TOLERANCE)
    assert r.actual_reduction == Fraction(5000, 2592)


@pytest.mark.parametrize(
    ("year", "measure", "planned", "fields"),
    [
        (1999, "poor_rate", "1", {"review_year"}),
        (2023, "poverty", "1", {"measure"}),
        (2023, "poor_rate", "1.234", {"planned_reduction"}),
        (2023, "poor_rate", "abc", {"planned_reduction"}),
        (2023, "poor_rate", "101", {"planned_reduction"}),
        (1999, "x", "nan", {"review_year", "measure", "planned_reduction"}),
    ],
)
def test_target_is_refused_with_every_field_named_when_invalid(
    year: int, measure: str, planned: str, fields: set[str]
) -> None:
    with pytest.raises(DomainError) as err:
        target(year, "04570", measure, planned)
    assert err.value.status == 422
    assert {p.field for p in err.value.problems} == fields
    assert all(p.message_vi and p.message_en for p in err.value.problems)


OPEN = Signoff(2026, "vn-2022-2025", "04570")


def _submitted() -> Signoff:
    return take_step(OPEN, Step.SUBMIT, COMMUNE, now=NOW, content_hash="h1")[0]


def test_commune_submits_and_province_approves_a_first_version() -> None:
    submitted, rec = take_step(OPEN, Step.SUBMIT, COMMUNE, now=NOW, content_hash="h1")
    assert (submitted.state, submitted.submitted_hash, submitted.submitted_by) == (
        SignoffState.SUBMITTED,
        "h1",
        "u-xa",
    )
    assert (rec.from_state, rec.to_state, rec.content_hash) == (
        SignoffState.OPEN,
        SignoffState.SUBMITTED,
        "h1",
    )
    approved, rec = take_step(submitted, Step.APPROVE, PROVINCE, now=NOW)
    assert (approved.state, approved.approved_version, rec.version) == (
        SignoffState.APPROVED,
        1,
        1,
    )
    reopened, rec = take_step(approved, Step.REOPEN, PROVINCE, now=NOW, reason="sai số liệu")
    assert (reopened.state, reopened.approved_version, rec.reason) == (
        SignoffState.OPEN,
        1,
        "sai số liệu",
    )
    again = take_step(reopened, Step.SUBMIT, COMMUNE, now=NOW, content_hash="h2")[0]
    assert take_step(again, Step.APPROVE, PROVINCE, now=NOW)[0].approved_version == 2


@pytest.mark.parametrize(
    ("state", "step", "actor", "reason", "status"),
    [
        ("open", Step.SUBMIT, PROVINCE, None, 403),
        ("open", Step.APPROVE, PROVINCE, None, 409),
        ("submitted", Step.APPROVE, COMMUNE, None, 403),
        ("submitted", Step.SUBMIT, COMMUNE, None, 409),
        ("submitted", Step.RETURN, PROVINCE, "  ", 422),
        ("approved", Step.REOPEN, PROVINCE, None, 422),
        ("approved", Step.REOPEN, COMMUNE, "x", 403),
        ("approved", Step.APPROVE, PROVINCE, None, 409),
        ("approved", Step.SUBMIT, COMMUNE, None, 409),
    ],
)
def test_a_step_is_refused_when_the_role_state_or_reason_does_not_allow_it(
    state: str, step: Step, actor: Actor, reason: str | None, status: int
) -> None:
    current = {
        "open": OPEN,
        "submitted": _submitted(),
        "approved": take_step(_submitted(), Step.APPROVE, PROVINCE, now=NOW)[0],
    }[state]
    with pytest.raises(DomainError) as err:
        take_step(current, step, actor, now=NOW, content_hash="h", reason=reason)
    assert err.value.status == status
    assert err.value.message_vi
    assert err.value.message_en


def test_nothing_can_be_submitted_when_the_commune_has_no_figures() -> None:
    with pytest.raises(DomainError) as err:
        take_step(OPEN, Step.SUBMIT, COMMUNE, now=NOW, content_hash=None)
    assert err.value.status == 422


def test_content_hash_is_the_same_whatever_the_order_of_the_figures() -> None:
    rows = [("status", "v1", "poor", 3, 9), ("status", "v2", "poor", 1, 4)]
    assert content_hash(rows) == content_hash(list(reversed(rows)))
    assert content_hash(rows) != content_hash([("status", "v1", "poor", 3, 8), rows[1]])
