"""Keep the register of households from ``household.classified``: each household's latest
governing classification with its survey's member roster, and every status the commune
recognised, with the day it took effect (eligibility is checked against the status in force
on a record's date; "newly escaped" lasts until the date the recognition carries).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from services.support.adapters.uow import SupportUnitOfWork
from services.support.domain.groups import recognition_effective_on
from shared.contracts.classifications import HouseholdClassified, precedence
from shared.contracts.codes import ReviewStage


def register_classifications(
    uow: SupportUnitOfWork, events: Sequence[HouseholdClassified], now: datetime
) -> int:
    """Apply governing classifications (baselines and what-ifs are ignored). The latest survey
    of a household wins whatever order events arrive in or which replica applies them (the
    order key is compared in SQL); its roster replaces the previous one only if it won."""
    with uow:
        fresh = [e for e in uow.unseen(events) if isinstance(e, HouseholdClassified)]
        latest: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
        history: list[dict[str, Any]] = []
        current: dict[str, dict[str, Any]] = {}
        for e in fresh:
            p = e.payload
            if not p.governing:
                continue
            key = precedence(p)
            row = {
                "household_code": p.household_code,
                "commune_code": p.commune_code,
                "village_code": p.village_code,
                "status": p.status.value,
                "stage": p.stage.value,
                "order_key": key,
                "review_year": p.review_year,
                "survey_id": p.survey_id,
                "member_count": p.member_count,
                "worker_count": sum(1 for m in p.members if m.able_to_work),
                "head_ethnicity": p.head_ethnicity,
                "head_sex": p.head_sex.value if p.head_sex else None,
                "low_income_worker": p.low_income_worker_household,
                "causes": ",".join(c.value for c in p.causes)[:255],
                "needs": ",".join(n.value for n in p.needs)[:255],
            }
            roster = [
                {
                    "household_code": p.household_code,
                    "member_no": m.member_no,
                    "age": m.age,
                    "sex": m.sex.value,
                    "working_age": m.working_age,
                    "able_to_work": m.able_to_work,
                    "health_insured": m.health_insured,
                    "disability": m.disability,
                    "attending_school": m.attending_school,
                }
                for m in p.members
            ]
            held = latest.get(p.household_code)
            if held is None or key >= held[0]["order_key"]:
                latest[p.household_code] = (row, roster)
            if p.stage is not ReviewStage.RECOGNISED:
                continue
            effective = recognition_effective_on(e.occurred_at, p.surveyed_at, p.review_year)
            stamp = f"{key}|{e.occurred_at.isoformat()}"
            history.append(
                {
                    "household_code": p.household_code,
                    "survey_id": p.survey_id,
                    "effective_on": effective,
                    "status": p.status.value,
                    "transition": p.transition.value,
                    "newly_escaped_until": p.newly_escaped_until,
                    "low_income_worker": p.low_income_worker_household,
                    "review_year": p.review_year,
                    "order_key": stamp,
                }
            )
            mine = {
                "household_code": p.household_code,
                "commune_code": p.commune_code,
                "village_code": p.village_code,
                "status": p.status.value,
                "effective_on": effective,
                "newly_escaped_until": p.newly_escaped_until,
                "order_key": f"{effective.isoformat()}|{stamp}",
            }
            was = current.get(p.household_code)
            if was is None or mine["order_key"] >= was["order_key"]:
                current[p.household_code] = mine
        reg = uow.register
        reg.save_latest([row for row, _ in latest.values()])
        won = reg.winning_keys(list(latest))
        reg.replace_rosters(
            {
                code: roster
                for code, (row, roster) in latest.items()
                if won.get(code) == row["order_key"]
            }
        )
        reg.save_recognised(history, list(current.values()))
        uow.mark_processed(fresh, now)
        uow.commit()
        return len(fresh)
