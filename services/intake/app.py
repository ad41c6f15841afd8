"""Builds the intake service from its settings."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI

from services.intake import api, files_api, registry_api
from services.intake.adapters.areas_repo import load_registry
from services.intake.adapters.tables import metadata, plumbing
from services.intake.adapters.vault import Vault
from services.intake.domain.areas import AreaRegistry
from services.intake.metrics import IntakeMetrics
from services.intake.settings import IntakeSettings
from shared.contracts.registry import DuplicatePersonFlagged, HouseholdChanged
from shared.contracts.surveys import HouseholdSurveyed
from shared.runtime import Runtime, build_runtime, http_app

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def open_vault(settings: IntakeSettings) -> Vault:
    """The keys sealing citizen ids at rest (see ``adapters.vault``)."""
    key = settings.personal_data_key
    return Vault.from_settings(
        key.get_secret_value() if key else None, settings.personal_data_key_file
    )


def create_runtime(
    settings: IntakeSettings,
) -> tuple[Runtime, AreaRegistry, IntakeMetrics, Vault]:
    rt = build_runtime(settings, metadata, plumbing, MIGRATIONS)
    rt.document_audit()
    rt.document_publisher(HouseholdSurveyed, "A household survey was accepted and stored.")
    rt.document_publisher(
        HouseholdChanged, "A household moved, split, merged into another or was dissolved."
    )
    rt.document_publisher(
        DuplicatePersonFlagged, "One person found in (or resolved from) two households."
    )
    registry = load_registry(
        settings.areas_file, settings.area_changes_file, on=datetime.now(UTC).date()
    )
    return rt, registry, IntakeMetrics(rt.registry), open_vault(settings)


def create_app(settings: IntakeSettings | None = None) -> FastAPI:
    settings = settings or IntakeSettings()
    rt, registry, metrics, vault = create_runtime(settings)
    return http_app(
        rt,
        title="Giảm nghèo — intake",
        routers=[
            api.router(rt, registry, metrics, vault),
            registry_api.router(rt, registry, vault),
            files_api.router(rt, registry, metrics, vault, settings.max_upload_mb),
        ],
    )
