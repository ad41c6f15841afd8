"""The compose file rehearsed on one machine, without Docker.

Starts, as local processes, what ``docker compose up`` would start: each platform service with
the command and the environment written in ``deploy/docker-compose.yml`` (the ``preflight``
secrets check first), with only the addresses compose's network would give changed to this
machine's (``redis`` → the rehearsal's Redis, ``postgres`` → a fresh database per service,
``access`` → the access service's local port, ``0.0.0.0:8000`` → 127.0.0.1 and a free port per
replica, ``/keys`` → a folder). Prometheus, from the machine's packages, scrapes every replica
with the scrape jobs and alert rules of ``deploy/prometheus/`` (DNS discovery replaced by the
replicas' addresses).

``python -m tools.rehearsal drain --replicas 1 --replicas 3 --n 5000`` measures how long
assessment takes to drain a backlog of surveys with each number of replicas (the year-end
peak: see docs/benchmarks.md): the stage alone, support and reporting stopped meanwhile
(``--with-consumers`` runs them at the same time).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import redis
import sqlalchemy as sa
import typer
import yaml

from shared.db import create_db_engine
from shared.embedded_redis import free_port
from tools.bench_pipeline import (
    cpu_seconds,
    postgres_cpu_seconds,
    redis_cpu_seconds,
    synthetic_body,
)
from tools.stack import SERVICES, Stack, free_service_ports

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "deploy" / "docker-compose.yml"
PROMETHEUS_DIR = ROOT / "deploy" / "prometheus"
GOVERNING = "vn-2022-2025"
SECRETS = {
    "POSTGRES_PASSWORD": "rehearsal-postgres-secret",
    "REDIS_PASSWORD": "rehearsal-redis-secret",
    "GRAFANA_ADMIN_PASSWORD": "rehearsal-grafana-secret",
}
"""What the operator writes in deploy/.env (the preflight check must accept them)."""

_VAR = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")


def load_compose(path: Path = COMPOSE_FILE) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


def interpolate(value: str, variables: dict[str, str]) -> str:
    """Compose's variable substitution: ``${X}``, ``${X:-default}``, ``${X:?error}``, ``$$``."""

    def one(m: re.Match[str]) -> str:
        if m.group(0) == "$$":
            return "$"
        name, op, arg = m.group(1), m.group(2), m.group(3)
        value = variables.get(name)
        if op in (":-", "-") and (value is None or (op == ":-" and value == "")):
            return arg or ""
        if op in (":?", "?") and (value is None or (op == ":?" and value == "")):
            raise ValueError(f"{name}: {arg}")
        return value or ""

    return _VAR.sub(one, value)


def service_definition(compose: dict[str, Any], name: str) -> tuple[list[str], dict[str, str]]:
    """A compose service's command and its environment with variables substituted."""
    svc = compose["services"][name]
    env = {
        k: interpolate(str(v), SECRETS | {"PROVINCE_CODE": "15"})
        for k, v in (svc.get("environment") or {}).items()
    }
    return [str(c) for c in svc["command"]], env


def _localise(
    key: str,
    value: str,
    *,
    redis_url: str,
    database_url: str,
    access_url: str,
    port: int,
    keys: Path,
) -> str:
    """One compose environment value with compose's network addresses mapped to this machine."""
    if key.endswith("_HTTP_HOST") and value == "0.0.0.0":  # noqa: S104
        return "127.0.0.1"
    if key.endswith("_HTTP_PORT"):
        return str(port)
    if value == "/keys":
        return str(keys)
    parsed = urllib.parse.urlsplit(value)
    if parsed.hostname == "redis":
        return redis_url
    if parsed.hostname == "postgres":
        return database_url
    if parsed.hostname == "access":
        return access_url + parsed.path
    return value


@dataclass
class Rehearsal(Stack):
    """The compose services as processes (``Stack``'s lifecycle, compose's commands and
    environment)."""

    compose: dict[str, Any] = field(default_factory=load_compose)
    databases: dict[str, str] = field(default_factory=dict)
    """Local database URL per service (fresh PostgreSQL databases, or SQLite files)."""
    replica_ports: dict[str, list[int]] = field(default_factory=dict)
    port_of: dict[int, int] = field(default_factory=dict)
    """Port of each replica process, by process id."""

    def env_for(self, service: str, port: int) -> dict[str, str]:
        _command, compose_env = service_definition(self.compose, service)
        database = self.databases.get(service) or f"sqlite:///{self.data_dir / service}.db"
        env = {k: v for k, v in os.environ.items() if not k.startswith(_PREFIXES)}
        env.pop("AUTH_JWKS_FILE", None)
        env.setdefault("MALLOC_ARENA_MAX", "2")  # as deploy/Dockerfile sets it
        env.update(
            {
                k: _localise(
                    k,
                    v,
                    redis_url=self.redis_url or "",
                    database_url=database,
                    access_url=self.url("access"),
                    port=port,
                    keys=self.data_dir / "keys",
                )
                for k, v in compose_env.items()
            }
        )
        # the first administrator's password, which the operator would read from the log
        env.update(
            {
                "ACCESS_BOOTSTRAP_ADMIN": "admin",
                "ACCESS_BOOTSTRAP_ADMIN_PASSWORD": self.admin_password,
                "ACCESS_BOOTSTRAP_ADMIN_MUST_CHANGE": "false",
            }
        )
        env.update(self.extra_env)
        return env

    def preflight(self) -> subprocess.CompletedProcess[str]:
        """The compose ``preflight`` service: its command with its environment."""
        svc = self.compose["services"]["preflight"]
        env = dict(os.environ)
        env.update({k: interpolate(str(v), SECRETS) for k, v in svc["environment"].items()})
        return subprocess.run(  # noqa: S603
            [sys.executable, "-m", "services.cli", *svc["command"]],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )

    def spawn(self, name: str, port: int) -> subprocess.Popen[bytes]:
        command, _env = service_definition(self.compose, name)
        log = (self.data_dir / f"{name}-{port}.log").open("ab")
        proc = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "services.cli", *command],
            env=self.env_for(name, port),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.setdefault(name, []).append(proc)
        self.replica_ports.setdefault(name, []).append(port)
        self.port_of[proc.pid] = port
        return proc

    def restart(self, name: str, index: int) -> float:
        """Stop one replica as ``docker compose restart``/``up`` does (SIGTERM: it drains and
        acknowledges what it holds), start it again on the same port; returns the seconds it
        took to stop."""
        proc = self.processes[name][index]
        port = self.replica_ports[name][index]
        started = time.monotonic()
        proc.terminate()
        proc.wait(timeout=60)
        stopped = time.monotonic() - started
        self.processes[name].pop(index)
        self.replica_ports[name].pop(index)
        self.spawn(name, port)
        self.wait_healthy(90)
        return stopped

    def wait_healthy(self, timeout_s: float) -> None:
        """Every replica of every service started answers /health as itself."""
        deadline = time.monotonic() + timeout_s
        with httpx.Client(timeout=2.0) as client:
            pending = {(n, p) for n, ports in self.replica_ports.items() for p in ports}
            while pending and time.monotonic() < deadline:
                for name, procs in self.processes.items():
                    for proc in procs:
                        if proc.poll() is not None:
                            self.stop()
                            msg = f"{name} exited with {proc.returncode}; see {self.data_dir}"
                            raise RuntimeError(msg)
                for name, port in list(pending):
                    with contextlib.suppress(httpx.HTTPError, ValueError):
                        answer = client.get(f"http://{self.host}:{port}/health")
                        if answer.status_code == 200 and answer.json()["service"] == name:
                            pending.discard((name, port))
                time.sleep(0.2)
        if pending:
            self.stop()
            raise RuntimeError(f"not healthy in {timeout_s}s: {sorted(pending)}")

    def log_of(self, name: str, proc: subprocess.Popen[bytes]) -> str:
        """What a replica wrote (its port's log file, which a replica restarted on the same
        port goes on appending to)."""
        path = self.data_dir / f"{name}-{self.port_of[proc.pid]}.log"
        return path.read_text(encoding="utf-8", errors="replace")

    def targets(self) -> dict[str, list[str]]:
        """Scrape targets per compose service: every replica's address."""
        return {n: [f"{self.host}:{p}" for p in ports] for n, ports in self.replica_ports.items()}

    def migrations_logged(self, service: str) -> int:
        """How many times the service's replicas changed its schema (their logs say so)."""
        return sum(
            log.read_text(encoding="utf-8", errors="replace").count("schema migrated")
            for log in self.data_dir.glob(f"{service}-*.log")
        )


_PREFIXES = (*(f"{s.upper()}_" for s in SERVICES), "REDIS_URL", "AUTH_")


@contextlib.contextmanager
def fresh_databases(prefix: str = "gn_rehearsal") -> Iterator[dict[str, str]]:
    """A fresh PostgreSQL database per service when ``TEST_POSTGRES_URL`` names a server (the
    compose layout: one server, one database per service); nothing (SQLite files) otherwise."""
    pg = os.environ.get("TEST_POSTGRES_URL")
    if not pg:
        yield {}
        return
    import psycopg

    names = {s: f"{prefix}_{uuid.uuid4().hex[:8]}_{s}" for s in SERVICES}
    base = pg.rsplit("/", 1)[0]
    with psycopg.connect(pg, autocommit=True) as conn:
        for name in names.values():
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {s: f"{base}/{n}" for s, n in names.items()}
    finally:
        with psycopg.connect(pg, autocommit=True) as conn:
            for name in names.values():
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def redis_server_binary() -> str | None:
    """The machine's redis-server when ``REDIS_URL`` says the machine has one (CI), else the
    embedded server. The rehearsal owns its Redis, as compose owns its container."""
    if os.environ.get("REDIS_URL"):
        return shutil.which("redis-server")
    return None


# --- Prometheus -------------------------------------------------------------------------


def prometheus_config(targets: dict[str, list[str]], folder: Path, interval: str = "1s") -> Path:
    """``deploy/prometheus/prometheus.yml`` with each job's DNS discovery replaced by the
    replicas' addresses (the exporter jobs and Alertmanager, absent here, left out) and its
    alert rules beside it."""
    config = yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text(encoding="utf-8"))
    config["global"]["scrape_interval"] = interval
    config["global"]["evaluation_interval"] = interval
    config.pop("alerting", None)
    jobs = []
    for job in config["scrape_configs"]:
        names = [n for sd in job.pop("dns_sd_configs", []) for n in sd["names"]]
        if not names:
            continue
        job["static_configs"] = [{"targets": [t for n in names for t in targets.get(n, [])]}]
        jobs.append(job)
    config["scrape_configs"] = jobs
    folder.mkdir(parents=True, exist_ok=True)
    for rules in config.get("rule_files", []):
        shutil.copy(PROMETHEUS_DIR / rules, folder / rules)
    path = folder / "prometheus.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


@dataclass
class Prometheus:
    binary: str
    config: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 30) -> Prometheus:
        folder = self.config.parent
        log = (folder / "prometheus.log").open("ab")
        self.process = subprocess.Popen(  # noqa: S603
            [
                self.binary,
                f"--config.file={self.config}",
                f"--storage.tsdb.path={folder / 'data'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url + "/-/ready", timeout=2).status_code == 200:
                    return self
            if self.process.poll() is not None:
                raise RuntimeError(f"prometheus exited; see {folder / 'prometheus.log'}")
            time.sleep(0.3)
        raise RuntimeError("prometheus not ready")

    def query(self, expr: str) -> list[dict[str, Any]]:
        answer = httpx.get(self.url + "/api/v1/query", params={"query": expr}, timeout=10)
        answer.raise_for_status()
        body = answer.json()
        assert body["status"] == "success", body
        result: list[dict[str, Any]] = body["data"]["result"]
        return result

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- surveys and drain -------------------------------------------------------------------


def post_surveys(stack: Stack, bodies: Sequence[dict[str, Any]], batch: int = 500) -> int:
    created = 0
    with httpx.Client(base_url=stack.url("intake"), timeout=120, headers=stack.headers()) as c:
        for i in range(0, len(bodies), batch):
            answer = c.post("/surveys/batch", json=list(bodies[i : i + batch]))
            answer.raise_for_status()
            created += int(answer.json()["counts"]["created"])
    return created


def count(url: str, sql: str) -> int:
    engine = create_db_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text(sql)).scalar() or 0)
    except sa.exc.DBAPIError:
        return 0
    finally:
        engine.dispose()


def classified(stack: Stack) -> int:
    return count(
        stack.database_url("assessment"),
        f"SELECT count(*) FROM classification WHERE standard_id = '{GOVERNING}'",
    )


def loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text(encoding="utf-8").strip()
    except OSError:
        return "n/a"


@dataclass(frozen=True)
class Drain:
    replicas: int
    surveys: int
    seconds: float
    """From starting the replicas (their start-up included) to the last classification."""
    working: float
    """From the first classification to the last."""
    load_before: str
    load_after: str
    alone: bool = True
    """Support and reporting were stopped during the drain."""
    cores: dict[str, float] = field(default_factory=dict)
    """CPU seconds per second of the drain, by who used them (assessment's replicas together,
    PostgreSQL's processes, Redis)."""

    def line(self) -> str:
        used = ", ".join(f"{who} {c:.2f}" for who, c in self.cores.items())
        return (
            f"assessment × {self.replicas}"
            f"{' alone' if self.alone else ', support and reporting consuming'}: "
            f"{self.surveys:,} surveys classified in "
            f"{self.seconds:.1f} s from start-up, {self.working:.1f} s from the first "
            f"({self.surveys / self.working:,.0f} surveys/s); "
            f"load average before {' '.join(self.load_before.split()[:3])}, "
            f"after {' '.join(self.load_after.split()[:3])}"
            + (f"; cores used: {used}" if used else "")
        )


def measure_drain(replicas: int, n: int, folder: Path, *, alone: bool = True) -> Drain:
    """Queue ``n`` surveys with assessment stopped, then start ``replicas`` assessment
    replicas together and time until all are classified under the governing standard
    (``alone``: the stage by itself, support and reporting not running)."""
    with fresh_databases() as databases:
        stack = Rehearsal(
            folder,
            ports=free_service_ports(),
            replicas={"assessment": 0, **({"support": 0, "reporting": 0} if alone else {})},
            databases=databases,
            redis_executable=redis_server_binary(),
            extra_env={f"{s.upper()}_LOG_LEVEL": "WARNING" for s in SERVICES},
        )
        try:
            stack.start(timeout_s=120)
            run = f"d{replicas}x{int(time.time())}"
            post_surveys(stack, [synthetic_body(i, run=run) for i in range(n)])
            queue = redis.Redis.from_url(stack.redis_url or "")
            deadline = time.monotonic() + 600
            while int(queue.xlen("household.surveyed")) < n:  # the relay published them all
                assert time.monotonic() < deadline, "intake did not publish the surveys"
                time.sleep(0.2)
            before = loadavg()
            pg_before = postgres_cpu_seconds()
            redis_before = redis_cpu_seconds(queue)
            started = time.monotonic()
            for _ in range(replicas):
                stack.spawn("assessment", free_port(avoid=set(stack.ports.values())))
            first: float | None = None
            while (done := classified(stack)) < n:
                assert time.monotonic() < started + 1200, "assessment did not drain"
                if first is None and done > 0:
                    first = time.monotonic()
                time.sleep(0.1)
            ended = time.monotonic()
            working = ended - (first or started)
            wall = ended - started
            cores = {
                "assessment": sum(cpu_seconds(p.pid) or 0.0 for p in stack.processes["assessment"])
                / wall,
                "PostgreSQL": (postgres_cpu_seconds() - pg_before) / wall,
                "Redis": (redis_cpu_seconds(queue) - redis_before) / wall,
            }
            queue.close()
            return Drain(replicas, n, wall, working, before, loadavg(), alone, cores)
        finally:
            stack.stop()


cli = typer.Typer(add_completion=False, help=__doc__)


@cli.command()
def drain(
    replicas: list[int] = typer.Option([1, 3], help="Assessment replicas (repeatable)."),
    n: int = typer.Option(5000, help="Surveys queued before assessment starts."),
    with_consumers: bool = typer.Option(
        False, help="Run support and reporting during the drain (default: the stage alone)."
    ),
) -> None:
    """Time how long assessment takes to drain ``n`` queued surveys with each replica count."""
    for k in replicas:
        with tempfile.TemporaryDirectory(prefix="giamngheo-drain-") as tmp:
            print(measure_drain(k, n, Path(tmp), alone=not with_consumers).line(), flush=True)


@cli.command()
def sizes(n: int = typer.Option(5000, help="Households surveyed once each.")) -> None:
    """Database and Redis bytes per household after ``n`` surveys went through every service
    (for sizing; PostgreSQL when ``TEST_POSTGRES_URL`` is set)."""
    with tempfile.TemporaryDirectory(prefix="giamngheo-sizes-") as tmp, fresh_databases() as dbs:
        stack = Rehearsal(
            Path(tmp),
            ports=free_service_ports(),
            databases=dbs,
            redis_executable=redis_server_binary(),
            extra_env={f"{s.upper()}_LOG_LEVEL": "WARNING" for s in SERVICES},
        )
        stack.start(timeout_s=120)
        try:
            post_surveys(stack, [synthetic_body(i, run="z") for i in range(n)])
            deadline = time.monotonic() + 900
            while (
                count(stack.database_url("reporting"), _REPORTED) < 2 * n  # two standards
                or count(stack.database_url("support"), "SELECT count(*) FROM known_household") < n
            ):
                assert time.monotonic() < deadline, "reporting did not catch up"
                time.sleep(0.5)
            for name in SERVICES:
                url = stack.database_url(name)
                if url.startswith("postgresql"):
                    size = count(url, "SELECT pg_database_size(current_database())")
                else:
                    size = Path(url.removeprefix("sqlite:///")).stat().st_size
                print(f"{name}: {size / 1e6:,.1f} MB, {size / n:,.0f} B per household")
            client = redis.Redis.from_url(stack.redis_url or "")
            used = int(client.info("memory")["used_memory"])
            client.close()
            print(f"redis: {used / 1e6:,.1f} MB used, {used / n:,.0f} B per household")
        finally:
            stack.stop()


_REPORTED = "SELECT count(*) FROM processed_event"


@cli.command()
def check() -> None:
    """Print each compose service's command and its environment as the rehearsal runs it."""
    compose = load_compose()
    for name in SERVICES:
        command, env = service_definition(compose, name)
        print(name, command, sorted(env))


if __name__ == "__main__":
    cli()
