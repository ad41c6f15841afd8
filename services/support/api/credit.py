"""Policy credit: disburse a loan, repayments, extensions, write-offs; a loan; the portfolio."""

# No `from __future__ import annotations` here (FastAPI reads the signatures).

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from services.support.api.context import (
    NO_CONTROL,
    CommuneQuery,
    CorrelationId,
    Ctx,
    DayQuery,
    answer,
    id_path,
    today,
)
from services.support.usecases.credit import (
    ExtensionRequest,
    LoanRequest,
    RepaymentRequest,
    WriteOffRequest,
    disburse_loan,
    extend_loan,
    loan_detail,
    loan_portfolio,
    record_repayment,
    write_off_loan,
)
from services.support.usecases.reads import Entity
from services.support.views import LoanDetail, Portfolio, Written
from shared.access import Caller, Perm, query, resource


def router(ctx: Ctx) -> APIRouter:
    api = APIRouter(tags=["policy credit"])
    rt = ctx.rt
    on_household = rt.access.requires(Perm.SUPPORT_WRITE, resource("household"))
    on_loan = rt.access.requires(Perm.SUPPORT_WRITE, resource("loan"))

    @api.post("/loans", status_code=status.HTTP_201_CREATED)
    async def post_loan(
        body: LoanRequest,
        response: Response,
        caller: Annotated[Caller, on_household],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """Disburse a policy loan (its schedule is fixed now): the programme sets who may
        borrow, the largest loan, the longest term and grace, and the rates in force."""
        area = await ctx.allowed(caller, Perm.SUPPORT_WRITE, Entity.HOUSEHOLD, body.household_code)
        rec = await ctx.write(
            disburse_loan,
            ctx.catalogue,
            body,
            may_override=caller.can(Perm.SUPPORT_OVERRIDE, area),
            caller=caller,
            correlation_id=x_correlation_id,
        )
        if rec.created:
            ctx.metrics.recorded("credit", body.principal_vnd, overridden=rec.overridden)
        return answer(rec, response)

    @api.post("/loans/repayments", status_code=status.HTTP_201_CREATED)
    async def post_repayment(
        body: RepaymentRequest,
        response: Response,
        caller: Annotated[Caller, on_loan],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """A repayment of principal and/or interest (partial, full or early)."""
        await ctx.allowed(caller, Perm.SUPPORT_WRITE, Entity.LOAN, body.loan_id)
        rec = await ctx.write(
            record_repayment, body, caller=caller, correlation_id=x_correlation_id
        )
        return answer(rec, response)

    @api.post("/loans/extensions", status_code=status.HTTP_201_CREATED)
    async def post_extension(
        body: ExtensionRequest,
        response: Response,
        caller: Annotated[Caller, on_loan],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """Move one instalment's unpaid principal to a later date (gia hạn nợ), for an
        objective cause, within the programme's longest extension."""
        await ctx.allowed(caller, Perm.SUPPORT_WRITE, Entity.LOAN, body.loan_id)
        rec = await ctx.write(extend_loan, body, caller=caller, correlation_id=x_correlation_id)
        return answer(rec, response)

    @api.post("/loans/write-offs", status_code=status.HTTP_201_CREATED)
    async def post_write_off(
        body: WriteOffRequest,
        response: Response,
        caller: Annotated[Caller, on_loan],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """Write off principal and/or interest (xóa nợ) with its cause."""
        await ctx.allowed(caller, Perm.SUPPORT_WRITE, Entity.LOAN, body.loan_id)
        rec = await ctx.write(write_off_loan, body, caller=caller, correlation_id=x_correlation_id)
        return answer(rec, response)

    @api.get("/loans/portfolio")
    async def get_portfolio(
        caller: Annotated[Caller, rt.access.requires(Perm.SUPPORT_READ, query("commune"))],
        commune: CommuneQuery = None,
        programme_code: Annotated[str | None, Query(max_length=32, pattern=NO_CONTROL)] = None,
        on: DayQuery = None,
    ) -> Portfolio:
        """Active loans per commune of the caller's area (and ``*`` for them together):
        count, outstanding, overdue principal and its ageing (1–30, 31–90, over 90 days),
        outstanding by programme, on a day."""
        scope = caller.area_filter(Perm.SUPPORT_READ)
        if commune:
            communes: tuple[str, ...] = (commune,)
        elif scope.everything:
            communes = ()
        else:
            communes = tuple(sorted(scope.communes))
            if not communes:
                return Portfolio(as_of=on or today(), rows=[])
        return await ctx.run(loan_portfolio, on or today(), communes, programme_code)

    @api.get("/loans/{loan_id}")
    async def get_loan(
        loan_id: Annotated[str, id_path("Loan id.")],
        caller: Annotated[Caller, rt.access.requires(Perm.SUPPORT_READ, resource("loan"))],
        on: DayQuery = None,
    ) -> LoanDetail:
        """A loan on a day: balances, interest, overdue and its bucket, the schedule, and every
        repayment, extension and write-off recorded."""
        await ctx.allowed(caller, Perm.SUPPORT_READ, Entity.LOAN, loan_id)
        return await ctx.run(loan_detail, loan_id, on or today())

    return api
