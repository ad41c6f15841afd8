"""Plans against actual: what each level (province, former district, commune) allocated per
programme component and funding source for a year and its physical targets, against what
support's events show was committed, disbursed and reached in its communes.

Figures are those support publishes, read the way support reads them for its own plan
pages: disbursed = support given that year; committed = disbursed plus the budgets of the
livelihood projects starting that year (state share under its source, enterprise under social
mobilisation, households' counterpart under other); an officials' training or communication
event counts its cost as committed and disbursed for the area that held it and every area
above. A record under a sub-programme counts toward the most specific planned component
covering it (``NTP2021.P3`` covers ``NTP2021.P3.1``); spending no component covers shows as
a line with nothing allocated.

Household targets count **distinct** households (:func:`households_reached`). Figures are
programme execution, not survey cells: nothing is hidden as a small cell.

Pure: the shell reads the sums and passes them in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from shared.contracts.plans import CapacityKind, PlanLevel, PlanSource, TargetKind
from shared.plan_execution import (
    ExecutionLine,
    component_in,
    covers,
    households_reached,
    pct,
)

MoneyLine = ExecutionLine
"""Execution of one (component, source) of a plan in an area (``shared.plan_execution``)."""

Key = tuple[str, PlanSource]
"""(component, source) of a plan line."""

Money = Mapping[Key, Sequence[int]]
"""(programme code or component, source) → (committed, disbursed)."""


@dataclass(frozen=True, slots=True)
class PlanLines:
    """What a plan allocates and targets."""

    plan_id: str
    version: int
    department: str | None
    allocated: Mapping[Key, int]
    targets: tuple[tuple[str, TargetKind, str | None, int], ...]
    """(component, kind, support kind or None, quantity)."""


@dataclass(frozen=True, slots=True)
class Held:
    """Capacity activities of one component, kind and source held by one area."""

    component: str
    kind: CapacityKind
    source: PlanSource
    activities: int
    attendees: int
    cost_vnd: int


@dataclass(frozen=True, slots=True)
class CommuneFigures:
    """What support's events show for one commune in a year."""

    money: Mapping[Key, Sequence[int]] = field(default_factory=dict)
    """(programme code, source) → (committed, disbursed)."""
    reach: Mapping[tuple[str, str], int] = field(default_factory=dict)
    """(programme code, support kind) → households reached."""
    repeats: tuple[tuple[str, str, str], ...] = ()
    """(household, programme code, kind) of the households reached more than once."""
    trained: Mapping[str, int] = field(default_factory=dict)
    """programme code → workers who completed a course."""


@dataclass(frozen=True, slots=True)
class AreaSpec:
    """One row of the table: an area, its name and the communes it spans."""

    level: PlanLevel
    code: str
    name_vi: str | None
    name_en: str | None
    parent_code: str | None
    communes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TargetLine:
    component: str
    kind: TargetKind
    support_kind: str | None
    planned: int
    actual: int

    @property
    def pct(self) -> Decimal | None:
        return pct(self.actual, self.planned)

    @property
    def above_plan(self) -> bool:
        return self.actual > self.planned


@dataclass(frozen=True, slots=True)
class AreaExecution:
    """One area's plan (if it has one) against what its communes (and the activities held
    within it) show. ``above_plan``: more disbursed than allocated over the whole plan."""

    area: AreaSpec
    plan_id: str | None
    version: int | None
    department: str | None
    money: tuple[MoneyLine, ...]
    targets: tuple[TargetLine, ...]

    @property
    def allocated_vnd(self) -> int:
        return sum(m.allocated_vnd for m in self.money)

    @property
    def committed_vnd(self) -> int:
        return sum(m.committed_vnd for m in self.money)

    @property
    def disbursed_vnd(self) -> int:
        return sum(m.disbursed_vnd for m in self.money)

    @property
    def disbursed_pct(self) -> Decimal | None:
        return pct(self.disbursed_vnd, self.allocated_vnd)

    @property
    def above_plan(self) -> bool:
        """The year-end verdict "above the plan target"."""
        return self.allocated_vnd > 0 and self.disbursed_vnd > self.allocated_vnd


@dataclass(frozen=True, slots=True)
class PlanVsActual:
    year: int
    area: AreaSpec | None
    rows: tuple[AreaExecution, ...]


def money_lines(allocated: Mapping[Key, int], actual: Money) -> tuple[MoneyLine, ...]:
    """A line for every planned (component, source) and every one with money but no plan;
    each programme code counted once, under the most specific planned component covering it
    (or under its own code)."""
    components = frozenset(c for c, _ in allocated)
    found: dict[str, str | None] = {}
    sums: dict[Key, list[int]] = {k: [0, 0] for k in allocated}
    for (code, source), (committed, disbursed) in actual.items():
        if code not in found:
            found[code] = component_in(components, code)
        acc = sums.setdefault((found[code] or code, source), [0, 0])
        acc[0] += committed
        acc[1] += disbursed
    return tuple(
        MoneyLine(comp, source, allocated.get((comp, source), 0), c, d)
        for (comp, source), (c, d) in sorted(sums.items())
    )


def merged(parts: Sequence[CommuneFigures]) -> CommuneFigures:
    """The figures of several communes (or of areas made of them) as one area's."""
    if len(parts) == 1:
        return parts[0]
    money: dict[Key, list[int]] = {}
    reach: dict[tuple[str, str], int] = {}
    trained: dict[str, int] = {}
    repeats: list[tuple[str, str, str]] = []
    for f in parts:
        for k, (committed, disbursed) in f.money.items():
            acc = money.get(k)
            if acc is None:
                money[k] = [committed, disbursed]
            else:
                acc[0] += committed
                acc[1] += disbursed
        for rk, n in f.reach.items():
            reach[rk] = reach.get(rk, 0) + n
        for code, n in f.trained.items():
            trained[code] = trained.get(code, 0) + n
        repeats.extend(f.repeats)
    return CommuneFigures(money, reach, tuple(repeats), trained)


def area_execution(
    spec: AreaSpec,
    plan: PlanLines | None,
    figures: CommuneFigures,
    held: Sequence[Held],
) -> AreaExecution:
    """One area's row: its plan against the figures of its communes (summed) and the
    activities held by it or an area below it."""
    money: Mapping[Key, Sequence[int]] = figures.money
    if held:  # activities add to the area's money: a copy, the figures are shared
        money = own = {k: list(v) for k, v in figures.money.items()}
    reach, trained, repeats = figures.reach, figures.trained, figures.repeats
    capacity: dict[tuple[str, TargetKind], int] = {}
    for h in held:
        acc = own.setdefault((h.component, h.source), [0, 0])
        acc[0] += h.cost_vnd
        acc[1] += h.cost_vnd
        if h.kind is CapacityKind.OFFICIAL_TRAINING:
            k = (h.component, TargetKind.OFFICIALS_TRAINED)
            capacity[k] = capacity.get(k, 0) + h.attendees
        else:
            k = (h.component, TargetKind.COMMUNICATION_EVENTS)
            capacity[k] = capacity.get(k, 0) + h.activities
    targets: list[TargetLine] = []
    by_code: dict[str, list[tuple[str, str, str]]] = {}
    if plan and plan.targets:
        for r in repeats:  # indexed once: each target reads only the programmes it covers
            by_code.setdefault(r[1], []).append(r)
    for component, kind, support_kind, quantity in plan.targets if plan else ():
        if kind is TargetKind.HOUSEHOLDS:
            mine = [r for code, rs in by_code.items() if covers(component, code) for r in rs]
            actual = households_reached(component, support_kind, reach, mine)
        elif kind is TargetKind.WORKERS_TRAINED:
            actual = sum(n for code, n in trained.items() if covers(component, code))
        else:
            actual = sum(
                n for (comp, k), n in capacity.items() if k is kind and covers(component, comp)
            )
        targets.append(TargetLine(component, kind, support_kind, quantity, actual))
    return AreaExecution(
        spec,
        plan.plan_id if plan else None,
        plan.version if plan else None,
        plan.department if plan else None,
        money_lines(plan.allocated if plan else {}, money),
        tuple(targets),
    )


def plan_vs_actual(
    year: int,
    asked: AreaSpec | None,
    specs: Sequence[AreaSpec],
    plans: Mapping[tuple[PlanLevel, str], PlanLines],
    communes: Mapping[str, CommuneFigures],
    held: Mapping[tuple[PlanLevel, str], Sequence[Held]],
    held_within: Mapping[tuple[PlanLevel, str], Sequence[tuple[PlanLevel, str]]],
) -> PlanVsActual:
    """Every row of ``specs`` (parents before their children) with its own plan.
    ``held_within``: for each row, the areas whose activities count in it (itself and the
    areas below it)."""
    summed = _summed(specs, communes)
    rows = []
    for spec in specs:
        key = (spec.level, spec.code)
        acts = [h for a in held_within.get(key, (key,)) for h in held.get(a, ())]
        rows.append(area_execution(spec, plans.get(key), summed[key], acts))
    return PlanVsActual(year, asked, tuple(rows))


_DEPTH = {PlanLevel.COMMUNE: 2, PlanLevel.FORMER_DISTRICT: 1, PlanLevel.PROVINCE: 0}


def _summed(
    specs: Sequence[AreaSpec], communes: Mapping[str, CommuneFigures]
) -> dict[tuple[PlanLevel, str], CommuneFigures]:
    """Each row's figures, summed bottom up: a row made exactly of rows below it (a former
    district of its communes, a province of its districts and the communes outside any) sums
    them, any other sums its communes."""
    empty = CommuneFigures()
    by_parent: dict[str, list[AreaSpec]] = {}
    for s in specs:
        if s.parent_code is not None:
            by_parent.setdefault(s.parent_code, []).append(s)
    out: dict[tuple[PlanLevel, str], CommuneFigures] = {}
    for s in sorted(specs, key=lambda x: -_DEPTH[x.level]):
        key = (s.level, s.code)
        if s.level is PlanLevel.COMMUNE:
            out[key] = merged([communes.get(c, empty) for c in s.communes]) if s.communes else empty
            continue
        kids = [k for k in by_parent.get(s.code, ()) if _DEPTH[k.level] > _DEPTH[s.level]]
        covered = sorted(c for k in kids for c in k.communes)
        if kids and covered == sorted(s.communes) and all((k.level, k.code) in out for k in kids):
            out[key] = merged([out[(k.level, k.code)] for k in kids])
        else:
            out[key] = merged([communes.get(c, empty) for c in s.communes])
    return out
