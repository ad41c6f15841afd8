"""What an attacker or a careless export sends, against the running processes: each gets the
right 4xx with its reason in both languages, never a 5xx or a hang, and loses nothing else."""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.chaos.harness import Figures, body, platform, settle_until
from tests.integration.test_bulk_import import _write as write_sample_file
from tests.integration.test_intake_files import _long_cell_csv
from tests.integration.test_support_api import DISBURSEMENT
from tests.unit.intake.test_file_hardening import FORMULA, _bomb
from tools.stack import Stack

TOMORROW = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with platform(tmp_path_factory.mktemp("hostile") / "platform") as s:
        yield s


def _refused(answer: httpx.Response, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text[:500]
    problem: dict[str, Any] = answer.json()["detail"][0]
    assert problem["message_vi"]
    assert problem["message_en"]
    return problem


def test_hostile_requests_get_their_4xx(stack: Stack, tmp_path: Path) -> None:
    intake = httpx.Client(base_url=stack.url("intake"), timeout=30, headers=stack.headers())
    support = httpx.Client(base_url=stack.url("support"), timeout=30, headers=stack.headers())
    assessment = httpx.Client(base_url=stack.url("assessment"), timeout=30, headers=stack.headers())
    huge = b'{"pad": "' + b"x" * (17 << 20) + b'"}'
    headers = {"content-type": "application/json"}
    assert _refused(intake.post("/surveys", content=huge, headers=headers), 413)
    bomb = _bomb(tmp_path / "bomb.xlsx", 64).read_bytes()
    started = datetime.now(UTC)
    problem = _refused(intake.post("/surveys/files", files={"file": ("b.xlsx", bomb)}), 422)
    assert problem["type"] == "archive_too_large"
    assert datetime.now(UTC) - started < timedelta(seconds=10)
    households, members = _long_cell_csv(tmp_path)
    files = {"file": ("h.csv", households.read_bytes()), "members": ("m.csv", members.read_bytes())}
    assert _refused(intake.post("/surveys/files", files=files), 422)["type"] == "cell_too_large"
    for field, value in (("head_name", "A\x00B"), ("household_code", "HH-\u200b9")):
        assert _refused(intake.post("/surveys", json=body(9) | {field: value}), 422)
    name = "x" * 300 + "?report=.xlsx"
    sample = write_sample_file(tmp_path, "xlsx").read_bytes()
    report = intake.post("/surveys/files?report=xlsx", files={"file": (name, sample)})
    assert report.status_code == 200
    with zipfile.ZipFile(io.BytesIO(report.content)) as book:
        assert all(b"<f>" not in book.read(n) for n in book.namelist() if "worksheets" in n)
    for overrides in (
        {"amount_vnd": 2**63},
        {"disbursement_id": "D" * 10_000},
        {"item": "bò\x00"},
    ):
        assert _refused(support.post("/disbursements", json=DISBURSEMENT | overrides), 422)
    meeting = {"held_on": TOMORROW, "attendees": 10, "agreeing": 9}
    code = "HH-0000001"
    assert _refused(assessment.post(f"/households/{code}/meetings", json=meeting), 422)
    decision = {"decision_no": "QĐ-9", "decided_on": datetime.now(UTC).date().isoformat()}
    assert _refused(assessment.post("/communes/99999/recognition", json=decision), 404)
    for client in (intake, support, assessment):
        client.close()
    assert FORMULA


def test_racing_posts_store_each_survey_once_with_distinct_versions(stack: Stack) -> None:
    before = settle_until(stack, lambda f: f.reported == f.classified, timeout=60)
    same = body(1)
    versions = [body(2, day=k, survey_id=f"S-2-{k}") for k in range(1, 21)]
    with httpx.Client(base_url=stack.url("intake"), timeout=60, headers=stack.headers()) as client:

        def send(item: dict[str, Any]) -> httpx.Response:
            return client.post("/surveys", json=item)

        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(send, [same] * 40 + versions))
    statuses = Counter(a.status_code for a in answers)
    assert statuses == {201: 21, 200: 39}, statuses
    numbers = sorted(a.json()["version"] for a in answers[40:])
    assert numbers == list(range(1, 21))

    def done(f: Figures) -> bool:
        households = before.households + 2
        return f.households == f.supported == households and f.reported == f.classified

    settle_until(stack, done, timeout=90, what="two households, each survey counted once")
