"""One configuration for the local stack and the CLI: `giamngheo import` and `whatif` work on
the running stack's data, or say clearly that they cannot; they never write elsewhere."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import redis
from typer.testing import CliRunner

from services.cli import app as cli
from shared.contracts import HOUSEHOLD_SURVEYED_STREAM
from tests.integration.test_bulk_import import _write as write_sample_file
from tools.stack import STATE_FILE, Stack, read_state

UNSET = {"INTAKE_DATABASE_URL": None, "ASSESSMENT_DATABASE_URL": None}


def _fake_running_stack(folder: Path, redis_url: str, pid: int) -> Path:
    """The state file a running `giamngheo up` leaves in its data folder."""
    folder.mkdir(parents=True, exist_ok=True)
    urls = {s: f"sqlite:///{folder / (s + '.db')}" for s in ("intake", "assessment")}
    state = {
        "pid": pid,
        "data_dir": str(folder),
        "redis_url": redis_url,
        "database_urls": urls | {"support": "", "reporting": ""},
        "urls": {},
    }
    (folder / STATE_FILE).write_text(json.dumps(state), encoding="utf-8")
    return folder


def test_import_writes_to_the_running_stacks_database_and_redis(
    tmp_path: Path, redis_url: str
) -> None:
    stack = _fake_running_stack(tmp_path / "var", redis_url, os.getpid())
    path = write_sample_file(tmp_path, "csv")
    result = CliRunner().invoke(
        cli, ["import", str(path), "--stack-dir", str(stack)], env=UNSET | {"REDIS_URL": None}
    )
    assert result.exit_code == 1, result.output  # two rows are rejected
    assert "3 stored" in result.output
    assert (stack / "intake.db").exists()
    client = redis.Redis.from_url(redis_url)
    assert client.xlen(HOUSEHOLD_SURVEYED_STREAM) == 3
    client.close()


def test_import_refuses_clearly_when_no_stack_runs_and_nothing_is_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./var here, and no ./data is to be created
    dead = _fake_running_stack(tmp_path / "old", "redis://127.0.0.1:1/0", pid=2**22 + 12345)
    path = write_sample_file(tmp_path, "csv")
    for stack_dir in ("var", str(dead)):
        result = CliRunner().invoke(cli, ["import", str(path), "--stack-dir", stack_dir], env=UNSET)
        assert result.exit_code == 2, result.output
        assert "No running local stack" in result.output
        assert "Không tìm thấy nền tảng đang chạy" in result.output
    assert not (tmp_path / "data").exists()
    assert not (tmp_path / "old" / "intake.db").exists()


def test_whatif_says_the_database_holds_no_data_instead_of_crashing(
    tmp_path: Path, redis_url: str
) -> None:
    stack = _fake_running_stack(tmp_path / "var", redis_url, os.getpid())
    result = CliRunner().invoke(cli, ["whatif", "--stack-dir", str(stack)], env=UNSET)
    assert result.exit_code == 2, result.output
    assert "holds no data yet" in result.output


def test_a_stack_publishes_its_state_while_running_and_withdraws_it_when_stopped(
    tmp_path: Path,
) -> None:
    stack = Stack(tmp_path, redis_url="redis://127.0.0.1:6399/0")
    path = stack.write_state()
    state = read_state(tmp_path)
    assert state is not None
    assert state.redis_url == "redis://127.0.0.1:6399/0"
    assert state.database_urls["intake"] == f"sqlite:///{tmp_path / 'intake.db'}"
    stack.stop()
    assert not path.exists()
    assert read_state(tmp_path) is None
