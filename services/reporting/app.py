"""Builds the reporting service from its settings."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.reporting import api, handlers
from services.reporting.adapters.tables import metadata, plumbing
from services.reporting.metrics import ReportingMetrics
from services.reporting.settings import ReportingSettings
from shared.runtime import Runtime, build_runtime, http_app

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_runtime(settings: ReportingSettings) -> Runtime:
    rt = build_runtime(settings, metadata, plumbing, MIGRATIONS)
    handlers.register(rt, ReportingMetrics(rt.registry))
    return rt


def create_app(settings: ReportingSettings | None = None) -> FastAPI:
    rt = create_runtime(settings or ReportingSettings())
    return http_app(rt, title="Giảm nghèo — reporting", routers=[api.router(rt)])
