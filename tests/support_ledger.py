"""A support ledger on a real database for use-case tests: migrated schema, the national
catalogue, a fixed clock, and the outbox read back as events."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from services.support.adapters.catalogue_repo import load_catalogue
from services.support.adapters.tables import plumbing
from services.support.adapters.uow import SupportUnitOfWork
from services.support.app import MIGRATIONS
from services.support.usecases.register import register_classifications
from shared.access.model import Actor
from shared.contracts import ALL_STREAMS
from shared.contracts.classifications import HouseholdClassified
from shared.contracts.envelope import Envelope
from shared.db import create_db_engine
from shared.migrations import upgrade
from tests.factories import member_profile, recognised_event

NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
OFFICER = Actor("u-officer", "can-bo-ho-tro", "support_officer")


class Ledger:
    """Support's use cases over one database, called as an officer would (``may_override``
    passed through; ``actor`` the support officer :data:`OFFICER` unless given), with ``now``
    fixed unless given."""

    def __init__(self, database_url: str, now: datetime = NOW) -> None:
        self.engine = create_db_engine(database_url)
        upgrade(self.engine, MIGRATIONS)
        self.catalogue = load_catalogue()
        self.now = now

    def uow(self) -> SupportUnitOfWork:
        return SupportUnitOfWork(self.engine)

    def register(self, *events: HouseholdClassified) -> int:
        return register_classifications(self.uow(), list(events), self.now)

    def household(
        self,
        code: str,
        status: str = "poor",
        *,
        on: date = date(2022, 12, 10),
        commune: str = "04570",
        village: str | None = None,
        members: int = 2,
        **overrides: Any,
    ) -> str:
        """Register ``code`` as recognised ``status`` on ``on`` (members of working age)."""
        roster = [member_profile(i, age=30 + i) for i in range(1, members + 1)]
        self.register(
            recognised_event(
                code,
                status,
                recognised_on=on,
                commune_code=commune,
                village_code=village,
                members=roster,
                **overrides,
            )
        )
        return code

    def do(self, use_case: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call a use case with a fresh unit of work (and the catalogue, a correlation id and
        ``now`` where it takes them)."""
        params = inspect.signature(use_case).parameters
        if "catalogue" in params:
            args = (self.catalogue, *args)
        if "actor" in params:
            kwargs.setdefault("actor", OFFICER)
        if "correlation_id" in params:
            kwargs.setdefault("correlation_id", "test")
        if "now" in params:
            kwargs.setdefault("now", self.now)
        return use_case(self.uow(), *args, **kwargs)

    def events(self, event_type: type[Envelope[Any]] | None = None) -> list[Any]:
        """Events staged in the outbox, oldest first (of one type if given)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(plumbing.outbox.c.stream, plumbing.outbox.c.body).order_by(
                    plumbing.outbox.c.id
                )
            ).all()
        out = [ALL_STREAMS[s].from_json(b) for s, b in rows]
        return [e for e in out if event_type is None or isinstance(e, event_type)]

    def outbox_bodies(self) -> list[bytes]:
        with self.engine.connect() as conn:
            return [b for (b,) in conn.execute(sa.select(plumbing.outbox.c.body))]

    def close(self) -> None:
        self.engine.dispose()
