"""Revolving and conditional support: models and their funds, gifts, herd events, pass-ons to
the next household, repayments; chains, fund status, a household's obligations."""

# No `from __future__ import annotations` here (FastAPI reads the signatures).

from typing import Annotated

from fastapi import APIRouter, Response, status

from services.support.api.context import (
    CommuneQuery,
    CorrelationId,
    Ctx,
    DayQuery,
    answer,
    id_path,
    today,
    within,
)
from services.support.usecases.reads import Entity, list_models
from services.support.usecases.revolving import (
    CapitalRequest,
    GiveRequest,
    HerdRequest,
    ModelRequest,
    PassOnRequest,
    RepayRequest,
    add_fund_capital,
    create_revolving_model,
    fund_status,
    give_revolving,
    obligations_of,
    pass_on_support,
    record_livestock,
    repay_obligation,
    revolving_chains,
)
from services.support.views import ChainView, FundView, ModelView, ObligationView, Written
from shared.access import Area, Caller, Perm, body, query, resource


def router(ctx: Ctx) -> APIRouter:
    api = APIRouter(tags=["revolving support"])
    rt = ctx.rt
    on_obligation = rt.access.requires(Perm.SUPPORT_WRITE, resource("obligation"))
    read_model = rt.access.requires(Perm.SUPPORT_READ, resource("revolving_model"))

    @api.post("/revolving/models", status_code=status.HTTP_201_CREATED)
    async def post_model(
        request: ModelRequest,
        response: Response,
        caller: Annotated[
            Caller, rt.access.requires(Perm.SUPPORT_WRITE, body("commune_code,village_code"))
        ],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """Set up a revolving model (a village cow bank, a rotating production fund) and its
        fund; terms not given come from the programme."""
        caller.require(
            Perm.SUPPORT_WRITE,
            Area(commune=request.commune_code, village=request.village_code or None),
        )
        rec = await ctx.write(
            create_revolving_model,
            ctx.catalogue,
            request,
            caller=caller,
            correlation_id=x_correlation_id,
        )
        return answer(rec, response)

    @api.get("/revolving/models")
    async def get_models(
        caller: Annotated[Caller, rt.access.requires(Perm.SUPPORT_READ, query("commune"))],
        commune: CommuneQuery = None,
    ) -> list[ModelView]:
        """Revolving models of the caller's area (or of one commune)."""
        return await ctx.run(list_models, within(caller, Perm.SUPPORT_READ), commune)

    @api.post("/revolving/capital", status_code=status.HTTP_201_CREATED)
    async def post_capital(
        request: CapitalRequest,
        response: Response,
        caller: Annotated[
            Caller, rt.access.requires(Perm.SUPPORT_WRITE, resource("revolving_model"))
        ],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """Capital added to a model's fund."""
        await ctx.allowed(caller, Perm.SUPPORT_WRITE, Entity.REVOLVING_MODEL, request.model_code)
        rec = await ctx.write(
            add_fund_capital, request, caller=caller, correlation_id=x_correlation_id
        )
        return answer(rec, response)

    @api.post("/revolving/gifts", status_code=status.HTTP_201_CREATED)
    async def post_gift(
        request: GiveRequest,
        response: Response,
        caller: Annotated[Caller, rt.access.requires(Perm.SUPPORT_WRITE, resource("household"))],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """Give support under a revolving model (animals, or cash or goods partly returned);
        the household then owes what the model says. The caller must write support both where
        the household lives and where the model runs."""
        await ctx.allowed(caller, Perm.SUPPORT_WRITE, Entity.REVOLVING_MODEL, request.model_code)
        area = await ctx.allowed(
            caller, Perm.SUPPORT_WRITE, Entity.HOUSEHOLD, request.household_code
        )
        rec = await ctx.write(
            give_revolving,
            ctx.catalogue,
            request,
            may_override=caller.can(Perm.SUPPORT_OVERRIDE, area),
            caller=caller,
            correlation_id=x_correlation_id,
        )
        if rec.created:
            ctx.metrics.recorded(request.kind.value, request.amount_vnd, overridden=rec.overridden)
        return answer(rec, response)

    @api.post("/revolving/livestock", status_code=status.HTTP_201_CREATED)
    async def post_livestock(
        request: HerdRequest,
        response: Response,
        caller: Annotated[Caller, on_obligation],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """A birth, death, sale or purchase of animals held under an obligation (a death of
        objective cause waives the shortfall; by the household's fault it is owed in cash)."""
        await ctx.allowed(caller, Perm.SUPPORT_WRITE, Entity.OBLIGATION, request.obligation_id)
        rec = await ctx.write(
            record_livestock, request, caller=caller, correlation_id=x_correlation_id
        )
        return answer(rec, response)

    @api.post("/revolving/pass-ons", status_code=status.HTTP_201_CREATED)
    async def post_pass_on(
        request: PassOnRequest,
        response: Response,
        caller: Annotated[Caller, on_obligation],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """Animals handed to the next household: the giver's obligation falls, the receiver
        gets its own support record and owes in turn. Both households' areas are checked."""
        await ctx.allowed(caller, Perm.SUPPORT_WRITE, Entity.OBLIGATION, request.obligation_id)
        to = await ctx.allowed(
            caller, Perm.SUPPORT_WRITE, Entity.HOUSEHOLD, request.to_household_code
        )
        rec = await ctx.write(
            pass_on_support,
            ctx.catalogue,
            request,
            may_override=caller.can(Perm.SUPPORT_OVERRIDE, to),
            caller=caller,
            correlation_id=x_correlation_id,
        )
        return answer(rec, response)

    @api.post("/revolving/repayments", status_code=status.HTTP_201_CREATED)
    async def post_revolving_repayment(
        request: RepayRequest,
        response: Response,
        caller: Annotated[Caller, on_obligation],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """Money returned to the model's fund (partial repayments allowed)."""
        await ctx.allowed(caller, Perm.SUPPORT_WRITE, Entity.OBLIGATION, request.obligation_id)
        rec = await ctx.write(
            repay_obligation, request, caller=caller, correlation_id=x_correlation_id
        )
        return answer(rec, response)

    @api.get("/revolving/models/{model_code}/chains")
    async def get_chains(
        model_code: Annotated[str, id_path("Revolving model code.")],
        caller: Annotated[Caller, read_model],
    ) -> list[ChainView]:
        """Who received from the fund and to whom each passed animals on, by generation."""
        await ctx.allowed(caller, Perm.SUPPORT_READ, Entity.REVOLVING_MODEL, model_code)
        return await ctx.run(revolving_chains, model_code)

    @api.get("/revolving/models/{model_code}/fund")
    async def get_fund(
        model_code: Annotated[str, id_path("Revolving model code.")],
        caller: Annotated[Caller, read_model],
        on: DayQuery = None,
    ) -> FundView:
        """The fund's cash balance (capital, given, returned) and what is still owed to it."""
        await ctx.allowed(caller, Perm.SUPPORT_READ, Entity.REVOLVING_MODEL, model_code)
        return await ctx.run(fund_status, model_code, on or today())

    @api.get("/households/{household_code}/obligations")
    async def get_obligations(
        household_code: Annotated[str, id_path("Household code.")],
        caller: Annotated[Caller, rt.access.requires(Perm.SUPPORT_READ, resource("household"))],
        on: DayQuery = None,
    ) -> list[ObligationView]:
        """What a household owes back under revolving models, and whether it is late."""
        await ctx.allowed(caller, Perm.SUPPORT_READ, Entity.HOUSEHOLD, household_code)
        return await ctx.run(obligations_of, household_code, on or today())

    return api
