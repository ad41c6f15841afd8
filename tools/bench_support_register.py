"""Benchmark of support's register consumer alone: decoding ``household.classified`` entries
and ``register_classifications`` (the handler's use case), in process, on a fresh database: no
broker, no HTTP.

Run ``python -m tools.bench_support_register`` (``--n``, ``--batch``, ``--rounds``,
``--stage``, ``--reader``, ``--database-url``); it prints JSON with CPU microseconds per
classification (decoding, registering, both), classifications per second, SQL statements per
batch (counted on the engine) and the load average.

The stream carries two classifications per survey, the governing standard's and a baseline
(``governing: false``, which support skips); both are generated, the pair sharing its
household. Every indicator carries a prose reason of ``--reason-chars`` characters, as events
of schema version 1 do (``0``: none, as assessment publishes since version 2). Round 1
registers every household; later rounds re-survey the same households a year later, so the
stored rows and rosters are replaced (both paths of the latest-wins upserts). ``--reader
model`` decodes with the full contract model (as the consumer did before it read only what
support keeps); ``slim`` with the consumer's reader. Bodies are built before a round is timed,
and the cyclic collector is tuned as a service process tunes it.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa

from services.cli import tune_gc
from services.support.adapters.tables import metadata
from services.support.adapters.uow import SupportUnitOfWork
from services.support.usecases.register import register_classifications
from shared.contracts.classifications import HouseholdClassified
from shared.db import create_db_engine
from tools.synthetic import synthetic_classification_events

NOW = datetime(2026, 11, 1, tzinfo=UTC)
REASON = (
    "2 of 5 members aged 6 and over have no health insurance card valid on the survey date "
    "(members 3, 4)"
)


def bodies(n: int, year: int, stage: str, reason_chars: int, seed: int) -> list[bytes]:
    """``2 n`` entry bodies: each household's governing classification and its baseline."""
    reason = (REASON * (1 + reason_chars // len(REASON)))[:reason_chars]
    out: list[bytes] = []
    rng_ids = uuid.UUID(int=seed)
    for k, e in enumerate(
        synthetic_classification_events(n, seed=seed, review_year=year, stage=stage)
    ):
        if reason:
            e["schema_version"] = 1
            for i in e["payload"]["indicators"]:
                i["reason"] = reason
        out.append(orjson.dumps(e))
        e["event_id"] = str(uuid.uuid5(rng_ids, str(k)))
        e["payload"]["governing"] = False
        e["payload"]["standard_id"] = "vn-2027-2030"
        out.append(orjson.dumps(e))
    return out


def _count_statements(engine: sa.Engine) -> Counter[str]:
    seen: Counter[str] = Counter()

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _count(_c: Any, _cur: Any, statement: str, *_args: Any) -> None:
        seen[statement.split(None, 1)[0].upper()] += 1

    return seen


def reader(name: str) -> Callable[[bytes], Any]:
    if name == "model":
        return HouseholdClassified.model_validate_json
    from services.support.adapters.classified import read_classification

    return read_classification


def run(
    database_url: str,
    n: int,
    batch: int,
    rounds: int,
    *,
    stage: str = "recognised",
    read_name: str = "slim",
    reason_chars: int = 90,
) -> dict[str, Any]:
    engine = create_db_engine(database_url)
    metadata.create_all(engine)
    read = reader(read_name)
    statements = _count_statements(engine)
    out: dict[str, Any] = {
        "n_surveys": n,
        "classifications": 2 * n,
        "batch": batch,
        "reader": read_name,
        "stage": stage,
        "database": engine.dialect.name,
    }
    for r in range(rounds):
        entries = bodies(n, 2026 + r, stage, reason_chars, seed=2026 + r)
        out["body_bytes"] = sum(map(len, entries)) // len(entries)
        tune_gc()
        statements.clear()
        decode = register = 0.0
        wall = time.perf_counter()
        for i in range(0, len(entries), batch):
            t0 = time.process_time()
            events = [read(b) for b in entries[i : i + batch]]
            t1 = time.process_time()
            register_classifications(SupportUnitOfWork(engine), events, NOW)
            decode += t1 - t0
            register += time.process_time() - t1
        wall = time.perf_counter() - wall
        count = len(entries)
        batches = -(-count // batch)
        out[f"round_{r + 1}"] = {
            "classifications_per_s": round(count / wall, 1),
            "cpu_us_per_classification": round((decode + register) / count * 1e6, 1),
            "decode_us": round(decode / count * 1e6, 1),
            "register_us": round(register / count * 1e6, 1),
            "statements_per_batch": {k: round(v / batches, 2) for k, v in statements.items()},
        }
    engine.dispose()
    out["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=5000, help="surveys (two classifications each)")
    ap.add_argument("--batch", type=int, default=500, help="entries per batch (stream read)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--stage", choices=["recognised", "proposed"], default="recognised")
    ap.add_argument("--reader", choices=["slim", "model"], default="slim")
    ap.add_argument("--reason-chars", type=int, default=90, help="0: none (schema version 2)")
    ap.add_argument("--database-url", default=None)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'support.db'}"
        result = run(
            url,
            args.n,
            args.batch,
            args.rounds,
            stage=args.stage,
            read_name=args.reader,
            reason_chars=args.reason_chars,
        )
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
