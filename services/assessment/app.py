"""Builds the assessment service from its settings."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.assessment import api, handlers
from services.assessment.adapters.standards_repo import load_with_overrides
from services.assessment.adapters.tables import metadata, plumbing
from services.assessment.metrics import AssessmentMetrics
from services.assessment.service import Rules
from services.assessment.settings import AssessmentSettings
from shared.contracts.classifications import HouseholdClassified
from shared.runtime import Runtime, build_runtime, http_app

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_runtime(settings: AssessmentSettings) -> tuple[Runtime, Rules, AssessmentMetrics]:
    rules = Rules(
        standards=load_with_overrides(settings.standard_overrides),
        classify_baseline=settings.classify_next_period_baseline,
    )
    rt = build_runtime(settings, metadata, plumbing, MIGRATIONS)
    rt.document_audit()
    metrics = AssessmentMetrics(rt.registry)
    handlers.register(rt, rules, metrics)
    rt.document_publisher(
        HouseholdClassified,
        "A household's proposed (engine) or recognised (commune decision) poverty status.",
    )
    return rt, rules, metrics


def create_app(settings: AssessmentSettings | None = None) -> FastAPI:
    rt, rules, metrics = create_runtime(settings or AssessmentSettings())
    return http_app(rt, title="Giảm nghèo — assessment", routers=[api.router(rt, rules, metrics)])
