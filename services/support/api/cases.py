"""Housing, health-insurance cards and vocational training."""

# No `from __future__ import annotations` here (FastAPI reads the signatures).

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response, status

from services.support.api.context import (
    CommuneQuery,
    CorrelationId,
    Ctx,
    DayQuery,
    answer,
    id_path,
    today,
)
from services.support.usecases import housing, insurance, training
from services.support.usecases.common import MAX_MEMBER_NO
from services.support.usecases.reads import Entity
from services.support.views import CoverageRow, TrainingView, Written
from shared.access import Caller, Perm, query, resource


def router(ctx: Ctx) -> APIRouter:
    api = APIRouter(tags=["housing, insurance, training"])
    rt = ctx.rt
    on_household = rt.access.requires(Perm.SUPPORT_WRITE, resource("household"))
    on_enrolment = rt.access.requires(Perm.SUPPORT_WRITE, resource("enrolment"))

    @api.post("/housing", status_code=status.HTTP_201_CREATED)
    async def post_housing(
        body: housing.HousingRequest,
        response: Response,
        caller: Annotated[Caller, on_household],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """A house built or repaired with support: its cost by source (central and local
        budget, the Fund for the Poor, other mobilisation, the household) and labour days,
        within the programme's cap for a new house or a repair."""
        area = await ctx.allowed(caller, Perm.SUPPORT_WRITE, Entity.HOUSEHOLD, body.household_code)
        rec = await ctx.write(
            housing.start_housing,
            ctx.catalogue,
            body,
            may_override=caller.can(Perm.SUPPORT_OVERRIDE, area),
            caller=caller,
            correlation_id=x_correlation_id,
        )
        if rec.created:
            state = body.central_budget_vnd + body.local_budget_vnd
            ctx.metrics.recorded("housing", state, overridden=rec.overridden)
        return answer(rec, response)

    @api.post("/housing/completions", status_code=status.HTTP_201_CREATED)
    async def post_housing_completion(
        body: housing.CompletionRequest,
        response: Response,
        caller: Annotated[Caller, rt.access.requires(Perm.SUPPORT_WRITE, resource("housing_case"))],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """The house is finished and handed over."""
        await ctx.allowed(caller, Perm.SUPPORT_WRITE, Entity.HOUSING_CASE, body.case_id)
        rec = await ctx.write(
            housing.complete_housing, body, caller=caller, correlation_id=x_correlation_id
        )
        return answer(rec, response)

    @api.post("/insurance/cards", status_code=status.HTTP_201_CREATED)
    async def post_card(
        body: insurance.CardRequest,
        response: Response,
        caller: Annotated[Caller, on_household],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """A health-insurance card for a member of the latest survey, the state's share set
        by the household's group on the first day (poor 100 %, near-poor at least 70 % …);
        one card per member at a time."""
        area = await ctx.allowed(caller, Perm.SUPPORT_WRITE, Entity.HOUSEHOLD, body.household_code)
        rec = await ctx.write(
            insurance.issue_card,
            ctx.catalogue,
            body,
            may_override=caller.can(Perm.SUPPORT_OVERRIDE, area),
            caller=caller,
            correlation_id=x_correlation_id,
        )
        return answer(rec, response)

    async def enrol(
        body: training.EnrolmentRequest, caller: Caller, cid: str | None, response: Response
    ) -> Written:
        area = await ctx.allowed(caller, Perm.SUPPORT_WRITE, Entity.HOUSEHOLD, body.household_code)
        rec = await ctx.write(
            training.enrol_training,
            ctx.catalogue,
            body,
            may_override=caller.can(Perm.SUPPORT_OVERRIDE, area),
            caller=caller,
            correlation_id=cid,
        )
        if rec.created:
            ctx.metrics.enrolled.inc()
        return answer(rec, response)

    @api.post("/training/enrolments", status_code=status.HTTP_201_CREATED)
    async def post_enrolment(
        body: training.EnrolmentRequest,
        response: Response,
        caller: Annotated[Caller, on_household],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """Enrol a member of the household's latest survey, of working age there, in a
        course; the programme must serve the member on the start date, within its fee cap."""
        return await enrol(body, caller, x_correlation_id, response)

    @api.post("/enrolments", status_code=status.HTTP_201_CREATED, deprecated=True)
    async def post_enrolment_former(
        body: training.EnrolmentRequest,
        response: Response,
        caller: Annotated[Caller, on_household],
        x_correlation_id: CorrelationId = None,
    ) -> dict[str, Any]:
        """Former name of ``POST /training/enrolments`` (also answers ``enrolment_id``)."""
        written = await enrol(body, caller, x_correlation_id, response)
        return {**written.model_dump(), "enrolment_id": written.id}

    @api.post("/training/completions", status_code=status.HTTP_201_CREATED)
    async def post_training_completion(
        body: training.CompletionRequest,
        response: Response,
        caller: Annotated[Caller, on_enrolment],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """The trainee completed the course (certificate, occupation)."""
        await ctx.allowed(caller, Perm.SUPPORT_WRITE, Entity.ENROLMENT, body.enrolment_id)
        rec = await ctx.write(
            training.complete_training, body, caller=caller, correlation_id=x_correlation_id
        )
        return answer(rec, response)

    @api.post("/training/drops", status_code=status.HTTP_201_CREATED)
    async def post_training_drop(
        body: training.DropRequest,
        response: Response,
        caller: Annotated[Caller, on_enrolment],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """The trainee left the course before completing it."""
        await ctx.allowed(caller, Perm.SUPPORT_WRITE, Entity.ENROLMENT, body.enrolment_id)
        rec = await ctx.write(
            training.drop_training, body, caller=caller, correlation_id=x_correlation_id
        )
        return answer(rec, response)

    @api.post("/training/employment", status_code=status.HTTP_201_CREATED)
    async def post_employment(
        body: training.EmploymentRequest,
        response: Response,
        caller: Annotated[Caller, on_enrolment],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """Where the worker found work after the course: a local job, their own business or
        contract work abroad (once per enrolment)."""
        await ctx.allowed(caller, Perm.SUPPORT_WRITE, Entity.ENROLMENT, body.enrolment_id)
        rec = await ctx.write(
            training.record_employment, body, caller=caller, correlation_id=x_correlation_id
        )
        return answer(rec, response)

    @api.get("/households/{household_code}/members/{member_no}/training")
    async def get_member_training(
        household_code: Annotated[str, id_path("Household code.")],
        member_no: Annotated[int, Path(ge=1, le=MAX_MEMBER_NO)],
        caller: Annotated[Caller, rt.access.requires(Perm.SUPPORT_READ, resource("household"))],
    ) -> list[TrainingView]:
        """A member's courses, oldest first, with completion or drop-out and employment."""
        await ctx.allowed(caller, Perm.SUPPORT_READ, Entity.HOUSEHOLD, household_code)
        return await ctx.run(training.member_training, household_code, member_no)

    @api.get("/training/coverage")
    async def get_coverage(
        caller: Annotated[Caller, rt.access.requires(Perm.SUPPORT_READ, query("commune"))],
        commune: CommuneQuery = None,
        on: DayQuery = None,
    ) -> list[CoverageRow]:
        """Per commune of the caller's area (and ``*``): workers of poor, near-poor and newly
        escaped households, how many completed a course and how many are placed in work,
        against the goal of 100 %."""
        scope = caller.area_filter(Perm.SUPPORT_READ)
        if commune:
            communes: tuple[str, ...] = (commune,)
        elif scope.everything:
            communes = ()
        else:
            communes = tuple(sorted(scope.communes))
            if not communes:
                return []
        return await ctx.run(training.training_coverage, on or today(), communes)

    return api
