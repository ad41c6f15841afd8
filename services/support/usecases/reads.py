"""Support's read side: a household's whole history, filtered and paged lists with totals,
and where an entity is (for access rules)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import sqlalchemy as sa

from services.support.adapters.ledger_repo import MAX_PAGE_SIZE, RecordFilter, totals_of
from services.support.adapters.revolving_repo import view as obligation_view
from services.support.adapters.tables import (
    cards,
    housing_cases,
    known,
    loans,
    obligations,
    pairings,
    records,
    revolving_models,
    trainings,
)
from services.support.adapters.uow import SupportUnitOfWork
from services.support.domain.credit import evaluate
from services.support.domain.groups import status_on
from services.support.usecases.common import household, missing
from services.support.usecases.credit import loan_view
from services.support.views import (
    Area,
    HouseholdHistory,
    HouseholdInfo,
    LoanView,
    Page,
    RecordView,
    Totals,
)
from shared.errors import DomainError


def household_history(uow: SupportUnitOfWork, household_code: str, on: date) -> HouseholdHistory:
    """Everything the household received, oldest first, with totals by kind, source and
    programme; its loans (as of ``on``), obligations, houses, cards, courses and pairings."""
    with uow:
        hh = household(uow, household_code)
        entry = status_on(hh.history, on)
        views = uow.ledger.of_household(household_code)
        return HouseholdHistory(
            household=HouseholdInfo(
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
            ),
            records=views,
            totals=totals_of(views),
            loans=_loans(uow, household_code, on),
            obligations=[
                obligation_view(o, on) for o in uow.revolving.of_household(household_code)
            ],
            housing=uow.cases.housing_of(household_code),
            cards=uow.cases.cards_of(household_code),
            trainings=uow.cases.trainings_of(household_code),
            pairings=uow.sponsors.pairings_of_household(household_code),
        )


def _loans(uow: SupportUnitOfWork, household_code: str, on: date) -> list[LoanView]:
    stored = uow.credit.of_household(household_code)
    facts = uow.credit.facts_of([ln.loan_id for ln in stored])
    return [
        loan_view(
            ln,
            evaluate(
                ln.terms,
                facts.get(ln.loan_id, []),
                on,
                max_extension_months=ln.max_extension_months,
            ),
        )
        for ln in stored
    ]


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
