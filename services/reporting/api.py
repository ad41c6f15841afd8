"""Reporting's HTTP routes: thin wrappers over the use cases (figures of durable rounds;
default: the latest round, recognised figures)."""

# No `from __future__ import annotations` here: FastAPI reads the route signatures' Annotated
# dependencies (built per router) at definition time.

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query

from services.reporting.adapters.repository import ReportingUnitOfWork
from services.reporting.domain.tables import Row, Table
from services.reporting.service import (
    Book,
    ReportConfig,
    TableKind,
    as_dict,
    event_tallies,
    household_counts,
    report_book,
    support_totals,
)
from shared.access import FILTER, NONE, Caller, Perm
from shared.runtime import Runtime

STANDARD = Query(default="vn-2022-2025", max_length=32, pattern=r"^[a-z0-9-]+$")
YEAR = Query(default=None, ge=2000, le=2100, description="Review round; default: the latest.")
STAGE = Query(
    default=None, max_length=16, description="proposed or recognised (default: recognised)."
)


def _area(row: Row) -> dict[str, Any]:
    a = row.area
    return {
        "area_code": a.code,
        "level": a.level.value,
        "name_vi": a.name_vi,
        "name_en": a.name_en,
        "parent_code": a.parent_code,
    }


def _head(book: Book) -> dict[str, Any]:
    return {
        "standard_id": book.key.standard_id,
        "review_year": book.key.review_year,
        "stage": book.key.stage.value,
    }


def summary_rows(table: Table) -> list[dict[str, Any]]:
    out = []
    for r in table.rows:
        row = _area(r)
        for col in table.columns:
            c = r.values[col.key]
            row[col.key] = c.households if c is not None else None
            row[f"{col.key}_persons"] = c.persons if c is not None else None
        row["persons"] = row.pop("households_persons")
        for rc in table.rates:
            rates = r.rate(rc)
            row[rc.key] = rates[0].percent() if rates else None
        out.append(row)
    return out


def change_rows(poor: Table, near_poor: Table) -> list[dict[str, Any]]:
    out = []
    for rp, rn in zip(poor.rows, near_poor.rows, strict=True):
        row = _area(rp)
        for name, r in (("poor", rp), ("near_poor", rn)):
            v = {k: (c.households if c is not None else None) for k, c in r.values.items()}
            start, end = v["start"], v["end"]
            row[name] = {
                "start": start,
                "end": end,
                "change": end - start if start is not None and end is not None else None,
                "decreases": {k[4:]: n for k, n in v.items() if k.startswith("dec_")},
                "increases": {k[4:]: n for k, n in v.items() if k.startswith("inc_")},
            }
        out.append(row)
    return out


def router(rt: Runtime, config: ReportConfig) -> APIRouter:
    api = APIRouter(prefix="/reports", tags=["reports"])
    read = rt.access.requires(Perm.REPORT_READ, FILTER)

    def visible(caller: Caller) -> frozenset[str] | None:
        """The communes the caller may see (None: the whole province)."""
        scope = caller.area_filter(Perm.REPORT_READ)
        return None if scope.everything else scope.communes

    def mine(rows: list[dict[str, Any]], caller: Caller) -> list[dict[str, Any]]:
        """Rows of the caller's communes and their villages only (province-wide callers: all)."""
        communes = visible(caller)
        if communes is None:
            return rows
        return [
            r
            for r in rows
            if (r["level"] == "commune" and r["area_code"] in communes)
            or (r["level"] == "village" and r["parent_code"] in communes)
        ]

    def uow() -> ReportingUnitOfWork:
        return ReportingUnitOfWork(rt.engine)

    @api.get("/households")
    async def households(
        caller: Annotated[Caller, read],
        standard: str = STANDARD,
        year: int | None = YEAR,
        stage: str | None = STAGE,
    ) -> dict[str, Any]:
        """Households and persons by commune and poverty status in a round."""
        rows = await asyncio.to_thread(household_counts, uow(), standard, year, stage)
        communes = visible(caller)
        if communes is not None:
            rows = [r for r in rows if r.commune_code in communes]
        return {
            "standard_id": standard,
            "total_households": sum(r.households for r in rows),
            "rows": [as_dict(r) for r in rows],
        }

    @api.get("/summary")
    async def summary(
        caller: Annotated[Caller, read],
        standard: str = STANDARD,
        year: int | None = YEAR,
        stage: str | None = STAGE,
    ) -> dict[str, Any]:
        """Poor and near-poor households and rates by commune, former district and province."""
        book = await asyncio.to_thread(
            report_book,
            uow(),
            standard_id=standard,
            review_year=year,
            stage=stage,
            tables=[TableKind.SUMMARY],
            config=config,
        )
        rows = mine(summary_rows(book.table(TableKind.SUMMARY)), caller)
        return {**_head(book), "rows": rows}

    @api.get("/changes")
    async def changes(
        caller: Annotated[Caller, read],
        standard: str = STANDARD,
        year: int | None = YEAR,
        stage: str | None = STAGE,
    ) -> dict[str, Any]:
        """Change tables of poor and near-poor households: start, decreases, increases, end."""
        book = await asyncio.to_thread(
            report_book,
            uow(),
            standard_id=standard,
            review_year=year,
            stage=stage,
            tables=[TableKind.CHANGES_POOR, TableKind.CHANGES_NEAR_POOR],
            config=config,
        )
        rows = change_rows(
            book.table(TableKind.CHANGES_POOR), book.table(TableKind.CHANGES_NEAR_POOR)
        )
        return {**_head(book), "rows": mine(rows, caller)}

    @api.get("/support")
    async def support(caller: Annotated[Caller, read]) -> dict[str, Any]:
        """Number and value of disbursements by commune and kind of support."""
        rows = await asyncio.to_thread(support_totals, uow())
        communes = visible(caller)
        if communes is not None:
            rows = [r for r in rows if r.commune_code in communes]
        return {"total_vnd": sum(r.amount_vnd for r in rows), "rows": [as_dict(r) for r in rows]}

    @api.get("/events")
    async def events(
        _caller: Annotated[Caller, rt.access.requires(Perm.REPORT_READ, NONE)],
    ) -> dict[str, Any]:
        """How many events of each type the projections include (each event once)."""
        return {"applied": await asyncio.to_thread(event_tallies, uow())}

    return api
