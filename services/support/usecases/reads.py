"""Support's read side: a household's whole history, filtered and paged lists with totals,
and where an entity is (for access rules)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

import sqlalchemy as sa

from services.support.adapters.ledger_repo import MAX_PAGE_SIZE, RecordFilter, Within, totals_of
from services.support.adapters.register_repo import Registered
from services.support.adapters.revolving_repo import view as obligation_view
from services.support.adapters.tables import (
    cards,
    escapes,
    housing_cases,
    known,
    loans,
    needs,
    obligations,
    organisations,
    pairings,
    records,
    revolving_models,
    trainings,
)
from services.support.adapters.uow import SupportUnitOfWork
from services.support.domain.credit import evaluate
from services.support.domain.groups import status_on
from services.support.usecases.common import household, missing, unknown_household
from services.support.usecases.credit import loan_view
from services.support.views import (
    Area,
    HouseholdHistory,
    HouseholdInfo,
    ModelView,
    OrganisationView,
    Page,
    PairingDetail,
    PairingView,
    RecordView,
    Totals,
)
from shared.errors import DomainError


def household_history(uow: SupportUnitOfWork, household_code: str, on: date) -> HouseholdHistory:
    """Everything the household received, oldest first, with totals by kind, source and
    programme; its loans (as of ``on``), obligations, houses, cards, courses and pairings. One
    round trip to the database (see ``adapters.history_repo``)."""
    with uow:
        found = uow.history.household_file(household_code)
    if found is None:
        raise unknown_household(household_code)
    return HouseholdHistory(
        household=household_info(found.household, on),
        records=found.records,
        totals=totals_of(found.records),
        loans=[
            loan_view(
                ln,
                evaluate(
                    ln.terms,
                    found.loan_facts.get(ln.loan_id, []),
                    on,
                    max_extension_months=ln.max_extension_months,
                ),
            )
            for ln in found.loans
        ],
        obligations=[obligation_view(o, on) for o in found.obligations],
        housing=found.housing,
        cards=found.cards,
        trainings=found.trainings,
        pairings=found.pairings,
    )


def household_info(hh: Registered, on: date) -> HouseholdInfo:
    """A household as support shows it: codes, statuses (latest and recognised on ``on``),
    size, causes and needs; no names."""
    entry = status_on(hh.history, on)
    return HouseholdInfo(
        household_code=hh.household_code,
        commune_code=hh.commune_code,
        village_code=hh.village_code,
        latest_status=hh.status,
        latest_stage=hh.stage,
        recognised_status=entry.status.value if entry else None,
        recognised_on=entry.effective_on if entry else None,
        newly_escaped_until=entry.newly_escaped_until if entry else None,
        members=len(hh.members),
        causes=list(hh.causes),
        needs=list(hh.needs),
    )


def _check_page(page: int, page_size: int) -> None:
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise DomainError(
            "page_size",
            f"Trang phải từ 1; số dòng mỗi trang từ 1 đến {MAX_PAGE_SIZE}.",
            f"Pages start at 1; a page holds 1 to {MAX_PAGE_SIZE} rows.",
        )


def list_records(
    uow: SupportUnitOfWork, criteria: RecordFilter, page: int = 1, page_size: int = 50
) -> Page[RecordView]:
    """Support records matching every given criterion (commune, village, programme and its
    sub-projects, kind, funding source, period, record status, the household's recognised
    status, overrides …), oldest first, one page at a time, with the number matching."""
    _check_page(page, page_size)
    with uow:
        items, total = uow.ledger.page(criteria, page, page_size)
    return Page[RecordView](items=items, total=total, page=page, page_size=page_size)


def record_totals(uow: SupportUnitOfWork, criteria: RecordFilter) -> Totals:
    """Count and value of the records matching ``criteria`` by kind, source and programme
    (overrides counted apart)."""
    with uow:
        return uow.ledger.totals(criteria)


class Entity(StrEnum):
    """What an access rule may ask the area of."""

    HOUSEHOLD = "household"
    RECORD = "record"
    LOAN = "loan"
    OBLIGATION = "obligation"
    HOUSING_CASE = "housing_case"
    CARD = "card"
    ENROLMENT = "enrolment"
    PAIRING = "pairing"
    REVOLVING_MODEL = "revolving_model"
    NEED = "need"
    COMMITMENT = "commitment"


_WHERE: dict[Entity, tuple[sa.Table, str]] = {
    Entity.HOUSEHOLD: (known, "household_code"),
    Entity.RECORD: (records, "record_id"),
    Entity.LOAN: (loans, "loan_id"),
    Entity.OBLIGATION: (obligations, "obligation_id"),
    Entity.HOUSING_CASE: (housing_cases, "case_id"),
    Entity.CARD: (cards, "card_id"),
    Entity.ENROLMENT: (trainings, "enrolment_id"),
    Entity.PAIRING: (pairings, "pairing_id"),
    Entity.REVOLVING_MODEL: (revolving_models, "model_code"),
    Entity.NEED: (needs, "need_id"),
    Entity.COMMITMENT: (escapes, "commitment_id"),
}


ENTITY_VI = {
    Entity.HOUSEHOLD: "hộ trong danh sách hộ đã rà soát",
    Entity.RECORD: "khoản hỗ trợ",
    Entity.LOAN: "khoản vay",
    Entity.OBLIGATION: "nghĩa vụ hoàn trả",
    Entity.HOUSING_CASE: "hồ sơ nhà ở",
    Entity.CARD: "thẻ bảo hiểm y tế",
    Entity.ENROLMENT: "đăng ký học nghề",
    Entity.PAIRING: "cặp giúp đỡ",
    Entity.REVOLVING_MODEL: "mô hình quay vòng",
    Entity.NEED: "đăng ký nhu cầu",
    Entity.COMMITMENT: "cam kết thoát nghèo",
}


def locate(uow: SupportUnitOfWork, entity: Entity, entity_id: str) -> Area:
    """The commune and village of an entity (a revolving model may have no village: '')."""
    table, key = _WHERE[entity]
    with uow:
        found = uow.ledger.area(table, key, entity_id)
    if found is None:
        field = "household_code" if entity is Entity.HOUSEHOLD else f"{entity.value}_id"
        raise missing(ENTITY_VI[entity], entity.value.replace("_", " "), entity_id, field)
    return Area(commune_code=found[0], village_code=found[1])


def locate_many(uow: SupportUnitOfWork, entity: Entity, ids: list[str]) -> dict[str, Area]:
    """Where each of ``ids`` is (unknown ids are left out)."""
    table, key = _WHERE[entity]
    with uow:
        found = uow.ledger.areas(table, key, ids)
    return {k: Area(commune_code=c, village_code=v) for k, (c, v) in found.items()}


def record_detail(uow: SupportUnitOfWork, record_id: str) -> RecordView:
    with uow:
        found = uow.ledger.get(record_id)
    if found is None:
        raise missing("khoản hỗ trợ", "support record", record_id, "record_id")
    return found


@dataclass(frozen=True, slots=True)
class Seen:
    """What a caller may see of the sponsor side: everything, or the pairings of these
    organisations and those of households in these communes or villages."""

    everything: bool
    orgs: tuple[str, ...] = ()
    within: Within = field(default_factory=Within)

    def pairing_condition(self) -> Any:
        if self.everything:
            return sa.true()
        p = pairings.c
        return sa.or_(
            p.organisation_code.in_(self.orgs) if self.orgs else sa.false(),
            self.within.condition(p.commune_code, p.village_code),
        )


def list_pairings(
    uow: SupportUnitOfWork,
    seen: Seen,
    *,
    organisation_code: str | None = None,
    commune_code: str | None = None,
    status: str | None = None,
) -> list[PairingView]:
    """Pairings the caller may see (a sponsor: its own organisation's), filtered."""
    p = pairings.c
    cond = [seen.pairing_condition()]
    if organisation_code:
        cond.append(p.organisation_code == organisation_code)
    if commune_code:
        cond.append(p.commune_code == commune_code)
    if status:
        cond.append(p.status == status)
    with uow:
        return uow.sponsors.pairings_where(sa.and_(*cond))


def list_organisations(
    uow: SupportUnitOfWork, seen: Seen, commune_code: str | None = None
) -> list[OrganisationView]:
    """Organisations the caller may see: all (province), else those of its communes, its own,
    and those helping households of its area."""
    o = organisations.c
    cond: list[Any] = []
    if not seen.everything:
        helping = sa.select(pairings.c.organisation_code).where(seen.pairing_condition())
        cond.append(
            sa.or_(
                o.organisation_code.in_(seen.orgs) if seen.orgs else sa.false(),
                o.commune_code.in_(seen.within.communes) if seen.within.communes else sa.false(),
                o.organisation_code.in_(helping),
            )
        )
    if commune_code:
        cond.append(o.commune_code == commune_code)
    with uow:
        return uow.sponsors.organisations_where(sa.and_(sa.true(), *cond))


def pairing_detail(uow: SupportUnitOfWork, pairing_id: str, on: date) -> PairingDetail:
    """A pairing with its household (codes, status on ``on``, causes and needs), visits and the
    support given through it."""
    with uow:
        found = uow.sponsors.pairing(pairing_id)
        if found is None:
            raise missing("việc giúp đỡ", "pairing", pairing_id, "pairing_id")
        hh = household(uow, found.household_code)
        visits_ = uow.sponsors.visits(pairing_id)
        given, _total = uow.ledger.page(RecordFilter(pairing_id=pairing_id), 1, MAX_PAGE_SIZE)
    return PairingDetail(
        pairing=found, household=household_info(hh, on), visits=visits_, records=given
    )


def list_models(
    uow: SupportUnitOfWork, within: Within | None, commune_code: str | None
) -> list[ModelView]:
    """Revolving models of the caller's area (or of one commune)."""
    m = revolving_models.c
    cond: list[Any] = []
    if within is not None:
        cond.append(within.condition(m.commune_code, m.village_code))
    if commune_code:
        cond.append(m.commune_code == commune_code)
    with uow:
        return uow.revolving.models(sa.and_(sa.true(), *cond))


def pairing_of(uow: SupportUnitOfWork, pairing_id: str) -> PairingView:
    """A pairing (its organisation and household's area, for access rules)."""
    with uow:
        found = uow.sponsors.pairing(pairing_id)
    if found is None:
        raise missing("việc giúp đỡ", "pairing", pairing_id, "pairing_id")
    return found
