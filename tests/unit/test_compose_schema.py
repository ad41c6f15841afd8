"""The compose file checked by real implementations: the Compose Specification's JSON schema
(the one Docker Compose v2.40.3 validates against, vendored in ``deploy/compose-spec/``) with
the ``jsonschema`` library, and ``docker compose config`` when a Compose CLI is installed."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "deploy" / "docker-compose.yml"
SCHEMA = json.loads((ROOT / "deploy" / "compose-spec" / "compose-spec.json").read_text("utf-8"))


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    return loaded


def _errors(document: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft7Validator(
        SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(document)
    ]


def test_the_vendored_schema_is_the_compose_specification() -> None:
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    assert SCHEMA["title"] == "Compose Specification"
    assert "service" in SCHEMA["definitions"]


def test_the_compose_file_follows_the_compose_specification() -> None:
    assert _errors(_compose()) == []


@pytest.mark.parametrize(
    ("where", "change"),
    [
        ("a misspelt service key", lambda c: c["services"]["intake"].update(comand=["x"])),
        ("a healthcheck option misplaced", lambda c: c["services"]["redis"].update(interval="1s")),
        (
            "an unknown depends_on condition",
            lambda c: c["services"]["intake"].update(
                depends_on={"redis": {"condition": "service_ready"}}
            ),
        ),
        ("a misspelt volume option", lambda c: c["volumes"].update(keys={"drivr": "local"})),
    ],
)
def test_the_schema_check_refuses_a_broken_compose_file(where: str, change: Any) -> None:
    broken = copy.deepcopy(_compose())
    change(broken)
    assert _errors(broken), f"{where} was not refused"


def _compose_cli() -> list[str] | None:
    docker = shutil.which("docker")
    if docker:
        probe = subprocess.run(
            [docker, "compose", "version"], capture_output=True, check=False, timeout=30
        )
        if probe.returncode == 0:
            return [docker, "compose"]
    standalone = shutil.which("docker-compose")
    if standalone:
        probe = subprocess.run(
            [standalone, "version", "--short"], capture_output=True, check=False, timeout=30
        )
        if probe.returncode == 0 and probe.stdout.strip().startswith((b"2", b"v2")):
            return [standalone]
    return None


def test_docker_compose_config_accepts_the_file_when_a_compose_cli_is_installed() -> None:
    cli = _compose_cli()
    if cli is None:
        pytest.skip("no Docker Compose v2 CLI on this machine: the schema check above stands in")
    env = dict(
        os.environ,
        POSTGRES_PASSWORD="a-long-test-secret-1",
        REDIS_PASSWORD="another-long-secret-2",
        GRAFANA_ADMIN_PASSWORD="a-third-secret-3",
    )
    done = subprocess.run(
        [*cli, "-f", str(COMPOSE_FILE), "config", "-q"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
