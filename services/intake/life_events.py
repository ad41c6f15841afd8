"""Recording a household's life event: checked, applied to the registry, its event staged and
audited, all in one transaction (``domain.life`` holds the rules).

The change id is an idempotency key: the same change sent again is acknowledged, the same id
with other content is a conflict.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from services.intake.adapters.tables import households, life_events, surveys
from services.intake.domain.areas import AreaRegistry
from services.intake.domain.life import ACTIVE, HouseholdSnapshot, LifeEventIn, problems
from services.intake.service import PRODUCER, IntakeUnitOfWork
from shared.access.model import Actor, Area
from shared.contracts.registry import HouseholdChanged, HouseholdChangedPayload, LifeEventKind
from shared.errors import DomainError, ErrorKind, not_found


@dataclass(frozen=True)
class LifeEventReceipt:
    change_id: str
    household_code: str
    kind: str
    created: bool


def _digest(event: LifeEventIn, household_code: str) -> str:
    body = event.model_dump_json() + "\x1f" + household_code
    return hashlib.sha256(body.encode()).hexdigest()


def _snapshot(uow: IntakeUnitOfWork, code: str) -> HouseholdSnapshot | None:
    row = uow.conn.execute(sa.select(households).where(households.c.household_code == code)).first()
    if row is None:
        return None
    first: date | None = None
    members: frozenset[int] = frozenset()
    for survey_id, payload in uow.conn.execute(
        sa.select(surveys.c.survey_id, surveys.c.payload).where(surveys.c.household_code == code)
    ):
        p = json.loads(payload)["payload"]
        surveyed = datetime.fromisoformat(p["surveyed_at"]).date()
        first = surveyed if first is None else min(first, surveyed)
        if survey_id == row.latest_survey_id:
            members = frozenset(int(m["member_no"]) for m in p["members"])
    return HouseholdSnapshot(code, row.state, row.commune_code, row.village_code, first, members)


def record_life_event(
    uow: IntakeUnitOfWork,
    registry: AreaRegistry,
    household_code: str,
    event: LifeEventIn,
    *,
    now: datetime,
    actor: Actor | None,
    correlation_id: str,
) -> LifeEventReceipt:
    """Check and apply ``event`` to ``household_code`` (``DomainError``: 404, 409 or 422)."""
    digest = _digest(event, household_code)
    with uow:
        seen = uow.conn.execute(
            sa.select(life_events.c.content_hash, life_events.c.household_code).where(
                life_events.c.change_id == event.change_id
            )
        ).first()
        if seen is not None:
            if seen.content_hash != digest:
                raise DomainError(
                    "change_id",
                    "Mã biến động đã được dùng cho một biến động khác.",
                    "This change id was already used for a different change.",
                    ErrorKind.CONFLICT,
                    code="conflict",
                )
            return LifeEventReceipt(event.change_id, household_code, event.kind.value, False)
        household = _snapshot(uow, household_code)
        if household is None:
            raise not_found("household_code", "hộ", "household", household_code)
        related = (
            _snapshot(uow, event.into_household_code)
            if event.kind is LifeEventKind.MERGED and event.into_household_code
            else None
        )
        taken = bool(
            event.kind is LifeEventKind.SPLIT
            and event.new_household_code
            and uow.conn.execute(
                sa.select(households.c.household_code).where(
                    households.c.household_code == event.new_household_code
                )
            ).first()
        )
        kind, found = problems(
            event, household, registry, now.date(), related=related, new_code_taken=taken
        )
        if found:
            raise DomainError.of(found, kind)
        payload = _apply(uow, registry, household, event)
        uow.conn.execute(
            sa.insert(life_events).values(
                change_id=event.change_id,
                household_code=household.code,
                kind=event.kind.value,
                effective_on=event.effective_on,
                from_commune_code=payload.from_commune_code,
                from_village_code=payload.from_village_code,
                to_commune_code=payload.to_commune_code,
                to_village_code=payload.to_village_code,
                related_household_code=payload.related_household_code,
                member_nos=",".join(map(str, sorted(event.member_nos))),
                cause=event.cause.value if event.cause else None,
                note=event.note,
                content_hash=digest,
                recorded_by=actor.user_id if actor else None,
                recorded_at=now,
            )
        )
        uow.stage(
            [HouseholdChanged.create(payload, producer=PRODUCER, correlation_id=correlation_id)]
        )
        if actor is not None:
            uow.audit(
                actor,
                f"household.{event.kind.value}",
                "household",
                household.code,
                service=PRODUCER,
                area=Area(commune=household.commune_code, village=household.village_code),
                before={
                    "commune_code": household.commune_code,
                    "village_code": household.village_code,
                    "state": household.state,
                },
                after=_after(payload),
                correlation_id=correlation_id,
            )
        uow.commit()
    return LifeEventReceipt(event.change_id, household.code, event.kind.value, True)


def _after(p: HouseholdChangedPayload) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": p.kind.value,
        "effective_on": p.effective_on.isoformat(),
        "commune_code": p.to_commune_code,
        "village_code": p.to_village_code,
    }
    if p.related_household_code:
        out["related_household_code"] = p.related_household_code
    if p.cause:
        out["cause"] = p.cause.value
    return out


def _apply(
    uow: IntakeUnitOfWork,
    registry: AreaRegistry,
    household: HouseholdSnapshot,
    event: LifeEventIn,
) -> HouseholdChangedPayload:
    h = households
    where = h.c.household_code == household.code
    to_commune, to_village = household.commune_code, household.village_code
    related: str | None = None
    if event.kind is LifeEventKind.MOVED:
        to_commune, to_village = event.to_commune_code or "", event.to_village_code or ""
        uow.conn.execute(
            sa.update(h).where(where).values(commune_code=to_commune, village_code=to_village)
        )
    elif event.kind is LifeEventKind.SPLIT:
        related = event.new_household_code
        uow.conn.execute(sa.update(h).where(where).values(needs_survey=True))
        uow.conn.execute(
            sa.insert(h).values(
                household_code=related,
                commune_code=household.commune_code,
                village_code=household.village_code,
                latest_version=0,
                latest_survey_id="",
                latest_order_key="",
                state=ACTIVE,
                needs_survey=True,
            )
        )
    elif event.kind is LifeEventKind.MERGED:
        related = event.into_household_code
        uow.conn.execute(sa.update(h).where(where).values(state="merged"))
    else:
        uow.conn.execute(sa.update(h).where(where).values(state="dissolved"))
    return HouseholdChangedPayload(
        change_id=event.change_id,
        kind=event.kind,
        household_code=household.code,
        effective_on=event.effective_on,
        province_code=registry.listed_commune(household.commune_code).province_code,
        from_commune_code=household.commune_code,
        from_village_code=household.village_code,
        to_commune_code=to_commune,
        to_village_code=to_village,
        related_household_code=related,
        members=len(set(event.member_nos)) if event.kind is LifeEventKind.SPLIT else 0,
        cause=event.cause,
    )
