"""Builds the support service from its settings."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.support import api, handlers
from services.support.adapters.tables import metadata, plumbing
from services.support.metrics import SupportMetrics
from services.support.settings import SupportSettings
from shared.contracts.support import SupportDisbursed
from shared.contracts.training import TrainingEnrolled
from shared.runtime import Runtime, build_runtime, http_app

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_runtime(settings: SupportSettings) -> tuple[Runtime, SupportMetrics]:
    rt = build_runtime(settings, metadata, plumbing, MIGRATIONS)
    rt.document_audit()
    metrics = SupportMetrics(rt.registry)
    handlers.register(rt, metrics)
    rt.document_publisher(SupportDisbursed, "Support recorded for a classified household.")
    rt.document_publisher(TrainingEnrolled, "A household member enrolled in vocational training.")
    return rt, metrics


def create_app(settings: SupportSettings | None = None) -> FastAPI:
    rt, metrics = create_runtime(settings or SupportSettings())
    return http_app(rt, title="Giảm nghèo — support", routers=[api.router(rt, metrics)])
