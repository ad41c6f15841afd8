"""Plans, their lines and revisions; needs, projects, capacity activities, obstacles, escape
commitments and assignments; and the ledger sums a plan is measured against."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.support.adapters.sums import summed
from services.support.adapters.tables import (
    assignments,
    capacity,
    escapes,
    needs,
    obstacles,
    plan_communes,
    plan_lines,
    plan_revisions,
    plan_targets,
    plans,
    projects,
    recognised,
    records,
    rewards,
    trainings,
)
from services.support.domain.plans import SOURCE_OF
from services.support.plan_views import (
    AllocationView,
    AssignmentView,
    CapacityView,
    NeedView,
    ObstacleView,
    PlanView,
    ProjectView,
    RevisionView,
    RewardView,
    TargetView,
    UnservedLine,
)
from shared.contracts.codes import FundingSource
from shared.contracts.plans import PlanSource, TargetKind

CHUNK = 500

Money = dict[tuple[str, str, PlanSource], list[int]]
"""(commune, programme code, source) → [committed, disbursed]."""


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _in(column: Any, values: Sequence[str] | None) -> Any:
    return sa.true() if values is None else column.in_(list(values))


class PlansRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # ---------------------------------------------------------------- plans

    def add_plan(self, row: dict[str, Any], communes: Iterable[str]) -> None:
        self.conn.execute(sa.insert(plans), [row])
        self.conn.execute(
            sa.insert(plan_communes),
            [{"plan_id": row["plan_id"], "commune_code": c} for c in communes],
        )

    def set_lines(
        self, plan_id: str, allocations: list[AllocationView], targets: list[TargetView]
    ) -> None:
        self.conn.execute(sa.delete(plan_lines).where(plan_lines.c.plan_id == plan_id))
        self.conn.execute(sa.delete(plan_targets).where(plan_targets.c.plan_id == plan_id))
        if allocations:
            self.conn.execute(
                sa.insert(plan_lines),
                [
                    {
                        "plan_id": plan_id,
                        "component": a.component,
                        "source": a.source.value,
                        "amount_vnd": a.amount_vnd,
                    }
                    for a in allocations
                ],
            )
        if targets:
            self.conn.execute(
                sa.insert(plan_targets),
                [
                    {
                        "plan_id": plan_id,
                        "component": t.component,
                        "kind": t.kind.value,
                        "support_kind": t.support_kind.value if t.support_kind else "",
                        "quantity": t.quantity,
                    }
                    for t in targets
                ],
            )

    def add_revision(self, row: dict[str, Any]) -> None:
        self.conn.execute(sa.insert(plan_revisions), [row])

    def update_plan(self, plan_id: str, values: dict[str, Any]) -> None:
        self.conn.execute(sa.update(plans).where(plans.c.plan_id == plan_id).values(**values))

    def plan_id_at(self, level: str, area_code: str, year: int) -> str | None:
        q = sa.select(plans.c.plan_id).where(
            plans.c.level == level, plans.c.area_code == area_code, plans.c.year == year
        )
        return self.conn.execute(q).scalar()

    def plan(self, plan_id: str) -> PlanView | None:
        found = self.plans_where(plans.c.plan_id == plan_id)
        return found[0] if found else None

    def plans_where(self, cond: Any) -> list[PlanView]:
        rows = self.conn.execute(
            sa.select(plans).where(cond).order_by(plans.c.year, plans.c.level, plans.c.area_code)
        ).mappings()
        heads = [dict(r) for r in rows]
        if not heads:
            return []
        ids = [h["plan_id"] for h in heads]
        lines = self._by_plan(plan_lines, ids)
        targets = self._by_plan(plan_targets, ids)
        communes = self._by_plan(plan_communes, ids)
        return [
            PlanView(
                plan_id=h["plan_id"],
                level=h["level"],
                area_code=h["area_code"],
                year=h["year"],
                version=h["version"],
                department=h["department"],
                communes=sorted(c["commune_code"] for c in communes.get(h["plan_id"], [])),
                allocations=[_allocation(m) for m in lines.get(h["plan_id"], [])],
                targets=[_target(m) for m in targets.get(h["plan_id"], [])],
            )
            for h in heads
        ]

    def plans_of_year(self, year: int, levels_codes: Iterable[tuple[str, str]]) -> list[PlanView]:
        pairs = list(levels_codes)
        if not pairs:
            return []
        cond = sa.or_(
            *(sa.and_(plans.c.level == lv, plans.c.area_code == code) for lv, code in pairs)
        )
        return self.plans_where(sa.and_(plans.c.year == year, cond))

    def plans_covering(self, commune_code: str, year: int) -> list[PlanView]:
        """Plans of ``year`` covering a commune (its own, its former district's, the
        province's)."""
        ids = sa.select(plan_communes.c.plan_id).where(plan_communes.c.commune_code == commune_code)
        return self.plans_where(sa.and_(plans.c.year == year, plans.c.plan_id.in_(ids)))

    def revisions(self, plan_id: str) -> list[RevisionView]:
        q = (
            sa.select(plan_revisions)
            .where(plan_revisions.c.plan_id == plan_id)
            .order_by(plan_revisions.c.version)
        )
        out = []
        for m in self.conn.execute(q).mappings():
            body = orjson.loads(m["lines"])
            out.append(
                RevisionView(
                    version=m["version"],
                    revision_id=m["revision_id"],
                    reason=m["reason"],
                    revised_on=m["revised_on"],
                    actor=m["actor"],
                    allocations=body["allocations"],
                    targets=body["targets"],
                    recorded_at=m["recorded_at"],
                )
            )
        return out

    def _by_plan(self, table: sa.Table, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for i in range(0, len(ids), CHUNK):
            q = sa.select(table).where(table.c.plan_id.in_(ids[i : i + CHUNK]))
            for m in self.conn.execute(q).mappings():
                out.setdefault(m["plan_id"], []).append(dict(m))
        return out

    # ---------------------------------------------------------------- what a plan is measured by

    def money(self, communes: Sequence[str] | None, year: int) -> Money:
        """Committed and disbursed per commune, programme code and plan source in ``year``:
        disbursed = support records given that year; committed = disbursed plus the budgets
        of livelihood projects starting that year (state share under the project's source,
        enterprise under social mobilisation, households' counterpart under other)."""
        start, end = year_bounds(year)
        out: Money = {}

        def build(sums: Any) -> Any:
            return (
                sa.select(
                    records.c.commune_code,
                    records.c.programme_code,
                    records.c.funding_source,
                    *sums(records.c.amount_vnd, "a"),
                )
                .where(
                    records.c.given_on.between(start, end),
                    _in(records.c.commune_code, communes),
                )
                .group_by(
                    records.c.commune_code, records.c.programme_code, records.c.funding_source
                )
            )

        rows, read = summed(self.conn, build)
        for r in rows:
            source = SOURCE_OF.get(FundingSource(r[2]), PlanSource.OTHER)
            acc = out.setdefault((r[0], r[1], source), [0, 0])
            amount = read(r, "a")
            acc[0] += amount
            acc[1] += amount
        q = sa.select(
            projects.c.commune_code,
            projects.c.component,
            projects.c.state_source,
            projects.c.state_vnd,
            projects.c.household_vnd,
            projects.c.enterprise_vnd,
        ).where(projects.c.starts_on.between(start, end), _in(projects.c.commune_code, communes))
        for commune, comp, src, state, hh, firm in self.conn.execute(q):
            for source, amount in (
                (PlanSource(src), state),
                (PlanSource.SOCIAL_MOBILISATION, firm),
                (PlanSource.OTHER, hh),
            ):
                if amount:
                    out.setdefault((commune, comp, source), [0, 0])[0] += amount
        return out

    def physical(
        self, communes: Sequence[str] | None, year: int
    ) -> dict[tuple[str, str, TargetKind, str], int]:
        """(commune, programme code, target kind, support kind) → households supported with
        that kind that year, or workers who completed a course that year (support kind '')."""
        start, end = year_bounds(year)
        out: dict[tuple[str, str, TargetKind, str], int] = {}
        q = (
            sa.select(
                records.c.commune_code,
                records.c.programme_code,
                records.c.kind,
                sa.func.count(sa.distinct(records.c.household_code)),
            )
            .where(records.c.given_on.between(start, end), _in(records.c.commune_code, communes))
            .group_by(records.c.commune_code, records.c.programme_code, records.c.kind)
        )
        for commune, code, kind, n in self.conn.execute(q):
            out[(commune, code, TargetKind.HOUSEHOLDS, kind)] = int(n)
        t = (
            sa.select(trainings.c.commune_code, trainings.c.programme_code, sa.func.count())
            .where(
                trainings.c.completed_on.between(start, end),
                _in(trainings.c.commune_code, communes),
            )
            .group_by(trainings.c.commune_code, trainings.c.programme_code)
        )
        for commune, code, n in self.conn.execute(t):
            out[(commune, code, TargetKind.WORKERS_TRAINED, "")] = int(n)
        return out

    def capacity_sums(self, year: int) -> list[tuple[str, str, str, str, str, int, int, int]]:
        """(level, area, component, kind, source, activities, attendees, cost) of the
        officials' trainings and communication events held in ``year``."""
        start, end = year_bounds(year)
        q = (
            sa.select(
                capacity.c.level,
                capacity.c.area_code,
                capacity.c.component,
                capacity.c.kind,
                capacity.c.source,
                sa.func.count(),
                sa.func.coalesce(sa.func.sum(capacity.c.attendees), 0),
                sa.func.coalesce(sa.func.sum(capacity.c.cost_vnd), 0),
            )
            .where(capacity.c.held_on.between(start, end))
            .group_by(
                capacity.c.level,
                capacity.c.area_code,
                capacity.c.component,
                capacity.c.kind,
                capacity.c.source,
            )
        )
        return [
            (lv, area, comp, kind, src, int(n), int(people), int(cost))
            for lv, area, comp, kind, src, n, people, cost in self.conn.execute(q)
        ]

    def disbursed_in(
        self, communes: Sequence[str], year: int, funding_sources: Sequence[str]
    ) -> dict[str, int]:
        """Disbursed per programme code in ``communes`` in ``year`` from ``funding_sources``."""
        start, end = year_bounds(year)

        def build(sums: Any) -> Any:
            return (
                sa.select(records.c.programme_code, *sums(records.c.amount_vnd, "a"))
                .where(
                    records.c.given_on.between(start, end),
                    records.c.commune_code.in_(list(communes)),
                    records.c.funding_source.in_(list(funding_sources)),
                )
                .group_by(records.c.programme_code)
            )

        rows, read = summed(self.conn, build)
        return {r[0]: read(r, "a") for r in rows}

    # ---------------------------------------------------------------- needs

    def add_need(self, row: dict[str, Any]) -> None:
        self.conn.execute(sa.insert(needs), [row])

    def update_need(self, need_id: str, values: dict[str, Any]) -> None:
        self.conn.execute(sa.update(needs).where(needs.c.need_id == need_id).values(**values))

    def need(self, need_id: str) -> NeedView | None:
        row = self.conn.execute(sa.select(needs).where(needs.c.need_id == need_id)).mappings()
        found = [NeedView.model_validate(dict(m)) for m in row]
        return found[0] if found else None

    def needs_where(self, cond: Any) -> list[NeedView]:
        q = sa.select(needs).where(cond).order_by(needs.c.meeting_on, needs.c.need_id)
        return [NeedView.model_validate(dict(m)) for m in self.conn.execute(q).mappings()]

    def unserved(self, cond: Any) -> list[UnservedLine]:
        q = (
            sa.select(
                needs.c.commune_code,
                needs.c.component,
                needs.c.kind,
                needs.c.status,
                sa.func.count(),
            )
            .where(cond, needs.c.status.in_(["registered", "approved"]))
            .group_by(needs.c.commune_code, needs.c.component, needs.c.kind, needs.c.status)
        )
        acc: dict[tuple[str, str, str], list[int]] = {}
        for commune, comp, kind, status, n in self.conn.execute(q):
            a = acc.setdefault((commune, comp, kind), [0, 0])
            a[0 if status == "registered" else 1] += int(n)
        return [
            UnservedLine(
                commune_code=c,
                component=comp,
                kind=k,
                registered=r,
                approved=a,  # type: ignore[arg-type]
            )
            for (c, comp, k), (r, a) in sorted(acc.items())
        ]

    # ---------------------------------------------------------------- projects

    def add_project(self, row: dict[str, Any]) -> None:
        self.conn.execute(sa.insert(projects), [row])

    def update_project(self, project_id: str, values: dict[str, Any]) -> None:
        self.conn.execute(
            sa.update(projects).where(projects.c.project_id == project_id).values(**values)
        )

    def projects_where(self, cond: Any) -> list[ProjectView]:
        q = sa.select(projects).where(cond).order_by(projects.c.starts_on, projects.c.project_id)
        return [
            ProjectView.model_validate({**m, "members": [x for x in m["members"].split(",") if x]})
            for m in self.conn.execute(q).mappings()
        ]

    # ---------------------------------------------------------------- capacity, obstacles

    def add(self, table: sa.Table, row: dict[str, Any]) -> None:
        self.conn.execute(sa.insert(table), [row])

    def capacity_where(self, cond: Any) -> list[CapacityView]:
        q = sa.select(capacity).where(cond).order_by(capacity.c.held_on, capacity.c.activity_id)
        return [CapacityView.model_validate(dict(m)) for m in self.conn.execute(q).mappings()]

    def obstacles_where(self, cond: Any) -> list[ObstacleView]:
        q = (
            sa.select(obstacles)
            .where(cond)
            .order_by(obstacles.c.raised_on, obstacles.c.obstacle_id)
        )
        return [ObstacleView.model_validate(dict(m)) for m in self.conn.execute(q).mappings()]

    def update_obstacle(self, obstacle_id: str, values: dict[str, Any]) -> None:
        self.conn.execute(
            sa.update(obstacles).where(obstacles.c.obstacle_id == obstacle_id).values(**values)
        )

    # ---------------------------------------------------------------- escape commitments

    def escapes_where(self, cond: Any) -> list[dict[str, Any]]:
        """Commitments with their rewards and the household's recognised statuses by year."""
        q = sa.select(escapes).where(cond).order_by(escapes.c.committed_on, escapes.c.commitment_id)
        rows = [dict(m) for m in self.conn.execute(q).mappings()]
        if not rows:
            return []
        ids = [r["commitment_id"] for r in rows]
        hhs = sorted({r["household_code"] for r in rows})
        got: dict[str, list[RewardView]] = {}
        statuses: dict[str, list[tuple[int, str, date]]] = {}
        for i in range(0, len(ids), CHUNK):
            rq = (
                sa.select(rewards)
                .where(rewards.c.commitment_id.in_(ids[i : i + CHUNK]))
                .order_by(rewards.c.on, rewards.c.reward_id)
            )
            for m in self.conn.execute(rq).mappings():
                got.setdefault(m["commitment_id"], []).append(RewardView.model_validate(dict(m)))
        for i in range(0, len(hhs), CHUNK):
            sq = sa.select(
                recognised.c.household_code,
                recognised.c.review_year,
                recognised.c.status,
                recognised.c.effective_on,
            ).where(recognised.c.household_code.in_(hhs[i : i + CHUNK]))
            for hh, year, status, on in self.conn.execute(sq):
                statuses.setdefault(hh, []).append((int(year), status, on))
        for r in rows:
            r["rewards"] = got.get(r["commitment_id"], [])
            ordered = sorted(statuses.get(r["household_code"], []), key=lambda s: (s[0], s[2]))
            r["statuses"] = [(y, s) for y, s, _ in ordered]
        return rows

    # ---------------------------------------------------------------- assignments

    def assignments_where(self, cond: Any) -> list[AssignmentView]:
        q = (
            sa.select(assignments)
            .where(cond)
            .order_by(assignments.c.starts_on, assignments.c.assignment_id)
        )
        return [AssignmentView.model_validate(dict(m)) for m in self.conn.execute(q).mappings()]


def _allocation(m: dict[str, Any]) -> AllocationView:
    return AllocationView(component=m["component"], source=m["source"], amount_vnd=m["amount_vnd"])


def _target(m: dict[str, Any]) -> TargetView:
    return TargetView(
        component=m["component"],
        kind=m["kind"],
        support_kind=m["support_kind"] or None,
        quantity=m["quantity"],
    )
