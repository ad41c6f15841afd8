"""Delivery metrics every service exports, on the service's own registry (no globals).

Transport metrics (messages received, processing time, publish counts) come from FastStream's
Prometheus middleware; these add what it cannot see: consumer-group lag and pending entries,
dead letters, claims and the outbox backlog.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge


class DeliveryMetrics:
    def __init__(self, registry: CollectorRegistry, service: str) -> None:
        labels = ["service", "stream", "group"]
        self.service = service
        self.lag = Gauge(
            "giamngheo_consumer_lag",
            "Stream entries not yet delivered to the consumer group.",
            labels,
            registry=registry,
        )
        self.pending = Gauge(
            "giamngheo_consumer_pending",
            "Entries delivered to the group but not yet acknowledged.",
            labels,
            registry=registry,
        )
        self.processed = Counter(
            "giamngheo_events_processed",
            "Events applied and acknowledged (redeliveries included).",
            labels,
            registry=registry,
        )
        self.dead_lettered = Counter(
            "giamngheo_events_dead_lettered",
            "Events moved to a dead-letter stream.",
            labels,
            registry=registry,
        )
        self.claimed = Counter(
            "giamngheo_events_claimed",
            "Pending entries claimed from another (dead or slow) consumer.",
            labels,
            registry=registry,
        )
        self.published = Counter(
            "giamngheo_events_published",
            "Events published from the outbox.",
            ["service", "stream"],
            registry=registry,
        )
        self.outbox_backlog = Gauge(
            "giamngheo_outbox_backlog",
            "Committed events waiting in the outbox (grows while Redis is unreachable).",
            ["service"],
            registry=registry,
        )
