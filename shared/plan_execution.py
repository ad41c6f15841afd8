"""The arithmetic of plan execution that support (which refuses a disbursement above a plan
and shows its officers the room left) and reporting (which publishes the plan-vs-actual
tables) must agree on: which planned component a programme code counts toward, percentages,
and what a household target counts. One rule, one place; pure (standard library only)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from shared.contracts.plans import PlanSource, covers

__all__ = [
    "ExecutionLine",
    "component_in",
    "component_of",
    "covers",
    "households_reached",
    "pct",
]


@dataclass(frozen=True, slots=True)
class ExecutionLine:
    """Execution of one (component, source) of a plan in an area."""

    component: str
    source: PlanSource
    allocated_vnd: int
    committed_vnd: int
    disbursed_vnd: int

    @property
    def remaining_vnd(self) -> int:
        """What may still be disbursed (negative: spent above the allocation)."""
        return self.allocated_vnd - self.disbursed_vnd

    @property
    def disbursed_pct(self) -> Decimal | None:
        return pct(self.disbursed_vnd, self.allocated_vnd)

    @property
    def above_plan(self) -> bool:
        return self.disbursed_vnd > self.allocated_vnd


def component_of(components: Iterable[str], programme_code: str) -> str | None:
    """The most specific of ``components`` covering ``programme_code`` (``None``: none)."""
    best: str | None = None
    for c in components:
        if covers(c, programme_code) and (best is None or len(c) > len(best)):
            best = c
    return best


@functools.lru_cache(maxsize=65536)
def component_in(components: frozenset[str], programme_code: str) -> str | None:
    """:func:`component_of`, memoised (a plan's components are asked about many records)."""
    return component_of(components, programme_code)


def pct(done: int, planned: int) -> Decimal | None:
    """``done`` as a percentage of ``planned`` to one decimal, half up (``None`` when nothing
    is planned)."""
    if planned <= 0:
        return None
    tenths, rest = divmod(abs(done) * 1000, planned)
    if 2 * rest >= planned:
        tenths += 1
    return Decimal(-tenths if done < 0 else tenths).scaleb(-1)


def households_reached(
    component: str,
    support_kind: str | None,
    reach: Mapping[tuple[str, str], int],
    repeats: Iterable[tuple[str, str, str]],
) -> int:
    """What a plan's household target "households to support under ``component`` with
    ``support_kind``" counts: the **distinct** households of the area supported that year with
    that kind under the component or any of its sub-programmes (``support_kind`` ``None``: with
    any kind). A household supported twice, under two sub-programmes of the component, or in
    two communes of the area (it moved) counts once; a household given cows and seedlings
    under the same component counts once for a kind-less target and once for each kind's own
    target.

    ``reach`` maps (programme code, support kind) to the households supported with that kind
    under that programme (each household once per programme, kind and commune); ``repeats``
    lists (household, programme code, kind) for every household found under more than one
    of them, so that their extra rows are taken off."""

    def matches(code: str, kind: str) -> bool:
        return covers(component, code) and (support_kind is None or kind == support_kind)

    total = sum(n for (code, kind), n in reach.items() if matches(code, kind))
    seen: dict[str, int] = {}
    for household, code, kind in repeats:
        if matches(code, kind):
            seen[household] = seen.get(household, 0) + 1
    return total - sum(n - 1 for n in seen.values())
