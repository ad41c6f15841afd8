"""Data step of migration 0004: personal data out of stored payloads (see that revision)."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.intake.adapters.vault import Vault
from services.intake.domain.record import SurveyRecord
from shared.contracts.surveys import HOUSEHOLD_SURVEYED_STREAM

_BATCH = 500

_survey = sa.table(
    "survey",
    sa.column("survey_id", sa.String),
    sa.column("payload", sa.LargeBinary),
    sa.column("content_hash", sa.String),
)
_household = sa.table(
    "household",
    sa.column("household_code", sa.String),
    sa.column("latest_survey_id", sa.String),
    sa.column("village_code", sa.String),
)
_person = sa.table(
    "survey_person",
    *(
        sa.column(name)
        for name in (
            "survey_id",
            "member_no",
            "household_code",
            "is_head",
            "full_name",
            "name_key",
            "given_key",
            "citizen_key",
            "citizen_sealed",
        )
    ),
)
_outbox = sa.table(
    "outbox",
    sa.column("id", sa.Integer),
    sa.column("stream", sa.String),
    sa.column("body", sa.LargeBinary),
    sa.column("published_at", sa.DateTime),
)


def _holds_personal(payload: dict[str, Any]) -> bool:
    return payload.get("head_name") is not None or any(
        m.get("citizen_id") is not None for m in payload.get("members", ())
    )


class _Lazy:
    """The vault of the intake settings in the environment, opened only if needed."""

    def __init__(self) -> None:
        self._vault: Vault | None = None

    def __call__(self) -> Vault:
        if self._vault is None:
            from services.intake.app import open_vault
            from services.intake.settings import IntakeSettings

            self._vault = open_vault(IntakeSettings())
        return self._vault


def _cleaned(body: bytes, vault: _Lazy) -> tuple[bytes, Any] | None:
    """The envelope without personal data and what storing it needs, or None if clean."""
    from services.intake.service import PreparedSurvey

    envelope = json.loads(body)
    if not _holds_personal(envelope["payload"]):
        return None
    prepared = PreparedSurvey.of(SurveyRecord.model_validate(envelope["payload"]), vault())
    envelope["payload"] = json.loads(prepared.payload_json)
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode(), prepared


def move_personal_data(conn: Connection) -> None:
    from services.intake.service import PERSON_COLUMNS

    vault = _Lazy()
    villages: dict[str, str] = {}
    last = ""
    while True:
        rows = conn.execute(
            sa.select(_survey.c.survey_id, _survey.c.payload)
            .where(_survey.c.survey_id > last)
            .order_by(_survey.c.survey_id)
            .limit(_BATCH)
        ).all()
        if not rows:
            break
        last = rows[-1].survey_id
        persons: list[dict[str, Any]] = []
        for survey_id, payload in rows:
            villages[survey_id] = json.loads(payload)["payload"]["village_code"]
            cleaned = _cleaned(payload, vault)
            if cleaned is None:
                continue
            body, prepared = cleaned
            conn.execute(
                sa.update(_survey)
                .where(_survey.c.survey_id == survey_id)
                .values(payload=body, content_hash=prepared.content_hash)
            )
            persons.extend(dict(zip(PERSON_COLUMNS, row, strict=True)) for row in prepared.persons)
        if persons:
            conn.execute(sa.insert(_person), persons)
    for code, latest in conn.execute(
        sa.select(_household.c.household_code, _household.c.latest_survey_id)
    ).all():
        if latest in villages:
            conn.execute(
                sa.update(_household)
                .where(_household.c.household_code == code)
                .values(village_code=villages[latest])
            )
    for row_id, body in conn.execute(
        sa.select(_outbox.c.id, _outbox.c.body).where(
            _outbox.c.stream == HOUSEHOLD_SURVEYED_STREAM, _outbox.c.published_at.is_(None)
        )
    ).all():
        cleaned = _cleaned(body, vault)
        if cleaned is not None:
            conn.execute(sa.update(_outbox).where(_outbox.c.id == row_id).values(body=cleaned[0]))
