"""Benchmarks of the classification engine, and the deterministic synthetic surveys they use.

``synthetic_surveys(n, seed)`` is reusable by other tests and load scripts: valid
``SurveyPayload`` objects with a realistic spread of poor, near-poor, average and not-poor
households. Run ``python -m services.assessment.bench --n 200000 --whatif-n 1000000`` to
print figures (one core; classifier figures are the median of ``--repeats`` runs).
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from services.assessment.adapters.standards_repo import load_national_standards
from services.assessment.domain.classifier import Classification, classify, classify_facts
from services.assessment.domain.facts import facts_from_json, facts_of, facts_to_json
from services.assessment.domain.standard import Standard
from services.assessment.domain.whatif import WhatIfReport, whatif_facts
from shared.contracts.codes import (
    AreaType,
    Asset,
    Employment,
    IncomeBasis,
    Latrine,
    Material,
    Qualification,
    Relation,
    ReviewKind,
    SchoolLevel,
    Sex,
    WasteHandling,
    WaterSource,
    WorkCapacity,
)
from shared.contracts.surveys import SurveyPayload

DEFAULT_COMMUNES = ("04570", "04573", "04576", "04579", "04582", "04585")
_DURABLE = (Material.REINFORCED_CONCRETE, Material.BRICK_STONE, Material.DURABLE_WOOD)
_FLIMSY = (Material.BAMBOO, Material.LEAVES_THATCH, Material.MUD_EARTH)
_CLEAN = (WaterSource.PIPED, WaterSource.DRILLED_WELL, WaterSource.PROTECTED_DUG_WELL)
_UNCLEAN = (WaterSource.UNPROTECTED_DUG_WELL, WaterSource.SURFACE_WATER)
_GOOD_LATRINE = (Latrine.FLUSH_SEPTIC, Latrine.DOUBLE_VAULT, Latrine.VENTILATED_PIT)
_BAD_LATRINE = (Latrine.UNIMPROVED_PIT, Latrine.NONE, Latrine.HANGING_OVER_WATER)
_ETHNIC = ("kinh", "tay", "dao", "hmong", "thai", "muong")


def _school_for(age: int) -> SchoolLevel:
    if age < 3:
        return SchoolLevel.NONE
    if age < 6:
        return SchoolLevel.PRESCHOOL
    if age < 11:
        return SchoolLevel.PRIMARY
    if age < 15:
        return SchoolLevel.LOWER_SECONDARY
    if age < 18:
        return SchoolLevel.UPPER_SECONDARY
    return SchoolLevel.NONE


def _member(
    rng: random.Random, no: int, age: int, relation: Relation, hard: float
) -> dict[str, Any]:
    child = age < 16
    working = 15 <= age <= 60
    unemployed = working and rng.random() < 0.08 * hard
    wage = working and not unemployed and rng.random() < 0.3
    attending = _school_for(age)
    if age >= 3 and age < 18 and rng.random() < 0.06 * hard:
        attending = SchoolLevel.NONE
    if 16 <= age <= 30 and attending is SchoolLevel.NONE:
        qual = (
            Qualification.UPPER_SECONDARY if rng.random() > 0.25 * hard else Qualification.PRIMARY
        )
    elif age >= 18:
        qual = rng.choice((Qualification.LOWER_SECONDARY, Qualification.UPPER_SECONDARY))
    else:
        qual = Qualification.NONE if age < 11 else Qualification.PRIMARY
    return {
        "member_no": no,
        "age": age,
        "sex": Sex.MALE if (no + age) % 2 else Sex.FEMALE,
        "relation": relation,
        "ethnicity": _ETHNIC[int(hard * 10) % len(_ETHNIC)],
        "has_disability": rng.random() < 0.03,
        "work_capacity": WorkCapacity.NONE if age > 75 else WorkCapacity.FULL,
        "employment": (
            Employment.UNEMPLOYED
            if unemployed
            else Employment.EMPLOYED
            if working
            else Employment.NOT_IN_LABOUR_FORCE
        ),
        "wage_worker": wage,
        "has_labour_contract": wage and rng.random() > 0.35 * hard,
        "has_health_insurance": age < 6 or rng.random() > 0.1 * hard,
        "attending_school": attending,
        "highest_qualification": qual,
        "stunted": (rng.random() < 0.08 * hard) if child else None,
        "underweight": (rng.random() < 0.05 * hard) if child else None,
    }


def synthetic_survey_dict(
    n: int, rng: random.Random, commune_codes: Sequence[str], year: int = 2026
) -> dict[str, Any]:
    """One synthetic household as the plain mapping ``SurveyPayload`` validates."""
    area = AreaType.RURAL if rng.random() < 0.7 else AreaType.URBAN
    line = 1_500_000 if area is AreaType.RURAL else 2_000_000
    roll = rng.random()
    if roll < 0.12:
        income, hard = int(line * rng.uniform(0.45, 1.0)), rng.uniform(1.5, 4.0)
    elif roll < 0.35:
        income, hard = int(line * rng.uniform(1.0, 1.6)), rng.uniform(0.5, 1.5)
    else:
        income, hard = int(line * rng.uniform(1.6, 4.5)), rng.uniform(0.05, 0.6)
    basis = IncomeBasis.VND_PER_CAPITA_MONTH
    value = income
    if rng.random() < 0.1:  # some communes still record the form's score A
        basis = IncomeBasis.SCORE_A
        score_line = 140 if area is AreaType.RURAL else 175
        value = max(0, int(score_line * income / line))
    size = rng.choice((1, 2, 2, 3, 3, 4, 4, 4, 5, 5, 6, 7))
    head_age = rng.randint(25, 70)
    members = [_member(rng, 1, head_age, Relation.HEAD, hard)]
    for no in range(2, size + 1):
        if no == 2 and size > 1:
            age, rel = max(18, head_age + rng.randint(-5, 5)), Relation.SPOUSE
        elif no == size and size >= 5:
            age, rel = min(95, head_age + rng.randint(20, 30)), Relation.PARENT
        else:
            age, rel = rng.randint(0, 20), Relation.CHILD
        members.append(_member(rng, no, age, rel, hard))
    flimsy = rng.random() < 0.12 * hard
    assets = [] if rng.random() < 0.04 * hard else [Asset.TELEVISION, Asset.MOBILE_PHONE]
    if rng.random() < 0.6:
        assets.append(Asset.MOTORBIKE)
    surveyed = datetime(year, 9, 1, 8, 0, tzinfo=UTC) + timedelta(minutes=n % 100_000)
    return {
        "survey_id": f"SYN-{n:08d}",
        "household_code": f"HH-{n:08d}",
        "province_code": "15",
        "commune_code": commune_codes[n % len(commune_codes)],
        "village_code": f"{commune_codes[n % len(commune_codes)]}-{n % 9 + 1:02d}",
        "area_type": area,
        "review_round": {"year": year, "kind": ReviewKind.PERIODIC},
        "surveyed_at": surveyed,
        "livelihood_agriculture": area is AreaType.RURAL and rng.random() < 0.7,
        "income": {"basis": basis, "value": value},
        "housing": {
            "pillars": rng.choice(_FLIMSY if flimsy else _DURABLE),
            "walls": rng.choice(_FLIMSY if flimsy else _DURABLE),
            "roof": Material.LEAVES_THATCH if flimsy else Material.TILE,
            "floor_area_m2": round(size * rng.uniform(5.0, 25.0) / min(hard, 1.5), 1),
        },
        "water_source": rng.choice(_UNCLEAN if rng.random() < 0.12 * hard else _CLEAN),
        "latrine": rng.choice(_BAD_LATRINE if rng.random() < 0.2 * hard else _GOOD_LATRINE),
        "uses_telecom": rng.random() > 0.03 * hard,
        "uses_internet": rng.random() > 0.15 * hard,
        "assets": assets,
        "waste_handling": (
            rng.choice((WasteHandling.BURNED_OPEN, WasteHandling.DUMPED))
            if rng.random() < 0.15 * hard
            else WasteHandling.COLLECTED
        ),
        "members": members,
    }


def iter_synthetic_surveys(
    n: int, seed: int = 2026, commune_codes: Sequence[str] | None = None, year: int = 2026
) -> Iterator[SurveyPayload]:
    """Lazily yield ``n`` validated synthetic surveys; same ``seed`` gives the same surveys."""
    rng = random.Random(seed)
    communes = tuple(commune_codes) if commune_codes else DEFAULT_COMMUNES
    for i in range(1, n + 1):
        yield SurveyPayload.model_validate(synthetic_survey_dict(i, rng, communes, year))


def synthetic_surveys(
    n: int, seed: int = 2026, commune_codes: Sequence[str] | None = None, year: int = 2026
) -> list[SurveyPayload]:
    """``n`` validated synthetic surveys (see ``iter_synthetic_surveys``)."""
    return list(iter_synthetic_surveys(n, seed, commune_codes, year))


def _standards() -> tuple[Standard, Standard]:
    by_id = {s.id: s for s in load_national_standards()}
    return by_id["vn-2022-2025"], by_id["vn-2027-2030"]


def _pool(n: int, seed: int, pool_size: int) -> tuple[list[SurveyPayload], float]:
    start = time.perf_counter()
    pool = synthetic_surveys(min(n, pool_size), seed)
    return pool, time.perf_counter() - start


def _median_seconds(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _classify_all(surveys: list[SurveyPayload], standard: Standard) -> list[Classification]:
    return [classify(s, standard) for s in surveys]


def bench_classifier(
    n: int, seed: int = 2026, pool_size: int = 50_000, repeats: int = 3
) -> dict[str, Any]:
    """Classify ``n`` households on one core, explained (``classify``) and from facts
    (``classify_facts``); also the facts-extraction rate. Returns households/s (median of
    ``repeats`` runs) and the status spread, which both paths must give identically.

    Surveys are generated up front (a pool of up to ``pool_size`` distinct households,
    cycled); only classification (or extraction) is timed. The engine keeps no per-household
    cache, so a cycled household costs the same as a new one. The standard's facts
    classifier is compiled before timing (once per standard and process; reported).
    """
    standard, _ = _standards()
    pool, gen_seconds = _pool(n, seed, pool_size)
    surveys = list(itertools.islice(itertools.cycle(pool), n))

    start = time.perf_counter()
    _ = standard.facts_classifier
    compile_seconds = time.perf_counter() - start

    extract_seconds = _median_seconds(lambda: [facts_of(s) for s in pool], repeats)
    pool_facts = [facts_of(s) for s in pool]
    facts = list(itertools.islice(itertools.cycle(pool_facts), n))

    explained = [classify(s, standard) for s in surveys]
    spread = Counter(c.status.value for c in explained)
    if spread != Counter(classify_facts(f, standard).status.value for f in facts):
        msg = "classify and classify_facts disagree on the synthetic mix"
        raise AssertionError(msg)
    del explained
    explained_seconds = _median_seconds(partial(_classify_all, surveys, standard), repeats)
    # The bulk path holds no pydantic surveys: drop them so that the garbage collector's
    # full passes (triggered by the results being built) do not walk a million objects
    # the facts path never touches.
    surveys.clear()
    pool.clear()
    gc.collect()
    facts_seconds = _median_seconds(lambda: [classify_facts(f, standard) for f in facts], repeats)
    results = [classify_facts(f, standard) for f in facts]
    return {
        "benchmark": "classifier",
        "standard": standard.id,
        "households": n,
        "distinct_households": len(pool_facts),
        "repeats": repeats,
        "load_average": os.getloadavg(),
        "seconds": round(explained_seconds, 3),
        "households_per_second": round(n / explained_seconds),
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
    _ = baseline.facts_classifier, alternative.facts_classifier  # compile before timing
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
