"""Plans per level and year, their revisions and execution, and the plan-vs-actual table of an
area (JSON or XLSX)."""

# No `from __future__ import annotations` here (FastAPI reads the signatures).

import re
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status

from services.support.adapters.plan_export import XLSX_MEDIA_TYPE, plan_vs_actual_xlsx
from services.support.api.context import NO_CONTROL, CorrelationId, Ctx, answer, id_path
from services.support.plan_views import PlanDetail, PlanView, PlanVsActual
from services.support.usecases import plans as uc
from services.support.views import Written
from shared.access import FILTER, Area, Caller, Perm, body, resource
from shared.access.model import forbidden
from shared.contracts.plans import PlanLevel

AreaCode = Annotated[str, Query(min_length=1, max_length=16, pattern=NO_CONTROL)]
YearQuery = Annotated[int, Query(ge=2000, le=2100, description="Plan year.")]


def require_area(ctx: Ctx, caller: Caller, perm: Perm, level: PlanLevel, code: str) -> None:
    """``perm`` over a whole area: the province (a province grant), a former district (every
    one of its communes) or a commune (404 for an area not in the list)."""
    communes = ctx.areas.communes_of(level, code)
    if level is PlanLevel.PROVINCE:
        caller.require(perm, Area(province=code))
        return
    for c in communes:
        caller.require(perm, Area(commune=c))


def visible_communes(caller: Caller, perm: Perm) -> list[str] | None:
    """The communes a list is filtered to (``None``: the whole province)."""
    f = caller.area_filter(perm)
    return None if f.everything else sorted(f.communes)


def router(ctx: Ctx) -> APIRouter:
    api = APIRouter(tags=["plans"])
    rt = ctx.rt

    async def plan_allowed(caller: Caller, perm: Perm, plan_id: str) -> PlanView:
        p = await ctx.run(uc.plan_area, plan_id)
        require_area(ctx, caller, perm, p.level, p.area_code)
        return p

    @api.post("/plans", status_code=status.HTTP_201_CREATED)
    async def post_plan(
        request: uc.PlanRequest,
        response: Response,
        caller: Annotated[Caller, rt.access.requires(Perm.PLAN_WRITE, body("level,area_code"))],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """A level's plan for a year (province, former district or commune): money per
        programme component and funding source, physical targets (households to support per
        kind, workers and officials to train, communication events), the responsible
        department. Needs ``plan:write`` over the whole area. Unknown component or area,
        negative amounts: 4xx with the reason; a second plan for the same area and year: 409
        (revise it instead)."""
        require_area(ctx, caller, Perm.PLAN_WRITE, request.level, request.area_code)
        rec = await ctx.write(
            uc.adopt_plan,
            ctx.catalogue,
            ctx.areas,
            request,
            caller=caller,
            correlation_id=x_correlation_id,
        )
        return answer(rec, response)

    @api.post("/plans/{plan_id}/revisions", status_code=status.HTTP_201_CREATED)
    async def post_revision(
        plan_id: Annotated[str, id_path("Plan id.")],
        request: uc.RevisionRequest,
        response: Response,
        caller: Annotated[Caller, rt.access.requires(Perm.PLAN_WRITE, resource("plan"))],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """Revise a plan: its allocations and targets are replaced as a whole, with the
        reason; every earlier version stays in its history."""
        await plan_allowed(caller, Perm.PLAN_WRITE, plan_id)
        rec = await ctx.write(
            uc.revise_plan,
            ctx.catalogue,
            plan_id,
            request,
            caller=caller,
            correlation_id=x_correlation_id,
        )
        return answer(rec, response)

    @api.get("/plans")
    async def get_plans(
        caller: Annotated[Caller, rt.access.requires(Perm.PLAN_READ, FILTER)],
        year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
        level: PlanLevel | None = None,
    ) -> list[PlanView]:
        """Plans covering the caller's communes (all of them for the province)."""
        return await ctx.run(uc.list_plans, year, level, visible_communes(caller, Perm.PLAN_READ))

    @api.get("/plans/vs-actual", response_model=None)
    async def get_plan_vs_actual(
        caller: Annotated[Caller, rt.access.requires(Perm.PLAN_READ, resource("area"))],
        level: PlanLevel,
        area_code: AreaCode,
        year: YearQuery,
        format: Literal["json", "xlsx"] = "json",
    ) -> PlanVsActual | Response:
        """Plan against actual for an area and every area below it (former districts,
        communes): money per component and source (allocated, committed, disbursed, remaining,
        % and "above plan") and physical targets against the ledger. ``format=xlsx``: the same
        as an Excel workbook (text cells never formulas). Needs ``plan:read`` over the whole
        area."""
        require_area(ctx, caller, Perm.PLAN_READ, level, area_code)
        table = await ctx.run(uc.plan_vs_actual, ctx.areas, level, area_code, year)
        if format == "xlsx":
            return Response(
                plan_vs_actual_xlsx(table),
                media_type=XLSX_MEDIA_TYPE,
                headers={
                    "Content-Disposition": (
                        f'attachment; filename="ke-hoach-thuc-hien-{level.value}-'
                        f'{re.sub(r"[^0-9A-Za-z_-]", "_", area_code)}-{year}.xlsx"'
                    )
                },
            )
        return table

    @api.get("/plans/{plan_id}")
    async def get_plan(
        plan_id: Annotated[str, id_path("Plan id.")],
        caller: Annotated[Caller, rt.access.requires(Perm.PLAN_READ, resource("plan"))],
    ) -> PlanDetail:
        """A plan, its execution in its area and every version with its reason. A commune
        officer may read the plans above its commune too."""
        p = await ctx.run(uc.plan_area, plan_id)
        communes = visible_communes(caller, Perm.PLAN_READ)
        if communes is not None and not set(communes) & set(p.communes):
            raise forbidden(Perm.PLAN_READ, Area(commune=p.communes[0] if p.communes else None))
        return await ctx.run(uc.plan_detail, ctx.areas, plan_id)

    return api
