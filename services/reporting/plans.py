"""Reporting's plan use cases: apply support's plan events to the plan projection, and answer
plan-vs-actual for an area and year (money per component and source, physical targets, with
rollups commune → former district → province named from reporting's area registry).

Every event is applied once (its id recorded in the same transaction). A plan is kept as its
latest version left it (compared in SQL), spending is summed and households reached are a
set, so replaying the streams in any order or batching gives the same tables.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

from services.reporting.adapters.repository import ReportingUnitOfWork, StoredPlan
from services.reporting.domain import plans as pl
from services.reporting.domain.areas import AreaLevel, AreaTree
from shared.contracts.codes import FundingSource
from shared.contracts.plans import (
    PLAN_SOURCE_OF,
    CapacityKind,
    CapacityRecorded,
    PlanAdopted,
    PlanLevel,
    PlanRevised,
    PlanSource,
    ProjectRecorded,
    TargetKind,
)
from shared.contracts.support import SupportDisbursed
from shared.contracts.training import TrainingCompleted
from shared.errors import DomainError

PlanEvent = PlanAdopted | PlanRevised | ProjectRecorded | CapacityRecorded | TrainingCompleted
"""Events of the plan projection besides ``support.disbursed`` (applied with support)."""


def spending_rows(events: Sequence[SupportDisbursed]) -> list[dict[str, object]]:
    """What the plan projection keeps of disbursements (sums and households reached). A
    pass-on (``passed_from_record_id``: an animal handed on by the household that received it)
    reaches a household but spends nothing: the giver's disbursement was the money."""
    return [
        {
            "year": p.disbursed_on.year,
            "commune_code": p.commune_code,
            "programme_code": p.programme_code,
            "funding_source": p.funding_source.value,
            "kind": p.kind.value,
            "household_code": p.household_code,
            "amount_vnd": 0 if p.passed_from_record_id else p.amount_vnd,
        }
        for p in (e.payload for e in events)
    ]


def apply_plan_events(uow: ReportingUnitOfWork, events: Sequence[PlanEvent], now: datetime) -> int:
    """Keep plans (latest version wins), projects' budgets, capacity activities and completed
    courses (each event once)."""
    with uow:
        fresh = uow.unseen(events)
        plans = uow.plans
        plans.save_plans(
            [
                {
                    "plan_id": p.plan_id,
                    "level": p.level.value,
                    "area_code": p.area_code,
                    "year": p.year,
                    "version": p.version,
                    "department": p.department,
                    "allocations": json.dumps(
                        [[a.component, a.source.value, a.amount_vnd] for a in p.allocations]
                    ),
                    "targets": json.dumps(
                        [
                            [
                                t.component,
                                t.kind.value,
                                t.support_kind.value if t.support_kind else "",
                                t.quantity,
                            ]
                            for t in p.targets
                        ]
                    ),
                    "order_key": f"{p.version:08d}",
                }
                for p in (e.payload for e in fresh if isinstance(e, PlanAdopted | PlanRevised))
            ]
        )
        plans.save_projects(
            [
                {
                    "project_id": p.project_id,
                    "component": p.component,
                    "commune_code": p.commune_code,
                    "year": p.starts_on.year,
                    "state_source": p.budget.state_source.value,
                    "state_vnd": p.budget.state_vnd,
                    "household_vnd": p.budget.household_vnd,
                    "enterprise_vnd": p.budget.enterprise_vnd,
                }
                for p in (e.payload for e in fresh if isinstance(e, ProjectRecorded))
            ]
        )
        plans.save_capacity(
            [
                {
                    "activity_id": p.activity_id,
                    "kind": p.kind.value,
                    "level": p.level.value,
                    "area_code": p.area_code,
                    "component": p.component,
                    "source": p.source.value,
                    "year": p.held_on.year,
                    "attendees": p.attendees,
                    "cost_vnd": p.cost_vnd,
                }
                for p in (e.payload for e in fresh if isinstance(e, CapacityRecorded))
            ]
        )
        plans.save_trained(
            [
                {
                    "enrolment_id": p.enrolment_id,
                    "commune_code": p.commune_code,
                    "programme_code": p.programme_code,
                    "year": p.on.year,
                }
                for p in (e.payload for e in fresh if isinstance(e, TrainingCompleted))
            ]
        )
        tally: dict[tuple[str, str], int] = {}
        for e in fresh:
            tally[(e.event_type, "")] = tally.get((e.event_type, ""), 0) + 1
        uow.tallies.add(tally)
        uow.mark_processed(fresh, now)
        uow.commit()
        return len(fresh)


# the table -------------------------------------------------------------------------------------

_LEVEL = {
    AreaLevel.PROVINCE: PlanLevel.PROVINCE,
    AreaLevel.FORMER_DISTRICT: PlanLevel.FORMER_DISTRICT,
    AreaLevel.COMMUNE: PlanLevel.COMMUNE,
}


def _spec(tree: AreaTree, level: PlanLevel, code: str, communes: Sequence[str]) -> pl.AreaSpec:
    a = tree.get(code)
    parent = tree.parent_in_rollup(a) if a is not None else None
    return pl.AreaSpec(
        level,
        code,
        a.name_vi if a else None,
        a.name_en if a else None,
        parent,
        tuple(sorted(communes)),
    )


def _rows(tree: AreaTree, area: str) -> list[pl.AreaSpec]:
    """The rows of ``area``: itself, then (a province) each former district followed by its
    communes, communes outside any former district last; (a former district) its communes.
    A code the registry lacks is taken as a commune's."""
    a = tree.get(area)
    if a is None:
        return [_spec(tree, PlanLevel.COMMUNE, area, (area,))]
    level = _LEVEL.get(a.level)
    if level is None:
        raise DomainError(
            "area",
            "Bảng kế hoạch so với thực hiện đi xuống đến xã; hãy chọn xã, huyện (cũ) hoặc tỉnh.",
            "Plan-vs-actual goes down to communes: choose a commune, former district or province.",
            code="area_level",
        )
    if level is PlanLevel.COMMUNE:
        return [_spec(tree, level, area, (area,))]
    communes = sorted(
        x.code
        for x in tree.areas.values()
        if x.level is AreaLevel.COMMUNE
        and (
            x.former_district_code == area
            if level is PlanLevel.FORMER_DISTRICT
            else x.parent_code == area
        )
    )
    out = [_spec(tree, level, area, communes)]
    if level is PlanLevel.FORMER_DISTRICT:
        return out + [_spec(tree, PlanLevel.COMMUNE, c, (c,)) for c in communes]
    by_district: dict[str | None, list[str]] = {}
    for c in communes:
        found = tree.get(c)
        by_district.setdefault(found.former_district_code if found else None, []).append(c)
    for d in sorted(k for k in by_district if k is not None):
        out.append(_spec(tree, PlanLevel.FORMER_DISTRICT, d, by_district[d]))
        out.extend(_spec(tree, PlanLevel.COMMUNE, c, (c,)) for c in by_district[d])
    out.extend(_spec(tree, PlanLevel.COMMUNE, c, (c,)) for c in by_district.get(None, []))
    return out


_SOURCES = {s.value: s for s in PlanSource}
_KINDS = {k.value: k for k in TargetKind}
_FUNDED = {f.value: PLAN_SOURCE_OF.get(f, PlanSource.OTHER) for f in FundingSource}


def _lines(p: StoredPlan) -> pl.PlanLines:
    return pl.PlanLines(
        p.plan_id,
        p.version,
        p.department,
        {(c, _SOURCES.get(s, PlanSource.OTHER)): a for c, s, a in p.allocations},
        tuple((c, _KINDS[k], sk or None, n) for c, k, sk, n in p.targets),
    )


def latest_plan_year(uow: ReportingUnitOfWork) -> int:
    """The latest year with a plan (none yet: this year)."""
    with uow:
        years = uow.plans.years()
    return max(years) if years else datetime.now(UTC).year


def plan_table(
    uow: ReportingUnitOfWork,
    *,
    year: int,
    area: str | None,
    communes: frozenset[str] | None = None,
) -> pl.PlanVsActual:
    """Plan-vs-actual of ``year`` for ``area`` (None: each province of the registry) and the
    areas below it down to communes, each with its own plan. ``communes``: keep only the rows
    of these communes (a caller allowed in some communes only)."""
    with uow:
        tree = uow.areas.tree()
        if area is not None:
            specs = _rows(tree, area)
        else:
            provinces = sorted(x.code for x in tree.areas.values() if x.level is AreaLevel.PROVINCE)
            specs = [s for p in provinces for s in _rows(tree, p)]
        asked = specs[0] if area is not None else None
        scope = None if asked is None or asked.level is PlanLevel.PROVINCE else list(asked.communes)
        wanted = [(s.level.value, s.code) for s in specs] if specs else None
        plans = {
            (PlanLevel(p.level), p.area_code): _lines(p)
            for p in uow.plans.plans_of_year(year, wanted)
        }
        figures = _figures(uow, scope, year, list(plans.values()))
        held = _held(uow, year)
    if not specs:  # no registry yet: each commune with figures or a plan of its own
        codes = set(figures) | {c for lv, c in plans if lv is PlanLevel.COMMUNE}
        specs = [_spec(tree, PlanLevel.COMMUNE, c, (c,)) for c in sorted(codes)]
    within = _held_within(specs, tree)
    table = pl.plan_vs_actual(year, asked, specs, plans, figures, held, within)
    if communes is None:
        return table
    return pl.PlanVsActual(
        table.year,
        table.area,
        tuple(
            r for r in table.rows if r.area.level is PlanLevel.COMMUNE and r.area.code in communes
        ),
    )


def _figures(
    uow: ReportingUnitOfWork,
    scope: Sequence[str] | None,
    year: int,
    lines: Sequence[pl.PlanLines],
) -> dict[str, pl.CommuneFigures]:
    """Each commune's money, households reached (and repeats) and workers trained."""
    money: dict[str, dict[pl.Key, list[int]]] = {}
    other = PlanSource.OTHER
    for commune, code, funding, amount in uow.plans.spending(scope, year):
        here = money.get(commune)
        if here is None:
            here = money[commune] = {}
        key = (code, _FUNDED.get(funding, other))
        acc = here.get(key)
        if acc is None:
            here[key] = [amount, amount]
        else:  # two funding sources counted as one plan source
            acc[0] += amount
            acc[1] += amount
    for commune, comp, src, state, hh, firm in uow.plans.projects(scope, year):
        for source, amount in (
            (_plan_source(src), state),
            (PlanSource.SOCIAL_MOBILISATION, firm),
            (PlanSource.OTHER, hh),
        ):
            if amount:
                money.setdefault(commune, {}).setdefault((comp, source), [0, 0])[0] += amount
    reach: dict[str, dict[tuple[str, str], int]] = {}
    trained: dict[str, dict[str, int]] = {}
    repeats: dict[str, list[tuple[str, str, str]]] = {}
    if any(p.targets for p in lines):
        for commune, code, kind, n in uow.plans.reach(scope, year):
            reach.setdefault(commune, {})[(code, kind)] = n
        for commune, code, workers in uow.plans.trained(scope, year):
            trained.setdefault(commune, {})[code] = workers
        household_components = {
            c for p in lines for c, k, _sk, _n in p.targets if k is TargetKind.HOUSEHOLDS
        }
        for commune, household, code, what in uow.plans.repeated_reach(
            scope, year, household_components
        ):
            repeats.setdefault(commune, []).append((household, code, what))
    out: dict[str, pl.CommuneFigures] = {}
    for c in set(money) | set(reach) | set(trained):
        out[c] = pl.CommuneFigures(
            money.get(c, {}),
            reach.get(c, {}),
            tuple(repeats.get(c, ())),
            trained.get(c, {}),
        )
    return out


def _plan_source(value: str) -> PlanSource:
    return _SOURCES.get(value, PlanSource.OTHER)


def _held(uow: ReportingUnitOfWork, year: int) -> dict[tuple[PlanLevel, str], list[pl.Held]]:
    out: dict[tuple[PlanLevel, str], list[pl.Held]] = {}
    for level, area, comp, kind, src, n, people, cost in uow.plans.capacity(year):
        out.setdefault((PlanLevel(level), area), []).append(
            pl.Held(comp, CapacityKind(kind), _plan_source(src), n, people, cost)
        )
    return out


def _held_within(
    specs: Sequence[pl.AreaSpec], tree: AreaTree
) -> dict[tuple[PlanLevel, str], list[tuple[PlanLevel, str]]]:
    """For each row: itself, and (a former district or province) the areas below it whose
    activities count in it."""
    out: dict[tuple[PlanLevel, str], list[tuple[PlanLevel, str]]] = {}
    for s in specs:
        key = (s.level, s.code)
        below: list[tuple[PlanLevel, str]] = [key]
        if s.level is not PlanLevel.COMMUNE:
            districts: set[str] = set()
            for c in s.communes:
                below.append((PlanLevel.COMMUNE, c))
                a = tree.get(c)
                if s.level is PlanLevel.PROVINCE and a is not None and a.former_district_code:
                    districts.add(a.former_district_code)
            below.extend((PlanLevel.FORMER_DISTRICT, d) for d in sorted(districts))
        out[key] = below
    return out
