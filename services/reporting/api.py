"""Reporting's HTTP routes: counts by commune and status, support totals."""

# No `from __future__ import annotations` here: FastAPI reads the route signatures' Annotated
# dependencies (built per router) at definition time.

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query

from services.reporting.service import (
    change_table,
    event_tallies,
    household_counts,
    poverty_summary,
    support_totals,
)
from shared.access import FILTER, NONE, Caller, Perm
from shared.runtime import Runtime


def router(rt: Runtime) -> APIRouter:
    api = APIRouter(prefix="/reports", tags=["reports"])
    read = rt.access.requires(Perm.REPORT_READ, FILTER)

    def visible(caller: Caller) -> frozenset[str] | None:
        """The communes the caller may see (None: the whole province)."""
        scope = caller.area_filter(Perm.REPORT_READ)
        return None if scope.everything else scope.communes

    @api.get("/households")
    async def households(
        caller: Annotated[Caller, read],
        standard: str = Query(default="vn-2022-2025", max_length=32, pattern=r"^[a-z0-9-]+$"),
    ) -> dict[str, Any]:
        """Households and persons by commune and poverty status under a standard."""
        rows = await asyncio.to_thread(household_counts, rt.engine, standard, visible(caller))
        return {
            "standard_id": standard,
            "total_households": sum(r.households for r in rows),
            "rows": [r.__dict__ for r in rows],
        }

    @api.get("/summary")
    async def summary(
        caller: Annotated[Caller, read],
        standard: str = Query(default="vn-2022-2025", max_length=32, pattern=r"^[a-z0-9-]+$"),
        year: int | None = Query(default=None, ge=2000, le=2100),
    ) -> dict[str, Any]:
        """Poor and near-poor households and rates by commune (row ``*``: the province)."""
        rows = await asyncio.to_thread(poverty_summary, rt.engine, standard, year, visible(caller))
        return {"standard_id": standard, "review_year": year, "rows": rows}

    @api.get("/changes")
    async def changes(
        caller: Annotated[Caller, read],
        standard: str = Query(default="vn-2022-2025", max_length=32, pattern=r"^[a-z0-9-]+$"),
        year: int | None = Query(default=None, ge=2000, le=2100),
    ) -> dict[str, Any]:
        """Change tables: start and end of period, escaped, fell back, newly poor, …"""
        rows = await asyncio.to_thread(change_table, rt.engine, standard, year, visible(caller))
        return {"standard_id": standard, "review_year": year, "rows": rows}

    @api.get("/support")
    async def support(caller: Annotated[Caller, read]) -> dict[str, Any]:
        """Number and value of disbursements by commune and kind of support."""
        rows = await asyncio.to_thread(support_totals, rt.engine, visible(caller))
        return {"total_vnd": sum(r["amount_vnd"] for r in rows), "rows": rows}

    @api.get("/events")
    async def events(
        _caller: Annotated[Caller, rt.access.requires(Perm.REPORT_READ, NONE)],
    ) -> dict[str, Any]:
        """How many events of each type the aggregates include (each event once)."""
        return {"applied": await asyncio.to_thread(event_tallies, rt.engine)}

    return api
