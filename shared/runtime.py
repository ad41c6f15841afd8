"""Builds what every service runs on: engine, broker, consumers, outbox relay, HTTP shell.

``build_runtime`` creates everything from settings (nothing exists at import time);
``http_app`` wraps a runtime in a FastAPI app whose lifespan starts and stops it, and adds
``/health`` and ``/metrics``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse, Response
from faststream import AckPolicy
from faststream.redis import RedisBroker
from faststream.redis.prometheus import RedisPrometheusMiddleware
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from redis.asyncio import Redis
from sqlalchemy.engine import Engine

from shared import api_docs, http_errors, limits
from shared.access import Access, TokenVerifier, issuers_from_settings
from shared.access.guard import document_rules
from shared.consumer import DeliveryPolicy, StreamConsumer, unique_consumer_name
from shared.contracts import ALL_STREAMS
from shared.contracts.audit import AuditRecorded
from shared.contracts.envelope import Envelope, Identified
from shared.db import PlumbingTables, create_db_engine
from shared.metrics import DeliveryMetrics, HttpMetrics
from shared.migrations import upgrade
from shared.outbox import OutboxRelay
from shared.retention import Retention
from shared.settings import ServiceSettings

log = logging.getLogger(__name__)

E = TypeVar("E", bound=Identified)

GRACEFUL_S = 30.0

ALIVE_EVERY_S = 5.0
ALIVE_TTL_MS = 15_000


def alive_key(service: str, consumer: str = "*") -> str:
    """The key a running service's consumers renew (``*``: a pattern for all of them): what
    an offline maintenance command checks before working on the service's projections."""
    return f"giamngheo:alive:{service}:{consumer}"


"""How long a stopping replica waits for the batch it is processing."""

STREAM_OF: dict[type, str] = {cls: stream for stream, cls in ALL_STREAMS.items()}


@dataclass
class Runtime:
    settings: ServiceSettings
    engine: Engine
    metadata: sa.MetaData
    tables: PlumbingTables
    broker: RedisBroker
    redis: Redis
    registry: CollectorRegistry
    delivery: DeliveryMetrics
    relay: OutboxRelay
    consumer_name: str
    migrations: Path
    access: Access
    consumers: list[StreamConsumer[Any]] = field(default_factory=list)
    startup: list[Callable[[], Coroutine[Any, Any, None]]] = field(default_factory=list)
    """Run once at start, after migrations (e.g. creating the first administrator)."""
    background: list[Callable[[], Coroutine[Any, Any, None]]] = field(default_factory=list)
    """Long-running loops started with the service and cancelled when it stops."""
    _tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    _stopping: bool = False

    @property
    def service(self) -> str:
        return self.settings.service_name

    def consumer(
        self, event_type: type[Envelope[Any]], read: Callable[[bytes], E] | None = None
    ) -> StreamConsumer[E]:
        """A consumer of ``event_type``'s stream in this service's group."""
        s = self.settings
        c: StreamConsumer[E] = StreamConsumer(
            self.redis,
            stream=STREAM_OF[event_type],
            group=self.service,
            consumer=self.consumer_name,
            event_type=event_type,
            policy=DeliveryPolicy(
                batch_size=s.batch_size,
                poll_ms=s.poll_ms,
                claim_idle_ms=s.claim_idle_ms,
                claim_interval_s=s.claim_interval_s,
                max_deliveries=s.max_deliveries,
            ),
            metrics=self.delivery,
            read=read,
        )
        self.consumers.append(c)
        return c

    def subscribe(
        self,
        event_type: type[Envelope[Any]],
        handler: Callable[[list[E]], Awaitable[None]],
        *,
        description: str,
        read: Callable[[bytes], E] | None = None,
    ) -> StreamConsumer[E]:
        """Consume ``event_type``'s stream in this service's group with ``handler``.

        ``handler`` applies a batch of decoded events (idempotently, in one commit); the
        subscriber registered here reads bounded batches, acknowledges them after the handler
        returns, retries failures one by one and dead-letters poison (see StreamConsumer).
        ``read`` decodes an entry's body instead of the contract's model (a consumer that
        trusts the producer's validation and reads only what it keeps); it raises on an entry
        that is not a valid event, which is then dead-lettered.
        """
        consumer = self.consumer(event_type, read)
        consumer.bind(handler)

        async def deliver(events: list[Any]) -> None:
            await consumer.handle(events)

        deliver.__annotations__ = {"events": list[event_type], "return": None}  # type: ignore[valid-type]
        deliver.__name__ = deliver.__qualname__ = handler.__name__
        deliver.__doc__ = handler.__doc__
        consumer.subscriber = self.broker.subscriber(
            stream=consumer.stream_sub(),
            ack_policy=AckPolicy.MANUAL,
            parser=consumer.parse,
            decoder=consumer.decode,
            title=f"{consumer.stream}:{self.service}",
            description=description,
        )
        consumer.subscriber(deliver)
        return consumer

    def document_audit(self) -> None:
        """Declare that this service's writes stage audit entries (``audit.recorded``)."""
        self.document_publisher(
            AuditRecorded, "Who wrote what, when, to which household or area (no personal data)."
        )

    def document_publisher(self, event_type: type[Envelope[Any]], description: str) -> None:
        """Declare an emitted stream in the AsyncAPI document.

        Events are not published through FastStream but by the outbox relay (so that state and
        event commit together); the declaration documents the stream and its JSON schema.
        """
        self.broker.publisher(
            STREAM_OF[event_type],
            schema=event_type,
            title=f"{STREAM_OF[event_type]}:{self.service}",
            description=description,
        )

    async def start(self) -> None:
        await asyncio.to_thread(upgrade, self.engine, self.migrations)
        for step in self.startup:
            await step()
        if self.consumers:
            for c in self.consumers:
                await c.ensure_group()
            await self.broker.start()
            self._tasks += [asyncio.create_task(c.run_claimer()) for c in self.consumers]
            self._tasks.append(asyncio.create_task(self._watch_lag()))
            self._tasks.append(asyncio.create_task(self._announce_alive()))
        self._tasks.append(asyncio.create_task(self.relay.run()))
        self._tasks.append(
            asyncio.create_task(self.access.verifier.revocations.follow(self.settings.redis_url))
        )
        self._tasks += [asyncio.create_task(loop()) for loop in self.background]
        self.relay.notify()

    async def stop(self) -> None:
        self._stopping = True
        for t in self._tasks:  # claimers, lag probe and relay first: nothing new starts
            t.cancel()
        if self.consumers:
            try:  # in-flight batches finish (and are acked) within the graceful timeout
                await asyncio.wait_for(self.broker.stop(), timeout=GRACEFUL_S + 5)
            except TimeoutError:  # unacked entries stay pending; another replica claims them
                log.warning("%s: broker did not stop in time", self.service)
        if self._tasks:  # a task whose cancellation a library swallowed must not block a stop
            _done, stuck = await asyncio.wait(self._tasks, timeout=5)
            for t in stuck:
                log.warning("%s: background task %s did not stop", self.service, t.get_name())
        self._tasks.clear()
        if self.consumers:
            with contextlib.suppress(Exception):  # else it expires on its own
                await self.redis.delete(alive_key(self.service, self.consumer_name))
        with contextlib.suppress(Exception):  # a last flush; whatever is left waits in the outbox
            await asyncio.wait_for(asyncio.to_thread(self.relay.publish_pending), timeout=15)
        self.relay.close()
        await self.redis.aclose()
        self.engine.dispose()

    async def _announce_alive(self) -> None:
        key = alive_key(self.service, self.consumer_name)
        while not self._stopping:
            with contextlib.suppress(Exception):  # Redis away: the consumers are not reading
                await self.redis.set(key, b"1", px=ALIVE_TTL_MS)
            await asyncio.sleep(ALIVE_EVERY_S)

    async def _watch_lag(self) -> None:
        while not self._stopping:
            for c in self.consumers:
                try:
                    lag, pending = await c.lag()
                except Exception:  # a metrics sample, retried next round
                    log.debug("lag probe failed for %s", c.stream, exc_info=True)
                    continue
                self.delivery.lag.labels(self.service, c.stream, c.group).set(lag)
                self.delivery.pending.labels(self.service, c.stream, c.group).set(pending)
            with contextlib.suppress(Exception):
                backlog = await asyncio.to_thread(self.relay.backlog)
                self.delivery.outbox_backlog.labels(self.service).set(backlog)
            await asyncio.sleep(5.0)


def build_runtime(
    settings: ServiceSettings, metadata: sa.MetaData, tables: PlumbingTables, migrations: Path
) -> Runtime:
    """Everything a service runs on; ``migrations`` is its Alembic script folder."""
    registry = CollectorRegistry()
    delivery = DeliveryMetrics(registry, settings.service_name)
    engine = create_db_engine(settings.database_url)
    broker = RedisBroker(
        settings.redis_url,
        logger=None,  # type: ignore[arg-type]  # per-message logging costs 10-30%
        middlewares=[RedisPrometheusMiddleware(registry=registry, app_name=settings.service_name)],
        graceful_timeout=GRACEFUL_S,
        # the consumer's decoder validates (or trusts the producer, where a service reads only
        # what it keeps): a second validation of every batch by FastDepends is pure cost
        apply_types=False,
        description=f"Event streams of the {settings.service_name} service.",
    )
    relay = OutboxRelay(
        engine,
        tables,
        settings.redis_url,
        retention=Retention(
            keep_last=settings.stream_maxlen,
            max_age_s=settings.stream_retention_days * 86_400
            if settings.stream_retention_days
            else None,
        ),
        confirm_after_s=settings.outbox_confirm_s,
        on_published=lambda stream, n: delivery.published.labels(settings.service_name, stream).inc(
            n
        ),
    )
    verifier = TokenVerifier(issuers_from_settings(settings))
    if not verifier.issuers:
        log.warning(
            "%s: no token issuer configured (AUTH_JWKS_URL / AUTH_JWKS_FILE): "
            "every request but /health and /metrics will be refused",
            settings.service_name,
        )
    rt = Runtime(
        settings=settings,
        engine=engine,
        metadata=metadata,
        tables=tables,
        broker=broker,
        redis=Redis.from_url(
            settings.redis_url,
            socket_timeout=15,
            socket_connect_timeout=5,
            health_check_interval=30,
        ),
        registry=registry,
        delivery=delivery,
        relay=relay,
        consumer_name=settings.consumer_name or unique_consumer_name(settings.service_name),
        migrations=migrations,
        access=Access(verifier, settings.auth_token_url),
    )
    return rt


def http_app(rt: Runtime, *, title: str, routers: Sequence[APIRouter] = ()) -> FastAPI:
    """The service's FastAPI app: its routers plus ``/health`` and ``/metrics``."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await rt.start()
        try:
            yield
        finally:
            await rt.stop()

    app = FastAPI(title=title, version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None)
    api_docs.install(app)
    app.state.runtime = rt
    http_errors.install(app)
    limits.install(app, rt.settings)
    app.add_middleware(HttpMetrics, registry=rt.registry, service=rt.service)
    for r in routers:
        app.include_router(r)

    public_ops = rt.access.public("operations: liveness, and metrics for Prometheus")

    @app.get(
        "/health",
        tags=["operations"],
        summary="Liveness and dependencies",
        dependencies=[public_ops],
    )
    async def health() -> JSONResponse:
        db_ok = True
        try:
            await asyncio.to_thread(_ping_db, rt.engine)
        except Exception:
            db_ok = False
        try:
            redis_ok = bool(await asyncio.wait_for(rt.redis.ping(), timeout=2))
        except Exception:
            redis_ok = False
        streams = {f"{c.stream}:{c.group}": c.health() for c in rt.consumers}
        degraded = not redis_ok or any(v != "ok" for v in streams.values())
        body = {
            "service": rt.service,
            "status": "degraded" if degraded else "ok",
            "database": db_ok,
            "redis": redis_ok,
            "streams": streams,
        }
        return JSONResponse(body, status_code=200 if db_ok else 503)

    @app.get("/metrics", include_in_schema=False, dependencies=[public_ops])
    async def metrics() -> Response:
        return Response(generate_latest(rt.registry), media_type=CONTENT_TYPE_LATEST)

    document_rules(app)

    return app


def _ping_db(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
