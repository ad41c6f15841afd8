"""Runs the whole platform locally: Redis (embedded unless a URL is given) and the four services
as separate OS processes, each with its own SQLite database under one data folder.

Used by ``giamngheo up``, the benchmark and the end-to-end tests.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from shared.embedded_redis import EmbeddedRedis, free_port, free_ports

SERVICES = ("access", "intake", "assessment", "support", "reporting")
DEFAULT_PORTS = {
    "intake": 8001,
    "assessment": 8002,
    "support": 8003,
    "reporting": 8004,
    "access": 8005,
}
WEB_PORT = 8006
GATEWAY_PORT = 8000
ADMIN = "admin"
ADMIN_PASSWORD_FILE = "first-admin-password"  # noqa: S105 (a file name)

STATE_FILE = "stack.json"
"""Written in the data folder while a stack runs: where its Redis, databases and services are,
so that ``giamngheo import`` and ``whatif`` work on the running stack's data."""


@dataclass(frozen=True)
class StackState:
    """What a running local stack publishes about itself."""

    pid: int
    data_dir: Path
    redis_url: str
    database_urls: dict[str, str]
    urls: dict[str, str]


def read_state(data_dir: Path) -> StackState | None:
    """The state of the stack running with ``data_dir``, or None if none runs there (no state
    file, or the process that wrote it is gone)."""
    path = data_dir / STATE_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        state = StackState(
            pid=int(raw["pid"]),
            data_dir=Path(raw["data_dir"]),
            redis_url=str(raw["redis_url"]),
            database_urls={str(k): str(v) for k, v in raw["database_urls"].items()},
            urls={str(k): str(v) for k, v in raw["urls"].items()},
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return state if _alive(state.pid) else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def free_service_ports() -> dict[str, int]:
    """A distinct free port for each service (for test and benchmark stacks)."""
    return dict(zip(SERVICES, free_ports(len(SERVICES)), strict=True))


@dataclass
class Stack:
    data_dir: Path
    redis_url: str | None = None
    ports: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_PORTS))
    host: str = "127.0.0.1"
    extra_env: dict[str, str] = field(default_factory=dict)
    admin_must_change: bool = True  # test and benchmark stacks sign in without changing it
    _tokens: dict[str, tuple[str, float]] = field(default_factory=dict, repr=False)
    replicas: dict[str, int] = field(default_factory=dict)
    redis_executable: str | None = None
    """redis-server binary for the stack's own Redis (default: the embedded 6.2)."""
    redis: EmbeddedRedis | None = None
    web: bool = False
    """Also run the web app and the gateway (``giamngheo up``, the browser tests)."""
    web_port: int = WEB_PORT
    gateway_port: int = GATEWAY_PORT
    gateway: subprocess.Popen[bytes] | None = None
    processes: dict[str, list[subprocess.Popen[bytes]]] = field(default_factory=dict)

    def url(self, service: str) -> str:
        return f"http://{self.host}:{self.ports[service]}"

    @property
    def admin_password(self) -> str:
        """The first administrator's password: generated once per data folder (kept, mode
        0600, until the administrator changes it at the first sign-in)."""
        path = self.data_dir / ADMIN_PASSWORD_FILE
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(12))
        return path.read_text().strip()

    def env_for(self, service: str, port: int) -> dict[str, str]:
        prefix = service.upper()
        env = dict(os.environ)
        env.pop("AUTH_JWKS_FILE", None)  # services trust the stack's own access service
        env.update(
            {
                "REDIS_URL": self.redis_url or "",
                "AUTH_JWKS_URL": f"{self.url('access')}/.well-known/jwks.json",
                "ACCESS_KEYS_DIR": str(self.data_dir / "keys"),
                "INTAKE_PERSONAL_DATA_KEY_FILE": str(self.data_dir / "keys" / "personal-data.key"),
                "ACCESS_BOOTSTRAP_ADMIN": ADMIN,
                "ACCESS_BOOTSTRAP_ADMIN_PASSWORD": self.admin_password,
                "ACCESS_BOOTSTRAP_ADMIN_MUST_CHANGE": str(self.admin_must_change).lower(),
                f"{prefix}_DATABASE_URL": env.get(
                    f"{prefix}_DATABASE_URL", f"sqlite:///{self.data_dir / (service + '.db')}"
                ),
                f"{prefix}_HTTP_HOST": self.host,
                f"{prefix}_HTTP_PORT": str(port),
            }
        )
        env.setdefault("MALLOC_ARENA_MAX", "2")  # as deploy/Dockerfile sets it
        env.update(self.extra_env)
        return env

    def start(self, timeout_s: float = 60.0) -> Stack:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        taken = set(self.ports.values())
        if not self.redis_url:
            redis_port = free_port(avoid=taken)
            taken.add(redis_port)
            self.redis = EmbeddedRedis(
                self.data_dir / "redis", port=redis_port, executable=self.redis_executable
            ).start()
            self.redis_url = self.redis.url
        for name in SERVICES:
            for replica in range(self.replicas.get(name, 1)):
                port = self.ports[name] if replica == 0 else free_port(avoid=taken)
                taken.add(port)
                self.spawn(name, port)
        self.wait_healthy(timeout_s)
        if self.web:
            self.start_web(timeout_s)
        self.write_state()
        return self

    @property
    def web_url(self) -> str:
        """The one address officers use: the gateway's, or the web app's without nginx."""
        if self.gateway is not None:
            tls = os.environ.get("GATEWAY_TLS_CERT") and os.environ.get("GATEWAY_TLS_KEY")
            return f"{'https' if tls else 'http'}://{self.host}:{self.gateway_port}"
        return f"http://{self.host}:{self.web_port}"

    def start_web(self, timeout_s: float) -> None:
        """The web app as its own process, then nginx in front of it and the services."""
        from tools.gateway import start_nginx

        env = dict(os.environ)
        env.update({f"WEB_{n.upper()}_URL": self.url(n) for n in SERVICES})
        env.update({"WEB_HTTP_HOST": self.host, "WEB_HTTP_PORT": str(self.web_port)})
        if os.environ.get("GATEWAY_TLS_CERT") and os.environ.get("GATEWAY_TLS_KEY"):
            env["WEB_SECURE_COOKIES"] = "true"
        log = (self.data_dir / f"web-{self.web_port}.log").open("ab")
        proc = subprocess.Popen(
            [sys.executable, "-m", "services.cli", "web"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.setdefault("web", []).append(proc)
        upstreams = {n: self.url(n) for n in SERVICES}
        upstreams["web"] = f"http://{self.host}:{self.web_port}"
        self.gateway = start_nginx(
            self.data_dir / "gateway", self.gateway_port, upstreams, host=self.host
        )
        if self.gateway is not None:
            time.sleep(0.3)
            if self.gateway.poll() is not None:  # e.g. its port is taken
                print(
                    f"!!! GATEWAY EXITED ({self.gateway.returncode}): see "
                    f"{self.data_dir / 'gateway' / 'error.log'}; the pages answer on "
                    f"http://{self.host}:{self.web_port}/ instead.",
                    file=sys.stderr,
                )
                self.gateway = None
            else:
                self.processes.setdefault("gateway", []).append(self.gateway)
        deadline = time.monotonic() + timeout_s
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                if proc.poll() is not None:
                    msg = f"web app exited with {proc.returncode}; see {self.data_dir}"
                    raise RuntimeError(msg)
                with contextlib.suppress(httpx.HTTPError):
                    direct = f"http://{self.host}:{self.web_port}/health"
                    if client.get(direct).status_code == 200:
                        return
                time.sleep(0.2)
        msg = f"web app not answering on port {self.web_port} within {timeout_s}s"
        raise RuntimeError(msg)

    def database_url(self, service: str) -> str:
        return self.env_for(service, self.ports[service])[f"{service.upper()}_DATABASE_URL"]

    def write_state(self) -> Path:
        """Publish where this stack's Redis, databases and services are (see ``read_state``)."""
        path = self.data_dir / STATE_FILE
        state = {
            "pid": os.getpid(),
            "data_dir": str(self.data_dir),
            "redis_url": self.redis_url,
            "database_urls": {name: self.database_url(name) for name in SERVICES},
            "urls": {name: self.url(name) for name in SERVICES},
        }
        path.write_text(json.dumps(state, indent=2), encoding="utf-8")
        return path

    def spawn(self, name: str, port: int) -> subprocess.Popen[bytes]:
        log = (self.data_dir / f"{name}-{port}.log").open("ab")
        proc = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "services.cli", "serve", name],
            env=self.env_for(name, port),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.setdefault(name, []).append(proc)
        return proc

    def wait_healthy(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        pending = set(SERVICES)
        with httpx.Client(timeout=2.0) as client:
            while pending and time.monotonic() < deadline:
                for name in list(pending):
                    for proc in self.processes[name]:
                        if proc.poll() is not None:
                            self.stop()
                            msg = f"{name} exited with {proc.returncode}; see {self.data_dir}"
                            raise RuntimeError(msg)
                    with contextlib.suppress(httpx.HTTPError, ValueError):
                        answer = client.get(self.url(name) + "/health")
                        # another program on the port is not this service being up
                        if answer.status_code == 200 and answer.json()["service"] == name:
                            pending.discard(name)
                time.sleep(0.2)
        if pending:
            self.stop()
            msg = f"services not healthy in {timeout_s}s: {sorted(pending)}"
            raise RuntimeError(msg)

    def token(self, username: str = ADMIN, password: str | None = None) -> str:
        """An access token signed in through the access service (default: the first
        administrator, whose bootstrap password the stack set); reused for five minutes."""
        cached = self._tokens.get(username)
        if cached is not None and cached[1] > time.monotonic():
            return cached[0]
        answer = httpx.post(
            self.url("access") + "/token",
            data={
                "grant_type": "password",
                "username": username,
                "password": password or self.admin_password,
            },
            timeout=30.0,
        )
        answer.raise_for_status()
        token = str(answer.json()["access_token"])
        self._tokens[username] = (token, time.monotonic() + 300)
        return token

    def headers(self) -> dict[str, str]:
        """``Authorization`` for requests as the first administrator."""
        return {"Authorization": f"Bearer {self.token()}"}

    def kill(self, name: str, index: int = 0) -> None:
        """Kill one replica abruptly (SIGKILL), as a crash would."""
        proc = self.processes[name].pop(index)
        proc.kill()
        proc.wait()

    def stop(self) -> None:
        (self.data_dir / STATE_FILE).unlink(missing_ok=True)
        for procs in self.processes.values():
            for proc in procs:
                if proc.poll() is None:
                    proc.terminate()
        for procs in self.processes.values():
            for proc in procs:
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        self.processes.clear()
        if self.redis:
            self.redis.stop()
            self.redis = None

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def work_folder(data_dir: Path | None, prefix: str) -> Iterator[Path]:
    """``data_dir`` when given (kept), else a temporary folder removed afterwards: a run's
    databases and Redis files take gigabytes at a million surveys."""
    if data_dir is not None:
        yield data_dir
        return
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
