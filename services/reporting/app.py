"""Builds the reporting service from its settings."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

from services.reporting import api, handlers
from services.reporting.adapters.areas_file import load_area_changes, load_area_file
from services.reporting.adapters.definitions_file import load_definitions
from services.reporting.adapters.repository import ReportingUnitOfWork
from services.reporting.adapters.tables import metadata, plumbing
from services.reporting.metrics import ReportingMetrics
from services.reporting.service import ReportConfig, apply_area_registry
from services.reporting.settings import ReportingSettings
from shared.runtime import Runtime, build_runtime, http_app

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@dataclass(frozen=True)
class Reporting:
    runtime: Runtime
    config: ReportConfig


def create_service(settings: ReportingSettings) -> Reporting:
    rt = build_runtime(settings, metadata, plumbing, MIGRATIONS)
    config = ReportConfig(
        definitions=load_definitions(settings.definitions_file),
        threshold=settings.suppression_threshold,
    )
    handlers.register(rt, ReportingMetrics(rt.registry), config.definitions)
    return Reporting(rt, config)


def create_runtime(settings: ReportingSettings) -> Runtime:
    return create_service(settings).runtime


def load_areas(rt: Runtime, settings: ReportingSettings) -> int:
    """Copy the configured area list and its changes into reporting's ``area`` and
    ``area_change`` tables (after migrations)."""
    tree = load_area_file(settings.areas_file)
    changes = load_area_changes(settings.area_changes_file)
    return apply_area_registry(ReportingUnitOfWork(rt.engine), tree, changes)


def create_app(settings: ReportingSettings | None = None) -> FastAPI:
    s = settings or ReportingSettings()
    service = create_service(s)
    rt = service.runtime
    app = http_app(rt, title="Giảm nghèo — reporting", routers=[api.router(rt, service.config)])
    started = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(a: FastAPI) -> AsyncIterator[None]:
        # The runtime's lifespan migrates the database; the area list is loaded after it.
        async with started(a):
            await asyncio.to_thread(load_areas, rt, s)
            yield

    app.router.lifespan_context = lifespan
    return app
