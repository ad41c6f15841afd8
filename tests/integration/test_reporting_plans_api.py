"""Plans against actual over HTTP from reporting: each area's plan (latest version) against
what support's events show, rolled up commune → former district → province with the
registry's names, in the whole book and its XLSX, each caller kept to its area."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from services.reporting.adapters.repository import ReportingUnitOfWork
from services.reporting.app import create_app
from services.reporting.plans import apply_plan_events
from services.reporting.service import TableKind, apply_classifications, apply_support
from services.reporting.settings import ReportingSettings
from shared.contracts import plans as contract
from shared.contracts.codes import FundingSource, SupportKind
from shared.contracts.plans import PlanLevel, PlanSource, TargetKind
from shared.contracts.support import DisbursementPayload, SupportDisbursed
from tests.tokens import Minter
from tests.unit.reporting.builders import event

NOW = datetime(2026, 12, 20, 9, 0, tzinfo=UTC)
P31, P71 = "NTP2021.P3.1", "NTP2021.P7.1"
M = 1_000_000


def plan(
    plan_id: str, level: PlanLevel, area: str, version: int, p31: int, **extra: Any
) -> contract.PlanPayload:
    return contract.PlanPayload(
        plan_id=plan_id,
        level=level,
        area_code=area,
        year=2026,
        version=version,
        allocations=[contract.Allocation(component=P31, source=PlanSource.CENTRAL, amount_vnd=p31)],
        targets=[
            contract.Target(
                component=P31,
                kind=TargetKind.HOUSEHOLDS,
                support_kind=SupportKind.PRODUCTION,
                quantity=2,
            )
        ],
        **extra,
    )


def given(n: int, household: str, commune: str, amount: int) -> SupportDisbursed:
    return SupportDisbursed.create(
        DisbursementPayload(
            disbursement_id=f"D-{n}",
            household_code=household,
            commune_code=commune,
            kind=SupportKind.PRODUCTION,
            programme_code=P31,
            funding_source=FundingSource.CENTRAL_BUDGET,
            amount_vnd=amount,
            disbursed_on=date(2026, 5, n),
        ),
        producer="support",
    )


@pytest.fixture
def client(redis_url: str, database_url: str) -> Iterator[TestClient]:
    settings = ReportingSettings(redis_url=redis_url, database_url=database_url)
    app = create_app(settings)
    with TestClient(app) as c:
        uow = lambda: ReportingUnitOfWork(app.state.runtime.engine)  # noqa: E731
        apply_classifications(
            uow(), [event(n, year=2026, status="poor", commune="04681") for n in range(3)], NOW
        )
        revised = contract.PlanRevised.create(
            plan("KH-TY", PlanLevel.FORMER_DISTRICT, "138", 2, 120 * M, department="ldtbxh"),
            producer="support",
        )
        adopted = contract.PlanAdopted.create(
            plan("KH-TY", PlanLevel.FORMER_DISTRICT, "138", 1, 100 * M), producer="support"
        )
        commune = contract.PlanAdopted.create(
            plan("KH-XTY", PlanLevel.COMMUNE, "04681", 1, 50 * M), producer="support"
        )
        training = contract.CapacityRecorded.create(
            contract.CapacityPayload(
                activity_id="TH-1",
                kind=contract.CapacityKind.OFFICIAL_TRAINING,
                level=PlanLevel.FORMER_DISTRICT,
                area_code="138",
                component=P71,
                body=contract.TrainedBody.PROGRAMME_BOARD,
                held_on=date(2026, 3, 5),
                attendees=40,
                cost_vnd=5 * M,
            ),
            producer="support",
        )
        # the revision arrives before the adoption: the later version stays
        apply_plan_events(uow(), [revised, commune, training], NOW)
        apply_plan_events(uow(), [adopted], NOW)
        apply_support(
            uow(),
            [
                given(1, "H-1", "04681", 30 * M),
                given(2, "H-2", "04681", 30 * M),
                given(3, "H-1", "04681", 5 * M),  # the same household again
                given(4, "H-3", "04705", 20 * M),
            ],
            NOW,
        )
        yield c


def test_plan_vs_actual_rolls_a_former_district_up_from_its_communes(
    client: TestClient, minter: Minter
) -> None:
    analyst = minter.headers("province_analyst", ["province:15"])
    got = client.get("/reports/plan-vs-actual", params={"area": "138"}, headers=analyst)
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["year"] == 2026  # the latest year with a plan
    district, *communes = body["rows"]
    assert (district["name_vi"], district["plan_id"], district["version"]) == (
        "Huyện Trấn Yên",
        "KH-TY",
        2,
    )
    money = {(m["component"], m["source"]): m for m in district["money"]}
    assert money[(P31, "central")]["allocated_vnd"] == 120 * M
    assert money[(P31, "central")]["disbursed_vnd"] == 85 * M
    assert money[(P71, "central")]["disbursed_vnd"] == 5 * M  # held by the district itself
    assert district["disbursed_pct"] == "75.0"  # 90 of 120
    (households,) = district["targets"]
    assert (households["planned"], households["actual"], households["above_plan"]) == (2, 3, True)
    mine = next(r for r in communes if r["area_code"] == "04681")
    assert (mine["allocated_vnd"], mine["disbursed_vnd"], mine["above_plan"]) == (
        50 * M,
        65 * M,
        True,
    )
    assert mine["targets"][0]["actual"] == 2  # H-1 twice counts once
    assert {r["level"] for r in communes} == {"commune"}

    province = client.get(
        "/reports/plan-vs-actual", params={"area": "15", "year": 2026}, headers=analyst
    ).json()["rows"]
    order = [r["area_code"] for r in province]
    assert order[0] == "15"
    assert order.index("138") < order.index("04681")
    assert province[0]["disbursed_vnd"] == 90 * M


def test_plan_vs_actual_keeps_a_commune_officer_to_the_commune(
    client: TestClient, minter: Minter
) -> None:
    officer = minter.headers("commune_officer", ["commune:04681"])
    mine = client.get("/reports/plan-vs-actual", headers=officer)
    assert mine.status_code == 200, mine.text
    assert [r["area_code"] for r in mine.json()["rows"]] == ["04681"]
    there = client.get("/reports/plan-vs-actual", params={"area": "138"}, headers=officer)
    assert there.status_code == 403
    village = client.get("/reports/plan-vs-actual", params={"area": "04681", "year": 1999})
    assert village.status_code == 401


def test_the_whole_book_and_its_xlsx_carry_the_plan_table(
    client: TestClient, minter: Minter
) -> None:
    analyst = minter.headers("province_analyst", ["province:15"])
    book = client.get("/reports/book", params={"area": "138"}, headers=analyst).json()
    assert book["plan_vs_actual"]["year"] == 2026
    assert book["plan_vs_actual"]["rows"][0]["plan_id"] == "KH-TY"
    one = client.get(
        "/reports/book", params={"area": "138", "tables": "summary"}, headers=analyst
    ).json()
    assert one["plan_vs_actual"] is None  # only with the whole book
    got = client.get("/reports/export", params={"area": "138"}, headers=analyst)
    assert got.status_code == 200
    wb = load_workbook(io.BytesIO(got.content))
    assert wb.sheetnames == [*(k.value for k in TableKind), "plan_vs_actual"]
    ws = wb["plan_vs_actual"]
    cells = [c for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = [c.value for c in cells]
    assert "Huyện Trấn Yên" in values
    assert "Phân bổ (đồng)\nAllocated (VND)" in values
    assert 120 * M in values
    assert "Số hộ được hỗ trợ / Households supported" in values
