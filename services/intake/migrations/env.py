"""Alembic environment of the intake service."""

from services.intake.adapters.tables import metadata
from shared.migrations import run_env

run_env(metadata)
