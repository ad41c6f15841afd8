"""Area rules of routes whose area comes from the body or a stored record, on a real Redis and
database: a caller allowed in one commune is refused (403) or filtered everywhere else, and
nothing is written for a refused request. ``tests/unit/test_access_rules.py`` requires a
scenario here for every such route."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from services.access.adapters.keys import Signer
from services.access.app import create_app as access_app
from services.access.service import AccessService
from services.access.settings import AccessSettings
from services.assessment.app import create_app as assessment_app
from services.assessment.app import create_runtime as assessment_runtime
from services.assessment.service import AssessmentUnitOfWork, assess_surveys
from services.assessment.settings import AssessmentSettings
from services.intake.adapters.tables import surveys
from services.intake.app import create_app as intake_app
from services.intake.domain.layout import HOUSEHOLDS, MEMBERS
from services.intake.settings import IntakeSettings
from services.reporting.adapters.repository import ReportingUnitOfWork
from services.reporting.app import create_app as reporting_app
from services.reporting.service import apply_classifications
from services.reporting.settings import ReportingSettings
from services.support.adapters.uow import SupportUnitOfWork
from services.support.app import create_app as support_app
from services.support.settings import SupportSettings
from services.support.usecases.register import register_classifications
from shared.contracts.audit import AuditPayload, AuditRecorded
from shared.db import create_db_engine
from shared.migrations import upgrade
from tests import support_api
from tests.factories import classified_event, recognised_event, surveyed_event
from tests.tokens import Minter
from tests.unit.intake.builders import family, household

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "survey.json"
KOBO = Path(__file__).resolve().parents[1] / "unit" / "intake" / "data" / "kobo-submission.json"
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def survey_body(n: int, commune: str, village: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    body.update(
        survey_id=f"AC-{n}", household_code=f"AC-HH-{n}", commune_code=commune, village_code=village
    )
    return body


def stored_surveys(database_url: str) -> int:
    engine = create_db_engine(database_url)
    with engine.connect() as conn:
        n = int(conn.execute(sa.select(sa.func.count()).select_from(surveys)).scalar_one())
    engine.dispose()
    return n


# intake ----------------------------------------------------------------------------------------


def test_survey_for_another_commune_is_forbidden(
    redis_url: str, database_url: str, minter: Minter
) -> None:
    officer = minter.headers("commune_officer", ["commune:04570"])
    collector = minter.headers("village_collector", ["village:04570-01"])
    settings = IntakeSettings(redis_url=redis_url, database_url=database_url)
    with TestClient(intake_app(settings)) as client:
        elsewhere = client.post(
            "/surveys", json=survey_body(1, "04681", "04681-01"), headers=officer
        )
        other_village = client.post(
            "/surveys", json=survey_body(2, "04570", "04570-02"), headers=collector
        )
        mine = client.post("/surveys", json=survey_body(3, "04570", "04570-01"), headers=collector)
    assert elsewhere.status_code == 403
    (problem,) = elsewhere.json()["detail"]
    assert problem["type"] == "area_not_allowed"
    assert "04681" in problem["message_vi"]
    assert other_village.status_code == 403
    assert mine.status_code == 201
    assert stored_surveys(database_url) == 1


def test_batch_items_outside_the_area_are_rejected(
    redis_url: str, database_url: str, minter: Minter
) -> None:
    officer = minter.headers("commune_officer", ["commune:04570"])
    settings = IntakeSettings(redis_url=redis_url, database_url=database_url)
    items = [survey_body(1, "04570", "04570-01"), survey_body(2, "04681", "04681-01")]
    with TestClient(intake_app(settings)) as client:
        answer = client.post("/surveys/batch", json=items, headers=officer)
    body = answer.json()
    assert answer.status_code == 200
    assert body["counts"] == {"created": 1, "duplicate": 0, "conflict": 0, "rejected": 1}
    assert body["results"][1]["errors"][0]["type"] == "area_not_allowed"
    assert stored_surveys(database_url) == 1


def _csv(records: list[dict[str, Any]], spec: Any) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.vi for c in spec.columns])
    for r in records:
        writer.writerow([r.get(c.key, "") for c in spec.columns])
    return out.getvalue().encode("utf-8")


def test_file_rows_outside_the_area_are_rejected(
    redis_url: str, database_url: str, minter: Minter
) -> None:
    officer = minter.headers("commune_officer", ["commune:04570"])
    households = [
        household("F-1"),
        household("F-2", commune_code="04681", village_code="04681-01"),
    ]
    members = [*family("F-1"), *family("F-2")]
    settings = IntakeSettings(redis_url=redis_url, database_url=database_url)
    with TestClient(intake_app(settings)) as client:
        answer = client.post(
            "/surveys/files",
            files={
                "file": ("ho.csv", _csv(households, HOUSEHOLDS)),
                "members": ("thanh-vien.csv", _csv(members, MEMBERS)),
            },
            headers=officer,
        )
    body = answer.json()
    assert answer.status_code == 200, body
    assert (body["created"], body["rejected"]) == (1, 1)
    assert {e["type"] for e in body["errors"]} == {"area_not_allowed"}
    assert stored_surveys(database_url) == 1


def test_form_token_only_posts_its_form_in_its_area(
    redis_url: str, database_url: str, minter: Minter
) -> None:
    submission = json.loads(KOBO.read_text(encoding="utf-8"))  # commune 04570, village 04570-02
    right = minter.headers("form_webhook", ["commune:04570"], form="giamngheo_phieu_b")
    other_form = minter.headers("form_webhook", ["commune:04570"], form="another_form")
    other_area = minter.headers("form_webhook", ["commune:04681"], form="giamngheo_phieu_b")
    officer = minter.headers("commune_officer", ["commune:04570"])  # a person, not the form
    settings = IntakeSettings(redis_url=redis_url, database_url=database_url)
    with TestClient(intake_app(settings)) as client:
        assert client.post("/forms/kobo", json=submission, headers=other_form).status_code == 403
        assert client.post("/forms/kobo", json=submission, headers=other_area).status_code == 403
        assert client.post("/forms/kobo", json=submission, headers=officer).status_code == 403
        assert stored_surveys(database_url) == 0
        assert client.post("/forms/kobo", json=submission, headers=right).status_code == 201


# assessment ------------------------------------------------------------------------------------


def test_registry_elsewhere_is_forbidden(redis_url: str, database_url: str, minter: Minter) -> None:
    """A household and its surveys are read in their area only; names only by those allowed
    to see personal data; citizen ids only ever masked; a search by citizen id is audited."""
    admin = minter.headers()
    officer = minter.headers("commune_officer", ["commune:04570"])
    elsewhere = minter.headers("commune_officer", ["commune:04681"])
    analyst = minter.headers("province_analyst", ["province:15"])
    settings = IntakeSettings(redis_url=redis_url, database_url=database_url)
    with TestClient(intake_app(settings)) as client:
        assert (
            client.post(
                "/surveys", json=survey_body(1, "04570", "04570-01"), headers=admin
            ).status_code
            == 201
        )
        mine = client.get("/households/AC-HH-1", headers=officer)
        other = client.get("/households/AC-HH-1", headers=elsewhere)
        survey_other = client.get("/surveys/AC-1", headers=elsewhere)
        survey_mine = client.get("/surveys/AC-1", headers=officer)
        by_analyst = client.get("/households/AC-HH-1", headers=analyst)
        listed_elsewhere = client.get("/households", headers=elsewhere)
        listed_by_analyst = client.get("/households", headers=analyst)
        find = "/households/search"
        search = client.post(find, json={"citizen_id": "015081234567"}, headers=officer)
        search_by_analyst = client.post(find, json={"name": "hoang van"}, headers=analyst)
        by_name = client.post(find, json={"name": "hoang van a"}, headers=officer)
        search_elsewhere = client.post(
            find, json={"name": "hoang", "commune_code": "04570"}, headers=elsewhere
        )
        missing = client.get("/households/NOPE", headers=admin)
    assert (other.status_code, survey_other.status_code) == (403, 403)
    assert (mine.status_code, survey_mine.status_code) == (200, 200)
    body = mine.json()
    assert body["head_name"] == "Hoàng Văn A"
    head = body["latest"]["payload"]["members"][0]
    assert head["citizen_id"] == "•••••••••567"
    assert survey_mine.json()["payload"]["members"][0]["citizen_id"] == "•••••••••567"
    assert by_analyst.status_code == 200
    assert "head_name" not in by_analyst.json()
    assert "citizen_id" not in by_analyst.json()["latest"]["payload"]["members"][0]
    assert listed_elsewhere.json()["total"] == 0
    (item,) = listed_by_analyst.json()["items"]
    assert item["household_code"] == "AC-HH-1"
    assert "head_name" not in item
    assert search.json()["total"] == 1
    assert search.json()["items"][0]["head_name"] == "Hoàng Văn A"
    assert by_name.json()["total"] == 1
    assert search_by_analyst.status_code == 403
    assert search_elsewhere.status_code == 403
    assert missing.status_code == 404
    assert "015081234567" not in mine.text + survey_mine.text + search.text
    engine = create_db_engine(database_url)
    with engine.connect() as conn:
        bodies = conn.execute(sa.text("SELECT body FROM outbox")).scalars().all()
    engine.dispose()
    searches = [json.loads(b)["payload"] for b in bodies if b"personal.searched" in b]
    assert sorted(p["target_id"] for p in searches) == ["citizen_id", "name"]
    assert all("015081234567" not in json.dumps(p) for p in searches)


def test_life_events_elsewhere_are_forbidden_and_applied_once_at_home(
    redis_url: str, database_url: str, minter: Minter
) -> None:
    """A household's move, split or dissolution is recorded by an officer of its area only;
    sent again it is not applied twice; its event carries codes, never the officer's note."""
    admin = minter.headers()
    officer = minter.headers("commune_officer", ["commune:04570"])
    elsewhere = minter.headers("commune_officer", ["commune:04681"])
    settings = IntakeSettings(redis_url=redis_url, database_url=database_url)
    split = {
        "change_id": "C-1",
        "kind": "split",
        "effective_on": "2026-11-02",
        "new_household_code": "AC-HH-1b",
        "member_nos": [2],
        "note": "Con trai Lò Văn B lập gia đình",
    }
    move = {
        "change_id": "C-2",
        "kind": "moved",
        "effective_on": "2026-11-03",
        "to_commune_code": "04681",
        "to_village_code": "04681-01",
    }
    with TestClient(intake_app(settings)) as client:
        client.post("/surveys", json=survey_body(1, "04570", "04570-01"), headers=admin)
        url = "/households/AC-HH-1/events"
        refused = client.post(url, json=split, headers=elsewhere)
        first = client.post(url, json=split, headers=officer)
        again = client.post(url, json=split, headers=officer)
        changed = client.post(url, json={**split, "member_nos": [1]}, headers=officer)
        into_itself = client.post(
            url,
            json={"change_id": "C-3", "kind": "merged", "effective_on": "2026-11-02",
                  "into_household_code": "AC-HH-1"},
            headers=officer,
        )  # fmt: skip
        moved = client.post(url, json=move, headers=officer)
        after_move = client.post(
            url,
            json={"change_id": "C-4", "kind": "dissolved", "effective_on": "2026-11-04",
                  "cause": "emigration"},
            headers=officer,
        )  # fmt: skip
        new_one = client.get("/households/AC-HH-1b", headers=officer)
        old_one = client.get("/households/AC-HH-1", headers=elsewhere)
    assert refused.status_code == 403
    assert (first.status_code, again.status_code, changed.status_code) == (201, 200, 409)
    assert into_itself.status_code == 422
    assert into_itself.json()["detail"][0]["type"] == "merge_self"
    assert moved.status_code == 201
    assert after_move.status_code == 403  # it lives in 04681 now
    assert new_one.json()["needs_survey"] is True
    assert new_one.json()["latest"] is None
    view = old_one.json()
    assert (view["commune_code"], view["needs_survey"]) == ("04681", True)
    assert [e["kind"] for e in view["life_events"]] == ["split", "moved"]
    engine = create_db_engine(database_url)
    with engine.connect() as conn:
        bodies = (
            conn.execute(sa.text("SELECT body FROM outbox WHERE stream = 'household.changed'"))
            .scalars()
            .all()
        )
    engine.dispose()
    assert len(bodies) == 2
    assert all(b"Con trai" not in b for b in bodies)


def test_one_person_in_two_households_is_found_and_resolved_in_the_area(
    redis_url: str, database_url: str, minter: Minter
) -> None:
    """The same citizen id in two households' latest surveys opens a finding (codes only on the
    stream); a new survey without the person closes it; found again, an officer of the area
    closes it with a reason, one elsewhere may not."""
    admin = minter.headers()
    officer = minter.headers("commune_officer", ["commune:04570"])
    elsewhere = minter.headers("commune_officer", ["commune:04681"])
    settings = IntakeSettings(redis_url=redis_url, database_url=database_url)
    first, second = survey_body(1, "04570", "04570-01"), survey_body(2, "04570", "04570-02")
    cid = first["members"][0]["citizen_id"]
    second["members"][0]["citizen_id"] = cid
    without = {**second, "survey_id": "AC-2b", "surveyed_at": "2026-10-05T09:00:00Z"}
    without["members"] = [{**second["members"][0], "citizen_id": "015099999999"},
                          *second["members"][1:]]  # fmt: skip
    again = {**second, "survey_id": "AC-2c", "surveyed_at": "2026-10-06T09:00:00Z"}
    with TestClient(intake_app(settings)) as client:
        client.post("/surveys", json=first, headers=admin)
        client.post("/surveys", json=second, headers=admin)
        found = client.get("/duplicates", headers=officer).json()
        none_elsewhere = client.get("/duplicates", headers=elsewhere).json()
        client.post("/surveys", json=without, headers=admin)
        after_resurvey = client.get("/duplicates", headers=officer).json()
        client.post("/surveys", json=again, headers=admin)
        (reopened,) = client.get("/duplicates", headers=officer).json()
        url = f"/duplicates/{reopened['duplicate_id']}/resolve"
        refused = client.post(url, json={"resolution": "person_moved"}, headers=elsewhere)
        closed = client.post(url, json={"resolution": "person_moved"}, headers=officer)
        bad = client.post(url, json={"resolution": "whatever"}, headers=officer)
        left = client.get("/duplicates", headers=officer).json()
    (finding,) = found
    assert {h["household_code"] for h in finding["households"]} == {"AC-HH-1", "AC-HH-2"}
    assert none_elsewhere == []
    assert after_resurvey == []
    assert reopened["duplicate_id"] == finding["duplicate_id"]
    assert refused.status_code == 403
    assert closed.json()["status"] == "resolved"
    assert bad.status_code == 422
    assert left == []
    engine = create_db_engine(database_url)
    with engine.connect() as conn:
        bodies = (
            conn.execute(
                sa.text("SELECT body FROM outbox WHERE stream = 'household.duplicate' ORDER BY id")
            )
            .scalars()
            .all()
        )
    engine.dispose()
    actives = [json.loads(b)["payload"]["active"] for b in bodies]
    assert actives == [True, False, True, False]
    assert all(cid.encode() not in b for b in bodies)


def _assessed(redis_url: str, database_url: str) -> AssessmentSettings:
    """Two households surveyed: HH-1 in commune 04570, HH-2 in commune 04681."""
    settings = AssessmentSettings(redis_url=redis_url, database_url=database_url)
    rt, rules, _ = assessment_runtime(settings)
    upgrade(rt.engine, rt.migrations)
    events = [
        surveyed_event(1),
        surveyed_event(2, commune_code="04681", village_code="04681-01"),
    ]
    assess_surveys(AssessmentUnitOfWork(rt.engine), events, rules, NOW)
    rt.engine.dispose()
    return settings


def test_household_of_another_commune_is_forbidden(
    redis_url: str, database_url: str, minter: Minter
) -> None:
    settings = _assessed(redis_url, database_url)
    officer = minter.headers("commune_officer", ["commune:04570"])
    with TestClient(assessment_app(settings)) as client:
        assert client.get("/households/HH-0000001", headers=officer).status_code == 200
        assert client.get("/households/HH-0000002", headers=officer).status_code == 403
        assert client.get("/households/HH-0009999", headers=officer).status_code == 404


def test_review_of_another_commune_is_forbidden(
    redis_url: str, database_url: str, minter: Minter
) -> None:
    settings = _assessed(redis_url, database_url)
    officer = minter.headers("commune_officer", ["commune:04570"])
    vote = {"held_on": "2026-11-10", "attendees": 20, "agreeing": 15}
    decision = {"decision_no": "12/QĐ-UBND", "decided_on": "2026-11-15"}
    with TestClient(assessment_app(settings)) as client:
        theirs = client.post("/households/HH-0000002/meetings", json=vote, headers=officer)
        batch = client.post(
            "/meetings",
            json=[{**vote, "household_code": c} for c in ("HH-0000001", "HH-0000002")],
            headers=officer,
        )
        recognition = client.post(
            "/households/HH-0000002/recognition", json=decision, headers=officer
        )
        mine = client.post("/households/HH-0000001/meetings", json=vote, headers=officer)
        recognised = client.post(
            "/households/HH-0000001/recognition", json=decision, headers=officer
        )
    assert theirs.status_code == 403
    assert batch.status_code == 403  # one household elsewhere: nothing recorded
    assert recognition.status_code == 403
    assert mine.status_code == 200
    assert recognised.status_code == 200
    engine = create_db_engine(database_url)
    with engine.connect() as conn:
        meetings = conn.execute(sa.text("SELECT household_code FROM village_meeting")).all()
        decided = conn.execute(
            sa.text("SELECT decision_no, decided_by_name FROM recognition_decision")
        ).all()
    engine.dispose()
    assert [m[0] for m in meetings] == ["HH-0000001"]
    assert [tuple(d) for d in decided] == [("12/QĐ-UBND", "tester")]


def test_whatif_without_a_commune_covers_only_my_communes(
    redis_url: str, database_url: str, minter: Minter
) -> None:
    settings = _assessed(redis_url, database_url)
    officer = minter.headers("commune_officer", ["commune:04570"])
    analyst = minter.headers("province_analyst", ["province:15"])
    with TestClient(assessment_app(settings)) as client:
        mine = client.get("/whatif", headers=officer).json()
        everything = client.get("/whatif", headers=analyst).json()
    assert mine["households"] == 1
    assert everything["households"] == 2


# support ---------------------------------------------------------------------------------------


def test_support_for_a_household_elsewhere_is_forbidden(
    redis_url: str, database_url: str, minter: Minter
) -> None:
    settings = SupportSettings(redis_url=redis_url, database_url=database_url)
    app = support_app(settings)
    with TestClient(app) as client:
        register_classifications(
            SupportUnitOfWork(app.state.runtime.engine),
            [
                recognised_event("HH-0000001", recognised_on=date(2026, 10, 20)),
                recognised_event(
                    "HH-0000002", recognised_on=date(2026, 10, 20), commune_code="04681"
                ),
            ],
            NOW,
        )
        officer = minter.headers("support_officer", ["commune:04570"])
        base = {
            "kind": "production",
            "programme_code": "NTP2026.C1",
            "funding_source": "central_budget",
            "amount_vnd": 5_000_000,
            "disbursed_on": "2026-11-05",
        }
        elsewhere = client.post(
            "/disbursements",
            json={**base, "disbursement_id": "D-2", "household_code": "HH-0000002"},
            headers=officer,
        )
        enrol = client.post(
            "/enrolments",
            json={
                "enrolment_id": "E-2",
                "household_code": "HH-0000002",
                "member_no": 1,
                "course": "may công nghiệp",
                "provider": "Trung tâm GDNN",
                "programme_code": "VT46",
                "starts_on": "2026-11-20",
            },
            headers=officer,
        )
        mine = client.post(
            "/disbursements",
            json={**base, "disbursement_id": "D-1", "household_code": "HH-0000001"},
            headers=officer,
        )
    assert elsewhere.status_code == 403
    assert enrol.status_code == 403
    assert mine.status_code == 201


HERE, THERE = "HH-0000001", "HH-0000002"  # commune 04570, commune 04681


def _two_communes(client: TestClient, admin: dict[str, str]) -> None:
    """A household in each commune, each with a loan, a cow, a card, a course, a house and a
    pairing recorded by the province administrator."""
    support_api.register(client.app, support_api.poor(HERE), support_api.poor(THERE, "04681"))  # type: ignore[arg-type]
    support_api.everything_for(client, admin, HERE, "04570")
    support_api.everything_for(client, admin, THERE, "04681")


def test_support_writes_for_households_elsewhere_are_forbidden(
    redis_url: str, database_url: str, minter: Minter, admin_headers: dict[str, str]
) -> None:
    officer = minter.headers("support_officer", ["commune:04570"])
    with support_api.support_client(redis_url, database_url) as client:
        support_api.register(client.app, support_api.poor(HERE), support_api.poor(THERE, "04681"))  # type: ignore[arg-type]
        client.post("/revolving/models", json=support_api.model("04681"), headers=admin_headers)
        client.post("/revolving/models", json=support_api.model("04570"), headers=admin_headers)
        client.post(
            "/organisations", json=support_api.organisation("ORG-T", "04681"), headers=admin_headers
        )
        attempts = {
            "/records": support_api.record("R-2", THERE),
            "/loans": support_api.loan(THERE),
            "/revolving/models": {**support_api.model("04681"), "model_code": "BO-2"},
            "/revolving/gifts": support_api.gift(THERE, "04681"),
            "/insurance/cards": support_api.card(THERE),
            "/training/enrolments": support_api.enrolment(THERE),
            "/housing": support_api.house(THERE),
            "/organisations": support_api.organisation("ORG-X", "04681"),
            "/pairings": support_api.pairing(THERE, "ORG-T"),
        }
        refused = {
            path: client.post(path, json=body, headers=officer).status_code
            for path, body in attempts.items()
        }
        province_wide = client.post(
            "/organisations", json=support_api.organisation("ORG-P", None), headers=officer
        )
        # my household, the other commune's cow bank: refused too
        theirs_model = client.post(
            "/revolving/gifts",
            json={**support_api.gift(HERE, "04681"), "record_id": "RV-mine"},
            headers=officer,
        )
        batch = client.post(
            "/records/batch",
            json=[support_api.record("R-1", HERE), support_api.record("R-3", THERE)],
            headers=officer,
        )
        history = client.get(f"/households/{THERE}/support", headers=admin_headers).json()
    assert refused == dict.fromkeys(attempts, 403)
    assert province_wide.status_code == 403
    assert theirs_model.status_code == 403
    assert batch.status_code == 200
    body = batch.json()
    assert body["counts"] == {"created": 1, "duplicate": 0, "conflict": 0, "rejected": 1}
    assert body["results"][1]["errors"][0]["type"] == "forbidden"
    assert history["records"] == []  # nothing was written for the household elsewhere


def test_follow_up_facts_on_records_elsewhere_are_forbidden(
    redis_url: str, database_url: str, minter: Minter, admin_headers: dict[str, str]
) -> None:
    officer = minter.headers("support_officer", ["commune:04570"])

    def facts(hh: str, commune: str, n: int) -> dict[str, dict[str, Any]]:
        return {
            "/loans/repayments": {
                "repayment_id": f"LR-{n}",
                "loan_id": f"L-{hh}",
                "paid_on": "2025-06-01",
                "principal_vnd": 1_000_000,
            },
            "/loans/extensions": {
                "extension_id": f"LX-{n}",
                "loan_id": f"L-{hh}",
                "extended_on": "2025-06-01",
                "instalment_due_on": "2026-01-15",
                "new_due_on": "2026-07-15",
                "reason_code": "natural_disaster",
            },
            "/loans/write-offs": {
                "write_off_id": f"LW-{n}",
                "loan_id": f"L-{hh}",
                "written_off_on": "2025-06-02",
                "interest_vnd": 1,
                "reason_code": "natural_disaster",
            },
            "/revolving/capital": {
                "entry_id": f"CAP-{n}",
                "model_code": f"BO-{commune}",
                "amount_vnd": 5_000_000,
                "on": "2025-02-01",
            },
            "/revolving/livestock": {
                "event_id": f"B-{n}",
                "obligation_id": f"RV-{hh}",
                "kind": "birth",
                "on": "2025-09-01",
                "count": 1,
            },
            "/revolving/repayments": {
                "repayment_id": f"RR-{n}",
                "obligation_id": f"RV-{hh}",
                "on": "2025-09-02",
                "amount_vnd": 1_000_000,
            },
            "/housing/completions": {"case_id": f"NHA-{hh}", "completed_on": "2025-10-01"},
            "/training/drops": {"enrolment_id": f"T-{hh}", "dropped_on": "2025-04-01"},
            "/pairings/ends": {
                "pairing_id": f"GD-{hh}",
                "ended_on": "2025-12-01",
                "outcome": "escaped_poverty",
            },
        }

    with support_api.support_client(redis_url, database_url) as client:
        _two_communes(client, admin_headers)
        theirs = {
            path: client.post(path, json=body, headers=officer).status_code
            for path, body in facts(THERE, "04681", 2).items()
        }
        other = {"obligation_id": f"RV-{HERE}", "on": "2025-11-01", "quantity": 1}
        pass_elsewhere = client.post(  # my household's cow, to a household elsewhere
            "/revolving/pass-ons",
            json={**other, "pass_on_id": "P-1", "to_household_code": THERE, "to_record_id": "X"},
            headers=officer,
        )
        completion = {
            "enrolment_id": f"T-{THERE}",
            "completed_on": "2025-05-01",
            "certificate": "so_cap",
            "occupation": "thợ may",
        }
        placed = {"enrolment_id": f"T-{THERE}", "outcome": "local_job", "employed_on": "2025-06-01"}
        trained = [
            client.post("/training/completions", json=completion, headers=officer).status_code,
            client.post("/training/employment", json=placed, headers=officer).status_code,
        ]
        mine = {
            path: client.post(path, json=body, headers=officer).status_code
            for path, body in facts(HERE, "04570", 1).items()
        }
    assert theirs == dict.fromkeys(theirs, 403)
    assert pass_elsewhere.status_code == 403
    assert trained == [403, 403]
    # mine pass the area rule; a cow is owed back as a calf, not in cash (the rule's 422)
    assert mine == {**dict.fromkeys(mine, 201), "/revolving/repayments": 422}


def test_support_reads_elsewhere_are_forbidden(
    redis_url: str, database_url: str, minter: Minter, admin_headers: dict[str, str]
) -> None:
    officer = minter.headers("support_officer", ["commune:04570"])

    def reads(hh: str, commune: str) -> list[str]:
        return [
            f"/households/{hh}/support",
            f"/households/{hh}/eligibility?programme_code=NTP2021.P3.1&kind=production"
            "&on=2025-03-01",
            f"/households/{hh}/obligations",
            f"/households/{hh}/members/2/training",
            f"/records/RV-{hh}",
            f"/loans/L-{hh}",
            f"/revolving/models/BO-{commune}/chains",
            f"/revolving/models/BO-{commune}/fund",
        ]

    with support_api.support_client(redis_url, database_url) as client:
        _two_communes(client, admin_headers)
        theirs = {
            url: client.get(url, headers=officer).status_code for url in reads(THERE, "04681")
        }
        mine = {url: client.get(url, headers=officer).status_code for url in reads(HERE, "04570")}
        listed = client.get("/records", headers=officer).json()
        models = client.get("/revolving/models", headers=officer).json()
        totals = client.get("/records/totals", headers=officer).json()
    assert theirs == dict.fromkeys(theirs, 403)
    assert mine == dict.fromkeys(mine, 200)
    assert {r["commune_code"] for r in listed["items"]} == {"04570"}
    assert [m["model_code"] for m in models] == ["BO-04570"]
    assert totals["records"] == listed["total"]


def test_sponsor_sees_and_visits_only_its_own_pairings(
    redis_url: str, database_url: str, minter: Minter, admin_headers: dict[str, str]
) -> None:
    mine = minter.headers("sponsor", ["org:ORG-04570"])
    officer = minter.headers("support_officer", ["commune:04681"])
    with support_api.support_client(redis_url, database_url) as client:
        _two_communes(client, admin_headers)
        own = client.get("/pairings", headers=mine).json()
        own_org = client.get("/organisations/ORG-04570/pairings", headers=mine)
        other_org = client.get("/organisations/ORG-04681/pairings", headers=mine)
        organisations = client.get("/organisations", headers=mine).json()
        detail = client.get(f"/pairings/GD-{HERE}", headers=mine)
        theirs = client.get(f"/pairings/GD-{THERE}", headers=mine)
        visit = {"visited_on": "2025-04-20", "notes": "Thăm chuồng bò"}
        visited = client.post(
            "/pairings/visits",
            json={**visit, "visit_id": "V-1", "pairing_id": f"GD-{HERE}"},
            headers=mine,
        )
        not_theirs = client.post(
            "/pairings/visits",
            json={**visit, "visit_id": "V-2", "pairing_id": f"GD-{THERE}"},
            headers=mine,
        )
        officer_visit = client.post(  # an officer of the household's commune records it
            "/pairings/visits",
            json={**visit, "visit_id": "V-3", "pairing_id": f"GD-{THERE}"},
            headers=officer,
        )
        officer_elsewhere = client.get(f"/pairings/GD-{HERE}", headers=officer)
        officer_list = client.get("/pairings", headers=officer).json()
        history = client.get(f"/households/{HERE}/support", headers=mine)
    assert [p["pairing_id"] for p in own] == [f"GD-{HERE}"]
    assert [p["household_code"] for p in own_org.json()] == [HERE]
    assert other_org.status_code == 403
    assert [o["organisation_code"] for o in organisations] == ["ORG-04570"]
    assert detail.status_code == 200
    assert detail.json()["household"]["household_code"] == HERE
    assert "name" not in detail.json()["household"]
    assert theirs.status_code == 403
    assert visited.status_code == 201
    assert not_theirs.status_code == 403
    assert officer_visit.status_code == 201
    assert officer_elsewhere.status_code == 403
    assert [p["pairing_id"] for p in officer_list] == [f"GD-{THERE}"]
    assert history.status_code == 403  # a sponsor reads its pairings, not the whole ledger


# reporting -------------------------------------------------------------------------------------


def commune_of(row: dict[str, Any]) -> str | None:
    if "commune_code" in row:
        return str(row["commune_code"])
    if row["level"] == "commune":
        return str(row["area_code"])
    return str(row["parent_code"]) if row["level"] == "village" else None


def test_reports_show_only_my_communes(redis_url: str, database_url: str, minter: Minter) -> None:
    settings = ReportingSettings(redis_url=redis_url, database_url=database_url)
    app = reporting_app(settings)
    with TestClient(app) as client:
        apply_classifications(
            ReportingUnitOfWork(app.state.runtime.engine),
            [classified_event(1), classified_event(2, commune_code="04681")],
            NOW,
        )
        officer = minter.headers("commune_officer", ["commune:04570"])
        analyst = minter.headers("province_analyst", ["province:15"])
        for path in ("/reports/summary", "/reports/changes", "/reports/households"):
            asked = {"stage": "proposed"}
            mine = client.get(path, params=asked, headers=officer).json()["rows"]
            everything = client.get(path, params=asked, headers=analyst).json()["rows"]
            assert {commune_of(r) for r in mine} == {"04570"}, path
            assert {"04570", "04681"} <= {commune_of(r) for r in everything}, path
        support = client.get("/reports/support", headers=officer)
    assert support.status_code == 200


def test_report_book_routes_keep_to_my_area(
    redis_url: str, database_url: str, minter: Minter
) -> None:
    settings = ReportingSettings(redis_url=redis_url, database_url=database_url)
    app = reporting_app(settings)
    with TestClient(app) as client:
        apply_classifications(
            ReportingUnitOfWork(app.state.runtime.engine),
            [classified_event(1), classified_event(2, commune_code="04681")],
            NOW,
        )
        officer = minter.headers("commune_officer", ["commune:04570"])
        analyst = minter.headers("province_analyst", ["province:15"])
        asked = {"stage": "proposed"}
        for path in ("/reports/tables/summary", "/reports/mpi"):
            mine = client.get(path, params=asked, headers=officer).json()["rows"]
            everything = client.get(path, params=asked, headers=analyst).json()["rows"]
            assert {r["area"]["code"] for r in mine} <= {"04570", "04570-01"}, path
            assert {"04570", "04681"} <= {r["area"]["code"] for r in everything}, path
            there = client.get(path, params={**asked, "area": "04681"}, headers=officer)
            assert there.status_code == 403, path
        areas = client.get("/reports/areas", headers=officer).json()
        assert {a["code"] for a in areas} >= {"04570", "04570-01"}
        assert {a["code"][:5] for a in areas} == {"04570"}
        book = client.get("/reports/book", params=asked, headers=officer).json()
        assert all(r["area"]["code"].startswith("04570") for t in book["tables"] for r in t["rows"])
        assert (
            client.get(
                "/reports/export", params={**asked, "area": "04681"}, headers=officer
            ).status_code
            == 403
        )
        assert (
            client.get(
                "/reports/lists/poor", params={**asked, "area": "04681"}, headers=officer
            ).status_code
            == 403
        )
        assert (
            client.get(
                "/reports/targets", params={"year": 2026, "area": "04681"}, headers=officer
            ).status_code
            == 403
        )
        assert (
            client.get(
                "/reports/support-outcomes", params={**asked, "area": "04681"}, headers=officer
            ).status_code
            == 403
        )
        assert (
            client.get(
                "/reports/plan-vs-actual", params={"area": "04681"}, headers=officer
            ).status_code
            == 403
        )
        plans_mine = client.get("/reports/plan-vs-actual", headers=officer).json()["rows"]
        assert [r["area_code"] for r in plans_mine] == ["04570"]
        body = {
            "items": [
                {
                    "review_year": 2026,
                    "area_code": "04570",
                    "measure": "poor_rate",
                    "planned_reduction": "1",
                }
            ]
        }
        assert client.put("/reports/targets", json=body, headers=officer).status_code == 403


# access ----------------------------------------------------------------------------------------


def test_audit_trail_is_filtered_to_the_auditors_area(
    redis_url: str, database_url: str, tmp_path: Path
) -> None:
    settings = AccessSettings(
        redis_url=redis_url, database_url=database_url, keys_dir=str(tmp_path / "keys")
    )
    app = access_app(settings)
    with TestClient(app) as client:
        svc = AccessService(app.state.runtime.engine, None, settings)  # type: ignore[arg-type]
        events = [
            AuditRecorded.create(
                AuditPayload(
                    actor_id="u1",
                    actor_name="can-bo",
                    actor_roles="commune_officer",
                    service="assessment",
                    action="recognition.decided",
                    target_kind="household",
                    target_id=f"HH-{commune}",
                    commune_code=commune,
                ),
                producer="assessment",
            )
            for commune in ("04570", "04681")
        ]
        svc.append_events(events, NOW)
        signer = Signer.load_or_create(tmp_path / "keys", "giamngheo", "giamngheo")

        def auditor(area: str) -> dict[str, str]:  # the access service trusts its own key only
            grants = [{"role": "auditor", "areas": [area]}]
            token = signer.sign("aud-1", ttl_s=600, claims={"name": "kiem-toan", "grants": grants})
            return {"Authorization": f"Bearer {token}"}

        province = auditor("province:15")
        commune = auditor("commune:04570")
        answer = client.get("/audit", headers=province)
        assert answer.status_code == 200, answer.text
        all_entries = answer.json()["entries"]
        mine = client.get("/audit", headers=commune).json()["entries"]
        asked_elsewhere = client.get("/audit?commune=04681", headers=commune).json()["entries"]
    assert {e["commune_code"] for e in all_entries} >= {"04570", "04681"}
    assert {e["commune_code"] for e in mine} == {"04570"}
    assert asked_elsewhere == []


def _plan(plan_id: str, level: str, area: str) -> dict[str, Any]:
    return {
        "plan_id": plan_id,
        "level": level,
        "area_code": area,
        "year": 2025,
        "adopted_on": "2025-01-10",
        "allocations": [
            {"component": "NTP2021.P3.1", "source": "central", "amount_vnd": 100_000_000}
        ],
    }


def test_plan_routes_elsewhere_are_forbidden_or_filtered(
    redis_url: str, database_url: str, minter: Minter, admin_headers: dict[str, str]
) -> None:
    """An officer of commune 04570 (plans and support there) cannot write plans, needs,
    projects, trainings, obstacles, commitments or assignments for commune 04681, its former
    district or the province, and lists show only what covers 04570."""
    officer = minter.headers(
        grants=[
            {"role": "commune_officer", "areas": ["commune:04570"]},
            {"role": "support_officer", "areas": ["commune:04570"]},
        ]
    )
    mine, theirs = support_api.poor(HERE), support_api.poor(THERE, "04681")
    need = {
        "village_code": "04681-01",
        "meeting_on": "2025-02-01",
        "component": "NTP2021.P3.1",
        "kind": "production",
    }
    project = {
        "name": "Trồng quế",
        "component": "NTP2021.P3.1",
        "group_kind": "cooperative",
        "group_name": "HTX",
        "state_vnd": 10_000_000,
        "starts_on": "2025-03-01",
    }
    activity = {
        "kind": "communication",
        "component": "NTP2021.P6.2",
        "topic": "Tuyên truyền",
        "held_on": "2025-03-01",
        "attendees": 80,
    }
    obstacle = {
        "raised_by": "04681",
        "addressed_to": "ubnd-tinh",
        "statement": "Thiếu vốn đối ứng",
        "raised_on": "2025-03-01",
    }
    with support_api.support_client(redis_url, database_url) as client:
        support_api.register(client.app, mine, theirs)  # type: ignore[arg-type]
        setup = [
            ("/plans", _plan("KH-T", "commune", "04681")),
            ("/plans", _plan("KH-H", "commune", "04570")),
            ("/needs", {"need_id": "N-T", "household_code": THERE, **need}),
            ("/projects", {"project_id": "DA-T", "commune_code": "04681", "members": [THERE]}),
            ("/capacity", {"activity_id": "TT-T", "level": "commune", "area_code": "04681"}),
            ("/obstacles", {"obstacle_id": "KN-T", "level": "commune", "area_code": "04681"}),
            ("/escape-commitments", {"commitment_id": "CK-T", "household_code": THERE}),
        ]
        extra = {
            "/projects": project,
            "/capacity": activity,
            "/obstacles": obstacle,
            "/escape-commitments": {"target_year": 2025, "committed_on": "2025-01-05"},
        }
        for path, body in setup:
            made = client.post(path, json={**body, **extra.get(path, {})}, headers=admin_headers)
            assert made.status_code == 201, (path, made.text)
        attempts = {
            "/plans": _plan("KH-X", "commune", "04681"),
            "/plans (district)": _plan("KH-D", "former_district", "138"),
            "/plans (province)": _plan("KH-P", "province", "15"),
            "/plans/KH-T/revisions": {
                "revision_id": "DC-1",
                "reason": "x",
                "revised_on": "2025-02-01",
            },
            "/needs": {"need_id": "N-X", "household_code": THERE, **need},
            "/needs/N-T/decisions": {"status": "approved", "on": "2025-02-02"},
            "/projects": {
                "project_id": "DA-X",
                "commune_code": "04681",
                "members": [THERE],
                **project,
            },
            "/projects/DA-T/outcomes": {
                "assessed_on": "2025-06-01",
                "output_value_vnd": 1,
                "replicable": False,
            },
            "/capacity": {
                "activity_id": "TT-X",
                "level": "former_district",
                "area_code": "138",
                **activity,
            },
            "/obstacles": {
                "obstacle_id": "KN-X",
                "level": "commune",
                "area_code": "04681",
                **obstacle,
            },
            "/obstacles/KN-T/decisions": {"decision": "Đồng ý", "decided_on": "2025-04-01"},
            "/escape-commitments": {
                "commitment_id": "CK-X",
                "household_code": THERE,
                "target_year": 2025,
                "committed_on": "2025-01-05",
            },
            "/escape-commitments/rewards": {
                "reward_id": "KT-X",
                "commitment_id": "CK-T",
                "on": "2025-01-06",
                "kind": "praise",
            },
            "/assignments": {
                "assignment_id": "PC-X",
                "official_code": "CB-1",
                "commune_code": "04681",
                "village_code": "04681-01",
                "starts_on": "2025-01-05",
            },
        }
        refused = {
            label: client.post(label.split(" ")[0], json=body, headers=officer).status_code
            for label, body in attempts.items()
        }
        own = client.post(
            "/plans", json={**_plan("KH-2", "commune", "04570"), "year": 2026}, headers=officer
        )
        plans_seen = client.get("/plans", headers=officer).json()
        their_plan = client.get("/plans/KH-T", headers=officer)
        my_plan = client.get("/plans/KH-H", headers=officer)
        province_table = client.get(
            "/plans/vs-actual",
            params={"level": "province", "area_code": "15", "year": 2025},
            headers=officer,
        )
        own_table = client.get(
            "/plans/vs-actual",
            params={"level": "commune", "area_code": "04570", "year": 2025},
            headers=officer,
        )
        capacity_seen = client.get("/capacity", headers=officer).json()
        obstacles_seen = client.get("/obstacles", headers=officer).json()
        all_obstacles = client.get("/obstacles", headers=admin_headers).json()
    assert refused == dict.fromkeys(attempts, 403)
    assert own.status_code == 201, own.text
    assert [p["plan_id"] for p in plans_seen] == ["KH-H", "KH-2"]
    assert their_plan.status_code == 403
    assert my_plan.status_code == 200, my_plan.text
    detail = my_plan.json()
    assert detail["plan"]["communes"] == ["04570"]
    assert detail["execution"]["money"][0]["allocated_vnd"] == 100_000_000
    assert [r["version"] for r in detail["revisions"]] == [1]
    assert province_table.status_code == 403
    assert own_table.status_code == 200
    assert own_table.json()["areas"][0]["plan_id"] == "KH-H"
    assert capacity_seen == []
    assert obstacles_seen == []
    assert [o["obstacle_id"] for o in all_obstacles] == ["KN-T"]
