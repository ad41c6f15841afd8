"""Record support given to a household: cash, goods or services under a programme."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from pydantic import Field

from services.support.adapters.codec import canonical, encode
from services.support.adapters.register_repo import Registered
from services.support.adapters.tables import records
from services.support.adapters.uow import SupportUnitOfWork
from services.support.domain.catalogue import Catalogue
from services.support.domain.idempotency import check_replay
from services.support.domain.sponsorship import check_within
from services.support.usecases.common import (
    MAX_MEMBER_NO,
    PRODUCER,
    Code,
    Day,
    Id,
    Overridable,
    Quantity,
    Vnd,
    admit,
    check_source,
    disbursed,
    member,
    missing,
    not_future,
    record_row,
    retried_on_race,
    row_audit,
    unknown_household,
)
from services.support.usecases.ledger import LedgerEntry
from services.support.views import Recorded
from shared.access.model import Actor
from shared.access.model import Area as AccessArea
from shared.contracts.codes import FundingSource, RecordType, SupportKind
from shared.errors import DomainError, ErrorKind

GIVEN = "given"
MAX_BATCH = 1000


class SupportRequest(Overridable):
    """Support an officer records (the body of ``POST /disbursements``)."""

    disbursement_id: Id = Field(description="Id of the record; idempotency key.")
    household_code: Id = Field(description="Household that received it.")
    kind: SupportKind = Field(description="Kind of support.")
    programme_code: Code = Field(description="Programme in the catalogue (e.g. NTP2021.P3.1).")
    funding_source: FundingSource = Field(description="Where the money or goods came from.")
    amount_vnd: Vnd = Field(description="Value in VND.")
    quantity: Quantity | None = Field(default=None, description="Quantity (in kind).")
    unit: str | None = Field(default=None, max_length=32, description="Unit (e.g. 'con', 'kg').")
    item: str | None = Field(default=None, max_length=128, description="What was given.")
    repayable: bool = Field(default=False, description="Conditional support to be repaid.")
    helping_organisation: str | None = Field(
        default=None, max_length=128, description="Organisation assigned to help the household."
    )
    disbursed_on: Day = Field(description="Date given.")
    commune_code: str = Field(
        default="", max_length=16, description="Ignored: taken from the household register."
    )
    member_no: int | None = Field(
        default=None, ge=1, le=MAX_MEMBER_NO, description="Member it is for, if one."
    )
    pairing_id: Id | None = Field(default=None, description="Pairing it was given through.")
    funding_detail: str | None = Field(
        default=None, max_length=32, description="Finer source (e.g. 'fund_for_the_poor')."
    )


def record_support(
    uow: SupportUnitOfWork,
    catalogue: Catalogue,
    request: SupportRequest,
    *,
    may_override: bool = False,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """Record support for a registered household; the programme must exist and be in force on
    the date, fund the kind and source, and serve the household's recognised status on that
    date (or an authorised officer overrides with a reason); amounts within the programme's
    cap. A repeated id with the same content changes nothing; with other content: 409."""
    (outcome,) = record_support_batch(
        uow,
        catalogue,
        [request],
        may_override=may_override,
        actor=actor,
        correlation_id=correlation_id,
        now=now,
    )
    if isinstance(outcome, DomainError):
        raise outcome
    return outcome


@retried_on_race
def record_support_batch(
    uow: SupportUnitOfWork,
    catalogue: Catalogue,
    requests: Sequence[SupportRequest],
    *,
    may_override: bool | Callable[[str], bool] = False,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> list[Recorded | DomainError]:
    """Several records (a tablet syncing, a file), each checked on its own as
    :func:`record_support` does, all accepted ones written in one transaction. The outcome of
    each request, in order: what was recorded (or found identical), or why it was refused. An
    id repeated within the batch counts as a repeat of its first occurrence.
    ``may_override`` may say per household code whether the caller may override there."""
    if len(requests) > MAX_BATCH:
        raise DomainError(
            "(body)",
            f"Mỗi lần gửi tối đa {MAX_BATCH} khoản hỗ trợ.",
            f"At most {MAX_BATCH} records per batch.",
            ErrorKind.TOO_LARGE,
        )
    with uow:
        stored = uow.ledger.stored_requests(
            records, "record_id", [r.disbursement_id for r in requests]
        )
        known = uow.register.households(sorted({r.household_code for r in requests}))
        rows: list[dict[str, Any]] = []
        entry = LedgerEntry(uow)
        outcomes: list[Recorded | DomainError] = []
        allowed = may_override if callable(may_override) else (lambda _code: may_override)
        for request in requests:
            try:
                outcomes.append(
                    _one(
                        uow,
                        catalogue,
                        request,
                        stored,
                        known,
                        rows,
                        entry,
                        allowed(request.household_code),
                        actor,
                        now,
                    )
                )
            except DomainError as exc:
                outcomes.append(exc)
        if rows:
            entry.write(rows, actor=actor, correlation_id=correlation_id)
            uow.stage([disbursed(row, correlation_id, now) for row in rows])
            uow.audit_many(
                actor,
                [
                    (
                        "support.recorded",
                        "household",
                        row["household_code"],
                        AccessArea(
                            commune=row["commune_code"], village=row["village_code"] or None
                        ),
                        row_audit(row),
                    )
                    for row in rows
                ],
                service=PRODUCER,
                correlation_id=correlation_id,
            )
            uow.commit()
        return outcomes


def _one(
    uow: SupportUnitOfWork,
    catalogue: Catalogue,
    request: SupportRequest,
    stored: dict[str, dict[str, Any]],
    known: dict[str, Registered],
    rows: list[dict[str, Any]],
    entry: LedgerEntry,
    may_override: bool,
    actor: Actor,
    now: datetime,
) -> Recorded:
    incoming = canonical(request)
    rid = request.disbursement_id
    if check_replay("Khoản hỗ trợ", "Support record", rid, stored.get(rid), incoming):
        return _existing(uow, rid, rows)
    hh = known.get(request.household_code)
    if hh is None:
        raise unknown_household(request.household_code)
    on = request.disbursed_on
    not_future(on, now, "disbursed_on")
    programme = catalogue.programme(request.programme_code, on)
    check_source(programme, request.funding_source)
    if request.member_no is not None:
        member(hh, request.member_no)
    if request.pairing_id is not None:
        pairing = uow.sponsors.pairing(request.pairing_id)
        if pairing is None or pairing.household_code != hh.household_code:
            raise missing("việc giúp đỡ", "pairing", request.pairing_id, "pairing_id")
        check_within(pairing.pairing_id, pairing.starts_on, on, "disbursed_on")
    verdict, _st = admit(
        catalogue,
        hh,
        programme,
        request.kind,
        on,
        amount_vnd=request.amount_vnd,
        member_no=request.member_no,
        override_reason=request.override_reason,
        may_override=may_override,
        actor=actor,
    )
    row = record_row(
        record_id=rid,
        hh=hh,
        programme_code=programme.code,
        kind=request.kind,
        funding_source=request.funding_source,
        amount_vnd=request.amount_vnd,
        given_on=on,
        record_type=RecordType.SUPPORT,
        status=GIVEN,
        verdict=verdict,
        now=now,
        request=encode(incoming),
        member_no=request.member_no,
        quantity=request.quantity,
        unit=request.unit,
        item=request.item,
        repayable=request.repayable,
        helping_organisation=request.helping_organisation,
        pairing_id=request.pairing_id,
        funding_detail=request.funding_detail,
    )
    entry.check(row, override_reason=request.override_reason, may_override=may_override)
    rows.append(row)
    stored[rid] = incoming  # a later occurrence in the batch is a repeat of this one
    return Recorded(
        id=rid,
        created=True,
        commune_code=hh.commune_code,
        village_code=hh.village_code,
        overridden=verdict.overridden,
        eligible_group=verdict.group.value if verdict.group else None,
        events=1,
    )


def _existing(uow: SupportUnitOfWork, record_id: str, pending: list[dict[str, Any]]) -> Recorded:
    row = next((r for r in pending if r["record_id"] == record_id), None)
    if row is not None:
        return Recorded(
            id=record_id,
            created=False,
            commune_code=row["commune_code"],
            village_code=row["village_code"],
            overridden=row["overridden"],
            eligible_group=row["eligible_group"],
        )
    view = uow.ledger.get(record_id)
    if view is None:  # pragma: no cover - its request was read in this transaction
        raise missing("khoản hỗ trợ", "support record", record_id, "disbursement_id")
    return Recorded(
        id=record_id,
        created=False,
        commune_code=view.commune_code,
        village_code=view.village_code,
        overridden=view.overridden,
        eligible_group=view.eligible_group,
    )
