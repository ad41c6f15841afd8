"""Intake use cases: store accepted surveys as new household versions and stage their events.

A survey id is an idempotency key: the same survey sent again is acknowledged, not stored
twice; the same id with different content is a conflict. A household surveyed again gets a new
version, never a second household. Survey rows and their ``HouseholdSurveyed`` events are
written in one transaction (transactional outbox), so an accepted survey is never lost even
when Redis is down.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from services.intake.adapters.tables import households, plumbing, surveys
from shared.contracts.surveys import HOUSEHOLD_SURVEYED_STREAM, HouseholdSurveyed, SurveyPayload
from shared.db import SqlUnitOfWork, upsert
from shared.runtime import STREAM_OF

PRODUCER = "intake"


class ReceiptStatus(StrEnum):
    CREATED = "created"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"


@dataclass(frozen=True)
class Receipt:
    survey_id: str
    household_code: str
    version: int
    status: ReceiptStatus


class IntakeUnitOfWork(SqlUnitOfWork):
    def __init__(self, engine: Engine) -> None:
        super().__init__(engine, plumbing, STREAM_OF)

    def stored_surveys(self, ids: Sequence[str]) -> dict[str, tuple[str, int, str]]:
        """survey id -> (household code, version, content hash) for ids already stored."""
        found: dict[str, tuple[str, int, str]] = {}
        for i in range(0, len(ids), 500):
            q = sa.select(
                surveys.c.survey_id,
                surveys.c.household_code,
                surveys.c.version,
                surveys.c.content_hash,
            ).where(surveys.c.survey_id.in_(ids[i : i + 500]))
            for sid, hh, ver, digest in self.conn.execute(q):
                found[sid] = (hh, ver, digest)
        return found

    def latest_versions(self, codes: Sequence[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for i in range(0, len(codes), 500):
            q = sa.select(households.c.household_code, households.c.latest_version).where(
                households.c.household_code.in_(codes[i : i + 500])
            )
            found.update({code: int(v) for code, v in self.conn.execute(q)})
        return found

    def add_surveys(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.conn.execute(sa.insert(surveys), rows)

    def save_households(self, rows: list[dict[str, Any]]) -> None:
        upsert(
            self.conn,
            households,
            rows,
            keys=["household_code"],
            update=["commune_code", "latest_version", "latest_survey_id"],
        )


def content_hash(payload: SurveyPayload) -> str:
    return hashlib.sha256(payload.model_dump_json().encode()).hexdigest()


def accept_surveys(
    uow: IntakeUnitOfWork,
    payloads: Sequence[SurveyPayload],
    *,
    channel: str,
    correlation_id: str,
    now: datetime,
) -> list[Receipt]:
    """Store valid surveys and stage a ``HouseholdSurveyed`` for each new one, atomically."""
    with uow:
        stored = uow.stored_surveys([p.survey_id for p in payloads])
        versions = uow.latest_versions(sorted({p.household_code for p in payloads}))
        receipts: list[Receipt] = []
        new_rows: list[dict[str, Any]] = []
        bodies: list[bytes] = []
        latest: dict[str, dict[str, Any]] = {}
        seen: dict[str, tuple[str, int, str]] = dict(stored)
        for p in payloads:
            digest = content_hash(p)
            if p.survey_id in seen:
                hh, ver, old = seen[p.survey_id]
                status = ReceiptStatus.DUPLICATE if old == digest else ReceiptStatus.CONFLICT
                receipts.append(Receipt(p.survey_id, hh, ver, status))
                continue
            version = versions.get(p.household_code, 0) + 1
            versions[p.household_code] = version
            event = HouseholdSurveyed.create(
                p, producer=PRODUCER, correlation_id=correlation_id, occurred_at=now
            )
            body = event.to_json()
            bodies.append(body)
            new_rows.append(
                {
                    "survey_id": p.survey_id,
                    "household_code": p.household_code,
                    "version": version,
                    "commune_code": p.commune_code,
                    "channel": channel,
                    "content_hash": digest,
                    "citizen_id_missing": p.head_citizen_id_missing,
                    "payload": body,
                    "received_at": now,
                }
            )
            latest[p.household_code] = {
                "household_code": p.household_code,
                "commune_code": p.commune_code,
                "latest_version": version,
                "latest_survey_id": p.survey_id,
            }
            seen[p.survey_id] = (p.household_code, version, digest)
            receipts.append(Receipt(p.survey_id, p.household_code, version, ReceiptStatus.CREATED))
        uow.add_surveys(new_rows)
        uow.save_households(list(latest.values()))
        uow.stage_json(HOUSEHOLD_SURVEYED_STREAM, bodies)
        uow.commit()
    return receipts
