"""Handlers on FastStream's in-memory TestRedisBroker: decode, call the use case, stage events.

The broker is in memory (no PEL, no acks); delivery guarantees are tested on a real Redis in
tests/integration. The database is a real SQLite file in the test's folder.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from faststream.redis import TestRedisBroker

from services.assessment.app import create_runtime as assessment_runtime
from services.assessment.settings import AssessmentSettings
from services.reporting.adapters.repository import ReportingUnitOfWork
from services.reporting.app import create_runtime as reporting_runtime
from services.reporting.service import event_tallies, household_counts
from services.reporting.settings import ReportingSettings
from services.support.app import create_runtime as support_runtime
from services.support.settings import SupportSettings
from shared.contracts import (
    HOUSEHOLD_CLASSIFIED_STREAM,
    HOUSEHOLD_SURVEYED_STREAM,
    HouseholdClassified,
)
from tests.factories import classified_event, surveyed_event

UNUSED_REDIS = "redis://127.0.0.1:1/0"  # the in-memory broker never connects


def outbox(rt: object) -> list[tuple[str, bytes]]:
    tables = rt.tables  # type: ignore[attr-defined]
    with rt.engine.connect() as conn:  # type: ignore[attr-defined]
        rows = conn.execute(sa.select(tables.outbox.c.stream, tables.outbox.c.body)).all()
    return [(s, b) for s, b in rows]


async def test_assessment_stages_a_classification_per_standard_when_a_survey_arrives(
    tmp_path: Path,
) -> None:
    rt, _rules, _metrics = assessment_runtime(
        AssessmentSettings(redis_url=UNUSED_REDIS, database_url=f"sqlite:///{tmp_path}/a.db")
    )
    rt.metadata.create_all(rt.engine)
    event = surveyed_event(1, income={"basis": "vnd_per_capita_month", "value": 1_000_000})
    async with TestRedisBroker(rt.broker) as broker:
        await broker.publish(event.to_wire(), stream=HOUSEHOLD_SURVEYED_STREAM)
    staged = outbox(rt)
    assert {s for s, _ in staged} == {HOUSEHOLD_CLASSIFIED_STREAM}
    results = [HouseholdClassified.from_json(b).payload for _, b in staged]
    assert {(r.standard_id, r.governing) for r in results} == {
        ("vn-2022-2025", True),
        ("vn-2027-2030", False),
    }
    governing = next(r for r in results if r.governing)
    assert governing.status.value == "near_poor"  # under the line, no deprivation
    assert governing.income_line == 1_500_000
    assert len(governing.indicators) == 12


async def test_assessment_ignores_a_survey_older_than_the_one_already_applied(
    tmp_path: Path,
) -> None:
    from datetime import UTC, datetime

    rt, _rules, _metrics = assessment_runtime(
        AssessmentSettings(redis_url=UNUSED_REDIS, database_url=f"sqlite:///{tmp_path}/a.db")
    )
    rt.metadata.create_all(rt.engine)
    newer = surveyed_event(1, survey_id="S-new", surveyed_at=datetime(2026, 11, 1, tzinfo=UTC))
    older = surveyed_event(1, survey_id="S-old", surveyed_at=datetime(2026, 9, 1, tzinfo=UTC))
    async with TestRedisBroker(rt.broker) as broker:
        await broker.publish(newer.to_wire(), stream=HOUSEHOLD_SURVEYED_STREAM)
        await broker.publish(older.to_wire(), stream=HOUSEHOLD_SURVEYED_STREAM)
    survey_ids = {HouseholdClassified.from_json(b).payload.survey_id for _, b in outbox(rt)}
    assert survey_ids == {"S-new"}


async def test_reporting_counts_a_classification_when_it_is_published(tmp_path: Path) -> None:
    rt = reporting_runtime(
        ReportingSettings(redis_url=UNUSED_REDIS, database_url=f"sqlite:///{tmp_path}/r.db")
    )
    rt.metadata.create_all(rt.engine)
    async with TestRedisBroker(rt.broker) as broker:
        for i in range(3):
            await broker.publish(
                classified_event(i, status="poor").to_wire(), stream=HOUSEHOLD_CLASSIFIED_STREAM
            )
    uow = ReportingUnitOfWork(rt.engine)
    (row,) = household_counts(uow, "vn-2022-2025", stage="proposed")
    assert (row.status, row.households, row.persons) == ("poor", 3, 12)
    assert event_tallies(uow)["HouseholdClassified"]["vn-2022-2025"] == 3


async def test_support_registers_only_governing_classifications(tmp_path: Path) -> None:
    rt, _metrics = support_runtime(
        SupportSettings(redis_url=UNUSED_REDIS, database_url=f"sqlite:///{tmp_path}/s.db")
    )
    rt.metadata.create_all(rt.engine)
    async with TestRedisBroker(rt.broker) as broker:
        await broker.publish(classified_event(1).to_wire(), stream=HOUSEHOLD_CLASSIFIED_STREAM)
        baseline = classified_event(2, standard_id="vn-2027-2030", governing=False)
        await broker.publish(baseline.to_wire(), stream=HOUSEHOLD_CLASSIFIED_STREAM)
    with rt.engine.connect() as conn:
        codes = conn.execute(sa.text("SELECT household_code FROM known_household")).scalars()
        assert list(codes) == ["HH-0000001"]


async def test_assessment_results_carry_when_intake_accepted_the_survey(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    rt, _rules, _metrics = assessment_runtime(
        AssessmentSettings(redis_url=UNUSED_REDIS, database_url=f"sqlite:///{tmp_path}/a.db")
    )
    rt.metadata.create_all(rt.engine)
    accepted = datetime(2026, 11, 2, 8, 30, 15, 250_000, tzinfo=UTC)
    event = surveyed_event(1).model_copy(update={"occurred_at": accepted})
    async with TestRedisBroker(rt.broker) as broker:
        await broker.publish(event.to_wire(), stream=HOUSEHOLD_SURVEYED_STREAM)
    results = [HouseholdClassified.from_json(b).payload for _, b in outbox(rt)]
    assert len(results) == 2
    assert {r.accepted_at for r in results} == {accepted}


async def test_reporting_times_each_new_governing_result_from_its_surveys_acceptance(
    tmp_path: Path,
) -> None:
    from datetime import UTC, datetime, timedelta

    rt = reporting_runtime(
        ReportingSettings(redis_url=UNUSED_REDIS, database_url=f"sqlite:///{tmp_path}/r.db")
    )
    rt.metadata.create_all(rt.engine)
    accepted = datetime.now(UTC) - timedelta(seconds=3)
    timed = classified_event(1, accepted_at=accepted)
    baseline = classified_event(
        1, standard_id="vn-2027-2030", governing=False, accepted_at=accepted
    )
    untimed = classified_event(2)  # published before results carried the acceptance time
    async with TestRedisBroker(rt.broker) as broker:
        for e in (timed, baseline, untimed, timed):  # the last one a redelivery
            await broker.publish(e.to_wire(), stream=HOUSEHOLD_CLASSIFIED_STREAM)
    count = rt.registry.get_sample_value("giamngheo_survey_to_report_seconds_count")
    total = rt.registry.get_sample_value("giamngheo_survey_to_report_seconds_sum")
    assert count == 1
    assert total is not None
    assert 3 <= total < 60
