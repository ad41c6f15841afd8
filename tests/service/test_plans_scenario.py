"""Trấn Yên, 2024 (source interview): the district issues its yearly plan for each component of
the national target programme with a responsible department, each commune its own; a pilot
village meeting registers needs; communes disburse; the programme boards (Ban Chỉ đạo) and village
development boards are trained; obstacles go up for a decision; and at year-end the district
is "above the plan target". Driven through support's use cases on a real database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from services.reporting.adapters.areas_file import load_area_file
from services.reporting.adapters.repository import ReportingUnitOfWork
from services.reporting.app import MIGRATIONS as REPORTING_MIGRATIONS
from services.reporting.plans import PlanEvent, apply_plan_events, plan_table
from services.reporting.service import apply_area_registry, apply_support
from services.support.adapters.areas_file import load_areas
from services.support.domain.areas import AreaMap
from services.support.usecases import capacity, commitments, needs, plans, projects, records
from shared.access.model import Actor
from shared.contracts import plans as contract
from shared.contracts.codes import SupportKind
from shared.contracts.plans import NeedStatus, PlanLevel, PlanSource, TargetKind
from shared.contracts.support import SupportDisbursed
from shared.contracts.training import TrainingCompleted
from shared.db import create_db_engine
from shared.errors import DomainError
from shared.migrations import upgrade
from tests.support_ledger import Ledger

NOW = datetime(2024, 12, 28, 3, 0, tzinfo=UTC)
DISTRICT = "138"
COMMUNE = "04681"  # xã Trấn Yên (former district of Trấn Yên)
OTHER = "04705"  # Hưng Khánh
P31, P71 = "NTP2021.P3.1", "NTP2021.P7.1"
COW = 18_000_000
CHAIR = Actor("u-chair", "chu-tich-xa", "commune_officer")


@pytest.fixture
def ledger(database_url: str) -> Iterator[Ledger]:
    led = Ledger(database_url, now=NOW)
    yield led
    led.close()


@pytest.fixture(scope="module")
def areas() -> AreaMap:
    return load_areas()


def reported(ledger: Ledger, tmp_path: Path) -> ReportingUnitOfWork:
    """Reporting fed with every event support staged (its own database, the sample area
    registry), as its consumers would apply them."""
    engine = create_db_engine(f"sqlite:///{tmp_path / 'reporting.db'}")
    upgrade(engine, REPORTING_MIGRATIONS)
    apply_area_registry(ReportingUnitOfWork(engine), load_area_file())
    events = ledger.events()
    apply_support(
        ReportingUnitOfWork(engine), [e for e in events if isinstance(e, SupportDisbursed)], NOW
    )
    kinds = (
        contract.PlanAdopted,
        contract.PlanRevised,
        contract.ProjectRecorded,
        contract.CapacityRecorded,
        TrainingCompleted,
    )
    plan_events: list[PlanEvent] = [e for e in events if isinstance(e, kinds)]
    apply_plan_events(ReportingUnitOfWork(engine), plan_events, NOW)
    return ReportingUnitOfWork(engine)


def same_table(support_table: Any, reporting_table: Any) -> None:
    """Reporting's plan-vs-actual shows what support's does, row by row."""

    def theirs(a: Any) -> tuple[Any, ...]:
        return (
            a.level.value,
            a.area_code,
            a.plan_id,
            (a.allocated_vnd, a.committed_vnd, a.disbursed_vnd, a.above_plan),
            [
                (m.component, m.source, m.allocated_vnd, m.committed_vnd, m.disbursed_vnd)
                for m in a.money
            ],
            [
                (t.component, t.kind, t.support_kind, t.planned, t.actual, t.above_plan)
                for t in a.targets
            ],
        )

    def ours(r: Any) -> tuple[Any, ...]:
        return (
            r.area.level.value,
            r.area.code,
            r.plan_id,
            (r.allocated_vnd, r.committed_vnd, r.disbursed_vnd, r.above_plan),
            [
                (m.component, m.source, m.allocated_vnd, m.committed_vnd, m.disbursed_vnd)
                for m in r.money
            ],
            [
                (t.component, t.kind, t.support_kind, t.planned, t.actual, t.above_plan)
                for t in r.targets
            ],
        )

    assert sorted(ours(r) for r in reporting_table.rows) == sorted(
        theirs(a) for a in support_table.areas
    )


def district_plan() -> plans.PlanRequest:
    return plans.PlanRequest(
        plan_id="KH-TY-2024",
        level=PlanLevel.FORMER_DISTRICT,
        area_code=DISTRICT,
        year=2024,
        department="phong-ldtbxh",
        adopted_on=date(2024, 1, 10),
        allocations=[
            plans.AllocationIn(component=P31, source=PlanSource.CENTRAL, amount_vnd=300_000_000),
            plans.AllocationIn(component=P31, source=PlanSource.LOCAL, amount_vnd=60_000_000),
            plans.AllocationIn(component=P71, source=PlanSource.CENTRAL, amount_vnd=20_000_000),
        ],
        targets=[
            plans.TargetIn(
                component=P31, kind=TargetKind.HOUSEHOLDS, support_kind="production", quantity=8
            ),
            plans.TargetIn(component=P71, kind=TargetKind.OFFICIALS_TRAINED, quantity=60),
        ],
    )


def commune_plan(amount: int = 100_000_000) -> plans.PlanRequest:
    return plans.PlanRequest(
        plan_id="KH-XTY-2024",
        level=PlanLevel.COMMUNE,
        area_code=COMMUNE,
        year=2024,
        adopted_on=date(2024, 1, 20),
        allocations=[
            plans.AllocationIn(component=P31, source=PlanSource.CENTRAL, amount_vnd=amount)
        ],
        targets=[
            plans.TargetIn(
                component=P31, kind=TargetKind.HOUSEHOLDS, support_kind="production", quantity=5
            )
        ],
    )


def cow(rid: str, household: str, **extra: Any) -> records.SupportRequest:
    return records.SupportRequest(
        disbursement_id=rid,
        household_code=household,
        kind="production",
        programme_code=P31,
        funding_source="central_budget",
        amount_vnd=COW,
        item="bò cái sinh sản",
        disbursed_on=date(2024, 6, 1),
        **extra,
    )


def households(ledger: Ledger, commune: str, n: int) -> list[str]:
    return [
        ledger.household(
            f"{commune}-H{i}", on=date(2023, 12, 10), commune=commune, village=f"{commune}-01"
        )
        for i in range(1, n + 1)
    ]


def test_a_district_plan_rolls_up_its_communes_and_ends_the_year_above_target(
    ledger: Ledger, areas: AreaMap, tmp_path: Path
) -> None:
    ledger.do(plans.adopt_plan, areas, district_plan())
    ledger.do(plans.adopt_plan, areas, commune_plan())
    here = households(ledger, COMMUNE, 6)
    there = households(ledger, OTHER, 4)
    for i, hh in enumerate(here[:5] + there):
        ledger.do(records.record_support, cow(f"R-{i}", hh))

    # the commune's sixth cow is above what is left of its plan (10 m of 100 m) …
    with pytest.raises(DomainError) as refused:
        ledger.do(records.record_support, cow("R-SIXTH", here[5]))
    assert refused.value.problems[0].code == "above_plan"
    assert "KH-XTY-2024" in refused.value.problems[0].message_vi
    # … unless an officer allowed to override gives a reason, which is audited
    ledger.do(
        records.record_support,
        cow("R-SIXTH", here[5], override_reason="Hộ bị lũ cuốn mất bò, UBND xã đồng ý"),
        may_override=True,
    )
    audited = [
        e.payload
        for e in ledger.events()
        if getattr(e.payload, "action", "") == "plan.exceeded_by_override"
    ]
    assert [(a.target_id, a.after["plans"]) for a in audited] == [(here[5], "KH-XTY-2024")]

    # officials trained: the district's programme board, the commune's village board
    for activity, level, area, body, people in (
        ("TH-1", PlanLevel.FORMER_DISTRICT, DISTRICT, "programme_board", 45),
        ("TH-2", PlanLevel.COMMUNE, COMMUNE, "village_development_board", 20),
    ):
        ledger.do(
            capacity.record_capacity,
            areas,
            capacity.CapacityRequest(
                activity_id=activity,
                kind="official_training",
                level=level,
                area_code=area,
                component=P71,
                body=body,
                topic="Rà soát hộ nghèo, lập kế hoạch",
                held_on=date(2024, 3, 5),
                attendees=people,
                cost_vnd=5_000_000,
            ),
        )

    held = capacity.list_capacity(ledger.uow(), None, None, 2024)
    assert [(a.activity_id, a.attendees) for a in held] == [("TH-1", 45), ("TH-2", 20)]
    assert capacity.list_capacity(ledger.uow(), PlanLevel.COMMUNE, COMMUNE, 2025) == []

    table = plans.plan_vs_actual(ledger.uow(), areas, PlanLevel.FORMER_DISTRICT, DISTRICT, 2024)
    district, *communes = table.areas
    assert (district.level, district.plan_id) == (PlanLevel.FORMER_DISTRICT, "KH-TY-2024")
    assert [c.area_code for c in communes] == sorted(
        areas.communes_of(PlanLevel.FORMER_DISTRICT, DISTRICT)
    )
    line = {(m.component, m.source): m for m in district.money}
    p31 = line[(P31, PlanSource.CENTRAL)]
    assert (p31.allocated_vnd, p31.disbursed_vnd) == (300_000_000, 10 * COW)
    assert p31.remaining_vnd == 300_000_000 - 10 * COW
    assert str(p31.disbursed_pct) == "60.0"
    assert line[(P71, PlanSource.CENTRAL)].disbursed_vnd == 10_000_000
    assert line[(P31, PlanSource.LOCAL)].disbursed_vnd == 0
    targets = {(t.component, t.kind): t for t in district.targets}
    households_done = targets[(P31, TargetKind.HOUSEHOLDS)]
    assert (households_done.planned, households_done.actual) == (8, 10)
    assert households_done.above_plan  # "vượt kế hoạch"
    officials = targets[(P71, TargetKind.OFFICIALS_TRAINED)]
    assert (officials.planned, officials.actual, officials.above_plan) == (60, 65, True)

    mine = next(c for c in communes if c.area_code == COMMUNE)
    assert mine.plan_id == "KH-XTY-2024"
    cows = next(m for m in mine.money if m.component == P31)
    assert (cows.allocated_vnd, cows.disbursed_vnd, cows.above_plan) == (100_000_000, 6 * COW, True)
    board = next(m for m in mine.money if m.component == P71)  # spent outside its own plan
    assert (board.allocated_vnd, board.disbursed_vnd) == (0, 5_000_000)
    assert (mine.allocated_vnd, mine.disbursed_vnd) == (100_000_000, 6 * COW + 5_000_000)
    assert mine.above_plan
    other = next(c for c in communes if c.area_code == OTHER)
    assert other.plan_id is None
    assert other.disbursed_vnd == 4 * COW
    assert not other.above_plan

    # reporting, fed from support's streams, publishes the same table with the areas' names
    published = plan_table(reported(ledger, tmp_path), year=2024, area=DISTRICT)
    same_table(table, published)
    head = published.rows[0]
    assert (head.area.name_vi, head.plan_id, head.above_plan) == (
        "Huyện Trấn Yên",
        "KH-TY-2024",
        False,
    )
    assert {(t.kind, t.above_plan) for t in head.targets} == {
        (TargetKind.HOUSEHOLDS, True),
        (TargetKind.OFFICIALS_TRAINED, True),
    }
    province = plan_table(reported(ledger, tmp_path / "again"), year=2024, area="15")
    rows = {(r.area.level.value, r.area.code): r for r in province.rows}
    assert rows[("province", "15")].disbursed_vnd == 10 * COW + 10_000_000
    assert rows[("former_district", DISTRICT)].plan_id == "KH-TY-2024"
    assert [r.area.code for r in province.rows].index(DISTRICT) < [
        r.area.code for r in province.rows
    ].index(COMMUNE)  # a former district comes before its communes


def test_a_revision_keeps_the_history_and_makes_room(ledger: Ledger, areas: AreaMap) -> None:
    ledger.do(plans.adopt_plan, areas, commune_plan(36_000_000))
    hh = households(ledger, COMMUNE, 3)
    ledger.do(records.record_support, cow("R-1", hh[0]))
    ledger.do(records.record_support, cow("R-2", hh[1]))
    with pytest.raises(DomainError):
        ledger.do(records.record_support, cow("R-3", hh[2]))
    revision = plans.RevisionRequest(
        revision_id="DC-1",
        reason="Bổ sung vốn từ nguồn tiết kiệm chi",
        revised_on=date(2024, 7, 1),
        allocations=[
            plans.AllocationIn(component=P31, source=PlanSource.CENTRAL, amount_vnd=54_000_000)
        ],
    )
    ledger.do(plans.revise_plan, "KH-XTY-2024", revision)
    again = ledger.do(plans.revise_plan, "KH-XTY-2024", revision)
    assert again.created is False
    ledger.do(records.record_support, cow("R-3", hh[2]))

    detail = plans.plan_detail(ledger.uow(), areas, "KH-XTY-2024")
    assert detail.plan.version == 2
    assert [(r.version, r.reason) for r in detail.revisions] == [
        (1, None),
        (2, "Bổ sung vốn từ nguồn tiết kiệm chi"),
    ]
    assert detail.revisions[0].allocations[0].amount_vnd == 36_000_000
    (change,) = detail.revisions[1].changes
    assert (change.before_vnd, change.after_vnd) == (36_000_000, 54_000_000)
    assert detail.plan.targets == []  # replaced as a whole
    assert detail.execution.money[0].remaining_vnd == 0
    revised = ledger.events(contract.PlanRevised)
    assert [e.payload.version for e in revised] == [2]


def test_bad_plans_are_refused_with_the_reason_in_both_languages(
    ledger: Ledger, areas: AreaMap
) -> None:
    unknown = commune_plan().model_copy(
        update={
            "allocations": [
                plans.AllocationIn(component="NTP2099.X", source="central", amount_vnd=1)
            ]
        }
    )
    with pytest.raises(DomainError) as e:
        ledger.do(plans.adopt_plan, areas, unknown)
    assert e.value.problems[0].code == "unknown_component"
    assert "NTP2099.X" in e.value.problems[0].message_en
    nowhere = commune_plan().model_copy(update={"area_code": "99999"})
    with pytest.raises(DomainError) as e:
        ledger.do(plans.adopt_plan, areas, nowhere)
    assert e.value.problems[0].code == "unknown_area"
    assert e.value.problems[0].message_vi
    with pytest.raises(ValidationError):
        plans.AllocationIn(component=P31, source="central", amount_vnd=-1)
    ledger.do(plans.adopt_plan, areas, commune_plan())
    twice = commune_plan().model_copy(update={"plan_id": "KH-KHAC"})
    with pytest.raises(DomainError) as e:
        ledger.do(plans.adopt_plan, areas, twice)
    assert e.value.problems[0].code == "plan_exists"


def test_needs_move_from_the_village_meeting_to_the_record_that_served_them(
    ledger: Ledger,
) -> None:
    hh = households(ledger, COMMUNE, 3)
    for i, code in enumerate(hh):
        ledger.do(
            needs.register_need,
            needs.NeedRequest(
                need_id=f"N-{i}",
                household_code=code,
                village_code=f"{COMMUNE}-01",
                meeting_on=date(2024, 2, 1),
                component=P31,
                kind="production",
            ),
        )
    with pytest.raises(DomainError) as e:  # a household of another village
        ledger.do(
            needs.register_need,
            needs.NeedRequest(
                need_id="N-X",
                household_code=hh[0],
                village_code=f"{COMMUNE}-02",
                meeting_on=date(2024, 2, 1),
                component=P31,
                kind="production",
            ),
        )
    assert e.value.problems[0].code == "household_outside_area"

    def decide(need: str, status: str, **extra: Any) -> Any:
        return ledger.do(
            needs.decide_need,
            need,
            needs.NeedDecisionRequest(status=status, on=date(2024, 3, 1), **extra),
        )

    decide("N-0", "approved")
    ledger.do(records.record_support, cow("R-0", hh[0]))
    with pytest.raises(DomainError):  # served needs the record
        decide("N-0", "served")
    decide("N-1", "approved")
    with pytest.raises(DomainError):  # another household's record
        decide("N-1", "served", record_id="R-0")
    decide("N-0", "served", record_id="R-0")
    with pytest.raises(DomainError) as e:  # served is final
        decide("N-0", "declined", reason="x")
    assert e.value.problems[0].code == "need_transition"
    with pytest.raises(DomainError):  # declining needs a reason
        decide("N-2", "declined")
    decide("N-2", "declined", reason="Hộ không có chuồng trại")

    unserved = needs.unserved_needs(ledger.uow(), None, COMMUNE)
    assert [(u.component, u.kind, u.registered, u.approved) for u in unserved] == [
        (P31, "production", 0, 1)
    ]
    statuses = {n.need_id: n.status for n in needs.list_needs(ledger.uow(), None, None, None, None)}
    assert statuses == {
        "N-0": NeedStatus.SERVED,
        "N-1": NeedStatus.APPROVED,
        "N-2": NeedStatus.DECLINED,
    }
    decided = ledger.events(contract.NeedDecided)
    assert decided[-1].payload.status is NeedStatus.DECLINED
    assert "reason" not in decided[-1].payload.model_dump()


def test_a_project_budget_is_committed_and_its_outcome_recorded(
    ledger: Ledger, areas: AreaMap, tmp_path: Path
) -> None:
    ledger.do(plans.adopt_plan, areas, commune_plan())
    members = households(ledger, COMMUNE, 3)
    project = projects.ProjectRequest(
        project_id="DA-QUE",
        name="Trồng quế hữu cơ",
        component=P31,
        commune_code=COMMUNE,
        group_kind="cooperative",
        group_name="HTX Quế Trấn Yên",
        members=members,
        state_vnd=50_000_000,
        household_vnd=15_000_000,
        enterprise_vnd=10_000_000,
        starts_on=date(2024, 4, 1),
    )
    ledger.do(projects.record_project, project)
    far = households(ledger, OTHER, 1)
    with pytest.raises(DomainError) as e:  # a member of another commune
        ledger.do(
            projects.record_project,
            project.model_copy(update={"project_id": "DA-2", "members": far}),
        )
    assert e.value.problems[0].code == "household_outside_area"
    ledger.do(
        projects.record_outcome,
        "DA-QUE",
        projects.OutcomeRequest(
            assessed_on=date(2024, 12, 1),
            output_value_vnd=240_000_000,
            income_change_pct=35.5,
            replicable=True,
        ),
    )
    (p,) = projects.list_projects(ledger.uow(), None, COMMUNE)
    assert (p.replicable, p.output_value_vnd, p.members) == (True, 240_000_000, members)
    table = plans.plan_vs_actual(ledger.uow(), areas, PlanLevel.COMMUNE, COMMUNE, 2024)
    money = {(m.component, m.source): m for m in table.areas[0].money}
    assert money[(P31, PlanSource.CENTRAL)].committed_vnd == 50_000_000
    assert money[(P31, PlanSource.CENTRAL)].disbursed_vnd == 0
    assert money[(P31, PlanSource.SOCIAL_MOBILISATION)].committed_vnd == 10_000_000
    assert money[(P31, PlanSource.OTHER)].committed_vnd == 15_000_000
    same_table(table, plan_table(reported(ledger, tmp_path), year=2024, area=COMMUNE))


def test_an_escape_commitment_is_judged_by_the_next_review(ledger: Ledger) -> None:
    (hh,) = households(ledger, COMMUNE, 1)
    ledger.do(
        commitments.commit_escape,
        commitments.EscapeRequest(
            commitment_id="CK-1", household_code=hh, target_year=2024, committed_on=date(2024, 1, 5)
        ),
    )
    ledger.do(
        commitments.reward_escape,
        commitments.RewardRequest(
            reward_id="KT-1", commitment_id="CK-1", on=date(2024, 12, 20), kind="praise"
        ),
    )
    (before,) = commitments.list_escapes(ledger.uow(), None, COMMUNE)
    assert before.outcome == "pending"
    ledger.household(
        hh, "near_poor", on=date(2024, 12, 10), commune=COMMUNE, village=f"{COMMUNE}-01"
    )
    (after,) = commitments.list_escapes(ledger.uow(), None, COMMUNE)
    assert after.outcome == "met"
    assert [r.kind for r in after.rewards] == ["praise"]


def test_obstacles_are_tracked_to_a_decision_and_officials_assigned(
    ledger: Ledger, areas: AreaMap
) -> None:
    ledger.do(
        capacity.raise_obstacle,
        areas,
        capacity.ObstacleRequest(
            obstacle_id="KN-1",
            level=PlanLevel.COMMUNE,
            area_code=COMMUNE,
            raised_by=COMMUNE,
            addressed_to="ubnd-huyen",
            component=P31,
            statement="Định mức hỗ trợ bò giống thấp hơn giá thị trường",
            raised_on=date(2024, 5, 1),
        ),
    )
    decision = capacity.ObstacleDecisionRequest(
        decision="Nâng định mức", decided_on=date(2024, 6, 1)
    )
    ledger.do(capacity.decide_obstacle, "KN-1", decision)
    with pytest.raises(DomainError) as e:
        ledger.do(
            capacity.decide_obstacle,
            "KN-1",
            decision.model_copy(update={"decision": "Giữ nguyên"}),
        )
    assert e.value.kind.value == "conflict"
    (o,) = capacity.list_obstacles(ledger.uow(), PlanLevel.COMMUNE, None, None)
    assert (o.status.value, o.decision) == ("decided", "Nâng định mức")

    (hh,) = households(ledger, COMMUNE, 1)
    ledger.do(
        commitments.assign_official,
        areas,
        commitments.AssignmentRequest(
            assignment_id="PC-1",
            official_code="CB-07",
            official_name="Nguyễn Văn A",
            commune_code=COMMUNE,
            household_code=hh,
            starts_on=date(2024, 1, 15),
        ),
    )
    with pytest.raises(DomainError) as e:
        ledger.do(
            commitments.assign_official,
            areas,
            commitments.AssignmentRequest(
                assignment_id="PC-2",
                official_code="CB-07",
                commune_code=OTHER,
                household_code=hh,
                starts_on=date(2024, 1, 15),
            ),
        )
    assert e.value.problems[0].code == "household_outside_area"
    (event,) = ledger.events(contract.OfficialAssigned)
    assert "Nguyễn" not in event.to_json().decode()


def test_a_household_target_counts_each_household_once_when_supported_several_times(
    ledger: Ledger, areas: AreaMap, tmp_path: Path
) -> None:
    """A household given a cow (P3.1) and seedlings (P3.2) counts once toward the district's
    "households supported under P3" target, once toward the cows target; a household that
    moved between two communes of the district and was supported in each counts once."""
    ledger.do(
        plans.adopt_plan,
        areas,
        plans.PlanRequest(
            plan_id="KH-TY-2024",
            level=PlanLevel.FORMER_DISTRICT,
            area_code=DISTRICT,
            year=2024,
            adopted_on=date(2024, 1, 10),
            targets=[
                plans.TargetIn(component="NTP2021.P3", kind=TargetKind.HOUSEHOLDS, quantity=3),
                plans.TargetIn(
                    component="NTP2021.P3",
                    kind=TargetKind.HOUSEHOLDS,
                    support_kind="production",
                    quantity=3,
                ),
            ],
        ),
    )
    both, cow_only = households(ledger, COMMUNE, 2)
    ledger.do(records.record_support, cow("R-1", both))
    ledger.do(
        records.record_support,
        records.SupportRequest(
            disbursement_id="R-2",
            household_code=both,
            kind="other",
            programme_code="NTP2021.P3.2",
            funding_source="central_budget",
            amount_vnd=2_000_000,
            item="cây giống quế",
            disbursed_on=date(2024, 6, 2),
        ),
    )
    ledger.do(records.record_support, cow("R-3", cow_only))
    ledger.household(cow_only, on=date(2024, 7, 1), commune=OTHER, village=f"{OTHER}-01")
    ledger.do(
        records.record_support,
        cow("R-4", cow_only).model_copy(update={"disbursed_on": date(2024, 8, 1)}),
    )

    table = plans.plan_vs_actual(ledger.uow(), areas, PlanLevel.FORMER_DISTRICT, DISTRICT, 2024)
    got = {t.support_kind: t.actual for t in table.areas[0].targets}
    assert got == {None: 2, SupportKind.PRODUCTION: 2}
    by_commune = {a.area_code: a for a in table.areas[1:]}
    assert by_commune[OTHER].disbursed_vnd == COW  # the money stays where it was given
    same_table(table, plan_table(reported(ledger, tmp_path), year=2024, area=DISTRICT))
