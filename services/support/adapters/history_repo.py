"""A household's whole file in one round trip: its register entry and recognitions, every
support record, its loans and their facts, obligations, houses, cards, courses and pairings
(see ``fetch``: the statements go to PostgreSQL together)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from pydantic import TypeAdapter
from sqlalchemy.engine import Connection

from services.support.adapters.cases_repo import card_view, housing_view
from services.support.adapters.credit_repo import StoredLoan, stored_loan
from services.support.adapters.fetch import fetch_all
from services.support.adapters.register_repo import Registered, assemble
from services.support.adapters.revolving_repo import StoredObligation, stored_obligation
from services.support.adapters.sponsor_repo import pairing_view, pairings_statement
from services.support.adapters.tables import (
    cards,
    housing_cases,
    known,
    loan_facts,
    loans,
    members,
    obligations,
    pairings,
    recognised,
    records,
    trainings,
)
from services.support.domain.credit import FactKind, LoanFact
from services.support.views import CardView, HousingView, PairingView, RecordView, TrainingView

RECORD_COLUMNS = [records.c[name] for name in RecordView.model_fields]
RECORDS = TypeAdapter(list[RecordView])
TRAININGS = TypeAdapter(list[TrainingView])


@dataclass(frozen=True, slots=True)
class HouseholdFile:
    household: Registered
    records: list[RecordView]
    loans: list[StoredLoan]
    loan_facts: dict[str, list[LoanFact]]
    obligations: list[StoredObligation]
    housing: list[HousingView]
    cards: list[CardView]
    trainings: list[TrainingView]
    pairings: list[PairingView]


HH = sa.bindparam("household_code", type_=sa.String)


@functools.cache
def _statements() -> tuple[sa.Select[Any], ...]:
    """The statements of a household's file, built once, bound to ``household_code``."""
    f = loan_facts.c
    return (
        sa.select(known).where(known.c.household_code == HH),
        sa.select(members).where(members.c.household_code == HH).order_by(members.c.member_no),
        sa.select(recognised).where(recognised.c.household_code == HH),
        sa.select(*RECORD_COLUMNS)
        .where(records.c.household_code == HH)
        .order_by(records.c.given_on, records.c.record_id),
        sa.select(loans)
        .where(loans.c.household_code == HH)
        .order_by(loans.c.disbursed_on, loans.c.loan_id),
        sa.select(
            f.loan_id,
            f.fact_id,
            f.kind,
            f.on,
            f.principal_vnd,
            f.interest_vnd,
            f.instalment_due_on,
            f.new_due_on,
        )
        .select_from(loan_facts.join(loans, loans.c.loan_id == f.loan_id))
        .where(loans.c.household_code == HH)
        .order_by(f.loan_id, f.seq),
        sa.select(obligations)
        .where(obligations.c.household_code == HH)
        .order_by(obligations.c.due_on, obligations.c.obligation_id),
        sa.select(housing_cases)
        .where(housing_cases.c.household_code == HH)
        .order_by(housing_cases.c.started_on, housing_cases.c.case_id),
        sa.select(cards)
        .where(cards.c.household_code == HH)
        .order_by(cards.c.member_no, cards.c.valid_from),
        sa.select(trainings)
        .where(trainings.c.household_code == HH)
        .order_by(trainings.c.member_no, trainings.c.starts_on, trainings.c.enrolment_id),
        pairings_statement(pairings.c.household_code == HH),
    )


class HistoryRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def household_file(self, household_code: str) -> HouseholdFile | None:
        params = {"household_code": household_code}
        (
            heads,
            roster,
            recognitions,
            record_rows,
            loan_rows,
            fact_rows,
            obligation_rows,
            housing_rows,
            card_rows,
            training_rows,
            pairing_rows,
        ) = fetch_all(self.conn, [(s, params) for s in _statements()])
        found = assemble(heads, roster, recognitions).get(household_code)
        if found is None:
            return None
        facts: dict[str, list[LoanFact]] = {}
        for r in fact_rows:
            facts.setdefault(r["loan_id"], []).append(
                LoanFact(
                    r["fact_id"],
                    FactKind(r["kind"]),
                    r["on"],
                    r["principal_vnd"],
                    r["interest_vnd"],
                    r["instalment_due_on"],
                    r["new_due_on"],
                )
            )
        return HouseholdFile(
            household=found,
            records=_records(record_rows),
            loans=[stored_loan(r) for r in loan_rows],
            loan_facts=facts,
            obligations=[stored_obligation(r) for r in obligation_rows],
            housing=[housing_view(r) for r in housing_rows],
            cards=[card_view(r) for r in card_rows],
            trainings=TRAININGS.validate_python([dict(r) for r in training_rows]),
            pairings=[pairing_view(r) for r in pairing_rows],
        )


def _records(rows: list[Any]) -> list[RecordView]:
    """Rows written by the ledger, checked by pydantic-core in one call (faster than building
    each model in Python)."""
    return RECORDS.validate_python([dict(r) for r in rows])
