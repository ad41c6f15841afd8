"""The compose file, checked without a Docker engine: it must match the code it runs."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from services.cli import ServiceName, settings_class

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "deploy" / "docker-compose.yml").read_text(encoding="utf-8"))
PROMETHEUS = yaml.safe_load(
    (ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text(encoding="utf-8")
)
APP_SERVICES = {s.value for s in ServiceName}


def test_every_platform_service_is_in_compose_with_a_real_entry_point() -> None:
    services = COMPOSE["services"]
    assert set(services) >= APP_SERVICES
    for name in APP_SERVICES:
        command = services[name]["command"]
        assert command[0] == "serve", f"{name} does not run `giamngheo serve`"
        assert ServiceName(command[1]).value == name


def test_every_environment_variable_in_compose_is_read_by_the_service_settings() -> None:
    for name in APP_SERVICES:
        env = set(COMPOSE["services"][name]["environment"])
        known = settings_class(name).env_names()
        assert env <= known, f"{name}: {sorted(env - known)} are not read by its settings"


def test_every_service_uses_the_compose_redis_and_its_own_postgres_database() -> None:
    for name in APP_SERVICES:
        env = COMPOSE["services"][name]["environment"]
        assert env["REDIS_URL"].startswith("redis://:${REDIS_PASSWORD")
        assert env["REDIS_URL"].endswith("@redis:6379/0")
        assert env[f"{name.upper()}_DATABASE_URL"].endswith(f"@postgres:5432/{name}")


def test_services_meant_to_scale_publish_no_fixed_host_port() -> None:
    for name in APP_SERVICES - {"intake"}:
        assert "ports" not in COMPOSE["services"][name], f"{name} cannot scale with a host port"


def test_redis_persists_with_append_only_file() -> None:
    assert "--appendonly" in COMPOSE["services"]["redis"]["command"]
    assert "yes" in COMPOSE["services"]["redis"]["command"]


def test_every_prometheus_target_is_a_platform_service_and_every_service_is_scraped() -> None:
    targets = {
        name
        for job in PROMETHEUS["scrape_configs"]
        for sd in job.get("dns_sd_configs", [])
        for name in sd["names"]
    }
    assert targets == APP_SERVICES


def test_every_service_has_a_healthcheck() -> None:
    for name in APP_SERVICES | {"redis", "postgres"}:
        svc = COMPOSE["services"][name]
        assert "healthcheck" in svc or "<<" in svc or "healthcheck" in COMPOSE["x-service"]


def test_redis_requires_the_password_every_service_connects_with() -> None:
    command = COMPOSE["services"]["redis"]["command"]
    assert command[command.index("--requirepass") + 1].startswith("${REDIS_PASSWORD:?")


def test_every_service_waits_for_the_secrets_check_and_trusts_the_access_keys() -> None:
    preflight = COMPOSE["services"]["preflight"]
    assert preflight["command"] == ["check-secrets"]
    assert preflight["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    for name in APP_SERVICES:
        svc = {**COMPOSE["x-service"], **COMPOSE["services"][name]}
        assert svc["depends_on"]["preflight"]["condition"] == "service_completed_successfully"
        assert svc["environment"]["AUTH_JWKS_URL"] == "http://access:8000/.well-known/jwks.json"


@pytest.mark.parametrize(
    ("postgres", "redis", "refused"),
    [
        ("", "a-real-long-secret", True),
        ("change-me", "a-real-long-secret", True),
        ("short", "a-real-long-secret", True),
        ("a-real-long-secret", "change-me", True),
        ("a-real-long-secret", "another-long-secret", False),
    ],
)
def test_secrets_check_refuses_missing_example_or_short_passwords(
    postgres: str, redis: str, refused: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from services.cli import app

    monkeypatch.setenv("POSTGRES_PASSWORD", postgres)
    monkeypatch.setenv("REDIS_PASSWORD", redis)
    result = CliRunner().invoke(app, ["check-secrets"])
    assert (result.exit_code == 2) is refused, result.output


def test_a_service_refuses_to_start_with_an_example_database_password() -> None:
    from pydantic import ValidationError

    settings = settings_class("intake")
    with pytest.raises(ValidationError, match="example password"):
        settings(database_url="postgresql://giamngheo:change-me@postgres:5432/intake")


def test_every_service_caps_its_streams_with_a_documented_retention() -> None:
    for name in APP_SERVICES:
        env = COMPOSE["services"][name]["environment"]
        assert int(env[f"{name.upper()}_STREAM_MAXLEN"]) >= 100_000, name
    text = (ROOT / "deploy" / "docker-compose.yml").read_text(encoding="utf-8")
    assert "Stream retention" in text


def test_services_get_time_to_drain_when_stopped() -> None:
    from shared.runtime import GRACEFUL_S

    grace = COMPOSE["x-service"]["stop_grace_period"]
    assert grace.endswith("s")
    assert int(grace[:-1]) >= GRACEFUL_S + 15


def test_backups_and_monitoring_are_in_compose() -> None:
    services = COMPOSE["services"]
    backup = services["backup"]
    assert backup["entrypoint"] == ["sh", "/backup/backup.sh"]
    assert backup["command"] == ["--every"]
    urls = backup["environment"]["BACKUP_DATABASES"].split()
    assert sorted(u.rsplit("/", 1)[1] for u in urls) == sorted(APP_SERVICES)
    assert "redis-data:/redis-data:ro" in backup["volumes"]
    assert {"grafana", "alertmanager", "postgres-exporter", "redis-exporter"} <= set(services)
    assert all(":" not in p or p.startswith("127.0.0.1:") for p in services["grafana"]["ports"])


def test_secrets_check_refuses_the_example_grafana_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from typer.testing import CliRunner

    from services.cli import app

    monkeypatch.setenv("POSTGRES_PASSWORD", "a-real-long-secret")
    monkeypatch.setenv("REDIS_PASSWORD", "another-long-secret")
    monkeypatch.setenv("GRAFANA_ADMIN_PASSWORD", "change-me")
    assert CliRunner().invoke(app, ["check-secrets"]).exit_code == 2
    monkeypatch.setenv("GRAFANA_ADMIN_PASSWORD", "a-third-long-secret")
    assert CliRunner().invoke(app, ["check-secrets"]).exit_code == 0
