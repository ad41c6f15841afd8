"""Assessment's repositories on a real database (PostgreSQL when ``TEST_POSTGRES_URL`` is set):
the review's values go in and come back equal, and the latest survey wins in SQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa

from services.assessment.adapters.repositories import Snapshot, StoredResult
from services.assessment.adapters.tables import metadata, results, snapshots
from services.assessment.adapters.unit_of_work import AssessmentUnitOfWork
from services.assessment.domain.review import Hold, MeetingOutcome, ReviewState
from shared.contracts.codes import PovertyStatus
from shared.contracts.registry import HouseholdChanged, HouseholdChangedPayload, LifeEventKind
from shared.db import create_db_engine

pytestmark = pytest.mark.integration


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    e = create_db_engine(database_url)
    metadata.create_all(e)
    yield e
    e.dispose()


def _state(code: str = "HH-1", **changes: object) -> ReviewState:
    full = ReviewState(
        household_code=code,
        commune_code="04570",
        latest_survey_id=f"{code}-2026",
        order_key="2026|2026-10-01",
        proposed_status=PovertyStatus.NEAR_POOR,
        standard_id="vn-2022-2025",
        meeting_outcome=MeetingOutcome.AGREED,
        recognised_status=PovertyStatus.POOR,
        recognised_standard="vn-2022-2025",
        recognised_on=date(2025, 12, 10),
        recognised_survey_id=f"{code}-2025",
        left_list_on=date(2023, 12, 1),
        hold=Hold.NEEDS_SURVEY,
        hold_since=date(2026, 10, 15),
    )
    return replace(full, **changes)  # type: ignore[arg-type]


def test_state_reads_back_equal_when_saved(engine: sa.Engine) -> None:
    bare = _state(
        "HH-2",
        meeting_outcome=None,
        recognised_status=None,
        recognised_standard=None,
        recognised_on=None,
        recognised_survey_id=None,
        left_list_on=None,
        hold=None,
        hold_since=None,
    )
    with AssessmentUnitOfWork(engine) as uow:
        uow.states.save_latest([_state(), bare])
        uow.commit()
    with AssessmentUnitOfWork(engine) as uow:
        assert uow.states.get(["HH-1", "HH-2", "HH-9"]) == {"HH-1": _state(), "HH-2": bare}
        assert [s.household_code for s in uow.states.in_commune("04570")] == ["HH-1", "HH-2"]


def test_state_on_an_older_survey_is_ignored_when_a_newer_one_is_stored(
    engine: sa.Engine,
) -> None:
    newer = _state(order_key="2026|2026-10-02", latest_survey_id="HH-1-new")
    older = _state(order_key="2026|2026-10-01", latest_survey_id="HH-1-old")
    with AssessmentUnitOfWork(engine) as uow:
        uow.states.save_latest([newer])
        uow.commit()
    with AssessmentUnitOfWork(engine) as uow:
        uow.states.save_latest([older])
        uow.commit()
    with AssessmentUnitOfWork(engine) as uow:
        assert uow.states.one("HH-1") == newer


def test_only_the_written_columns_change_when_meeting_and_recognition_are_saved(
    engine: sa.Engine,
) -> None:
    with AssessmentUnitOfWork(engine) as uow:
        uow.states.save_latest([_state()])
        uow.commit()
    voted = _state(meeting_outcome=MeetingOutcome.RESURVEY_REQUIRED, commune_code="99999")
    recognised = _state(
        recognised_status=PovertyStatus.NEAR_POOR, proposed_status=PovertyStatus.POOR
    )
    with AssessmentUnitOfWork(engine) as uow:
        uow.states.save_meeting_outcomes([voted])
        uow.states.save_recognitions([recognised])
        uow.commit()
    with AssessmentUnitOfWork(engine) as uow:
        assert uow.states.one("HH-1") == _state(
            meeting_outcome=MeetingOutcome.RESURVEY_REQUIRED,
            recognised_status=PovertyStatus.NEAR_POOR,
        )


def test_snapshot_is_kept_once_and_results_replaced_when_saved_twice(engine: sa.Engine) -> None:
    snap = Snapshot("S-1", "HH-1", "04570", "2026|2026-10-01", b"{}", None)
    first = StoredResult("S-1", "vn-2022-2025", "HH-1", PovertyStatus.POOR, b"first")
    again = StoredResult("S-1", "vn-2022-2025", "HH-1", PovertyStatus.NEAR_POOR, b"again")
    for result in (first, again):
        with AssessmentUnitOfWork(engine) as uow:
            uow.snapshots.add([snap, replace(snap, payload=b"ignored")])
            uow.results.save([result])
            uow.commit()
    with engine.connect() as conn:
        assert conn.execute(sa.select(snapshots.c.payload)).scalars().all() == [b"{}"]
        assert conn.execute(sa.select(results.c.status, results.c.payload)).all() == [
            ("near_poor", b"again")
        ]


def test_waiting_life_events_are_forgotten_when_taken(engine: sa.Engine) -> None:
    def changed(change_id: str, code: str) -> HouseholdChanged:
        payload = HouseholdChangedPayload.model_validate(
            {
                "change_id": change_id,
                "kind": "dissolved",
                "household_code": code,
                "effective_on": date(2026, 10, 12),
                "province_code": "15",
                "from_commune_code": "04570",
                "from_village_code": "04570-01",
                "to_commune_code": "04570",
                "to_village_code": "04570-01",
                "cause": "death",
            }
        )
        return HouseholdChanged.create(payload, producer="intake")

    with AssessmentUnitOfWork(engine) as uow:
        uow.pending_life.add(changed("C-1", "HH-1"))
        uow.pending_life.add(changed("C-2", "HH-2"))
        uow.commit()
    with AssessmentUnitOfWork(engine) as uow:
        taken = uow.pending_life.take(["HH-1", "HH-3"])
        uow.commit()
    assert list(taken) == ["HH-1"]
    assert [e.kind for e in taken["HH-1"]] == [LifeEventKind.DISSOLVED]
    with AssessmentUnitOfWork(engine) as uow:
        assert list(uow.pending_life.take(["HH-1", "HH-2"])) == ["HH-2"]


def test_a_life_event_decided_on_an_older_survey_is_not_written_when_a_newer_one_is_stored(
    engine: sa.Engine,
) -> None:
    """A hold or move is decided against the household's latest survey: if another
    transaction stored a newer survey meanwhile, the write does nothing and says so (the
    caller decides again against the newer survey)."""
    with AssessmentUnitOfWork(engine) as uow:
        uow.states.save_latest([_state(hold=None, hold_since=None)])
        uow.commit()
    with AssessmentUnitOfWork(engine) as uow:
        assert not uow.states.hold("HH-1", Hold.NEEDS_SURVEY, date(2026, 2, 1), survey_id="old")
        assert not uow.states.move("HH-1", "04681", survey_id="old")
        assert uow.states.one("HH-1") == _state(hold=None, hold_since=None)
        assert uow.states.hold("HH-1", Hold.NEEDS_SURVEY, date(2026, 2, 1), survey_id="HH-1-2026")
        assert uow.states.move("HH-1", "04681", survey_id="HH-1-2026")
        uow.commit()
    with AssessmentUnitOfWork(engine) as uow:
        assert uow.states.one("HH-1") == _state(commune_code="04681", hold_since=date(2026, 2, 1))
