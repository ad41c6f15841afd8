"""Housing cases, insurance cards and training enrolments."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from services.support.adapters.tables import (
    cards,
    housing_cases,
    known,
    members,
    recognised,
    trainings,
)
from services.support.domain.housing import CostSplit
from services.support.domain.training import Coverage, TrainingStatus
from services.support.views import CardView, HousingView, TrainingView
from shared.contracts.codes import PovertyStatus

LISTED = [PovertyStatus.POOR.value, PovertyStatus.NEAR_POOR.value]


def housing_view(m: Any) -> HousingView:
    split = CostSplit(
        m["central_budget_vnd"],
        m["local_budget_vnd"],
        m["fund_for_the_poor_vnd"],
        m["other_mobilisation_vnd"],
        m["household_vnd"],
        m["labour_days"],
    )
    return HousingView.model_validate({**dict(m), "total_vnd": split.total_vnd})


def card_view(m: Any) -> CardView:
    return CardView.model_validate({**dict(m), "free": m["state_share_pct"] >= 100})


class CasesRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # housing -------------------------------------------------------------------------------
    def add_housing(self, row: dict[str, Any]) -> None:
        self.conn.execute(sa.insert(housing_cases), [row])

    def housing(self, case_id: str) -> HousingView | None:
        row = self.conn.execute(
            sa.select(housing_cases).where(housing_cases.c.case_id == case_id)
        ).first()
        return housing_view(row._mapping) if row else None

    def housing_of(self, household_code: str) -> list[HousingView]:
        q = (
            sa.select(housing_cases)
            .where(housing_cases.c.household_code == household_code)
            .order_by(housing_cases.c.started_on, housing_cases.c.case_id)
        )
        return [housing_view(r) for r in self.conn.execute(q).mappings()]

    def complete_housing(self, case_id: str, values: dict[str, Any]) -> None:
        self.conn.execute(
            sa.update(housing_cases).where(housing_cases.c.case_id == case_id).values(**values)
        )

    # insurance -----------------------------------------------------------------------------
    def add_card(self, row: dict[str, Any]) -> None:
        self.conn.execute(sa.insert(cards), [row])

    def cards_of(self, household_code: str, member_no: int | None = None) -> list[CardView]:
        q = sa.select(cards).where(cards.c.household_code == household_code)
        if member_no is not None:
            q = q.where(cards.c.member_no == member_no)
        q = q.order_by(cards.c.member_no, cards.c.valid_from)
        return [card_view(r) for r in self.conn.execute(q).mappings()]

    # training ------------------------------------------------------------------------------
    def add_training(self, row: dict[str, Any]) -> None:
        self.conn.execute(sa.insert(trainings), [row])

    def training(self, enrolment_id: str) -> TrainingView | None:
        row = self.conn.execute(
            sa.select(trainings).where(trainings.c.enrolment_id == enrolment_id)
        ).first()
        return TrainingView.model_validate(dict(row._mapping)) if row else None

    def training_area(self, enrolment_id: str) -> tuple[str, str] | None:
        row = self.conn.execute(
            sa.select(trainings.c.commune_code, trainings.c.village_code).where(
                trainings.c.enrolment_id == enrolment_id
            )
        ).first()
        return (row[0], row[1]) if row else None

    def trainings_of(self, household_code: str, member_no: int | None = None) -> list[TrainingView]:
        q = sa.select(trainings).where(trainings.c.household_code == household_code)
        if member_no is not None:
            q = q.where(trainings.c.member_no == member_no)
        q = q.order_by(trainings.c.member_no, trainings.c.starts_on, trainings.c.enrolment_id)
        return [TrainingView.model_validate(dict(r)) for r in self.conn.execute(q).mappings()]

    def update_training(self, enrolment_id: str, values: dict[str, Any]) -> None:
        self.conn.execute(
            sa.update(trainings).where(trainings.c.enrolment_id == enrolment_id).values(**values)
        )

    def coverage(self, on: date, commune_codes: tuple[str, ...] = ()) -> list[Coverage]:
        """Workers (of working age and able to work, latest survey) of households that are poor,
        near-poor or newly escaped on ``on`` (the recognition in force that day), and how many
        of them completed a course and how many have an employment outcome, per commune."""
        rs = recognised.c
        latest = (
            sa.select(rs.household_code, sa.func.max(rs.effective_on).label("eff"))
            .where(rs.effective_on <= on)
            .group_by(rs.household_code)
            .subquery("latest")
        )
        cond: list[Any] = [sa.or_(rs.status.in_(LISTED), rs.newly_escaped_until >= on)]
        if commune_codes:
            cond.append(known.c.commune_code.in_(commune_codes))
        targets = (
            sa.select(rs.household_code, known.c.commune_code)
            .select_from(
                recognised.join(
                    latest,
                    sa.and_(
                        latest.c.household_code == rs.household_code,
                        latest.c.eff == rs.effective_on,
                    ),
                ).join(known, known.c.household_code == rs.household_code)
            )
            .where(*cond)
            .distinct()
            .subquery("targets")
        )
        workers = (
            sa.select(members.c.household_code, members.c.member_no, targets.c.commune_code)
            .select_from(
                members.join(targets, targets.c.household_code == members.c.household_code)
            )
            .where(members.c.able_to_work.is_(True))
            .subquery("workers")
        )
        t = trainings.c

        def counted(cond: Any, label: str) -> dict[str, int]:
            done = sa.select(t.household_code, t.member_no).where(cond).distinct().subquery(label)
            q = (
                sa.select(workers.c.commune_code, sa.func.count())
                .select_from(
                    workers.join(
                        done,
                        sa.and_(
                            done.c.household_code == workers.c.household_code,
                            done.c.member_no == workers.c.member_no,
                        ),
                    )
                )
                .group_by(workers.c.commune_code)
            )
            return {c: int(n) for c, n in self.conn.execute(q)}

        totals = {
            c: int(n)
            for c, n in self.conn.execute(
                sa.select(workers.c.commune_code, sa.func.count()).group_by(workers.c.commune_code)
            )
        }
        trained = counted(
            sa.and_(t.status == TrainingStatus.COMPLETED.value, t.completed_on <= on), "trained"
        )
        placed = counted(sa.and_(t.outcome.is_not(None), t.employed_on <= on), "placed")
        return [Coverage(c, totals[c], trained.get(c, 0), placed.get(c, 0)) for c in sorted(totals)]
