"""Needs registered at village meetings, livelihood projects, officials' trainings and
communication events, obstacles, voluntary escape commitments and officials' assignments."""

# No `from __future__ import annotations` here (FastAPI reads the signatures).

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from services.support.api.context import (
    NO_CONTROL,
    CodeQuery,
    CommuneQuery,
    CorrelationId,
    Ctx,
    answer,
    id_path,
)
from services.support.api.plans import require_area, visible_communes
from services.support.plan_views import (
    AssignmentView,
    CapacityView,
    EscapeView,
    NeedView,
    ObstacleView,
    ProjectView,
    UnservedLine,
)
from services.support.usecases import capacity, commitments, needs, projects
from services.support.usecases.reads import Entity
from services.support.views import Written
from shared.access import FILTER, Area, Caller, Perm, body, query, resource
from shared.access.model import AreaFilter
from shared.contracts.plans import NeedStatus, ObstacleStatus, PlanLevel
from shared.errors import DomainError

AreaQuery = Annotated[str | None, Query(min_length=1, max_length=16, pattern=NO_CONTROL)]


def router(ctx: Ctx) -> APIRouter:
    api = APIRouter(tags=["plans"])
    rt = ctx.rt
    read_here = rt.access.requires(Perm.SUPPORT_READ, query("commune"))
    household_write = rt.access.requires(Perm.SUPPORT_WRITE, resource("household"))

    def mine(caller: Caller, perm: Perm) -> list[str] | None:
        return visible_communes(caller, perm)

    def sees(f: AreaFilter, level: PlanLevel, code: str) -> bool:
        """An activity or obstacle is listed for a caller of one of the communes it covers."""
        if f.everything:
            return True
        try:
            covered = ctx.areas.communes_of(level, code)
        except DomainError:  # an area no longer in the list: only the province sees it
            return False
        return bool(set(covered) & set(f.communes))

    # ------------------------------------------------------------------ needs

    @api.post("/needs", status_code=status.HTTP_201_CREATED)
    async def post_need(
        request: needs.NeedRequest,
        response: Response,
        caller: Annotated[Caller, household_write],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """A household registers a need (component and kind of support) at its village's
        meeting. A household outside the caller's area: 403; of another village than the
        meeting's: 422."""
        await ctx.allowed(caller, Perm.SUPPORT_WRITE, Entity.HOUSEHOLD, request.household_code)
        rec = await ctx.write(
            needs.register_need,
            ctx.catalogue,
            request,
            caller=caller,
            correlation_id=x_correlation_id,
        )
        return answer(rec, response)

    @api.post("/needs/{need_id}/decisions", status_code=status.HTTP_201_CREATED)
    async def post_need_decision(
        need_id: Annotated[str, id_path("Registration id.")],
        request: needs.NeedDecisionRequest,
        response: Response,
        caller: Annotated[Caller, rt.access.requires(Perm.SUPPORT_WRITE, resource("need"))],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """registered → approved → served (with the support record) or declined with a
        reason; the same decision again: 200, nothing changes; any other move: 409."""
        await ctx.allowed(caller, Perm.SUPPORT_WRITE, Entity.NEED, need_id)
        rec = await ctx.write(
            needs.decide_need, need_id, request, caller=caller, correlation_id=x_correlation_id
        )
        return answer(rec, response)

    @api.get("/needs")
    async def get_needs(
        caller: Annotated[Caller, read_here],
        commune: CommuneQuery = None,
        status: NeedStatus | None = None,
        component: CodeQuery = None,
    ) -> list[NeedView]:
        """Registered needs of the caller's area, filtered."""
        return await ctx.run(
            needs.list_needs, mine(caller, Perm.SUPPORT_READ), commune, status, component
        )

    @api.get("/needs/unserved")
    async def get_unserved(
        caller: Annotated[Caller, read_here], commune: CommuneQuery = None
    ) -> list[UnservedLine]:
        """Needs registered or approved and not yet served, by commune, component and kind:
        the list officers act on."""
        return await ctx.run(needs.unserved_needs, mine(caller, Perm.SUPPORT_READ), commune)

    # ------------------------------------------------------------------ projects

    @api.post("/projects", status_code=status.HTTP_201_CREATED)
    async def post_project(
        request: projects.ProjectRequest,
        response: Response,
        caller: Annotated[Caller, rt.access.requires(Perm.SUPPORT_WRITE, body("commune_code"))],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """A livelihood model or production project: its group or cooperative, member
        households (of its commune), budget by source (state, households' counterpart,
        enterprise) and dates. Its budget counts as committed against the plan."""
        caller.require(Perm.SUPPORT_WRITE, Area(commune=request.commune_code))
        rec = await ctx.write(
            projects.record_project,
            ctx.catalogue,
            request,
            may_override=caller.can(Perm.SUPPORT_OVERRIDE, Area(commune=request.commune_code)),
            caller=caller,
            correlation_id=x_correlation_id,
        )
        return answer(rec, response)

    @api.post("/projects/{project_id}/outcomes", status_code=status.HTTP_201_CREATED)
    async def post_project_outcome(
        project_id: Annotated[str, id_path("Project id.")],
        request: projects.OutcomeRequest,
        response: Response,
        caller: Annotated[Caller, rt.access.requires(Perm.SUPPORT_WRITE, resource("project"))],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """A project's outcome: output, members' income change, recognised as a model to
        replicate."""
        commune = await ctx.run(projects.project_area, project_id)
        caller.require(Perm.SUPPORT_WRITE, Area(commune=commune))
        rec = await ctx.write(
            projects.record_outcome,
            project_id,
            request,
            caller=caller,
            correlation_id=x_correlation_id,
        )
        return answer(rec, response)

    @api.get("/projects")
    async def get_projects(
        caller: Annotated[Caller, read_here], commune: CommuneQuery = None
    ) -> list[ProjectView]:
        """Projects of the caller's area with their budget and outcome."""
        return await ctx.run(projects.list_projects, mine(caller, Perm.SUPPORT_READ), commune)

    # ------------------------------------------------------------------ capacity, obstacles

    @api.post("/capacity", status_code=status.HTTP_201_CREATED)
    async def post_capacity(
        request: capacity.CapacityRequest,
        response: Response,
        caller: Annotated[Caller, rt.access.requires(Perm.PLAN_WRITE, body("level,area_code"))],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """An officials' training (programme board, i.e. Ban Chỉ đạo; village development
        board …: topic, date, attendees) or a communication event, counted against the level's
        plan (a cost above what is left of it: 422 unless ``override_reason`` from a caller
        allowed to override support over the whole area)."""
        require_area(ctx, caller, Perm.PLAN_WRITE, request.level, request.area_code)
        covered = ctx.areas.communes_of(request.level, request.area_code)
        rec = await ctx.write(
            capacity.record_capacity,
            ctx.catalogue,
            ctx.areas,
            request,
            may_override=all(caller.can(Perm.SUPPORT_OVERRIDE, Area(commune=c)) for c in covered),
            caller=caller,
            correlation_id=x_correlation_id,
        )
        return answer(rec, response)

    @api.get("/capacity")
    async def get_capacity(
        caller: Annotated[Caller, rt.access.requires(Perm.PLAN_READ, FILTER)],
        level: PlanLevel | None = None,
        area_code: AreaQuery = None,
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    ) -> list[CapacityView]:
        """Trainings and communication events the caller's communes took part in."""
        f = caller.area_filter(Perm.PLAN_READ)
        found = await ctx.run(capacity.list_capacity, level, area_code, year)
        return [a for a in found if sees(f, a.level, a.area_code)]

    @api.post("/obstacles", status_code=status.HTTP_201_CREATED)
    async def post_obstacle(
        request: capacity.ObstacleRequest,
        response: Response,
        caller: Annotated[Caller, rt.access.requires(Perm.PLAN_WRITE, body("level,area_code"))],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """An obstacle or proposal raised by a commune or department of the area, addressed
        to an authority."""
        require_area(ctx, caller, Perm.PLAN_WRITE, request.level, request.area_code)
        rec = await ctx.write(
            capacity.raise_obstacle,
            ctx.catalogue,
            ctx.areas,
            request,
            caller=caller,
            correlation_id=x_correlation_id,
        )
        return answer(rec, response)

    @api.post("/obstacles/{obstacle_id}/decisions", status_code=status.HTTP_201_CREATED)
    async def post_obstacle_decision(
        obstacle_id: Annotated[str, id_path("Obstacle id.")],
        request: capacity.ObstacleDecisionRequest,
        response: Response,
        caller: Annotated[Caller, rt.access.requires(Perm.PLAN_WRITE, resource("obstacle"))],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """The authority's decision (once; a second, different one: 409)."""
        level, code = await ctx.run(capacity.obstacle_area, obstacle_id)
        require_area(ctx, caller, Perm.PLAN_WRITE, level, code)
        rec = await ctx.write(
            capacity.decide_obstacle,
            obstacle_id,
            request,
            caller=caller,
            correlation_id=x_correlation_id,
        )
        return answer(rec, response)

    @api.get("/obstacles")
    async def get_obstacles(
        caller: Annotated[Caller, rt.access.requires(Perm.PLAN_READ, FILTER)],
        level: PlanLevel | None = None,
        area_code: AreaQuery = None,
        status: ObstacleStatus | None = None,
    ) -> list[ObstacleView]:
        """Obstacles and proposals per level, with their decision."""
        f = caller.area_filter(Perm.PLAN_READ)
        found = await ctx.run(capacity.list_obstacles, level, area_code, status)
        return [o for o in found if sees(f, o.level, o.area_code)]

    # ------------------------------------------------------------------ escape commitments

    @api.post("/escape-commitments", status_code=status.HTTP_201_CREATED)
    async def post_commitment(
        request: commitments.EscapeRequest,
        response: Response,
        caller: Annotated[Caller, household_write],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """A household commits to leave poverty by a year; whether it did is read from the
        annual reviews that follow."""
        await ctx.allowed(caller, Perm.SUPPORT_WRITE, Entity.HOUSEHOLD, request.household_code)
        rec = await ctx.write(
            commitments.commit_escape, request, caller=caller, correlation_id=x_correlation_id
        )
        return answer(rec, response)

    @api.post("/escape-commitments/rewards", status_code=status.HTTP_201_CREATED)
    async def post_reward(
        request: commitments.RewardRequest,
        response: Response,
        caller: Annotated[Caller, rt.access.requires(Perm.SUPPORT_WRITE, resource("commitment"))],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """Praise or a reward for a household that committed to leave poverty."""
        await ctx.allowed(caller, Perm.SUPPORT_WRITE, Entity.COMMITMENT, request.commitment_id)
        rec = await ctx.write(
            commitments.reward_escape, request, caller=caller, correlation_id=x_correlation_id
        )
        return answer(rec, response)

    @api.get("/escape-commitments")
    async def get_commitments(
        caller: Annotated[Caller, read_here], commune: CommuneQuery = None
    ) -> list[EscapeView]:
        """Commitments of the caller's area, each with its outcome from the annual reviews
        (met, not met, late, pending) and its rewards."""
        return await ctx.run(commitments.list_escapes, mine(caller, Perm.SUPPORT_READ), commune)

    # ------------------------------------------------------------------ assignments

    @api.post("/assignments", status_code=status.HTTP_201_CREATED)
    async def post_assignment(
        request: commitments.AssignmentRequest,
        response: Response,
        caller: Annotated[Caller, rt.access.requires(Perm.SUPPORT_WRITE, body("commune_code"))],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """An official assigned to a village or a household of a commune (alongside the
        sponsor organisations of ``/pairings``)."""
        caller.require(Perm.SUPPORT_WRITE, Area(commune=request.commune_code))
        rec = await ctx.write(
            commitments.assign_official,
            ctx.areas,
            request,
            caller=caller,
            correlation_id=x_correlation_id,
        )
        return answer(rec, response)

    @api.get("/assignments")
    async def get_assignments(
        caller: Annotated[Caller, read_here],
        commune: CommuneQuery = None,
        household_code: Annotated[
            str | None, Query(min_length=1, max_length=64, pattern=NO_CONTROL)
        ] = None,
    ) -> list[AssignmentView]:
        """Officials assigned in the caller's area."""
        return await ctx.run(
            commitments.list_assignments, mine(caller, Perm.SUPPORT_READ), commune, household_code
        )

    return api
