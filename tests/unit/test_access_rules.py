"""Every route of every service knows who is calling.

Walks each service's OpenAPI document: every operation declares its rule (``x-access``); every
non-public one answers 401 without a token; every one that takes its area from the path or the
query string answers 403 to a caller allowed elsewhere. Routes whose area comes from the body or
a stored record are checked by a scenario named in ``SCENARIOS`` (tests/integration/
test_access_scenarios.py), so a new route fails here until its rule and its test exist.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.access.adapters.keys import Signer
from services.cli import SETTINGS, build_app, settings_class
from shared.access.model import Perm, role_table
from tests.tokens import Minter

SERVICES = tuple(SETTINGS)

PLAN_SCENARIO = "test_plan_routes_elsewhere_are_forbidden_or_filtered"
SCENARIOS: dict[tuple[str, str, str], str] = {
    ("intake", "POST", "/surveys"): "test_survey_for_another_commune_is_forbidden",
    ("intake", "POST", "/surveys/batch"): "test_batch_items_outside_the_area_are_rejected",
    ("intake", "POST", "/surveys/files"): "test_file_rows_outside_the_area_are_rejected",
    ("intake", "POST", "/forms/kobo"): "test_form_token_only_posts_its_form_in_its_area",
    ("intake", "GET", "/households/{household_code}"): "test_registry_elsewhere_is_forbidden",
    ("intake", "GET", "/surveys/{survey_id}"): "test_registry_elsewhere_is_forbidden",
    ("intake", "POST", "/households/search"): "test_registry_elsewhere_is_forbidden",
    ("intake", "POST", "/duplicates/{duplicate_id}/resolve"): (
        "test_one_person_in_two_households_is_found_and_resolved_in_the_area"
    ),
    ("intake", "POST", "/households/{household_code}/events"): (
        "test_life_events_elsewhere_are_forbidden_and_applied_once_at_home"
    ),
    ("assessment", "GET", "/households/{household_code}"): (
        "test_household_of_another_commune_is_forbidden"
    ),
    ("assessment", "POST", "/households/{household_code}/meetings"): (
        "test_review_of_another_commune_is_forbidden"
    ),
    ("assessment", "POST", "/households/{household_code}/recognition"): (
        "test_review_of_another_commune_is_forbidden"
    ),
    ("assessment", "POST", "/meetings"): "test_review_of_another_commune_is_forbidden",
    ("assessment", "GET", "/whatif"): "test_whatif_without_a_commune_covers_only_my_communes",
    ("support", "POST", "/disbursements"): "test_support_for_a_household_elsewhere_is_forbidden",
    ("support", "POST", "/enrolments"): "test_support_for_a_household_elsewhere_is_forbidden",
    ("support", "POST", "/records"): "test_support_writes_for_households_elsewhere_are_forbidden",
    ("support", "POST", "/records/batch"): (
        "test_support_writes_for_households_elsewhere_are_forbidden"
    ),
    ("support", "POST", "/loans"): "test_support_writes_for_households_elsewhere_are_forbidden",
    ("support", "POST", "/revolving/models"): (
        "test_support_writes_for_households_elsewhere_are_forbidden"
    ),
    ("support", "POST", "/revolving/gifts"): (
        "test_support_writes_for_households_elsewhere_are_forbidden"
    ),
    ("support", "POST", "/insurance/cards"): (
        "test_support_writes_for_households_elsewhere_are_forbidden"
    ),
    ("support", "POST", "/training/enrolments"): (
        "test_support_writes_for_households_elsewhere_are_forbidden"
    ),
    ("support", "POST", "/housing"): "test_support_writes_for_households_elsewhere_are_forbidden",
    ("support", "POST", "/organisations"): (
        "test_support_writes_for_households_elsewhere_are_forbidden"
    ),
    ("support", "POST", "/pairings"): "test_support_writes_for_households_elsewhere_are_forbidden",
    ("support", "POST", "/loans/repayments"): (
        "test_follow_up_facts_on_records_elsewhere_are_forbidden"
    ),
    ("support", "POST", "/loans/extensions"): (
        "test_follow_up_facts_on_records_elsewhere_are_forbidden"
    ),
    ("support", "POST", "/loans/write-offs"): (
        "test_follow_up_facts_on_records_elsewhere_are_forbidden"
    ),
    ("support", "POST", "/revolving/capital"): (
        "test_follow_up_facts_on_records_elsewhere_are_forbidden"
    ),
    ("support", "POST", "/revolving/livestock"): (
        "test_follow_up_facts_on_records_elsewhere_are_forbidden"
    ),
    ("support", "POST", "/revolving/pass-ons"): (
        "test_follow_up_facts_on_records_elsewhere_are_forbidden"
    ),
    ("support", "POST", "/revolving/repayments"): (
        "test_follow_up_facts_on_records_elsewhere_are_forbidden"
    ),
    ("support", "POST", "/housing/completions"): (
        "test_follow_up_facts_on_records_elsewhere_are_forbidden"
    ),
    ("support", "POST", "/training/completions"): (
        "test_follow_up_facts_on_records_elsewhere_are_forbidden"
    ),
    ("support", "POST", "/training/drops"): (
        "test_follow_up_facts_on_records_elsewhere_are_forbidden"
    ),
    ("support", "POST", "/training/employment"): (
        "test_follow_up_facts_on_records_elsewhere_are_forbidden"
    ),
    ("support", "POST", "/pairings/ends"): (
        "test_follow_up_facts_on_records_elsewhere_are_forbidden"
    ),
    ("support", "GET", "/households/{household_code}/support"): (
        "test_support_reads_elsewhere_are_forbidden"
    ),
    ("support", "GET", "/households/{household_code}/eligibility"): (
        "test_support_reads_elsewhere_are_forbidden"
    ),
    ("support", "GET", "/households/{household_code}/obligations"): (
        "test_support_reads_elsewhere_are_forbidden"
    ),
    ("support", "GET", "/households/{household_code}/members/{member_no}/training"): (
        "test_support_reads_elsewhere_are_forbidden"
    ),
    ("support", "GET", "/records/{record_id}"): "test_support_reads_elsewhere_are_forbidden",
    ("support", "GET", "/loans/{loan_id}"): "test_support_reads_elsewhere_are_forbidden",
    ("support", "GET", "/revolving/models/{model_code}/chains"): (
        "test_support_reads_elsewhere_are_forbidden"
    ),
    ("support", "GET", "/revolving/models/{model_code}/fund"): (
        "test_support_reads_elsewhere_are_forbidden"
    ),
    ("support", "GET", "/organisations"): "test_sponsor_sees_and_visits_only_its_own_pairings",
    ("support", "GET", "/organisations/{organisation_code}/pairings"): (
        "test_sponsor_sees_and_visits_only_its_own_pairings"
    ),
    ("support", "GET", "/pairings"): "test_sponsor_sees_and_visits_only_its_own_pairings",
    ("support", "GET", "/pairings/{pairing_id}"): (
        "test_sponsor_sees_and_visits_only_its_own_pairings"
    ),
    ("support", "POST", "/pairings/visits"): "test_sponsor_sees_and_visits_only_its_own_pairings",
    ("reporting", "GET", "/reports/households"): "test_reports_show_only_my_communes",
    ("reporting", "GET", "/reports/summary"): "test_reports_show_only_my_communes",
    ("support", "POST", "/plans"): PLAN_SCENARIO,
    ("support", "POST", "/plans/{plan_id}/revisions"): PLAN_SCENARIO,
    ("support", "GET", "/plans"): PLAN_SCENARIO,
    ("support", "GET", "/plans/vs-actual"): PLAN_SCENARIO,
    ("support", "GET", "/plans/{plan_id}"): PLAN_SCENARIO,
    ("support", "POST", "/needs"): PLAN_SCENARIO,
    ("support", "POST", "/needs/{need_id}/decisions"): PLAN_SCENARIO,
    ("support", "POST", "/projects"): PLAN_SCENARIO,
    ("support", "POST", "/projects/{project_id}/outcomes"): PLAN_SCENARIO,
    ("support", "POST", "/capacity"): PLAN_SCENARIO,
    ("support", "GET", "/capacity"): PLAN_SCENARIO,
    ("support", "POST", "/obstacles"): PLAN_SCENARIO,
    ("support", "POST", "/obstacles/{obstacle_id}/decisions"): PLAN_SCENARIO,
    ("support", "GET", "/obstacles"): PLAN_SCENARIO,
    ("support", "POST", "/escape-commitments"): PLAN_SCENARIO,
    ("support", "POST", "/escape-commitments/rewards"): PLAN_SCENARIO,
    ("support", "POST", "/assignments"): PLAN_SCENARIO,
    ("reporting", "GET", "/reports/changes"): "test_reports_show_only_my_communes",
    ("reporting", "GET", "/reports/support"): "test_reports_show_only_my_communes",
    ("reporting", "GET", "/reports/tables/{table}"): "test_report_book_routes_keep_to_my_area",
    ("reporting", "GET", "/reports/book"): "test_report_book_routes_keep_to_my_area",
    ("reporting", "GET", "/reports/areas"): "test_report_book_routes_keep_to_my_area",
    ("reporting", "GET", "/reports/mpi"): "test_report_book_routes_keep_to_my_area",
    ("reporting", "GET", "/reports/lists/{kind}"): "test_report_book_routes_keep_to_my_area",
    ("reporting", "GET", "/reports/targets"): "test_report_book_routes_keep_to_my_area",
    ("reporting", "PUT", "/reports/targets"): "test_report_book_routes_keep_to_my_area",
    ("reporting", "GET", "/reports/export"): "test_report_book_routes_keep_to_my_area",
    ("reporting", "GET", "/reports/support-outcomes"): "test_report_book_routes_keep_to_my_area",
    ("reporting", "GET", "/reports/plan-vs-actual"): "test_report_book_routes_keep_to_my_area",
    ("access", "GET", "/audit"): "test_audit_trail_is_filtered_to_the_auditors_area",
}
SCENARIO_FILE = Path(__file__).resolve().parents[1] / "integration" / "test_access_scenarios.py"


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, FastAPI]:
    folder = tmp_path_factory.mktemp("apps")
    out = {}
    for name in SERVICES:
        extra: dict[str, Any] = {"keys_dir": str(folder / "keys")} if name == "access" else {}
        settings = settings_class(name)(
            database_url=f"sqlite:///{folder / name}.db", redis_url="redis://127.0.0.1:1/0", **extra
        )
        out[name] = build_app(name, settings)
    return out


def operations(app: FastAPI) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in app.openapi()["paths"].items():
        for method, op in item.items():
            yield method.upper(), path, op


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "X-0000001", path)


def role_with(perm: Perm) -> str:
    return next(
        r.name for r in role_table().values() if perm in r.perms and r.name != "province_admin"
    )


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_declares_its_access_rule(service: str, apps: dict[str, FastAPI]) -> None:
    ops = list(operations(apps[service]))
    assert ops
    missing = [f"{m} {p}" for m, p, op in ops if "x-access" not in op]
    assert not missing


def test_an_app_with_an_unguarded_route_cannot_be_built(tmp_path: Path) -> None:
    from fastapi import APIRouter

    from shared.runtime import build_runtime, http_app

    module = importlib.import_module("services.reporting.adapters.tables")
    settings = settings_class("reporting")(database_url=f"sqlite:///{tmp_path}/r.db")
    rt = build_runtime(settings, module.metadata, module.plumbing, tmp_path)
    naked = APIRouter()

    @naked.get("/naked")
    async def unguarded() -> dict[str, str]:
        return {}

    with pytest.raises(RuntimeError, match="GET /naked"):
        http_app(rt, title="t", routers=[naked])


@pytest.mark.parametrize("service", SERVICES)
def test_every_guarded_route_refuses_a_request_without_a_token(
    service: str, apps: dict[str, FastAPI]
) -> None:
    client = TestClient(apps[service])
    checked = 0
    for method, path, op in operations(apps[service]):
        if op["x-access"].get("public"):
            continue
        answer = client.request(method, concrete(path), json={} if method != "GET" else None)
        assert answer.status_code == 401, f"{method} {path}: {answer.status_code} {answer.text}"
        (problem,) = answer.json()["detail"]
        assert problem["message_vi"]
        assert problem["message_en"]
        assert answer.headers["www-authenticate"] == "Bearer"
        checked += 1
    assert checked


@pytest.mark.parametrize("service", SERVICES)
def test_every_route_with_an_area_parameter_refuses_a_caller_from_another_area(
    service: str, apps: dict[str, FastAPI], minter: Minter
) -> None:
    client = TestClient(apps[service])
    for method, path, op in operations(apps[service]):
        rule = op["x-access"]
        area = rule.get("area", {})
        if area.get("in") not in ("path", "query"):
            continue
        perm = Perm(rule["perm"])
        elsewhere = minter.headers(role_with(perm), [f"{area.get('level', 'commune')}:99999"])
        url = concrete(path)
        params = {area["name"]: "04570"} if area["in"] == "query" else None
        if area["in"] == "path":
            url = path.replace("{" + area["name"] + "}", "04570")
            url = concrete(url)
        answer = client.request(
            method, url, params=params, headers=elsewhere, json={} if method != "GET" else None
        )
        assert answer.status_code == 403, f"{method} {path}: {answer.status_code} {answer.text}"
        assert answer.json()["detail"][0]["type"] == "forbidden"


@pytest.mark.parametrize("service", SERVICES)
def test_routes_with_body_resource_or_filtered_areas_have_an_area_scenario(
    service: str, apps: dict[str, FastAPI]
) -> None:
    scenarios = SCENARIO_FILE.read_text(encoding="utf-8")
    for method, path, op in operations(apps[service]):
        area = op["x-access"].get("area", {})
        if area.get("in") not in ("body", "resource", "filter"):
            continue
        name = SCENARIOS.get((service, method, path))
        assert name, f"{service} {method} {path}: add an area scenario to SCENARIOS"
        assert f"def {name}(" in scenarios, f"{name} is missing from {SCENARIO_FILE.name}"


def test_a_token_with_the_role_but_no_permission_is_forbidden(
    apps: dict[str, FastAPI], minter: Minter
) -> None:
    client = TestClient(apps["access"])
    keys = Path(apps["access"].state.runtime.settings.auth_jwks_file).parent
    signer = Signer.load_or_create(keys, "giamngheo", "giamngheo")
    grants = [{"role": "sponsor", "areas": ["org:hoi-phu-nu"]}]
    token = signer.sign("s-1", ttl_s=600, claims={"name": "hoi", "grants": grants})
    sponsor = {"Authorization": f"Bearer {token}"}
    assert client.get("/users", headers=sponsor).status_code == 403
    assert client.get("/audit", headers=sponsor).status_code == 403
