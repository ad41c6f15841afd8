"""Reporting's plan-vs-actual benchmark runs end to end at a smoke size."""

from __future__ import annotations

from tools.bench_reporting_plans import COMPONENTS, FUNDING, bench


def test_the_plan_benchmark_builds_a_province_table_when_run_small() -> None:
    result = bench(None, communes=12, per_line=1, repeats=1)
    # the province, two former districts (ten communes each) and twelve communes
    assert result["rows"] == 1 + 2 + 12
    assert result["disbursements"] == 12 * len(COMPONENTS) * len(FUNDING)
    assert result["province_disbursed_vnd"] == result["disbursements"] * 9_000_000
    assert result["median_ms"] > 0
