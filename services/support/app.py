"""Builds the support service from its settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from services.support import api, handlers
from services.support.adapters.areas_file import load_areas
from services.support.adapters.catalogue_repo import load_catalogue
from services.support.adapters.tables import metadata, plumbing
from services.support.domain.areas import AreaMap
from services.support.domain.catalogue import Catalogue
from services.support.metrics import SupportMetrics
from services.support.settings import SupportSettings
from shared.contracts import (
    credit,
    housing,
    insurance,
    plans,
    revolving,
    sponsorship,
    training,
)
from shared.contracts.support import SupportDisbursed
from shared.http_errors import error_body
from shared.runtime import Runtime, build_runtime, http_app

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

PUBLISHED = (
    (SupportDisbursed, "Every entry of the support ledger (any kind, programme and source)."),
    (training.TrainingEnrolled, "A household member enrolled in vocational training."),
    (training.TrainingCompleted, "A trainee completed a course (certificate, occupation)."),
    (training.TrainingDropped, "A trainee left a course before completing it."),
    (training.TraineePlaced, "A trained worker found work (local job, own business, abroad)."),
    (credit.LoanDisbursed, "A policy loan was disbursed, with its schedule."),
    (credit.LoanRepaid, "A repayment was made on a loan; the loan's state afterwards."),
    (credit.LoanExtended, "An instalment was extended; the loan's state afterwards."),
    (credit.LoanWrittenOff, "Part or all of a loan was written off; its state afterwards."),
    (revolving.RevolvingModelCreated, "A revolving model and its fund were set up."),
    (revolving.FundCapitalised, "Capital was added to a revolving fund."),
    (revolving.ObligationCreated, "A household owes animals or money back for support."),
    (revolving.LivestockRecorded, "Animals under an obligation were born, died, sold, bought."),
    (revolving.PassedOn, "Animals were passed on to the next household."),
    (revolving.ObligationRepaid, "Money was returned to a revolving fund."),
    (housing.HousingStarted, "Works started on a supported house, with its cost by source."),
    (housing.HousingCompleted, "A supported house was completed."),
    (insurance.CardIssued, "A health-insurance card paid wholly or partly by the state."),
    (sponsorship.OrganisationRegistered, "An organisation able to sponsor households."),
    (sponsorship.PairingStarted, "An organisation was assigned to help a household."),
    (sponsorship.PairingVisited, "A sponsor visited the household it helps."),
    (sponsorship.PairingEnded, "A pairing ended, with its outcome."),
    (plans.PlanAdopted, "A level's plan for a year: money per component and source, targets."),
    (plans.PlanRevised, "A plan was revised (the plan after the revision)."),
    (plans.NeedRegistered, "A household registered a need at a village meeting."),
    (plans.NeedDecided, "A need was approved, served (with its record) or declined."),
    (plans.ProjectRecorded, "A livelihood project with its members and budget by source."),
    (plans.ProjectOutcomeRecorded, "A project's outcome (output, income change, replicable)."),
    (plans.CapacityRecorded, "An officials' training or a communication event."),
    (plans.ObstacleRaised, "An obstacle or proposal raised to an authority."),
    (plans.ObstacleDecided, "The authority decided on an obstacle or proposal."),
    (plans.EscapeCommitted, "A household committed to leave poverty by a year."),
    (plans.EscapeRewarded, "A household was praised or rewarded for leaving poverty."),
    (plans.OfficialAssigned, "An official was assigned to a village or a household."),
)


@dataclass(frozen=True)
class SupportParts:
    """What support's routes need besides the runtime."""

    metrics: SupportMetrics
    catalogue: Catalogue
    areas: AreaMap


def create_runtime(settings: SupportSettings) -> tuple[Runtime, SupportParts]:
    catalogue = load_catalogue(settings.catalogue_overrides)
    areas = load_areas(settings.areas_file)
    rt = build_runtime(settings, metadata, plumbing, MIGRATIONS)
    rt.document_audit()
    metrics = SupportMetrics(rt.registry)
    handlers.register(rt, metrics)
    for event_type, description in PUBLISHED:
        rt.document_publisher(event_type, description)
    return rt, SupportParts(metrics, catalogue, areas)


def create_app(settings: SupportSettings | None = None) -> FastAPI:
    rt, parts = create_runtime(settings or SupportSettings())
    app = http_app(
        rt,
        title="Giảm nghèo — support",
        routers=[api.router(rt, parts.metrics, parts.catalogue, parts.areas)],
    )
    app.add_exception_handler(sa.exc.DataError, _data_error)
    return app


async def _data_error(_request: Request, exc: Exception) -> JSONResponse:
    """A value the database refuses (out of a column's range, malformed text) is the caller's
    error, answered in the one error shape; requests are validated so that this stays rare."""
    problem = {
        "field": "(body)",
        "type": "invalid",
        "message_vi": "Dữ liệu không hợp lệ: cơ sở dữ liệu không lưu được giá trị đã gửi.",
        "message_en": "Invalid input: the database cannot hold a value sent.",
    }
    return JSONResponse(error_body([problem]), status_code=422)
