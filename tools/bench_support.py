"""Benchmarks of support's read side: a household's whole history (200 records) and the loan
portfolio per commune (100,000 loans), on a fresh database (SQLite by default).

Run ``python -m tools.bench_support`` (``--loans``, ``--records``, ``--database-url``,
``--repeats``); it prints JSON with the median and worst time of each query, the time to
seed, and the load average.

The history's records go through the use cases (support, loans, cards, training). The loans
of the portfolio are seeded in bulk: terms and states computed by the domain (``schedule``,
``evaluate``) and inserted in batches, since recording 100,000 loans one request at a time is
not what is measured here; a third of them have repayments, some late, so every ageing bucket
is populated.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

import sqlalchemy as sa

from services.cli import tune_gc
from services.support.adapters.catalogue_repo import load_catalogue
from services.support.adapters.ledger_repo import LedgerRepository
from services.support.adapters.tables import instalments, loans
from services.support.adapters.uow import SupportUnitOfWork
from services.support.app import MIGRATIONS
from services.support.domain.areas import AreaMap, Commune
from services.support.domain.credit import FactKind, LoanFact, LoanTerms, evaluate, schedule
from services.support.usecases.credit import LoanRequest, disburse_loan, loan_portfolio
from services.support.usecases.insurance import CardRequest, issue_card
from services.support.usecases.plans import (
    AllocationIn,
    PlanRequest,
    TargetIn,
    adopt_plan,
    plan_vs_actual,
)
from services.support.usecases.reads import household_history
from services.support.usecases.records import (
    SupportRequest,
    record_support,
    record_support_batch,
)
from services.support.usecases.register import register_classifications
from services.support.usecases.training import EnrolmentRequest, enrol_training
from shared.access.model import Actor
from shared.contracts.classifications import (
    ClassificationPayload,
    HouseholdClassified,
    MemberProfile,
)
from shared.contracts.codes import SupportKind
from shared.contracts.plans import PlanLevel, PlanSource, TargetKind
from shared.db import create_db_engine
from shared.migrations import upgrade

NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
AS_OF = date(2026, 11, 28)
BENCH = Actor("bench", "bench", "support_officer")


def _timed(run: Callable[[], object], repeats: int) -> tuple[float, float, float]:
    """(median, worst, median CPU) milliseconds over ``repeats`` runs after one warm-up. The
    CPU time of this process shows the cost when the machine is shared."""
    run()
    times, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return (
        round(statistics.median(times), 2),
        round(max(times), 2),
        round(statistics.median(cpu), 2),
    )


def recording_rate(engine: sa.Engine, n: int, batch: int) -> dict[str, float]:
    """Records per second through the use cases: one at a time, and in batches."""
    catalogue = load_catalogue()
    register_classifications(
        SupportUnitOfWork(engine),
        [_household(f"HH-R{i:03d}", f"{4500 + i % 20:05d}") for i in range(100)],
        NOW,
    )

    def request(k: int) -> SupportRequest:
        return SupportRequest(
            disbursement_id=f"R-{k}",
            household_code=f"HH-R{k % 100:03d}",
            kind="production",
            programme_code="NTP2026.C1",
            funding_source="central_budget",
            amount_vnd=2_000_000,
            item="giống",
            disbursed_on=date(2026, 3, 1) + timedelta(k % 200),
        )

    start = time.perf_counter()
    for k in range(n // 4):
        record_support(
            SupportUnitOfWork(engine),
            catalogue,
            request(k),
            actor=BENCH,
            correlation_id="bench",
            now=NOW,
        )
    single = (n // 4) / (time.perf_counter() - start)
    todo = [request(k) for k in range(n // 4, n // 4 + n)]
    start = time.perf_counter()
    for i in range(0, len(todo), batch):
        out = record_support_batch(
            SupportUnitOfWork(engine),
            catalogue,
            todo[i : i + batch],
            actor=BENCH,
            correlation_id="bench",
            now=NOW,
        )
        assert all(not isinstance(o, Exception) for o in out)
    batched = n / (time.perf_counter() - start)
    return {"one_at_a_time_per_s": round(single), f"batches_of_{batch}_per_s": round(batched)}


def http_recording_rate(
    database_url: str, folder: Path, n: int, batch: int, redis_url: str | None
) -> dict[str, Any]:
    """Records per second through ``POST /records/batch`` of the support service run
    in-process (the ASGI app behind Starlette's test client, its outbox relay publishing to
    Redis meanwhile), as a support officer with a signed token: parsing, access rules, the
    batch use case with its events and audit entries, and the JSON answer."""
    from fastapi.testclient import TestClient

    from services.access.adapters.keys import Signer
    from services.support.app import create_app
    from services.support.settings import SupportSettings
    from shared.embedded_redis import EmbeddedRedis

    server = None
    if redis_url is None:
        server = EmbeddedRedis(folder / "redis", persist=False).start()
        redis_url = f"redis://127.0.0.1:{server.port}/0"
    try:
        base = SupportSettings(database_url=database_url, redis_url=redis_url)
        signer = Signer.load_or_create(folder / "keys", base.auth_issuer, base.auth_audience)
        settings = base.model_copy(update={"auth_jwks_file": str(folder / "keys" / "jwks.json")})
        grants = [{"role": "support_officer", "areas": ["province:15"]}]
        token = signer.sign("bench", ttl_s=3600, claims={"name": "bench", "grants": grants})
        headers = {"Authorization": f"Bearer {token}"}
        app = create_app(settings)
        with TestClient(app) as client:
            engine = app.state.runtime.engine
            register_classifications(
                SupportUnitOfWork(engine),
                [_household(f"HH-H{i:03d}", f"{4500 + i % 20:05d}") for i in range(200)],
                NOW,
            )
            bodies = [
                [
                    {
                        "disbursement_id": f"H-{k}",
                        "household_code": f"HH-H{k % 200:03d}",
                        "kind": "production",
                        "programme_code": "NTP2026.C1",
                        "funding_source": "central_budget",
                        "amount_vnd": 2_000_000,
                        "item": "giống",
                        "disbursed_on": (date(2026, 3, 1) + timedelta(k % 200)).isoformat(),
                    }
                    for k in range(i, i + batch)
                ]
                for i in range(0, n, batch)
            ]
            client.post("/records/batch", json=bodies[0][:10], headers=headers)  # warm-up
            times = []
            start = time.perf_counter()
            for items in bodies:
                t = time.perf_counter()
                answer = client.post("/records/batch", json=items, headers=headers)
                times.append(time.perf_counter() - t)
                counts = answer.json()["counts"]
                assert counts["created"] + counts["duplicate"] == len(items), counts
            elapsed = time.perf_counter() - start
        return {
            "records": n,
            "batch": batch,
            "per_s": round(n / elapsed),
            "median_batch_ms": round(statistics.median(times) * 1000, 1),
        }
    finally:
        if server is not None:
            server.stop()


def _household(code: str, commune: str) -> HouseholdClassified:
    members = [
        MemberProfile(
            member_no=i,
            age=30 + i,
            sex="male" if i % 2 else "female",
            working_age=True,
            able_to_work=True,
            health_insured=True,
            attending_school=False,
            disability=False,
        )
        for i in range(1, 5)
    ]
    payload = ClassificationPayload(
        survey_id=f"S-{code}",
        household_code=code,
        province_code="15",
        commune_code=commune,
        village_code=f"{commune}-01",
        area_type="rural",
        review_year=2022,
        surveyed_at=datetime(2022, 10, 1, 2, tzinfo=UTC),
        survey_order_key=f"2022|{code}",
        standard_id="vn-2022-2025",
        stage="recognised",
        status="poor",
        transition="newly_poor",
        income_basis="vnd_per_capita_month",
        income_value=1_000_000,
        income_line=1_500_000,
        deprivation_count=3,
        indicators=[],
        low_income_worker_household=False,
        member_count=4,
        head_ethnicity="tay",
        members=members,
        rule_hash="0" * 64,
        governing=True,
        engine_version="bench",
    )
    event = HouseholdClassified.create(payload, producer="bench")
    return event.model_copy(update={"occurred_at": datetime(2022, 12, 10, 5, tzinfo=UTC)})


def seed_history(engine: sa.Engine, records: int) -> float:
    """One household with ``records`` support records of several kinds; returns seconds."""
    catalogue = load_catalogue()
    start = time.perf_counter()
    register_classifications(SupportUnitOfWork(engine), [_household("HH-BENCH", "04570")], NOW)
    day = date(2023, 1, 2)
    n = 0
    while n < records:
        on = day + timedelta(days=n)
        kind = n % 20
        uow = SupportUnitOfWork(engine)
        if kind == 0:
            disburse_loan(
                uow,
                catalogue,
                LoanRequest(
                    loan_id=f"L-{n}",
                    household_code="HH-BENCH",
                    programme_code="VBSP.POOR",
                    principal_vnd=20_000_000,
                    term_months=36,
                    disbursed_on=on,
                ),
                actor=BENCH,
                correlation_id="bench",
                now=NOW,
            )
        elif kind == 1 and n // 20 < 4:
            issue_card(
                uow,
                catalogue,
                CardRequest(
                    card_id=f"C-{n}",
                    household_code="HH-BENCH",
                    member_no=n // 20 + 1,
                    valid_from=on,
                    valid_to=on + timedelta(days=364),
                ),
                actor=BENCH,
                correlation_id="bench",
                now=NOW,
            )
        elif kind == 2 and n // 20 < 4:
            enrol_training(
                uow,
                catalogue,
                EnrolmentRequest(
                    enrolment_id=f"T-{n}",
                    household_code="HH-BENCH",
                    member_no=n // 20 + 1,
                    programme_code="NTP2021.P4.1",
                    course="May",
                    provider="TT",
                    starts_on=on,
                ),
                actor=BENCH,
                correlation_id="bench",
                now=NOW,
            )
        else:
            record_support(
                uow,
                catalogue,
                SupportRequest(
                    disbursement_id=f"D-{n}",
                    household_code="HH-BENCH",
                    kind="production",
                    programme_code="NTP2021.P3.1" if on <= date(2025, 12, 31) else "NTP2026.C1",
                    funding_source="central_budget",
                    amount_vnd=1_000_000 + n,
                    item="giống",
                    disbursed_on=on,
                ),
                actor=BENCH,
                correlation_id="bench",
                now=NOW,
            )
        n += 1
    return time.perf_counter() - start


def seed_loans(engine: sa.Engine, n: int, communes: int, seed: int) -> float:
    """``n`` loans in ``communes`` communes, state by the domain, inserted in batches."""
    rng = random.Random(seed)
    start = time.perf_counter()
    batch: list[dict[str, Any]] = []
    parts: list[dict[str, Any]] = []

    def flush() -> None:
        with engine.begin() as conn:
            if batch:
                conn.execute(sa.insert(loans), batch)
            if parts:
                conn.execute(sa.insert(instalments), parts)
        batch.clear()
        parts.clear()

    programmes = ["VBSP.POOR", "VBSP.NEAR", "VBSP.ESC", "VBSP.JOBS", "VBSP.HOUSING33"]
    for i in range(n):
        commune = f"{4500 + i % communes:05d}"
        on = AS_OF - timedelta(days=rng.randrange(1, 700))
        terms = LoanTerms(
            principal_vnd=rng.randrange(10, 101) * 1_000_000,
            rate_pct=Decimal("6.6"),
            term_months=rng.choice((24, 36, 60)),
            disbursed_on=on,
            every_months=12,
        )
        facts = []  # most instalments paid when due, some late or partly, a few not at all
        for k, inst in enumerate(schedule(terms)):
            if inst.due_on > AS_OF:
                break
            luck = rng.random()
            if luck < 0.93:
                paid_on, amount = inst.due_on, inst.principal_vnd
            elif luck < 0.97:
                paid_on = inst.due_on + timedelta(days=rng.randrange(10, 200))
                amount = inst.principal_vnd // rng.choice((1, 2))
            else:
                continue
            if paid_on <= AS_OF:
                facts.append(LoanFact(f"R-{i}-{k}", FactKind.REPAYMENT, paid_on, amount, 0))
        state = evaluate(terms, facts, AS_OF)
        loan_id = f"L-{i:07d}"
        batch.append(
            {
                "loan_id": loan_id,
                "household_code": f"HH-{i:07d}",
                "commune_code": commune,
                "village_code": f"{commune}-01",
                "programme_code": programmes[i % 5],
                "principal_vnd": terms.principal_vnd,
                "rate_pct": terms.rate_pct,
                "term_months": terms.term_months,
                "grace_months": 0,
                "every_months": 12,
                "days_in_year": 365,
                "overdue_rate_factor": Decimal("1.3"),
                "max_extension_months": 18,
                "disbursed_on": on,
                "maturity_on": state.maturity_on,
                "status": state.status.value,
                "outstanding_vnd": state.outstanding_vnd,
                "principal_paid_vnd": state.principal_paid_vnd,
                "principal_written_off_vnd": 0,
                "interest_paid_vnd": 0,
                "interest_written_off_vnd": 0,
                "oldest_unpaid_due_on": (
                    state.open_instalments[0].due_on if state.open_instalments else None
                ),
                "closed_on": state.closed_on,
                "request": None,
                "recorded_at": NOW,
            }
        )
        parts.extend(
            {
                "loan_id": loan_id,
                "due_on": p.due_on,
                "unpaid_vnd": p.principal_vnd,
            }
            for p in state.open_instalments
        )
        if len(batch) >= 5000:
            flush()
    flush()
    return time.perf_counter() - start


PLAN_COMPONENTS = (
    "NTP2021.P1.1",
    "NTP2021.P2",
    "NTP2021.P3.1",
    "NTP2021.P3.2",
    "NTP2021.P4.1",
    "NTP2021.P4.2",
    "NTP2021.P4.3",
    "NTP2021.P5",
    "NTP2021.P6.2",
    "NTP2021.P7.1",
)
FUNDING = (
    (PlanSource.CENTRAL, "central_budget"),
    (PlanSource.LOCAL, "local_budget"),
    (PlanSource.SOCIAL_MOBILISATION, "social_mobilisation"),
    (PlanSource.CREDIT, "policy_credit"),
    (PlanSource.OTHER, "household_contribution"),
)


def plan_areas(communes: int, per_district: int = 15) -> AreaMap:
    """A province of ``communes`` communes in former districts of ``per_district``."""
    found = {
        f"{10000 + i}": Commune(f"{10000 + i}", f"Xã {i}", "15", f"D{i // per_district:02d}")
        for i in range(communes)
    }
    return AreaMap(MappingProxyType(found), MappingProxyType({"15": "Tỉnh"}))


def seed_plans(engine: sa.Engine, areas: AreaMap, year: int, per_line: int) -> dict[str, int]:
    """Plans for the province, every former district and every commune (10 components × 5
    sources each, a household target per component) through the use case; ``per_line``
    support records per commune, component and source, inserted in bulk."""
    catalogue = load_catalogue()
    communes = sorted(areas.communes)
    districts = sorted({c.former_district_code or "" for c in areas.communes.values()})
    levels = [(PlanLevel.PROVINCE, "15", 50)] + [
        (PlanLevel.FORMER_DISTRICT, d, 10) for d in districts
    ]
    levels += [(PlanLevel.COMMUNE, c, 1) for c in communes]
    for level, code, scale in levels:
        adopt_plan(
            SupportUnitOfWork(engine),
            catalogue,
            areas,
            PlanRequest(
                plan_id=f"KH-{level.value}-{code}",
                level=level,
                area_code=code,
                year=year,
                adopted_on=date(year, 1, 5),
                allocations=[
                    AllocationIn(component=comp, source=src, amount_vnd=40_000_000 * scale)
                    for comp in PLAN_COMPONENTS
                    for src, _ in FUNDING
                ],
                targets=[
                    TargetIn(
                        component=comp,
                        kind=TargetKind.HOUSEHOLDS,
                        support_kind=SupportKind.PRODUCTION,
                        quantity=3 * scale,
                    )
                    for comp in PLAN_COMPONENTS
                ],
            ),
            actor=BENCH,
            correlation_id="bench",
            now=NOW,
        )
    rows: list[dict[str, Any]] = []
    n = 0
    with engine.begin() as conn:
        for commune in communes:
            for k, comp in enumerate(PLAN_COMPONENTS):
                for _, funding in FUNDING:
                    for j in range(per_line):
                        n += 1
                        rows.append(
                            {
                                "record_id": f"PR-{n}",
                                "household_code": f"{commune}-H{(k * per_line + j) % 40:02d}",
                                "commune_code": commune,
                                "village_code": f"{commune}-01",
                                "programme_code": comp,
                                "kind": SupportKind.PRODUCTION.value,
                                "funding_source": funding,
                                "amount_vnd": 9_000_000 + j,
                                "given_on": date(year, 1 + (n % 12), 10),
                                "record_type": "support",
                                "status": "given",
                                "repayable": False,
                                "overridden": False,
                                "recorded_at": NOW,
                            }
                        )
                        if len(rows) >= 5000:
                            LedgerRepository(conn).add(rows)
                            rows = []
        if rows:
            LedgerRepository(conn).add(rows)
    return {"plans": len(levels), "records": n}


def plan_bench(
    database_url: str | None, communes: int, per_line: int, repeats: int
) -> dict[str, Any]:
    """plan-vs-actual of a province (its former districts and communes) from the ledger."""
    folder = Path(tempfile.mkdtemp(prefix="bench-plans-"))
    url = database_url or f"sqlite:///{folder / 'support.db'}"
    engine = create_db_engine(url)
    upgrade(engine, MIGRATIONS)
    areas = plan_areas(communes)
    start = time.perf_counter()
    seeded = seed_plans(engine, areas, 2025, per_line)
    seed_s = time.perf_counter() - start
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))

    def province() -> Any:
        return plan_vs_actual(SupportUnitOfWork(engine), areas, PlanLevel.PROVINCE, "15", 2025)

    tune_gc()  # the collector as a service process runs it (``giamngheo serve``)

    ms = _timed(province, repeats)
    table = province()
    engine.dispose()
    return {
        "database": url.split(":", 1)[0],
        "communes": communes,
        "components": len(PLAN_COMPONENTS),
        "sources": len(FUNDING),
        **seeded,
        "areas_in_table": len(table.areas),
        "money_lines": sum(len(a.money) for a in table.areas),
        "median_ms": ms[0],
        "worst_ms": ms[1],
        "median_cpu_ms": ms[2],
        "seed_s": round(seed_s, 1),
        "repeats": repeats,
        "loadavg": os.getloadavg(),
    }


def run(
    loans_n: int,
    records: int,
    communes: int,
    database_url: str | None,
    repeats: int,
    http_n: int = 20_000,
    redis_url: str | None = None,
) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="bench-support-"))
    url = database_url or f"sqlite:///{folder / 'support.db'}"
    engine = create_db_engine(url)
    upgrade(engine, MIGRATIONS)
    http = http_recording_rate(url, folder, http_n, 1000, redis_url) if http_n else {}
    history_seed = seed_history(engine, records)
    history_ms = _timed(
        lambda: household_history(SupportUnitOfWork(engine), "HH-BENCH", AS_OF), repeats
    )
    rates = recording_rate(engine, 4000, 500)
    h = household_history(SupportUnitOfWork(engine), "HH-BENCH", AS_OF)
    loans_seed = seed_loans(engine, loans_n, communes, seed=2026)
    if engine.dialect.name == "postgresql":  # what autovacuum does after a bulk load
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    portfolio_ms = _timed(lambda: loan_portfolio(SupportUnitOfWork(engine), AS_OF), repeats)
    one_commune_ms = _timed(
        lambda: loan_portfolio(SupportUnitOfWork(engine), AS_OF, ("04500",)), repeats
    )
    p = loan_portfolio(SupportUnitOfWork(engine), AS_OF)
    total = next(r for r in p.rows if r.commune_code == "*")
    engine.dispose()
    return {
        "database": url.split(":", 1)[0],
        "history": {
            "records": len(h.records),
            "loans": len(h.loans),
            "median_ms": history_ms[0],
            "worst_ms": history_ms[1],
            "median_cpu_ms": history_ms[2],
            "seed_s": round(history_seed, 1),
        },
        "portfolio": {
            "loans": loans_n,
            "active": total.loans,
            "communes": communes,
            "median_ms": portfolio_ms[0],
            "worst_ms": portfolio_ms[1],
            "median_cpu_ms": portfolio_ms[2],
            "one_commune_median_ms": one_commune_ms[0],
            "buckets": {k: v.loans for k, v in total.buckets.items()},
            "seed_s": round(loans_seed, 1),
        },
        "recording": rates,
        "recording_http": http,
        "repeats": repeats,
        "loadavg": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--loans", type=int, default=100_000)
    parser.add_argument("--records", type=int, default=200)
    parser.add_argument("--communes", type=int, default=150)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--database-url", default=None, help="Empty database (default: SQLite).")
    parser.add_argument(
        "--http", type=int, default=20_000, help="Records sent to POST /records/batch (0: none)."
    )
    parser.add_argument("--redis-url", default=None, help="Redis (default: an embedded one).")
    parser.add_argument(
        "--plans",
        action="store_true",
        help="Only plan-vs-actual of a province (--communes communes, 10 components, 5 sources).",
    )
    parser.add_argument(
        "--per-line", type=int, default=4, help="Records per commune, component and source."
    )
    args = parser.parse_args()
    if args.plans:
        print(
            json.dumps(
                plan_bench(args.database_url, args.communes, args.per_line, args.repeats), indent=2
            )
        )
        return
    result = run(
        args.loans,
        args.records,
        args.communes,
        args.database_url,
        args.repeats,
        args.http,
        args.redis_url,
    )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
