"""Delivery metrics every service exports, on the service's own registry (no globals).

Transport metrics (messages received, processing time, publish counts) come from FastStream's
Prometheus middleware; these add what it cannot see: consumer-group lag and pending entries,
dead letters, claims and the outbox backlog; ``HttpMetrics`` counts and times HTTP answers.
"""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send


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


class HttpMetrics:
    """ASGI middleware counting requests by route template and status class, and timing them
    (for the 5xx-rate alert and the latency panel). Labels carry no path values: a route's
    template (``/households/{code}/support``), or ``unmatched``."""

    def __init__(self, app: ASGIApp, *, registry: CollectorRegistry, service: str) -> None:
        self.app = app
        self.service = service
        self.requests = Counter(
            "giamngheo_http_requests",
            "HTTP requests answered, by route template and status class (2xx, 4xx, 5xx).",
            ["service", "method", "route", "status"],
            registry=registry,
        )
        self.seconds = Histogram(
            "giamngheo_http_request_seconds",
            "Time to answer an HTTP request, by route template.",
            ["service", "route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=registry,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in QUIET_PATHS:
            await self.app(scope, receive, send)
            return
        status = 500  # an exception that escapes is answered 500 by the server
        started = time.perf_counter()

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            self.requests.labels(self.service, scope["method"], route, f"{status // 100}xx").inc()
            self.seconds.labels(self.service, route).observe(time.perf_counter() - started)


QUIET_PATHS = frozenset({"/metrics", "/health"})
"""Prometheus's scrapes and health probes are not counted as traffic."""
