"""Alembic environment of the support service."""

from services.support.adapters.tables import metadata
from shared.migrations import run_env

run_env(metadata)
