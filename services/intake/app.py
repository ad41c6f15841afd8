"""Builds the intake service from its settings."""

from __future__ import annotations

from fastapi import FastAPI

from services.intake import api
from services.intake.adapters.areas_repo import load_registry
from services.intake.adapters.tables import metadata, plumbing
from services.intake.metrics import IntakeMetrics
from services.intake.settings import IntakeSettings
from shared.contracts.surveys import HouseholdSurveyed
from shared.runtime import build_runtime, http_app


def create_app(settings: IntakeSettings | None = None) -> FastAPI:
    settings = settings or IntakeSettings()
    rt = build_runtime(settings, metadata, plumbing)
    rt.document_publisher(HouseholdSurveyed, "A household survey was accepted and stored.")
    registry = load_registry(settings.areas_file)
    metrics = IntakeMetrics(rt.registry)
    return http_app(rt, title="Giảm nghèo — intake", routers=[api.router(rt, registry, metrics)])
