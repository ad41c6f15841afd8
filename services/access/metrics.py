"""Access's business metrics (no user names in labels)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter


class AccessMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.sign_ins = Counter(
            "giamngheo_sign_ins", "Sign-in attempts by outcome.", ["outcome"], registry=registry
        )
        self.audit_appended = Counter(
            "giamngheo_audit_entries", "Entries appended to the audit trail.", registry=registry
        )
