"""Offline-form submissions (KoBoToolbox / ODK Collect): once per instance, edits supersede.

A form tool retries until it gets a 2xx, and an edited submission arrives as a new instance
naming the one it deprecates. Each instance is stored once; an edit becomes the next revision
of the same interview, so it supersedes the earlier version wherever surveys are ordered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from services.intake.adapters.tables import submissions
from services.intake.adapters.vault import Vault
from services.intake.domain.record import SurveyRecord
from services.intake.service import IntakeUnitOfWork, Receipt, accept_surveys
from shared.access.model import Actor
from shared.db import upsert


@dataclass(frozen=True)
class FormReceipt:
    instance_id: str
    revision: int
    receipt: Receipt
    already_processed: bool


def _submission(engine: Engine, instance_id: str) -> tuple[int, str] | None:
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(submissions.c.revision, submissions.c.survey_id).where(
                submissions.c.instance_id == instance_id
            )
        ).first()
    return (int(row.revision), str(row.survey_id)) if row else None


def accept_form_submission(
    engine: Engine,
    vault: Vault,
    *,
    instance_id: str,
    deprecated_id: str | None,
    root_id: str | None,
    payload: SurveyRecord,
    correlation_id: str,
    now: datetime,
    actor: Actor | None = None,
) -> FormReceipt:
    """Store a submission once. Steps are idempotent, so a crash between them is repaired by
    the tool's own retry: the survey id is the instance id, and storing it again is a
    harmless duplicate."""
    seen = _submission(engine, instance_id)
    if seen is not None:
        (receipt,) = accept_surveys(
            IntakeUnitOfWork(engine, vault),
            [payload.model_copy(update={"revision": seen[0]})],
            channel="form",
            correlation_id=correlation_id,
            now=now,
        )
        return FormReceipt(instance_id, seen[0], receipt, already_processed=True)
    previous = _submission(engine, deprecated_id) if deprecated_id else None
    revision = previous[0] + 1 if previous else (1 if deprecated_id else 0)
    (receipt,) = accept_surveys(
        IntakeUnitOfWork(engine, vault),
        [payload.model_copy(update={"revision": revision})],
        channel="form",
        correlation_id=correlation_id,
        now=now,
        actor=actor,
    )
    with engine.begin() as conn:
        if deprecated_id:
            conn.execute(
                sa.update(submissions)
                .where(submissions.c.instance_id == deprecated_id)
                .values(superseded_by=instance_id)
            )
        upsert(
            conn,
            submissions,
            [
                {
                    "instance_id": instance_id,
                    "root_id": root_id or deprecated_id or instance_id,
                    "survey_id": payload.survey_id,
                    "revision": revision,
                    "superseded_by": None,
                }
            ],
            keys=["instance_id"],
        )
    return FormReceipt(instance_id, revision, receipt, already_processed=False)
