"""Health-insurance cards paid wholly or partly by the state, per member and period; the
state's share is stored on each card. Rules: ``domain.insurance``."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import Field

from services.support.adapters.tables import cards
from services.support.adapters.uow import SupportUnitOfWork
from services.support.domain.catalogue import Catalogue
from services.support.domain.insurance import check_no_overlap, check_period, share_for
from services.support.domain.money import percent_of
from services.support.usecases.common import (
    MAX_MEMBER_NO,
    Code,
    Day,
    Id,
    Overridable,
    Vnd,
    admit,
    audit,
    disbursed,
    emit,
    household,
    member,
    record_row,
    replayed,
    retried_on_race,
    stored_json,
    unused_record_ids,
)
from services.support.usecases.ledger import enter
from services.support.views import Recorded
from shared.access.model import Actor
from shared.contracts import insurance as contract
from shared.contracts.codes import FundingSource, RecordType, SupportKind
from shared.errors import DomainError

ISSUED = "issued"


class CardRequest(Overridable):
    card_id: Id = Field(description="Card id in the ledger; idempotency key.")
    household_code: Id
    member_no: int = Field(ge=1, le=MAX_MEMBER_NO)
    programme_code: Code = Field(default="HI.STATE")
    valid_from: Day
    valid_to: Day
    state_share_pct: Decimal | None = Field(
        default=None, ge=0, le=100, description="State share, % (default: the group's minimum)."
    )
    premium_vnd: Vnd | None = Field(default=None, description="Annual premium, if known.")
    funding_source: FundingSource = Field(default=FundingSource.CENTRAL_BUDGET)


@retried_on_race
def issue_card(
    uow: SupportUnitOfWork,
    catalogue: Catalogue,
    request: CardRequest,
    *,
    may_override: bool = False,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """A card for a member of the latest survey. The share follows the household's group on
    the first day of validity (poor 100%, near-poor ≥ 70% …); one card per member at a time."""
    with uow:
        if replayed(uow, cards, "card_id", request, ("Thẻ BHYT", "Insurance card")):
            v = uow.ledger.get(request.card_id)
            return Recorded(
                id=request.card_id,
                created=False,
                commune_code=v.commune_code if v else "",
                village_code=v.village_code if v else "",
            )
        hh = household(uow, request.household_code)
        unused_record_ids(uow, [request.card_id], "card_id")
        member(hh, request.member_no)
        on = request.valid_from
        check_period(on, request.valid_to)
        programme = catalogue.programme(request.programme_code, on)
        if programme.funding_sources and request.funding_source not in programme.funding_sources:
            raise DomainError(
                "funding_source",
                "Nguồn kinh phí không phù hợp.",
                "Funding source not allowed for this programme.",
            )
        verdict, st = admit(
            catalogue,
            hh,
            programme,
            SupportKind.HEALTH_INSURANCE,
            on,
            amount_vnd=None,
            member_no=request.member_no,
            override_reason=request.override_reason,
            may_override=may_override,
            actor=actor,
        )
        rule = programme.insurance_share(st.groups, on)
        if rule is None:
            if request.state_share_pct is None:
                raise DomainError(
                    "state_share_pct",
                    "Không có mức hỗ trợ áp dụng cho hộ này; cần ghi tỷ lệ ngân sách hỗ trợ.",
                    "No share applies to this household; give the state's share.",
                    code="no_share",
                )
            share = request.state_share_pct
        else:
            share = share_for(request.state_share_pct, rule)
        check_no_overlap(
            [
                (c.card_id, c.valid_from, c.valid_to)
                for c in uow.cases.cards_of(hh.household_code, request.member_no)
            ],
            on,
            request.valid_to,
            request.member_no,
        )
        paid = percent_of(request.premium_vnd, share) if request.premium_vnd is not None else None
        basis = verdict.group.value if verdict.group else None
        uow.cases.add_card(
            {
                "card_id": request.card_id,
                "household_code": hh.household_code,
                "commune_code": hh.commune_code,
                "village_code": hh.village_code,
                "member_no": request.member_no,
                "programme_code": programme.code,
                "basis_group": basis,
                "state_share_pct": share,
                "valid_from": on,
                "valid_to": request.valid_to,
                "premium_vnd": request.premium_vnd,
                "state_paid_vnd": paid,
                "request": stored_json(request),
                "recorded_at": now,
            }
        )
        row = record_row(
            record_id=request.card_id,
            hh=hh,
            programme_code=programme.code,
            kind=SupportKind.HEALTH_INSURANCE,
            funding_source=request.funding_source,
            amount_vnd=paid or 0,
            given_on=on,
            record_type=RecordType.INSURANCE,
            status=ISSUED,
            verdict=verdict,
            now=now,
            member_no=request.member_no,
            case_id=request.card_id,
            item=f"{share.normalize()}%",
        )
        enter(
            uow,
            [row],
            override_reason=request.override_reason,
            may_override=may_override,
            actor=actor,
            correlation_id=correlation_id,
        )
        payload = contract.CardIssuedPayload(
            card_id=request.card_id,
            household_code=hh.household_code,
            commune_code=hh.commune_code,
            village_code=hh.village_code,
            member_no=request.member_no,
            programme_code=programme.code,
            basis_group=basis,
            state_share_pct=share,
            free=share >= 100,
            valid_from=on,
            valid_to=request.valid_to,
            premium_vnd=request.premium_vnd,
            state_paid_vnd=paid,
            overridden=verdict.overridden,
        )
        uow.stage(
            [
                emit(contract.CardIssued, payload, correlation_id, now),
                disbursed(row, correlation_id, now),
            ]
        )
        audit(
            uow,
            actor,
            "insurance.card_issued",
            ("household", hh.household_code),
            commune_code=hh.commune_code,
            village_code=hh.village_code,
            after={
                "card_id": request.card_id,
                "member_no": request.member_no,
                "programme_code": programme.code,
                "state_share_pct": str(share),
                "valid_from": on.isoformat(),
                "valid_to": request.valid_to.isoformat(),
                "state_paid_vnd": paid,
                "overridden": verdict.overridden,
            },
            correlation_id=correlation_id,
        )
        uow.commit()
        return Recorded(
            id=request.card_id,
            created=True,
            commune_code=hh.commune_code,
            village_code=hh.village_code,
            overridden=verdict.overridden,
            eligible_group=basis,
            events=2,
        )
