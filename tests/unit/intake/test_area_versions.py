"""Areas as versioned data: the area list with its dated changes (merges, renames, moves,
abolitions), the areas in force on a date, and moves checked against the areas of their day."""

from __future__ import annotations

from datetime import date

import pytest

from services.intake.adapters.areas_repo import load_registry
from services.intake.domain.areas import AreaRegistry
from services.intake.domain.life import HouseholdSnapshot, LifeEventIn, problems
from shared.area_changes import AreaChange, AreaChangeKind, AreaHistory, parse_changes
from shared.errors import DomainError

MERGE_ON = date(2026, 3, 1)
CHANGES = (
    AreaChange(MERGE_ON, AreaChangeKind.MERGE, "04711", "04705"),  # Lương Thịnh into Hưng Khánh
    AreaChange(date(2026, 4, 1), AreaChangeKind.RENAME, "04705-01", new_name="Thôn Khe Cam Mới"),
    AreaChange(date(2026, 5, 1), AreaChangeKind.MOVE, "04732-02", new_parent_code="04750"),
    AreaChange(date(2026, 6, 1), AreaChangeKind.RETIRE, "140"),
)


@pytest.fixture(scope="module")
def registry() -> AreaRegistry:
    return load_registry().with_changes(CHANGES)


def test_communes_merged_away_are_gone_only_from_the_merge_date(registry: AreaRegistry) -> None:
    before, after = registry.as_of(date(2026, 2, 28)), registry.as_of(MERGE_ON)
    assert "04711" in before.communes
    assert "04711" not in after.communes
    assert {v.code for v in after.villages_of("04705")} >= {"04711-01", "04711-02"}
    assert before.villages["04711-01"].commune_code == "04711"


def test_a_renamed_village_keeps_its_code_and_takes_the_new_name(registry: AreaRegistry) -> None:
    assert registry.as_of(date(2026, 3, 31)).villages["04705-01"].name == "Thôn Khe Cam"
    assert registry.as_of(date(2026, 4, 1)).villages["04705-01"].name == "Thôn Khe Cam Mới"


def test_a_moved_village_resolves_under_its_new_commune_from_the_date(
    registry: AreaRegistry,
) -> None:
    registry.as_of(date(2026, 4, 30)).resolve("04732", "04732-02")
    assert registry.as_of(date(2026, 5, 1)).resolve("04750", "04732-02").commune.code == "04750"


def test_an_abolished_former_district_stays_on_its_communes_for_history(
    registry: AreaRegistry,
) -> None:
    later = registry.as_of(date(2027, 1, 1))
    assert later.communes["04570"].former_district_code == "140"
    assert registry.retired_on("140", date(2027, 1, 1)) == date(2026, 6, 1)


def test_codes_recorded_before_a_merge_are_placed_in_todays_areas() -> None:
    h = AreaHistory(CHANGES, {"04711-01": "04711", "04732-02": "04732"})
    assert h.place("04711", "04711-01", date(2025, 12, 31)) == ("04711", "04711-01")
    assert h.place("04711", "04711-01", date(2026, 12, 31)) == ("04705", "04711-01")
    assert h.place("04732", "04732-02", date(2026, 12, 31)) == ("04750", "04732-02")
    assert h.place("04711", None, date(2026, 12, 31)) == ("04705", None)


def test_merges_are_followed_in_a_chain() -> None:
    h = AreaHistory(
        (
            AreaChange(date(2026, 1, 1), AreaChangeKind.MERGE, "A", "B"),
            AreaChange(date(2027, 1, 1), AreaChangeKind.MERGE, "B", "C"),
        )
    )
    assert [h.successor("A", date(y, 6, 1)) for y in (2025, 2026, 2027)] == ["A", "B", "C"]


def _rows(*lines: str) -> list[dict[str, str]]:
    header = ["effective_on", "kind", "code", "new_code", "new_name", "new_parent_code"]
    return [dict(zip(header, line.split(","), strict=True)) for line in lines]


def test_change_list_is_read_in_date_order() -> None:
    got = parse_changes(_rows("2026-05-01,rename,04570,,Xã Mới,", "2026-01-01,merge,04711,04705,,"))
    assert [c.kind for c in got] == [AreaChangeKind.MERGE, AreaChangeKind.RENAME]


@pytest.mark.parametrize(
    ("line", "column"),
    [
        ("01/03/2026,merge,04711,04705,,", "effective_on"),
        ("2026-03-01,split,04711,04705,,", "kind"),
        ("2026-03-01,merge,04711,,,", "new_code"),
        ("2026-03-01,merge,04711,04711,,", "new_code"),
        ("2026-03-01,rename,04711,,,", "new_name"),
        ("2026-03-01,move,04711-01,,,", "new_parent_code"),
    ],
)
def test_change_list_refused_with_the_line_when_a_row_is_wrong(line: str, column: str) -> None:
    with pytest.raises(DomainError) as caught:
        parse_changes(_rows(line))
    assert caught.value.problems[0].field == f"line 2.{column}"
    assert caught.value.problems[0].message_vi.startswith("Dòng 2")


def test_change_naming_an_unknown_code_is_refused_when_loaded() -> None:
    bad = (AreaChange(MERGE_ON, AreaChangeKind.MERGE, "04711", "99999"),)
    with pytest.raises(DomainError):
        load_registry().with_changes(bad)


HOUSEHOLD = HouseholdSnapshot(
    "HH-1", "active", "04570", "04570-01", date(2025, 10, 1), frozenset({1, 2})
)


def _move(registry: AreaRegistry, on: str, commune: str, village: str) -> list[str]:
    event = LifeEventIn.model_validate(
        {
            "change_id": "C-1",
            "kind": "moved",
            "effective_on": on,
            "to_commune_code": commune,
            "to_village_code": village,
        }
    )
    _kind, found = problems(
        event, HOUSEHOLD, registry, date(2026, 11, 29), related=None, new_code_taken=False
    )
    return [p.code for p in found]


def test_move_refused_when_the_destination_was_merged_away_by_its_date(
    registry: AreaRegistry,
) -> None:
    assert _move(registry, "2026-05-10", "04711", "04711-01") == ["area_retired"]


def test_move_accepted_when_the_destination_was_in_force_on_its_date(
    registry: AreaRegistry,
) -> None:
    assert _move(registry, "2026-02-10", "04711", "04711-01") == []
    assert _move(registry, "2026-05-10", "04705", "04711-01") == []
