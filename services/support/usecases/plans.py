"""Plans per level and year: adopt, revise (with a reason, history kept), the room left for a
disbursement, and execution (committed and disbursed against allocated) per component, source
and area, up to the plan-vs-actual table of a province."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import orjson
import sqlalchemy as sa
from pydantic import Field

from services.support.adapters.tables import plan_communes, plan_revisions, plans
from services.support.adapters.uow import SupportUnitOfWork
from services.support.domain.areas import AreaMap
from services.support.domain.catalogue import Catalogue
from services.support.domain.plans import (
    SOURCE_OF,
    PlanLines,
    changes,
    check_components,
    check_room,
    check_unique,
    execution,
    totals,
)
from services.support.plan_views import (
    AllocationView,
    AreaExecution,
    ChangeView,
    MoneyLine,
    PlanDetail,
    PlanView,
    PlanVsActual,
    TargetLine,
    TargetView,
)
from services.support.usecases.common import (
    Code,
    Day,
    Id,
    Reason,
    Request,
    Vnd,
    audit,
    emit,
    missing,
    replayed,
    retried_on_race,
    stored_json,
)
from services.support.views import Recorded
from shared.access.model import Actor
from shared.contracts import plans as contract
from shared.contracts.codes import FundingSource, SupportKind
from shared.contracts.plans import CapacityKind, PlanLevel, PlanSource, TargetKind, covers
from shared.errors import DomainError, ErrorKind
from shared.plan_execution import component_of, households_reached, pct

MAX_LINES = 500
MAX_QUANTITY = 10_000_000


class AllocationIn(Request):
    component: Code = Field(description="Programme component (catalogue code).")
    source: PlanSource = Field(description="Funding source.")
    amount_vnd: Vnd = Field(description="Amount allocated, VND.")


class TargetIn(Request):
    component: Code = Field(description="Programme component (catalogue code).")
    kind: TargetKind = Field(description="Households to support, or workers to train.")
    support_kind: SupportKind | None = Field(
        default=None,
        description="Kind of support of a household target (none: households supported "
        "under the component with any kind, each counted once).",
    )
    quantity: int = Field(ge=0, le=MAX_QUANTITY, description="How many.")


class PlanRequest(Request):
    plan_id: Id = Field(description="Plan id; idempotency key.")
    level: PlanLevel = Field(description="Province, former district or commune.")
    area_code: str = Field(min_length=1, max_length=16, description="Code of that area.")
    year: int = Field(ge=2000, le=2100, description="Plan year.")
    department: str | None = Field(
        default=None, max_length=64, description="Responsible department (code)."
    )
    adopted_on: Day = Field(description="Date the plan was issued.")
    allocations: list[AllocationIn] = Field(default_factory=list, max_length=MAX_LINES)
    targets: list[TargetIn] = Field(default_factory=list, max_length=MAX_LINES)


class RevisionRequest(Request):
    revision_id: Id = Field(description="Revision id; idempotency key.")
    reason: Reason = Field(description="Why the plan changes (kept in its history).")
    revised_on: Day = Field(description="Date of the revision.")
    department: str | None = Field(default=None, max_length=64)
    allocations: list[AllocationIn] = Field(default_factory=list, max_length=MAX_LINES)
    targets: list[TargetIn] = Field(default_factory=list, max_length=MAX_LINES)


def _checked(
    catalogue: Catalogue, allocations: Sequence[AllocationIn], targets: Sequence[TargetIn]
) -> tuple[list[AllocationView], list[TargetView]]:
    named = {a.component for a in allocations} | {t.component for t in targets}
    known = [c for c in named if catalogue.find(c) is not None]
    check_components([a.component for a in allocations], known, "allocations")
    check_components([t.component for t in targets], known, "targets")
    check_unique(((a.component, a.source.value) for a in allocations), "allocations")
    check_unique(
        ((t.component, t.kind.value, t.support_kind) for t in targets),
        "targets",
    )
    for t in targets:
        if t.kind is not TargetKind.HOUSEHOLDS and t.support_kind is not None:
            raise DomainError(
                "targets",
                "Chỉ chỉ tiêu số hộ mới ghi loại hỗ trợ.",
                "Only a household target names a kind of support.",
            )
    return (
        [AllocationView(**a.model_dump()) for a in allocations],
        [TargetView(**t.model_dump()) for t in targets],
    )


def _snapshot(allocations: list[AllocationView], targets: list[TargetView]) -> str:
    return orjson.dumps(
        {
            "allocations": [a.model_dump(mode="json") for a in allocations],
            "targets": [t.model_dump(mode="json") for t in targets],
        }
    ).decode()


def _payload(p: PlanView) -> contract.PlanPayload:
    return contract.PlanPayload(
        plan_id=p.plan_id,
        level=p.level,
        area_code=p.area_code,
        year=p.year,
        version=p.version,
        department=p.department,
        allocations=[contract.Allocation(**a.model_dump()) for a in p.allocations],
        targets=[contract.Target(**t.model_dump()) for t in p.targets],
    )


def _where(level: PlanLevel, code: str) -> dict[str, str]:
    return {"commune_code": code if level is PlanLevel.COMMUNE else "", "village_code": ""}


def plan_of(uow: SupportUnitOfWork, plan_id: str) -> PlanView:
    p = uow.plans.plan(plan_id)
    if p is None:
        raise missing("kế hoạch", "plan", plan_id, "plan_id")
    return p


@retried_on_race
def adopt_plan(
    uow: SupportUnitOfWork,
    catalogue: Catalogue,
    areas: AreaMap,
    request: PlanRequest,
    *,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """A level's plan for a year: money per component and source, physical targets, the
    responsible department. One plan per area and year (revise it to change it)."""
    with uow:
        where = _where(request.level, request.area_code)
        if replayed(uow, plans, "plan_id", request, ("Kế hoạch", "Plan")):
            return Recorded(id=request.plan_id, created=False, **where)
        communes = areas.communes_of(request.level, request.area_code)
        allocations, targets = _checked(catalogue, request.allocations, request.targets)
        other = uow.plans.plan_id_at(request.level.value, request.area_code, request.year)
        if other is not None:
            raise DomainError(
                "area_code",
                f"Địa bàn {request.area_code} đã có kế hoạch năm {request.year} ({other}); "
                "hãy điều chỉnh kế hoạch đó.",
                f"Area {request.area_code} already has plan {other} for {request.year}; "
                "revise it instead.",
                ErrorKind.CONFLICT,
                code="plan_exists",
            )
        uow.plans.add_plan(
            {
                "plan_id": request.plan_id,
                "level": request.level.value,
                "area_code": request.area_code,
                "year": request.year,
                "version": 1,
                "department": request.department,
                "request": stored_json(request),
                "recorded_at": now,
            },
            communes,
        )
        uow.plans.set_lines(request.plan_id, allocations, targets)
        uow.plans.add_revision(
            {
                "plan_id": request.plan_id,
                "version": 1,
                "revision_id": request.plan_id,
                "reason": None,
                "lines": _snapshot(allocations, targets),
                "revised_on": request.adopted_on,
                "actor": actor.username,
                "request": None,
                "recorded_at": now,
            }
        )
        p = plan_of(uow, request.plan_id)
        uow.stage([emit(contract.PlanAdopted, _payload(p), correlation_id, now)])
        audit(
            uow,
            actor,
            "plan.adopted",
            ("plan", p.plan_id),
            commune_code=where["commune_code"] or None,
            after={
                "level": p.level.value,
                "area_code": p.area_code,
                "year": p.year,
                "allocated_vnd": sum(a.amount_vnd for a in allocations),
                "lines": len(allocations),
                "targets": len(targets),
            },
            correlation_id=correlation_id,
        )
        uow.commit()
        return Recorded(id=p.plan_id, created=True, events=1, **where)


@retried_on_race
def revise_plan(
    uow: SupportUnitOfWork,
    catalogue: Catalogue,
    plan_id: str,
    request: RevisionRequest,
    *,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """A new version of a plan (its allocations and targets replaced as a whole), with the
    reason; every earlier version stays in the plan's history."""
    with uow:
        uow.ledger.lock(plans, "plan_id", plan_id)
        before = plan_of(uow, plan_id)
        where = _where(before.level, before.area_code)
        if replayed(uow, plan_revisions, "revision_id", request, ("Điều chỉnh", "Revision")):
            return Recorded(id=request.revision_id, created=False, **where)
        allocations, targets = _checked(catalogue, request.allocations, request.targets)
        version = before.version + 1
        uow.plans.set_lines(plan_id, allocations, targets)
        uow.plans.add_revision(
            {
                "plan_id": plan_id,
                "version": version,
                "revision_id": request.revision_id,
                "reason": request.reason,
                "lines": _snapshot(allocations, targets),
                "revised_on": request.revised_on,
                "actor": actor.username,
                "request": stored_json(request),
                "recorded_at": now,
            }
        )
        uow.plans.update_plan(
            plan_id,
            {"version": version, "department": request.department or before.department},
        )
        after = plan_of(uow, plan_id)
        uow.stage([emit(contract.PlanRevised, _payload(after), correlation_id, now)])
        audit(
            uow,
            actor,
            "plan.revised",
            ("plan", plan_id),
            commune_code=where["commune_code"] or None,
            before={
                "version": before.version,
                "allocated_vnd": sum(a.amount_vnd for a in before.allocations),
            },
            after={
                "version": version,
                "revision_id": request.revision_id,
                "allocated_vnd": sum(a.amount_vnd for a in allocations),
                "lines_changed": len(changes(_lines(before.allocations), _lines(allocations))),
            },
            correlation_id=correlation_id,
        )
        uow.commit()
        return Recorded(id=request.revision_id, created=True, events=1, **where)


# ---------------------------------------------------------------------- the room left


class PlanRoom:
    """The room left in the plans covering the records of one transaction (a batch): the plans
    of each commune and year and what was disbursed against each allocation are read once, and
    every record accepted in the transaction is added to what it used."""

    def __init__(self, uow: SupportUnitOfWork) -> None:
        self.uow = uow
        self.plans: dict[tuple[str, int], list[PlanView]] = {}
        self.used: dict[tuple[str, str, PlanSource], int] = {}

    def _covering(self, commune: str, year: int) -> list[PlanView]:
        found = self.plans.get((commune, year))
        if found is None:
            found = self.plans[(commune, year)] = self.uow.plans.plans_covering(commune, year)
        return found

    def _used(self, p: PlanView, comps: list[str], comp: str, source: PlanSource) -> int:
        key = (p.plan_id, comp, source)
        if key not in self.used:
            sources = [f.value for f, s in SOURCE_OF.items() if s is source]
            spent = self.uow.plans.disbursed_in(p.communes, p.year, sources)
            self.used[key] = sum(
                v for code, v in spent.items() if component_of(comps, code) == comp
            )
        return self.used[key]

    def check(
        self, row: dict[str, Any], *, override_reason: str | None, may_override: bool
    ) -> list[str]:
        """Check a disbursement (a ledger row not yet written) against every plan of its year
        covering its commune that allocates to its component and source, then count it as
        used. The plans it exceeds by an authorised override (else 422, nothing counted)."""
        year = row["given_on"].year
        source = SOURCE_OF.get(FundingSource(row["funding_source"]), PlanSource.OTHER)
        exceeded: list[str] = []
        counted: list[tuple[str, str, PlanSource]] = []
        for p in self._covering(row["commune_code"], year):
            comps = [a.component for a in p.allocations if a.source is source]
            comp = component_of(comps, row["programme_code"])
            if comp is None:
                continue
            allocated = next(
                a.amount_vnd for a in p.allocations if a.component == comp and a.source is source
            )
            used = self._used(p, comps, comp, source)
            if check_room(
                p.plan_id,
                comp,
                source,
                allocated,
                used,
                row["amount_vnd"],
                override_reason=override_reason,
                may_override=may_override,
            ):
                exceeded.append(p.plan_id)
            counted.append((p.plan_id, comp, source))
        for key in counted:
            self.used[key] += row["amount_vnd"]
        return exceeded

    def check_commitment(
        self,
        *,
        commune: str,
        year: int,
        component: str,
        shares: Sequence[tuple[PlanSource, int]],
        override_reason: str | None,
        may_override: bool,
    ) -> list[str]:
        """Check a project's budget (its shares by plan source) against every plan of its year
        covering its commune: what is left to commit is the allocation less the support
        records of the plan's communes and the budgets of the projects already committed
        there. The plans it exceeds by an authorised override (else 422)."""
        exceeded: list[str] = []
        for p in self._covering(commune, year):
            projected: dict[tuple[str, PlanSource], int] | None = None
            for source, amount in shares:
                comps = [a.component for a in p.allocations if a.source is source]
                comp = component_of(comps, component)
                if comp is None or amount <= 0:
                    continue
                if projected is None:
                    projected = self.uow.plans.committed_by_projects(p.communes, year)
                allocated = next(
                    a.amount_vnd
                    for a in p.allocations
                    if a.component == comp and a.source is source
                )
                committed = sum(
                    v
                    for (c, s), v in projected.items()
                    if s is source and component_of(comps, c) == comp
                )
                used = self._used(p, comps, comp, source) + committed
                if (
                    check_room(
                        p.plan_id,
                        comp,
                        source,
                        allocated,
                        used,
                        amount,
                        override_reason=override_reason,
                        may_override=may_override,
                    )
                    and p.plan_id not in exceeded
                ):
                    exceeded.append(p.plan_id)
        return exceeded

    def check_activity(
        self,
        areas: AreaMap,
        *,
        level: PlanLevel,
        area_code: str,
        year: int,
        component: str,
        source: PlanSource,
        amount: int,
        override_reason: str | None,
        may_override: bool,
    ) -> list[str]:
        """Check the cost of an officials' training or communication event held by an area
        against every plan of its year whose area contains it (its own, a former district's,
        the province's) and allocates to its component and source: what is left is the
        allocation less the support records of the plan's communes and the activities held
        within the plan's area. The plans it exceeds by an authorised override (else 422)."""
        covered = areas.communes_of(level, area_code)
        exceeded: list[str] = []
        held = self.uow.plans.capacity_sums(year)
        for p in self._covering(covered[0], year):
            if not set(covered) <= set(p.communes):
                continue
            comps = [a.component for a in p.allocations if a.source is source]
            comp = component_of(comps, component)
            if comp is None:
                continue
            allocated = next(
                a.amount_vnd for a in p.allocations if a.component == comp and a.source is source
            )
            within = _areas_within(areas, p.level, p.area_code, p.communes)
            spent = sum(
                cost
                for lv, area, c, _kind, src, _n, _people, cost in held
                if src == source.value
                and (PlanLevel(lv), area) in within
                and component_of(comps, c) == comp
            )
            used = self._used(p, comps, comp, source) + spent
            if check_room(
                p.plan_id,
                comp,
                source,
                allocated,
                used,
                amount,
                override_reason=override_reason,
                may_override=may_override,
            ):
                exceeded.append(p.plan_id)
        return exceeded


def _areas_within(
    areas: AreaMap, level: PlanLevel, code: str, communes: Sequence[str]
) -> set[tuple[PlanLevel, str]]:
    """The area itself and the areas below it (its communes; a province's former
    districts)."""
    out: set[tuple[PlanLevel, str]] = {(level, code)}
    if level is PlanLevel.COMMUNE:
        return out
    for c in communes:
        out.add((PlanLevel.COMMUNE, c))
        known = areas.communes.get(c)
        if level is PlanLevel.PROVINCE and known is not None and known.former_district_code:
            out.add((PlanLevel.FORMER_DISTRICT, known.former_district_code))
    return out


# ---------------------------------------------------------------------- execution

Money = Mapping[tuple[str, PlanSource], Sequence[int]]


def _area_execution(
    level: PlanLevel,
    code: str,
    name: str,
    plan: PlanLines | None,
    money: Money,
    phys: dict[tuple[str, TargetKind, str], int],
    repeats: Sequence[tuple[str, str, str]] = (),
) -> AreaExecution:
    lines = execution(plan.allocated if plan else {}, money)
    t = totals(lines)
    targets: list[TargetLine] = []
    done: dict[TargetKind, dict[tuple[str, str], int]] = {}
    if plan and plan.targets:
        for (prog, k, sk), n in phys.items():
            done.setdefault(k, {})[(prog, sk)] = n
    for component, kind, support_kind, quantity in plan.targets if plan else ():
        if kind is TargetKind.HOUSEHOLDS:
            actual = households_reached(
                component,
                support_kind.value if support_kind else None,
                done.get(kind, {}),
                repeats,
            )
        else:
            actual = sum(
                n for (prog, _sk), n in done.get(kind, {}).items() if covers(component, prog)
            )
        targets.append(
            TargetLine(
                component=component,
                kind=kind,
                support_kind=support_kind,
                planned=quantity,
                actual=actual,
                pct=pct(actual, quantity),
                above_plan=actual > quantity,
            )
        )
    return AreaExecution(
        level=level,
        area_code=code,
        name=name,
        plan_id=plan.plan_id if plan else None,
        allocated_vnd=t.allocated_vnd,
        committed_vnd=t.committed_vnd,
        disbursed_vnd=t.disbursed_vnd,
        disbursed_pct=t.disbursed_pct,
        above_plan=t.above_plan,
        money=[
            MoneyLine(
                component=ln.component,
                source=ln.source,
                allocated_vnd=ln.allocated_vnd,
                committed_vnd=ln.committed_vnd,
                disbursed_vnd=ln.disbursed_vnd,
                remaining_vnd=ln.allocated_vnd - ln.disbursed_vnd,
                disbursed_pct=pct(ln.disbursed_vnd, ln.allocated_vnd),
                above_plan=ln.disbursed_vnd > ln.allocated_vnd,
            )
            for ln in lines
        ],
        targets=targets,
    )


def plan_vs_actual(
    uow: SupportUnitOfWork, areas: AreaMap, level: PlanLevel, code: str, year: int
) -> PlanVsActual:
    """The area and every area below it (former districts, communes), each with its own plan
    (if any) against what the ledger shows in its communes that year."""
    communes = areas.communes_of(level, code)
    with uow:
        scope = None if level is PlanLevel.PROVINCE else communes
        money = uow.plans.money(scope, year)
        phys = uow.plans.physical(scope, year)
        shown: list[tuple[PlanLevel, str, tuple[str, ...]]] = [(level, code, communes)]
        if level is PlanLevel.PROVINCE:
            districts = sorted(
                {
                    areas.communes[c].former_district_code or ""
                    for c in communes
                    if areas.communes[c].former_district_code
                }
            )
            for d in districts:
                shown.append(
                    (PlanLevel.FORMER_DISTRICT, d, areas.communes_of(PlanLevel.FORMER_DISTRICT, d))
                )
        if level is not PlanLevel.COMMUNE:
            shown.extend((PlanLevel.COMMUNE, c, (c,)) for c in communes)
        found = uow.plans.plan_lines_of_year(year, [(lv.value, c) for lv, c, _ in shown])
        twice = uow.plans.repeated_reach(
            scope,
            year,
            {
                comp
                for lines in found.values()
                for comp, kind, _sk, _n in lines.targets
                if kind is TargetKind.HOUSEHOLDS
            },
        )
        held = uow.plans.capacity_sums(year)
    by_commune = money
    phys_by: dict[str, dict[tuple[str, TargetKind, str], int]] = {}
    for (commune, prog, kind, sk), n in phys.items():
        phys_by.setdefault(commune, {})[(prog, kind, sk)] = n
    activities: dict[tuple[PlanLevel, str], list[tuple[str, str, str, int, int, int]]] = {}
    for hlv, area, comp, what, src, count, people, cost in held:
        activities.setdefault((PlanLevel(hlv), area), []).append(
            (comp, what, src, count, people, cost)
        )
    out: list[AreaExecution] = []
    for lv, c, members in shown:
        held_here = _held_within(activities, areas, lv, c, members)
        if len(members) == 1 and not held_here:  # a commune: its own sums as they are
            only = members[0]
            out.append(
                _area_execution(
                    lv,
                    c,
                    areas.name(lv, c),
                    found.get((lv.value, c)),
                    by_commune.get(only, {}),
                    phys_by.get(only, {}),
                    twice.get(only, ()),
                )
            )
            continue
        m: dict[tuple[str, PlanSource], list[int]] = {}
        ph: dict[tuple[str, TargetKind, str], int] = {}
        for comp, what, src, count, people, cost in held_here:
            acc = m.setdefault((comp, PlanSource(src)), [0, 0])
            acc[0] += cost
            acc[1] += cost
            if what == CapacityKind.OFFICIAL_TRAINING.value:
                key = (comp, TargetKind.OFFICIALS_TRAINED, "")
                ph[key] = ph.get(key, 0) + people
            else:
                key = (comp, TargetKind.COMMUNICATION_EVENTS, "")
                ph[key] = ph.get(key, 0) + count
        for commune in members:
            for k, (committed, spent) in by_commune.get(commune, {}).items():
                acc = m.setdefault(k, [0, 0])
                acc[0] += committed
                acc[1] += spent
            for pk, reached in phys_by.get(commune, {}).items():
                ph[pk] = ph.get(pk, 0) + reached
        out.append(
            _area_execution(
                lv,
                c,
                areas.name(lv, c),
                found.get((lv.value, c)),
                m,
                ph,
                [r for commune in members for r in twice.get(commune, ())],
            )
        )
    return PlanVsActual(level=level, area_code=code, year=year, areas=out)


def _held_within(
    activities: dict[tuple[PlanLevel, str], list[tuple[str, str, str, int, int, int]]],
    areas: AreaMap,
    level: PlanLevel,
    code: str,
    members: Sequence[str],
) -> list[tuple[str, str, str, int, int, int]]:
    """Activities held by the area itself or by an area below it."""
    if not activities:
        return []
    out = list(activities.get((level, code), []))
    if level is PlanLevel.COMMUNE:
        return out
    districts: set[str] = set()
    for commune in members:
        out.extend(activities.get((PlanLevel.COMMUNE, commune), []))
        known = areas.communes.get(commune)
        if level is PlanLevel.PROVINCE and known and known.former_district_code:
            districts.add(known.former_district_code)
    for d in sorted(districts):
        out.extend(activities.get((PlanLevel.FORMER_DISTRICT, d), []))
    return out


def _lines(allocations: Sequence[AllocationView]) -> dict[tuple[str, PlanSource], int]:
    return {(a.component, a.source): a.amount_vnd for a in allocations}


def plan_detail(uow: SupportUnitOfWork, areas: AreaMap, plan_id: str) -> PlanDetail:
    """A plan, its execution in its area and every version with its reason and what it
    changed."""
    with uow:
        p = plan_of(uow, plan_id)
        stored = uow.plans.revisions(plan_id)
    revisions = [
        r.model_copy(
            update={
                "changes": [
                    ChangeView(
                        component=c.component,
                        source=c.source,
                        before_vnd=c.before_vnd,
                        after_vnd=c.after_vnd,
                    )
                    for c in changes(_lines(before.allocations), _lines(r.allocations))
                ]
            }
        )
        if before is not None
        else r
        for before, r in zip([None, *stored[:-1]], stored, strict=True)
    ]
    table = plan_vs_actual(uow, areas, p.level, p.area_code, p.year)
    return PlanDetail(plan=p, execution=table.areas[0], revisions=revisions)


def plan_area(uow: SupportUnitOfWork, plan_id: str) -> PlanView:
    with uow:
        return plan_of(uow, plan_id)


def list_plans(
    uow: SupportUnitOfWork,
    year: int | None,
    level: PlanLevel | None,
    communes: Sequence[str] | None,
) -> list[PlanView]:
    """Plans of a year and level; ``communes``: only plans covering one of them (``None``:
    every plan)."""
    cond: Any = sa.true()
    if year is not None:
        cond = sa.and_(cond, plans.c.year == year)
    if level is not None:
        cond = sa.and_(cond, plans.c.level == level.value)
    if communes is not None:
        ids = sa.select(plan_communes.c.plan_id).where(
            plan_communes.c.commune_code.in_(list(communes))
        )
        cond = sa.and_(cond, plans.c.plan_id.in_(ids))
    with uow:
        return uow.plans.plans_where(cond)
