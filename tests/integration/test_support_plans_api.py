"""Plans over HTTP on a real Redis and database: a disbursement above the plan is refused in
both languages unless an officer allowed to override gives a reason (audited); bad plans are
4xx; the plan-vs-actual table comes back as JSON and as a workbook with no live formula."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import openpyxl
import redis

from shared.contracts.audit import AUDIT_RECORDED_STREAM, AuditRecorded
from shared.contracts.plans import PLAN_ADOPTED_STREAM, PlanAdopted
from tests import support_api
from tests.helpers import eventually
from tests.tokens import Minter

HH = ["HH-P1", "HH-P2"]


def plan(**extra: Any) -> dict[str, Any]:
    return {
        "plan_id": '=HYPERLINK("http://x","y")',
        "level": "commune",
        "area_code": "04570",
        "year": 2025,
        "department": "phong-ldtbxh",
        "adopted_on": "2025-01-10",
        "allocations": [
            {"component": "NTP2021.P3.1", "source": "central", "amount_vnd": 8_000_000}
        ],
        "targets": [
            {
                "component": "NTP2021.P3.1",
                "kind": "households",
                "support_kind": "production",
                "quantity": 1,
            }
        ],
        **extra,
    }


async def test_disbursements_above_the_plan_need_an_authorised_override(
    redis_url: str, database_url: str, minter: Minter, admin_headers: dict[str, str]
) -> None:
    support_only = minter.headers("support_officer", ["commune:04570"])
    both = minter.headers(
        grants=[
            {"role": "support_officer", "areas": ["commune:04570"]},
            {"role": "commune_officer", "areas": ["commune:04570"]},
        ],
        name="chu-tich-xa",
    )
    reason = {"override_reason": "UBND xã đồng ý ứng trước vốn năm sau"}
    with support_api.support_client(redis_url, database_url) as client:
        support_api.register(client.app, *(support_api.poor(h) for h in HH))  # type: ignore[arg-type]
        made = client.post("/plans", json=plan(), headers=both)
        first = client.post("/records", json=support_api.record("R-1", HH[0]), headers=both)
        above = client.post("/records", json=support_api.record("R-2", HH[1]), headers=both)
        not_allowed = client.post(
            "/records", json=support_api.record("R-2", HH[1], **reason), headers=support_only
        )
        allowed = client.post(
            "/records", json=support_api.record("R-2", HH[1], **reason), headers=both
        )
        bad = {
            "unknown component": client.post(
                "/plans",
                json=plan(
                    plan_id="KH-2",
                    year=2026,
                    allocations=[{"component": "NTP9", "source": "central", "amount_vnd": 1}],
                ),
                headers=admin_headers,
            ),
            "unknown area": client.post(
                "/plans", json=plan(plan_id="KH-3", area_code="99999"), headers=admin_headers
            ),
            "negative": client.post(
                "/plans",
                json=plan(
                    plan_id="KH-4",
                    year=2027,
                    allocations=[
                        {"component": "NTP2021.P3.1", "source": "central", "amount_vnd": -5}
                    ],
                ),
                headers=admin_headers,
            ),
        }
        table = client.get(
            "/plans/vs-actual",
            params={"level": "commune", "area_code": "04570", "year": 2025},
            headers=both,
        )
        workbook = client.get(
            "/plans/vs-actual",
            params={"level": "commune", "area_code": "04570", "year": 2025, "format": "xlsx"},
            headers=both,
        )
        client_redis = redis.Redis.from_url(redis_url)

        def audited() -> list[AuditRecorded]:
            return [
                AuditRecorded.from_fields(f)
                for _, f in client_redis.xrange(AUDIT_RECORDED_STREAM)
                if b"plan.exceeded_by_override" in f[b"event"]
            ]

        await eventually(lambda: len(audited()) == 1)
        await eventually(lambda: client_redis.xlen(PLAN_ADOPTED_STREAM) >= 1)
        adopted = [PlanAdopted.from_fields(f) for _, f in client_redis.xrange(PLAN_ADOPTED_STREAM)]
        (override,) = audited()
        client_redis.close()
    assert made.status_code == 201, made.text
    assert first.status_code == 201
    assert above.status_code == 422
    (problem,) = above.json()["detail"]
    assert problem["type"] == "above_plan"
    assert "Vượt kế hoạch" in problem["message_vi"]
    assert "Above plan" in problem["message_en"]
    assert not_allowed.status_code == 422  # a reason without the override right
    assert allowed.status_code == 201, allowed.text
    assert override.payload.actor_name == "chu-tich-xa"
    assert override.payload.after is not None
    assert override.payload.after["record_id"] == "R-2"
    assert "override_reason" not in override.payload.after  # free text stays in the ledger
    for what, answer in bad.items():
        assert 400 <= answer.status_code < 500, what
        (p, *_) = answer.json()["detail"]
        assert p["message_vi"], what
        assert p["message_en"], what
    assert bad["unknown area"].status_code == 404
    assert [e.payload.allocations[0].amount_vnd for e in adopted] == [8_000_000]

    (area,) = table.json()["areas"]
    (line,) = area["money"]
    assert (line["allocated_vnd"], line["disbursed_vnd"], line["remaining_vnd"]) == (
        8_000_000,
        10_000_000,
        -2_000_000,
    )
    assert line["above_plan"]
    assert area["above_plan"]
    (target,) = area["targets"]
    assert (target["planned"], target["actual"], target["above_plan"]) == (1, 2, True)

    assert workbook.status_code == 200
    book = openpyxl.load_workbook(BytesIO(workbook.content))
    money = book.worksheets[0]
    assert money.cell(2, 7).value == "allocated_vnd"
    plan_cell = money.cell(3, 4)
    assert plan_cell.value == plan()["plan_id"]
    assert plan_cell.data_type == "s"  # text, never a formula
    assert money.cell(3, 7).value == 8_000_000
