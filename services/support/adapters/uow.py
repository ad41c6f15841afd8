"""Support's unit of work: one transaction, its repositories, idempotency and the outbox."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from services.support.adapters.cases_repo import CasesRepository
from services.support.adapters.credit_repo import CreditRepository
from services.support.adapters.history_repo import HistoryRepository
from services.support.adapters.ledger_repo import LedgerRepository
from services.support.adapters.register_repo import RegisterRepository
from services.support.adapters.revolving_repo import RevolvingRepository
from services.support.adapters.sponsor_repo import SponsorRepository
from services.support.adapters.tables import plumbing
from shared.db import SqlUnitOfWork
from shared.runtime import STREAM_OF


class SupportUnitOfWork(SqlUnitOfWork):
    def __init__(self, engine: Engine) -> None:
        super().__init__(engine, plumbing, STREAM_OF)

    @property
    def register(self) -> RegisterRepository:
        return RegisterRepository(self.conn)

    @property
    def history(self) -> HistoryRepository:
        return HistoryRepository(self.conn)

    @property
    def ledger(self) -> LedgerRepository:
        return LedgerRepository(self.conn)

    @property
    def credit(self) -> CreditRepository:
        return CreditRepository(self.conn)

    @property
    def revolving(self) -> RevolvingRepository:
        return RevolvingRepository(self.conn)

    @property
    def cases(self) -> CasesRepository:
        return CasesRepository(self.conn)

    @property
    def sponsors(self) -> SponsorRepository:
        return SponsorRepository(self.conn)
