"""Account rules: user names, passwords, grants, throttling, and the audit chain."""

from __future__ import annotations

from typing import Any

import pytest

from services.access.domain.audit import GENESIS, entry_hash, first_break
from services.access.domain.users import (
    check_grant,
    check_password,
    check_username,
    retry_after,
)
from shared.access.model import role_table
from shared.errors import DomainError


@pytest.mark.parametrize("name", ["a", "Có-Dấu", "space name", "x" * 65, "-dash"])
def test_user_name_is_refused_when_malformed(name: str) -> None:
    with pytest.raises(DomainError):
        check_username(name)


def test_user_name_is_lower_cased() -> None:
    assert check_username("  Nguyen.Van.A ") == "nguyen.van.a"


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short", "password_length"),
        ("canbo-xa-2026", "password_contains_username"),
        ("1234567890", "password_weak"),
        ("aaaaaaaaaaaa", "password_weak"),
    ],
)
def test_password_is_refused_with_the_reason(password: str, code: str) -> None:
    with pytest.raises(DomainError) as caught:
        check_password(password, "canbo-xa")
    assert code in {p.code for p in caught.value.problems}


def test_good_password_passes() -> None:
    check_password("mưa-rừng-Yên-Bái-7", "canbo-xa")


@pytest.mark.parametrize(
    ("role", "areas", "ok"),
    [
        ("commune_officer", ["commune:04570", "commune:04681"], True),
        ("village_collector", ["village:04570-01"], True),
        ("sponsor", ["org:hoi-nong-dan"], True),
        ("sponsor", ["commune:04570"], False),
        ("auditor", ["province:15"], True),
        ("auditor", ["commune:04570"], False),
        ("commune_officer", ["org:x"], False),
        ("commune_officer", [], False),
        ("commune_officer", ["04570"], False),
        ("king", ["province:15"], False),
    ],
)
def test_grant_rules(role: str, areas: list[str], ok: bool) -> None:
    if ok:
        assert [str(s) for s in check_grant(role, areas, role_table())] == areas
    else:
        with pytest.raises(DomainError):
            check_grant(role, areas, role_table())


@pytest.mark.parametrize(
    ("failures", "now", "expected"),
    [
        ([100, 200, 300, 400], 500, None),  # 4 of 5: still allowed
        ([100, 200, 300, 400, 450], 500, 501),  # locked until 100 + 900
        ([0, 100, 200, 300, 400, 450], 950, 51),  # 0 left the window; 100 leaves at 1000
        ([100, 200, 300, 400, 450], 1400, None),  # every failure older than the window
    ],
)
def test_throttling_locks_a_name_until_the_oldest_failure_leaves_the_window(
    failures: list[float], now: float, expected: int | None
) -> None:
    assert retry_after(failures, now, limit=5, window_s=900) == expected


def _chain(n: int) -> list[dict[str, Any]]:
    rows, prev = [], GENESIS
    for i in range(1, n + 1):
        row = {"seq": i, "event_id": str(i), "action": "x", "target_id": f"HH-{i}"}
        row["prev_hash"] = prev
        row["hash"] = prev = entry_hash(prev, row)
        rows.append(row)
    return rows


def test_intact_audit_chain_has_no_break() -> None:
    assert first_break(_chain(5)) is None


def test_edited_or_removed_audit_entry_breaks_the_chain_there() -> None:
    edited = _chain(5)
    edited[2] = {**edited[2], "target_id": "HH-other"}
    assert first_break(edited) == 3
    removed = _chain(5)
    del removed[1]
    assert first_break(removed) == 3
