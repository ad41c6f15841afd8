"""Writers racing at intake (tablets syncing at once, an upload retried) on SQLite and
PostgreSQL: no 500, one survey stored once, version numbers never shared, and the household's
latest survey is the latest interview, not the latest arrival."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from services.intake.adapters.tables import households, surveys
from services.intake.app import MIGRATIONS
from services.intake.service import IntakeUnitOfWork, ReceiptStatus, accept_surveys
from shared.contracts.surveys import SurveyPayload
from shared.db import create_db_engine
from shared.migrations import upgrade
from tests.factories import fixed_vault, survey

NOW = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    e = create_db_engine(database_url)
    upgrade(e, MIGRATIONS)
    yield e
    e.dispose()


def _accept(engine: Engine, payload: SurveyPayload) -> ReceiptStatus:
    (receipt,) = accept_surveys(
        IntakeUnitOfWork(engine, fixed_vault()),
        [payload],
        channel="http",
        correlation_id="c",
        now=NOW,
    )
    return receipt.status


def test_identical_surveys_posted_at_once_are_stored_once_without_errors(engine: Engine) -> None:
    payloads = [survey(n) for n in range(1, 9)] * 20  # 160 posts, 20 of each survey at once
    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(lambda p: _accept(engine, p), payloads))
    assert Counter(statuses) == {ReceiptStatus.CREATED: 8, ReceiptStatus.DUPLICATE: 152}
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(surveys)).scalar_one() == 8


def test_surveys_of_one_household_posted_at_once_get_distinct_versions(engine: Engine) -> None:
    payloads = [
        survey(h, survey_id=f"S-{h}-{k}", surveyed_at=datetime(2026, 10, k + 1, tzinfo=UTC))
        for h in range(1, 21)
        for k in range(4)
    ]
    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(lambda p: _accept(engine, p), payloads))
    assert set(statuses) == {ReceiptStatus.CREATED}
    with engine.connect() as conn:
        rows = conn.execute(sa.select(surveys.c.household_code, surveys.c.version)).all()
        latest = {
            code: sid
            for code, sid in conn.execute(
                sa.select(households.c.household_code, households.c.latest_survey_id)
            )
        }
    by_household: dict[str, list[int]] = {}
    for code, version in rows:
        by_household.setdefault(code, []).append(version)
    assert all(sorted(v) == [1, 2, 3, 4] for v in by_household.values())
    assert latest == {f"HH-{h:07d}": f"S-{h}-3" for h in range(1, 21)}


def test_latest_survey_follows_interview_order_when_an_earlier_interview_arrives_later(
    engine: Engine,
) -> None:
    later = survey(1, survey_id="S-late", surveyed_at=datetime(2026, 10, 20, tzinfo=UTC))
    earlier = survey(1, survey_id="S-early", surveyed_at=datetime(2026, 10, 2, tzinfo=UTC))
    assert _accept(engine, later) is ReceiptStatus.CREATED
    assert _accept(engine, earlier) is ReceiptStatus.CREATED
    with engine.connect() as conn:
        row = conn.execute(sa.select(households)).one()
    assert (row.latest_survey_id, row.latest_version) == ("S-late", 1)
