"""Sponsor pairing: organisations, pairings with households, visits, ends; what a sponsor sees
(only the households paired with its own organisation)."""

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
    seen,
    today,
)
from services.support.domain.sponsorship import PairingStatus
from services.support.usecases import sponsorship
from services.support.usecases.reads import (
    Entity,
    list_organisations,
    list_pairings,
    pairing_detail,
    pairing_of,
)
from services.support.views import OrganisationView, PairingDetail, PairingView, Written
from shared.access import FILTER, Area, Caller, Perm, body, resource
from shared.access.model import forbidden


def router(ctx: Ctx) -> APIRouter:
    api = APIRouter(tags=["sponsors"])
    rt = ctx.rt
    listed = rt.access.requires(Perm.SPONSOR_READ, FILTER)

    async def pairing_allowed(caller: Caller, perm: Perm, pairing_id: str) -> PairingView:
        """The pairing, if the caller holds ``perm`` over its organisation (a sponsor) or over
        the household's commune or village (officers)."""
        p = await ctx.run(pairing_of, pairing_id)
        here = Area(commune=p.commune_code, village=p.village_code or None)
        if not (caller.can(perm, Area(org=p.organisation_code)) or caller.can(perm, here)):
            raise forbidden(perm, here)
        return p

    @api.post("/organisations", status_code=status.HTTP_201_CREATED)
    async def post_organisation(
        request: sponsorship.OrganisationRequest,
        response: Response,
        caller: Annotated[Caller, rt.access.requires(Perm.SUPPORT_WRITE, body("commune_code"))],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """Register an organisation (agency, enterprise, mass organisation) or individual
        donor that may sponsor households; one without a commune is province-wide and needs a
        province grant. A donor's name stays in the ledger, never on a stream."""
        caller.require(Perm.SUPPORT_WRITE, Area(commune=request.commune_code))
        rec = await ctx.write(
            sponsorship.register_organisation,
            request,
            caller=caller,
            correlation_id=x_correlation_id,
        )
        return answer(rec, response)

    @api.get("/organisations")
    async def get_organisations(
        caller: Annotated[Caller, listed], commune: CommuneQuery = None
    ) -> list[OrganisationView]:
        """Organisations the caller may see: all (province), those of its communes and those
        helping households there (officers), its own (a sponsor)."""
        return await ctx.run(list_organisations, seen(caller, Perm.SPONSOR_READ), commune)

    @api.get("/organisations/{organisation_code}/pairings")
    async def get_organisation_pairings(
        organisation_code: Annotated[str, id_path("Organisation code.")],
        caller: Annotated[Caller, listed],
    ) -> list[PairingView]:
        """Every household an organisation helps or helped, with visits and support given: all
        of them for the organisation itself and the province, those of their area for
        officers; another organisation's sponsor is refused."""
        view = seen(caller, Perm.SPONSOR_READ)
        mine = view.everything or organisation_code in view.orgs
        if not mine and not (view.within.communes or view.within.villages):
            raise forbidden(Perm.SPONSOR_READ, Area(org=organisation_code))
        return await ctx.run(list_pairings, view, organisation_code=organisation_code)

    @api.get("/pairings")
    async def get_pairings(
        caller: Annotated[Caller, listed],
        organisation_code: Annotated[str | None, Query(max_length=32, pattern=NO_CONTROL)] = None,
        commune: CommuneQuery = None,
        status: PairingStatus | None = None,
    ) -> list[PairingView]:
        """Pairings the caller may see (a sponsor: its own organisation's), filtered."""
        return await ctx.run(
            list_pairings,
            seen(caller, Perm.SPONSOR_READ),
            organisation_code=organisation_code,
            commune_code=commune,
            status=status.value if status else None,
        )

    @api.get("/pairings/{pairing_id}")
    async def get_pairing(
        pairing_id: Annotated[str, id_path("Pairing id.")],
        caller: Annotated[Caller, rt.access.requires(Perm.SPONSOR_READ, resource("pairing"))],
        on: DayQuery = None,
    ) -> PairingDetail:
        """A pairing with its household (codes, recognised status, causes and needs; no
        names), its visits and the support given through it."""
        await pairing_allowed(caller, Perm.SPONSOR_READ, pairing_id)
        return await ctx.run(pairing_detail, pairing_id, on or today())

    @api.post("/pairings", status_code=status.HTTP_201_CREATED)
    async def post_pairing(
        request: sponsorship.PairingRequest,
        response: Response,
        caller: Annotated[Caller, rt.access.requires(Perm.SUPPORT_WRITE, resource("household"))],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """Assign an organisation to help a registered household for a period, with
        commitments."""
        await ctx.allowed(caller, Perm.SUPPORT_WRITE, Entity.HOUSEHOLD, request.household_code)
        rec = await ctx.write(
            sponsorship.start_pairing, request, caller=caller, correlation_id=x_correlation_id
        )
        return answer(rec, response)

    @api.post("/pairings/visits", status_code=status.HTTP_201_CREATED)
    async def post_visit(
        request: sponsorship.VisitRequest,
        response: Response,
        caller: Annotated[Caller, rt.access.requires(Perm.SPONSOR_VISIT, resource("pairing"))],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """A follow-up visit, recorded by the sponsor itself or an officer of the household's
        area (notes stay in the ledger)."""
        await pairing_allowed(caller, Perm.SPONSOR_VISIT, request.pairing_id)
        rec = await ctx.write(
            sponsorship.record_visit, request, caller=caller, correlation_id=x_correlation_id
        )
        return answer(rec, response)

    @api.post("/pairings/ends", status_code=status.HTTP_201_CREATED)
    async def post_pairing_end(
        request: sponsorship.EndPairingRequest,
        response: Response,
        caller: Annotated[Caller, rt.access.requires(Perm.SUPPORT_WRITE, resource("pairing"))],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """The pairing ends, with its outcome for the household."""
        await ctx.allowed(caller, Perm.SUPPORT_WRITE, Entity.PAIRING, request.pairing_id)
        rec = await ctx.write(
            sponsorship.end_pairing, request, caller=caller, correlation_id=x_correlation_id
        )
        return answer(rec, response)

    return api
