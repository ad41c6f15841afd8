"""Fixtures shared by the integration tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from services.reporting.adapters.areas_file import load_area_file
from services.reporting.adapters.repository import ReportingUnitOfWork
from services.reporting.app import MIGRATIONS as REPORTING_MIGRATIONS
from services.reporting.service import apply_area_registry
from shared.db import create_db_engine
from shared.migrations import upgrade


@pytest.fixture
def reporting_engine(database_url: str) -> Iterator[Engine]:
    """Reporting's database at its newest schema, with the province's area registry."""
    e = create_db_engine(database_url)
    upgrade(e, REPORTING_MIGRATIONS)
    apply_area_registry(ReportingUnitOfWork(e), load_area_file())
    yield e
    e.dispose()
