"""Latency benchmark: surveys sent at a steady rate, timed from intake's acceptance to
reporting counting them.

The whole platform runs as in ``giamngheo bench`` (embedded Redis unless ``--redis-url``,
SQLite unless ``<SERVICE>_DATABASE_URL`` is set). Surveys go to intake's batch endpoint in
small batches on a fixed schedule (``--rate`` surveys a second), first for a warm-up, then for
the measured ``--seconds``. The figures come from reporting's own histogram,
``giamngheo_survey_to_report_seconds`` (read from ``/metrics`` before and after the measured
phase, so the warm-up is left out), with quantiles interpolated within buckets as Prometheus's
``histogram_quantile`` does. The client's view is given beside it: from sending a batch to
reporting's count of applied governing classifications reaching it, which assumes the
pipeline keeps order and is only as fine as ``--poll``.

    .venv/bin/python -m tools.bench_latency --rate 200 --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import shlex
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tools.bench_pipeline import synthetic_body
from tools.stack import Stack, free_service_ports, work_folder

METRIC = "giamngheo_survey_to_report_seconds"
GOVERNING = "vn-2022-2025"

Buckets = list[tuple[float, float]]
"""A histogram's cumulative buckets: (upper bound, observations at or below it), the last
bound ``inf``."""


def quantile_from_buckets(buckets: Buckets, q: float) -> float | None:
    """The ``q`` quantile of a histogram (None if it is empty), interpolated linearly within
    the bucket it falls in, the first bucket starting at 0; in the ``+Inf`` bucket, the
    largest finite bound (as Prometheus's ``histogram_quantile``)."""
    if not 0 <= q <= 1:
        msg = f"quantile {q} outside [0, 1]"
        raise ValueError(msg)
    ordered = sorted(buckets)
    if not ordered or ordered[-1][1] <= 0:
        return None
    rank = q * ordered[-1][1]
    lower, below = 0.0, 0.0
    for bound, count in ordered:
        if count >= rank and count > below:
            if math.isinf(bound):
                return lower
            return lower + (bound - lower) * (rank - below) / (count - below)
        lower, below = bound, count
    return lower  # pragma: no cover (the +Inf bucket holds every observation)


def histogram_buckets(metrics_text: str, name: str = METRIC) -> Buckets:
    """The cumulative buckets of histogram ``name`` in a Prometheus text exposition, summed
    over label sets other than ``le`` (empty if it is not there)."""
    sums: dict[float, float] = {}
    for family in text_string_to_metric_families(metrics_text):
        if family.name != name:
            continue
        for sample in family.samples:
            if sample.name == name + "_bucket":
                bound = float(sample.labels["le"])
                sums[bound] = sums.get(bound, 0.0) + sample.value
    return sorted(sums.items())


def bucket_difference(after: Buckets, before: Buckets) -> Buckets:
    """The observations made between two reads of one histogram."""
    earlier = dict(before)
    return [(bound, count - earlier.get(bound, 0.0)) for bound, count in after]


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q`` quantile of ``values`` (nearest rank), None if there are none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


@dataclass
class _Batch:
    sent_at: float
    cumulative: int
    """Governing classifications reporting has applied once this batch is counted."""
    counted_at: float | None = None


class _Load:
    """Sends surveys on a fixed schedule and notes when reporting has counted each batch."""

    def __init__(
        self,
        intake: httpx.AsyncClient,
        reporting: httpx.AsyncClient,
        *,
        rate: float,
        batch: int,
        run: str,
        poll: float,
    ) -> None:
        self.intake, self.reporting = intake, reporting
        self.rate, self.batch, self.run, self.poll = rate, batch, run, poll
        self.sent = 0
        self.late = 0
        """Batches sent more than one interval behind schedule (the generator fell behind)."""
        self.in_flight: set[asyncio.Task[None]] = set()

    async def applied(self) -> int:
        answer = await self.reporting.get("/reports/events")
        answer.raise_for_status()
        counts = answer.json()["applied"].get("HouseholdClassified", {})
        return int(counts.get(GOVERNING, 0))

    async def _post(self, first: int, size: int) -> None:
        bodies = [synthetic_body(i, self.run) for i in range(first, first + size)]
        answer = await self.intake.post("/surveys/batch", json=bodies)
        answer.raise_for_status()
        if answer.json()["counts"]["created"] != size:
            msg = f"intake rejected part of a batch: {answer.json()['counts']}"
            raise RuntimeError(msg)

    async def send(self, seconds: float, base: int, phase: list[_Batch]) -> None:
        """Send for ``seconds`` on schedule, noting each batch in ``phase`` as it goes
        (``base``: what reporting had applied before)."""
        interval = self.batch / self.rate
        start = time.monotonic()
        k = 0
        while (due := start + k * interval) < start + seconds:
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            elif delay < -interval:
                self.late += 1
            size = self.batch
            b = _Batch(time.monotonic(), base + len(phase) * size + size)
            phase.append(b)
            task = asyncio.create_task(self._post(self.sent, size))
            self.in_flight.add(task)
            task.add_done_callback(self.in_flight.discard)
            self.sent += size
            k += 1
        if self.in_flight:
            await asyncio.gather(*self.in_flight)  # raises if a batch was refused

    async def phase(self, seconds: float, timeout: float) -> list[_Batch]:
        """Send for ``seconds`` while polling reporting, until every batch sent is counted;
        the batches, each with when it was counted."""
        base = await self.applied()
        batches: list[_Batch] = []
        sending = asyncio.create_task(self.send(seconds, base, batches))
        deadline = time.monotonic() + seconds + timeout
        counted = 0
        while not sending.done() or counted < len(batches):
            if time.monotonic() > deadline:
                sending.cancel()
                msg = f"reporting did not count {len(batches) - counted} batches in time"
                raise RuntimeError(msg)
            await asyncio.sleep(self.poll)
            if sending.done() and sending.exception() is not None:
                raise RuntimeError("sending failed") from sending.exception()
            applied = await self.applied()
            now = time.monotonic()
            while counted < len(batches) and batches[counted].cumulative <= applied:
                batches[counted].counted_at = now
                counted += 1
        return batches


@dataclass(frozen=True)
class LatencyResult:
    surveys: int
    server_p50: float | None
    server_p99: float | None
    client_p50: float | None
    client_p99: float | None
    late_batches: int
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]


async def _measure(
    stack: Stack, *, rate: float, seconds: float, warmup: float, batch: int, poll: float
) -> LatencyResult:
    headers = {"Authorization": f"Bearer {stack.token()}"}
    limits = httpx.Limits(max_connections=64)
    async with (
        httpx.AsyncClient(
            base_url=stack.url("intake"), timeout=120, headers=headers, limits=limits
        ) as intake,
        httpx.AsyncClient(base_url=stack.url("reporting"), timeout=30, headers=headers) as rep,
    ):
        load = _Load(intake, rep, rate=rate, batch=batch, run=f"l{int(time.time())}", poll=poll)
        if warmup > 0:
            await load.phase(warmup, timeout=300)
            load.late = 0
        before = histogram_buckets((await rep.get("/metrics")).text)
        load_before = os.getloadavg()
        phase = await load.phase(seconds, timeout=max(300.0, seconds * 5))
        load_after = os.getloadavg()
        after = histogram_buckets((await rep.get("/metrics")).text)
    measured = bucket_difference(after, before)
    client = [b.counted_at - b.sent_at for b in phase if b.counted_at is not None]
    return LatencyResult(
        surveys=len(phase) * batch,
        server_p50=quantile_from_buckets(measured, 0.5),
        server_p99=quantile_from_buckets(measured, 0.99),
        client_p50=percentile(client, 0.5),
        client_p99=percentile(client, 0.99),
        late_batches=load.late,
        load_before=load_before,
        load_after=load_after,
    )


def run_latency_bench(
    *,
    rate: float = 200.0,
    seconds: float = 60.0,
    warmup: float = 5.0,
    batch: int = 10,
    poll: float = 0.05,
    data_dir: Path | None = None,
    redis_url: str | None = None,
) -> LatencyResult:
    """Start the platform, send ``rate`` surveys a second for ``warmup`` + ``seconds`` and
    return the latencies of the measured part."""
    with (
        work_folder(data_dir, "giamngheo-latency-") as work,
        Stack(
            work, redis_url=redis_url, ports=free_service_ports(), admin_must_change=False
        ) as stack,
    ):
        return asyncio.run(
            _measure(stack, rate=rate, seconds=seconds, warmup=warmup, batch=batch, poll=poll)
        )


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:,.0f} ms"


def report(result: LatencyResult, *, rate: float, batch: int, poll: float) -> str:
    """The figures as printed."""
    load = " → ".join(
        "/".join(f"{x:.2f}" for x in avg) for avg in (result.load_before, result.load_after)
    )
    lines = [
        f"$ {shlex.join([Path(sys.executable).name, '-m', 'tools.bench_latency', *sys.argv[1:]])}",
        f"{result.surveys:,} surveys at {rate:g}/s in batches of {batch}; "
        f"load average (1/5/15 min) {load}",
        f"accepted → counted, reporting's histogram ({METRIC}): "
        f"p50 {_ms(result.server_p50)}, p99 {_ms(result.server_p99)}",
        f"sent → counted, client side (±{poll * 1000:.0f} ms, in order): "
        f"p50 {_ms(result.client_p50)}, p99 {_ms(result.client_p99)}",
    ]
    if result.late_batches:
        lines.append(f"{result.late_batches} batches left behind schedule: the rate was not held")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rate", type=float, default=200.0, help="surveys a second")
    parser.add_argument("--seconds", type=float, default=60.0, help="measured duration")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds sent before")
    parser.add_argument("--batch", type=int, default=10, help="surveys per request")
    parser.add_argument("--poll", type=float, default=0.05, help="client polling interval, s")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--redis-url", default=None, help="an existing Redis (default: embedded)")
    args = parser.parse_args(argv)
    result = run_latency_bench(
        rate=args.rate,
        seconds=args.seconds,
        warmup=args.warmup,
        batch=args.batch,
        poll=args.poll,
        data_dir=args.data_dir,
        redis_url=args.redis_url,
    )
    print(report(result, rate=args.rate, batch=args.batch, poll=args.poll))


if __name__ == "__main__":
    main()
