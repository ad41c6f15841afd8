"""Reporting's HTTP routes: counts by commune and status, support totals."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Query

from services.reporting.service import (
    change_table,
    event_tallies,
    household_counts,
    poverty_summary,
    support_totals,
)
from shared.runtime import Runtime


def router(rt: Runtime) -> APIRouter:
    api = APIRouter(prefix="/reports", tags=["reports"])

    @api.get("/households")
    async def households(
        standard: str = Query(default="vn-2022-2025", max_length=32, pattern=r"^[a-z0-9-]+$"),
    ) -> dict[str, Any]:
        """Households and persons by commune and poverty status under a standard."""
        rows = await asyncio.to_thread(household_counts, rt.engine, standard)
        return {
            "standard_id": standard,
            "total_households": sum(r.households for r in rows),
            "rows": [r.__dict__ for r in rows],
        }

    @api.get("/summary")
    async def summary(
        standard: str = Query(default="vn-2022-2025", max_length=32, pattern=r"^[a-z0-9-]+$"),
        year: int | None = Query(default=None, ge=2000, le=2100),
    ) -> dict[str, Any]:
        """Poor and near-poor households and rates by commune (row ``*``: the province)."""
        rows = await asyncio.to_thread(poverty_summary, rt.engine, standard, year)
        return {"standard_id": standard, "review_year": year, "rows": rows}

    @api.get("/changes")
    async def changes(
        standard: str = Query(default="vn-2022-2025", max_length=32, pattern=r"^[a-z0-9-]+$"),
        year: int | None = Query(default=None, ge=2000, le=2100),
    ) -> dict[str, Any]:
        """Change tables: start and end of period, escaped, fell back, newly poor, …"""
        rows = await asyncio.to_thread(change_table, rt.engine, standard, year)
        return {"standard_id": standard, "review_year": year, "rows": rows}

    @api.get("/support")
    async def support() -> dict[str, Any]:
        """Number and value of disbursements by commune and kind of support."""
        rows = await asyncio.to_thread(support_totals, rt.engine)
        return {"total_vnd": sum(r["amount_vnd"] for r in rows), "rows": rows}

    @api.get("/events")
    async def events() -> dict[str, Any]:
        """How many events of each type the aggregates include (each event once)."""
        return {"applied": await asyncio.to_thread(event_tallies, rt.engine)}

    return api
