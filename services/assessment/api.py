"""Assessment's HTTP routes: a household's result and explanation, the review workflow."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Body, HTTPException, Query
from pydantic import BaseModel, Field

from services.assessment import review_dates
from services.assessment.metrics import AssessmentMetrics
from services.assessment.service import (
    AssessmentUnitOfWork,
    MeetingEntry,
    ReviewError,
    Rules,
    household_view,
    recognise,
    recognise_commune,
    record_meeting,
    record_meetings,
    what_if,
    what_if_summary,
)
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


def _error(exc: ReviewError) -> HTTPException:
    return HTTPException(
        status_code=exc.status,
        detail=[{"field": exc.field, "message_vi": exc.message_vi, "message_en": exc.message_en}],
    )


def router(rt: Runtime, rules: Rules, metrics: AssessmentMetrics) -> APIRouter:
    api = APIRouter(tags=["assessment"])

    @api.get("/households/{household_code}")
    async def get_household(household_code: str) -> dict[str, Any]:
        """Review state and latest result under each standard, with every indicator and why."""
        view = await asyncio.to_thread(household_view, rt.engine, household_code)
        if view is None:
            raise HTTPException(
                404,
                detail=[
                    {
                        "field": "household_code",
                        "message_vi": "Không tìm thấy hộ.",
                        "message_en": "Household not found.",
                    }
                ],
            )
        return view

    @api.get("/standards")
    async def get_standards() -> list[dict[str, Any]]:
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
        alternative: str = Query(default="vn-2027-2030", max_length=64),
        baseline: str = Query(default="vn-2022-2025", max_length=64),
        commune: str | None = Query(default=None, max_length=16),
        limit: int = Query(default=1000, ge=0, le=100_000),
    ) -> dict[str, Any]:
        """Re-classify the registry (or a commune) under another standard without touching
        recognised statuses: who changes class, from what to what, and which indicator or line
        caused it, with totals."""
        try:
            report = await asyncio.to_thread(
                what_if,
                rt.engine,
                rules,
                baseline_id=baseline,
                alternative_id=alternative,
                commune_code=commune,
            )
        except LookupError as exc:
            raise HTTPException(
                404,
                detail=[
                    {
                        "field": "alternative/baseline",
                        "message_vi": "Không có chuẩn nghèo này.",
                        "message_en": str(exc),
                    }
                ],
            ) from exc
        return what_if_summary(report, limit)

    @api.post("/households/{household_code}/meetings")
    async def post_meeting(household_code: str, body: MeetingIn) -> dict[str, str]:
        """Record the village meeting; below 50% agreeing sends the household to re-survey."""
        review_dates.not_in_future("held_on", body.held_on, review_dates.today_in_vietnam())
        try:
            outcome = await asyncio.to_thread(
                record_meeting,
                AssessmentUnitOfWork(rt.engine),
                household_code,
                held_on=body.held_on,
                attendees=body.attendees,
                agreeing=body.agreeing,
                now=datetime.now(UTC),
            )
        except ReviewError as exc:
            raise _error(exc) from exc
        return {"household_code": household_code, "outcome": outcome}

    @api.post("/households/{household_code}/recognition")
    async def post_recognition(household_code: str, body: RecognitionIn) -> dict[str, Any]:
        """The commune's recognition decision: the proposed status becomes recognised."""
        review_dates.not_in_future("decided_on", body.decided_on, review_dates.today_in_vietnam())
        await asyncio.to_thread(
            review_dates.not_before_meetings,
            rt.engine,
            body.decided_on,
            household_codes=[household_code],
        )
        try:
            event = await asyncio.to_thread(
                recognise,
                AssessmentUnitOfWork(rt.engine),
                household_code,
                decision_no=body.decision_no,
                decided_on=body.decided_on,
                rules=rules,
                now=datetime.now(UTC),
            )
        except ReviewError as exc:
            raise _error(exc) from exc
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
    async def post_meetings(body: list[MeetingVoteIn] = Body(max_length=5000)) -> dict[str, Any]:
        """Record a village meeting's votes on many households at once."""
        today = review_dates.today_in_vietnam()
        for i, m in enumerate(body):
            review_dates.not_in_future(f"{i}.held_on", m.held_on, today)
        entries = [MeetingEntry(m.household_code, m.held_on, m.attendees, m.agreeing) for m in body]
        try:
            outcomes = await asyncio.to_thread(
                record_meetings, AssessmentUnitOfWork(rt.engine), entries, datetime.now(UTC)
            )
        except ReviewError as exc:
            raise _error(exc) from exc
        return {"outcomes": outcomes}

    @api.post("/communes/{commune_code}/recognition")
    async def post_commune_recognition(commune_code: str, body: RecognitionIn) -> dict[str, Any]:
        """The commune's recognition decision for the review: every household whose latest
        survey the village meeting agreed becomes recognised with its proposed status."""
        review_dates.not_in_future("decided_on", body.decided_on, review_dates.today_in_vietnam())
        await asyncio.to_thread(review_dates.commune_known, rt.engine, commune_code)
        await asyncio.to_thread(
            review_dates.not_before_meetings, rt.engine, body.decided_on, commune_code=commune_code
        )
        try:
            outcome = await asyncio.to_thread(
                recognise_commune,
                AssessmentUnitOfWork(rt.engine),
                commune_code,
                decision_no=body.decision_no,
                decided_on=body.decided_on,
                rules=rules,
                now=datetime.now(UTC),
            )
        except ReviewError as exc:
            raise _error(exc) from exc
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
