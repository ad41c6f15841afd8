"""Support records: one, a batch (a tablet syncing, up to 1,000), lists and totals."""

# No `from __future__ import annotations` here: FastAPI reads the route signatures' Annotated
# dependencies (built per router) at definition time.

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response, status
from pydantic import ValidationError

from services.support.adapters.ledger_repo import MAX_PAGE_SIZE, RecordFilter
from services.support.api.context import (
    NO_CONTROL,
    CodeQuery,
    CommuneQuery,
    CorrelationId,
    Ctx,
    access_area,
    answer,
    id_path,
    within,
)
from services.support.usecases.common import EARLIEST, LATEST
from services.support.usecases.reads import (
    Entity,
    list_records,
    locate_many,
    record_detail,
    record_totals,
)
from services.support.usecases.records import (
    MAX_BATCH,
    SupportRequest,
    record_support,
    record_support_batch,
)
from services.support.views import Page, Recorded, RecordView, Totals, Written
from shared.access import Caller, Perm, query, resource
from shared.access.model import forbidden
from shared.contracts.codes import FundingSource, PovertyStatus, RecordType, SupportKind
from shared.errors import DomainError, ErrorKind
from shared.http_errors import field_errors

MAX_PAGE = 100_000


def router(ctx: Ctx) -> APIRouter:
    api = APIRouter(tags=["support records"])
    rt = ctx.rt
    write = rt.access.requires(Perm.SUPPORT_WRITE, resource("household"))
    read_here = rt.access.requires(Perm.SUPPORT_READ, query("commune"))

    async def record_one(body: SupportRequest, caller: Caller, cid: str | None) -> Recorded:
        area = await ctx.allowed(caller, Perm.SUPPORT_WRITE, Entity.HOUSEHOLD, body.household_code)
        rec = await ctx.write(
            record_support,
            ctx.catalogue,
            body,
            may_override=caller.can(Perm.SUPPORT_OVERRIDE, area),
            caller=caller,
            correlation_id=cid,
        )
        if rec.created:
            ctx.metrics.recorded(body.kind.value, body.amount_vnd, overridden=rec.overridden)
        return rec

    @api.post("/records", status_code=status.HTTP_201_CREATED)
    async def post_record(
        body: SupportRequest,
        response: Response,
        caller: Annotated[Caller, write],
        x_correlation_id: CorrelationId = None,
    ) -> Written:
        """Record support given to a registered household under a catalogue programme (cash,
        goods or services). 201 when recorded; 200 when the same id was recorded with the same
        content (nothing changes); 409 naming the fields when it was recorded with other
        content; 422 with the reason when the programme's rules refuse it (an officer allowed
        to override records it with ``override_reason``)."""
        return answer(await record_one(body, caller, x_correlation_id), response)

    @api.post("/disbursements", status_code=status.HTTP_201_CREATED, deprecated=True)
    async def post_disbursement(
        body: SupportRequest,
        response: Response,
        caller: Annotated[Caller, write],
        x_correlation_id: CorrelationId = None,
    ) -> dict[str, Any]:
        """Former name of ``POST /records`` (same body; also answers ``disbursement_id``)."""
        written = answer(await record_one(body, caller, x_correlation_id), response)
        return {**written.model_dump(), "disbursement_id": written.id}

    @api.post("/records/batch", status_code=status.HTTP_200_OK)
    async def post_record_batch(
        items: Annotated[list[dict[str, Any]], Body(max_length=MAX_BATCH)],
        caller: Annotated[Caller, write],
        x_correlation_id: CorrelationId = None,
    ) -> dict[str, Any]:
        """Record up to 1,000 support records at once (a tablet syncing, a commune's list).
        Each item is checked on its own, as ``POST /records`` does, and answered in
        ``results`` (same order, with ``index``): ``created``, ``duplicate`` (recorded before
        with the same content), ``conflict`` (the id was used with other content) or
        ``rejected`` (invalid, refused by the rules, or a household outside the caller's
        area), with the reasons in Vietnamese and English. Accepted items are written in one
        transaction."""
        results: list[dict[str, Any]] = [{} for _ in items]
        valid: list[tuple[int, SupportRequest]] = []
        for i, item in enumerate(items):
            try:
                valid.append((i, SupportRequest.model_validate(item)))
            except ValidationError as exc:
                results[i] = {
                    "index": i,
                    "status": "rejected",
                    "errors": field_errors(exc.errors()),
                }
        areas = await ctx.run(locate_many, Entity.HOUSEHOLD, [r.household_code for _, r in valid])
        todo: list[tuple[int, SupportRequest]] = []
        overridable: set[str] = set()
        for i, request in valid:
            where = areas.get(request.household_code)
            area = access_area(where) if where else None
            if area is not None and not caller.can(Perm.SUPPORT_WRITE, area):
                problem = forbidden(Perm.SUPPORT_WRITE, area).problems[0]
                results[i] = _refused(i, request.disbursement_id, "rejected", [problem.as_dict()])
                continue
            if area is not None and caller.can(Perm.SUPPORT_OVERRIDE, area):
                overridable.add(request.household_code)
            todo.append((i, request))
        outcomes: list[Recorded | DomainError] = (
            await ctx.write(
                record_support_batch,
                ctx.catalogue,
                [r for _, r in todo],
                may_override=lambda code: code in overridable,
                caller=caller,
                correlation_id=x_correlation_id,
            )
            if todo
            else []
        )
        for (i, request), out in zip(todo, outcomes, strict=True):
            if isinstance(out, DomainError):
                state = "conflict" if out.kind is ErrorKind.CONFLICT else "rejected"
                results[i] = _refused(i, request.disbursement_id, state, _problems(out))
                continue
            results[i] = {
                "index": i,
                "status": "created" if out.created else "duplicate",
                "id": out.id,
                "commune_code": out.commune_code,
                "village_code": out.village_code,
                "overridden": out.overridden,
            }
            if out.created:
                ctx.metrics.recorded(
                    request.kind.value, request.amount_vnd, overridden=out.overridden
                )
        counts = {
            s: sum(1 for r in results if r["status"] == s)
            for s in ("created", "duplicate", "conflict", "rejected")
        }
        return {"counts": counts, "results": results}

    @api.get("/records")
    async def get_records(
        caller: Annotated[Caller, read_here],
        commune: CommuneQuery = None,
        village: Annotated[str | None, Query(max_length=32, pattern=NO_CONTROL)] = None,
        household_code: CodeQuery = None,
        programme_code: Annotated[
            str | None,
            Query(max_length=32, pattern=NO_CONTROL, description="A programme and its parts."),
        ] = None,
        kind: SupportKind | None = None,
        funding_source: FundingSource | None = None,
        given_from: Annotated[date | None, Query(ge=EARLIEST, le=LATEST)] = None,
        given_to: Annotated[date | None, Query(ge=EARLIEST, le=LATEST)] = None,
        status: Annotated[str | None, Query(max_length=16, pattern=NO_CONTROL)] = None,
        record_type: RecordType | None = None,
        household_status: PovertyStatus | None = None,
        overridden: bool | None = None,
        pairing_id: CodeQuery = None,
        page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
        page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
    ) -> Page[RecordView]:
        """Support records of the caller's area matching every criterion given (commune,
        village, household, programme with its sub-projects, kind, funding source, period,
        status, record type, the household's recognised status, overrides, pairing), oldest
        first, a page at a time, with the number matching."""
        criteria = _criteria(
            caller,
            commune,
            village_code=village,
            household_code=household_code,
            programme_code=programme_code,
            kind=kind.value if kind else None,
            funding_source=funding_source.value if funding_source else None,
            given_from=given_from,
            given_to=given_to,
            status=status,
            record_type=record_type.value if record_type else None,
            household_status=household_status.value if household_status else None,
            overridden=overridden,
            pairing_id=pairing_id,
        )
        return await ctx.run(list_records, criteria, page, page_size)

    @api.get("/records/totals")
    async def get_record_totals(
        caller: Annotated[Caller, read_here],
        commune: CommuneQuery = None,
        village: Annotated[str | None, Query(max_length=32, pattern=NO_CONTROL)] = None,
        programme_code: Annotated[str | None, Query(max_length=32, pattern=NO_CONTROL)] = None,
        kind: SupportKind | None = None,
        funding_source: FundingSource | None = None,
        given_from: Annotated[date | None, Query(ge=EARLIEST, le=LATEST)] = None,
        given_to: Annotated[date | None, Query(ge=EARLIEST, le=LATEST)] = None,
        record_type: RecordType | None = None,
        household_status: PovertyStatus | None = None,
    ) -> Totals:
        """Number and value of the records matching the criteria, by kind, funding source and
        programme (overrides counted apart), within the caller's area."""
        criteria = _criteria(
            caller,
            commune,
            village_code=village,
            programme_code=programme_code,
            kind=kind.value if kind else None,
            funding_source=funding_source.value if funding_source else None,
            given_from=given_from,
            given_to=given_to,
            record_type=record_type.value if record_type else None,
            household_status=household_status.value if household_status else None,
        )
        return await ctx.run(record_totals, criteria)

    @api.get("/records/{record_id}")
    async def get_record(
        record_id: Annotated[str, id_path("Support record id.")],
        caller: Annotated[Caller, rt.access.requires(Perm.SUPPORT_READ, resource("record"))],
    ) -> RecordView:
        """One support record (with the override's reason and who overrode, if any)."""
        await ctx.allowed(caller, Perm.SUPPORT_READ, Entity.RECORD, record_id)
        return await ctx.run(record_detail, record_id)

    return api


def _criteria(caller: Caller, commune: str | None, **given: Any) -> RecordFilter:
    return RecordFilter(
        commune_codes=(commune,) if commune else (),
        within=within(caller, Perm.SUPPORT_READ),
        **given,
    )


def _problems(exc: DomainError) -> list[dict[str, str]]:
    return [p.as_dict() for p in exc.problems]


def _refused(i: int, record_id: str, state: str, errors: list[dict[str, Any]]) -> dict[str, Any]:
    return {"index": i, "status": state, "id": record_id, "errors": errors}
