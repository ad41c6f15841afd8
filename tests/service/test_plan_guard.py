"""Every kind of support that spends money is refused above what is left of a plan's
allocation (422, Vietnamese and English), unless an officer allowed to override gives a reason,
which is audited: cash and in-kind records, loans, revolving livestock, housing, insurance cards
and training courses all pass through the same check, and so do the costs of officials'
trainings and communication events and the budgets projects commit. Driven through support's
use cases on a real database."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from services.support.adapters.areas_file import load_areas
from services.support.adapters.tables import records as ledger_table
from services.support.usecases import (
    capacity,
    credit,
    housing,
    insurance,
    plans,
    projects,
    records,
    revolving,
)
from services.support.usecases import training as courses
from shared.contracts.plans import PlanLevel, PlanSource
from shared.errors import DomainError, ErrorKind
from tests.support_ledger import Ledger

NOW = datetime(2024, 12, 28, 3, 0, tzinfo=UTC)
COMMUNE = "04681"
REASON = "UBND xã đồng ý vượt kế hoạch"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def ledger(database_url: str) -> Iterator[Ledger]:
    led = Ledger(database_url, now=NOW)
    yield led
    led.close()


@dataclass(frozen=True)
class Kind:
    """One kind of support: the plan line it counts against and how an officer records it
    (``rid``: the request's id; ``hh``: the household; ``extra``: the override fields)."""

    name: str
    component: str
    source: PlanSource
    amount_vnd: int
    record: Callable[[Ledger, str, str, dict[str, Any]], Any]


def _support(led: Ledger, rid: str, hh: str, extra: dict[str, Any]) -> Any:
    return led.do(
        records.record_support,
        records.SupportRequest(
            disbursement_id=rid,
            household_code=hh,
            kind="production",
            programme_code="NTP2021.P3.1",
            funding_source="central_budget",
            amount_vnd=18_000_000,
            item="giống ngô",
            disbursed_on=date(2024, 6, 1),
            override_reason=extra.get("override_reason"),
        ),
        may_override=extra.get("may_override", False),
    )


def _loan(led: Ledger, rid: str, hh: str, extra: dict[str, Any]) -> Any:
    return led.do(
        credit.disburse_loan,
        credit.LoanRequest(
            loan_id=rid,
            household_code=hh,
            programme_code="VBSP.POOR",
            principal_vnd=50_000_000,
            term_months=60,
            every_months=12,
            disbursed_on=date(2024, 5, 10),
            override_reason=extra.get("override_reason"),
        ),
        may_override=extra.get("may_override", False),
    )


def _livestock(led: Ledger, rid: str, hh: str, extra: dict[str, Any]) -> Any:
    model = f"BO-{rid}"
    led.do(
        revolving.create_revolving_model,
        revolving.ModelRequest(
            model_code=model,
            name="Ngân hàng bò",
            programme_code="NTP2021.P3.1",
            commune_code=COMMUNE,
            asset="livestock",
            species="bo",
            capital_vnd=40_000_000,
            started_on=date(2024, 3, 1),
        ),
    )
    return led.do(
        revolving.give_revolving,
        revolving.GiveRequest(
            record_id=rid,
            household_code=hh,
            model_code=model,
            given_on=date(2024, 3, 15),
            quantity=1,
            amount_vnd=18_000_000,
            funding_source="central_budget",
            item="bò cái sinh sản",
            unit="con",
            override_reason=extra.get("override_reason"),
        ),
        may_override=extra.get("may_override", False),
    )


def _housing(led: Ledger, rid: str, hh: str, extra: dict[str, Any]) -> Any:
    return led.do(
        housing.start_housing,
        housing.HousingRequest(
            case_id=rid,
            household_code=hh,
            programme_code="VFF.FUND",
            kind="build",
            started_on=date(2024, 6, 1),
            fund_for_the_poor_vnd=40_000_000,
            household_vnd=20_000_000,
            override_reason=extra.get("override_reason"),
        ),
        may_override=extra.get("may_override", False),
    )


def _card(led: Ledger, rid: str, hh: str, extra: dict[str, Any]) -> Any:
    return led.do(
        insurance.issue_card,
        insurance.CardRequest(
            card_id=rid,
            household_code=hh,
            member_no=1,
            valid_from=date(2024, 1, 1),
            valid_to=date(2024, 12, 31),
            premium_vnd=1_010_880,
            override_reason=extra.get("override_reason"),
        ),
        may_override=extra.get("may_override", False),
    )


def _course(led: Ledger, rid: str, hh: str, extra: dict[str, Any]) -> Any:
    return led.do(
        courses.enrol_training,
        courses.EnrolmentRequest(
            enrolment_id=rid,
            household_code=hh,
            member_no=1,
            programme_code="VT46",
            course="Kỹ thuật chăn nuôi",
            provider="TT GDNN",
            starts_on=date(2024, 3, 1),
            fee_support_vnd=3_000_000,
            override_reason=extra.get("override_reason"),
        ),
        may_override=extra.get("may_override", False),
    )


KINDS = [
    Kind("cash or in kind", "NTP2021.P3.1", PlanSource.CENTRAL, 18_000_000, _support),
    Kind("policy loan", "VBSP.POOR", PlanSource.CREDIT, 50_000_000, _loan),
    Kind("revolving livestock", "NTP2021.P3.1", PlanSource.CENTRAL, 18_000_000, _livestock),
    Kind("housing", "VFF.FUND", PlanSource.SOCIAL_MOBILISATION, 40_000_000, _housing),
    Kind("insurance card", "HI.STATE", PlanSource.CENTRAL, 1_010_880, _card),
    Kind("training course", "VT46", PlanSource.CENTRAL, 3_000_000, _course),
]


def _plan(led: Ledger, kind: Kind, allocated: int) -> None:
    led.do(
        plans.adopt_plan,
        load_areas(),
        plans.PlanRequest(
            plan_id="KH-XA-2024",
            level=PlanLevel.COMMUNE,
            area_code=COMMUNE,
            year=2024,
            adopted_on=date(2024, 1, 20),
            allocations=[
                plans.AllocationIn(
                    component=kind.component, source=kind.source, amount_vnd=allocated
                )
            ],
        ),
    )


def _households(led: Ledger, n: int) -> list[str]:
    return [
        led.household(f"HH-{i}", on=date(2023, 12, 10), commune=COMMUNE, village=f"{COMMUNE}-01")
        for i in range(1, n + 1)
    ]


def _ledger_ids(led: Ledger) -> list[str]:
    with led.engine.connect() as conn:
        q = sa.select(ledger_table.c.record_id).order_by(ledger_table.c.record_id)
        return [r for (r,) in conn.execute(q)]


def _overrides(led: Ledger) -> list[tuple[str, str, str]]:
    return [
        (e.payload.target_id, str(e.payload.after["record_id"]), str(e.payload.after["plans"]))
        for e in led.events()
        if getattr(e.payload, "action", "") == "plan.exceeded_by_override"
    ]


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_support_above_the_remaining_allocation_is_refused_when_not_overridden(
    ledger: Ledger, kind: Kind
) -> None:
    _plan(ledger, kind, kind.amount_vnd - 1)
    (hh,) = _households(ledger, 1)
    with pytest.raises(DomainError) as refused:
        kind.record(ledger, "R-1", hh, {})
    problem = refused.value.problems[0]
    assert (refused.value.kind, problem.code) == (ErrorKind.INVALID, "above_plan")
    assert "KH-XA-2024" in problem.message_vi
    assert "Above plan KH-XA-2024" in problem.message_en
    assert _ledger_ids(ledger) == []  # nothing of the request was written
    # an officer without the right to override is refused even with a reason
    with pytest.raises(DomainError):
        kind.record(ledger, "R-1", hh, {"override_reason": REASON})


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_support_above_the_remaining_allocation_is_audited_when_overridden_with_a_reason(
    ledger: Ledger, kind: Kind
) -> None:
    _plan(ledger, kind, kind.amount_vnd - 1)
    (hh,) = _households(ledger, 1)
    kind.record(ledger, "R-1", hh, {"override_reason": REASON, "may_override": True})
    assert _ledger_ids(ledger)  # written
    assert {(target, plan) for target, _rid, plan in _overrides(ledger)} == {(hh, "KH-XA-2024")}


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_support_within_the_allocation_is_recorded_and_then_counts_as_used(
    ledger: Ledger, kind: Kind
) -> None:
    _plan(ledger, kind, kind.amount_vnd + kind.amount_vnd // 2)
    first, second = _households(ledger, 2)
    kind.record(ledger, "R-1", first, {})
    assert _overrides(ledger) == []
    with pytest.raises(DomainError) as refused:  # half an amount left
        kind.record(ledger, "R-2", second, {})
    assert refused.value.problems[0].code == "above_plan"


def test_every_write_to_the_ledger_goes_through_the_plan_check() -> None:
    """Only the ledger entry module adds rows to the ledger; a new kind of support that wrote
    them itself would escape the plans."""
    offenders = []
    for path in sorted((ROOT / "services" / "support").rglob("*.py")):
        if path.name == "ledger.py" and path.parent.name == "usecases":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "add"
                and isinstance(node.func.value, ast.Attribute)
                and node.func.value.attr == "ledger"
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def _activity(led: Ledger, activity_id: str, level: PlanLevel, area: str, **extra: Any) -> Any:
    may_override = extra.pop("may_override", False)
    return led.do(
        capacity.record_capacity,
        load_areas(),
        capacity.CapacityRequest(
            activity_id=activity_id,
            kind="official_training",
            level=level,
            area_code=area,
            component="NTP2021.P7.1",
            body="village_development_board",
            topic="Lập kế hoạch thôn",
            held_on=date(2024, 3, 5),
            attendees=30,
            cost_vnd=5_000_000,
            **extra,
        ),
        may_override=may_override,
    )


def test_an_activity_above_what_is_left_of_the_plans_containing_its_area_is_refused(
    ledger: Ledger,
) -> None:
    """A commune's training counts against the former district's plan too: the district's own
    training and the commune's leave 10 million against 8 allocated."""
    ledger.do(
        plans.adopt_plan,
        load_areas(),
        plans.PlanRequest(
            plan_id="KH-TY-2024",
            level=PlanLevel.FORMER_DISTRICT,
            area_code="138",
            year=2024,
            adopted_on=date(2024, 1, 10),
            allocations=[
                plans.AllocationIn(
                    component="NTP2021.P7.1", source=PlanSource.CENTRAL, amount_vnd=8_000_000
                )
            ],
        ),
    )
    _activity(ledger, "TH-1", PlanLevel.FORMER_DISTRICT, "138")
    with pytest.raises(DomainError) as refused:
        _activity(ledger, "TH-2", PlanLevel.COMMUNE, COMMUNE)
    assert refused.value.problems[0].code == "above_plan"
    assert "KH-TY-2024" in refused.value.problems[0].message_en
    _activity(
        ledger,
        "TH-2",
        PlanLevel.COMMUNE,
        COMMUNE,
        override_reason=REASON,
        may_override=True,
    )
    overrides = [
        (e.payload.target_kind, e.payload.target_id, e.payload.after["plans"])
        for e in ledger.events()
        if getattr(e.payload, "action", "") == "plan.exceeded_by_override"
    ]
    assert overrides == [("activity", "TH-2", "KH-TY-2024")]
    # an activity outside any plan's area or component is not refused
    _activity(ledger, "TH-3", PlanLevel.COMMUNE, "04570")


def _project(led: Ledger, project_id: str, members: list[str], **extra: Any) -> Any:
    may_override = extra.pop("may_override", False)
    return led.do(
        projects.record_project,
        projects.ProjectRequest(
            project_id=project_id,
            name="Trồng quế",
            component="NTP2021.P3.1",
            commune_code=COMMUNE,
            group_kind="cooperative",
            group_name="HTX quế",
            members=members,
            state_vnd=20_000_000,
            household_vnd=1_000_000,
            starts_on=date(2024, 2, 1),
            **extra,
        ),
        may_override=may_override,
    )


def test_a_project_budget_above_what_is_left_to_commit_is_refused_when_not_overridden(
    ledger: Ledger,
) -> None:
    _plan(ledger, KINDS[0], 30_000_000)  # NTP2021.P3.1, central budget
    households = _households(ledger, 2)
    _project(ledger, "DA-1", households)
    with pytest.raises(DomainError) as refused:  # 20 + 20 committed of 30
        _project(ledger, "DA-2", households)
    assert refused.value.problems[0].code == "above_plan"
    _project(ledger, "DA-2", households, override_reason=REASON, may_override=True)
    overrides = [
        (e.payload.target_kind, e.payload.target_id, e.payload.after["plans"])
        for e in ledger.events()
        if getattr(e.payload, "action", "") == "plan.exceeded_by_override"
    ]
    assert overrides == [("project", "DA-2", "KH-XA-2024")]
