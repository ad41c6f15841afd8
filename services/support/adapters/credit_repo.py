"""Loans: terms, recorded facts, the stored state (outstanding, open instalments) and the
portfolio per commune."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.support.adapters.sums import joined, split_sum
from services.support.adapters.tables import instalments, loan_facts, loans
from services.support.domain.credit import (
    FactKind,
    LoanFact,
    LoanState,
    LoanTerms,
    bucket_due_dates,
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
        return _stored(row._mapping) if row else None

    def of_household(self, household_code: str) -> list[StoredLoan]:
        q = (
            sa.select(loans)
            .where(loans.c.household_code == household_code)
            .order_by(loans.c.disbursed_on, loans.c.loan_id)
        )
        return [_stored(r) for r in self.conn.execute(q).mappings()]

    def facts(self, loan_id: str) -> list[LoanFact]:
        q = sa.select(loan_facts).where(loan_facts.c.loan_id == loan_id).order_by(loan_facts.c.seq)
        return [
            LoanFact(
                r["fact_id"],
                FactKind(r["kind"]),
                r["on"],
                r["principal_vnd"],
                r["interest_vnd"],
                r["instalment_due_on"],
                r["new_due_on"],
            )
            for r in self.conn.execute(q).mappings()
        ]

    def fact_views(self, loan_id: str) -> list[LoanFactView]:
        q = sa.select(loan_facts).where(loan_facts.c.loan_id == loan_id).order_by(loan_facts.c.seq)
        return [LoanFactView.model_validate(dict(r)) for r in self.conn.execute(q).mappings()]

    def add_loan(self, row: dict[str, Any], state: LoanState) -> None:
        self.conn.execute(sa.insert(loans), [{**row, **_state_columns(state)}])
        self._instalments(row["loan_id"], row["commune_code"], state)

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
        self._instalments(loan.loan_id, loan.commune_code, state)

    def _instalments(self, loan_id: str, commune_code: str, state: LoanState) -> None:
        self.conn.execute(sa.delete(instalments).where(instalments.c.loan_id == loan_id))
        rows = [
            {
                "loan_id": loan_id,
                "due_on": i.due_on,
                "commune_code": commune_code,
                "unpaid_vnd": i.principal_vnd,
            }
            for i in state.open_instalments
        ]
        if rows:
            self.conn.execute(sa.insert(instalments), rows)

    def portfolio(
        self, as_of: date, commune_codes: tuple[str, ...] = (), programme_code: str | None = None
    ) -> Portfolio:
        """Active loans per commune on ``as_of``: outstanding, overdue principal and ageing
        buckets (by the oldest unpaid instalment), from the stored state (every repayment
        recorded so far) aged at ``as_of``."""
        ranges = bucket_due_dates(as_of)
        oldest = loans.c.oldest_unpaid_due_on
        hi30 = ranges[OverdueBucket.DAYS_1_30][1]
        hi90 = ranges[OverdueBucket.DAYS_31_90][1]
        bucket = sa.case(
            (oldest.is_(None), OverdueBucket.CURRENT.value),
            (oldest <= ranges[OverdueBucket.OVER_90][1], OverdueBucket.OVER_90.value),
            (oldest <= hi90, OverdueBucket.DAYS_31_90.value),
            (oldest <= hi30, OverdueBucket.DAYS_1_30.value),
            else_=OverdueBucket.CURRENT.value,
        ).label("bucket")
        cond: list[Any] = [loans.c.status == LoanStatus.ACTIVE.value]
        if commune_codes:
            cond.append(loans.c.commune_code.in_(commune_codes))
        if programme_code:
            cond.append(loans.c.programme_code == programme_code)
        per_loan = self.conn.execute(
            sa.select(
                loans.c.commune_code,
                loans.c.programme_code,
                bucket,
                sa.func.count().label("n"),
                *split_sum(loans.c.outstanding_vnd, "o"),
            )
            .where(*cond)
            .group_by(loans.c.commune_code, loans.c.programme_code, bucket)
        ).all()
        overdue = self.conn.execute(
            sa.select(loans.c.commune_code, bucket, *split_sum(instalments.c.unpaid_vnd, "u"))
            .select_from(instalments.join(loans, loans.c.loan_id == instalments.c.loan_id))
            .where(instalments.c.due_on < as_of, *cond)
            .group_by(loans.c.commune_code, bucket)
        ).all()
        rows: dict[str, dict[str, Any]] = {}

        def acc(commune: str) -> dict[str, Any]:
            return rows.setdefault(
                commune,
                {
                    "loans": 0,
                    "outstanding": 0,
                    "overdue": 0,
                    "buckets": {b.value: [0, 0, 0] for b in OverdueBucket},
                    "programmes": {},
                },
            )

        for r in per_loan:
            out = joined(r, "o")
            for key in (r.commune_code, "*"):
                a = acc(key)
                a["loans"] += r.n
                a["outstanding"] += out
                a["buckets"][r.bucket][0] += r.n
                a["buckets"][r.bucket][2] += out
                a["programmes"][r.programme_code] = a["programmes"].get(r.programme_code, 0) + out
        for r in overdue:
            amount = joined(r, "u")
            for key in (r.commune_code, "*"):
                a = acc(key)
                a["overdue"] += amount
                a["buckets"][r.bucket][1] += amount
        return Portfolio(
            as_of=as_of,
            rows=[
                PortfolioRow(
                    commune_code=k,
                    loans=v["loans"],
                    outstanding_vnd=v["outstanding"],
                    overdue_vnd=v["overdue"],
                    buckets={
                        b: BucketFigures(loans=n, overdue_vnd=o, outstanding_vnd=s)
                        for b, (n, o, s) in v["buckets"].items()
                    },
                    by_programme=dict(sorted(v["programmes"].items())),
                )
                for k, v in sorted(rows.items(), key=lambda kv: (kv[0] == "*", kv[0]))
            ],
        )


def _stored(m: Any) -> StoredLoan:
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
