"""Benchmarks of the classification engine on synthetic surveys (``tools.synthetic``).

Run ``python -m tools.bench_classifier --n 200000 --whatif-n 1000000`` to
print figures (one core; classifier figures are the median of ``--repeats`` runs, in CPU
time of this single-threaded process, so that other load on the machine does not inflate
them; a shared core still slows them somewhat, so report the load average with them).
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from services.assessment.adapters.standards_repo import load_national_standards
from services.assessment.domain.classifier import Classification, classify
from services.assessment.domain.facts import (
    HouseholdFacts,
    facts_classifier,
    facts_from_json,
    facts_of,
    facts_to_json,
)
from services.assessment.domain.standard import Standard
from services.assessment.domain.whatif import WhatIfReport, whatif_facts
from shared.contracts.surveys import SurveyPayload
from tools.synthetic import synthetic_surveys


def _standards() -> tuple[Standard, Standard]:
    by_id = {s.id: s for s in load_national_standards()}
    return by_id["vn-2022-2025"], by_id["vn-2027-2030"]


def _pool(n: int, seed: int, pool_size: int) -> tuple[list[SurveyPayload], float]:
    start = time.perf_counter()
    pool = synthetic_surveys(min(n, pool_size), seed)
    return pool, time.perf_counter() - start


def _median_seconds(run: Callable[[], object], repeats: int) -> float:
    """Median CPU seconds of this process over ``repeats`` runs: the work is single-threaded,
    so CPU time is the time on one core, and other processes on a loaded machine do not
    inflate it the way they inflate wall time."""
    times = []
    for _ in range(max(1, repeats)):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return statistics.median(times)


def _classify_all(surveys: list[SurveyPayload], standard: Standard) -> list[Classification]:
    return [classify(s, standard) for s in surveys]


def _classify_all_with_facts(
    surveys: list[SurveyPayload], facts: list[HouseholdFacts], standard: Standard
) -> list[Classification]:
    return [classify(s, standard, f) for s, f in zip(surveys, facts, strict=True)]


def bench_classifier(
    n: int, seed: int = 2026, pool_size: int = 50_000, repeats: int = 3
) -> dict[str, Any]:
    """Classify ``n`` households on one core and return households/s (median of ``repeats``
    runs, CPU time) with the status spread, which every path must give identically:

    * ``households_per_second``: explained, ``classify(survey, standard)``: facts extraction,
      the compiled classifier, and the reasons of the deprived indicators;
    * ``explained_with_facts_per_second``: the same given the survey's facts, extracted once
      at ingestion (``classify(survey, standard, facts)``, as a caller that stores them does);
    * ``facts_households_per_second``: the compiled facts classifier alone (bulk runs);
    * ``extraction_per_second``: ``facts_of`` alone.

    Surveys are generated up front (a pool of up to ``pool_size`` distinct households,
    cycled); only classification (or extraction) is timed. The engine keeps no per-household
    cache, so a cycled household costs the same as a new one. The standard's facts
    classifier is compiled before timing (once per standard and process; reported).
    """
    standard, _ = _standards()
    pool, gen_seconds = _pool(n, seed, pool_size)
    surveys = list(itertools.islice(itertools.cycle(pool), n))

    year = pool[0].review_round.year
    start = time.perf_counter()
    run_facts = facts_classifier(standard, year)
    compile_seconds = time.perf_counter() - start

    extract_seconds = _median_seconds(lambda: [facts_of(s) for s in pool], repeats)
    pool_facts = [facts_of(s) for s in pool]
    facts = list(itertools.islice(itertools.cycle(pool_facts), n))

    explained = [classify(s, standard) for s in surveys]
    spread = Counter(c.status.value for c in explained)
    if spread != Counter(run_facts(f).status.value for f in facts):
        msg = "classify and the facts classifier disagree on the synthetic mix"
        raise AssertionError(msg)
    del explained
    explained_seconds = _median_seconds(partial(_classify_all, surveys, standard), repeats)
    with_facts_seconds = _median_seconds(
        partial(_classify_all_with_facts, surveys, facts, standard), repeats
    )
    # The bulk path holds no pydantic surveys: drop them so that the garbage collector's
    # full passes (triggered by the results being built) do not walk a million objects
    # the facts path never touches.
    surveys.clear()
    pool.clear()
    gc.collect()
    facts_seconds = _median_seconds(lambda: [run_facts(f) for f in facts], repeats)
    results = [run_facts(f) for f in facts]
    return {
        "benchmark": "classifier",
        "standard": standard.id,
        "households": n,
        "distinct_households": len(pool_facts),
        "repeats": repeats,
        "load_average": os.getloadavg(),
        "seconds": round(explained_seconds, 3),
        "households_per_second": round(n / explained_seconds),
        "explained_with_facts_per_second": round(n / with_facts_seconds),
        "facts_seconds": round(facts_seconds, 3),
        "facts_households_per_second": round(n / facts_seconds),
        "extraction_per_second": round(len(pool_facts) / extract_seconds),
        "facts_compile_seconds": round(compile_seconds, 3),
        "generation_seconds": round(gen_seconds, 3),
        "status_spread": dict(sorted(spread.items())),
        "low_income_worker_households": sum(r.low_income_worker_household for r in results),
    }


def bench_whatif(
    n: int, seed: int = 2026, pool_size: int = 50_000, repeats: int = 1
) -> dict[str, Any]:
    """What-if of ``n`` households from vn-2022-2025 to vn-2027-2030 over stored facts, as
    the service runs it: ``n`` JSON facts blobs in memory (a pool of up to ``pool_size``
    distinct households, cycled, each row with its own household code), then decoding and
    ``whatif_facts`` timed together on one core (median of ``repeats`` runs)."""
    baseline, alternative = _standards()
    pool, gen_seconds = _pool(n, seed, pool_size)
    blobs_pool = [facts_to_json(facts_of(s)).encode() for s in pool]
    communes = [s.commune_code for s in pool]
    k = len(pool)
    rows = [(f"HH-{i:08d}", communes[i % k], blobs_pool[i % k].decode().encode()) for i in range(n)]
    pool.clear()  # as in the service: only the stored blobs are in memory
    gc.collect()
    year = baseline.last_year  # the what-if's default review year
    _ = facts_classifier(baseline, year), facts_classifier(alternative, year)  # compile first
    reports: list[WhatIfReport] = []

    def run() -> None:
        decoded = ((h, c, facts_from_json(blob)) for h, c, blob in rows)
        reports.append(whatif_facts(decoded, baseline, alternative))

    seconds = _median_seconds(run, repeats)
    report = reports[-1]
    moved = {f"{a.value}->{b.value}": k for (a, b), k in report.matrix.items() if k and a != b}
    return {
        "benchmark": "whatif_facts_from_json",
        "baseline": baseline.id,
        "alternative": alternative.id,
        "households": n,
        "distinct_households": k,
        "repeats": repeats,
        "load_average": os.getloadavg(),
        "json_bytes": sum(len(blob) for _h, _c, blob in rows),
        "seconds": round(seconds, 3),
        "households_per_second": round(n / seconds),
        "generation_seconds": round(gen_seconds, 3),
        "classified_under_both": report.households,
        "changed": len(report.changes),
        "not_classifiable": len(report.not_classifiable),
        "moves": moved,
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200_000, help="households to classify")
    parser.add_argument("--whatif-n", type=int, default=None, help="households for what-if")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeats", type=int, default=3, help="timed runs (median)")
    parser.add_argument("--whatif-repeats", type=int, default=1, help="timed what-if runs")
    args = parser.parse_args(argv)
    print(f"load average: {os.getloadavg()}")
    print(json.dumps(bench_classifier(args.n, args.seed, repeats=args.repeats), indent=2))
    whatif_n = args.whatif_n or args.n
    print(json.dumps(bench_whatif(whatif_n, args.seed, repeats=args.whatif_repeats), indent=2))
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
