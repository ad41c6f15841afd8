"""The compose file rehearsed: its services started as processes with their own command and
environment (``tools/rehearsal.py``), assessment at 3 replicas started together, the real
Prometheus scraping them with ``deploy/prometheus/``'s jobs and rules. Surveys drain,
Prometheus sees every replica, migrations run once, and a rolling upgrade (each service in
turn stopped with SIGTERM and started again while surveys keep coming) loses nothing.

Redis: the machine's redis-server when ``REDIS_URL`` is set (CI), else the embedded one.
Databases: a fresh PostgreSQL database per service when ``TEST_POSTGRES_URL`` is set (the
advisory migration lock is exercised there), else SQLite files (a file lock instead).
"""

from __future__ import annotations

import os
import signal
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.chaos.harness import body, every, plus, post, settle, steady
from tests.ops.conftest import debian_binary
from tests.ops.metric_names import dashboard_queries
from tools.rehearsal import (
    Prometheus,
    Rehearsal,
    fresh_databases,
    load_compose,
    prometheus_config,
    redis_server_binary,
    service_definition,
)
from tools.stack import SERVICES, free_service_ports

REPLICAS = {"assessment": 3}


@pytest.fixture(scope="module")
def rehearsal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rehearsal]:
    if not os.environ.get("TEST_POSTGRES_URL"):
        warnings.warn(
            "compose rehearsal on SQLite: the PostgreSQL advisory migration lock and one "
            "database per service on one server are exercised only with TEST_POSTGRES_URL",
            stacklevel=1,
        )
    folder = tmp_path_factory.mktemp("rehearsal")
    with fresh_databases() as databases:
        stack = Rehearsal(
            folder / "platform",
            ports=free_service_ports(),
            replicas=REPLICAS,
            databases=databases,
            redis_executable=redis_server_binary(),
        )
        preflight = stack.preflight()
        assert preflight.returncode == 0, preflight.stdout + preflight.stderr
        stack.start(timeout_s=120)
        try:
            yield stack
        finally:
            stack.stop()


@pytest.fixture(scope="module")
def prometheus(rehearsal: Rehearsal) -> Iterator[Prometheus]:
    binary = debian_binary("prometheus", "prometheus")
    config = prometheus_config(rehearsal.targets(), rehearsal.data_dir.parent / "prometheus")
    server = Prometheus(binary, config).start()
    try:
        yield server
    finally:
        server.stop()


def test_every_service_runs_its_compose_command_with_its_compose_environment(
    rehearsal: Rehearsal,
) -> None:
    compose = load_compose()
    for name in SERVICES:
        command, env = service_definition(compose, name)
        expected = 1 + (REPLICAS.get(name, 1) - 1)
        assert len(rehearsal.processes[name]) == expected
        for proc in rehearsal.processes[name]:
            argv = Path(f"/proc/{proc.pid}/cmdline").read_bytes().split(b"\0")
            assert [a.decode() for a in argv if a][-len(command) :] == command
            environ = Path(f"/proc/{proc.pid}/environ").read_bytes().split(b"\0")
            names = {e.split(b"=", 1)[0].decode() for e in environ if e}
            assert set(env) <= names, f"{name}: {sorted(set(env) - names)} not passed"


def test_surveys_drain_through_three_assessment_replicas_and_prometheus_sees_each(
    rehearsal: Rehearsal, prometheus: Prometheus
) -> None:
    sent = post(rehearsal, [body(n, poor=n % 4 == 0) for n in range(1, 301)])
    assert sent == 300
    settle(rehearsal, every(300), timeout=120)

    deadline = time.monotonic() + 30
    while True:
        up = prometheus.query("up")
        answering = {
            (r["metric"]["job"], r["metric"]["instance"]) for r in up if r["value"][1] == "1"
        }
        processed = prometheus.query(
            'giamngheo_events_processed_total{job="assessment", stream="household.surveyed"}'
        )
        total = sum(float(r["value"][1]) for r in processed)
        if len(answering) == 7 and total >= 300:
            break
        assert time.monotonic() < deadline, f"Prometheus sees {sorted(answering)}, {total}"
        time.sleep(1)
    targets = rehearsal.targets()
    assert answering == {(job, t) for job, ts in targets.items() for t in ts}
    assert {r["metric"]["instance"] for r in processed} <= set(targets["assessment"])
    lag = prometheus.query('giamngheo_consumer_lag{job="assessment"}')
    assert {r["metric"]["instance"] for r in lag} == set(targets["assessment"])
    accepted = prometheus.query('sum(giamngheo_surveys_accepted_total{job="intake"})')
    assert float(accepted[0]["value"][1]) == 300
    rules = prometheus_rules(prometheus)
    assert {"ServiceDown", "ConsumerLagGrowing", "DeadLetters"} <= rules
    firing = prometheus.query('ALERTS{alertstate="firing"}')
    assert firing == [], firing
    for expr in dashboard_queries():  # every dashboard panel is a query Prometheus accepts
        prometheus.query(expr)
    throughput = prometheus.query(
        'sum by (service) (rate(giamngheo_events_processed_total{job="assessment"}[1m]))'
    )
    assert throughput, "the dashboard's throughput query finds assessment's replicas"


def prometheus_rules(prometheus: Prometheus) -> set[str]:
    import httpx

    groups = httpx.get(prometheus.url + "/api/v1/rules", timeout=10).json()["data"]["groups"]
    return {rule["name"] for g in groups for rule in g["rules"]}


def test_each_service_migrated_its_database_once(rehearsal: Rehearsal) -> None:
    for name in SERVICES:
        assert rehearsal.migrations_logged(name) == 1, name


def test_a_rolling_upgrade_restarting_each_service_mid_stream_loses_nothing(
    rehearsal: Rehearsal,
) -> None:
    before = steady(rehearsal)
    sent = 0
    order = ["access", "intake", "assessment", "assessment", "assessment", "support", "reporting"]
    for step, name in enumerate(order):
        first = 1001 + step * 40
        sent += post(rehearsal, [body(n) for n in range(first, first + 40)])
        proc = rehearsal.processes[name][0]
        stopped = rehearsal.restart(name, 0)  # SIGTERM, drain, start the new one
        consumers, held = held_by(rehearsal, proc.pid)
        assert held == 0, f"{name} left {held} entries unacknowledged"
        assert consumers or name not in ("assessment", "support", "reporting")
        # uvicorn stops gracefully, then re-raises the SIGTERM it caught (status -15)
        assert proc.returncode in (0, -signal.SIGTERM), f"{name} ended with {proc.returncode}"
        assert "Traceback" not in rehearsal.log_of(name, proc), f"{name} failed while stopping"
        assert stopped < 40, f"{name} took {stopped:.0f} s to drain"
    assert sent == 40 * len(order)
    settle(rehearsal, plus(before, sent), timeout=120)
    for name in SERVICES:  # the new replicas found their schema at head
        assert rehearsal.migrations_logged(name) == 1, name


def held_by(stack: Rehearsal, pid: int) -> tuple[int, int]:
    """Entries still pending for the consumers of the replica with this process id (its
    consumer names carry the pid): how many consumers it had, and what they still hold. A
    replica that drained on SIGTERM holds none."""
    from shared.contracts import ALL_STREAMS

    client = redis.Redis.from_url(stack.redis_url or "", decode_responses=True)
    consumers = held = 0
    try:
        for stream in ALL_STREAMS:
            if not client.exists(stream):
                continue
            for group in client.xinfo_groups(stream):
                for consumer in client.xinfo_consumers(stream, group["name"]):
                    if f"-{pid}-" in consumer["name"]:
                        consumers += 1
                        held += int(consumer["pending"])
    finally:
        client.close()
    return consumers, held
