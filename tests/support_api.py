"""Support's HTTP API on a real database for tests: households registered as the consumer
would, and request bodies for every kind of write, built around one household."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.support.adapters.uow import SupportUnitOfWork
from services.support.app import create_app
from services.support.settings import SupportSettings
from services.support.usecases.register import register_classifications
from shared.contracts.classifications import HouseholdClassified
from tests.factories import member_profile, recognised_event

RECOGNISED_ON = date(2024, 12, 10)
NOW = datetime(2024, 12, 20, 3, 0, tzinfo=UTC)


@contextmanager
def support_client(redis_url: str, database_url: str, **settings: Any) -> Iterator[TestClient]:
    """The support service (consumer and relay running) behind a test client."""
    app = create_app(
        SupportSettings(redis_url=redis_url, database_url=database_url, poll_ms=50, **settings)
    )
    with TestClient(app) as client:
        yield client


def register(app: FastAPI, *events: HouseholdClassified) -> None:
    register_classifications(SupportUnitOfWork(app.state.runtime.engine), list(events), NOW)


def poor(code: str, commune: str = "04570", village: str | None = None) -> HouseholdClassified:
    """``code`` recognised poor on 10/12/2024, two working-age members."""
    return recognised_event(
        code,
        "poor",
        recognised_on=RECOGNISED_ON,
        commune_code=commune,
        village_code=village,
        members=[member_profile(1, age=35), member_profile(2, age=31)],
    )


def record(rid: str, household: str, **extra: Any) -> dict[str, Any]:
    return {
        "disbursement_id": rid,
        "household_code": household,
        "kind": "production",
        "programme_code": "NTP2021.P3.1",
        "funding_source": "central_budget",
        "amount_vnd": 5_000_000,
        "item": "giống ngô",
        "disbursed_on": "2025-03-01",
        **extra,
    }


def loan(household: str) -> dict[str, Any]:
    return {
        "loan_id": f"L-{household}",
        "household_code": household,
        "programme_code": "VBSP.POOR",
        "principal_vnd": 50_000_000,
        "term_months": 60,
        "disbursed_on": "2025-01-15",
    }


def model(commune: str) -> dict[str, Any]:
    return {
        "model_code": f"BO-{commune}",
        "name": "Ngân hàng bò",
        "programme_code": "NTP2021.P3.1",
        "commune_code": commune,
        "asset": "livestock",
        "species": "bo",
        "capital_vnd": 40_000_000,
        "started_on": "2025-01-05",
    }


def gift(household: str, commune: str) -> dict[str, Any]:
    return {
        "record_id": f"RV-{household}",
        "household_code": household,
        "model_code": f"BO-{commune}",
        "given_on": "2025-01-10",
        "quantity": 1,
        "amount_vnd": 18_000_000,
        "funding_source": "central_budget",
        "item": "bò cái sinh sản",
    }


def card(household: str) -> dict[str, Any]:
    return {
        "card_id": f"BHYT-{household}",
        "household_code": household,
        "member_no": 1,
        "valid_from": "2025-01-01",
        "valid_to": "2025-12-31",
        "premium_vnd": 1_010_880,
    }


def enrolment(household: str) -> dict[str, Any]:
    return {
        "enrolment_id": f"T-{household}",
        "household_code": household,
        "member_no": 2,
        "programme_code": "NTP2021.P4.1",
        "course": "May công nghiệp",
        "provider": "Trung tâm GDNN huyện",
        "starts_on": "2025-03-01",
    }


def house(household: str) -> dict[str, Any]:
    return {
        "case_id": f"NHA-{household}",
        "household_code": household,
        "programme_code": "VFF.FUND",
        "kind": "build",
        "started_on": "2025-06-01",
        "fund_for_the_poor_vnd": 40_000_000,
        "household_vnd": 20_000_000,
        "labour_days": 80,
    }


def organisation(code: str, commune: str | None) -> dict[str, Any]:
    return {
        "organisation_code": code,
        "name": f"Hội Nông dân {code}",
        "kind": "mass_organisation",
        "commune_code": commune,
    }


def pairing(household: str, organisation_code: str) -> dict[str, Any]:
    return {
        "pairing_id": f"GD-{household}",
        "organisation_code": organisation_code,
        "household_code": household,
        "starts_on": "2025-02-01",
        "target_year": 2025,
        "commitments": [{"kind": "production", "value_vnd": 2_000_000}],
    }


def everything_for(
    client: TestClient, headers: dict[str, str], household: str, commune: str
) -> None:
    """A loan, a cow from the commune's cow bank, a card, a course, a house and a pairing for
    ``household`` (recorded by ``headers``); fails loudly if one is refused."""
    org = f"ORG-{commune}"
    for path, body in (
        ("/loans", loan(household)),
        ("/revolving/models", model(commune)),
        ("/revolving/gifts", gift(household, commune)),
        ("/insurance/cards", card(household)),
        ("/training/enrolments", enrolment(household)),
        ("/housing", house(household)),
        ("/organisations", organisation(org, commune)),
        ("/pairings", pairing(household, org)),
    ):
        answer = client.post(path, json=body, headers=headers)
        assert answer.status_code in (200, 201), f"{path}: {answer.text}"
