"""Standards loaded once per test session (they are immutable values)."""

from __future__ import annotations

import pytest

from services.assessment.adapters.standards_repo import load_national_standards
from services.assessment.domain.standard import Standard


@pytest.fixture(scope="session")
def standards() -> dict[str, Standard]:
    return {s.id: s for s in load_national_standards()}


@pytest.fixture(scope="session")
def std22(standards: dict[str, Standard]) -> Standard:
    return standards["vn-2022-2025"]


@pytest.fixture(scope="session")
def std27(standards: dict[str, Standard]) -> Standard:
    return standards["vn-2027-2030"]
