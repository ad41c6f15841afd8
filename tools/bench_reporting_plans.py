"""Benchmark of reporting's plan-vs-actual for a province: plans of the province, every former
district and every commune (10 components × 5 funding sources each, a household target per
component), support's disbursements applied through reporting's consumer use case, then the
table of the whole province (its former districts and communes) timed.

``python -m tools.bench_reporting_plans --communes 150 --per-line 4`` (target: under 100 ms).
The collector is tuned as ``giamngheo serve`` tunes it; median of the repeats after one
warm-up. Figures depend on the machine's load; the load average is printed with them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from services.cli import tune_gc
from services.reporting.adapters.areas_file import areas_from_rows
from services.reporting.adapters.repository import ReportingUnitOfWork
from services.reporting.app import MIGRATIONS
from services.reporting.plans import apply_plan_events, plan_table
from services.reporting.service import apply_area_registry, apply_support
from shared.contracts import plans as contract
from shared.contracts.codes import FundingSource, SupportKind
from shared.contracts.plans import PlanLevel, PlanSource, TargetKind
from shared.contracts.support import DisbursementPayload, SupportDisbursed
from shared.db import create_db_engine
from shared.migrations import upgrade
from tools.synthetic import synthetic_areas

NOW = datetime(2025, 12, 20, 9, 0, tzinfo=UTC)
PROVINCE = "99"
YEAR = 2025
COMPONENTS = (
    "NTP2021.P1",
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
    (PlanSource.CENTRAL, FundingSource.CENTRAL_BUDGET),
    (PlanSource.LOCAL, FundingSource.LOCAL_BUDGET),
    (PlanSource.SOCIAL_MOBILISATION, FundingSource.SOCIAL_MOBILISATION),
    (PlanSource.CREDIT, FundingSource.POLICY_CREDIT),
    (PlanSource.OTHER, FundingSource.HOUSEHOLD_CONTRIBUTION),
)


def _plan(level: PlanLevel, code: str, scale: int) -> contract.PlanAdopted:
    return contract.PlanAdopted.create(
        contract.PlanPayload(
            plan_id=f"KH-{level.value}-{code}",
            level=level,
            area_code=code,
            year=YEAR,
            version=1,
            allocations=[
                contract.Allocation(component=comp, source=src, amount_vnd=40_000_000 * scale)
                for comp in COMPONENTS
                for src, _ in FUNDING
            ],
            targets=[
                contract.Target(
                    component=comp,
                    kind=TargetKind.HOUSEHOLDS,
                    support_kind=SupportKind.PRODUCTION,
                    quantity=3 * scale,
                )
                for comp in COMPONENTS
            ],
        ),
        producer="bench",
    )


def seed(engine: sa.Engine, communes: int, per_line: int) -> dict[str, int]:
    """The registry, every level's plan and ``per_line`` disbursements per commune,
    component and source (households reached under several components, so that the distinct
    count has work to do)."""
    tree = areas_from_rows(synthetic_areas(communes, 1, province=PROVINCE))
    apply_area_registry(ReportingUnitOfWork(engine), tree)
    codes = [f"{PROVINCE}{c:03d}" for c in range(communes)]
    districts = sorted({f"{PROVINCE}D{c // 10:02d}" for c in range(communes)})
    plans = [_plan(PlanLevel.PROVINCE, PROVINCE, 50)]
    plans += [_plan(PlanLevel.FORMER_DISTRICT, d, 10) for d in districts]
    plans += [_plan(PlanLevel.COMMUNE, c, 1) for c in codes]
    apply_plan_events(ReportingUnitOfWork(engine), plans, NOW)
    batch: list[SupportDisbursed] = []
    n = 0
    for commune in codes:
        for k, comp in enumerate(COMPONENTS):
            for _, funding in FUNDING:
                for j in range(per_line):
                    n += 1
                    batch.append(
                        SupportDisbursed.create(
                            DisbursementPayload(
                                disbursement_id=f"D-{n}",
                                household_code=f"{commune}-H{(k * per_line + j) % 12:02d}",
                                commune_code=commune,
                                kind=SupportKind.PRODUCTION,
                                programme_code=comp,
                                funding_source=funding,
                                amount_vnd=9_000_000 + j,
                                disbursed_on=date(YEAR, 1 + (n % 12), 10),
                            ),
                            producer="bench",
                        )
                    )
                    if len(batch) >= 2000:
                        apply_support(ReportingUnitOfWork(engine), batch, NOW)
                        batch = []
    if batch:
        apply_support(ReportingUnitOfWork(engine), batch, NOW)
    return {"plans": len(plans), "disbursements": n}


def bench(database_url: str | None, communes: int, per_line: int, repeats: int) -> dict[str, Any]:
    """Seed a fresh database, then time plan-vs-actual of the province (median of
    ``repeats``)."""
    with tempfile.TemporaryDirectory(prefix="bench-reporting-plans-") as folder:
        url = database_url or f"sqlite:///{Path(folder) / 'reporting.db'}"
        engine = create_db_engine(url)
        upgrade(engine, MIGRATIONS)
        start = time.perf_counter()
        seeded = seed(engine, communes, per_line)
        seed_s = time.perf_counter() - start
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("VACUUM ANALYZE"))
        tune_gc()  # the collector as a service process runs it (``giamngheo serve``)
        plan_table(ReportingUnitOfWork(engine), year=YEAR, area=PROVINCE)  # warm-up
        times, cpu = [], []
        table = None
        for _ in range(max(1, repeats)):
            t0, c0 = time.perf_counter(), time.process_time()
            table = plan_table(ReportingUnitOfWork(engine), year=YEAR, area=PROVINCE)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        engine.dispose()
    assert table is not None
    return {
        "database": url.split(":", 1)[0],
        "communes": communes,
        "components": len(COMPONENTS),
        "sources": len(FUNDING),
        **seeded,
        "seed_s": round(seed_s, 1),
        "rows": len(table.rows),
        "money_lines": sum(len(r.money) for r in table.rows),
        "province_disbursed_vnd": table.rows[0].disbursed_vnd,
        "median_ms": round(statistics.median(times), 1),
        "median_cpu_ms": round(statistics.median(cpu), 1),
        "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--communes", type=int, default=150)
    parser.add_argument(
        "--per-line", type=int, default=4, help="disbursements per commune, component, source"
    )
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args(argv)
    print(
        json.dumps(bench(args.database_url, args.communes, args.per_line, args.repeats), indent=2)
    )


if __name__ == "__main__":
    main()
