"""Plans, their lines and revisions; needs, projects, capacity activities, obstacles, escape
commitments and assignments; and the ledger sums a plan is measured against."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.support.adapters.tables import (
    assignments,
    capacity,
    escapes,
    ledger_reach,
    ledger_sums,
    needs,
    obstacles,
    plan_communes,
    plan_lines,
    plan_revisions,
    plan_targets,
    plans,
    projects,
    recognised,
    rewards,
    trainings,
)
from services.support.domain.plans import SOURCE_OF, PlanLines
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
from shared.contracts.codes import SupportKind
from shared.contracts.plans import PlanLevel, PlanSource, TargetKind

CHUNK = 500

Money = dict[str, dict[tuple[str, PlanSource], list[int]]]
"""commune → (programme code, source) → [committed, disbursed]."""


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
        q = (
            sa.select(
                plans.c.plan_id,
                plans.c.level,
                plans.c.area_code,
                plans.c.year,
                plans.c.version,
                plans.c.department,
            )
            .where(cond)
            .order_by(plans.c.year, plans.c.level, plans.c.area_code)
        )
        heads = self.conn.execute(q).all()
        if not heads:
            return []
        ids = [h[0] for h in heads]
        lines = self._by_plan(
            [plan_lines.c.component, plan_lines.c.source, plan_lines.c.amount_vnd], ids
        )
        targets = self._by_plan(
            [
                plan_targets.c.component,
                plan_targets.c.kind,
                plan_targets.c.support_kind,
                plan_targets.c.quantity,
            ],
            ids,
        )
        communes = self._by_plan([plan_communes.c.commune_code], ids)
        return [
            PlanView.model_construct(
                plan_id=pid,
                level=PlanLevel(level),
                area_code=area,
                year=year,
                version=version,
                department=department,
                communes=sorted(c for (c,) in communes.get(pid, [])),
                allocations=[
                    AllocationView.model_construct(
                        component=comp, source=PlanSource(src), amount_vnd=amount
                    )
                    for comp, src, amount in lines.get(pid, [])
                ],
                targets=[
                    TargetView.model_construct(
                        component=comp,
                        kind=TargetKind(kind),
                        support_kind=SupportKind(sk) if sk else None,
                        quantity=quantity,
                    )
                    for comp, kind, sk, quantity in targets.get(pid, [])
                ],
            )
            for pid, level, area, year, version, department in heads
        ]

    def plan_lines_of_year(
        self, year: int, levels_codes: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], PlanLines]:
        """The lines and targets of the plans of ``year`` of these (level, area) pairs, read
        from the snapshot of each plan's current version (one row per plan)."""
        wanted = set(levels_codes)
        q = (
            sa.select(plans.c.plan_id, plans.c.level, plans.c.area_code, plan_revisions.c.lines)
            .select_from(
                plans.join(
                    plan_revisions,
                    sa.and_(
                        plan_revisions.c.plan_id == plans.c.plan_id,
                        plan_revisions.c.version == plans.c.version,
                    ),
                )
            )
            .where(plans.c.year == year)
        )
        sources = {s.value: s for s in PlanSource}
        kinds = {k.value: k for k in TargetKind}
        out: dict[tuple[str, str], PlanLines] = {}
        for pid, level, area, lines in self.conn.execute(q).all():
            if (level, area) not in wanted:
                continue
            body = orjson.loads(lines)
            out[(level, area)] = PlanLines(
                pid,
                {
                    (a["component"], sources[a["source"]]): int(a["amount_vnd"])
                    for a in body["allocations"]
                },
                tuple(
                    (
                        t["component"],
                        kinds[t["kind"]],
                        SupportKind(t["support_kind"]) if t["support_kind"] else None,
                        int(t["quantity"]),
                    )
                    for t in body["targets"]
                ),
            )
        return out

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

    def _by_plan(self, columns: list[Any], ids: list[str]) -> dict[str, list[tuple[Any, ...]]]:
        """``columns`` (of one table with a ``plan_id``) of the plans ``ids``, by plan."""
        table = columns[0].table
        out: dict[str, list[tuple[Any, ...]]] = {}
        for i in range(0, len(ids), CHUNK):
            q = sa.select(table.c.plan_id, *columns).where(table.c.plan_id.in_(ids[i : i + CHUNK]))
            for row in self.conn.execute(q).all():
                out.setdefault(row[0], []).append(tuple(row[1:]))
        return out

    # ---------------------------------------------------------------- what a plan is measured by

    def money(self, communes: Sequence[str] | None, year: int) -> Money:
        """Committed and disbursed per commune, programme code and plan source in ``year``:
        disbursed = support records given that year (from ``ledger_sum``); committed =
        disbursed plus the budgets of livelihood projects starting that year (state share
        under the project's source, enterprise under social mobilisation, households'
        counterpart under other)."""
        start, end = year_bounds(year)
        out: Money = {}
        sources = {f.value: s for f, s in SOURCE_OF.items()}
        q = sa.select(
            ledger_sums.c.commune_code,
            ledger_sums.c.programme_code,
            ledger_sums.c.funding_source,
            ledger_sums.c.amount_vnd,
        ).where(ledger_sums.c.year == year, _in(ledger_sums.c.commune_code, communes))
        other = PlanSource.OTHER
        for commune, code, funding, amount in self.conn.execute(q).all():
            here = out.get(commune)
            if here is None:
                here = out[commune] = {}
            key = (code, sources.get(funding, other))
            acc = here.get(key)
            if acc is None:
                here[key] = [amount, amount]
            else:  # two funding sources counted as one plan source
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
        project_rows: list[tuple[str, str, str, int, int, int]] = [
            tuple(r)  # type: ignore[misc]
            for r in self.conn.execute(q).all()
        ]
        for commune, comp, src, state, hh, firm in project_rows:
            for source, amount in (
                (PlanSource(src), state),
                (PlanSource.SOCIAL_MOBILISATION, firm),
                (PlanSource.OTHER, hh),
            ):
                if amount:
                    out.setdefault(commune, {}).setdefault((comp, source), [0, 0])[0] += amount
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
                ledger_reach.c.commune_code,
                ledger_reach.c.programme_code,
                ledger_reach.c.kind,
                sa.func.count(),
            )
            .where(ledger_reach.c.year == year, _in(ledger_reach.c.commune_code, communes))
            .group_by(
                ledger_reach.c.commune_code, ledger_reach.c.programme_code, ledger_reach.c.kind
            )
        )
        for commune, code, kind, n in self.conn.execute(q).all():
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

    def repeated_reach(
        self, communes: Sequence[str] | None, year: int, components: Iterable[str]
    ) -> dict[str, list[tuple[str, str, str]]]:
        """commune → (household, programme code, kind) of the households reached that year
        under more than one (commune, programme, kind) among the programmes ``components``
        cover: the only ones whose distinct count under a component differs from the sum of
        :meth:`physical`'s counts."""
        code = ledger_reach.c.programme_code
        wanted = sorted(set(components))
        if not wanted:
            return {}
        covered = sa.or_(*(sa.or_(code == c, code.startswith(c + ".")) for c in wanted))
        scope = sa.and_(
            ledger_reach.c.year == year, _in(ledger_reach.c.commune_code, communes), covered
        )
        twice = (
            sa.select(ledger_reach.c.household_code)
            .where(scope)
            .group_by(ledger_reach.c.household_code)
            .having(sa.func.count() > 1)
        )
        q = sa.select(
            ledger_reach.c.commune_code,
            ledger_reach.c.household_code,
            ledger_reach.c.programme_code,
            ledger_reach.c.kind,
        ).where(scope, ledger_reach.c.household_code.in_(twice))
        out: dict[str, list[tuple[str, str, str]]] = {}
        for commune, household, code, kind in self.conn.execute(q):
            out.setdefault(commune, []).append((household, code, kind))
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

    def committed_by_projects(
        self, communes: Sequence[str], year: int
    ) -> dict[tuple[str, PlanSource], int]:
        """The budgets of the projects starting in ``year`` in ``communes`` per (component,
        plan source): state share under its source, enterprise under social mobilisation,
        households' counterpart under other (as :meth:`money` counts them)."""
        start, end = year_bounds(year)
        out: dict[tuple[str, PlanSource], int] = {}
        for i in range(0, len(communes), CHUNK):
            q = sa.select(
                projects.c.component,
                projects.c.state_source,
                projects.c.state_vnd,
                projects.c.household_vnd,
                projects.c.enterprise_vnd,
            ).where(
                projects.c.starts_on.between(start, end),
                projects.c.commune_code.in_(list(communes[i : i + CHUNK])),
            )
            for comp, src, state, hh, firm in self.conn.execute(q):
                for source, amount in (
                    (PlanSource(src), state),
                    (PlanSource.SOCIAL_MOBILISATION, firm),
                    (PlanSource.OTHER, hh),
                ):
                    if amount:
                        out[(comp, source)] = out.get((comp, source), 0) + int(amount)
        return out

    def disbursed_in(
        self, communes: Sequence[str], year: int, funding_sources: Sequence[str]
    ) -> dict[str, int]:
        """Disbursed per programme code in ``communes`` in ``year`` from ``funding_sources``."""
        out: dict[str, int] = {}
        for i in range(0, len(communes), CHUNK):
            q = sa.select(ledger_sums.c.programme_code, ledger_sums.c.amount_vnd).where(
                ledger_sums.c.year == year,
                ledger_sums.c.commune_code.in_(list(communes[i : i + CHUNK])),
                ledger_sums.c.funding_source.in_(list(funding_sources)),
            )
            for code, amount in self.conn.execute(q):
                out[code] = out.get(code, 0) + int(amount)
        return out

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
