"""Revolving and conditional, repaid support: set up a model and its fund, give under it,
record births and deaths, pass animals on to the next household, take repayments; chains
per model and the fund's balance. Rules (including what happens when an animal dies):
``domain.revolving``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import Field

from services.support.adapters.register_repo import Registered
from services.support.adapters.revolving_repo import StoredModel, StoredObligation, view
from services.support.adapters.tables import (
    fund_entries,
    obligation_events,
    obligations,
    records,
    revolving_models,
)
from services.support.adapters.uow import SupportUnitOfWork
from services.support.domain.catalogue import Catalogue
from services.support.domain.eligibility import Verdict
from services.support.domain.revolving import (
    FundEntryKind,
    Holding,
    build_chains,
    check_fund_covers,
    herd_event,
    owed_for,
    pass_on,
    repay,
)
from services.support.usecases.common import (
    Code,
    Day,
    Id,
    Overridable,
    Request,
    Vnd,
    admit,
    audit,
    check_source,
    disbursed,
    emit,
    household,
    missing,
    not_future,
    record_row,
    replayed,
    retried_on_race,
    stored_json,
)
from services.support.usecases.ledger import enter
from services.support.views import ChainLinkView, ChainView, FundView, ObligationView, Recorded
from shared.access.model import Actor
from shared.contracts import revolving as contract
from shared.contracts.codes import (
    AssetKind,
    FundingSource,
    HerdEventKind,
    ObligationStatus,
    RecordType,
    SupportKind,
)
from shared.errors import DomainError, ErrorKind


class ModelRequest(Request):
    model_code: Code = Field(description="Code of the model (e.g. 'BO-THONBAN-2023').")
    name: str = Field(min_length=1, max_length=128, description="Name of the model.")
    programme_code: Code = Field(description="Programme it is part of.")
    commune_code: Code = Field(description="Commune it runs in.")
    village_code: str | None = Field(default=None, max_length=32, description="Village, if one.")
    asset: AssetKind = Field(description="Livestock passed on, or cash/goods partly returned.")
    species: str | None = Field(default=None, max_length=32, description="Species (livestock).")
    pass_on_per_head: int | None = Field(default=None, ge=0, le=100)
    pass_on_due_months: int | None = Field(default=None, ge=1, le=240)
    repay_share_pct: Decimal | None = Field(default=None, ge=0, le=100)
    repay_due_months: int | None = Field(default=None, ge=1, le=240)
    capital_vnd: Vnd = Field(default=0, description="Initial capital of the fund, VND.")
    started_on: Day = Field(description="Start date.")


class CapitalRequest(Request):
    entry_id: Id
    model_code: Code
    amount_vnd: Vnd = Field(gt=0)
    on: Day


class GiveRequest(Overridable):
    record_id: Id = Field(description="Id of the support record; idempotency key.")
    household_code: Id
    model_code: Code
    given_on: Day
    quantity: int = Field(default=0, ge=0, le=1000, description="Heads given (livestock).")
    amount_vnd: Vnd = Field(description="Value given, VND.")
    funding_source: FundingSource
    kind: SupportKind = Field(default=SupportKind.PRODUCTION)
    item: str | None = Field(default=None, max_length=128)
    unit: str | None = Field(default=None, max_length=32)
    from_fund: bool = Field(
        default=True, description="Paid from the model's fund (its cash balance falls)."
    )


class HerdRequest(Request):
    event_id: Id
    obligation_id: Id
    kind: HerdEventKind
    on: Day
    count: int = Field(ge=1, le=1000)
    objective: bool | None = Field(
        default=None, description="Death: objective cause (True) or the household's fault."
    )
    cause: str | None = Field(default=None, max_length=500)


class PassOnRequest(Overridable):
    pass_on_id: Id
    obligation_id: Id
    on: Day
    quantity: int = Field(ge=1, le=1000)
    to_household_code: Id
    to_record_id: Id = Field(description="Support record of the receiving household.")
    value_vnd: Vnd | None = Field(
        default=None, description="Value handed over (default: value per head × quantity)."
    )


class RepayRequest(Request):
    repayment_id: Id
    obligation_id: Id
    on: Day
    amount_vnd: Vnd = Field(gt=0)


def _model(uow: SupportUnitOfWork, code: str, *, lock: bool = False) -> StoredModel:
    if lock:  # the fund's balance is checked, then changed
        uow.ledger.lock(revolving_models, "model_code", code)
    m = uow.revolving.model(code)
    if m is None:
        raise missing("mô hình quay vòng", "revolving model", code, "model_code")
    return m


def _obligation(uow: SupportUnitOfWork, obligation_id: str) -> StoredObligation:
    uow.ledger.lock(obligations, "obligation_id", obligation_id)
    o = uow.revolving.obligation(obligation_id)
    if o is None:
        raise missing("nghĩa vụ hoàn trả", "obligation", obligation_id, "obligation_id")
    return o


def _state(o: StoredObligation, h: Holding) -> dict[str, object]:
    return {
        "obligation_id": o.obligation_id,
        "model_code": o.model_code,
        "record_id": o.record_id,
        "household_code": o.household_code,
        "commune_code": o.commune_code,
        "village_code": o.village_code,
        "quantity_owed": h.quantity_owed,
        "amount_owed_vnd": h.amount_owed_vnd,
        "on_hand": h.on_hand,
        "due_on": h.due_on,
        "status": h.status,
    }


@retried_on_race
def create_revolving_model(
    uow: SupportUnitOfWork,
    catalogue: Catalogue,
    request: ModelRequest,
    *,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """A revolving model of a programme; terms not given come from the programme (or the
    catalogue's defaults)."""
    with uow:
        area = (request.commune_code, request.village_code or "")
        if replayed(uow, revolving_models, "model_code", request, ("Mô hình", "Model")):
            return Recorded(
                id=request.model_code, created=False, commune_code=area[0], village_code=area[1]
            )
        not_future(request.started_on, now, "started_on")
        programme = catalogue.programme(request.programme_code, request.started_on)
        base = catalogue.revolving_terms(programme)
        terms = {
            "pass_on_per_head": request.pass_on_per_head
            if request.pass_on_per_head is not None
            else base.pass_on_per_head,
            "pass_on_due_months": request.pass_on_due_months or base.pass_on_due_months,
            "repay_share_pct": request.repay_share_pct
            if request.repay_share_pct is not None
            else base.repay_share_pct,
            "repay_due_months": request.repay_due_months or base.repay_due_months,
        }
        uow.revolving.add_model(
            {
                "model_code": request.model_code,
                "name": request.name,
                "programme_code": programme.code,
                "commune_code": request.commune_code,
                "village_code": request.village_code,
                "asset": request.asset.value,
                "species": request.species,
                **terms,
                "started_on": request.started_on,
                "request": stored_json(request),
                "recorded_at": now,
            }
        )
        if request.capital_vnd:
            uow.revolving.add_fund_entry(
                {
                    "entry_id": f"{request.model_code}#capital",
                    "model_code": request.model_code,
                    "kind": FundEntryKind.CAPITAL.value,
                    "amount_vnd": request.capital_vnd,
                    "on": request.started_on,
                    "ref": None,
                    "request": None,
                    "recorded_at": now,
                }
            )
        payload = contract.RevolvingModelPayload(
            model_code=request.model_code,
            programme_code=programme.code,
            commune_code=request.commune_code,
            village_code=request.village_code,
            asset=request.asset,
            species=request.species,
            capital_vnd=request.capital_vnd,
            started_on=request.started_on,
            **terms,  # type: ignore[arg-type]
        )
        uow.stage([emit(contract.RevolvingModelCreated, payload, correlation_id, now)])
        audit(
            uow,
            actor,
            "revolving.model_created",
            ("revolving_model", request.model_code),
            commune_code=request.commune_code,
            village_code=request.village_code,
            after={
                "programme_code": programme.code,
                "asset": request.asset.value,
                "capital_vnd": request.capital_vnd,
                "started_on": request.started_on.isoformat(),
            },
            correlation_id=correlation_id,
        )
        uow.commit()
        return Recorded(
            id=request.model_code,
            created=True,
            commune_code=area[0],
            village_code=area[1],
            events=1,
        )


@retried_on_race
def add_fund_capital(
    uow: SupportUnitOfWork,
    request: CapitalRequest,
    *,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """Capital added to a model's fund."""
    with uow:
        model = _model(uow, request.model_code, lock=True)
        area = {"commune_code": model.commune_code, "village_code": model.village_code or ""}
        if replayed(uow, fund_entries, "entry_id", request, ("Khoản góp quỹ", "Fund entry")):
            return Recorded(id=request.entry_id, created=False, **area)
        not_future(request.on, now, "on")
        uow.revolving.add_fund_entry(
            {
                "entry_id": request.entry_id,
                "model_code": model.model_code,
                "kind": FundEntryKind.CAPITAL.value,
                "amount_vnd": request.amount_vnd,
                "on": request.on,
                "ref": None,
                "request": stored_json(request),
                "recorded_at": now,
            }
        )
        balance = uow.revolving.balance(model.model_code)
        payload = contract.FundCapitalisedPayload(
            entry_id=request.entry_id,
            model_code=model.model_code,
            commune_code=model.commune_code,
            amount_vnd=request.amount_vnd,
            on=request.on,
            balance_vnd=balance.balance_vnd,
        )
        uow.stage([emit(contract.FundCapitalised, payload, correlation_id, now)])
        audit(
            uow,
            actor,
            "revolving.capitalised",
            ("revolving_model", model.model_code),
            commune_code=model.commune_code,
            village_code=model.village_code,
            after={
                "entry_id": request.entry_id,
                "amount_vnd": request.amount_vnd,
                "on": request.on.isoformat(),
                "balance_vnd": balance.balance_vnd,
            },
            correlation_id=correlation_id,
        )
        uow.commit()
        return Recorded(id=request.entry_id, created=True, events=1, **area)


def _receive(
    uow: SupportUnitOfWork,
    model: StoredModel,
    hh: Registered,
    *,
    record_id: str,
    on: date,
    quantity: int,
    amount_vnd: int,
    generation: int,
    verdict: Verdict,
    row_extra: dict[str, object],
    override_reason: str | None,
    may_override: bool,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> list[object]:
    """The receiving household's support record and its obligation, with their events."""
    owed = owed_for(model.asset, model.terms, on, quantity, amount_vnd)
    holding = Holding(
        received=quantity,
        value_per_head_vnd=amount_vnd // quantity if quantity else 0,
        quantity_owed=owed.quantity,
        amount_owed_vnd=owed.amount_vnd,
        due_on=owed.due_on,
    )
    row = record_row(
        record_id=record_id,
        hh=hh,
        programme_code=model.programme_code,
        given_on=on,
        amount_vnd=amount_vnd,
        verdict=verdict,
        now=now,
        case_id=record_id,
        status=holding.status.value,
        repayable=holding.status is ObligationStatus.OPEN,
        revolving_model=model.model_code,
        quantity=Decimal(quantity) if quantity else None,
        **row_extra,  # type: ignore[arg-type]
    )
    enter(
        uow,
        [row],
        override_reason=override_reason,
        may_override=may_override,
        actor=actor,
        correlation_id=correlation_id,
    )
    events: list[object] = [disbursed(row, correlation_id, now)]
    if holding.status is ObligationStatus.OPEN:
        obligation = StoredObligation(
            obligation_id=record_id,
            model_code=model.model_code,
            record_id=record_id,
            household_code=hh.household_code,
            commune_code=hh.commune_code,
            village_code=hh.village_code,
            generation=generation,
            holding=holding,
        )
        uow.revolving.add_obligation(
            {
                "obligation_id": record_id,
                "model_code": model.model_code,
                "record_id": record_id,
                "household_code": hh.household_code,
                "commune_code": hh.commune_code,
                "village_code": hh.village_code,
                "generation": generation,
                "quantity_due": holding.quantity_owed,
                "amount_due_vnd": holding.amount_owed_vnd,
            },
            holding,
        )
        payload = contract.ObligationCreatedPayload(
            **_state(obligation, holding),  # type: ignore[arg-type]
            generation=generation,
        )
        events.append(emit(contract.ObligationCreated, payload, correlation_id, now))
    return events


@retried_on_race
def give_revolving(
    uow: SupportUnitOfWork,
    catalogue: Catalogue,
    request: GiveRequest,
    *,
    may_override: bool = False,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """Give support under a revolving model; the household then owes what the model says
    (its obligation has the record's id)."""
    with uow:
        if replayed(uow, records, "record_id", request, ("Khoản hỗ trợ", "Support record")):
            v = uow.ledger.get(request.record_id)
            return Recorded(
                id=request.record_id,
                created=False,
                commune_code=v.commune_code if v else "",
                village_code=v.village_code if v else "",
            )
        model = _model(uow, request.model_code, lock=request.from_fund)
        hh = household(uow, request.household_code)
        on = request.given_on
        not_future(on, now, "given_on")
        if model.asset is AssetKind.LIVESTOCK and request.quantity < 1:
            raise DomainError(
                "quantity",
                "Cần ghi số con vật giao cho hộ.",
                "Give the number of animals handed over.",
            )
        programme = catalogue.programme(model.programme_code, on)
        check_source(programme, request.funding_source)
        verdict, _ = admit(
            catalogue,
            hh,
            programme,
            request.kind,
            on,
            amount_vnd=request.amount_vnd,
            member_no=None,
            override_reason=request.override_reason,
            may_override=may_override,
            actor=actor,
        )
        if request.from_fund:
            check_fund_covers(
                uow.revolving.balance(model.model_code), request.amount_vnd, model.model_code
            )
            uow.revolving.add_fund_entry(
                {
                    "entry_id": f"{request.record_id}#given",
                    "model_code": model.model_code,
                    "kind": FundEntryKind.GIVEN.value,
                    "amount_vnd": request.amount_vnd,
                    "on": on,
                    "ref": request.record_id,
                    "request": None,
                    "recorded_at": now,
                }
            )
        events = _receive(
            uow,
            model,
            hh,
            record_id=request.record_id,
            on=on,
            quantity=request.quantity,
            amount_vnd=request.amount_vnd,
            generation=0,
            verdict=verdict,
            row_extra={
                "kind": request.kind,
                "funding_source": request.funding_source,
                "record_type": RecordType.REVOLVING,
                "item": request.item,
                "unit": request.unit,
                "request": stored_json(request),
            },
            override_reason=request.override_reason,
            may_override=may_override,
            actor=actor,
            correlation_id=correlation_id,
            now=now,
        )
        uow.stage(events)  # type: ignore[arg-type]
        audit(
            uow,
            actor,
            "revolving.given",
            ("household", hh.household_code),
            commune_code=hh.commune_code,
            village_code=hh.village_code,
            after={
                "record_id": request.record_id,
                "model_code": model.model_code,
                "programme_code": model.programme_code,
                "quantity": request.quantity,
                "amount_vnd": request.amount_vnd,
                "given_on": on.isoformat(),
                "overridden": verdict.overridden,
            },
            correlation_id=correlation_id,
        )
        uow.commit()
        return Recorded(
            id=request.record_id,
            created=True,
            commune_code=hh.commune_code,
            village_code=hh.village_code,
            overridden=verdict.overridden,
            eligible_group=verdict.group.value if verdict.group else None,
            events=len(events),
        )


def _replay_event(
    uow: SupportUnitOfWork,
    request: Request,
    event_id: str,
    what: tuple[str, str],
    obligation_id: str,
) -> Recorded | None:
    if replayed(uow, obligation_events, "event_id", request, what, key_value=event_id):
        o = _obligation(uow, obligation_id)
        return Recorded(
            id=event_id, created=False, commune_code=o.commune_code, village_code=o.village_code
        )
    return None


def _event_row(
    request: Request,
    event_id: str,
    obligation_id: str,
    kind: str,
    on: date,
    now: datetime,
    **extra: object,
) -> dict[str, object]:
    return {
        "event_id": event_id,
        "obligation_id": obligation_id,
        "kind": kind,
        "on": on,
        "count": 0,
        "amount_vnd": 0,
        "objective": None,
        "cause": None,
        "to_record_id": None,
        "request": stored_json(request),
        "recorded_at": now,
        **extra,
    }


def _settle(uow: SupportUnitOfWork, o: StoredObligation, h: Holding, on: date) -> None:
    settled = on if h.status is not ObligationStatus.OPEN else None
    uow.revolving.save_holding(o.obligation_id, h, settled)
    uow.ledger.set_status(h.status.value, record_id=o.record_id)


def _audit_obligation(
    uow: SupportUnitOfWork,
    actor: Actor,
    action: str,
    o: StoredObligation,
    h: Holding,
    correlation_id: str,
    **after: str | int | bool | None,
) -> None:
    audit(
        uow,
        actor,
        action,
        ("household", o.household_code),
        commune_code=o.commune_code,
        village_code=o.village_code,
        before={
            "status": o.holding.status.value,
            "quantity_owed": o.holding.quantity_owed,
            "amount_owed_vnd": o.holding.amount_owed_vnd,
        },
        after={
            "obligation_id": o.obligation_id,
            **after,
            "status": h.status.value,
            "quantity_owed": h.quantity_owed,
            "amount_owed_vnd": h.amount_owed_vnd,
        },
        correlation_id=correlation_id,
    )


@retried_on_race
def record_livestock(
    uow: SupportUnitOfWork,
    request: HerdRequest,
    *,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """A birth, death, sale or purchase of animals held under an obligation; a death applies
    the rule of ``domain.revolving`` (objective cause: shortfall waived; fault: shortfall owed
    in cash)."""
    with uow:
        again = _replay_event(
            uow, request, request.event_id, ("Sự kiện", "Herd event"), request.obligation_id
        )
        if again:
            return again
        o = _obligation(uow, request.obligation_id)
        not_future(request.on, now, "on")
        h = herd_event(
            o.holding,
            request.kind,
            request.count,
            objective=request.objective,
            obligation_id=o.obligation_id,
        )
        _settle(uow, o, h, request.on)
        uow.revolving.add_event(
            _event_row(
                request,
                request.event_id,
                o.obligation_id,
                request.kind.value,
                request.on,
                now,
                count=request.count,
                objective=request.objective,
                cause=request.cause,
            )
        )
        payload = contract.LivestockRecordedPayload(
            **_state(o, h),  # type: ignore[arg-type]
            event_id=request.event_id,
            kind=request.kind,
            count=request.count,
            on=request.on,
            objective=request.objective,
            waived_heads=h.waived,
            converted_vnd=h.converted_vnd,
        )
        uow.stage([emit(contract.LivestockRecorded, payload, correlation_id, now)])
        _audit_obligation(
            uow,
            actor,
            "revolving.livestock_recorded",
            o,
            h,
            correlation_id,
            event_id=request.event_id,
            kind=request.kind.value,
            count=request.count,
            on=request.on.isoformat(),
            objective=request.objective,
        )
        uow.commit()
        return Recorded(
            id=request.event_id,
            created=True,
            commune_code=o.commune_code,
            village_code=o.village_code,
            events=1,
        )


@retried_on_race
def pass_on_support(
    uow: SupportUnitOfWork,
    catalogue: Catalogue,
    request: PassOnRequest,
    *,
    may_override: bool = False,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """Animals handed to the next household: the giver's obligation falls; the receiver gets a
    support record (``passed_from_record_id`` = the giver's record) and owes in turn. The
    receiver must be eligible for the model's programme on the day (or an override)."""
    with uow:
        again = _replay_event(
            uow, request, request.pass_on_id, ("Lần chuyển giao", "Pass-on"), request.obligation_id
        )
        if again:
            return again
        o = _obligation(uow, request.obligation_id)
        model = _model(uow, o.model_code)
        giver = uow.ledger.get(o.record_id)
        to = household(uow, request.to_household_code, "to_household_code")
        if to.household_code == o.household_code:
            raise DomainError(
                "to_household_code",
                "Phải chuyển giao cho hộ khác.",
                "The animals must go to another household.",
            )
        on = request.on
        not_future(on, now, "on")
        if giver is None or uow.ledger.exists(records, "record_id", request.to_record_id):
            raise DomainError(
                "to_record_id",
                f"Mã khoản hỗ trợ {request.to_record_id} đã được dùng.",
                f"Record id {request.to_record_id} is already used.",
                ErrorKind.CONFLICT,
                code="conflict",
            )
        h = pass_on(o.holding, request.quantity, o.obligation_id)
        programme = catalogue.programme(model.programme_code, on)
        value = (
            request.value_vnd
            if request.value_vnd is not None
            else (o.holding.value_per_head_vnd * request.quantity)
        )
        verdict, _ = admit(
            catalogue,
            to,
            programme,
            SupportKind(giver.kind),
            on,
            amount_vnd=value,
            member_no=None,
            override_reason=request.override_reason,
            may_override=may_override,
            actor=actor,
        )
        _settle(uow, o, h, on)
        uow.revolving.add_event(
            _event_row(
                request,
                request.pass_on_id,
                o.obligation_id,
                "pass_on",
                on,
                now,
                count=request.quantity,
                to_record_id=request.to_record_id,
            )
        )
        events = _receive(
            uow,
            model,
            to,
            record_id=request.to_record_id,
            on=on,
            quantity=request.quantity,
            amount_vnd=value,
            generation=o.generation + 1,
            verdict=verdict,
            row_extra={
                "kind": SupportKind(giver.kind),
                "funding_source": FundingSource(giver.funding_source),
                "record_type": RecordType.PASS_ON,
                "item": giver.item,
                "unit": giver.unit,
                "passed_from_record_id": o.record_id,
            },
            override_reason=request.override_reason,
            may_override=may_override,
            actor=actor,
            correlation_id=correlation_id,
            now=now,
        )
        payload = contract.PassedOnPayload(
            **_state(o, h),  # type: ignore[arg-type]
            pass_on_id=request.pass_on_id,
            on=on,
            quantity=request.quantity,
            to_household_code=to.household_code,
            to_record_id=request.to_record_id,
            to_obligation_id=request.to_record_id if len(events) > 1 else None,
        )
        events.insert(0, emit(contract.PassedOn, payload, correlation_id, now))
        uow.stage(events)  # type: ignore[arg-type]
        _audit_obligation(
            uow,
            actor,
            "revolving.passed_on",
            o,
            h,
            correlation_id,
            pass_on_id=request.pass_on_id,
            quantity=request.quantity,
            on=on.isoformat(),
            to_household_code=to.household_code,
            to_record_id=request.to_record_id,
        )
        audit(
            uow,
            actor,
            "revolving.received",
            ("household", to.household_code),
            commune_code=to.commune_code,
            village_code=to.village_code,
            after={
                "record_id": request.to_record_id,
                "model_code": model.model_code,
                "from_household_code": o.household_code,
                "quantity": request.quantity,
                "amount_vnd": value,
                "given_on": on.isoformat(),
                "overridden": verdict.overridden,
            },
            correlation_id=correlation_id,
        )
        uow.commit()
        return Recorded(
            id=request.pass_on_id,
            created=True,
            commune_code=o.commune_code,
            village_code=o.village_code,
            overridden=verdict.overridden,
            eligible_group=verdict.group.value if verdict.group else None,
            events=len(events),
        )


@retried_on_race
def repay_obligation(
    uow: SupportUnitOfWork,
    request: RepayRequest,
    *,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """Money returned to the model's fund (partial repayments allowed)."""
    with uow:
        again = _replay_event(
            uow, request, request.repayment_id, ("Lần hoàn trả", "Repayment"), request.obligation_id
        )
        if again:
            return again
        o = _obligation(uow, request.obligation_id)
        _model(uow, o.model_code, lock=True)
        not_future(request.on, now, "on")
        h = repay(o.holding, request.amount_vnd, o.obligation_id)
        _settle(uow, o, h, request.on)
        uow.revolving.add_event(
            _event_row(
                request,
                request.repayment_id,
                o.obligation_id,
                "repayment",
                request.on,
                now,
                amount_vnd=request.amount_vnd,
            )
        )
        uow.revolving.add_fund_entry(
            {
                "entry_id": f"{request.repayment_id}#repaid",
                "model_code": o.model_code,
                "kind": FundEntryKind.REPAID.value,
                "amount_vnd": request.amount_vnd,
                "on": request.on,
                "ref": o.obligation_id,
                "request": None,
                "recorded_at": now,
            }
        )
        balance = uow.revolving.balance(o.model_code)
        payload = contract.ObligationRepaidPayload(
            **_state(o, h),  # type: ignore[arg-type]
            repayment_id=request.repayment_id,
            on=request.on,
            amount_vnd=request.amount_vnd,
            fund_balance_vnd=balance.balance_vnd,
        )
        uow.stage([emit(contract.ObligationRepaid, payload, correlation_id, now)])
        _audit_obligation(
            uow,
            actor,
            "revolving.repaid",
            o,
            h,
            correlation_id,
            repayment_id=request.repayment_id,
            amount_vnd=request.amount_vnd,
            on=request.on.isoformat(),
        )
        uow.commit()
        return Recorded(
            id=request.repayment_id,
            created=True,
            commune_code=o.commune_code,
            village_code=o.village_code,
            events=1,
        )


def revolving_chains(uow: SupportUnitOfWork, model_code: str) -> list[ChainView]:
    """Who received from the fund and to whom each passed animals on, generation by
    generation."""
    with uow:
        _model(uow, model_code)
        chains = build_chains(uow.revolving.chain_nodes(model_code))
        return [
            ChainView(
                root_record_id=c.root_record_id,
                generations=c.generations,
                households=len(set(c.households)),
                links=[
                    ChainLinkView(
                        record_id=lk.record_id,
                        household_code=lk.household_code,
                        given_on=lk.given_on,
                        generation=lk.generation,
                        parent_record_id=lk.parent_record_id,
                    )
                    for lk in c.links
                ],
            )
            for c in chains
        ]


def fund_status(uow: SupportUnitOfWork, model_code: str, on: date) -> FundView:
    """The fund's cash balance and what is still owed to it on ``on``."""
    with uow:
        _model(uow, model_code)
        b = uow.revolving.balance(model_code)
        open_, late = uow.revolving.obligation_counts(model_code, on)
        return FundView(
            model_code=model_code,
            capital_vnd=b.capital_vnd,
            given_vnd=b.given_vnd,
            repaid_vnd=b.repaid_vnd,
            balance_vnd=b.balance_vnd,
            owed_vnd=b.owed_vnd,
            owed_heads=b.owed_heads,
            waived_heads=b.waived_heads,
            open_obligations=open_,
            overdue_obligations=late,
        )


def obligations_of(uow: SupportUnitOfWork, household_code: str, on: date) -> list[ObligationView]:
    """What a household owes back under revolving models, and whether it is late on ``on``."""
    with uow:
        household(uow, household_code)
        return [view(o, on) for o in uow.revolving.of_household(household_code)]
