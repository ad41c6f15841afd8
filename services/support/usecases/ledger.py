"""Every entry into the support ledger goes through here: each row is checked against the
room left in the plans covering it (one mechanism for every kind of support: cash and in-kind
records, loans, revolving livestock and seedlings, housing, insurance cards, training courses),
then written, and each plan exceeded by an authorised override is audited.

A row above what is left of a plan's allocation is refused (422, Vietnamese and English),
unless an officer allowed to override gives a reason; the override is then audited as
``plan.exceeded_by_override`` with the plans it exceeded. Physical targets are never a reason
to refuse: a year "above the plan target" is the result a level hopes for."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from services.support.adapters.uow import SupportUnitOfWork
from services.support.usecases.common import PRODUCER
from services.support.usecases.plans import PlanRoom
from shared.access.model import Actor
from shared.access.model import Area as AccessArea
from shared.contracts.codes import RecordType

NOT_NEW_MONEY = frozenset({RecordType.PASS_ON.value})
"""Ledger rows that spend nothing from a plan: a pass-on hands animals or seedlings already
paid for to the next household (the household's obligation, which a plan cannot refuse)."""


class LedgerEntry:
    """The rows one transaction adds to the ledger: :meth:`check` each (refused above a plan
    unless overridden), then :meth:`write` those accepted. A batch checks each row on its own;
    rows accepted earlier in the transaction count as used by the later ones."""

    def __init__(self, uow: SupportUnitOfWork) -> None:
        self.uow = uow
        self.room = PlanRoom(uow)
        self.above: list[tuple[dict[str, Any], list[str]]] = []

    def check(
        self, row: dict[str, Any], *, override_reason: str | None, may_override: bool
    ) -> None:
        """Raise the 422 of :func:`services.support.domain.plans.check_room` if ``row`` is
        above a plan it counts against (and not overridden); otherwise count it as used."""
        if row["record_type"] in NOT_NEW_MONEY:
            return
        exceeded = self.room.check(row, override_reason=override_reason, may_override=may_override)
        if exceeded:
            self.above.append((row, exceeded))

    def write(self, rows: Sequence[dict[str, Any]], *, actor: Actor, correlation_id: str) -> None:
        """Add the checked ``rows`` to the ledger and audit every plan exceeded by override."""
        if not rows:
            return
        self.uow.ledger.add(list(rows))
        if self.above:
            self.uow.audit_many(
                actor,
                [
                    (
                        "plan.exceeded_by_override",
                        "household",
                        row["household_code"],
                        AccessArea(
                            commune=row["commune_code"], village=row["village_code"] or None
                        ),
                        {
                            "record_id": row["record_id"],
                            "programme_code": row["programme_code"],
                            "kind": row["kind"],
                            "funding_source": row["funding_source"],
                            "amount_vnd": row["amount_vnd"],
                            "plans": ",".join(plan_ids),
                        },
                    )
                    for row, plan_ids in self.above
                ],
                service=PRODUCER,
                correlation_id=correlation_id,
            )
            self.above = []


def enter(
    uow: SupportUnitOfWork,
    rows: Sequence[dict[str, Any]],
    *,
    override_reason: str | None,
    may_override: bool,
    actor: Actor,
    correlation_id: str,
) -> None:
    """Check ``rows`` (one request's ledger entries: a loan, a card, a housing case's parts by
    source …) against the plans covering them and write them, or refuse the request."""
    entry = LedgerEntry(uow)
    for row in rows:
        entry.check(row, override_reason=override_reason, may_override=may_override)
    entry.write(rows, actor=actor, correlation_id=correlation_id)
