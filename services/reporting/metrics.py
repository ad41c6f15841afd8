"""Reporting's business metrics."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter


class ReportingMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.applied = Counter(
            "giamngheo_reporting_events_applied",
            "Events applied to the report aggregates (each event once).",
            ["event_type"],
            registry=registry,
        )
