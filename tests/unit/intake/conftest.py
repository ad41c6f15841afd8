from __future__ import annotations

import pytest

from services.intake.adapters.files import load_areas
from services.intake.domain.areas import AreaRegistry


@pytest.fixture(scope="session")
def registry() -> AreaRegistry:
    return load_areas()
