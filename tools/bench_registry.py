"""Benchmarks of intake's registry read side: one household's page data, and searches over a
province's households (by citizen id, by name, by code), on a fresh database.

    python -m tools.bench_registry --households 500000 --repeats 51

Households are seeded in bulk (one synthetic survey's payload with its codes replaced, four
people each with a name and a sealed citizen id), three versions for one household in ten; the
reads are the registry's own functions (``services.intake.registry``) behind the HTTP routes.
Prints JSON: median and worst of each read, the seeding time and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from services.intake.adapters.tables import households, people, surveys
from services.intake.adapters.vault import Vault
from services.intake.app import MIGRATIONS
from services.intake.domain.text import given_first, search_key
from services.intake.registry import HouseholdQuery, household_view, list_households
from shared.access.model import AreaFilter
from shared.db import create_db_engine
from shared.migrations import upgrade
from tools.synthetic import synthetic_surveys

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Lò", "Hà", "Đặng", "Bùi", "Vàng")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Thu", "Ngọc", "A", "Seo")
GIVEN = ("An", "Bình", "Chung", "Dũng", "Hoa", "Hùng", "Lan", "Mai", "Nam", "Phúc", "Sơn", "Tú")


def _name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def seed(engine: sa.Engine, n: int, communes: int, vault: Vault) -> float:
    rng = random.Random(2026)
    template = synthetic_surveys(1)[0].model_dump(mode="json")
    started = time.perf_counter()
    now = datetime(2026, 11, 1, tzinfo=UTC)
    batch = 5000
    with engine.begin() as conn:
        for start in range(0, n, batch):
            rows_s, rows_h, rows_p = [], [], []
            for i in range(start, min(n, start + batch)):
                commune = f"C{i % communes:04d}"
                village = f"{commune}-{i % 10:02d}"
                code = f"HH-{i:07d}"
                versions = 3 if i % 10 == 0 else 1
                for v in range(1, versions + 1):
                    sid = f"S-{i:07d}-{v}"
                    payload = {
                        **template,
                        "survey_id": sid,
                        "household_code": code,
                        "commune_code": commune,
                        "village_code": village,
                    }
                    body = json.dumps({"event_id": sid, "payload": payload}).encode()
                    rows_s.append(
                        {"survey_id": sid, "household_code": code, "version": v,
                         "commune_code": commune, "channel": "file", "content_hash": sid,
                         "citizen_id_missing": False, "payload": body, "received_at": now}
                    )  # fmt: skip
                latest = f"S-{i:07d}-{versions}"
                rows_h.append(
                    {"household_code": code, "commune_code": commune, "village_code": village,
                     "latest_version": versions, "latest_survey_id": latest,
                     "latest_order_key": latest, "state": "active", "needs_survey": False}
                )  # fmt: skip
                for member in range(1, 5):
                    name = _name(rng)
                    cid = f"0{i:07d}{member:04d}"
                    rows_p.append(
                        {"survey_id": latest, "member_no": member, "household_code": code,
                         "is_head": member == 1, "full_name": name,
                         "name_key": search_key(name) if member == 1 else None,
                         "given_key": given_first(search_key(name)) if member == 1 else None,
                         "citizen_key": vault.match_key(cid), "citizen_sealed": vault.seal(cid)}
                    )  # fmt: skip
            conn.execute(sa.insert(surveys), rows_s)
            conn.execute(sa.insert(households), rows_h)
            conn.execute(sa.insert(people), rows_p)
    return time.perf_counter() - started


def _time(fn: Callable[[], Any], repeats: int) -> dict[str, float]:
    fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return {"median_ms": round(statistics.median(times), 2), "max_ms": round(max(times), 2)}


def run(n: int, communes: int, repeats: int, database_url: str | None) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="giamngheo-bench-registry-"))
    engine = create_db_engine(database_url or f"sqlite:///{folder / 'intake.db'}")
    upgrade(engine, MIGRATIONS)
    vault = Vault(os.urandom(32))
    seeded = seed(engine, n, communes, vault)
    rng = random.Random(7)
    province = AreaFilter(True)
    commune = AreaFilter(False, frozenset({"C0007"}))

    def page() -> None:
        code = f"HH-{rng.randrange(n):07d}"
        assert household_view(engine, code, vault, with_personal=True) is not None

    def by_citizen_id() -> None:
        i = rng.randrange(n)
        q = HouseholdQuery(province, citizen_key=vault.match_key(f"0{i:07d}0002"))
        assert list_households(engine, q, with_names=True)["total"] == 1

    def by_name(area: AreaFilter, *, given_only: bool) -> Callable[[], None]:
        def search() -> None:
            name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            q = HouseholdQuery(area, name=name.rsplit(maxsplit=1)[-1] if given_only else name)
            list_households(engine, q, with_names=True)

        return search

    def by_code() -> None:
        q = HouseholdQuery(province, code_prefix=f"HH-{rng.randrange(n // 100):05d}")
        assert list_households(engine, q, with_names=True)["total"] >= 1

    return {
        "households": n,
        "communes": communes,
        "seed_s": round(seeded, 1),
        "household_page": _time(page, repeats),
        "search_citizen_id_province": _time(by_citizen_id, repeats),
        "search_code_prefix_province": _time(by_code, repeats),
        "search_full_name_in_a_commune": _time(by_name(commune, given_only=False), repeats),
        "search_given_name_in_a_commune": _time(by_name(commune, given_only=True), repeats),
        "search_full_name_province": _time(by_name(province, given_only=False), repeats),
        "search_given_name_province": _time(
            by_name(province, given_only=True), max(3, repeats // 5)
        ),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=500_000)
    parser.add_argument("--communes", type=int, default=150)
    parser.add_argument("--repeats", type=int, default=51)
    parser.add_argument("--database-url", default=None, help="Empty database (default: SQLite).")
    args = parser.parse_args()
    print(
        json.dumps(run(args.households, args.communes, args.repeats, args.database_url), indent=2)
    )


if __name__ == "__main__":
    main()
