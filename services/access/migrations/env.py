"""Alembic environment of the access service."""

from services.access.adapters.tables import metadata
from shared.migrations import run_env

run_env(metadata)
