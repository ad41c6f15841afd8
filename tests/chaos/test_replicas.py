"""Two replicas of every consumer racing on one stream, one of each killed on the way, and a
household's surveys arriving out of interview order: the latest interview wins everywhere."""

from __future__ import annotations

import random
from pathlib import Path

import sqlalchemy as sa

from shared.db import create_db_engine
from tests.chaos.harness import GOVERNING, Figures, body, platform, post, settle_until

HOUSEHOLDS = 120


def _latest_survey_ids(url: str) -> dict[str, str]:
    engine = create_db_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT household_code, latest_survey_id FROM household_state"))
        found = {code: sid for code, sid in rows}
    engine.dispose()
    return found


def _reported_statuses(url: str) -> dict[str, int]:
    engine = create_db_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT status, count(*) FROM household_round WHERE standard_id = :s "
                "AND stage = 'proposed' "
                "GROUP BY status"
            ),
            {"s": GOVERNING},
        )
        found = {status: int(n) for status, n in rows}
    engine.dispose()
    return found


def test_latest_interview_wins_with_two_replicas_of_each_consumer_racing(tmp_path: Path) -> None:
    replicas = {"assessment": 2, "support": 2, "reporting": 2}
    with platform(tmp_path / "platform", replicas=replicas) as stack:
        # per household: interviews on days 1, 2, 3; only the last (day 3) finds it poor
        surveys = [
            body(n, poor=day == 3, day=day, survey_id=f"S-{n}-{day}")
            for n in range(1, HOUSEHOLDS + 1)
            for day in (1, 2, 3)
        ]
        random.Random(13).shuffle(surveys)  # arrival order is not interview order
        third = len(surveys) // 3
        sent = post(stack, surveys[:third], batch=40)
        for name in replicas:
            stack.kill(name, 1)  # one replica of each dies mid-stream
        sent += post(stack, surveys[third:], batch=40)
        assert sent == 3 * HOUSEHOLDS

        # a survey older than the household's latest is not classified (assessment keeps
        # the latest); each one classified is reported once; one entry per household
        def done(f: Figures) -> bool:
            return (
                f.reported == f.classified
                and f.supported == f.households == HOUSEHOLDS
                and _reported_statuses(stack.database_url("reporting")) == {"poor": HOUSEHOLDS}
            )

        final = settle_until(stack, done, timeout=150, what="every household poor, once")
        assert HOUSEHOLDS <= final.classified <= sent
        latest = _latest_survey_ids(stack.database_url("assessment"))
        assert latest == {f"HH-{n:07d}": f"S-{n}-3" for n in range(1, HOUSEHOLDS + 1)}
