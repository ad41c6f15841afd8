"""Assessment's review workflow and guarantees, on its use cases and a real SQLite database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from services.assessment.adapters.standards_repo import load_with_overrides
from services.assessment.adapters.tables import metadata, plumbing, snapshots
from services.assessment.domain.classifier import classify
from services.assessment.service import (
    AssessmentUnitOfWork,
    MeetingEntry,
    ReviewError,
    Rules,
    apply_duplicate_findings,
    apply_life_events,
    assess_surveys,
    household_view,
    recognise,
    recognise_commune,
    record_meeting,
    record_meetings,
)
from shared.contracts import dead_letter_stream
from shared.contracts.classifications import HouseholdClassified
from shared.contracts.registry import (
    DuplicatePersonFlagged,
    DuplicatePersonPayload,
    HouseholdChanged,
    HouseholdChangedPayload,
)
from shared.contracts.surveys import HOUSEHOLD_SURVEYED_STREAM, HouseholdSurveyed
from shared.db import create_db_engine
from tests.factories import poor_surveyed_event, surveyed_event

RULES = Rules(load_with_overrides())
NOW = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def engine(tmp_path: Path) -> sa.Engine:
    e = create_db_engine(f"sqlite:///{tmp_path}/assessment.db")
    metadata.create_all(e)
    return e


def poor_household(n: int = 1) -> HouseholdSurveyed:
    return poor_surveyed_event(n)


def test_result_is_identical_when_rerun_on_the_stored_snapshot(engine: sa.Engine) -> None:
    (emitted, _baseline) = assess_surveys(
        AssessmentUnitOfWork(engine), [poor_household()], RULES, NOW
    ).classified
    with engine.connect() as conn:
        stored = conn.execute(sa.select(snapshots.c.payload)).scalar_one()
    survey = HouseholdSurveyed.from_json(stored).payload
    again = classify(survey, RULES.by_id("vn-2022-2025"))
    p = emitted.payload
    assert (again.status, again.rule_hash, again.engine_version) == (
        p.status,
        p.rule_hash,
        p.engine_version,
    )
    assert [(i.code, i.deprived) for i in again.indicators] == [
        (i.code, i.deprived) for i in p.indicators
    ]
    view = household_view(engine, "HH-0000001", RULES)
    assert view is not None
    shown = view["results"]["vn-2022-2025"]
    assert shown["status"] == "poor"
    assert [(i["code"], i["deprived"], i["reason"]) for i in shown["indicators"]] == [
        (i.code, i.deprived, i.reason) for i in again.indicators
    ]


def test_household_goes_back_to_resurvey_when_fewer_than_half_agree(engine: sa.Engine) -> None:
    assess_surveys(AssessmentUnitOfWork(engine), [poor_household()], RULES, NOW)
    outcome = record_meeting(
        AssessmentUnitOfWork(engine),
        "HH-0000001",
        held_on=date(2026, 11, 20),
        attendees=30,
        agreeing=14,
        now=NOW,
    )
    assert outcome == "resurvey_required"
    with pytest.raises(ReviewError) as refused:
        recognise(
            AssessmentUnitOfWork(engine),
            "HH-0000001",
            decision_no="12/QĐ-UBND",
            decided_on=date(2026, 12, 10),
            rules=RULES,
            now=NOW,
        )
    assert refused.value.field == "household_code"


def test_status_becomes_recognised_when_half_agree_and_the_commune_decides(
    engine: sa.Engine,
) -> None:
    assess_surveys(AssessmentUnitOfWork(engine), [poor_household()], RULES, NOW)
    outcome = record_meeting(
        AssessmentUnitOfWork(engine),
        "HH-0000001",
        held_on=date(2026, 11, 20),
        attendees=30,
        agreeing=15,
        now=NOW,
    )
    event = recognise(
        AssessmentUnitOfWork(engine),
        "HH-0000001",
        decision_no="12/QĐ-UBND",
        decided_on=date(2026, 12, 10),
        rules=RULES,
        now=NOW,
    )
    assert outcome == "agreed"
    assert (event.payload.stage.value, event.payload.status.value) == ("recognised", "poor")
    assert event.payload.transition.value == "newly_poor"


def test_survey_no_standard_can_classify_is_dead_lettered_with_the_reason(
    engine: sa.Engine,
) -> None:
    event = surveyed_event(1, review_round={"year": 2040, "kind": "periodic"})
    outcome = assess_surveys(AssessmentUnitOfWork(engine), [event], RULES, NOW)
    with engine.connect() as conn:
        ((stream, error),) = conn.execute(
            sa.select(plumbing.outbox.c.stream, plumbing.outbox.c.error)
        ).all()
    assert outcome.rejected == 1
    assert stream == dead_letter_stream(HOUSEHOLD_SURVEYED_STREAM)
    assert "2040" in error


def _changed(kind: str, effective_on: date, **extra: object) -> HouseholdChanged:
    payload = {
        "change_id": f"C-{kind}-{effective_on}",
        "kind": kind,
        "household_code": "HH-0000001",
        "effective_on": effective_on,
        "province_code": "15",
        "from_commune_code": "04570",
        "from_village_code": "04570-01",
        "to_commune_code": "04570",
        "to_village_code": "04570-01",
        **extra,
    }
    return HouseholdChanged.create(HouseholdChangedPayload.model_validate(payload), producer="t")


def _meeting(engine: sa.Engine) -> str:
    return record_meeting(
        AssessmentUnitOfWork(engine),
        "HH-0000001",
        held_on=date(2026, 11, 20),
        attendees=30,
        agreeing=20,
        now=NOW,
    )


def test_a_split_after_the_latest_survey_holds_the_household_until_it_is_surveyed_again(
    engine: sa.Engine,
) -> None:
    assess_surveys(AssessmentUnitOfWork(engine), [poor_household()], RULES, NOW)
    split = _changed("split", date(2026, 10, 15), related_household_code="HH-NEW", members=1)
    assert apply_life_events(AssessmentUnitOfWork(engine), [split, split], NOW) == 1
    with pytest.raises(ReviewError) as refused:
        _meeting(engine)
    assert "khảo sát lại" in refused.value.problems[0].message_vi
    again = surveyed_event(1, surveyed_at=datetime(2026, 10, 20, tzinfo=UTC), revision=1)
    assess_surveys(AssessmentUnitOfWork(engine), [again], RULES, NOW)
    assert _meeting(engine) == "agreed"


def test_a_split_before_the_latest_survey_changes_nothing(engine: sa.Engine) -> None:
    assess_surveys(AssessmentUnitOfWork(engine), [poor_household()], RULES, NOW)
    early = _changed("split", date(2026, 9, 15), related_household_code="HH-NEW", members=1)
    assert apply_life_events(AssessmentUnitOfWork(engine), [early], NOW) == 0
    assert _meeting(engine) == "agreed"


def test_a_moved_household_takes_its_status_along_and_a_dissolved_one_is_held(
    engine: sa.Engine,
) -> None:
    assess_surveys(AssessmentUnitOfWork(engine), [poor_household()], RULES, NOW)
    moved = _changed(
        "moved", date(2026, 10, 10), to_commune_code="04681", to_village_code="04681-01"
    )
    apply_life_events(AssessmentUnitOfWork(engine), [moved], NOW)
    view = household_view(engine, "HH-0000001", RULES)
    assert view is not None
    assert view["state"]["commune_code"] == "04681"
    assert view["state"]["proposed_status"] == "poor"
    gone = _changed("dissolved", date(2026, 10, 12), cause="death")
    apply_life_events(AssessmentUnitOfWork(engine), [gone], NOW)
    with pytest.raises(ReviewError) as refused:
        _meeting(engine)
    assert "giải thể" in refused.value.problems[0].message_vi


def test_a_person_found_in_two_households_holds_both_from_recognition_until_resolved(
    engine: sa.Engine,
) -> None:
    assess_surveys(AssessmentUnitOfWork(engine), [poor_household()], RULES, NOW)
    _meeting(engine)

    def finding(active: bool) -> DuplicatePersonFlagged:
        return DuplicatePersonFlagged.create(
            DuplicatePersonPayload(
                duplicate_id="DUP-1",
                household_codes=["HH-0000001", "HH-0000002"],
                commune_codes=["04570", "04570"],
                active=active,
            ),
            producer="intake",
        )

    def decide() -> HouseholdClassified:
        return recognise(
            AssessmentUnitOfWork(engine),
            "HH-0000001",
            decision_no="12/QĐ-UBND",
            decided_on=date(2026, 12, 10),
            rules=RULES,
            now=NOW,
        )

    apply_duplicate_findings(AssessmentUnitOfWork(engine), [finding(True)], NOW)
    with pytest.raises(ReviewError) as refused:
        decide()
    assert "CCCD" in refused.value.problems[0].message_vi
    apply_duplicate_findings(AssessmentUnitOfWork(engine), [finding(False)], NOW)
    assert decide().payload.stage.value == "recognised"


def test_a_life_event_before_the_first_classification_is_applied_when_it_comes(
    engine: sa.Engine,
) -> None:
    """The life-event stream can be read before the survey stream: the event waits."""
    split = _changed("split", date(2026, 10, 15), related_household_code="HH-NEW", members=1)
    moved = _changed(
        "moved", date(2026, 10, 16), to_commune_code="04681", to_village_code="04681-01"
    )
    assert apply_life_events(AssessmentUnitOfWork(engine), [split, moved], NOW) == 0
    assess_surveys(AssessmentUnitOfWork(engine), [poor_household()], RULES, NOW)  # 1 Oct
    view = household_view(engine, "HH-0000001", RULES)
    assert view is not None
    assert (view["state"]["hold"], view["state"]["commune_code"]) == ("needs_survey", "04681")
    with pytest.raises(ReviewError):
        _meeting(engine)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM pending_life_event")).scalar() == 0


def test_a_waiting_split_older_than_the_first_survey_changes_nothing(engine: sa.Engine) -> None:
    early = _changed("split", date(2026, 9, 15), related_household_code="HH-NEW", members=1)
    apply_life_events(AssessmentUnitOfWork(engine), [early], NOW)
    assess_surveys(AssessmentUnitOfWork(engine), [poor_household()], RULES, NOW)
    assert _meeting(engine) == "agreed"


def test_commune_decision_covers_agreed_households_not_held_flagged_or_recognised_already(
    engine: sa.Engine,
) -> None:
    """HH-1 agreed; HH-2 agreed then split; HH-3 agreed and flagged; HH-4 never met; HH-5
    sent back; HH-6 agreed and recognised on its own already."""
    assess_surveys(
        AssessmentUnitOfWork(engine), [poor_household(n) for n in range(1, 7)], RULES, NOW
    )
    votes = {1: 20, 2: 20, 3: 20, 5: 5, 6: 20}
    record_meetings(
        AssessmentUnitOfWork(engine),
        [MeetingEntry(f"HH-{n:07d}", date(2026, 11, 20), 30, a) for n, a in votes.items()],
        NOW,
    )
    split = _changed("split", date(2026, 10, 15), related_household_code="HH-NEW", members=1)
    split = HouseholdChanged.create(
        split.payload.model_copy(update={"household_code": "HH-0000002"}), producer="t"
    )
    apply_life_events(AssessmentUnitOfWork(engine), [split], NOW)
    finding = DuplicatePersonFlagged.create(
        DuplicatePersonPayload(
            duplicate_id="DUP-3",
            household_codes=["HH-0000003", "HH-9999999"],
            commune_codes=["04570", "04570"],
            active=True,
        ),
        producer="intake",
    )
    apply_duplicate_findings(AssessmentUnitOfWork(engine), [finding], NOW)
    decided_on = date(2026, 12, 10)
    recognise(
        AssessmentUnitOfWork(engine),
        "HH-0000006",
        decision_no="12/QĐ-UBND",
        decided_on=decided_on,
        rules=RULES,
        now=NOW,
    )

    outcome = recognise_commune(
        AssessmentUnitOfWork(engine),
        "04570",
        decision_no="12/QĐ-UBND",
        decided_on=decided_on,
        rules=RULES,
        now=NOW,
    )

    assert [e.payload.household_code for e in outcome.recognised] == ["HH-0000001"]
    assert outcome.awaiting_meeting == 2  # HH-4 and HH-5


def test_a_new_survey_needs_a_new_meeting_and_carries_the_recognised_status_forward(
    engine: sa.Engine,
) -> None:
    assess_surveys(AssessmentUnitOfWork(engine), [poor_household()], RULES, NOW)
    _meeting(engine)
    recognise(
        AssessmentUnitOfWork(engine),
        "HH-0000001",
        decision_no="12/QĐ-UBND",
        decided_on=date(2026, 12, 10),
        rules=RULES,
        now=NOW,
    )
    again = surveyed_event(
        1,
        surveyed_at=datetime(2027, 10, 1, tzinfo=UTC),
        review_round={"year": 2027, "kind": "periodic"},
        revision=1,
    )
    (proposed, *_) = assess_surveys(AssessmentUnitOfWork(engine), [again], RULES, NOW).classified
    view = household_view(engine, "HH-0000001", RULES)
    assert view is not None
    assert (view["state"]["meeting_outcome"], view["state"]["recognised_status"]) == (None, "poor")
    assert proposed.payload.previous_status is not None
    assert proposed.payload.previous_status.value == "poor"
    with pytest.raises(ReviewError) as refused:
        recognise(
            AssessmentUnitOfWork(engine),
            "HH-0000001",
            decision_no="3/QĐ-UBND",
            decided_on=date(2027, 12, 10),
            rules=RULES,
            now=NOW,
        )
    assert "họp thôn" in refused.value.message_vi


def test_a_survey_is_stored_as_it_came_when_its_body_is_at_hand(engine: sa.Engine) -> None:
    came, other = poor_household(1), poor_household(2)
    body = b" " + came.to_json()  # as read from the stream, spacing and all
    assess_surveys(
        AssessmentUnitOfWork(engine), [came, other], RULES, NOW, {str(came.event_id): body}
    )
    with engine.connect() as conn:
        stored = dict(conn.execute(sa.select(snapshots.c.survey_id, snapshots.c.payload)).all())
    assert bytes(stored[came.payload.survey_id]) == body  # not serialised again
    assert HouseholdSurveyed.from_json(stored[other.payload.survey_id]) == other
