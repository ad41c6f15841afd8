"""What every support route shares: the runtime, catalogue and metrics, where a record is (for
area rules), running a use case off the event loop, and the answer to a write."""

# No `from __future__ import annotations` in route modules (FastAPI reads their signatures).

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any, TypeVar

from fastapi import Header, Path, Query, Response, status

from services.support.adapters.ledger_repo import Within
from services.support.adapters.uow import SupportUnitOfWork
from services.support.domain.areas import AreaMap
from services.support.domain.catalogue import Catalogue
from services.support.domain.groups import now_local_date
from services.support.metrics import SupportMetrics
from services.support.usecases.common import EARLIEST, LATEST
from services.support.usecases.reads import Entity, Seen, locate
from services.support.views import Area as WhereView
from services.support.views import Recorded, Written
from shared.access import Area, Caller, Perm
from shared.runtime import Runtime

T = TypeVar("T")

NO_CONTROL = r"^[^\x00-\x1f]+$"
"""Codes and ids in paths and query strings: printable text."""

CorrelationId = Annotated[
    str | None,
    Header(max_length=128, description="Ties the events and audit entries of one request."),
]
CommuneQuery = Annotated[
    str | None,
    Query(min_length=1, max_length=16, pattern=NO_CONTROL, description="Commune code."),
]
CodeQuery = Annotated[str | None, Query(min_length=1, max_length=64, pattern=NO_CONTROL)]
DayQuery = Annotated[
    date | None,
    Query(ge=EARLIEST, le=LATEST, description="As of this day (default: today, Vietnam time)."),
]


def id_path(description: str) -> Any:
    return Path(min_length=1, max_length=64, pattern=NO_CONTROL, description=description)


def access_area(where: WhereView) -> Area:
    return Area(commune=where.commune_code or None, village=where.village_code or None)


def within(caller: Caller, perm: Perm) -> Within | None:
    """The caller's area for ``perm`` as a list filter (``None``: the whole province)."""
    f = caller.area_filter(perm)
    if f.everything:
        return None
    return Within(tuple(sorted(f.communes)), tuple(sorted(f.villages)))


def seen(caller: Caller, perm: Perm) -> Seen:
    f = caller.area_filter(perm)
    return Seen(
        everything=f.everything,
        orgs=tuple(sorted(f.orgs)),
        within=Within(tuple(sorted(f.communes)), tuple(sorted(f.villages))),
    )


def today() -> date:
    return now_local_date(datetime.now(UTC))


@dataclass(frozen=True)
class Ctx:
    rt: Runtime
    metrics: SupportMetrics
    catalogue: Catalogue
    areas: AreaMap

    def uow(self) -> SupportUnitOfWork:
        return SupportUnitOfWork(self.rt.engine)

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """A use case in a worker thread, with a fresh unit of work as first argument."""
        return await asyncio.to_thread(fn, self.uow(), *args, **kwargs)

    async def area_of(self, entity: Entity, entity_id: str) -> Area:
        """Where a household or record is (404 if unknown)."""
        return access_area(await self.run(locate, entity, entity_id))

    async def allowed(self, caller: Caller, perm: Perm, entity: Entity, entity_id: str) -> Area:
        """The area of ``entity_id``, which the caller must hold ``perm`` over (403)."""
        area = await self.area_of(entity, entity_id)
        caller.require(perm, area)
        return area

    async def write(
        self,
        use_case: Callable[..., T],
        *args: Any,
        caller: Caller,
        correlation_id: str | None,
        **kwargs: Any,
    ) -> T:
        """Run a write as ``caller``, then wake the outbox relay (a no-op if nothing was
        staged)."""
        rec = await self.run(
            use_case,
            *args,
            actor=caller.actor,
            correlation_id=correlation_id or str(uuid.uuid4()),
            now=datetime.now(UTC),
            **kwargs,
        )
        self.rt.relay.notify()
        return rec


def answer(rec: Recorded, response: Response) -> Written:
    """201 for a new record, 200 for an identical repeat (nothing changed)."""
    if not rec.created:
        response.status_code = status.HTTP_200_OK
    return Written(
        id=rec.id,
        created=rec.created,
        commune_code=rec.commune_code,
        village_code=rec.village_code,
        overridden=rec.overridden,
        eligible_group=rec.eligible_group,
    )
