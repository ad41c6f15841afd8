"""Support's unit of work: one transaction, its repositories, idempotency and the outbox."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.engine import Engine

from services.support.adapters.cases_repo import CasesRepository
from services.support.adapters.credit_repo import CreditRepository
from services.support.adapters.history_repo import HistoryRepository
from services.support.adapters.ledger_repo import LedgerRepository
from services.support.adapters.plans_repo import PlansRepository
from services.support.adapters.register_repo import RegisterRepository
from services.support.adapters.revolving_repo import RevolvingRepository
from services.support.adapters.sponsor_repo import SponsorRepository
from services.support.adapters.tables import plumbing
from shared.access.model import Actor, Area
from shared.contracts.audit import AUDIT_RECORDED_STREAM, AuditPayload, AuditRecorded, Scalar
from shared.db import SqlUnitOfWork
from shared.runtime import STREAM_OF

AuditEntry = tuple[str, str, str, Area, dict[str, Scalar]]
"""(action, target kind, target id, area, after) of one audited write."""


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

    @property
    def plans(self) -> PlansRepository:
        return PlansRepository(self.conn)

    def audit_many(
        self, actor: Actor, entries: Sequence[AuditEntry], *, service: str, correlation_id: str
    ) -> None:
        """Stage the audit entries of many writes by one actor with one insert (a batch of a
        thousand records): the same ``audit.recorded`` events as :meth:`audit` gives one by
        one."""
        bodies = [
            AuditRecorded.create(
                AuditPayload(
                    actor_id=actor.user_id,
                    actor_name=actor.username,
                    actor_roles=actor.roles[:256],
                    service=service,
                    action=action,
                    target_kind=kind,
                    target_id=target[:128],
                    province_code=area.province,
                    commune_code=area.commune,
                    village_code=area.village,
                    after=after,
                ),
                producer=service,
                correlation_id=correlation_id,
            ).to_json()
            for action, kind, target, area, after in entries
        ]
        self.stage_json(AUDIT_RECORDED_STREAM, bodies)
