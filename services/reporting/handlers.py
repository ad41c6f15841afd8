"""Reporting's stream subscribers: classifications, life events, support, training and plans
projections."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

from services.reporting.adapters.repository import ReportingUnitOfWork
from services.reporting.adapters.slim import ReadClassification, read_classification
from services.reporting.domain.definitions import ReportDefinitions
from services.reporting.metrics import ReportingMetrics
from services.reporting.plans import PlanEvent, apply_plan_events
from services.reporting.service import (
    LoanEvent,
    apply_classifications,
    apply_life_events,
    apply_loans,
    apply_support,
)
from shared.contracts.classifications import HouseholdClassified
from shared.contracts.credit import LoanDisbursed, LoanExtended, LoanRepaid, LoanWrittenOff
from shared.contracts.plans import CapacityRecorded, PlanAdopted, PlanRevised, ProjectRecorded
from shared.contracts.registry import HouseholdChanged
from shared.contracts.support import SupportDisbursed
from shared.contracts.training import TrainingCompleted, TrainingEnrolled
from shared.runtime import Runtime


def register(rt: Runtime, metrics: ReportingMetrics, definitions: ReportDefinitions) -> None:
    def uow() -> ReportingUnitOfWork:
        return ReportingUnitOfWork(rt.engine)

    async def on_household_classified(events: list[ReadClassification]) -> None:
        now = datetime.now(UTC)
        applied = await asyncio.to_thread(apply_classifications, uow(), events, now, definitions)
        metrics.applied.labels("HouseholdClassified").inc(applied.count)
        metrics.observe_survey_to_report(applied.accepted_at, time.time())

    async def on_household_changed(events: list[HouseholdChanged]) -> None:
        n = await asyncio.to_thread(apply_life_events, uow(), events, datetime.now(UTC))
        metrics.applied.labels("HouseholdChanged").inc(n)

    async def on_support_disbursed(events: list[SupportDisbursed]) -> None:
        n = await asyncio.to_thread(apply_support, uow(), events, datetime.now(UTC))
        metrics.applied.labels("SupportDisbursed").inc(n)

    async def on_training_enrolled(events: list[TrainingEnrolled]) -> None:
        n = await asyncio.to_thread(apply_support, uow(), events, datetime.now(UTC))
        metrics.applied.labels("TrainingEnrolled").inc(n)

    async def apply_credit(events: list[LoanEvent]) -> None:
        n = await asyncio.to_thread(apply_loans, uow(), events, datetime.now(UTC))
        if events:
            metrics.applied.labels(events[0].event_type).inc(n)

    async def on_loan_disbursed(events: list[LoanDisbursed]) -> None:
        await apply_credit(list(events))

    async def on_loan_repaid(events: list[LoanRepaid]) -> None:
        await apply_credit(list(events))

    async def on_loan_extended(events: list[LoanExtended]) -> None:
        await apply_credit(list(events))

    async def on_loan_written_off(events: list[LoanWrittenOff]) -> None:
        await apply_credit(list(events))

    async def apply_plans(events: list[PlanEvent]) -> None:
        n = await asyncio.to_thread(apply_plan_events, uow(), events, datetime.now(UTC))
        if events:
            metrics.applied.labels(events[0].event_type).inc(n)

    async def on_plan_adopted(events: list[PlanAdopted]) -> None:
        await apply_plans(list(events))

    async def on_plan_revised(events: list[PlanRevised]) -> None:
        await apply_plans(list(events))

    async def on_project_recorded(events: list[ProjectRecorded]) -> None:
        await apply_plans(list(events))

    async def on_capacity_recorded(events: list[CapacityRecorded]) -> None:
        await apply_plans(list(events))

    async def on_training_completed(events: list[TrainingCompleted]) -> None:
        await apply_plans(list(events))

    plan_table = "Plans against actual: the latest version of each plan."
    rt.subscribe(PlanAdopted, on_plan_adopted, description=plan_table)
    rt.subscribe(PlanRevised, on_plan_revised, description=plan_table)
    rt.subscribe(
        ProjectRecorded,
        on_project_recorded,
        description="Plans against actual: projects' budgets committed per component.",
    )
    rt.subscribe(
        CapacityRecorded,
        on_capacity_recorded,
        description="Plans against actual: officials trained, communication events and their cost.",
    )
    rt.subscribe(
        TrainingCompleted,
        on_training_completed,
        description="Plans against actual: workers who completed a course.",
    )

    loan_book = "The loan book (principal outstanding, open instalments) for support outcomes."
    rt.subscribe(LoanDisbursed, on_loan_disbursed, description=loan_book)
    rt.subscribe(LoanRepaid, on_loan_repaid, description=loan_book)
    rt.subscribe(LoanExtended, on_loan_extended, description=loan_book)
    rt.subscribe(LoanWrittenOff, on_loan_written_off, description=loan_book)
    rt.subscribe(
        HouseholdClassified,
        on_household_classified,
        description="Household figures per review round, standard and stage, for the "
        "year-end tables (pre-aggregated by village).",
        read=lambda body: read_classification(body, definitions),
    )
    rt.subscribe(
        HouseholdChanged,
        on_household_changed,
        description="Households' moves, splits, merges and dissolutions, counted in the "
        "change tables' other increases and decreases per area.",
    )
    rt.subscribe(
        SupportDisbursed,
        on_support_disbursed,
        description="Support totals by commune, kind, programme and funding source; plans "
        "against actual (money disbursed, households reached).",
    )
    rt.subscribe(
        TrainingEnrolled,
        on_training_enrolled,
        description="Training enrolments and job linkage by commune.",
    )
