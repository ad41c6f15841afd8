"""Support use cases: keep the register of classified households; record support for them.

Support is only recorded for a household the platform has classified; anything else is an
unknown household, reported as such. Recording and its event commit together (outbox).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from services.support.adapters.tables import disbursements, enrolments, known, plumbing
from shared.access.model import Actor, Area
from shared.contracts.classifications import HouseholdClassified, precedence
from shared.contracts.support import DisbursementPayload, SupportDisbursed
from shared.contracts.training import EnrolmentPayload, TrainingEnrolled
from shared.db import SqlUnitOfWork, upsert_latest
from shared.runtime import STREAM_OF

PRODUCER = "support"


class DisbursementRequest(DisbursementPayload):
    """What an officer records; the commune is taken from the household register."""

    commune_code: str = ""


class EnrolmentRequest(EnrolmentPayload):
    """What an officer records; the commune is taken from the household register."""

    commune_code: str = ""


class UnknownHousehold(LookupError):
    def __init__(self, household_code: str) -> None:
        super().__init__(household_code)
        self.household_code = household_code


@dataclass(frozen=True)
class Recorded:
    id: str
    created: bool


class SupportUnitOfWork(SqlUnitOfWork):
    def __init__(self, engine: Engine) -> None:
        super().__init__(engine, plumbing, STREAM_OF)

    def household(self, code: str) -> dict[str, Any] | None:
        row = self.conn.execute(sa.select(known).where(known.c.household_code == code)).first()
        return dict(row._mapping) if row else None

    def exists(self, table: sa.Table, key: str, value: str) -> bool:
        q = sa.select(sa.literal(1)).select_from(table).where(table.c[key] == value)
        return self.conn.execute(q).first() is not None


def register_classifications(
    uow: SupportUnitOfWork, events: Sequence[HouseholdClassified], now: datetime
) -> int:
    """Apply governing classifications to the register; the latest survey of a household wins."""
    with uow:
        fresh = [e for e in uow.unseen(events) if isinstance(e, HouseholdClassified)]
        newest: dict[str, dict[str, Any]] = {}
        for e in fresh:
            p = e.payload
            if not p.governing:
                continue
            key = precedence(p)
            current = newest.get(p.household_code)
            if current is None or key >= current["order_key"]:
                newest[p.household_code] = {
                    "household_code": p.household_code,
                    "commune_code": p.commune_code,
                    "status": p.status.value,
                    "stage": p.stage.value,
                    "order_key": key,
                }
        upsert_latest(uow.conn, known, list(newest.values()), keys=["household_code"])
        uow.mark_processed(fresh, now)
        uow.commit()
        return len(fresh)


def household_area(engine: Engine, household_code: str) -> Area | None:
    """The commune of a household in the register (None: not classified yet)."""
    with engine.connect() as conn:
        commune = conn.execute(
            sa.select(known.c.commune_code).where(known.c.household_code == household_code)
        ).scalar_one_or_none()
    return None if commune is None else Area(commune=commune)


def record_disbursement(
    uow: SupportUnitOfWork,
    request: DisbursementRequest,
    *,
    correlation_id: str,
    now: datetime,
    actor: Actor | None = None,
) -> Recorded:
    """Record support for a known household; a repeated disbursement id changes nothing."""
    with uow:
        if uow.exists(disbursements, "disbursement_id", request.disbursement_id):
            return Recorded(request.disbursement_id, created=False)
        household = uow.household(request.household_code)
        if household is None:
            raise UnknownHousehold(request.household_code)
        payload = DisbursementPayload(
            **{**request.model_dump(), "commune_code": household["commune_code"]}
        )
        event = SupportDisbursed.create(payload, producer=PRODUCER, correlation_id=correlation_id)
        uow.conn.execute(
            sa.insert(disbursements),
            [
                {
                    "disbursement_id": payload.disbursement_id,
                    "household_code": payload.household_code,
                    "commune_code": payload.commune_code,
                    "kind": payload.kind.value,
                    "amount_vnd": payload.amount_vnd,
                    "disbursed_on": payload.disbursed_on,
                    "payload": event.to_json(),
                    "recorded_at": now,
                }
            ],
        )
        uow.stage([event])
        if actor is not None:
            uow.audit(
                actor,
                "support.disbursed",
                "household",
                payload.household_code,
                service=PRODUCER,
                area=Area(commune=payload.commune_code),
                after={
                    "disbursement_id": payload.disbursement_id,
                    "kind": payload.kind.value,
                    "amount_vnd": payload.amount_vnd,
                },
                correlation_id=correlation_id,
            )
        uow.commit()
    return Recorded(payload.disbursement_id, created=True)


def record_enrolment(
    uow: SupportUnitOfWork,
    request: EnrolmentRequest,
    *,
    correlation_id: str,
    actor: Actor | None = None,
) -> Recorded:
    """Enrol a member of a known household in training; a repeated enrolment id is harmless."""
    with uow:
        if uow.exists(enrolments, "enrolment_id", request.enrolment_id):
            return Recorded(request.enrolment_id, created=False)
        household = uow.household(request.household_code)
        if household is None:
            raise UnknownHousehold(request.household_code)
        payload = EnrolmentPayload(
            **{**request.model_dump(), "commune_code": household["commune_code"]}
        )
        event = TrainingEnrolled.create(payload, producer=PRODUCER, correlation_id=correlation_id)
        uow.conn.execute(
            sa.insert(enrolments),
            [
                {
                    "enrolment_id": payload.enrolment_id,
                    "household_code": payload.household_code,
                    "member_no": payload.member_no,
                    "payload": event.to_json(),
                }
            ],
        )
        uow.stage([event])
        if actor is not None:
            uow.audit(
                actor,
                "training.enrolled",
                "household",
                payload.household_code,
                service=PRODUCER,
                area=Area(commune=payload.commune_code),
                after={"enrolment_id": payload.enrolment_id, "member_no": payload.member_no},
                correlation_id=correlation_id,
            )
        uow.commit()
    return Recorded(payload.enrolment_id, created=True)
