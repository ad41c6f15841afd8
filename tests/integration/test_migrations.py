"""Each service's Alembic migrations build exactly the schema its models describe."""

from __future__ import annotations

import importlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from shared.db import create_db_engine
from shared.migrations import upgrade

SERVICES = ("intake", "assessment", "support", "reporting", "access")


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_match_the_models_when_upgraded_to_head(service: str, database_url: str) -> None:
    app = importlib.import_module(f"services.{service}.app")
    tables = importlib.import_module(f"services.{service}.adapters.tables")
    engine = create_db_engine(database_url)
    upgrade(engine, app.MIGRATIONS)
    upgrade(engine, app.MIGRATIONS)  # a second start changes nothing
    with engine.connect() as conn:
        drift = compare_metadata(MigrationContext.configure(conn), tables.metadata)
    engine.dispose()
    assert drift == [], f"{service}: models and migrations differ; add a revision"
