"""Reporting's business metrics."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Histogram

SURVEY_TO_REPORT_BUCKETS = (
    0.01,
    0.025,
    0.05,
    0.1,
    0.2,
    0.3,
    0.5,
    0.75,
    1.0,
    1.5,
    2.5,
    5.0,
    10.0,
    20.0,
    30.0,
    60.0,
)
"""Seconds, 10 ms to a minute: finest around the half-second goal at a steady load."""


class ReportingMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.applied = Counter(
            "giamngheo_reporting_events_applied",
            "Events applied to the report aggregates (each event once).",
            ["event_type"],
            registry=registry,
        )
        self.survey_to_report = Histogram(
            "giamngheo_survey_to_report_seconds",
            "From intake accepting a survey to reporting counting its governing "
            "classification (each classification once; clocks of both servers).",
            buckets=SURVEY_TO_REPORT_BUCKETS,
            registry=registry,
        )

    def observe_survey_to_report(self, accepted_at: Iterable[datetime], counted_at: float) -> None:
        """One observation per survey accepted at each ``accepted_at`` and counted at
        ``counted_at`` (a Unix time); a negative span (clocks apart) counts as zero."""
        for at in accepted_at:
            self.survey_to_report.observe(max(0.0, counted_at - at.timestamp()))
