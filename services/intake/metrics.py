"""Intake's business metrics (counts only; no personal data in labels)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter


class IntakeMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.accepted = Counter(
            "giamngheo_surveys_accepted",
            "Surveys accepted and stored (new versions; resubmissions not counted).",
            ["channel"],
            registry=registry,
        )
        self.duplicates = Counter(
            "giamngheo_surveys_resubmitted",
            "Resubmissions of an already stored survey id (idempotent, nothing stored).",
            ["channel"],
            registry=registry,
        )
        self.rejected = Counter(
            "giamngheo_surveys_rejected",
            "Survey rows or submissions rejected by validation.",
            ["channel"],
            registry=registry,
        )
