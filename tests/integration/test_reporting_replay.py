"""Rebuilding reporting from the streams gives identical tables: once by its consumers read
again from the start of each stream, once by ``giamngheo rebuild-reporting`` (the bulk
rebuild reading the classification stream itself, the consumers replaying the others)."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient

from services.reporting.adapters.repository import ReportingUnitOfWork
from services.reporting.app import create_app
from services.reporting.replay import ConsumersRunning, rebuild_reporting
from services.reporting.service import clear_projections
from services.reporting.settings import ReportingSettings
from shared.contracts import HOUSEHOLD_CLASSIFIED_STREAM
from shared.contracts import plans as plan
from shared.contracts.classifications import HouseholdClassified
from shared.contracts.codes import FundingSource, SupportKind
from shared.contracts.envelope import Envelope
from shared.contracts.registry import (
    HOUSEHOLD_CHANGED_STREAM,
    HouseholdChanged,
    HouseholdChangedPayload,
    LifeEventKind,
)
from shared.contracts.support import (
    SUPPORT_DISBURSED_STREAM,
    DisbursementPayload,
    SupportDisbursed,
)
from shared.contracts.training import (
    TRAINING_COMPLETED_STREAM,
    TrainingCompleted,
    TrainingCompletedPayload,
)
from tests.helpers import eventually
from tests.unit.reporting.builders import event

PLAN_STREAMS = (
    plan.PLAN_ADOPTED_STREAM,
    plan.PLAN_REVISED_STREAM,
    plan.PROJECT_RECORDED_STREAM,
    plan.CAPACITY_RECORDED_STREAM,
    TRAINING_COMPLETED_STREAM,
)
STREAMS = (
    HOUSEHOLD_CLASSIFIED_STREAM,
    SUPPORT_DISBURSED_STREAM,
    HOUSEHOLD_CHANGED_STREAM,
    *PLAN_STREAMS,
)
P31 = "NTP-P3"


def life_events() -> list[HouseholdChanged]:
    """Moves in 2026 of some households of commune 04570 to 04681 (reviewed where they were)."""
    return [
        HouseholdChanged.create(
            HouseholdChangedPayload(
                change_id=f"C-{n}",
                kind=LifeEventKind.MOVED,
                household_code=f"HH-{n:07d}",
                effective_on=date(2026, 2, 1),
                province_code="15",
                from_commune_code="04681",
                from_village_code="04681-02",
                to_commune_code="04570",
                to_village_code="04570-01",
            ),
            producer="intake",
        )
        for n in range(1, 40, 4)
    ]


def plan_events() -> list[tuple[str, Envelope[Any]]]:
    """A district's plan and its revision (delivered in either order), a commune's, a
    project, an officials' training and two completed courses."""

    def payload(plan_id: str, level: plan.PlanLevel, area: str, version: int, amount: int) -> Any:
        return plan.PlanPayload(
            plan_id=plan_id,
            level=level,
            area_code=area,
            year=2026,
            version=version,
            allocations=[
                plan.Allocation(component=P31, source=plan.PlanSource.CENTRAL, amount_vnd=amount)
            ],
            targets=[
                plan.Target(
                    component=P31,
                    kind=plan.TargetKind.HOUSEHOLDS,
                    support_kind=SupportKind.PRODUCTION,
                    quantity=5,
                ),
                plan.Target(component=P31, kind=plan.TargetKind.WORKERS_TRAINED, quantity=1),
            ],
        )

    district = plan.PlanLevel.FORMER_DISTRICT
    return [
        (
            plan.PLAN_REVISED_STREAM,
            plan.PlanRevised.create(
                payload("KH-H", district, "140", 2, 90_000_000), producer="support"
            ),
        ),
        (
            plan.PLAN_ADOPTED_STREAM,
            plan.PlanAdopted.create(
                payload("KH-H", district, "140", 1, 60_000_000), producer="support"
            ),
        ),
        (
            plan.PLAN_ADOPTED_STREAM,
            plan.PlanAdopted.create(
                payload("KH-X", plan.PlanLevel.COMMUNE, "04570", 1, 50_000_000),
                producer="support",
            ),
        ),
        (
            plan.PROJECT_RECORDED_STREAM,
            plan.ProjectRecorded.create(
                plan.ProjectPayload(
                    project_id="DA-1",
                    component=P31,
                    commune_code="04570",
                    group_kind="cooperative",
                    members=["HH-0000001"],
                    budget=plan.Budget(state_vnd=7_000_000, household_vnd=1, enterprise_vnd=2),
                    starts_on=date(2026, 2, 1),
                ),
                producer="support",
            ),
        ),
        (
            plan.CAPACITY_RECORDED_STREAM,
            plan.CapacityRecorded.create(
                plan.CapacityPayload(
                    activity_id="TH-1",
                    kind=plan.CapacityKind.COMMUNICATION,
                    level=district,
                    area_code="140",
                    component=P31,
                    held_on=date(2026, 3, 1),
                    attendees=30,
                    cost_vnd=3_000_000,
                ),
                producer="support",
            ),
        ),
        *(
            (
                TRAINING_COMPLETED_STREAM,
                TrainingCompleted.create(
                    TrainingCompletedPayload(
                        enrolment_id=f"E-{n}",
                        household_code=f"HH-{n:07d}",
                        commune_code="04570",
                        village_code="04570-01",
                        member_no=1,
                        programme_code=P31,
                        on=date(2026, 6, 1),
                        certificate="so_cap",
                        occupation="chăn nuôi",
                    ),
                    producer="support",
                ),
            )
            for n in (1, 2)
        ),
    ]


def events() -> tuple[list[HouseholdClassified], list[SupportDisbursed]]:
    rng = random.Random(7)
    statuses = ["poor", "near_poor", "average", "not_poor"]
    out = []
    for n in range(40):
        commune = "04570" if n % 3 else "04681"
        first = rng.choice(statuses)
        out.append(event(n, year=2025, status=first, commune=commune))
        out.append(
            event(n, year=2026, status=rng.choice(statuses), previous_status=first, commune=commune)
        )
        if n % 5 == 0:  # a re-survey of the same round, later
            out.append(
                event(
                    n,
                    year=2026,
                    status=rng.choice(statuses),
                    previous_status=first,
                    commune=commune,
                    surveyed_at=datetime(2026, 11, 1, tzinfo=UTC),
                    survey_id=f"S-2026-{n}-b",
                )
            )
    rng.shuffle(out)
    support = [
        SupportDisbursed.create(
            DisbursementPayload(
                disbursement_id=f"D-{n}",
                household_code=f"HH-{n:07d}",
                commune_code="04570",
                kind=SupportKind.CREDIT if n % 2 else SupportKind.PRODUCTION,
                programme_code="NTP-P3",
                funding_source=FundingSource.CENTRAL_BUDGET,
                amount_vnd=1_000_000 * n,
                disbursed_on=date(2026, 5, 1),
            ),
            producer="support",
        )
        for n in range(1, 40, 3)
    ]
    return out, support


def with_reasons(e: HouseholdClassified) -> bytes:
    """``e`` as published before schema version 2: every indicator with its reason."""
    old = e.model_dump(mode="json")
    old["schema_version"] = 1
    for i in old["payload"]["indicators"]:
        i["reason"] = f"{i['code']} as it was answered"
    return json.dumps(old).encode()


def snapshot(client: TestClient) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for year in (2025, 2026):
        book = client.get("/reports/book", params={"year": year, "by": "village"})
        assert book.status_code == 200, book.text
        out[f"book {year}"] = book.json()
        outcomes = client.get(
            "/reports/support-outcomes", params={"year": 2025, "as_of": "2027-01-01"}
        )
        assert outcomes.status_code == 200, outcomes.text
        out["outcomes"] = outcomes.json()
    for area in ("15", "140", "04570"):
        planned = client.get("/reports/plan-vs-actual", params={"year": 2026, "area": area})
        assert planned.status_code == 200, planned.text
        out[f"plans {area}"] = planned.json()
    return out


async def test_reporting_rebuilt_from_its_streams_gives_identical_tables(
    redis_url: str, database_url: str, admin_headers: dict[str, str]
) -> None:
    r = redis.Redis.from_url(redis_url)
    classified, support = events()
    for n, e in enumerate(classified):  # events of schema version 1 and 2 on the stream
        r.xadd(HOUSEHOLD_CLASSIFIED_STREAM, {"event": e.to_json() if n % 2 else with_reasons(e)})
    r.xadd(HOUSEHOLD_CLASSIFIED_STREAM, {"event": b'{"event_type": "HouseholdClassified"}'})
    r.xadd(HOUSEHOLD_CLASSIFIED_STREAM, {"other": b"no event here"})
    for s in support:
        r.xadd(SUPPORT_DISBURSED_STREAM, s.to_wire())
    life = life_events()
    for e in life:
        r.xadd(HOUSEHOLD_CHANGED_STREAM, e.to_wire())
    planned = plan_events()
    for stream, e in planned:
        r.xadd(stream, e.to_wire())
    plan_types = {e.event_type for _s, e in planned}
    settings = ReportingSettings(redis_url=redis_url, database_url=database_url, poll_ms=50)

    def caught_up(client: TestClient) -> bool:
        got = client.get("/reports/events").json()["applied"]
        return bool(
            got.get("HouseholdClassified", {}).get("vn-2022-2025") == len(classified)
            and sum(got.get("SupportDisbursed", {}).values()) == len(support)
            and sum(got.get("HouseholdChanged", {}).values()) == len(life)
            and sum(sum(got.get(t, {}).values()) for t in plan_types) == len(planned)
        )

    app = create_app(settings)
    with TestClient(app, headers=admin_headers) as client:
        await eventually(lambda: caught_up(client))
        first = snapshot(client)
    summary = first["book 2026"]["tables"][0]
    assert summary["rows"][0]["values"]["households"]["households"] == 40
    district = first["plans 140"]["rows"][0]
    assert (district["plan_id"], district["version"], district["allocated_vnd"]) == (
        "KH-H",
        2,
        90_000_000,
    )
    assert [t["actual"] for t in district["targets"]] == [6, 2]
    assert first["outcomes"]["coverage"][0]["households"]  # poor households of 2025
    moved_out = [
        row["values"]["dec_other"]["households"]
        for row in first["book 2026"]["tables"][1]["rows"]
        if row["area"]["code"] == "04681-02"
    ]
    assert moved_out
    assert moved_out[0] > 0  # the moves are in the change table's other decreases
    engine = app.state.runtime.engine

    # 1. the consumers read every stream again from the start
    clear_projections(ReportingUnitOfWork(engine))
    for stream in STREAMS:
        r.xgroup_setid(stream, "reporting", "0")
    with TestClient(create_app(settings), headers=admin_headers) as client:
        await eventually(lambda: caught_up(client))
        assert snapshot(client) == first

    # 2. the bulk rebuild reads the classification stream itself (refused while reporting's
    # consumers run); the other streams are replayed by the consumers
    with TestClient(create_app(settings), headers=admin_headers) as client:
        await eventually(lambda: caught_up(client))
        with pytest.raises(ConsumersRunning):
            rebuild_reporting(settings, workers=0)
        assert snapshot(client) == first
    done = rebuild_reporting(settings, workers=2, chunk=25)
    assert done.classifications == len(classified) + 2
    assert done.invalid == 2  # dead-lettered by the consumers, skipped by the rebuild
    assert done.households == len(
        {(e.payload.review_year, e.payload.household_code) for e in classified}
    )
    assert set(done.replayed_streams) >= {
        SUPPORT_DISBURSED_STREAM,
        HOUSEHOLD_CHANGED_STREAM,
        *PLAN_STREAMS,
    }
    with ReportingUnitOfWork(engine) as uow:  # support not replayed yet: the consumers do it
        assert not uow.ledger.totals()
    with TestClient(create_app(settings), headers=admin_headers) as client:
        await eventually(lambda: caught_up(client))
        assert snapshot(client) == first
    r.close()
