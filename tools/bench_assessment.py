"""Benchmark of assessment's survey use case alone (``assess_surveys``, the handler of
``household.surveyed``), in process, on a fresh database: no broker, no HTTP.

Run ``python -m tools.bench_assessment`` (``--n``, ``--batch``, ``--database-url``,
``--rounds``); it prints JSON with surveys per second, CPU microseconds per survey, SQL
statements per batch (counted on the engine) and the load average. Round 1 inserts every
household; later rounds re-survey the same households (a year later), so their states are
read and replaced: both paths of the latest-wins upsert are measured. The surveys of a round
are built before it is timed and frozen out of the cyclic collector, which is tuned as a
service process tunes it (``giamngheo serve``): a service holds one batch at a time, not a
round.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from services.assessment.adapters.standards_repo import load_with_overrides
from services.assessment.adapters.tables import metadata
from services.assessment.service import AssessmentUnitOfWork, Rules, assess_surveys
from services.cli import tune_gc
from shared.contracts.surveys import HouseholdSurveyed
from shared.db import create_db_engine
from tools.synthetic import synthetic_surveys

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def _count_statements(engine: sa.Engine) -> Counter[str]:
    seen: Counter[str] = Counter()

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _count(_c: Any, _cur: Any, statement: str, *_args: Any) -> None:
        seen[statement.split(None, 1)[0].upper()] += 1

    return seen


def run(database_url: str, n: int, batch: int, rounds: int) -> dict[str, Any]:
    engine = create_db_engine(database_url)
    metadata.create_all(engine)
    rules = Rules(load_with_overrides())
    statements = _count_statements(engine)
    out: dict[str, Any] = {"n": n, "batch": batch, "database": engine.dialect.name}
    for r in range(rounds):
        surveys = synthetic_surveys(n, seed=2026 + r, year=2025 + r)
        events = [HouseholdSurveyed.create(s, producer="bench") for s in surveys]
        tune_gc()
        statements.clear()
        wall, cpu = time.perf_counter(), time.process_time()
        for i in range(0, n, batch):
            assess_surveys(AssessmentUnitOfWork(engine), events[i : i + batch], rules, NOW)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        batches = -(-n // batch)
        out[f"round_{r + 1}"] = {
            "surveys_per_s": round(n / wall, 1),
            "cpu_us_per_survey": round(cpu / n * 1e6, 1),
            "statements_per_batch": {k: round(v / batches, 2) for k, v in statements.items()},
        }
    engine.dispose()
    out["load_average"] = os.getloadavg()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--database-url", default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'assessment.db'}"
        print(json.dumps(run(url, args.n, args.batch, args.rounds), indent=2))


if __name__ == "__main__":
    main()
