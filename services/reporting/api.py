"""Reporting's HTTP routes: thin wrappers over the use cases (figures of durable rounds;
default: the latest round, recognised figures)."""

# No `from __future__ import annotations` here: FastAPI reads the route signatures' Annotated
# dependencies (built per router) at definition time.

import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Query, Response

from services.reporting import views
from services.reporting.adapters.export_book import csv_bytes, xlsx_bytes
from services.reporting.adapters.repository import ReportingUnitOfWork
from services.reporting.domain.areas import AreaLevel
from services.reporting.domain.plans import PlanVsActual
from services.reporting.domain.signoff import Actor as SignActor
from services.reporting.domain.signoff import Role, Step
from services.reporting.domain.tables import Row, Table
from services.reporting.plans import latest_plan_year, plan_table
from services.reporting.service import (
    Book,
    ListKind,
    ReportConfig,
    TableKind,
    TargetInput,
    area_cover,
    area_list,
    as_dict,
    event_tallies,
    frozen_figures,
    household_counts,
    household_list,
    known_rounds,
    mpi_rows,
    report_book,
    set_targets,
    signoff_status,
    signoff_step,
    support_outcomes,
    support_totals,
    table_catalogue,
    target_comparison,
)
from shared.access import FILTER, NONE, Caller, Perm, body, path
from shared.access.model import Area, forbidden
from shared.errors import DomainError
from shared.runtime import Runtime

STANDARD = Query(default="vn-2022-2025", max_length=32, pattern=r"^[a-z0-9-]+$")
YEAR = Query(default=None, ge=2000, le=2100, description="Review round; default: the latest.")
STAGE = Query(
    default=None, max_length=16, description="proposed or recognised (default: recognised)."
)
AREA = Query(
    default=None,
    max_length=16,
    pattern=r"^[A-Za-z0-9._-]+$",
    description="Province, former district, commune or village code (default: the caller's "
    "commune when it has one, else the whole province).",
)
BY = Query(
    default=None,
    max_length=16,
    description="Level of the rows: former_district, commune or village (default: one below "
    "the area).",
)
AREAS = Query(
    default="round",
    pattern="^(round|today)$",
    description="round: the areas in force at the end of the round's year (a past round keeps "
    "the communes of its time); today: today's areas (a merged commune summed into the one "
    "it joined).",
)
COMMUNE = Path(max_length=16, pattern=r"^[A-Za-z0-9._-]+$", description="Commune code.")
TABLE_KINDS = [k.value for k in TableKind]


@dataclass(frozen=True, slots=True)
class Where:
    """The area a query reads for a caller: ``area`` (None: the whole province) and, for a
    caller limited to some communes who asked for no area, the communes whose rows it sees."""

    area: str | None
    communes: frozenset[str] | None
    suppress: bool


def where(uow: ReportingUnitOfWork, caller: Caller, perm: Perm, area: str | None) -> Where:
    """Check ``area`` against the caller's grants for ``perm`` (403 outside them); small
    cells are hidden unless the caller may see them unsuppressed (province analysts)."""
    scope = caller.area_filter(perm)
    suppress = not caller.can(Perm.REPORT_UNSUPPRESSED)
    if scope.everything:
        return Where(area, None, suppress)
    if area is None:
        if len(scope.communes) == 1 and not scope.villages:
            return Where(next(iter(scope.communes)), None, suppress)
        if len(scope.villages) == 1 and not scope.communes:
            return Where(next(iter(scope.villages)), None, suppress)
        return Where(None, scope.communes, suppress)
    cover = area_cover(uow, area)
    if cover.level is AreaLevel.VILLAGE and area in scope.villages:
        return Where(area, None, suppress)
    if cover.communes and cover.communes <= scope.communes:
        return Where(area, None, suppress)
    raise forbidden(perm, Area(commune=area))


def keep(rows: list[Row], communes: frozenset[str] | None) -> list[Row]:
    """The rows of ``communes`` and their villages (None: every row)."""
    if communes is None:
        return list(rows)
    return [
        r
        for r in rows
        if (r.area.level is AreaLevel.COMMUNE and r.area.code in communes)
        or (r.area.level is AreaLevel.VILLAGE and r.area.parent_code in communes)
    ]


def _no_commune_rows(w: Where, by: str | None) -> None:
    if w.communes is not None and by not in (None, AreaLevel.COMMUNE.value):
        raise DomainError(
            "area",
            "Hãy chọn một xã (area) để xem theo thôn.",
            "Choose one commune (area) to see it by village.",
            code="area_required",
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

    def plans_for(w: Where, year: int) -> PlanVsActual:
        """The plan-vs-actual table of ``year`` for what the caller reads (a village: its
        commune's)."""
        area = w.area
        if area is not None:
            cover = area_cover(uow(), area)
            if cover.level is AreaLevel.VILLAGE:
                area = next(iter(cover.communes), area)
        return plan_table(uow(), year=year, area=area, communes=w.communes)

    @api.get("/households")
    async def households(
        caller: Annotated[Caller, read],
        standard: str = STANDARD,
        year: int | None = YEAR,
        stage: str | None = STAGE,
    ) -> dict[str, Any]:
        """Households and persons by commune and poverty status in a round (small cells
        hidden, with their complements, for roles below province analyst)."""
        communes = visible(caller)
        if not caller.can(Perm.REPORT_UNSUPPRESSED):
            book = await asyncio.to_thread(
                report_book,
                uow(),
                standard_id=standard,
                review_year=year,
                stage=stage,
                tables=[TableKind.SUMMARY],
                suppress=True,
                config=config,
            )
            table = book.table(TableKind.SUMMARY)
            statuses = [c.key for c in table.columns if c.key not in ("households", "listed")]
            shown = [
                {
                    "commune_code": r.area.code,
                    "status": status,
                    "households": c.households if (c := r.values[status]) is not None else None,
                    "persons": c.persons if c is not None else None,
                }
                for r in table.rows
                if r.area.level is AreaLevel.COMMUNE
                and (communes is None or r.area.code in communes)
                for status in statuses
                if (v := r.values[status]) is None or v.households
            ]
            counts = [x["households"] for x in shown]
            return {
                "standard_id": standard,
                "total_households": None if None in counts else sum(c or 0 for c in counts),
                "rows": shown,
            }
        rows = await asyncio.to_thread(household_counts, uow(), standard, year, stage)
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
            suppress=not caller.can(Perm.REPORT_UNSUPPRESSED),
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
        areas: str = AREAS,
    ) -> dict[str, Any]:
        """Change tables of poor and near-poor households: start, decreases, increases, end
        (moves, splits, merges and dissolutions in the "other" rows)."""
        book = await asyncio.to_thread(
            report_book,
            uow(),
            standard_id=standard,
            review_year=year,
            stage=stage,
            tables=[TableKind.CHANGES_POOR, TableKind.CHANGES_NEAR_POOR],
            suppress=not caller.can(Perm.REPORT_UNSUPPRESSED),
            config=config,
            areas=areas,
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
        out = [as_dict(r) for r in rows]
        if caller.can(Perm.REPORT_UNSUPPRESSED):
            return {"total_vnd": sum(r.amount_vnd for r in rows), "rows": out}
        # below province analyst: a row resting on 1-4 households is hidden, and the total
        # with it (else the hidden value would be the total minus the rest)
        hidden = False
        for r in out:
            if 0 < r["households"] < config.threshold:
                hidden = True
                r.update(disbursements=None, amount_vnd=None, households=None)
        total = None if hidden else sum(r.amount_vnd for r in rows)
        return {"total_vnd": total, "rows": out}

    @api.get("/events")
    async def events(
        _caller: Annotated[Caller, rt.access.requires(Perm.REPORT_READ, NONE)],
    ) -> dict[str, Any]:
        """How many events of each type the projections include (each event once)."""
        return {"applied": await asyncio.to_thread(event_tallies, uow())}

    # the year-end book -----------------------------------------------------------------------

    def book_for(
        caller: Caller,
        *,
        standard: str,
        year: int | None,
        stage: str | None,
        area: str | None,
        by: str | None,
        tables: list[str] | None,
        cutoff: str | None = None,
        unsuppressed: bool = False,
        areas: str = "round",
    ) -> tuple[Book, Where]:
        u = uow()
        w = where(u, caller, Perm.REPORT_READ, area)
        _no_commune_rows(w, by)
        suppress = w.suppress or not unsuppressed
        book = report_book(
            u,
            standard_id=standard,
            review_year=year,
            stage=stage,
            area=w.area,
            by=by,
            tables=tables,
            suppress=suppress,
            cutoff=cutoff,
            config=config,
            areas=areas,
        )
        return book, Where(w.area, w.communes, suppress)

    @api.get("/rounds", response_model=list[views.RoundOut])
    async def rounds(
        _caller: Annotated[Caller, rt.access.requires(Perm.REPORT_READ, NONE)],
    ) -> list[views.RoundOut]:
        """Every round with figures (standard, year, stage), newest first per standard."""
        keys = await asyncio.to_thread(known_rounds, uow())
        return [
            views.RoundOut(
                standard_id=k.standard_id, review_year=k.review_year, stage=k.stage.value
            )
            for k in keys
        ]

    @api.get("/areas", response_model=list[views.AreaOut])
    async def areas(caller: Annotated[Caller, read]) -> list[views.AreaOut]:
        """The areas a report can be asked for, with names (the caller's communes and their
        villages; province-wide callers: every area)."""
        found = await asyncio.to_thread(area_list, uow())
        scope = caller.area_filter(Perm.REPORT_READ)
        if not scope.everything:
            found = [
                a
                for a in found
                if (a.level is AreaLevel.COMMUNE and a.code in scope.communes)
                or (
                    a.level is AreaLevel.VILLAGE
                    and (a.parent_code in scope.communes or a.code in scope.villages)
                )
            ]
        return [views.area_out(a) for a in found]

    @api.get("/tables", response_model=list[views.TableInfo])
    async def catalogue(
        _caller: Annotated[Caller, rt.access.requires(Perm.REPORT_READ, NONE)],
    ) -> list[views.TableInfo]:
        """The tables of the year-end book (keys for /reports/tables/{table} and exports)."""
        return [
            views.TableInfo(key=k, title_vi=vi, title_en=en)
            for k, vi, en in table_catalogue(config)
        ]

    @api.get("/tables/{table}", response_model=views.TableOut)
    async def one_table(
        caller: Annotated[Caller, read],
        table: Annotated[Literal[tuple(TABLE_KINDS)], Path(description="Table key.")],  # type: ignore[valid-type]
        standard: str = STANDARD,
        year: int | None = YEAR,
        stage: str | None = STAGE,
        area: str | None = AREA,
        by: str | None = BY,
        unsuppressed: bool = Query(
            default=True,
            description="Province analysts: figures as they are (false: hidden "
            "small cells, as published). Ignored for other roles (always hidden).",
        ),
        areas: str = AREAS,
    ) -> views.TableOut:
        """One table of the round's book for an area, rows by level (small cells hidden for
        roles below province analyst)."""
        book, w = await asyncio.to_thread(
            book_for,
            caller,
            standard=standard,
            year=year,
            stage=stage,
            area=area,
            by=by,
            tables=[table],
            unsuppressed=unsuppressed,
            areas=areas,
        )
        t = book.table(table)
        return views.table_out(book, t, keep(list(t.rows), w.communes), w.suppress)

    @api.get("/book", response_model=views.BookOut)
    async def whole_book(
        caller: Annotated[Caller, read],
        standard: str = STANDARD,
        year: int | None = YEAR,
        stage: str | None = STAGE,
        area: str | None = AREA,
        by: str | None = BY,
        tables: list[str] | None = Query(default=None, description="Tables (default: all)."),
        unsuppressed: bool = Query(default=True, description="As for /reports/tables/{table}."),
        areas: str = AREAS,
    ) -> views.BookOut:
        """Several (default: all) tables of the round's book at once; the whole book (no
        ``tables``) also has the plans of the round's year against actual."""
        book, w = await asyncio.to_thread(
            book_for,
            caller,
            standard=standard,
            year=year,
            stage=stage,
            area=area,
            by=by,
            tables=tables,
            unsuppressed=unsuppressed,
            areas=areas,
        )
        planned = (
            await asyncio.to_thread(plans_for, w, book.key.review_year) if not tables else None
        )
        return views.BookOut(
            plan_vs_actual=views.plan_vs_actual_out(planned) if planned else None,
            round=views.round_out(book),
            area=views.area_out(book.area) if book.area else None,
            by=book.by.value,
            suppressed=w.suppress,
            tables=[
                views.table_out(book, t, keep(list(t.rows), w.communes), w.suppress)
                for t in book.tables
            ],
        )

    @api.get("/mpi", response_model=views.MpiOut)
    async def mpi(
        caller: Annotated[Caller, read],
        standard: str = STANDARD,
        year: int | None = YEAR,
        stage: str | None = STAGE,
        area: str | None = AREA,
        by: str | None = BY,
        k: str | None = Query(
            default=None, max_length=16, description="Cutoff, e.g. 3/12, 1/3 or 25% (default 1/4)."
        ),
    ) -> views.MpiOut:
        """Alkire–Foster index per area: H, A, M0 and each indicator's and dimension's share."""
        book, w = await asyncio.to_thread(
            book_for,
            caller,
            standard=standard,
            year=year,
            stage=stage,
            area=area,
            by=by,
            tables=[TableKind.MPI.value],
            unsuppressed=True,
            cutoff=k,
        )
        mine_ = {r.area.code for r in keep(list(book.table(TableKind.MPI).rows), w.communes)}
        rows = [r for r in mpi_rows(book) if r.area.code in mine_]
        return views.mpi_out(book, rows, w.suppress)

    @api.get("/lists/{kind}", response_model=views.HouseholdListOut)
    async def lists(
        caller: Annotated[Caller, rt.access.requires(Perm.HOUSEHOLD_READ, FILTER)],
        kind: Annotated[Literal["poor", "near_poor", "newly_escaped"], Path()],
        standard: str = STANDARD,
        year: int | None = YEAR,
        stage: str | None = STAGE,
        area: str | None = AREA,
        limit: int = Query(default=500, ge=1, le=10_000),
        offset: int = Query(default=0, ge=0, le=10_000_000),
    ) -> views.HouseholdListOut:
        """Detailed list of poor, near-poor or newly escaped households (causes, needs,
        deprivations, support received) in the caller's area. Needs household:read; a
        caller with several communes names one (area)."""

        def run() -> views.HouseholdListOut:
            u = uow()
            w = where(u, caller, Perm.HOUSEHOLD_READ, area)
            if w.communes is not None:
                raise DomainError(
                    "area",
                    "Hãy chọn một xã hoặc thôn (area) trong địa bàn của bạn.",
                    "Choose one commune or village (area) of yours.",
                    code="area_required",
                )
            found = household_list(
                u,
                standard_id=standard,
                kind=ListKind(kind),
                review_year=year,
                stage=stage,
                area=w.area,
                limit=limit,
                offset=offset,
            )
            return views.list_out(found, limit, offset)

        return await asyncio.to_thread(run)

    # targets ---------------------------------------------------------------------------------

    @api.get("/targets", response_model=views.TargetsOut)
    async def targets(
        caller: Annotated[Caller, read],
        year: int = Query(ge=2000, le=2100, description="Year of the plan (review round)."),
        standard: str = STANDARD,
        area: str | None = AREA,
    ) -> views.TargetsOut:
        """Planned reductions of the year against the recognised figures: exceeded, met or
        missed (within the caller's area)."""

        def run() -> views.TargetsOut:
            u = uow()
            w = where(u, caller, Perm.REPORT_READ, area)
            rows = target_comparison(
                u, standard_id=standard, review_year=year, area=w.area, config=config
            )
            if w.communes is not None:
                rows = [r for r in rows if r.area.code in w.communes]
            return views.TargetsOut(
                standard_id=standard, review_year=year, rows=[views.target_out(r) for r in rows]
            )

        return await asyncio.to_thread(run)

    @api.put("/targets", response_model=list[views.TargetSetOut])
    async def put_targets(
        caller: Annotated[Caller, rt.access.requires(Perm.TARGETS_WRITE, body("items.area_code"))],
        payload: views.TargetsIn,
    ) -> list[views.TargetSetOut]:
        """Enter planned reductions (percentage points) per commune, former district or
        province and year; the province enters them (a grant over the whole province)."""
        if not caller.area_filter(Perm.TARGETS_WRITE).everything:
            raise forbidden(Perm.TARGETS_WRITE, Area(commune=payload.items[0].area_code))
        items = [
            TargetInput(i.review_year, i.area_code, i.measure, i.planned_reduction)
            for i in payload.items
        ]
        saved = await asyncio.to_thread(
            set_targets,
            uow(),
            items,
            SignActor(caller.user_id, Role.PROVINCE),
            datetime.now(UTC),
            audit=caller.actor,
        )
        return [
            views.TargetSetOut(
                review_year=t.review_year,
                area_code=t.area_code,
                measure=t.measure.value,
                planned_reduction=str(t.planned_reduction),
            )
            for t in saved
        ]

    # sign-off --------------------------------------------------------------------------------

    @api.get("/signoff/{commune_code}", response_model=views.SignoffOut)
    async def signoff(
        _caller: Annotated[Caller, rt.access.requires(Perm.REPORT_READ, path("commune_code"))],
        commune_code: str = COMMUNE,
        year: int = Query(ge=2000, le=2100, description="Review round."),
        standard: str = STANDARD,
    ) -> views.SignoffOut:
        """Where a commune's recognised figures for a round stand, the last approved version
        and every step taken."""
        found = await asyncio.to_thread(
            signoff_status, uow(), standard_id=standard, review_year=year, commune_code=commune_code
        )
        return views.signoff_out(found)

    @api.get("/signoff/{commune_code}/versions/{version}", response_model=views.FrozenOut)
    async def frozen(
        _caller: Annotated[Caller, rt.access.requires(Perm.REPORT_READ, path("commune_code"))],
        commune_code: str = COMMUNE,
        version: int = Path(ge=1, le=1_000_000),
        year: int = Query(ge=2000, le=2100, description="Review round."),
        standard: str = STANDARD,
    ) -> views.FrozenOut:
        """An approved version of a commune's figures exactly as approved."""
        import json

        v = await asyncio.to_thread(
            frozen_figures,
            uow(),
            standard_id=standard,
            review_year=year,
            commune_code=commune_code,
            version=version,
        )
        return views.FrozenOut(
            version=v.version,
            content_hash=v.content_hash,
            submitted_by=v.submitted_by,
            submitted_at=v.submitted_at,
            approved_by=v.approved_by,
            approved_at=v.approved_at,
            standard_id=standard,
            review_year=year,
            commune_code=commune_code,
            figures=[tuple(x) for x in json.loads(v.content)],
        )

    def step_route(step: Step, perm: Perm, level: Role, doc: str) -> None:
        async def take(
            caller: Annotated[Caller, rt.access.requires(perm, path("commune_code"))],
            commune_code: str = COMMUNE,
            payload: views.SignoffIn = Body(),
        ) -> views.SignoffOut:
            found = await asyncio.to_thread(
                signoff_step,
                uow(),
                step,
                standard_id=payload.standard,
                review_year=payload.year,
                commune_code=commune_code,
                actor=SignActor(caller.user_id, level),
                now=datetime.now(UTC),
                reason=payload.reason,
                audit=caller.actor,
            )
            return views.signoff_out(found)

        take.__doc__ = doc
        api.add_api_route(
            f"/signoff/{{commune_code}}/{step.value}",
            take,
            methods=["POST"],
            response_model=views.SignoffOut,
            name=f"signoff_{step.value}",
            summary=f"Sign-off: {step.value}",
        )

    step_route(
        Step.SUBMIT,
        Perm.REPORT_SUBMIT,
        Role.COMMUNE,
        "The commune submits its recognised figures for the round (stored with their hash).",
    )
    step_route(
        Step.APPROVE,
        Perm.REPORT_APPROVE,
        Role.PROVINCE,
        "The province approves the submitted figures: frozen as the next version.",
    )
    step_route(
        Step.RETURN,
        Perm.REPORT_APPROVE,
        Role.PROVINCE,
        "The province returns a submission to the commune (reason required).",
    )
    step_route(
        Step.REOPEN,
        Perm.REPORT_APPROVE,
        Role.PROVINCE,
        "The province reopens an approved version (reason required).",
    )

    @api.get("/support-outcomes", response_model=views.OutcomesOut)
    async def outcomes(
        caller: Annotated[Caller, read],
        standard: str = STANDARD,
        year: int | None = YEAR,
        stage: str | None = STAGE,
        area: str | None = AREA,
        support_from: date | None = Query(
            default=None, description="Support counted from (default: 1 January after the round)."
        ),
        support_to: date | None = Query(
            default=None, description="Support counted to (default: 31 December after the round)."
        ),
        as_of: date | None = Query(default=None, description="Loan book date (default: today)."),
    ) -> views.OutcomesOut:
        """Support outcomes of a round's lists: coverage of each kind among poor and near-poor
        households, the loan book (outstanding, overdue), training coverage against the goal,
        and the next round's exit rate of supported against unsupported households (an
        association, not an effect)."""

        def run() -> views.OutcomesOut:
            u = uow()
            w = where(u, caller, Perm.REPORT_READ, area)
            if w.communes is not None:
                raise DomainError(
                    "area",
                    "Hãy chọn một xã (area) trong địa bàn của bạn.",
                    "Choose one commune (area) of yours.",
                    code="area_required",
                )
            found = support_outcomes(
                u,
                standard_id=standard,
                review_year=year,
                stage=stage,
                area=w.area,
                as_of=as_of or datetime.now(UTC).date(),
                support_from=support_from,
                support_to=support_to,
                suppress=w.suppress,
                config=config,
            )
            return views.outcomes_out(found, w.suppress)

        return await asyncio.to_thread(run)

    @api.get("/plan-vs-actual", response_model=views.PlanVsActualOut)
    async def plan_vs_actual(
        caller: Annotated[Caller, read],
        year: int | None = Query(
            default=None, ge=2000, le=2100, description="Plan year (default: the latest)."
        ),
        area: str | None = Query(
            default=None,
            max_length=16,
            pattern=r"^[A-Za-z0-9._-]+$",
            description="Province, former district or commune (default: the caller's commune "
            "when it has one, else each province; a caller allowed in some communes only "
            "sees their rows).",
        ),
    ) -> views.PlanVsActualOut:
        """Plans against actual: each area's plan of the year (money per programme component
        and funding source: allocated, committed, disbursed, remaining; physical targets:
        planned against actual, distinct households), with rollups commune → former district
        → province and the year-end verdict "above plan"."""

        def run() -> views.PlanVsActualOut:
            u = uow()
            w = where(u, caller, Perm.REPORT_READ, area)
            return views.plan_vs_actual_out(
                plans_for(w, year if year is not None else latest_plan_year(u))
            )

        return await asyncio.to_thread(run)

    # exports ---------------------------------------------------------------------------------

    @api.get(
        "/export",
        response_class=Response,
        responses={
            200: {
                "content": {
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
                    "text/csv": {},
                },
                "description": "The book as XLSX (one sheet per table) or one table as CSV.",
            }
        },
    )
    async def export(
        caller: Annotated[Caller, read],
        format: Literal["xlsx", "csv"] = Query(default="xlsx"),
        table: str | None = Query(default=None, max_length=32, description="CSV: the table."),
        standard: str = STANDARD,
        year: int | None = YEAR,
        stage: str | None = STAGE,
        area: str | None = AREA,
        by: str | None = BY,
        published: bool = Query(
            default=True,
            description="Hide small cells (always, for roles below province "
            "analyst); false: figures as they are, for internal use.",
        ),
    ) -> Response:
        """Download the year-end book: every table as XLSX, or one table as CSV (bilingual
        headers, area names, totals first; text never a formula)."""
        if format == "csv" and table is None:
            raise DomainError(
                "table",
                "Xuất CSV cần chọn một bảng (table).",
                "A CSV export needs one table (table).",
                code="table_required",
            )

        def run() -> tuple[bytes, str]:
            book, w = book_for(
                caller,
                standard=standard,
                year=year,
                stage=stage,
                area=area,
                by=by,
                tables=[table] if table else None,
                unsuppressed=not published,
            )
            if w.communes is not None:
                book = restrict(book, w.communes)
            k = book.key
            stem = (
                f"baocao-{k.review_year}-{k.stage.value}-{book.area.code if book.area else 'tinh'}"
            )
            if format == "csv":
                return csv_bytes(book.tables[0]), f"{stem}-{book.tables[0].key}.csv"
            planned = plans_for(w, k.review_year) if table is None else None
            return xlsx_bytes(book, planned), f"{stem}.xlsx"

        data, filename = await asyncio.to_thread(run)
        media = (
            "text/csv; charset=utf-8"
            if format == "csv"
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        return Response(
            data,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    return api


def restrict(book: Book, communes: frozenset[str]) -> Book:
    """The book with only the rows of ``communes`` (and their villages)."""
    from dataclasses import replace

    from services.reporting.domain.tables import with_rows

    return replace(
        book, tables=tuple(with_rows(t, keep(list(t.rows), communes)) for t in book.tables)
    )
