"""Loans: terms, recorded facts, the stored state (outstanding, open instalments) and the
portfolio per commune."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.support.adapters.sums import summed
from services.support.adapters.tables import instalments, loan_facts, loans
from services.support.domain.credit import (
    FactKind,
    LoanFact,
    LoanState,
    LoanTerms,
)
from services.support.views import BucketFigures, LoanFactView, Portfolio, PortfolioRow
from shared.contracts.codes import LoanStatus, OverdueBucket


@dataclass(frozen=True, slots=True)
class StoredLoan:
    loan_id: str
    household_code: str
    commune_code: str
    village_code: str
    programme_code: str
    terms: LoanTerms
    max_extension_months: int
    status: str


class CreditRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, loan_id: str) -> StoredLoan | None:
        row = self.conn.execute(sa.select(loans).where(loans.c.loan_id == loan_id)).first()
        return stored_loan(row._mapping) if row else None

    def of_household(self, household_code: str) -> list[StoredLoan]:
        q = (
            sa.select(loans)
            .where(loans.c.household_code == household_code)
            .order_by(loans.c.disbursed_on, loans.c.loan_id)
        )
        return [stored_loan(r) for r in self.conn.execute(q).mappings()]

    def facts(self, loan_id: str) -> list[LoanFact]:
        return self.facts_of([loan_id]).get(loan_id, [])

    def facts_of(self, loan_ids: list[str]) -> dict[str, list[LoanFact]]:
        """The facts of several loans in one query, each loan's in recording order."""
        out: dict[str, list[LoanFact]] = {}
        if not loan_ids:
            return out
        f = loan_facts.c
        q = (
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
            .where(f.loan_id.in_(loan_ids))
            .order_by(f.loan_id, f.seq)
        )
        for loan_id, fid, kind, on, principal, interest, due, new_due in self.conn.execute(q):
            out.setdefault(loan_id, []).append(
                LoanFact(fid, FactKind(kind), on, principal, interest, due, new_due)
            )
        return out

    def fact_views(self, loan_id: str) -> list[LoanFactView]:
        q = sa.select(loan_facts).where(loan_facts.c.loan_id == loan_id).order_by(loan_facts.c.seq)
        return [LoanFactView.model_validate(dict(r)) for r in self.conn.execute(q).mappings()]

    def add_loan(self, row: dict[str, Any], state: LoanState) -> None:
        self.conn.execute(sa.insert(loans), [{**row, **_state_columns(state)}])
        self._instalments(row["loan_id"], state)

    def add_fact(self, row: dict[str, Any]) -> None:
        seq = self.conn.execute(
            sa.select(sa.func.coalesce(sa.func.max(loan_facts.c.seq), 0)).where(
                loan_facts.c.loan_id == row["loan_id"]
            )
        ).scalar_one()
        self.conn.execute(sa.insert(loan_facts), [{**row, "seq": int(seq) + 1}])

    def save_state(self, loan: StoredLoan, state: LoanState) -> None:
        self.conn.execute(
            sa.update(loans).where(loans.c.loan_id == loan.loan_id).values(**_state_columns(state))
        )
        self._instalments(loan.loan_id, state)

    def _instalments(self, loan_id: str, state: LoanState) -> None:
        self.conn.execute(sa.delete(instalments).where(instalments.c.loan_id == loan_id))
        rows = [
            {"loan_id": loan_id, "due_on": i.due_on, "unpaid_vnd": i.principal_vnd}
            for i in state.open_instalments
        ]
        if rows:
            self.conn.execute(sa.insert(instalments), rows)

    def portfolio(
        self, as_of: date, commune_codes: tuple[str, ...] = (), programme_code: str | None = None
    ) -> Portfolio:
        """Active loans per commune on ``as_of``: outstanding, overdue principal and ageing
        buckets (by the oldest unpaid instalment), from the stored state (every repayment
        recorded so far) aged at ``as_of``.

        Two queries, each on its own index: the loans not past due, grouped by commune and
        programme (covering index on status, commune, programme, …), and the loans past due,
        one row each with the sum of its past-due instalments (index on status and oldest
        unpaid due date, so only the few late loans are read; the sum by the instalments'
        primary key), aged in SQL by comparing dates."""
        lc, ic = loans.c, instalments.c
        cond: list[Any] = [lc.status == LoanStatus.ACTIVE.value]
        if commune_codes:
            cond.append(lc.commune_code.in_(commune_codes))
        if programme_code:
            cond.append(lc.programme_code == programme_code)
        oldest = lc.oldest_unpaid_due_on
        current, read = summed(
            self.conn,
            lambda s: (
                sa.select(
                    lc.commune_code,
                    lc.programme_code,
                    sa.func.count().label("n"),
                    *s(lc.outstanding_vnd, "o"),
                )
                .where(*cond, sa.or_(oldest.is_(None), oldest >= as_of))
                .group_by(lc.commune_code, lc.programme_code)
            ),
        )
        age = sa.case(
            (oldest <= as_of - timedelta(days=91), OverdueBucket.OVER_90.value),
            (oldest <= as_of - timedelta(days=31), OverdueBucket.DAYS_31_90.value),
            else_=OverdueBucket.DAYS_1_30.value,
        ).label("bucket")
        past_due = (
            sa.select(sa.func.sum(ic.unpaid_vnd))  # one loan's: at most its principal
            .where(ic.loan_id == lc.loan_id, ic.due_on < as_of)
            .scalar_subquery()
        )
        late = self.conn.execute(
            sa.select(
                lc.commune_code,
                lc.programme_code,
                lc.outstanding_vnd,
                age,
                sa.func.coalesce(past_due, 0).label("past_due"),
            ).where(*cond, oldest < as_of)
        ).all()
        rows: dict[str, _Acc] = {}

        def add(commune: str, programme: str, bucket: str, n: int, out: int, due: int) -> None:
            for key in (commune, "*"):
                a = rows.get(key) or rows.setdefault(key, _Acc())
                a.loans += n
                a.outstanding += out
                a.overdue += due
                figures = a.buckets[bucket]
                figures[0] += n
                figures[1] += due
                figures[2] += out
                a.programmes[programme] = a.programmes.get(programme, 0) + out

        for r in current:
            add(r.commune_code, r.programme_code, OverdueBucket.CURRENT.value, r.n, read(r, "o"), 0)
        for r in late:  # one row per late loan, with its past-due principal
            add(r.commune_code, r.programme_code, r.bucket, 1, r.outstanding_vnd, int(r.past_due))
        return Portfolio(
            as_of=as_of,
            rows=[
                PortfolioRow(
                    commune_code=k,
                    loans=v.loans,
                    outstanding_vnd=v.outstanding,
                    overdue_vnd=v.overdue,
                    buckets={
                        name: BucketFigures(loans=n, overdue_vnd=o, outstanding_vnd=s)
                        for name, (n, o, s) in v.buckets.items()
                    },
                    by_programme=dict(sorted(v.programmes.items())),
                )
                for k, v in sorted(rows.items(), key=lambda kv: (kv[0] == "*", kv[0]))
            ],
        )


class _Acc:
    """Running figures of one commune while the grouped rows are read."""

    __slots__ = ("buckets", "loans", "outstanding", "overdue", "programmes")

    def __init__(self) -> None:
        self.loans = 0
        self.outstanding = 0
        self.overdue = 0
        self.buckets: dict[str, list[int]] = {b.value: [0, 0, 0] for b in OverdueBucket}
        self.programmes: dict[str, int] = {}


def stored_loan(m: Any) -> StoredLoan:
    return StoredLoan(
        loan_id=m["loan_id"],
        household_code=m["household_code"],
        commune_code=m["commune_code"],
        village_code=m["village_code"],
        programme_code=m["programme_code"],
        terms=LoanTerms(
            principal_vnd=m["principal_vnd"],
            rate_pct=Decimal(m["rate_pct"]),
            term_months=m["term_months"],
            disbursed_on=m["disbursed_on"],
            grace_months=m["grace_months"],
            every_months=m["every_months"],
            days_in_year=m["days_in_year"],
            overdue_rate_factor=Decimal(m["overdue_rate_factor"]),
        ),
        max_extension_months=m["max_extension_months"],
        status=m["status"],
    )


def _state_columns(s: LoanState) -> dict[str, Any]:
    return {
        "status": s.status.value,
        "outstanding_vnd": s.outstanding_vnd,
        "principal_paid_vnd": s.principal_paid_vnd,
        "principal_written_off_vnd": s.principal_written_off_vnd,
        "interest_paid_vnd": s.interest_paid_vnd,
        "interest_written_off_vnd": s.interest_written_off_vnd,
        "oldest_unpaid_due_on": s.open_instalments[0].due_on if s.open_instalments else None,
        "maturity_on": s.maturity_on,
        "closed_on": s.closed_on,
    }
