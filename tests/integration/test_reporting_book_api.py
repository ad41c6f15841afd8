"""The year-end book over HTTP: every table, the MPI, household lists, targets, sign-off and
exports, each with its access rule (area, suppression below province analyst)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from services.reporting.adapters.repository import ReportingUnitOfWork
from services.reporting.adapters.tables import plumbing
from services.reporting.app import create_app
from services.reporting.service import TableKind, apply_classifications, apply_support
from services.reporting.settings import ReportingSettings
from shared.contracts import AUDIT_RECORDED_STREAM
from shared.contracts.codes import FundingSource, SupportKind
from shared.contracts.support import DisbursementPayload, SupportDisbursed
from tests.tokens import Minter
from tests.unit.reporting.builders import event

NOW = datetime(2026, 12, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def client(redis_url: str, database_url: str) -> Iterator[TestClient]:
    settings = ReportingSettings(redis_url=redis_url, database_url=database_url)
    app = create_app(settings)
    with TestClient(app) as c:
        engine = app.state.runtime.engine
        events = []
        # 2025: 12 poor in 04570 (village 01), 3 poor in 04681; 2026: 8 of 04570 escaped.
        for n in range(12):
            events.append(event(n, year=2025, status="poor", commune="04570"))
            status = "poor" if n < 4 else "not_poor"
            events.append(
                event(
                    n,
                    year=2026,
                    status=status,
                    commune="04570",
                    previous_status="poor",
                    transition="unchanged" if n < 4 else "escaped_poverty",
                    deprived=("employment", "nutrition", "housing_area") if n < 4 else (),
                )
            )
        for n in range(100, 103):
            events.append(event(n, year=2025, status="poor", commune="04681"))
            events.append(event(n, year=2026, status="near_poor", commune="04681"))
        apply_classifications(ReportingUnitOfWork(engine), events, NOW)
        yield c


def outbox_audit(client: TestClient) -> list[dict[str, object]]:
    engine = client.app.state.runtime.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        bodies = conn.execute(
            sa.select(plumbing.outbox.c.body).where(
                plumbing.outbox.c.stream == AUDIT_RECORDED_STREAM
            )
        ).scalars()
        return [json.loads(b)["payload"] for b in bodies]


def test_every_table_is_served_with_named_rows_and_suppressed_below_province_analyst(
    client: TestClient, minter: Minter
) -> None:
    analyst = minter.headers("province_analyst", ["province:15"])
    officer = minter.headers("commune_officer", ["commune:04570"])
    rounds = client.get("/reports/rounds", headers=officer).json()
    assert [(r["review_year"], r["stage"]) for r in rounds] == [
        (2026, "recognised"),
        (2025, "recognised"),
    ]
    everywhere = {a["code"] for a in client.get("/reports/areas", headers=analyst).json()}
    assert {"15", "140", "04570", "04681"} <= everywhere
    catalogue = client.get("/reports/tables", headers=officer).json()
    assert [t["key"] for t in catalogue] == [k.value for k in TableKind]
    for key in (k.value for k in TableKind):
        full = client.get(f"/reports/tables/{key}", headers=analyst)
        assert full.status_code == 200, (key, full.text)
        assert full.json()["suppressed"] is False
    summary = client.get("/reports/tables/summary", headers=analyst).json()
    province = summary["rows"][0]
    assert (province["area"]["code"], province["area"]["name_vi"]) == ("15", "Lào Cai")
    assert province["values"]["poor"] == {"households": 4, "persons": 8}
    assert province["values"]["near_poor"]["households"] == 3  # under 5: shown to the analyst
    assert province["rates"]["poor_rate"]["households"] == pytest.approx(26.67)

    mine = client.get("/reports/tables/summary", headers=officer).json()
    assert mine["suppressed"] is True
    assert mine["area"]["code"] == "04570"  # the officer's commune by default
    assert {r["area"]["code"] for r in mine["rows"]} == {"04570", "04570-01"}
    assert mine["rows"][0]["values"]["poor"] is None  # 4 households: hidden
    row = mine["rows"][0]["values"]
    assert None in (row["households"], row["not_poor"])  # and not recoverable by subtraction
    elsewhere = client.get("/reports/tables/summary", params={"area": "04681"}, headers=officer)
    district = client.get("/reports/tables/summary", params={"area": "140"}, headers=officer)
    assert elsewhere.status_code == 403
    assert district.status_code == 200  # former district 140 is 04570 alone
    published = client.get(
        "/reports/tables/summary", params={"unsuppressed": "false"}, headers=analyst
    ).json()
    assert published["suppressed"] is True
    assert published["rows"][0]["values"]["near_poor"] is None


def test_bad_standard_round_stage_area_table_or_level_is_refused_in_both_languages(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    cases = [
        ("/reports/tables/summary", {"standard": "bogus"}, 404),
        ("/reports/tables/summary", {"year": 2019}, 404),
        ("/reports/tables/summary", {"stage": "final"}, 422),
        ("/reports/tables/summary", {"area": "99999"}, 404),
        ("/reports/tables/summary", {"by": "hamlet"}, 422),
        ("/reports/tables/bogus", {}, 422),
        ("/reports/mpi", {"k": "2"}, 422),
        ("/reports/export", {"format": "csv"}, 422),
        ("/reports/lists/rich", {}, 422),
    ]
    for path, params, status in cases:
        got = client.get(path, params=params, headers=admin_headers)
        assert got.status_code == status, (path, params, got.text)
        problem = got.json()["detail"][0]
        assert problem["message_vi"], (path, params)
        assert problem["message_en"], (path, params)


def test_mpi_is_given_per_area_with_h_a_and_m0(client: TestClient, minter: Minter) -> None:
    analyst = minter.headers("province_analyst", ["province:15"])
    got = client.get("/reports/mpi", params={"k": "3/12"}, headers=analyst).json()
    assert got["cutoff"] == "1/4"
    province = got["rows"][0]["households"]
    # 4 of 15 households deprived in 3 of 12 indicators (1/12 each): H 4/15, A 1/4
    assert (province["n"], province["q"]) == (15, 4)
    assert province["headcount"] == pytest.approx(4 / 15)
    assert province["intensity"] == pytest.approx(1 / 4)
    assert province["m0"] == pytest.approx(1 / 15)


def test_household_lists_need_household_read_and_stay_in_the_callers_area(
    client: TestClient, minter: Minter
) -> None:
    officer = minter.headers("commune_officer", ["commune:04570"])
    poor = client.get("/reports/lists/poor", headers=officer).json()
    assert poor["total"] == 4
    assert {r["commune_code"] for r in poor["rows"]} == {"04570"}
    assert poor["rows"][0]["deprivations"] == ["employment", "nutrition", "housing_area"]
    escaped = client.get("/reports/lists/newly_escaped", headers=officer).json()
    assert escaped["kind"] == "newly_escaped"
    other = client.get("/reports/lists/poor", params={"area": "04681"}, headers=officer)
    sponsor = client.get(
        "/reports/lists/poor", headers=minter.headers("sponsor", ["org:hoi-phu-nu"])
    )
    assert other.status_code == 403
    assert sponsor.status_code == 403


def test_province_enters_targets_everyone_in_scope_reads_them_compared(
    client: TestClient, minter: Minter
) -> None:
    analyst = minter.headers("province_analyst", ["province:15"])
    officer = minter.headers("commune_officer", ["commune:04570"])
    body = {
        "items": [
            {
                "review_year": 2026,
                "area_code": "04570",
                "measure": "poor_rate",
                "planned_reduction": "50",
            },
            {
                "review_year": 2026,
                "area_code": "04681",
                "measure": "poor_rate",
                "planned_reduction": "100",
            },
        ]
    }
    refused = client.put("/reports/targets", json=body, headers=officer)
    saved = client.put("/reports/targets", json=body, headers=analyst)
    bad = client.put(
        "/reports/targets",
        json={"items": [{**body["items"][0], "area_code": "04570-01"}]},
        headers=analyst,
    )
    assert refused.status_code == 403
    assert saved.status_code == 200, saved.text
    assert bad.status_code == 422
    mine = client.get("/reports/targets", params={"year": 2026}, headers=officer).json()
    everything = client.get("/reports/targets", params={"year": 2026}, headers=analyst).json()
    assert [(r["area"]["code"], r["outcome"]) for r in mine["rows"]] == [("04570", "exceeded")]
    outcomes = {r["area"]["code"]: r for r in everything["rows"]}
    assert outcomes["04681"]["outcome"] == "met"  # 100% poor to 0%
    assert outcomes["04570"]["actual_reduction"] == pytest.approx(66.6667)
    assert {a["action"] for a in outbox_audit(client)} == {"report.target_set"}


def test_commune_submits_province_approves_and_reopens_with_a_reason_each_step_audited(
    client: TestClient, minter: Minter
) -> None:
    analyst = minter.headers("province_analyst", ["province:15"])
    officer = minter.headers("commune_officer", ["commune:04570"])
    step = {"year": 2026}
    not_mine = client.post("/reports/signoff/04681/submit", json=step, headers=officer)
    early = client.post("/reports/signoff/04570/approve", json=step, headers=analyst)
    submitted = client.post("/reports/signoff/04570/submit", json=step, headers=officer)
    officer_approves = client.post("/reports/signoff/04570/approve", json=step, headers=officer)
    approved = client.post("/reports/signoff/04570/approve", json=step, headers=analyst)
    no_reason = client.post("/reports/signoff/04570/reopen", json=step, headers=analyst)
    reopened = client.post(
        "/reports/signoff/04570/reopen",
        json={**step, "reason": "Thôn 1 rà soát lại / village 1 re-surveyed"},
        headers=analyst,
    )
    status = client.get("/reports/signoff/04570", params=step, headers=officer).json()
    version = client.get("/reports/signoff/04570/versions/1", params=step, headers=officer)
    assert not_mine.status_code == 403
    assert early.status_code == 409
    assert submitted.json()["state"] == "submitted"
    assert officer_approves.status_code == 403
    assert approved.json()["approved_version"] == 1
    assert no_reason.status_code == 422
    assert reopened.json()["state"] == "open"
    assert [s["step"] for s in status["steps"]] == ["submit", "approve", "reopen"]
    assert status["approved"]["content_hash"] == submitted.json()["submitted_hash"]
    assert version.json()["content_hash"] == status["approved"]["content_hash"]
    assert version.json()["figures"]
    audited = [a["action"] for a in outbox_audit(client)]
    assert audited == ["report.submit", "report.approve", "report.reopen"]


def test_the_book_downloads_as_xlsx_without_formulas_and_a_table_as_csv(
    client: TestClient, minter: Minter
) -> None:
    officer = minter.headers("commune_officer", ["commune:04570"])
    analyst = minter.headers("province_analyst", ["province:15"])
    got = client.get("/reports/export", headers=officer)
    assert got.status_code == 200
    assert "attachment" in got.headers["content-disposition"]
    wb = load_workbook(io.BytesIO(got.content))
    assert wb.sheetnames == [*(k.value for k in TableKind), "plan_vs_actual"]
    summary = wb["summary"]
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert summary["A8"].value == "04570"
    assert summary["B8"].value == "Thượng Bằng La"
    assert "x" in [c.value for c in summary[8]]  # 4 poor households, hidden when published
    assert summary.page_setup.orientation == "landscape"
    text = client.get(
        "/reports/export", params={"format": "csv", "table": "summary"}, headers=analyst
    ).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["Mã địa bàn / Area code", "Tên địa bàn / Area name"]
    assert rows[1][0] == "15"
    assert "x" in rows[1]  # published: suppressed even for the analyst


def test_support_outcomes_are_served_labelled_as_an_association(
    client: TestClient, minter: Minter
) -> None:
    officer = minter.headers("commune_officer", ["commune:04570"])
    got = client.get("/reports/support-outcomes", params={"year": 2025}, headers=officer)
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["suppressed"] is True
    assert body["exits"]["association_only"] is True
    assert "association" in body["exits"]["note_en"]
    assert body["exits"]["poor"] == 12  # the commune's twelve poor of 2025
    assert body["exits"]["exit_percent"] == pytest.approx(66.67)
    assert body["training"]["goal_percent"] == 100.0
    bad = client.get(
        "/reports/support-outcomes",
        params={"year": 2025, "support_from": "2027-01-01", "support_to": "2026-01-01"},
        headers=officer,
    )
    assert bad.status_code == 422


def test_the_flat_views_hide_small_cells_below_province_analyst_too(
    client: TestClient, minter: Minter
) -> None:
    officer = minter.headers("commune_officer", ["commune:04570"])
    analyst = minter.headers("province_analyst", ["province:15"])
    summary = client.get("/reports/summary", headers=officer).json()
    counts = client.get("/reports/households", headers=officer).json()
    raw = client.get("/reports/households", headers=analyst).json()
    commune = next(r for r in summary["rows"] if r["area_code"] == "04570")
    assert commune["poor"] is None  # 4 households
    assert commune["poor_rate"] is None
    poor = next(r for r in counts["rows"] if r["status"] == "poor")
    assert poor["households"] is None
    assert counts["total_households"] is None
    assert {r["commune_code"] for r in counts["rows"]} == {"04570"}
    assert raw["total_households"] == 15
    changes = client.get("/reports/changes", headers=officer).json()
    assert next(r for r in changes["rows"] if r["area_code"] == "04570")["poor"]["end"] is None
    engine = client.app.state.runtime.engine  # type: ignore[attr-defined]
    given = [
        SupportDisbursed.create(
            DisbursementPayload(
                disbursement_id=f"D-{n}",
                household_code=f"HH-{n:07d}",
                commune_code="04570",
                kind=SupportKind.HOUSING,
                programme_code="NTP-P5",
                funding_source=FundingSource.CENTRAL_BUDGET,
                amount_vnd=40_000_000,
                disbursed_on=date(2026, 6, 1),
            ),
            producer="support",
        )
        for n in range(2)
    ]
    apply_support(ReportingUnitOfWork(engine), given, NOW)
    hidden = client.get("/reports/support", headers=officer).json()
    shown = client.get("/reports/support", headers=analyst).json()
    assert hidden["total_vnd"] is None
    assert hidden["rows"][0]["amount_vnd"] is None  # two households
    assert shown["total_vnd"] == 80_000_000
