"""Support's business metrics."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter


class SupportMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.disbursed = Counter(
            "giamngheo_support_disbursements",
            "Disbursements recorded.",
            ["kind"],
            registry=registry,
        )
        self.disbursed_vnd = Counter(
            "giamngheo_support_disbursed_vnd",
            "Value of support recorded, in VND.",
            ["kind"],
            registry=registry,
        )
        self.overridden = Counter(
            "giamngheo_support_overrides",
            "Support recorded by an officer overriding a programme's rules.",
            ["kind"],
            registry=registry,
        )
        self.enrolled = Counter(
            "giamngheo_training_enrolments", "Training enrolments recorded.", registry=registry
        )
        self.households_known = Counter(
            "giamngheo_support_household_updates",
            "Classification events applied to support's household register.",
            registry=registry,
        )

    def recorded(self, kind: str, amount_vnd: int, *, overridden: bool) -> None:
        """A support record was written (counted in the HTTP layer, after its commit)."""
        self.disbursed.labels(kind).inc()
        self.disbursed_vnd.labels(kind).inc(amount_vnd)
        if overridden:
            self.overridden.labels(kind).inc()
