"""Keep the register of households from ``household.classified``: each household's latest
governing classification with its survey's member roster, and every status the commune
recognised, with the day it took effect (eligibility is checked against the status in force
on a record's date; "newly escaped" lasts until the date the recognition carries).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from services.support.adapters.classified import (
    Classification,
    ReadClassification,
    RosterMember,
    from_model,
)
from services.support.adapters.uow import SupportUnitOfWork
from services.support.domain.groups import recognition_effective_on
from shared.contracts.classifications import HouseholdClassified, precedence
from shared.contracts.codes import ReviewStage


def register_classifications(
    uow: SupportUnitOfWork,
    events: Sequence[ReadClassification | HouseholdClassified],
    now: datetime,
) -> int:
    """Apply governing classifications (baselines and what-ifs are ignored), as the consumer
    reads them (``adapters.classified``) or as decoded contract events. The latest survey of a
    household wins whatever order events arrive in or which replica applies them (the order
    key is compared in SQL); its roster replaces the previous one only if it won."""
    read = [from_model(e) if isinstance(e, HouseholdClassified) else e for e in events]
    with uow:
        fresh = uow.unseen(read)
        latest: dict[str, tuple[dict[str, Any], tuple[RosterMember, ...]]] = {}
        history: list[dict[str, Any]] = []
        current: dict[str, dict[str, Any]] = {}
        for c in fresh:
            if not isinstance(c, Classification):
                continue
            key = precedence(c)
            row = _known_row(c, key)
            held = latest.get(c.household_code)
            if held is None or key >= held[0]["order_key"]:
                latest[c.household_code] = (row, c.members)
            if c.stage is not ReviewStage.RECOGNISED:
                continue
            effective = recognition_effective_on(c.occurred_at, c.surveyed_at, c.review_year)
            stamp = f"{key}|{c.occurred_at.isoformat()}"
            history.append(
                {
                    "household_code": c.household_code,
                    "survey_id": c.survey_id,
                    "effective_on": effective,
                    "status": c.status.value,
                    "transition": c.transition.value,
                    "newly_escaped_until": c.newly_escaped_until,
                    "low_income_worker": c.low_income_worker_household,
                    "review_year": c.review_year,
                    "order_key": stamp,
                }
            )
            mine = {
                "household_code": c.household_code,
                "commune_code": c.commune_code,
                "village_code": c.village_code,
                "status": c.status.value,
                "effective_on": effective,
                "newly_escaped_until": c.newly_escaped_until,
                "order_key": f"{effective.isoformat()}|{stamp}",
            }
            was = current.get(c.household_code)
            if was is None or mine["order_key"] >= was["order_key"]:
                current[c.household_code] = mine
        reg = uow.register
        reg.save_latest([row for row, _ in latest.values()])
        reg.replace_rosters(
            [(code, row["order_key"], roster) for code, (row, roster) in latest.items()]
        )
        reg.save_recognised(history, list(current.values()))
        uow.mark_processed(fresh, now)
        uow.commit()
        return len(fresh)


def _known_row(c: Classification, order_key: str) -> dict[str, Any]:
    return {
        "household_code": c.household_code,
        "commune_code": c.commune_code,
        "village_code": c.village_code,
        "status": c.status.value,
        "stage": c.stage.value,
        "order_key": order_key,
        "review_year": c.review_year,
        "survey_id": c.survey_id,
        "member_count": c.member_count,
        "worker_count": sum(1 for m in c.members if m.able_to_work),
        "head_ethnicity": c.head_ethnicity,
        "head_sex": c.head_sex.value if c.head_sex else None,
        "low_income_worker": c.low_income_worker_household,
        "causes": ",".join(c.causes)[:255],
        "needs": ",".join(c.needs)[:255],
    }
