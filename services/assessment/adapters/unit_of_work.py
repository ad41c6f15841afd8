"""Assessment's unit of work: one transaction over its repositories, its processed event ids
and its outbox; rolls back unless committed."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from services.assessment.adapters.repositories import (
    Decisions,
    Flags,
    Meetings,
    PendingLife,
    Results,
    ReviewStates,
    Snapshots,
)
from services.assessment.adapters.tables import plumbing
from shared.db import SqlUnitOfWork
from shared.runtime import STREAM_OF


class AssessmentUnitOfWork(SqlUnitOfWork):
    """Use it in a ``with`` block; each repository works on the block's transaction."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine, plumbing, STREAM_OF)

    @property
    def states(self) -> ReviewStates:
        return ReviewStates(self.conn)

    @property
    def snapshots(self) -> Snapshots:
        return Snapshots(self.conn)

    @property
    def results(self) -> Results:
        return Results(self.conn)

    @property
    def meetings(self) -> Meetings:
        return Meetings(self.conn)

    @property
    def decisions(self) -> Decisions:
        return Decisions(self.conn)

    @property
    def flags(self) -> Flags:
        return Flags(self.conn)

    @property
    def pending_life(self) -> PendingLife:
        return PendingLife(self.conn)
