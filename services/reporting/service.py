"""Reporting use cases: apply events to the aggregates; answer the count queries.

Each event is applied once (its id is recorded in the same transaction). A household's status
under a standard is that of its latest survey, whatever order events arrive in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from services.reporting.adapters.tables import plumbing, statuses, support, tallies, training
from shared.contracts.classifications import HouseholdClassified, precedence
from shared.contracts.support import SupportDisbursed
from shared.contracts.training import TrainingEnrolled
from shared.db import SqlUnitOfWork, upsert, upsert_latest
from shared.runtime import STREAM_OF


class ReportingUnitOfWork(SqlUnitOfWork):
    def __init__(self, engine: Engine) -> None:
        super().__init__(engine, plumbing, STREAM_OF)

    def tally(self, counts: dict[tuple[str, str], int]) -> None:
        for (event_type, standard), n in counts.items():
            updated = self.conn.execute(
                sa.update(tallies)
                .where(tallies.c.event_type == event_type, tallies.c.standard_id == standard)
                .values(count=tallies.c.count + n)
            )
            if updated.rowcount == 0:
                self.conn.execute(
                    sa.insert(tallies),
                    [{"event_type": event_type, "standard_id": standard, "count": n}],
                )


def apply_classifications(
    uow: ReportingUnitOfWork, events: Sequence[HouseholdClassified], now: datetime
) -> int:
    with uow:
        fresh = [e for e in uow.unseen(events) if isinstance(e, HouseholdClassified)]
        newest: dict[tuple[str, str], dict[str, Any]] = {}
        counts: dict[tuple[str, str], int] = {}
        for e in fresh:
            p = e.payload
            k = (p.household_code, p.standard_id)
            counts[(e.event_type, p.standard_id)] = counts.get((e.event_type, p.standard_id), 0) + 1
            key = precedence(p)
            if k in newest and newest[k]["order_key"] > key:
                continue
            newest[k] = {
                "household_code": p.household_code,
                "standard_id": p.standard_id,
                "province_code": p.province_code,
                "commune_code": p.commune_code,
                "village_code": p.village_code,
                "review_year": p.review_year,
                "status": p.status.value,
                "stage": p.stage.value,
                "transition": p.transition.value,
                "previous_status": p.previous_status.value if p.previous_status else None,
                "member_count": p.member_count,
                "head_ethnicity": p.head_ethnicity,
                "deprived": ",".join(i.code for i in p.indicators if i.deprived),
                "order_key": key,
            }
        upsert_latest(
            uow.conn, statuses, list(newest.values()), keys=["household_code", "standard_id"]
        )
        uow.tally(counts)
        uow.mark_processed(fresh, now)
        uow.commit()
        return len(fresh)


def apply_support(
    uow: ReportingUnitOfWork,
    events: Sequence[SupportDisbursed | TrainingEnrolled],
    now: datetime,
) -> int:
    with uow:
        fresh = uow.unseen(events)
        money = [e.payload for e in fresh if isinstance(e, SupportDisbursed)]
        trained = [e.payload for e in fresh if isinstance(e, TrainingEnrolled)]
        upsert(
            uow.conn,
            support,
            [
                {
                    "disbursement_id": p.disbursement_id,
                    "household_code": p.household_code,
                    "commune_code": p.commune_code,
                    "kind": p.kind.value,
                    "funding_source": p.funding_source.value,
                    "programme_code": p.programme_code,
                    "amount_vnd": p.amount_vnd,
                    "disbursed_on": p.disbursed_on,
                }
                for p in money
            ],
            keys=["disbursement_id"],
        )
        upsert(
            uow.conn,
            training,
            [
                {
                    "enrolment_id": p.enrolment_id,
                    "household_code": p.household_code,
                    "commune_code": p.commune_code,
                    "job_linkage": p.job_linkage,
                }
                for p in trained
            ],
            keys=["enrolment_id"],
        )
        counts: dict[tuple[str, str], int] = {}
        for e in fresh:
            counts[(e.event_type, "")] = counts.get((e.event_type, ""), 0) + 1
        uow.tally(counts)
        uow.mark_processed(fresh, now)
        uow.commit()
        return len(fresh)


# queries -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusCount:
    commune_code: str
    status: str
    households: int
    persons: int


def household_counts(engine: Engine, standard_id: str) -> list[StatusCount]:
    """Households and persons by commune and status under ``standard_id``."""
    q = (
        sa.select(
            statuses.c.commune_code,
            statuses.c.status,
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(statuses.c.member_count), 0),
        )
        .where(statuses.c.standard_id == standard_id)
        .group_by(statuses.c.commune_code, statuses.c.status)
        .order_by(statuses.c.commune_code, statuses.c.status)
    )
    with engine.connect() as conn:
        return [StatusCount(c, s, int(n), int(p)) for c, s, n, p in conn.execute(q)]


def event_tallies(engine: Engine) -> dict[str, dict[str, int]]:
    with engine.connect() as conn:
        out: dict[str, dict[str, int]] = {}
        for event_type, standard, n in conn.execute(sa.select(tallies)):
            out.setdefault(event_type, {})[standard or "-"] = int(n)
        return out


def _amount_sum(engine: Engine) -> Any:
    """SUM of amounts that cannot overflow: NUMERIC on PostgreSQL; SQLite's ``total()``
    (its ``sum()`` raises on 64-bit overflow, and one bad row made the report fail for good)."""
    if engine.dialect.name == "sqlite":
        return sa.func.total(support.c.amount_vnd)
    return sa.func.sum(sa.cast(support.c.amount_vnd, sa.Numeric(38, 0)))


def support_totals(engine: Engine) -> list[dict[str, Any]]:
    """Number and value of disbursements by commune and kind of support."""
    q = (
        sa.select(
            support.c.commune_code,
            support.c.kind,
            sa.func.count(),
            _amount_sum(engine),
            sa.func.count(sa.distinct(support.c.household_code)),
        )
        .group_by(support.c.commune_code, support.c.kind)
        .order_by(support.c.commune_code, support.c.kind)
    )
    with engine.connect() as conn:
        return [
            {
                "commune_code": c,
                "kind": k,
                "disbursements": int(n),
                "amount_vnd": int(v or 0),
                "households": int(h),
            }
            for c, k, n, v, h in conn.execute(q)
        ]


LISTED = ("poor", "near_poor")


def _rate(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


def poverty_summary(
    engine: Engine, standard_id: str, review_year: int | None = None
) -> list[dict[str, Any]]:
    """Year-end summary by commune and for the whole province: households, persons, poor and
    near-poor households and their rates (% of households); the multidimensional poverty rate
    is the share of poor plus near-poor households."""
    q = sa.select(
        statuses.c.commune_code,
        statuses.c.status,
        sa.func.count(),
        sa.func.coalesce(sa.func.sum(statuses.c.member_count), 0),
    ).where(statuses.c.standard_id == standard_id)
    if review_year is not None:
        q = q.where(statuses.c.review_year == review_year)
    q = q.group_by(statuses.c.commune_code, statuses.c.status)
    by_commune: dict[str, dict[str, int]] = {}
    with engine.connect() as conn:
        for commune, status, n, persons in conn.execute(q):
            row = by_commune.setdefault(commune, {"households": 0, "persons": 0})
            row["households"] += int(n)
            row["persons"] += int(persons)
            row[status] = row.get(status, 0) + int(n)
    total: dict[str, int] = {}
    for counts in by_commune.values():
        for k, v in counts.items():
            total[k] = total.get(k, 0) + v
    out = []
    for commune, counts in [*sorted(by_commune.items()), ("*", total)]:
        hh = counts.get("households", 0)
        poor, near = counts.get("poor", 0), counts.get("near_poor", 0)
        out.append(
            {
                "commune_code": commune,
                "households": hh,
                "persons": counts.get("persons", 0),
                "poor": poor,
                "near_poor": near,
                "poor_rate": _rate(poor, hh),
                "near_poor_rate": _rate(near, hh),
                "multidimensional_poverty_rate": _rate(poor + near, hh),
            }
        )
    return out


def change_table(
    engine: Engine, standard_id: str, review_year: int | None = None
) -> list[dict[str, Any]]:
    """Change tables of poor and near-poor households by commune: start of period (last
    recognised status before the review), the review's transitions, end of period."""
    q = sa.select(
        statuses.c.commune_code,
        statuses.c.previous_status,
        statuses.c.status,
        statuses.c.transition,
        sa.func.count(),
    ).where(statuses.c.standard_id == standard_id)
    if review_year is not None:
        q = q.where(statuses.c.review_year == review_year)
    q = q.group_by(
        statuses.c.commune_code,
        statuses.c.previous_status,
        statuses.c.status,
        statuses.c.transition,
    )
    tables: dict[str, dict[str, int]] = {}
    with engine.connect() as conn:
        for commune, before, after, change, n in conn.execute(q):
            for key in (commune, "*"):
                t = tables.setdefault(key, {})
                if before in LISTED:
                    t[f"start_{before}"] = t.get(f"start_{before}", 0) + int(n)
                if after in LISTED:
                    t[f"end_{after}"] = t.get(f"end_{after}", 0) + int(n)
                t[change] = t.get(change, 0) + int(n)
    out = []
    for commune, t in sorted(tables.items(), key=lambda kv: (kv[0] == "*", kv[0])):
        row: dict[str, Any] = {"commune_code": commune}
        for status in LISTED:
            start, end = t.get(f"start_{status}", 0), t.get(f"end_{status}", 0)
            row[status] = {"start": start, "end": end, "change": end - start}
        row["transitions"] = {
            k: v for k, v in sorted(t.items()) if not k.startswith(("start_", "end_"))
        }
        out.append(row)
    return out
