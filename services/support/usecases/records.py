"""Record support given to a household: cash, goods or services under a programme."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from services.support.adapters.tables import records
from services.support.adapters.uow import SupportUnitOfWork
from services.support.domain.catalogue import Catalogue
from services.support.domain.sponsorship import check_within
from services.support.usecases.common import (
    Code,
    Id,
    Overridable,
    Quantity,
    Vnd,
    admit,
    check_source,
    disbursed,
    household,
    member,
    missing,
    not_future,
    record_row,
    replayed,
    stored_json,
)
from services.support.views import Recorded
from shared.contracts.codes import FundingSource, RecordType, SupportKind
from shared.errors import DomainError

GIVEN = "given"


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
    disbursed_on: date = Field(description="Date given.")
    commune_code: str = Field(
        default="", max_length=16, description="Ignored: taken from the household register."
    )
    member_no: int | None = Field(default=None, ge=1, description="Member it is for, if one.")
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
    actor: str | None = None,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """Record support for a registered household; the programme must exist and be in force on
    the date, fund the kind and source, and serve the household's recognised status on that
    date (or an authorised officer overrides with a reason); amounts within the programme's
    cap. A repeated id with the same content changes nothing; with other content: 409."""
    with uow:
        if replayed(
            uow,
            records,
            "record_id",
            request,
            ("Khoản hỗ trợ", "Support record"),
            key_value=request.disbursement_id,
        ):
            return _existing(uow, request.disbursement_id)
        hh = household(uow, request.household_code)
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
            record_id=request.disbursement_id,
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
            request=stored_json(request),
            member_no=request.member_no,
            quantity=request.quantity,
            unit=request.unit,
            item=request.item,
            repayable=request.repayable,
            helping_organisation=request.helping_organisation,
            pairing_id=request.pairing_id,
            funding_detail=request.funding_detail,
        )
        uow.ledger.add([row])
        uow.stage([disbursed(row, correlation_id, now)])
        uow.commit()
        return Recorded(
            id=request.disbursement_id,
            created=True,
            commune_code=hh.commune_code,
            village_code=hh.village_code,
            overridden=verdict.overridden,
            eligible_group=verdict.group.value if verdict.group else None,
            events=1,
        )


def _existing(uow: SupportUnitOfWork, record_id: str) -> Recorded:
    view = uow.ledger.get(record_id)
    if view is None:  # pragma: no cover - replayed() found it in this transaction
        raise DomainError("disbursement_id", "Không tìm thấy.", "Not found.")
    return Recorded(
        id=record_id,
        created=False,
        commune_code=view.commune_code,
        village_code=view.village_code,
        overridden=view.overridden,
        eligible_group=view.eligible_group,
    )
