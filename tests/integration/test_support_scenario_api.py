"""Thượng Bằng La over support's HTTP API (the same story as tests/service/
test_support_scenario.py through the use cases): the 40 poor households of the 2022 review
with their causes and needs, each paired with one of eight organisations by the commune's
support officer; support given per need over HTTP (seedlings in one batch, cows from the cow
bank, loans, houses); each sponsor visits its own households and sees only them; a year later
the read side shows who received what and who escaped with which support."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from tests.factories import member_profile, recognised_event
from tests.service.test_support_scenario import (
    CAUSES,
    COW,
    ESCAPED,
    FFP,
    LOAN,
    NEAR_POOR,
    NEEDS,
    ORGANISATIONS,
    SEEDLINGS,
    code,
)
from tests.support_api import register, support_client
from tests.tokens import Minter

COMMUNE = "04570"
ORGS = list(ORGANISATIONS)


def village(i: int) -> str:
    return f"{COMMUNE}-{(i - 1) % 5 + 1:02d}"


def org_of(i: int) -> str:
    return ORGS[(i - 1) // 5]


def review(year: int, status_of: dict[int, str]) -> list[object]:
    return [
        recognised_event(
            code(i),
            status_of.get(i, "poor"),
            recognised_on=date(year, 12, 10),
            commune_code=COMMUNE,
            village_code=village(i),
            review_year=year,
            survey_id=f"{code(i)}-{year}",
            members=[member_profile(1), member_profile(2, sex="female", age=34)],
            causes=[CAUSES[i % 5], "lack_capital"] if i % 5 else ["lack_capital"],
            needs=NEEDS[i],
            head_ethnicity="dao" if i % 3 else "tay",
            **(
                {"transition": "escaped_poverty", "newly_escaped_until": date(2026, 12, 10)}
                if status_of.get(i) == "not_poor"
                else {}
            ),
        )
        for i in range(1, 41)
    ]


def ok(answer: object) -> None:
    status = answer.status_code  # type: ignore[attr-defined]
    assert status in (200, 201), answer.text  # type: ignore[attr-defined]


def give_per_need(client: TestClient, officer: dict[str, str]) -> None:
    ok(
        client.post(
            "/revolving/models",
            json={
                "model_code": "BO-TBL-2023",
                "name": "Ngân hàng bò xã Thượng Bằng La",
                "programme_code": "NTP2021.P3.1",
                "commune_code": COMMUNE,
                "asset": "livestock",
                "species": "bo",
                "capital_vnd": 8 * COW,
                "started_on": "2023-03-01",
            },
            headers=officer,
        )
    )
    seedlings = [
        {
            "disbursement_id": f"QUE-{i:02d}",
            "household_code": code(i),
            "kind": "production",
            "programme_code": "NTP2021.P3.1",
            "funding_source": "central_budget",
            "amount_vnd": SEEDLINGS,
            "quantity": "1500",
            "unit": "cây",
            "item": "cây quế giống",
            "disbursed_on": "2023-04-01",
            "pairing_id": f"GD-{i:02d}",
        }
        for i in range(9, 23)
    ]
    batch = client.post("/records/batch", json=seedlings, headers=officer).json()
    assert batch["counts"]["created"] == 14, batch
    for i in range(1, 41):
        if i <= 8:
            ok(
                client.post(
                    "/revolving/gifts",
                    json={
                        "record_id": f"BO-{i:02d}",
                        "household_code": code(i),
                        "model_code": "BO-TBL-2023",
                        "given_on": "2023-03-15",
                        "quantity": 1,
                        "amount_vnd": COW,
                        "funding_source": "central_budget",
                        "item": "bò cái sinh sản",
                    },
                    headers=officer,
                )
            )
        if "credit" in NEEDS[i]:
            ok(
                client.post(
                    "/loans",
                    json={
                        "loan_id": f"VAY-{i:02d}",
                        "household_code": code(i),
                        "programme_code": "VBSP.POOR",
                        "principal_vnd": LOAN,
                        "term_months": 60,
                        "every_months": 12,
                        "disbursed_on": "2023-05-10",
                    },
                    headers=officer,
                )
            )
        if "housing" in NEEDS[i]:
            ok(
                client.post(
                    "/housing",
                    json={
                        "case_id": f"NHA-{i:02d}",
                        "household_code": code(i),
                        "programme_code": "VFF.FUND",
                        "kind": "build",
                        "started_on": "2023-06-01",
                        "fund_for_the_poor_vnd": FFP,
                        "household_vnd": 20_000_000,
                        "labour_days": 80,
                    },
                    headers=officer,
                )
            )
            ok(
                client.post(
                    "/housing/completions",
                    json={"case_id": f"NHA-{i:02d}", "completed_on": "2023-10-15"},
                    headers=officer,
                )
            )


def test_thuong_bang_la_over_http_sponsors_see_their_own_and_a_year_later_who_escaped(
    redis_url: str, database_url: str, minter: Minter
) -> None:
    officer = minter.headers("support_officer", [f"commune:{COMMUNE}"], name="can-bo-xa")
    sponsors = {o: minter.headers("sponsor", [f"org:{o}"], name=f"to-chuc-{o}") for o in ORGS}
    with support_client(redis_url, database_url) as client:
        register(client.app, *review(2022, {}))  # type: ignore[arg-type]
        needs = client.get(f"/households/{code(31)}/support", headers=officer).json()
        for o, (name, kind) in ORGANISATIONS.items():
            body = {"organisation_code": o, "name": name, "kind": kind, "commune_code": COMMUNE}
            ok(client.post("/organisations", json=body, headers=officer))
        for i in range(1, 41):
            pairing = {
                "pairing_id": f"GD-{i:02d}",
                "organisation_code": org_of(i),
                "household_code": code(i),
                "starts_on": "2023-02-01",
                "target_year": 2023,
                "commitments": [{"kind": n, "value_vnd": 0} for n in NEEDS[i]],
            }
            ok(client.post("/pairings", json=pairing, headers=officer))
        give_per_need(client, officer)
        for i in range(1, 41):  # each sponsor visits its own households twice
            for n, day in enumerate(("2023-04-20", "2023-09-20")):
                visit = {
                    "visit_id": f"V-{i:02d}-{n}",
                    "pairing_id": f"GD-{i:02d}",
                    "visited_on": day,
                    "notes": "Kiểm tra chuồng trại, vườn quế",
                }
                ok(client.post("/pairings/visits", json=visit, headers=sponsors[org_of(i)]))
        hnd = client.get("/pairings", headers=sponsors["HND"]).json()
        hnd_elsewhere = client.get(f"/pairings/GD-{6:02d}", headers=sponsors["HND"])
        register(  # the 2023 review
            client.app,
            *review(2023, {i: "not_poor" for i in ESCAPED} | {i: "near_poor" for i in NEAR_POOR}),  # type: ignore[arg-type]
        )
        escaped = client.get(
            "/records/totals", params={"household_status": "not_poor"}, headers=officer
        ).json()
        everyone = client.get("/records/totals", headers=officer).json()
        page = client.get("/records", params={"page_size": 20, "page": 3}, headers=officer).json()
        house = client.get(f"/households/{code(31)}/support", headers=officer).json()
        cow_bank = client.get("/revolving/models/BO-TBL-2023/fund", headers=officer).json()
        portfolio = client.get("/loans/portfolio", headers=officer).json()

    assert needs["household"]["needs"] == ["housing"]
    assert "lack_capital" in needs["household"]["causes"]
    # the Farmers' Union sees its five households, visited twice each, and no one else's
    assert [p["household_code"] for p in hnd] == [code(i) for i in range(1, 6)]
    assert {p["visits"] for p in hnd} == {2}
    assert hnd_elsewhere.status_code == 403
    # who received what: 8 cows, 14 seedling lots, 14 loans, 10 houses (two sources each)
    assert everyone["by_kind"] == {
        "production": 8 * COW + 14 * SEEDLINGS,
        "credit": 14 * LOAN,
        "housing": 10 * FFP,
    }
    assert everyone["records"] == 8 + 14 + 14 + 10
    assert page["total"] == everyone["records"]
    assert len(page["items"]) == 6
    # who escaped, with which support (6 cows, 11 seedling lots, 9 loans, 5 houses)
    assert escaped["by_kind"] == {
        "production": 6 * COW + 11 * SEEDLINGS,
        "credit": 9 * LOAN,
        "housing": 5 * FFP,
    }
    assert house["household"]["recognised_status"] == "not_poor"
    assert house["housing"][0]["status"] == "completed"
    assert cow_bank["owed_heads"] == 8
    assert next(r for r in portfolio["rows"] if r["commune_code"] == "*")["loans"] == 14
