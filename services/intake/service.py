"""Intake use cases: store accepted surveys as new household versions and stage their events.

A survey id is an idempotency key: the same survey sent again is acknowledged, not stored
twice; the same id with different content is a conflict. A household surveyed again gets a new
version, never a second household. Survey rows and their ``HouseholdSurveyed`` events are
written in one transaction (transactional outbox), so an accepted survey is never lost even
when Redis is down.

Personal data stays here: the event carries the survey's codes and answers only; names and
citizen ids go to ``survey_person`` in the same transaction, citizen ids sealed by the
:class:`~services.intake.adapters.vault.Vault`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Final
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from services.intake.adapters.tables import households, people, plumbing, surveys
from services.intake.adapters.vault import Vault
from services.intake.domain.record import Person, SurveyRecord
from services.intake.domain.text import given_first, search_key
from services.intake.duplicates import refresh_duplicates
from shared.access.model import Actor, Area
from shared.contracts.envelope import Contract, Envelope, new_event_id_text
from shared.contracts.surveys import HOUSEHOLD_SURVEYED_STREAM, HouseholdSurveyed, SurveyPayload
from shared.db import SqlUnitOfWork, driver_time, executemany, upsert_latest
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


SURVEY_COLUMNS: Final = (
    "survey_id",
    "household_code",
    "version",
    "commune_code",
    "channel",
    "content_hash",
    "citizen_id_missing",
    "payload",
    "received_at",
)
"""A ``survey`` row's values in this order (rows as tuples: written straight on the driver)."""

PERSON_COLUMNS: Final = (
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
"""A ``survey_person`` row's values in this order."""
_CITIZEN_KEY = PERSON_COLUMNS.index("citizen_key")


class IntakeUnitOfWork(SqlUnitOfWork):
    def __init__(self, engine: Engine, vault: Vault) -> None:
        super().__init__(engine, plumbing, STREAM_OF)
        self.vault = vault

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
        """household code -> highest version number stored (arrival order)."""
        found: dict[str, int] = {}
        for i in range(0, len(codes), 500):
            q = (
                sa.select(surveys.c.household_code, sa.func.max(surveys.c.version))
                .where(surveys.c.household_code.in_(codes[i : i + 500]))
                .group_by(surveys.c.household_code)
            )
            found.update({code: int(v) for code, v in self.conn.execute(q)})
        return found

    def add_surveys(self, rows: list[tuple[Any, ...]], persons: list[tuple[Any, ...]]) -> None:
        """Survey rows (``SURVEY_COLUMNS``) and person rows (``PERSON_COLUMNS``), one
        statement each, compiled once."""
        executemany(
            self.conn, "intake.survey", lambda: sa.insert(surveys), rows, positional=SURVEY_COLUMNS
        )
        executemany(
            self.conn,
            "intake.person",
            lambda: sa.insert(people),
            persons,
            positional=PERSON_COLUMNS,
        )

    def save_households(self, rows: list[dict[str, Any]]) -> None:
        """Each household's latest survey: replaced only by a survey later in interview order
        (compared in SQL, so concurrent writers cannot let an earlier one win)."""
        upsert_latest(
            self.conn, households, rows, keys=["household_code"], order_column="latest_order_key"
        )


@dataclass(frozen=True, slots=True)
class PreparedSurvey:
    """A validated survey already serialised and sealed: what storing it needs, without
    pydantic.

    Bulk imports validate in a worker process and send these across, so the writing process
    neither validates, serialises nor seals a second time. Build with :meth:`of`.
    ``payload_json`` is the event's payload (no personal data); ``persons`` are the
    ``survey_person`` rows (values in ``PERSON_COLUMNS`` order); ``content_hash`` is a keyed
    hash of both, so a copy of the database cannot be searched for a guessed citizen id
    through it.
    """

    survey_id: str
    household_code: str
    commune_code: str
    village_code: str
    citizen_id_missing: bool
    payload_json: bytes
    content_hash: str
    order_key: str
    persons: tuple[tuple[Any, ...], ...]

    @classmethod
    def of(cls, record: SurveyPayload, vault: Vault) -> PreparedSurvey:
        """``record`` with its personal data (a ``SurveyRecord``), or a survey without any."""
        if isinstance(record, SurveyRecord):
            body, persons = record.public_json(), record.people()
        else:
            body, persons = record.__pydantic_serializer__.to_json(record), ()
        personal = "\x1e".join(p.canonical() for p in persons).encode()
        rows = tuple(_person_row(record, p, vault) for p in persons if p.full_name or p.citizen_id)
        return cls(
            record.survey_id,
            record.household_code,
            record.commune_code,
            record.village_code,
            record.head_citizen_id_missing,
            body,
            vault.mac(body + b"\x1d" + personal),
            record.order_key,
            rows,
        )


def _person_row(record: SurveyPayload, p: Person, vault: Vault) -> tuple[Any, ...]:
    name_key = search_key(p.full_name) if p.is_head and p.full_name else None
    return (
        record.survey_id,
        p.member_no,
        record.household_code,
        p.is_head,
        p.full_name,
        name_key,
        given_first(name_key) if name_key else None,
        vault.match_key(p.citizen_id) if p.citizen_id else None,
        vault.seal(p.citizen_id) if p.citizen_id else None,
    )


_ENVELOPE = Envelope[Contract]


class _EnvelopeTemplate:
    """``HouseholdSurveyed`` JSON built around a payload already serialised.

    Pydantic validates and serialises one envelope (marker id, empty payload) per call; each event
    then only splices its own id and payload in. ``tests/unit/intake`` checks the result is
    byte-for-byte what ``HouseholdSurveyed.create(...).to_json()`` gives.
    """

    _MARKER = UUID(int=0)

    def __init__(self, correlation_id: str, occurred_at: datetime) -> None:
        # validated by the envelope's own rules (aware time, id lengths), with an empty payload
        envelope = _ENVELOPE.model_validate(
            {
                "event_id": self._MARKER,
                "event_type": HouseholdSurveyed.EVENT_TYPE,
                "schema_version": HouseholdSurveyed.SCHEMA_VERSION,
                "occurred_at": occurred_at,
                "correlation_id": correlation_id,
                "producer": PRODUCER,
                "payload": {},
            }
        )
        head, _, rest = envelope.to_json().partition(str(self._MARKER).encode())
        if head != b'{"event_id":"' or not rest.endswith(b'"payload":{}}'):
            msg = "HouseholdSurveyed no longer serialises as the template expects"
            raise RuntimeError(msg)
        self._head = head
        self._middle = rest.removesuffix(b"{}}")

    def render(self, payload_json: bytes) -> bytes:
        return b"".join(
            (self._head, new_event_id_text().encode(), self._middle, payload_json, b"}")
        )


def accept_surveys(
    uow: IntakeUnitOfWork,
    payloads: Sequence[SurveyPayload],
    *,
    channel: str,
    correlation_id: str,
    now: datetime,
    actor: Actor | None = None,
) -> list[Receipt]:
    """Store valid surveys and stage a ``HouseholdSurveyed`` for each new one, atomically."""
    return accept_prepared(
        uow,
        [PreparedSurvey.of(p, uow.vault) for p in payloads],
        channel=channel,
        correlation_id=correlation_id,
        now=now,
        actor=actor,
    )


def accept_prepared(
    uow: IntakeUnitOfWork,
    surveys_in: Sequence[PreparedSurvey],
    *,
    channel: str,
    correlation_id: str,
    now: datetime,
    actor: Actor | None = None,
) -> list[Receipt]:
    """:func:`accept_surveys` for surveys validated and serialised elsewhere (bulk imports).

    Same semantics: one transaction holds the new survey rows, the household versions and
    their outbox rows; a survey id already stored is a duplicate (same content hash) or a
    conflict (different content), and nothing is written for it.

    Writers racing on one survey id or one household (two officers' tablets syncing, an
    upload retried) meet in the database: the survey id is the key and (household, version)
    is unique, so the later transaction fails as a whole and is run again, seeing what the
    first stored (a duplicate, or the next version number). On SQLite a transaction whose
    snapshot went stale is likewise run again.
    """
    template = _EnvelopeTemplate(correlation_id, now)
    for attempt in range(1, RACE_RETRIES + 1):
        try:
            return _accept_once(
                uow,
                surveys_in,
                template,
                channel=channel,
                now=now,
                actor=actor,
                correlation_id=correlation_id,
            )
        except (IntegrityError, OperationalError) as exc:
            if attempt == RACE_RETRIES or not _is_race(exc):
                raise
            time.sleep(random.uniform(0.005, 0.05) * attempt)
    raise AssertionError("unreachable")  # pragma: no cover


RACE_RETRIES = 8


def _is_race(exc: DBAPIError) -> bool:
    """A lost race another attempt resolves: a key taken meanwhile, a stale SQLite snapshot,
    a PostgreSQL serialisation failure or deadlock."""
    if isinstance(exc, IntegrityError):
        return True
    text = str(exc.orig).lower()
    return "locked" in text or "busy" in text or "deadlock" in text or "serializ" in text


def _accept_once(
    uow: IntakeUnitOfWork,
    surveys_in: Sequence[PreparedSurvey],
    template: _EnvelopeTemplate,
    *,
    channel: str,
    now: datetime,
    actor: Actor | None,
    correlation_id: str,
) -> list[Receipt]:
    with uow:
        stored = uow.stored_surveys([p.survey_id for p in surveys_in])
        versions = uow.latest_versions(sorted({p.household_code for p in surveys_in}))
        receipts: list[Receipt] = []
        new_rows: list[tuple[Any, ...]] = []
        persons: list[tuple[Any, ...]] = []
        bodies: list[bytes] = []
        latest: dict[str, dict[str, Any]] = {}
        seen: dict[str, tuple[str, int, str]] = dict(stored)
        received_at = driver_time(uow.conn, now)
        for p in surveys_in:
            digest = p.content_hash
            if p.survey_id in seen:
                hh, ver, old = seen[p.survey_id]
                status = ReceiptStatus.DUPLICATE if old == digest else ReceiptStatus.CONFLICT
                receipts.append(Receipt(p.survey_id, hh, ver, status))
                continue
            version = versions.get(p.household_code, 0) + 1
            versions[p.household_code] = version
            body = template.render(p.payload_json)
            bodies.append(body)
            new_rows.append(
                (
                    p.survey_id,
                    p.household_code,
                    version,
                    p.commune_code,
                    channel,
                    digest,
                    p.citizen_id_missing,
                    body,
                    received_at,
                )
            )
            persons.extend(p.persons)
            current = latest.get(p.household_code)
            if current is None or p.order_key >= current["latest_order_key"]:
                latest[p.household_code] = {
                    "household_code": p.household_code,
                    "commune_code": p.commune_code,
                    "village_code": p.village_code,
                    "latest_version": version,
                    "latest_survey_id": p.survey_id,
                    "latest_order_key": p.order_key,
                    "needs_survey": False,
                }
            seen[p.survey_id] = (p.household_code, version, digest)
            receipts.append(Receipt(p.survey_id, p.household_code, version, ReceiptStatus.CREATED))
        uow.add_surveys(new_rows, persons)
        uow.save_households(list(latest.values()))
        uow.stage_json(HOUSEHOLD_SURVEYED_STREAM, bodies)
        if new_rows:
            keys = [p[_CITIZEN_KEY] for p in persons if p[_CITIZEN_KEY]]
            uow.stage(refresh_duplicates(uow.conn, keys, set(latest), now))
        if actor is not None and new_rows:
            _audit_surveys(uow, actor, new_rows, channel, correlation_id)
        uow.commit()
    return receipts


def _audit_surveys(
    uow: IntakeUnitOfWork,
    actor: Actor,
    rows: list[tuple[Any, ...]],
    channel: str,
    correlation_id: str,
) -> None:
    """One audit entry per survey sent alone; one per upload (counts and communes) for many.
    ``rows`` are ``survey`` rows (``SURVEY_COLUMNS``)."""
    communes = sorted({r[3] for r in rows})
    if len(rows) == 1:
        survey_id, household_code, version, commune_code = rows[0][:4]
        uow.audit(
            actor,
            "survey.submitted",
            "household",
            household_code,
            service=PRODUCER,
            area=Area(commune=commune_code),
            after={"survey_id": survey_id, "version": version, "channel": channel},
            correlation_id=correlation_id,
        )
        return
    uow.audit(
        actor,
        "surveys.imported",
        "upload",
        correlation_id,
        service=PRODUCER,
        area=Area(commune=communes[0]) if len(communes) == 1 else None,
        after={"surveys": len(rows), "communes": ",".join(communes)[:500], "channel": channel},
        correlation_id=correlation_id,
    )
