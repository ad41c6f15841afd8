"""A household's support file, its eligibility before recording, and the catalogue."""

# No `from __future__ import annotations` here (FastAPI reads the signatures).

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from services.support.api.context import NO_CONTROL, Ctx, DayQuery, id_path, today
from services.support.usecases.catalogue import eligibility, list_programmes, programme_detail
from services.support.usecases.common import EARLIEST, LATEST, MAX_MEMBER_NO
from services.support.usecases.reads import Entity, household_history
from services.support.views import EligibilityView, HouseholdHistory, ProgrammeView
from shared.access import Caller, Perm, resource
from shared.contracts.codes import SupportKind


def router(ctx: Ctx) -> APIRouter:
    api = APIRouter(tags=["households and catalogue"])
    rt = ctx.rt
    read = rt.access.requires(Perm.SUPPORT_READ, resource("household"))
    anyone = rt.access.signed_in("the programme catalogue is public policy, for anyone signed in")

    @api.get("/households/{household_code}/support")
    async def get_history(
        household_code: Annotated[str, id_path("Household code.")],
        caller: Annotated[Caller, read],
        on: DayQuery = None,
    ) -> HouseholdHistory:
        """Everything the household received, oldest first, with totals by kind, source and
        programme; its loans (as of ``on``), obligations, houses, cards, courses, pairings."""
        await ctx.allowed(caller, Perm.SUPPORT_READ, Entity.HOUSEHOLD, household_code)
        return await ctx.run(household_history, household_code, on or today())

    @api.get("/households/{household_code}/eligibility")
    async def get_eligibility(
        household_code: Annotated[str, id_path("Household code.")],
        caller: Annotated[Caller, read],
        programme_code: Annotated[str, Query(min_length=1, max_length=32, pattern=NO_CONTROL)],
        kind: SupportKind,
        on: Annotated[date | None, Query(ge=EARLIEST, le=LATEST)] = None,
        member_no: Annotated[int | None, Query(ge=1, le=MAX_MEMBER_NO)] = None,
    ) -> EligibilityView:
        """Would support of ``kind`` from ``programme_code`` on ``on`` be accepted for this
        household (or member), and why not; whether the caller could record it as an
        override."""
        area = await ctx.allowed(caller, Perm.SUPPORT_READ, Entity.HOUSEHOLD, household_code)
        return await ctx.run(
            eligibility,
            ctx.catalogue,
            household_code,
            programme_code,
            kind,
            on or today(),
            member_no=member_no,
            may_override=caller.can(Perm.SUPPORT_WRITE, area)
            and caller.can(Perm.SUPPORT_OVERRIDE, area),
        )

    @api.get("/programmes")
    async def get_programmes(
        _caller: Annotated[Caller, anyone],
        on: Annotated[date | None, Query(ge=EARLIEST, le=LATEST)] = None,
        kind: SupportKind | None = None,
    ) -> list[ProgrammeView]:
        """The programme catalogue (projects and sub-projects, credit programmes, policies):
        names in Vietnamese and English, validity, groups served, kinds, sources, caps, rates;
        figures not checked against the legal text carry ``confirmed: false``."""
        return list_programmes(ctx.catalogue, on, kind)

    @api.get("/programmes/{programme_code}")
    async def get_programme(
        programme_code: Annotated[str, id_path("Programme code.")],
        _caller: Annotated[Caller, anyone],
    ) -> ProgrammeView:
        """One programme of the catalogue."""
        return programme_detail(ctx.catalogue, programme_code)

    return api
