"""Sponsor pairing: register organisations, pair one with a household for a period with
commitments, record visits, end the pairing with its outcome; lists per organisation."""

from __future__ import annotations

from datetime import datetime

import orjson
from pydantic import Field

from services.support.adapters.tables import organisations, pairings, visits
from services.support.adapters.uow import SupportUnitOfWork
from services.support.domain.sponsorship import (
    PairingStatus,
    check_active,
    check_period,
    check_within,
)
from services.support.usecases.common import (
    Code,
    Day,
    Id,
    Request,
    Vnd,
    audit,
    emit,
    household,
    missing,
    not_future,
    replayed,
    retried_on_race,
    stored_json,
)
from services.support.views import OrganisationView, PairingView, Recorded, VisitView
from shared.access.model import Actor
from shared.contracts import sponsorship as contract
from shared.contracts.codes import OrganisationKind, PairingOutcome, SupportKind


class OrganisationRequest(Request):
    organisation_code: Code
    name: str = Field(min_length=1, max_length=200)
    kind: OrganisationKind
    commune_code: str | None = Field(default=None, max_length=16)


class CommitmentIn(Request):
    kind: SupportKind
    value_vnd: Vnd = 0
    description: str | None = Field(default=None, max_length=300)


class PairingRequest(Request):
    pairing_id: Id
    organisation_code: Code
    household_code: Id
    starts_on: Day
    ends_on: Day | None = None
    target_year: int | None = Field(default=None, ge=2000, le=2100)
    commitments: list[CommitmentIn] = Field(default_factory=list, max_length=50)


class VisitRequest(Request):
    visit_id: Id
    pairing_id: Id
    visited_on: Day
    visitor: str | None = Field(default=None, max_length=128)
    notes: str | None = Field(default=None, max_length=4000)


class EndPairingRequest(Request):
    pairing_id: Id
    ended_on: Day
    outcome: PairingOutcome
    note: str | None = Field(default=None, max_length=2000)


@retried_on_race
def register_organisation(
    uow: SupportUnitOfWork,
    request: OrganisationRequest,
    *,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """An organisation (agency, firm, mass organisation) or individual donor that may sponsor
    households. A donor's name stays in the ledger; the stream carries the code only."""
    with uow:
        area = {"commune_code": request.commune_code or "", "village_code": ""}
        if replayed(uow, organisations, "organisation_code", request, ("Tổ chức", "Organisation")):
            return Recorded(id=request.organisation_code, created=False, **area)
        uow.sponsors.add_organisation(
            {
                "organisation_code": request.organisation_code,
                "name": request.name,
                "kind": request.kind.value,
                "commune_code": request.commune_code,
                "request": stored_json(request),
                "recorded_at": now,
            }
        )
        payload = contract.OrganisationPayload(
            organisation_code=request.organisation_code,
            kind=request.kind,
            name=None if request.kind is OrganisationKind.INDIVIDUAL_DONOR else request.name,
            commune_code=request.commune_code,
        )
        uow.stage([emit(contract.OrganisationRegistered, payload, correlation_id, now)])
        audit(
            uow,
            actor,
            "sponsor.organisation_registered",
            ("organisation", request.organisation_code),
            commune_code=request.commune_code,
            after={"kind": request.kind.value},
            correlation_id=correlation_id,
        )
        uow.commit()
        return Recorded(id=request.organisation_code, created=True, events=1, **area)


def _organisation(uow: SupportUnitOfWork, code: str) -> OrganisationView:
    org = uow.sponsors.organisation(code)
    if org is None:
        raise missing("tổ chức", "organisation", code, "organisation_code")
    return org


def _pairing(uow: SupportUnitOfWork, pairing_id: str, *, lock: bool = False) -> PairingView:
    if lock:
        uow.ledger.lock(pairings, "pairing_id", pairing_id)
    p = uow.sponsors.pairing(pairing_id)
    if p is None:
        raise missing("việc giúp đỡ", "pairing", pairing_id, "pairing_id")
    return p


def _ref(p: PairingView, kind: OrganisationKind) -> dict[str, object]:
    return {
        "pairing_id": p.pairing_id,
        "organisation_code": p.organisation_code,
        "organisation_kind": kind,
        "household_code": p.household_code,
        "commune_code": p.commune_code,
        "village_code": p.village_code,
    }


@retried_on_race
def start_pairing(
    uow: SupportUnitOfWork,
    request: PairingRequest,
    *,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """Assign an organisation to a registered household for a period, with commitments."""
    with uow:
        if replayed(uow, pairings, "pairing_id", request, ("Việc giúp đỡ", "Pairing")):
            p = _pairing(uow, request.pairing_id)
            return Recorded(
                id=p.pairing_id,
                created=False,
                commune_code=p.commune_code,
                village_code=p.village_code,
            )
        org = _organisation(uow, request.organisation_code)
        hh = household(uow, request.household_code)
        check_period(request.starts_on, request.ends_on)
        not_future(request.starts_on, now, "starts_on")
        commitments = [c.model_dump(mode="json") for c in request.commitments]
        uow.sponsors.add_pairing(
            {
                "pairing_id": request.pairing_id,
                "organisation_code": org.organisation_code,
                "household_code": hh.household_code,
                "commune_code": hh.commune_code,
                "village_code": hh.village_code,
                "starts_on": request.starts_on,
                "ends_on": request.ends_on,
                "target_year": request.target_year,
                "commitments": orjson.dumps(commitments).decode(),
                "status": PairingStatus.ACTIVE.value,
                "request": stored_json(request),
                "recorded_at": now,
            }
        )
        kind = OrganisationKind(org.kind)
        payload = contract.PairingStartedPayload(
            pairing_id=request.pairing_id,
            organisation_code=org.organisation_code,
            organisation_kind=kind,
            household_code=hh.household_code,
            commune_code=hh.commune_code,
            village_code=hh.village_code,
            starts_on=request.starts_on,
            ends_on=request.ends_on,
            target_year=request.target_year,
            commitments=[
                contract.Commitment(kind=c.kind, value_vnd=c.value_vnd) for c in request.commitments
            ],
        )
        uow.stage([emit(contract.PairingStarted, payload, correlation_id, now)])
        audit(
            uow,
            actor,
            "sponsor.pairing_started",
            ("household", hh.household_code),
            commune_code=hh.commune_code,
            village_code=hh.village_code,
            after={
                "pairing_id": request.pairing_id,
                "organisation_code": org.organisation_code,
                "starts_on": request.starts_on.isoformat(),
                "commitments": len(request.commitments),
            },
            correlation_id=correlation_id,
        )
        uow.commit()
        return Recorded(
            id=request.pairing_id,
            created=True,
            commune_code=hh.commune_code,
            village_code=hh.village_code,
            events=1,
        )


@retried_on_race
def record_visit(
    uow: SupportUnitOfWork,
    request: VisitRequest,
    *,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """A follow-up visit (notes stay in the ledger)."""
    with uow:
        p = _pairing(uow, request.pairing_id, lock=True)
        area = {"commune_code": p.commune_code, "village_code": p.village_code}
        if replayed(uow, visits, "visit_id", request, ("Lần thăm", "Visit")):
            return Recorded(id=request.visit_id, created=False, **area)
        not_future(request.visited_on, now, "visited_on")
        check_within(p.pairing_id, p.starts_on, request.visited_on, "visited_on")
        if p.ended_on is not None and request.visited_on > p.ended_on:
            check_active(p.pairing_id, p.status)
        uow.sponsors.add_visit(
            {
                "visit_id": request.visit_id,
                "pairing_id": p.pairing_id,
                "visited_on": request.visited_on,
                "visitor": request.visitor,
                "notes": request.notes,
                "request": stored_json(request),
                "recorded_at": now,
            }
        )
        org = _organisation(uow, p.organisation_code)
        payload = contract.PairingVisitedPayload(
            **_ref(p, OrganisationKind(org.kind)),  # type: ignore[arg-type]
            visit_id=request.visit_id,
            visited_on=request.visited_on,
        )
        uow.stage([emit(contract.PairingVisited, payload, correlation_id, now)])
        audit(
            uow,
            actor,
            "sponsor.visited",
            ("household", p.household_code),
            commune_code=p.commune_code,
            village_code=p.village_code,
            after={
                "pairing_id": p.pairing_id,
                "organisation_code": p.organisation_code,
                "visit_id": request.visit_id,
                "visited_on": request.visited_on.isoformat(),
            },
            correlation_id=correlation_id,
        )
        uow.commit()
        return Recorded(id=request.visit_id, created=True, events=1, **area)


@retried_on_race
def end_pairing(
    uow: SupportUnitOfWork,
    request: EndPairingRequest,
    *,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """The pairing ends with its outcome for the household."""
    with uow:
        p = _pairing(uow, request.pairing_id, lock=True)
        area = {"commune_code": p.commune_code, "village_code": p.village_code}
        if replayed(
            uow,
            pairings,
            "pairing_id",
            request,
            ("Kết thúc giúp đỡ", "Pairing end"),
            column="end_request",
        ):
            return Recorded(id=p.pairing_id, created=False, **area)
        check_active(p.pairing_id, p.status)
        not_future(request.ended_on, now, "ended_on")
        check_within(p.pairing_id, p.starts_on, request.ended_on, "ended_on")
        uow.sponsors.update_pairing(
            p.pairing_id,
            {
                "status": PairingStatus.ENDED.value,
                "ended_on": request.ended_on,
                "outcome": request.outcome.value,
                "outcome_note": request.note,
                "end_request": stored_json(request),
            },
        )
        org = _organisation(uow, p.organisation_code)
        payload = contract.PairingEndedPayload(
            **_ref(p, OrganisationKind(org.kind)),  # type: ignore[arg-type]
            ended_on=request.ended_on,
            outcome=request.outcome,
            visits=p.visits,
            support_records=p.support_records,
            support_vnd=p.support_vnd,
        )
        uow.stage([emit(contract.PairingEnded, payload, correlation_id, now)])
        audit(
            uow,
            actor,
            "sponsor.pairing_ended",
            ("household", p.household_code),
            commune_code=p.commune_code,
            village_code=p.village_code,
            before={"status": p.status},
            after={
                "pairing_id": p.pairing_id,
                "organisation_code": p.organisation_code,
                "status": PairingStatus.ENDED.value,
                "ended_on": request.ended_on.isoformat(),
                "outcome": request.outcome.value,
            },
            correlation_id=correlation_id,
        )
        uow.commit()
        return Recorded(id=p.pairing_id, created=True, events=1, **area)


def organisations_list(
    uow: SupportUnitOfWork, commune_code: str | None = None
) -> list[OrganisationView]:
    with uow:
        return uow.sponsors.organisations(commune_code)


def pairings_of_organisation(uow: SupportUnitOfWork, organisation_code: str) -> list[PairingView]:
    """Every household an organisation helps or helped, with visits and support given."""
    with uow:
        _organisation(uow, organisation_code)
        return uow.sponsors.pairings_of_organisation(organisation_code)


def pairing_visits(uow: SupportUnitOfWork, pairing_id: str) -> list[VisitView]:
    with uow:
        _pairing(uow, pairing_id)
        return uow.sponsors.visits(pairing_id)
