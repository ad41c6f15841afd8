"""Revolving models, their funds' movements, obligations and their events, and chains."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.support.adapters.sums import joined, split_sum
from services.support.adapters.tables import (
    fund_entries,
    obligation_events,
    obligations,
    records,
    revolving_models,
)
from services.support.domain.catalogue import RevolvingTerms
from services.support.domain.revolving import (
    ChainNode,
    FundBalance,
    FundEntryKind,
    Holding,
    fund_balance,
)
from services.support.views import ModelView, ObligationView
from shared.contracts.codes import AssetKind, ObligationStatus, RecordType


@dataclass(frozen=True, slots=True)
class StoredModel:
    model_code: str
    programme_code: str
    commune_code: str
    village_code: str | None
    asset: AssetKind
    species: str | None
    terms: RevolvingTerms


@dataclass(frozen=True, slots=True)
class StoredObligation:
    obligation_id: str
    model_code: str
    record_id: str
    household_code: str
    commune_code: str
    village_code: str
    generation: int
    holding: Holding


class RevolvingRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def model(self, model_code: str) -> StoredModel | None:
        row = self.conn.execute(
            sa.select(revolving_models).where(revolving_models.c.model_code == model_code)
        ).first()
        if row is None:
            return None
        m = row._mapping
        return StoredModel(
            model_code=m["model_code"],
            programme_code=m["programme_code"],
            commune_code=m["commune_code"],
            village_code=m["village_code"],
            asset=AssetKind(m["asset"]),
            species=m["species"],
            terms=RevolvingTerms(
                pass_on_per_head=m["pass_on_per_head"],
                pass_on_due_months=m["pass_on_due_months"],
                repay_share_pct=Decimal(m["repay_share_pct"]),
                repay_due_months=m["repay_due_months"],
            ),
        )

    def models(self, cond: Any) -> list[ModelView]:
        q = sa.select(revolving_models).where(cond).order_by(revolving_models.c.model_code)
        return [ModelView.model_validate(dict(r)) for r in self.conn.execute(q).mappings()]

    def add_model(self, row: dict[str, Any]) -> None:
        self.conn.execute(sa.insert(revolving_models), [row])

    def add_fund_entry(self, row: dict[str, Any]) -> None:
        self.conn.execute(sa.insert(fund_entries), [row])

    def balance(self, model_code: str) -> FundBalance:
        moves = self.conn.execute(
            sa.select(fund_entries.c.kind, *split_sum(fund_entries.c.amount_vnd, "a"))
            .where(fund_entries.c.model_code == model_code)
            .group_by(fund_entries.c.kind)
        ).all()
        o = obligations.c
        owed = self.conn.execute(
            sa.select(
                *split_sum(o.amount_owed_vnd, "v"),
                sa.func.coalesce(sa.func.sum(o.quantity_owed), 0).label("heads"),
                sa.func.coalesce(sa.func.sum(o.waived), 0).label("waived"),
            ).where(o.model_code == model_code)
        ).one()
        return fund_balance(
            [(FundEntryKind(r.kind), joined(r, "a")) for r in moves],
            joined(owed, "v"),
            int(owed.heads),
            int(owed.waived),
        )

    def obligation_counts(self, model_code: str, on: date) -> tuple[int, int]:
        o = obligations.c
        row = self.conn.execute(
            sa.select(
                sa.func.count().label("open"),
                sa.func.coalesce(sa.func.sum(sa.case((o.due_on < on, 1), else_=0)), 0).label(
                    "late"
                ),
            ).where(o.model_code == model_code, o.status == ObligationStatus.OPEN.value)
        ).one()
        return int(row.open), int(row.late)

    def obligation(self, obligation_id: str) -> StoredObligation | None:
        row = self.conn.execute(
            sa.select(obligations).where(obligations.c.obligation_id == obligation_id)
        ).first()
        return stored_obligation(row._mapping) if row else None

    def of_household(self, household_code: str) -> list[StoredObligation]:
        q = (
            sa.select(obligations)
            .where(obligations.c.household_code == household_code)
            .order_by(obligations.c.due_on, obligations.c.obligation_id)
        )
        return [stored_obligation(r) for r in self.conn.execute(q).mappings()]

    def add_obligation(self, row: dict[str, Any], h: Holding) -> None:
        self.conn.execute(sa.insert(obligations), [{**row, **_holding_columns(h)}])

    def save_holding(self, obligation_id: str, h: Holding, settled_on: date | None) -> None:
        values = _holding_columns(h)
        if settled_on is not None:
            values["settled_on"] = settled_on
        self.conn.execute(
            sa.update(obligations)
            .where(obligations.c.obligation_id == obligation_id)
            .values(**values)
        )

    def add_event(self, row: dict[str, Any]) -> None:
        self.conn.execute(sa.insert(obligation_events), [row])

    def chain_nodes(self, model_code: str) -> list[ChainNode]:
        r = records.c
        q = sa.select(
            r.record_id, r.household_code, r.given_on, r.passed_from_record_id, r.quantity
        ).where(
            r.revolving_model == model_code,
            r.record_type.in_([RecordType.REVOLVING.value, RecordType.PASS_ON.value]),
        )
        return [ChainNode(*row) for row in self.conn.execute(q)]


def view(o: StoredObligation, on: date) -> ObligationView:
    h = o.holding
    return ObligationView(
        obligation_id=o.obligation_id,
        model_code=o.model_code,
        record_id=o.record_id,
        household_code=o.household_code,
        generation=o.generation,
        received=h.received,
        on_hand=h.on_hand,
        quantity_owed=h.quantity_owed,
        amount_owed_vnd=h.amount_owed_vnd,
        repaid_vnd=h.repaid_vnd,
        passed_on=h.passed_on,
        waived=h.waived,
        converted_vnd=h.converted_vnd,
        due_on=h.due_on,
        status=h.status.value,
        overdue=h.overdue_on(on),
    )


def stored_obligation(m: Any) -> StoredObligation:
    return StoredObligation(
        obligation_id=m["obligation_id"],
        model_code=m["model_code"],
        record_id=m["record_id"],
        household_code=m["household_code"],
        commune_code=m["commune_code"],
        village_code=m["village_code"],
        generation=m["generation"],
        holding=Holding(
            received=m["received"],
            value_per_head_vnd=m["value_per_head_vnd"],
            quantity_owed=m["quantity_owed"],
            amount_owed_vnd=m["amount_owed_vnd"],
            due_on=m["due_on"],
            born=m["born"],
            bought=m["bought"],
            died=m["died"],
            sold=m["sold"],
            passed_on=m["passed_on"],
            repaid_vnd=m["repaid_vnd"],
            waived=m["waived"],
            converted_vnd=m["converted_vnd"],
        ),
    )


def _holding_columns(h: Holding) -> dict[str, Any]:
    return {
        "received": h.received,
        "value_per_head_vnd": h.value_per_head_vnd,
        "quantity_owed": h.quantity_owed,
        "amount_owed_vnd": h.amount_owed_vnd,
        "due_on": h.due_on,
        "born": h.born,
        "bought": h.bought,
        "died": h.died,
        "sold": h.sold,
        "passed_on": h.passed_on,
        "repaid_vnd": h.repaid_vnd,
        "waived": h.waived,
        "converted_vnd": h.converted_vnd,
        "status": h.status.value,
    }
