"""Support replicas writing at once to one PostgreSQL database: facts on one loan apply one
after the other, and a household's roster is always its latest survey's. (SQLite has a single
writer and serves one replica; these run with TEST_POSTGRES_URL.)"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from services.support.adapters.tables import loan_facts, members
from services.support.usecases import credit
from tests.factories import member_profile, recognised_event
from tests.support_ledger import Ledger

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_POSTGRES_URL"), reason="replicas share a PostgreSQL database"
)


@pytest.fixture
def ledger(database_url: str) -> Iterator[Ledger]:
    ledger = Ledger(database_url)
    yield ledger
    ledger.close()


def at_once(jobs: list[Callable[[], object]]) -> None:
    start = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job: Callable[[], object]) -> None:
        start.wait()
        try:
            job()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(j,)) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_repayments_made_at_once_on_one_loan_all_count(ledger: Ledger) -> None:
    ledger.household("HH-1", "poor")
    ledger.do(
        credit.disburse_loan,
        credit.LoanRequest(
            loan_id="L-1",
            household_code="HH-1",
            programme_code="VBSP.POOR",
            principal_vnd=50_000_000,
            term_months=60,
            disbursed_on=date(2024, 1, 15),
        ),
    )

    def repay(k: int) -> Callable[[], object]:
        return lambda: ledger.do(
            credit.record_repayment,
            credit.RepaymentRequest(
                repayment_id=f"R-{k}",
                loan_id="L-1",
                paid_on=date(2024, 6, 1),
                principal_vnd=1_000_000,
            ),
        )

    at_once([repay(k) for k in range(8)])
    detail = ledger.do(credit.loan_detail, "L-1", date(2024, 6, 2))
    assert detail.loan.outstanding_vnd == 42_000_000
    with ledger.engine.connect() as conn:
        seqs = conn.execute(sa.select(loan_facts.c.seq).order_by(loan_facts.c.seq)).scalars()
        assert list(seqs) == list(range(1, 9))


def test_the_latest_survey_roster_wins_when_replicas_register_at_once(ledger: Ledger) -> None:
    versions = [
        recognised_event(
            "HH-1",
            "poor",
            recognised_on=date(2023, 12, 10 + v),
            survey_id=f"HH-1-v{v}",
            surveyed_at=datetime(2023, 10, 1 + v, tzinfo=UTC),
            members=[member_profile(i) for i in range(1, v + 2)],
        )
        for v in range(6)
    ]
    for _ in range(3):
        at_once([lambda e=e: ledger.register(e) for e in reversed(versions)])
    with ledger.engine.connect() as conn:
        roster = conn.execute(sa.select(members.c.member_no)).scalars().all()
    assert sorted(roster) == [1, 2, 3, 4, 5, 6]
