"""The latency benchmark's reading of reporting's histogram."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client import CollectorRegistry, generate_latest

from services.reporting.metrics import ReportingMetrics
from tools.bench_latency import (
    bucket_difference,
    histogram_buckets,
    percentile,
    quantile_from_buckets,
)

INF = math.inf


@pytest.mark.parametrize(
    ("buckets", "q", "expected"),
    [
        ([(0.1, 10), (0.5, 90), (1.0, 100), (INF, 100)], 0.5, 0.3),
        ([(0.1, 10), (0.5, 90), (1.0, 100), (INF, 100)], 0.99, 0.95),
        ([(0.1, 10), (INF, 10)], 0.5, 0.05),  # the first bucket starts at zero
        ([(0.01, 0), (0.1, 0), (0.5, 4), (INF, 4)], 0.5, 0.3),  # empty buckets passed over
        ([(0.1, 1), (1.0, 1), (INF, 2)], 0.99, 1.0),  # in +Inf: the largest finite bound
    ],
)
def test_quantile_is_interpolated_within_its_bucket_as_prometheus_does(
    buckets: list[tuple[float, float]], q: float, expected: float
) -> None:
    assert quantile_from_buckets(buckets, q) == pytest.approx(expected)


def test_quantile_is_none_when_the_histogram_is_empty() -> None:
    assert quantile_from_buckets([(0.1, 0), (INF, 0)], 0.99) is None
    assert quantile_from_buckets([], 0.5) is None


def test_quantile_is_refused_when_outside_zero_to_one() -> None:
    with pytest.raises(ValueError, match="outside"):
        quantile_from_buckets([(INF, 1)], 99)


def test_warm_up_observations_are_left_out_when_two_reads_are_subtracted() -> None:
    registry = CollectorRegistry()
    metrics = ReportingMetrics(registry)
    now = datetime(2026, 11, 29, 5, 0, tzinfo=UTC)
    metrics.observe_survey_to_report([now - timedelta(seconds=20)] * 50, now.timestamp())
    before = histogram_buckets(generate_latest(registry).decode())
    metrics.observe_survey_to_report(
        [now - timedelta(milliseconds=ms) for ms in (40, 40, 40, 150)], now.timestamp()
    )
    measured = bucket_difference(histogram_buckets(generate_latest(registry).decode()), before)
    assert measured[-1] == (INF, 4)
    assert 0.025 < (quantile_from_buckets(measured, 0.5) or 0) <= 0.05
    assert 0.1 < (quantile_from_buckets(measured, 0.99) or 0) <= 0.2


def test_a_span_made_negative_by_clocks_apart_counts_as_zero() -> None:
    registry = CollectorRegistry()
    metrics = ReportingMetrics(registry)
    now = datetime(2026, 11, 29, 5, 0, tzinfo=UTC)
    metrics.observe_survey_to_report([now + timedelta(seconds=2)], now.timestamp())
    assert registry.get_sample_value("giamngheo_survey_to_report_seconds_sum") == 0
    assert registry.get_sample_value("giamngheo_survey_to_report_seconds_count") == 1


def test_client_percentile_is_the_nearest_rank() -> None:
    assert percentile([0.3, 0.1, 0.2, 0.4], 0.5) == 0.2
    assert percentile([float(i) for i in range(1, 101)], 0.99) == 99.0
    assert percentile([], 0.5) is None
