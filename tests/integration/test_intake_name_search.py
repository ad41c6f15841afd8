"""A name search over a large registry counts its matches only up to a cap (a given name
alone matches tens of thousands of households in a province); its pages are unchanged."""

from __future__ import annotations

import os
from pathlib import Path

from services.intake.adapters.vault import Vault
from services.intake.app import MIGRATIONS
from services.intake.registry import HouseholdQuery, list_households
from shared.access.model import AreaFilter
from shared.db import create_db_engine
from shared.migrations import upgrade
from tools.bench_registry import seed


def test_a_name_search_counts_up_to_the_cap_when_a_given_name_matches_many(
    tmp_path: Path,
) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'intake.db'}")
    upgrade(engine, MIGRATIONS)
    seed(engine, 1200, 4, Vault(os.urandom(32)))  # 12 given names: ~100 households each
    province = AreaFilter(True)
    everyone = list_households(engine, HouseholdQuery(province, name="Lan"), with_names=True)
    capped = list_households(
        engine, HouseholdQuery(province, name="Lan"), with_names=True, count_cap=30
    )
    assert everyone["total"] > 30
    assert not everyone["total_capped"]
    assert capped["total"] == 30
    assert capped["total_capped"]
    assert capped["items"] == everyone["items"]  # the same first page
    listed = list_households(engine, HouseholdQuery(province), with_names=True, count_cap=30)
    assert listed["total"] == 1200  # lists without a name are counted exactly
    assert not listed["total_capped"]
    engine.dispose()
