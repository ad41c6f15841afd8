"""Assessment's business metrics (statuses by standard; no personal data)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter


class AssessmentMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.classified = Counter(
            "giamngheo_households_classified",
            "Classifications emitted, by standard, stage and status.",
            ["standard", "stage", "status"],
            registry=registry,
        )
        self.stale = Counter(
            "giamngheo_surveys_stale",
            "Surveys kept but not applied because a later survey of the household exists.",
            registry=registry,
        )
        self.rejected = Counter(
            "giamngheo_surveys_not_classifiable",
            "Surveys sent to the dead-letter stream because they cannot be classified.",
            registry=registry,
        )
