"""Intake's read side over HTTP: areas, households (lists, search, one household), surveys.

Names are returned to callers allowed ``personal:read`` in the household's area; citizen ids
are only ever shown masked, and a search by name or citizen id is recorded in the audit trail.
"""

# No `from __future__ import annotations` here: FastAPI reads the route signatures' Annotated
# dependencies (built per router) at definition time.

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from services.intake import registry as reads
from services.intake.adapters.vault import Vault
from services.intake.domain.areas import AreaRegistry
from services.intake.domain.life import LifeEventIn
from services.intake.domain.record import CITIZEN_ID_PATTERN
from services.intake.duplicates import Resolution, list_duplicates, resolve_duplicate
from services.intake.life_events import record_life_event
from services.intake.service import PRODUCER, IntakeUnitOfWork
from shared.access import Caller, Perm, body, query, resource
from shared.access.model import Area, forbidden
from shared.errors import not_found
from shared.runtime import Runtime


def areas_document(registry: AreaRegistry) -> dict[str, Any]:
    provinces: dict[str, str] = {}
    communes = []
    for c in sorted(registry.communes.values(), key=lambda c: c.code):
        provinces[c.province_code] = c.province_name
        communes.append(
            {
                "code": c.code,
                "name": c.name,
                "province_code": c.province_code,
                "commune_type": c.commune_type.value,
                "area_type": c.area_type.value,
                "former_district_code": c.former_district_code,
                "former_district_name": c.former_district_name,
                "villages": [
                    {"code": v.code, "name": v.name} for v in registry.villages_of(c.code)
                ],
            }
        )
    return {
        "as_of": registry.on.isoformat() if registry.on else None,
        "provinces": [{"code": k, "name": v} for k, v in sorted(provinces.items())],
        "communes": communes,
    }


def changes_document(registry: AreaRegistry) -> list[dict[str, Any]]:
    """The area list's dated changes, oldest first (``shared.area_changes``)."""
    return [
        {
            "effective_on": c.effective_on.isoformat(),
            "kind": c.kind.value,
            "code": c.code,
            "new_code": c.new_code,
            "new_name": c.new_name,
            "new_parent_code": c.new_parent_code,
            "note": c.note,
        }
        for c in registry.history.changes
    ]


def _audit_search(rt: Runtime, vault: Vault, caller: Caller, by: str, total: int) -> None:
    uow = IntakeUnitOfWork(rt.engine, vault)
    with uow:
        uow.audit(
            caller.actor,
            "personal.searched",
            "registry",
            by,
            service=PRODUCER,
            after={"by": by, "found": total},
            correlation_id=str(uuid.uuid4()),
        )
        uow.commit()


class DuplicateDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    resolution: Resolution = Field(description="data_corrected, person_moved or other.")
    note: str | None = Field(default=None, max_length=500)


class HouseholdSearch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    commune_code: str | None = Field(default=None, max_length=16)
    village_code: str | None = Field(default=None, max_length=32)
    name: str | None = Field(
        default=None,
        min_length=2,
        max_length=128,
        description="The head's full name or given name, or their beginning.",
    )
    citizen_id: str | None = Field(default=None, pattern=CITIZEN_ID_PATTERN)
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=10_000_000)


def router(rt: Runtime, registry: AreaRegistry, vault: Vault) -> APIRouter:
    api = APIRouter(tags=["registry"])
    areas = areas_document(registry)

    async def personal_read(
        caller: Caller,
        where: tuple[str, str] | None,
        read: Callable[..., dict[str, Any] | None],
        key: str,
        what: tuple[str, str, str],
    ) -> dict[str, Any]:
        """A stored record of ``where`` (commune, village): 404 if none, 403 outside the
        caller's area, personal data only for ``personal:read`` there."""
        field, what_vi, what_en = what
        if where is None:
            raise not_found(field, what_vi, what_en, key)
        area = Area(commune=where[0], village=where[1])
        caller.require(Perm.REGISTRY_READ, area)
        view = await asyncio.to_thread(
            read, rt.engine, key, vault, with_personal=caller.can(Perm.PERSONAL_READ, area)
        )
        if view is None:  # removed meanwhile
            raise not_found(field, what_vi, what_en, key)
        return view

    @api.get("/areas")
    async def get_areas(
        _caller: Annotated[Caller, rt.access.signed_in("area names and codes are public")],
        on: Annotated[
            date | None,
            Query(description="The areas in force on this date (default: today's)."),
        ] = None,
        history: Annotated[
            bool, Query(description="Also list the dated changes (merges, renames, moves).")
        ] = False,
    ) -> dict[str, Any]:
        """Provinces, communes (with their former district) and villages, with names, as
        they stand today or on a date; with ``history``, the changes that led there."""
        doc = areas if on is None else areas_document(registry.as_of(on))
        if history:
            doc = {**doc, "changes": changes_document(registry)}
        return doc

    async def page(
        caller: Caller, where: HouseholdSearch, *, code: str | None = None
    ) -> dict[str, Any]:
        personal = caller.area_filter(Perm.PERSONAL_READ)
        searching = bool(where.name or where.citizen_id)
        if searching and personal.nothing:
            raise forbidden(Perm.PERSONAL_READ, None)
        area = personal if searching else caller.area_filter(Perm.REGISTRY_READ)
        if where.commune_code and not area.admits(Area(commune=where.commune_code)):
            raise forbidden(Perm.REGISTRY_READ, Area(commune=where.commune_code))
        if where.village_code:
            village = registry.villages.get(where.village_code) or (
                registry.listed or registry
            ).villages.get(where.village_code)  # a village since merged away keeps its households
            if village is None:
                raise not_found("village_code", "thôn", "village", where.village_code)
            place = Area(commune=village.commune_code, village=where.village_code)
            if not area.admits(place):
                raise forbidden(Perm.REGISTRY_READ, place)
        q = reads.HouseholdQuery(
            area,
            where.commune_code,
            where.village_code,
            code,
            where.name,
            vault.match_key(where.citizen_id) if where.citizen_id else None,
            where.limit,
            where.offset,
        )
        found = await asyncio.to_thread(
            reads.list_households, rt.engine, q, with_names=not personal.nothing
        )
        if not personal.everything and not personal.nothing:
            for item in found["items"]:
                place = Area(commune=item["commune_code"], village=item["village_code"])
                if not personal.admits(place):
                    item.pop("head_name", None)
        if searching:
            by = "citizen_id" if where.citizen_id else "name"
            await asyncio.to_thread(_audit_search, rt, vault, caller, by, found["total"])
        return found

    @api.get("/households")
    async def get_households(
        caller: Annotated[Caller, rt.access.requires(Perm.REGISTRY_READ, query("commune_code"))],
        commune_code: Annotated[str | None, Query(max_length=16)] = None,
        village_code: Annotated[str | None, Query(max_length=32)] = None,
        code: Annotated[
            str | None, Query(max_length=64, description="Household code or its beginning.")
        ] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    ) -> dict[str, Any]:
        """Households of my area (of one commune or village if given), by code, with the
        head's name for those allowed to see personal data."""
        where = HouseholdSearch(
            commune_code=commune_code, village_code=village_code, limit=limit, offset=offset
        )
        return await page(caller, where, code=code)

    @api.post("/households/search")
    async def search_households(
        where: HouseholdSearch,
        caller: Annotated[
            Caller, rt.access.requires(Perm.REGISTRY_READ, body("commune_code,village_code"))
        ],
    ) -> dict[str, Any]:
        """Households of my area whose head's full or given name begins with this (diacritics
        optional), or with a member of this citizen id. Needs the right to see personal data;
        recorded in the audit trail (without the value). A POST, so that no name or citizen id
        is written into a URL (and so into a proxy's access log)."""
        return await page(caller, where)

    @api.get("/households/{household_code}")
    async def get_household(
        household_code: str,
        caller: Annotated[Caller, rt.access.requires(Perm.REGISTRY_READ, resource("household"))],
    ) -> dict[str, Any]:
        """A household: its latest survey with every answer, members' names and masked
        citizen ids (for those allowed to see them), every version received, its life events."""
        where = await asyncio.to_thread(reads.household_area, rt.engine, household_code)
        return await personal_read(
            caller,
            where,
            reads.household_view,
            household_code,
            ("household_code", "hộ", "household"),
        )

    @api.post("/households/{household_code}/events", status_code=status.HTTP_201_CREATED)
    async def post_life_event(
        household_code: str,
        event: LifeEventIn,
        response: Response,
        caller: Annotated[Caller, rt.access.requires(Perm.REGISTRY_WRITE, resource("household"))],
        x_correlation_id: Annotated[str | None, Header(max_length=128)] = None,
    ) -> dict[str, Any]:
        """Record that the household moved, split, merged into another or was dissolved, with
        its date and reason. Sent again with the same change id: 200, nothing twice. Every
        problem is answered at once (422; 409 for a closed household or a taken code)."""
        where = await asyncio.to_thread(reads.household_area, rt.engine, household_code)
        if where is None:
            raise not_found("household_code", "hộ", "household", household_code)
        caller.require(Perm.REGISTRY_WRITE, Area(commune=where[0], village=where[1]))
        receipt = await asyncio.to_thread(
            record_life_event,
            IntakeUnitOfWork(rt.engine, vault),
            registry,
            household_code,
            event,
            now=datetime.now(UTC),
            actor=caller.actor,
            correlation_id=x_correlation_id or str(uuid.uuid4()),
        )
        if receipt.created:
            rt.relay.notify()
        else:
            response.status_code = status.HTTP_200_OK
        return {
            "change_id": receipt.change_id,
            "household_code": receipt.household_code,
            "kind": receipt.kind,
            "status": "created" if receipt.created else "duplicate",
        }

    @api.get("/duplicates")
    async def get_duplicates(
        caller: Annotated[Caller, rt.access.requires(Perm.REGISTRY_READ, query("commune_code"))],
        commune_code: Annotated[str | None, Query(max_length=16)] = None,
        open_only: Annotated[bool, Query(alias="open")] = True,
    ) -> list[dict[str, Any]]:
        """People recorded in two households (by citizen id, never shown): each finding
        holds both households from recognition until resolved."""
        area = caller.area_filter(Perm.REGISTRY_READ)
        communes = {commune_code} if commune_code else (None if area.everything else area.communes)

        def read() -> list[dict[str, Any]]:
            with rt.engine.connect() as conn:
                return list_duplicates(conn, communes, open_only=open_only)

        return await asyncio.to_thread(read)

    @api.post("/duplicates/{duplicate_id}/resolve")
    async def post_resolve_duplicate(
        duplicate_id: str,
        decision: DuplicateDecision,
        caller: Annotated[Caller, rt.access.requires(Perm.REGISTRY_WRITE, resource("duplicate"))],
    ) -> dict[str, Any]:
        """Close a finding with the reason (an officer of either household's commune)."""

        def resolve() -> dict[str, Any]:
            uow = IntakeUnitOfWork(rt.engine, vault)
            with uow:
                now = datetime.now(UTC)
                done = resolve_duplicate(
                    uow.conn, duplicate_id, decision.resolution, decision.note,
                    caller.user_id, now,
                )  # fmt: skip
                if done is None:
                    raise not_found("duplicate_id", "phát hiện trùng", "finding", duplicate_id)
                row, event = done
                if not any(
                    caller.can(Perm.REGISTRY_WRITE, Area(commune=c))
                    for c in (row["commune_a"], row["commune_b"])
                ):
                    raise forbidden(Perm.REGISTRY_WRITE, Area(commune=row["commune_a"]))
                if event is not None:
                    uow.stage([event])
                    uow.audit(
                        caller.actor,
                        "duplicate.resolved",
                        "duplicate",
                        duplicate_id,
                        service=PRODUCER,
                        area=Area(commune=row["commune_a"]),
                        after={"resolution": decision.resolution.value},
                        correlation_id=str(uuid.uuid4()),
                    )
                uow.commit()
            return {
                "duplicate_id": duplicate_id,
                "resolution": decision.resolution.value if event else row["resolution"],
                "status": "resolved" if event else "already_resolved",
            }

        answer = await asyncio.to_thread(resolve)
        rt.relay.notify()
        return answer

    @api.get("/surveys/{survey_id}")
    async def get_survey(
        survey_id: str,
        caller: Annotated[Caller, rt.access.requires(Perm.REGISTRY_READ, resource("survey"))],
    ) -> dict[str, Any]:
        """One survey version as received (names for those allowed to see them)."""
        found = await asyncio.to_thread(reads.survey_household, rt.engine, survey_id)
        return await personal_read(
            caller, found[1:] if found else None, reads.survey_view, survey_id,
            ("survey_id", "phiếu", "survey"),
        )  # fmt: skip

    return api
