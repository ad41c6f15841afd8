"""The synthetic-survey generator and the benchmark functions (smoke sizes)."""

from __future__ import annotations

import pytest

from tools.bench_classifier import bench_classifier, bench_whatif
from tools.synthetic import synthetic_surveys

pytestmark = pytest.mark.unit


def test_synthetic_surveys_are_deterministic_when_seed_repeats() -> None:
    a = synthetic_surveys(50, seed=3, commune_codes=["00001"])
    b = synthetic_surveys(50, seed=3, commune_codes=["00001"])
    assert a == b
    assert {s.commune_code for s in a} == {"00001"}
    assert synthetic_surveys(50, seed=4) != a


def test_benchmarks_report_a_spread_of_statuses_when_run_small() -> None:
    result = bench_classifier(2_000, pool_size=2_000)
    assert result["households_per_second"] > 0
    assert {"poor", "near_poor", "not_poor"} <= set(result["status_spread"])
    assert bench_whatif(500, pool_size=500)["classified_under_both"] > 0
