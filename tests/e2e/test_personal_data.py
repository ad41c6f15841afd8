"""No personal data leaves intake: surveys with names and citizen ids sent by every channel
(one survey, a batch, a bulk file, a KoBo submission, and a rejected one) go through the
whole platform; then all of Redis (streams, dead letters, hashes, anything), every service's
log and metrics, and every database file are searched for them. Names may be in intake's
database (its registry); citizen ids nowhere in clear."""

from __future__ import annotations

import copy
import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from tests.helpers import eventually
from tests.unit.intake.builders import household, member
from tools.stack import Stack, free_service_ports

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "survey.json"
KOBO = Path(__file__).resolve().parents[1] / "unit" / "intake" / "data" / "kobo-submission.json"
NAME = "Zephyrine"  # in every name below, so one search finds any of them
CIDS = [f"0799{n:08d}" for n in range(1, 9)]


def _forms(text: str) -> list[bytes]:
    """The ways a text can be written into Redis or a file: UTF-8 and JSON-escaped."""
    return [text.encode(), json.dumps(text).strip('"').encode()]


NEEDLES = [*(f for c in CIDS for f in _forms(c)), *_forms(NAME)]


@pytest.fixture
def stack(tmp_path: Path, redis_url: str) -> Iterator[Stack]:
    with Stack(
        tmp_path / "platform",
        redis_url=redis_url,
        ports=free_service_ports(),
        admin_must_change=False,
    ) as s:
        yield s


def _survey(n: int) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    body.update(survey_id=f"PD-{n}", household_code=f"PD-HH-{n}", head_name=f"Lò Thị {NAME} {n}")
    body["members"][0]["citizen_id"] = CIDS[n]
    body["members"][0]["full_name"] = f"Lò Thị {NAME} {n}"
    return body


def _csv(records: list[dict[str, Any]], spec: Any) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.vi for c in spec.columns])
    for r in records:
        writer.writerow([r.get(c.key, "") for c in spec.columns])
    return out.getvalue().encode("utf-8")


def _kobo() -> dict[str, Any]:
    sub: dict[str, Any] = json.loads(KOBO.read_text(encoding="utf-8"))
    sub = copy.deepcopy(sub)
    sub["household/head_name"] = f"Hoàng Văn {NAME}"
    for m in sub["household/members"]:
        m["household/members/full_name"] = f"Hoàng {NAME}"
    sub["household/members"][0]["household/members/citizen_id"] = CIDS[6]
    return sub


def _everything_in_redis(client: redis.Redis) -> bytes:
    """Every key's name and content, whatever its type."""
    parts: list[bytes] = []
    for key in client.scan_iter(count=1000):
        parts.append(key)
        kind = client.type(key)
        if kind == b"stream":
            for _, fields in client.xrange(key):
                parts.extend(b"%s=%s" % kv for kv in fields.items())
        elif kind == b"hash":
            parts.extend(b"%s=%s" % kv for kv in client.hgetall(key).items())
        elif kind == b"string":
            parts.append(client.get(key) or b"")
        elif kind == b"list":
            parts.extend(client.lrange(key, 0, -1))
        elif kind == b"set":
            parts.extend(client.smembers(key))
        elif kind == b"zset":
            parts.extend(client.zrange(key, 0, -1))
    return b"\n".join(parts)


def _found(blob: bytes, needles: list[bytes]) -> list[bytes]:
    return [n for n in needles if n in blob]


async def test_names_and_citizen_ids_stay_in_intake(stack: Stack) -> None:
    from services.intake.domain.layout import HOUSEHOLDS, MEMBERS

    headers = {"Authorization": f"Bearer {stack.token()}"}
    files = {
        "file": (
            "ho.csv",
            _csv([household("PD-F1", head_name=f"Vàng A {NAME}")], HOUSEHOLDS),
            "text/csv",
        ),
        "members": (
            "thanh-vien.csv",
            _csv(
                [
                    member("PD-F1", 1, citizen_id=CIDS[4], full_name=f"Vàng A {NAME}"),
                    member("PD-F1", 2, citizen_id=CIDS[5], relation="Vợ/chồng", sex="Nữ"),
                ],
                MEMBERS,
            ),
            "text/csv",
        ),
    }
    bad = _survey(7)
    bad["members"][0]["age"] = -1  # rejected: 422, nothing stored, nothing logged
    async with httpx.AsyncClient(
        base_url=stack.url("intake"), timeout=30, headers=headers
    ) as client:
        assert (await client.post("/surveys", json=_survey(0))).status_code == 201
        assert (await client.post("/surveys", json=_survey(1))).status_code == 201
        batch = await client.post("/surveys/batch", json=[_survey(2), _survey(3)])
        assert batch.json()["counts"]["created"] == 2
        upload = await client.post("/surveys/files", files=files)
        assert upload.status_code == 200, upload.text
        assert upload.json()["created"] == 1
        assert (await client.post("/forms/kobo", json=_kobo())).status_code == 201
        assert (await client.post("/surveys", json=bad)).status_code == 422
        # the registry serves names to those allowed, and never a citizen id in clear
        found = await client.post("/households/search", json={"citizen_id": CIDS[4]})
        assert [i["household_code"] for i in found.json()["items"]] == ["PD-F1"]
        assert NAME in found.json()["items"][0]["head_name"]
        scraped = [await client.get("/metrics")]

    seen: dict[str, Any] = {}

    async def reporting_has_all() -> bool:
        async with httpx.AsyncClient(
            base_url=stack.url("reporting"), timeout=10, headers=headers
        ) as client:
            seen.update((await client.get("/reports/events")).json()["applied"])
        return int(seen.get("HouseholdClassified", {}).get("vn-2022-2025", 0)) >= 6

    try:
        await eventually(reporting_has_all, timeout=60)
    except AssertionError:
        raise AssertionError(f"reporting applied {seen}") from None
    for service in ("assessment", "support", "reporting", "access"):
        async with httpx.AsyncClient(base_url=stack.url(service), timeout=10) as client:
            scraped.append(await client.get("/metrics"))

    client = redis.Redis.from_url(stack.redis_url or "")
    try:
        in_redis = _everything_in_redis(client)
    finally:
        client.close()
    assert b"household.surveyed" in in_redis  # the search did see the streams
    assert _found(in_redis, NEEDLES) == []
    assert _found(b"".join(r.content for r in scraped), NEEDLES) == []
    logs = b"".join(p.read_bytes() for p in stack.data_dir.glob("*.log"))
    assert logs  # the services did log
    assert _found(logs, NEEDLES) == []
    databases = {p.name: p.read_bytes() for p in stack.data_dir.glob("*.db*")}
    assert any(n.startswith("intake.db") for n in databases)
    for name, content in databases.items():
        cid_forms = [f for c in CIDS for f in _forms(c)]
        assert _found(content, cid_forms) == [], f"citizen id in clear in {name}"
        if not name.startswith("intake.db"):
            assert _found(content, _forms(NAME)) == [], f"a name in {name}"
