"""Assessment's HTTP routes: a household's result and explanation, the review workflow."""

# No `from __future__ import annotations` here: FastAPI reads the route signatures' Annotated
# dependencies (built per router) at definition time.

import asyncio
import json
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel, Field

from services.assessment import review_dates
from services.assessment.adapters.views import household_areas, review_season
from services.assessment.metrics import AssessmentMetrics
from services.assessment.service import (
    AssessmentUnitOfWork,
    MeetingEntry,
    Rules,
    household_view,
    recognise,
    recognise_commune,
    record_meeting,
    record_meetings,
    what_if,
    what_if_summary,
)
from shared.access import Area, Caller, Perm, body, path, query, resource
from shared.errors import DomainError, ErrorKind, not_found
from shared.runtime import Runtime


class MeetingIn(BaseModel):
    held_on: date = Field(description="Date of the village meeting.")
    attendees: int = Field(ge=1, le=100_000, description="People attending.")
    agreeing: int = Field(ge=0, le=100_000, description="Attendees agreeing with the result.")


class MeetingVoteIn(MeetingIn):
    household_code: str = Field(min_length=1, max_length=64, description="Household voted on.")


class RecognitionIn(BaseModel):
    decision_no: str = Field(min_length=1, max_length=64, description="Commune decision number.")
    decided_on: date = Field(description="Date of the decision.")


def _in_area(caller: Caller, perm: Perm, area: Area | None, household_code: str) -> None:
    if area is None:
        raise not_found("household_code", "hộ", "household", household_code)
    caller.require(perm, area)


def router(rt: Runtime, rules: Rules, metrics: AssessmentMetrics) -> APIRouter:
    api = APIRouter(tags=["assessment"])
    review = rt.access.requires(Perm.REVIEW_WRITE, resource("household"))

    async def check_areas(caller: Caller, household_codes: list[str]) -> None:
        """Every household exists (404) and lies in the caller's area for review (403)."""
        areas = await asyncio.to_thread(household_areas, rt.engine, household_codes)
        for code in household_codes:
            _in_area(caller, Perm.REVIEW_WRITE, areas.get(code), code)

    @api.get("/households/{household_code}")
    async def get_household(
        household_code: str,
        caller: Annotated[Caller, rt.access.requires(Perm.HOUSEHOLD_READ, resource("household"))],
    ) -> dict[str, Any]:
        """Review state and latest result under each standard, with every indicator and why
        (each result's ``explained`` is false, and its reasons null, when the rules have
        changed since it was classified)."""
        view = await asyncio.to_thread(household_view, rt.engine, household_code, rules)
        if view is None:
            raise not_found("household_code", "hộ", "household", household_code)
        latest: dict[str, Any] = next(iter(view["results"].values()), {})
        caller.require(
            Perm.HOUSEHOLD_READ,
            Area(
                province=latest.get("province_code"),
                commune=view["state"]["commune_code"],
                village=latest.get("village_code"),
            ),
        )
        return view

    @api.get("/standards")
    async def get_standards(
        _caller: Annotated[Caller, rt.access.signed_in("the standards in force are public law")],
    ) -> list[dict[str, Any]]:
        """Standards in force: lines, governed years, indicators and their legal basis."""
        return [
            {
                **json.loads(s.canonical_json),
                "rule_hash": s.rule_hash,
                "pending_confirmation": list(s.pending_confirmation),
            }
            for s in rules.standards
        ]

    @api.get("/whatif")
    async def get_whatif(
        caller: Annotated[Caller, rt.access.requires(Perm.WHATIF_RUN, query("commune"))],
        alternative: str = Query(default="vn-2027-2030", max_length=64),
        baseline: str = Query(default="vn-2022-2025", max_length=64),
        commune: str | None = Query(default=None, max_length=16),
        limit: int = Query(default=1000, ge=0, le=100_000),
    ) -> dict[str, Any]:
        """Re-classify the registry (or a commune) under another standard without touching
        recognised statuses: who changes class, from what to what, and which indicator or line
        caused it, with totals. Without ``commune``: every commune the caller may see."""
        scope = caller.area_filter(Perm.WHATIF_RUN)
        communes: str | frozenset[str] | None = commune
        if commune is None and not scope.everything:
            communes = scope.communes
        try:
            report = await asyncio.to_thread(
                what_if,
                rt.engine,
                rules,
                baseline_id=baseline,
                alternative_id=alternative,
                commune_code=communes,
            )
        except LookupError as exc:
            raise DomainError(
                "alternative/baseline",
                "Không có chuẩn nghèo này.",
                str(exc),
                ErrorKind.NOT_FOUND,
                code="unknown_standard",
            ) from exc
        return what_if_summary(report, limit)

    @api.get("/review/season")
    async def get_review_season(
        caller: Annotated[Caller, rt.access.requires(Perm.HOUSEHOLD_READ, query("commune"))],
        commune: str | None = Query(default=None, max_length=16),
        offset: int = Query(default=0, ge=0, le=10_000_000),
        limit: int = Query(default=500, ge=0, le=5000),
    ) -> dict[str, Any]:
        """Where the review stands in each commune the caller may see: households surveyed,
        awaiting the village meeting, meetings held, sent back for re-survey, recognised. With
        ``commune``: that commune only, with ``limit`` of its households from ``offset`` (for
        the meeting and recognition screens)."""
        scope = caller.area_filter(Perm.HOUSEHOLD_READ)
        communes: frozenset[str] | None = None if scope.everything else scope.communes
        if commune is not None:
            communes = frozenset({commune})
        return await asyncio.to_thread(
            review_season, rt.engine, communes, list_commune=commune, limit=limit, offset=offset
        )

    @api.post("/households/{household_code}/meetings")
    async def post_meeting(
        household_code: str, meeting: MeetingIn, caller: Annotated[Caller, review]
    ) -> dict[str, str]:
        """Record the village meeting; below 50% agreeing sends the household to re-survey."""
        review_dates.not_in_future("held_on", meeting.held_on, review_dates.today_in_vietnam())
        await check_areas(caller, [household_code])
        outcome = await asyncio.to_thread(
            record_meeting,
            AssessmentUnitOfWork(rt.engine),
            household_code,
            held_on=meeting.held_on,
            attendees=meeting.attendees,
            agreeing=meeting.agreeing,
            now=datetime.now(UTC),
            actor=caller.actor,
        )
        return {"household_code": household_code, "outcome": outcome}

    @api.post("/households/{household_code}/recognition")
    async def post_recognition(
        household_code: str, decision: RecognitionIn, caller: Annotated[Caller, review]
    ) -> dict[str, Any]:
        """The commune's recognition decision: the proposed status becomes recognised."""
        review_dates.not_in_future(
            "decided_on", decision.decided_on, review_dates.today_in_vietnam()
        )
        await check_areas(caller, [household_code])
        await asyncio.to_thread(
            review_dates.not_before_meetings,
            rt.engine,
            decision.decided_on,
            household_codes=[household_code],
        )
        event = await asyncio.to_thread(
            recognise,
            AssessmentUnitOfWork(rt.engine),
            household_code,
            decision_no=decision.decision_no,
            decided_on=decision.decided_on,
            rules=rules,
            now=datetime.now(UTC),
            actor=caller.actor,
        )
        p = event.payload
        metrics.classified.labels(p.standard_id, p.stage.value, p.status.value).inc()
        rt.relay.notify()
        return {
            "household_code": household_code,
            "status": p.status.value,
            "transition": p.transition.value,
            "stage": p.stage.value,
        }

    @api.post("/meetings")
    async def post_meetings(
        votes: Annotated[list[MeetingVoteIn], Body(max_length=5000)],
        caller: Annotated[Caller, rt.access.requires(Perm.REVIEW_WRITE, body("household_code"))],
    ) -> dict[str, Any]:
        """Record a village meeting's votes on many households at once (all within the
        caller's area, or nothing is recorded)."""
        today = review_dates.today_in_vietnam()
        for i, m in enumerate(votes):
            review_dates.not_in_future(f"{i}.held_on", m.held_on, today)
        await check_areas(caller, [m.household_code for m in votes])
        entries = [
            MeetingEntry(m.household_code, m.held_on, m.attendees, m.agreeing) for m in votes
        ]
        outcomes = await asyncio.to_thread(
            record_meetings,
            AssessmentUnitOfWork(rt.engine),
            entries,
            datetime.now(UTC),
            caller.actor,
        )
        return {"outcomes": outcomes}

    @api.post("/communes/{commune_code}/recognition")
    async def post_commune_recognition(
        commune_code: str,
        decision: RecognitionIn,
        caller: Annotated[Caller, rt.access.requires(Perm.REVIEW_WRITE, path("commune_code"))],
    ) -> dict[str, Any]:
        """The commune's recognition decision for the review: every household whose latest
        survey the village meeting agreed becomes recognised with its proposed status."""
        review_dates.not_in_future(
            "decided_on", decision.decided_on, review_dates.today_in_vietnam()
        )
        await asyncio.to_thread(review_dates.commune_known, rt.engine, commune_code)
        await asyncio.to_thread(
            review_dates.not_before_meetings,
            rt.engine,
            decision.decided_on,
            commune_code=commune_code,
        )
        outcome = await asyncio.to_thread(
            recognise_commune,
            AssessmentUnitOfWork(rt.engine),
            commune_code,
            decision_no=decision.decision_no,
            decided_on=decision.decided_on,
            rules=rules,
            now=datetime.now(UTC),
            actor=caller.actor,
        )
        counts: dict[str, int] = {}
        for e in outcome.recognised:
            p = e.payload
            metrics.classified.labels(p.standard_id, p.stage.value, p.status.value).inc()
            counts[p.status.value] = counts.get(p.status.value, 0) + 1
        if outcome.recognised:
            rt.relay.notify()
        return {
            "commune_code": commune_code,
            "recognised": len(outcome.recognised),
            "by_status": counts,
            "awaiting_meeting": outcome.awaiting_meeting,
        }

    return api
