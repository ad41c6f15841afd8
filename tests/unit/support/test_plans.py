"""Plans as pure rules: execution arithmetic, the room left for a disbursement, the life cycle
of a needs registration and whether an escape commitment was kept."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.support.domain.areas import AreaMap, Commune
from services.support.domain.plans import (
    advance,
    changes,
    check_components,
    check_room,
    escape_outcome,
    execution,
    totals,
)
from shared.contracts.plans import NeedStatus, PlanLevel, PlanSource
from shared.errors import DomainError
from shared.plan_execution import component_of, households_reached, pct

C, L = PlanSource.CENTRAL, PlanSource.LOCAL


@pytest.mark.parametrize(
    ("components", "code", "expected"),
    [
        (["NTP2021.P3"], "NTP2021.P3.1", "NTP2021.P3"),
        (["NTP2021.P3", "NTP2021.P3.1"], "NTP2021.P3.1", "NTP2021.P3.1"),
        (["NTP2021.P3", "NTP2021.P3.1"], "NTP2021.P3.2", "NTP2021.P3"),
        (["NTP2021.P3"], "NTP2021.P31", None),  # a prefix of the text is not a parent
        (["NTP2021.P4.1"], "NTP2021.P4", None),
    ],
)
def test_support_counts_toward_the_most_specific_component_covering_it(
    components: list[str], code: str, expected: str | None
) -> None:
    assert component_of(components, code) == expected


def test_execution_sums_sub_programmes_under_their_component_and_shows_unplanned_spending() -> None:
    allocated = {("NTP2021.P3", C): 100, ("NTP2021.P3", L): 40, ("NTP2021.P4.1", C): 50}
    actual = {
        ("NTP2021.P3.1", C): (70, 60),
        ("NTP2021.P3.2", C): (30, 30),
        ("NTP2021.P5", C): (20, 20),  # no plan line covers housing
    }
    lines = {(ln.component, ln.source): ln for ln in execution(allocated, actual)}
    p3 = lines[("NTP2021.P3", C)]
    assert (p3.allocated_vnd, p3.committed_vnd, p3.disbursed_vnd, p3.remaining_vnd) == (
        100,
        100,
        90,
        10,
    )
    assert p3.disbursed_pct == Decimal("90.0")
    assert not p3.above_plan
    assert lines[("NTP2021.P3", L)].disbursed_vnd == 0
    assert lines[("NTP2021.P3", L)].disbursed_pct == Decimal("0.0")
    housing = lines[("NTP2021.P5", C)]
    assert (housing.allocated_vnd, housing.disbursed_vnd, housing.above_plan) == (0, 20, True)
    assert housing.disbursed_pct is None
    t = totals(lines.values())
    assert (t.allocated_vnd, t.committed_vnd, t.disbursed_vnd) == (190, 120, 110)
    assert not t.above_plan


def test_the_year_ends_above_plan_only_when_more_was_disbursed_than_allocated() -> None:
    over = execution({("P", C): 100}, {("P", C): (120, 101)})
    assert totals(over).above_plan
    exact = execution({("P", C): 100}, {("P", C): (100, 100)})
    assert not totals(exact).above_plan
    assert not totals(execution({}, {})).above_plan


@pytest.mark.parametrize(
    ("done", "planned", "expected"),
    [(1, 3, Decimal("33.3")), (2, 3, Decimal("66.7")), (5, 0, None), (0, 10, Decimal("0.0"))],
)
def test_percentages_round_half_up_to_one_decimal(
    done: int, planned: int, expected: Decimal | None
) -> None:
    assert pct(done, planned) == expected


def test_a_disbursement_within_the_room_left_passes_and_one_above_needs_an_override() -> None:
    assert check_room("KH", "P", C, 100, 60, 40, override_reason=None, may_override=False) is False
    with pytest.raises(DomainError) as e:
        check_room("KH", "P", C, 100, 60, 41, override_reason=None, may_override=False)
    (problem,) = e.value.problems
    assert problem.code == "above_plan"
    assert problem.field == "amount_vnd"
    assert "40" in problem.message_vi
    assert "40" in problem.message_en
    with pytest.raises(DomainError):  # a reason without the right
        check_room("KH", "P", C, 100, 60, 41, override_reason="lũ", may_override=False)
    with pytest.raises(DomainError):  # the right without a reason
        check_room("KH", "P", C, 100, 60, 41, override_reason=None, may_override=True)
    assert check_room("KH", "P", C, 100, 60, 41, override_reason="lũ", may_override=True)


def test_nothing_spent_passes_when_the_allocation_is_already_overspent() -> None:
    # a card the state pays nothing for, under a line an override already took past its plan
    assert check_room("KH", "P", C, 100, 130, 0, override_reason=None, may_override=False) is False
    with pytest.raises(DomainError):
        check_room("KH", "P", C, 100, 130, 1, override_reason=None, may_override=False)


def test_a_revision_shows_the_lines_it_added_removed_and_resized() -> None:
    before = {("P3", C): 100, ("P4", C): 50, ("P5", L): 10}
    after = {("P3", C): 120, ("P5", L): 10, ("P6", L): 0}
    assert [(c.component, c.source, c.before_vnd, c.after_vnd) for c in changes(before, after)] == [
        ("P3", C, 100, 120),
        ("P4", C, 50, 0),
        ("P6", L, 0, 0),
    ]
    assert changes(before, dict(before)) == []


def test_unknown_components_are_named() -> None:
    with pytest.raises(DomainError) as e:
        check_components(["A", "B", "C"], ["A"], "allocations")
    assert "B, C" in e.value.problems[0].message_en


@pytest.mark.parametrize(
    ("current", "to", "extra"),
    [
        (NeedStatus.REGISTERED, NeedStatus.APPROVED, {}),
        (NeedStatus.REGISTERED, NeedStatus.DECLINED, {"reason": "không đủ điều kiện"}),
        (NeedStatus.APPROVED, NeedStatus.SERVED, {"record_id": "R-1"}),
        (NeedStatus.APPROVED, NeedStatus.DECLINED, {"reason": "hết vốn"}),
    ],
)
def test_a_registration_moves_forward(
    current: NeedStatus, to: NeedStatus, extra: dict[str, str]
) -> None:
    kwargs = {"reason": None, "record_id": None, **extra}
    assert advance("N", current, to, **kwargs) is to  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("current", "to"),
    [
        (NeedStatus.REGISTERED, NeedStatus.SERVED),  # not approved yet
        (NeedStatus.SERVED, NeedStatus.DECLINED),
        (NeedStatus.DECLINED, NeedStatus.APPROVED),
        (NeedStatus.SERVED, NeedStatus.APPROVED),
    ],
)
def test_a_registration_never_moves_back_or_skips_approval(
    current: NeedStatus, to: NeedStatus
) -> None:
    with pytest.raises(DomainError) as e:
        advance("N", current, to, reason="r", record_id="R")
    assert e.value.problems[0].code == "need_transition"


def test_declining_needs_a_reason_and_serving_a_record() -> None:
    with pytest.raises(DomainError) as e:
        advance("N", NeedStatus.REGISTERED, NeedStatus.DECLINED, reason=None, record_id=None)
    assert e.value.problems[0].field == "reason"
    with pytest.raises(DomainError) as e:
        advance("N", NeedStatus.APPROVED, NeedStatus.SERVED, reason=None, record_id=None)
    assert e.value.problems[0].field == "record_id"


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], "pending"),
        ([(2023, "poor")], "pending"),
        ([(2023, "poor"), (2024, "near_poor")], "met"),
        ([(2023, "poor"), (2024, "poor")], "not_met"),
        ([(2023, "poor"), (2025, "not_poor")], "late"),
        ([(2023, "poor"), (2025, "poor")], "not_met"),
        ([(2023, "not_poor")], "met"),
    ],
)
def test_whether_a_household_kept_its_commitment_for_2024_is_read_from_the_reviews(
    statuses: list[tuple[int, str]], expected: str
) -> None:
    assert escape_outcome(2024, statuses) == expected


def test_a_former_district_covers_its_communes_and_an_unknown_area_is_a_404() -> None:
    areas = AreaMap(
        {
            "1": Commune("1", "A", "15", "138"),
            "2": Commune("2", "B", "15", "138"),
            "3": Commune("3", "C", "15", "140"),
        }
    )
    assert areas.communes_of(PlanLevel.FORMER_DISTRICT, "138") == ("1", "2")
    assert areas.communes_of(PlanLevel.PROVINCE, "15") == ("1", "2", "3")
    assert areas.parents("3") == [
        (PlanLevel.COMMUNE, "3"),
        (PlanLevel.FORMER_DISTRICT, "140"),
        (PlanLevel.PROVINCE, "15"),
    ]
    with pytest.raises(DomainError) as e:
        areas.communes_of(PlanLevel.COMMUNE, "9")
    assert e.value.kind.value == "not_found"
    assert e.value.problems[0].code == "unknown_area"


P31, P32, P4 = "NTP2021.P3.1", "NTP2021.P3.2", "NTP2021.P4.1"


@pytest.mark.parametrize(
    ("case", "component", "kind", "reach", "repeats", "expected"),
    [
        ("one row per household", "NTP2021.P3", "production", {(P31, "production"): 3}, [], 3),
        (
            "a household under two sub-programmes counts once",
            "NTP2021.P3",
            "production",
            {(P31, "production"): 2, (P32, "production"): 1},
            [("H1", P31, "production"), ("H1", P32, "production")],
            2,
        ),
        (
            "under the sub-programme's own target it counts there",
            P31,
            "production",
            {(P31, "production"): 2, (P32, "production"): 1},
            [("H1", P31, "production"), ("H1", P32, "production")],
            2,
        ),
        (
            "two kinds count once for a target of any kind",
            "NTP2021.P3",
            None,
            {(P31, "production"): 2, (P31, "cash"): 1},
            [("H1", P31, "production"), ("H1", P31, "cash")],
            2,
        ),
        (
            "and once for each kind's own target",
            "NTP2021.P3",
            "cash",
            {(P31, "production"): 2, (P31, "cash"): 1},
            [("H1", P31, "production"), ("H1", P31, "cash")],
            1,
        ),
        (
            "a household that moved between two communes of the area counts once",
            P31,
            "production",
            {(P31, "production"): 4},
            [("H1", P31, "production"), ("H1", P31, "production")],
            3,
        ),
        (
            "support outside the component does not count",
            "NTP2021.P3",
            None,
            {(P31, "production"): 1, (P4, "training"): 5},
            [("H1", P31, "production"), ("H1", P4, "training")],
            1,
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and " " in v else "",
)
def test_household_targets_count_distinct_households(
    case: str,
    component: str,
    kind: str | None,
    reach: dict[tuple[str, str], int],
    repeats: list[tuple[str, str, str]],
    expected: int,
) -> None:
    assert households_reached(component, kind, reach, repeats) == expected, case
