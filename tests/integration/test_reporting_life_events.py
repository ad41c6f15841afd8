"""Reporting with households' life events and area changes on a real database: moves, splits
and dissolutions in the change tables' other rows (applied as they come or rebuilt in bulk,
the same tables), and a round read in its own areas or today's."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from services.reporting.adapters.areas_file import load_area_file
from services.reporting.adapters.repository import ReportingUnitOfWork
from services.reporting.service import (
    Rebuild,
    TableKind,
    apply_area_registry,
    apply_classifications,
    apply_life_events,
    clear_projections,
    report_book,
)
from shared.area_changes import AreaChange, AreaChangeKind
from shared.contracts.registry import (
    DissolutionCause,
    HouseholdChanged,
    HouseholdChangedPayload,
    LifeEventKind,
)
from shared.errors import DomainError
from tests.unit.reporting.builders import event

STD = "vn-2022-2025"
NOW = datetime(2026, 12, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def engine(reporting_engine: Engine) -> Engine:
    return reporting_engine


def changed(
    n: int, kind: LifeEventKind, on: date, frm: str, to: str = "", **kw: Any
) -> HouseholdChanged:
    to = to or frm
    return HouseholdChanged.create(
        HouseholdChangedPayload(
            change_id=f"C-{n}",
            kind=kind,
            household_code=f"HH-{n:07d}",
            effective_on=on,
            province_code="15",
            from_commune_code=frm[:5],
            from_village_code=frm,
            to_commune_code=to[:5],
            to_village_code=to,
            **kw,
        ),
        producer="intake",
    )


def rounds() -> tuple[list[Any], list[HouseholdChanged]]:
    classified = [
        event(1, year=2025, status="poor", commune="04570", village="04570-01"),
        event(2, year=2025, status="near_poor", commune="04570", village="04570-02"),
        event(3, year=2025, status="poor", commune="04681", village="04681-01"),
        # 2026: HH-1 moved to 04681-02 and was reviewed there; HH-2 died out; HH-4 split
        # from HH-3 and was surveyed as a household of its own
        event(
            1,
            year=2026,
            status="poor",
            previous_status="poor",
            transition="unchanged",
            commune="04681",
            village="04681-02",
        ),
        event(
            3,
            year=2026,
            status="poor",
            previous_status="poor",
            transition="unchanged",
            commune="04681",
            village="04681-01",
        ),
        event(
            4,
            year=2026,
            status="poor",
            transition="newly_poor",
            commune="04681",
            village="04681-01",
        ),
    ]
    life = [
        changed(1, LifeEventKind.MOVED, date(2026, 3, 1), "04570-01", "04681-02"),
        changed(
            2, LifeEventKind.DISSOLVED, date(2026, 6, 1), "04570-02", cause=DissolutionCause.DEATH
        ),
        changed(
            3,
            LifeEventKind.SPLIT,
            date(2026, 2, 1),
            "04681-01",
            related_household_code="HH-0000004",
            members=2,
        ),
    ]
    return classified, life


def changes(engine: Engine, **kw: Any) -> dict[str, dict[str, dict[str, int]]]:
    book = report_book(
        ReportingUnitOfWork(engine),
        standard_id=STD,
        review_year=2026,
        by="village",
        tables=[TableKind.CHANGES_POOR, TableKind.CHANGES_NEAR_POOR],
        **kw,
    )
    return {
        t.key: {
            r.area.code: {k: v.households for k, v in r.values.items() if v and v.households}
            for r in t.rows
        }
        for t in book.tables
    }


def test_moves_splits_and_deaths_show_in_the_other_rows_and_every_row_reconciles(
    engine: Engine,
) -> None:
    classified, life = rounds()
    apply_life_events(ReportingUnitOfWork(engine), life[:1], NOW)  # before the classifications
    apply_classifications(ReportingUnitOfWork(engine), classified, NOW)
    apply_life_events(ReportingUnitOfWork(engine), life, NOW)  # the first one again: once
    got = changes(engine)
    poor, near = got["changes_poor"], got["changes_near_poor"]
    assert poor["04570-01"] == {"start": 1, "dec_other": 1}
    assert poor["04681-02"] == {"inc_other": 1, "end": 1}
    assert poor["04681-01"] == {"start": 1, "inc_other": 1, "end": 2}  # HH-4: not newly poor
    assert near["04570-02"] == {"start": 1, "dec_other": 1}
    assert poor["15"]["start"] == 2
    assert poor["15"]["end"] == 3
    for table in got.values():
        for values in table.values():
            dec = sum(v for k, v in values.items() if k.startswith("dec_"))
            inc = sum(v for k, v in values.items() if k.startswith("inc_"))
            assert values.get("end", 0) == values.get("start", 0) - dec + inc


def test_the_bulk_rebuild_gives_the_same_change_tables_with_life_events(engine: Engine) -> None:
    classified, life = rounds()
    apply_classifications(ReportingUnitOfWork(engine), classified, NOW)
    apply_life_events(ReportingUnitOfWork(engine), life, NOW)
    first = changes(engine)
    clear_projections(ReportingUnitOfWork(engine))
    # the consumers replay the life events, before or after the bulk rebuild is written
    assert apply_life_events(ReportingUnitOfWork(engine), list(reversed(life)), NOW) == 3
    rebuild = Rebuild()
    rebuild.add(classified)
    rebuild.write(ReportingUnitOfWork(engine), NOW)
    assert changes(engine) == first


def test_a_round_keeps_the_communes_of_its_time_and_can_be_read_in_todays_areas(
    engine: Engine,
) -> None:
    merge = AreaChange(date(2026, 3, 1), AreaChangeKind.MERGE, "04705", "04681")
    apply_area_registry(ReportingUnitOfWork(engine), load_area_file(), [merge])
    apply_classifications(
        ReportingUnitOfWork(engine),
        [
            event(1, year=2025, commune="04681", village="04681-01"),
            event(2, year=2025, commune="04705", village="04705-01"),
        ],
        NOW,
    )

    def households(**kw: Any) -> dict[str, int]:
        book = report_book(
            ReportingUnitOfWork(engine),
            standard_id=STD,
            review_year=2025,
            tables=[TableKind.SUMMARY],
            today=date(2026, 12, 1),
            **kw,
        )
        return {
            r.area.code: r.values["households"].households  # type: ignore[union-attr]
            for r in book.table(TableKind.SUMMARY).rows
        }

    as_then = households()
    assert (as_then["04681"], as_then["04705"]) == (1, 1)
    today = households(areas="today")
    assert today["04681"] == 2
    assert "04705" not in today
    with pytest.raises(DomainError):
        households(areas="yesterday")


def test_area_changes_naming_unknown_codes_are_refused(engine: Engine) -> None:
    bad = AreaChange(date(2026, 3, 1), AreaChangeKind.MERGE, "04705", "99999")
    with pytest.raises(DomainError):
        apply_area_registry(ReportingUnitOfWork(engine), load_area_file(), [bad])
