"""The restore drill: back up a running platform with ``deploy/backup/backup.sh`` (what the
compose ``backup`` service runs), restore it with ``deploy/backup/restore.sh`` into fresh
databases and an empty Redis, start the platform on them: the reports are identical.

PostgreSQL when ``TEST_POSTGRES_URL`` is set (pg_dump / pg_restore); SQLite files otherwise
(SQLite's online backup), through the same two scripts."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.chaos.harness import FAST, body, databases, post, steady
from tools.stack import ADMIN_PASSWORD_FILE, SERVICES, Stack, free_service_ports

BACKUP_DIR = Path(__file__).resolve().parents[2] / "deploy" / "backup"
STANDARD = "vn-2022-2025"


def _stack(folder: Path, env: dict[str, str]) -> Stack:
    from tests.chaos.harness import redis_executable

    return Stack(
        folder,
        ports=free_service_ports(),
        extra_env=FAST | env,
        redis_executable=redis_executable(),
        admin_must_change=False,
    )


def _reports(stack: Stack) -> dict[str, Any]:
    asked = {"standard": STANDARD, "stage": "proposed"}
    with httpx.Client(base_url=stack.url("reporting"), headers=stack.headers(), timeout=30) as c:
        found = {
            path: c.get(path, params=asked).json()
            for path in ("/reports/summary", "/reports/households", "/reports/changes")
        }
        found["/reports/events"] = c.get("/reports/events").json()
    return found


def _run(script: str, *args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        ["sh", str(BACKUP_DIR / script), *args],
        env=dict(os.environ) | env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_a_backup_restored_into_fresh_databases_gives_identical_reports(tmp_path: Path) -> None:
    if os.environ.get("TEST_POSTGRES_URL") and not shutil.which("pg_dump"):
        pytest.skip("SKIPPED LOUDLY: TEST_POSTGRES_URL is set but pg_dump is not installed")
    backups = tmp_path / "backups"
    with databases() as env:
        stack = _stack(tmp_path / "before", env)
        stack.start(timeout_s=90)
        try:
            post(stack, [body(n, poor=n % 3 == 0) for n in range(1, 121)])
            steady(stack)
            before = _reports(stack)
            assert before["/reports/households"]["total_households"] == 120
            assert stack.redis is not None
            out = _run(
                "backup.sh",
                env={
                    "BACKUP_DATABASES": " ".join(stack.database_url(s) for s in SERVICES),
                    "BACKUP_DIR": str(backups),
                    "BACKUP_REDIS_DIR": str(stack.redis.data_dir),
                    "BACKUP_KEYS_DIR": str(stack.data_dir / "keys"),
                },
            )
            password = stack.admin_password
        finally:
            stack.stop()
    taken = [p for p in backups.iterdir() if not p.name.startswith(".")]
    assert len(taken) == 1, out
    assert {p.name for p in taken[0].iterdir()} >= {"redis", "keys", "SHA256SUMS"}

    with databases() as env:
        after_dir = tmp_path / "after"
        after_dir.mkdir()
        restored = _stack(after_dir, env)
        targets = [restored.database_url(s) for s in SERVICES]
        _run(
            "restore.sh",
            str(taken[0]),
            env={
                "RESTORE_DATABASES": " ".join(targets),
                "RESTORE_REDIS_DIR": str(after_dir / "redis"),
                "RESTORE_KEYS_DIR": str(after_dir / "keys"),
            },
        )
        (after_dir / ADMIN_PASSWORD_FILE).write_text(password)
        # restoring over data is refused
        refused = subprocess.run(
            ["sh", str(BACKUP_DIR / "restore.sh"), str(taken[0])],
            env=dict(os.environ, RESTORE_DATABASES=targets[0]),
            capture_output=True,
            text=True,
            check=False,
        )
        assert refused.returncode == 3, refused.stdout + refused.stderr
        restored.start(timeout_s=90)
        try:
            after = _reports(restored)
            # the restored platform goes on: its streams and groups came back with Redis
            post(restored, [body(n) for n in range(121, 131)])
            assert steady(restored).households == 130
        finally:
            restored.stop()
    assert after == before


def test_backups_older_than_the_retention_are_deleted(tmp_path: Path) -> None:
    db = tmp_path / "intake.db"
    import sqlite3

    sqlite3.connect(db).execute("CREATE TABLE t (x)").connection.commit()
    old = tmp_path / "backups" / "20200101T000000Z"
    old.mkdir(parents=True)
    os.utime(old, (0, 0))
    _run(
        "backup.sh",
        env={
            "BACKUP_DATABASES": f"sqlite:///{db}",
            "BACKUP_DIR": str(tmp_path / "backups"),
            "BACKUP_KEEP_DAYS": "14",
        },
    )
    kept = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert len(kept) == 1
    assert kept[0] != old.name
    assert (tmp_path / "backups" / kept[0] / "intake.sqlite").exists()


def test_the_local_backup_and_restore_commands_round_trip_a_data_folder(tmp_path: Path) -> None:
    import sqlite3

    root = BACKUP_DIR.parents[1]
    data = tmp_path / "var"
    (data / "redis" / "appendonlydir").mkdir(parents=True)
    (data / "redis" / "appendonlydir" / "appendonly.aof.1.incr.aof").write_bytes(b"*1\r\n")
    (data / "keys").mkdir()
    (data / "keys" / "signing.pem").write_text("key")
    for n, s in enumerate(SERVICES):
        with sqlite3.connect(data / f"{s}.db") as conn:
            conn.execute("CREATE TABLE t (x)")
            conn.execute("INSERT INTO t VALUES (?)", (n,))
    done = subprocess.run(
        [str(root / "scripts" / "backup"), str(data)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    (taken,) = [p for p in (data / "backups").iterdir()]
    new = tmp_path / "restored"
    done = subprocess.run(
        [str(root / "scripts" / "restore"), str(taken), str(new)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for n, s in enumerate(SERVICES):
        with sqlite3.connect(new / f"{s}.db") as conn:
            assert conn.execute("SELECT x FROM t").fetchall() == [(n,)]
    assert (new / "keys" / "signing.pem").read_text() == "key"
    assert (new / "redis" / "appendonlydir" / "appendonly.aof.1.incr.aof").exists()
    again = subprocess.run(
        [str(root / "scripts" / "restore"), str(taken), str(new)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode == 3
