"""A split and a move between two review rounds, end to end: intake records them, assessment
reviews the households again, reporting's change tables count them in the "other" rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.contracts.codes import Relation, Sex
from tests.factories import member, survey
from tests.helpers import eventually
from tools.stack import Stack, free_service_ports

GOVERNING = "vn-2022-2025"


@pytest.fixture
def stack(tmp_path: Path, redis_url: str) -> Iterator[Stack]:
    with Stack(
        tmp_path / "platform",
        redis_url=redis_url,
        ports=free_service_ports(),
        admin_must_change=False,
    ) as s:
        yield s


def poor(n: int, year: int, village: str, members: int, code: str | None = None) -> dict[str, Any]:
    people = [member()] + [
        member(member_no=i, age=30 + i, sex=Sex.FEMALE, relation=Relation.CHILD)
        for i in range(2, members + 1)
    ]
    body = survey(
        n,
        survey_id=f"S-{year}-{n}",
        household_code=code or f"HH-{n:07d}",
        commune_code=village[:5],
        village_code=village,
        review_round={"year": year, "kind": "periodic"},
        surveyed_at=datetime(year, 10, 1, 9, 0, tzinfo=UTC),
        income={"basis": "vnd_per_capita_month", "value": 900_000},
        water_source="surface_water",
        latrine="none",
        uses_telecom=False,
        members=people,
    )
    return body.model_dump(mode="json", exclude={"area_type", "province_code"})


async def review(
    client: httpx.AsyncClient, stack: Stack, codes: list[str], communes: list[str], year: int
) -> None:
    """Wait for the households' proposals, hold the village meeting, recognise them."""
    assessment = stack.url("assessment")

    async def proposed() -> bool:
        for code in codes:
            r = await client.get(f"{assessment}/households/{code}")
            if r.status_code != 200:
                return False
            if not r.json()["state"]["latest_survey_id"].startswith(f"S-{year}-"):
                return False
        return True

    await eventually(proposed, timeout=60, interval=0.3)
    votes = [
        {"household_code": c, "held_on": f"{year}-11-10", "attendees": 20, "agreeing": 15}
        for c in codes
    ]
    r = await client.post(f"{assessment}/meetings", json=votes)
    assert r.status_code == 200, r.text
    decision = {"decision_no": f"{year}/QĐ-UBND", "decided_on": f"{year}-11-20"}
    for commune in communes:
        r = await client.post(f"{assessment}/communes/{commune}/recognition", json=decision)
        assert r.status_code == 200, r.text


async def test_a_split_and_a_move_show_in_the_change_tables_of_the_next_round(
    stack: Stack,
) -> None:
    headers = {"Authorization": f"Bearer {stack.token()}"}
    intake, reporting = stack.url("intake"), stack.url("reporting")
    async with httpx.AsyncClient(timeout=30, headers=headers) as client:
        # round 2025: two poor households of commune 04570
        for body in (poor(1, 2025, "04570-01", 2), poor(2, 2025, "04570-02", 3)):
            r = await client.post(f"{intake}/surveys", json=body)
            assert r.status_code == 201, r.text
        await review(client, stack, ["HH-0000001", "HH-0000002"], ["04570"], 2025)

        # during 2026: HH-1 moves to commune 04681; a member of HH-2 sets up HH-3
        moved = {
            "change_id": "C-move-1",
            "kind": "moved",
            "effective_on": "2026-03-01",
            "to_commune_code": "04681",
            "to_village_code": "04681-01",
            "note": "chuyển đến xã Trấn Yên",
        }
        split = {
            "change_id": "C-split-2",
            "kind": "split",
            "effective_on": "2026-02-01",
            "new_household_code": "HH-0000003",
            "member_nos": [3],
        }
        for code, change in (("HH-0000001", moved), ("HH-0000002", split)):
            r = await client.post(f"{intake}/households/{code}/events", json=change)
            assert r.status_code == 201, r.text

        # round 2026: every household surveyed where it lives now, then recognised
        for body in (
            poor(1, 2026, "04681-01", 2),
            poor(2, 2026, "04570-02", 2),
            poor(3, 2026, "04570-02", 1),
        ):
            r = await client.post(f"{intake}/surveys", json=body)
            assert r.status_code == 201, r.text
        codes = ["HH-0000001", "HH-0000002", "HH-0000003"]
        await review(client, stack, codes, ["04570", "04681"], 2026)

        params = {"standard": GOVERNING, "year": 2026, "by": "village"}

        async def counted() -> dict[str, dict[str, int]] | None:
            r = await client.get(f"{reporting}/reports/tables/changes_poor", params=params)
            if r.status_code != 200:
                return None
            rows = {
                row["area"]["code"]: {
                    k: v["households"] for k, v in row["values"].items() if v and v["households"]
                }
                for row in r.json()["rows"]
            }
            return rows if rows.get("15", {}).get("end") == 3 else None

        await eventually(counted, timeout=60, interval=0.3)
        rows = await counted()
    assert rows is not None
    assert rows["04570-01"] == {"start": 1, "dec_other": 1}  # HH-1 moved out
    assert rows["04681-01"] == {"inc_other": 1, "end": 1}  # and in, still poor
    assert rows["04570-02"] == {"start": 1, "inc_other": 1, "end": 2}  # HH-3: split off
    assert rows["15"] == {"start": 2, "dec_other": 1, "inc_other": 2, "end": 3}
