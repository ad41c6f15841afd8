"""Organisations, pairings and visits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.support.adapters.sums import joined_values, split_sum
from services.support.adapters.tables import organisations, pairings, records, visits
from services.support.views import CommitmentView, OrganisationView, PairingView, VisitView


class SponsorRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add_organisation(self, row: dict[str, Any]) -> None:
        self.conn.execute(sa.insert(organisations), [row])

    def organisation(self, code: str) -> OrganisationView | None:
        row = self.conn.execute(
            sa.select(organisations).where(organisations.c.organisation_code == code)
        ).first()
        return OrganisationView.model_validate(dict(row._mapping)) if row else None

    def organisations(self, commune_code: str | None = None) -> list[OrganisationView]:
        q = sa.select(organisations).order_by(organisations.c.organisation_code)
        if commune_code is not None:
            q = q.where(organisations.c.commune_code == commune_code)
        return [OrganisationView.model_validate(dict(r)) for r in self.conn.execute(q).mappings()]

    def add_pairing(self, row: dict[str, Any]) -> None:
        self.conn.execute(sa.insert(pairings), [row])

    def update_pairing(self, pairing_id: str, values: dict[str, Any]) -> None:
        self.conn.execute(
            sa.update(pairings).where(pairings.c.pairing_id == pairing_id).values(**values)
        )

    def add_visit(self, row: dict[str, Any]) -> None:
        self.conn.execute(sa.insert(visits), [row])

    def pairing(self, pairing_id: str) -> PairingView | None:
        found = self._pairings(pairings.c.pairing_id == pairing_id)
        return found[0] if found else None

    def pairings_where(self, cond: Any) -> list[PairingView]:
        return self._pairings(cond)

    def organisations_where(self, cond: Any) -> list[OrganisationView]:
        q = sa.select(organisations).where(cond).order_by(organisations.c.organisation_code)
        return [OrganisationView.model_validate(dict(r)) for r in self.conn.execute(q).mappings()]

    def pairings_of_organisation(self, code: str) -> list[PairingView]:
        return self._pairings(pairings.c.organisation_code == code)

    def pairings_of_household(self, household_code: str) -> list[PairingView]:
        return self._pairings(pairings.c.household_code == household_code)

    def visits(self, pairing_id: str) -> list[VisitView]:
        q = (
            sa.select(visits)
            .where(visits.c.pairing_id == pairing_id)
            .order_by(visits.c.visited_on, visits.c.visit_id)
        )
        return [VisitView.model_validate(dict(r)) for r in self.conn.execute(q).mappings()]

    def _pairings(self, cond: Any) -> list[PairingView]:
        return [pairing_view(m) for m in self.conn.execute(pairings_statement(cond)).mappings()]


def pairings_statement(cond: Any) -> sa.Select[Any]:
    """Pairings matching ``cond`` with their visits and the support given through them."""
    ids = sa.select(pairings.c.pairing_id).where(cond)
    v = (
        sa.select(
            visits.c.pairing_id,
            sa.func.count().label("visits"),
            sa.func.max(visits.c.visited_on).label("last"),
        )
        .where(visits.c.pairing_id.in_(ids))
        .group_by(visits.c.pairing_id)
        .subquery("v")
    )
    s = (
        sa.select(
            records.c.pairing_id,
            sa.func.count().label("n"),
            *split_sum(records.c.amount_vnd, "a"),
        )
        .where(records.c.pairing_id.in_(ids))
        .group_by(records.c.pairing_id)
        .subquery("s")
    )
    return (
        sa.select(pairings, v.c.visits, v.c.last, s.c.n, s.c.a_hi, s.c.a_lo)
        .select_from(
            pairings.outerjoin(v, v.c.pairing_id == pairings.c.pairing_id).outerjoin(
                s, s.c.pairing_id == pairings.c.pairing_id
            )
        )
        .where(cond)
        .order_by(pairings.c.starts_on, pairings.c.pairing_id)
    )


def pairing_view(m: Mapping[Any, Any]) -> PairingView:
    return PairingView(
        pairing_id=m["pairing_id"],
        organisation_code=m["organisation_code"],
        household_code=m["household_code"],
        commune_code=m["commune_code"],
        village_code=m["village_code"],
        starts_on=m["starts_on"],
        ends_on=m["ends_on"],
        target_year=m["target_year"],
        commitments=[CommitmentView.model_validate(c) for c in orjson.loads(m["commitments"])],
        status=m["status"],
        ended_on=m["ended_on"],
        outcome=m["outcome"],
        visits=int(m["visits"] or 0),
        last_visit_on=m["last"],
        support_records=int(m["n"] or 0),
        support_vnd=joined_values(m, "a") if m["n"] else 0,
    )
