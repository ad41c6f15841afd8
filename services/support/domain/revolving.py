"""Revolving and conditional, repaid support (hỗ trợ có điều kiện, có hoàn trả; quay vòng).

A household receives livestock, or cash or goods valued in VND, under a revolving model of a
programme and owes something back by a date: animals to pass on to the next household (the
"ngân hàng bò" pattern: the first female offspring goes to the next household voted by the
village, then the mother is the household's), or a share of the value returned to the fund
(Decree 27/2022/NĐ-CP as amended by Decree 38/2023/NĐ-CP lets each province set shares and
deadlines). The pass-on is itself a support record of the receiving household, which then owes
the same in turn: the records of one model form chains.

**When an animal dies** (the rule this ledger applies; a province may refine it):

1. If the animals the household still holds (the ones received, their offspring and any bought)
   are at least the number it still owes, nothing changes: it passes those on.
2. Otherwise the shortfall is settled by the cause:
   - an *objective* cause (disease, natural disaster, an accident not due to the household),
     certified by the village or commune: the shortfall is waived; the fund bears the loss and
     that branch of the chain ends if nothing is left to pass on;
   - the household's *fault* (neglect, slaughter or sale without leave): the shortfall is
     converted into cash, the value per head recorded at hand-over for each head short, due
     by the original date.

The fund's cash balance is capital + amounts returned − amounts given from it; what is still
owed to it (heads and VND) is reported beside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from services.support.domain.catalogue import RevolvingTerms
from services.support.domain.dates import add_months
from services.support.domain.money import percent_of, vnd
from shared.contracts.codes import AssetKind, HerdEventKind, ObligationStatus
from shared.errors import DomainError


class FundEntryKind(StrEnum):
    CAPITAL = "capital"
    GIVEN = "given"
    REPAID = "repaid"


@dataclass(frozen=True, slots=True)
class Owed:
    """What one receipt creates: heads to pass on and/or VND to return, by ``due_on``."""

    quantity: int
    amount_vnd: int
    due_on: date


def owed_for(
    asset: AssetKind, terms: RevolvingTerms, received_on: date, quantity: int, amount_vnd: int
) -> Owed:
    """The obligation of a receipt under ``terms`` (see :class:`RevolvingTerms`)."""
    if asset is AssetKind.LIVESTOCK:
        return Owed(
            quantity * terms.pass_on_per_head,
            0,
            add_months(received_on, terms.pass_on_due_months),
        )
    return Owed(
        0,
        percent_of(amount_vnd, terms.repay_share_pct),
        add_months(received_on, terms.repay_due_months),
    )


@dataclass(frozen=True, slots=True)
class Holding:
    """One receipt's animals and what it still owes."""

    received: int
    value_per_head_vnd: int
    quantity_owed: int
    amount_owed_vnd: int
    due_on: date
    born: int = 0
    bought: int = 0
    died: int = 0
    sold: int = 0
    passed_on: int = 0
    repaid_vnd: int = 0
    waived: int = 0
    converted_vnd: int = 0

    @property
    def on_hand(self) -> int:
        return self.received + self.born + self.bought - self.died - self.sold - self.passed_on

    @property
    def status(self) -> ObligationStatus:
        if self.quantity_owed > 0 or self.amount_owed_vnd > 0:
            return ObligationStatus.OPEN
        if self.waived > 0 and self.passed_on == 0 and self.repaid_vnd == 0:
            return ObligationStatus.WAIVED
        return ObligationStatus.FULFILLED

    def overdue_on(self, day: date) -> bool:
        return self.status is ObligationStatus.OPEN and day > self.due_on


def _closed(h: Holding, obligation_id: str) -> None:
    if h.status is not ObligationStatus.OPEN:
        raise DomainError(
            "obligation_id",
            f"Nghĩa vụ {obligation_id} đã kết thúc.",
            f"Obligation {obligation_id} is already settled.",
            code="obligation_settled",
        )


def _count(count: int) -> None:
    if count < 1:
        raise DomainError("count", "Số con phải từ 1 trở lên.", "The count must be at least 1.")


def herd_event(
    h: Holding,
    kind: HerdEventKind,
    count: int,
    *,
    objective: bool | None = None,
    obligation_id: str = "",
) -> Holding:
    """The holding after a birth, death, sale or purchase (deaths apply the rule in the module
    docstring; ``objective`` must be said for a death)."""
    _count(count)
    if kind is HerdEventKind.BIRTH:
        return replace(h, born=h.born + count)
    if kind is HerdEventKind.PURCHASE:
        return replace(h, bought=h.bought + count)
    if count > h.on_hand:
        raise DomainError(
            "count",
            f"Hộ chỉ còn {h.on_hand} con, không thể ghi {count} con.",
            f"The household holds {h.on_hand} animal(s), not {count}.",
            code="more_than_held",
        )
    if kind is HerdEventKind.SALE:
        return replace(h, sold=h.sold + count)
    if objective is None:
        raise DomainError(
            "objective",
            "Cần ghi rõ con vật chết do nguyên nhân khách quan hay do lỗi của hộ.",
            "Say whether the death had an objective cause or was the household's fault.",
        )
    after = replace(h, died=h.died + count)
    if h.status is not ObligationStatus.OPEN or after.on_hand >= after.quantity_owed:
        return after
    short = after.quantity_owed - after.on_hand
    if objective:
        return replace(after, quantity_owed=after.on_hand, waived=after.waived + short)
    cash = short * h.value_per_head_vnd
    return replace(
        after,
        quantity_owed=after.on_hand,
        amount_owed_vnd=after.amount_owed_vnd + cash,
        converted_vnd=after.converted_vnd + cash,
    )


def pass_on(h: Holding, count: int, obligation_id: str) -> Holding:
    """``count`` animals handed to the next household."""
    _closed(h, obligation_id)
    _count(count)
    if count > h.quantity_owed:
        raise DomainError(
            "quantity",
            f"Hộ chỉ còn phải chuyển giao {h.quantity_owed} con.",
            f"The household owes {h.quantity_owed} animal(s) to pass on, not {count}.",
            code="more_than_owed",
        )
    if count > h.on_hand:
        raise DomainError(
            "quantity",
            f"Hộ chỉ còn {h.on_hand} con.",
            f"The household holds {h.on_hand} animal(s), not {count}.",
            code="more_than_held",
        )
    return replace(h, passed_on=h.passed_on + count, quantity_owed=h.quantity_owed - count)


def repay(h: Holding, amount_vnd: int, obligation_id: str) -> Holding:
    """``amount_vnd`` returned to the fund (partial repayments allowed)."""
    _closed(h, obligation_id)
    if not 0 < amount_vnd <= h.amount_owed_vnd:
        raise DomainError(
            "amount_vnd",
            f"Số tiền hoàn trả phải từ 1 đồng đến {vnd(h.amount_owed_vnd)} còn phải trả.",
            f"The repayment must be from 1 VND to the {vnd(h.amount_owed_vnd)} still owed.",
            code="more_than_owed",
        )
    return replace(
        h, repaid_vnd=h.repaid_vnd + amount_vnd, amount_owed_vnd=h.amount_owed_vnd - amount_vnd
    )


@dataclass(frozen=True, slots=True)
class FundBalance:
    capital_vnd: int
    given_vnd: int
    repaid_vnd: int
    owed_vnd: int
    """Still owed to the fund by open obligations."""
    owed_heads: int
    """Animals still to be passed on."""
    waived_heads: int

    @property
    def balance_vnd(self) -> int:
        return self.capital_vnd + self.repaid_vnd - self.given_vnd


def fund_balance(
    movements: Iterable[tuple[FundEntryKind, int]],
    owed_vnd: int,
    owed_heads: int,
    waived_heads: int,
) -> FundBalance:
    sums = dict.fromkeys(FundEntryKind, 0)
    for kind, amount in movements:
        sums[kind] += amount
    return FundBalance(
        sums[FundEntryKind.CAPITAL],
        sums[FundEntryKind.GIVEN],
        sums[FundEntryKind.REPAID],
        owed_vnd,
        owed_heads,
        waived_heads,
    )


def check_fund_covers(balance: FundBalance, amount_vnd: int, model_code: str) -> None:
    if amount_vnd > balance.balance_vnd:
        raise DomainError(
            "amount_vnd",
            f"Quỹ quay vòng {model_code} chỉ còn {vnd(balance.balance_vnd)}.",
            f"Revolving fund {model_code} holds only {vnd(balance.balance_vnd)}.",
            code="fund_insufficient",
        )


# ------------------------------------------------------------------------------ chains


@dataclass(frozen=True, slots=True)
class ChainNode:
    record_id: str
    household_code: str
    given_on: date
    parent_record_id: str | None
    quantity: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ChainLink:
    record_id: str
    household_code: str
    given_on: date
    generation: int
    """0 for the household that received from the fund, 1 for the next …"""
    parent_record_id: str | None


@dataclass(frozen=True, slots=True)
class Chain:
    root_record_id: str
    links: tuple[ChainLink, ...]
    """Depth first, siblings by date."""

    @property
    def generations(self) -> int:
        return max(link.generation for link in self.links) + 1

    @property
    def households(self) -> tuple[str, ...]:
        return tuple(link.household_code for link in self.links)


def build_chains(nodes: Sequence[ChainNode]) -> tuple[Chain, ...]:
    """The pass-on chains of one model: each receipt from the fund is a root; a pass-on is a
    child of the receipt it settles. A parent missing from ``nodes`` makes its child a root."""
    by_id = {n.record_id: n for n in nodes}
    children: dict[str, list[ChainNode]] = {}
    roots: list[ChainNode] = []
    for n in nodes:
        if n.parent_record_id is None or n.parent_record_id not in by_id:
            roots.append(n)
        else:
            children.setdefault(n.parent_record_id, []).append(n)

    def key(n: ChainNode) -> tuple[date, str]:
        return (n.given_on, n.record_id)

    chains = []
    for root in sorted(roots, key=key):
        links: list[ChainLink] = []
        stack: list[tuple[ChainNode, int]] = [(root, 0)]
        seen: set[str] = set()
        while stack:
            node, gen = stack.pop()
            if node.record_id in seen:  # a cycle in stored data: stop, never loop
                continue
            seen.add(node.record_id)
            links.append(
                ChainLink(
                    node.record_id,
                    node.household_code,
                    node.given_on,
                    gen,
                    node.parent_record_id if gen else None,
                )
            )
            for child in sorted(children.get(node.record_id, []), key=key, reverse=True):
                stack.append((child, gen + 1))
        chains.append(Chain(root.record_id, tuple(links)))
    return tuple(chains)
