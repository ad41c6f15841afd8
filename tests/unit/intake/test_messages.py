from __future__ import annotations

import pytest

from services.intake.domain.codelists import ALL_CODE_LISTS
from services.intake.domain.messages import CATALOGUE, placeholders

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_both_languages_take_same_parameters_when_message_is_catalogued(key: str) -> None:
    vi, en = CATALOGUE[key]
    assert vi.strip()
    assert en.strip()
    assert vi != en
    assert placeholders(vi) == placeholders(en)


@pytest.mark.parametrize("codes", ALL_CODE_LISTS, ids=lambda c: c.name)
def test_every_label_resolves_to_its_code_when_looked_up(codes: object) -> None:
    from services.intake.domain.codelists import CodeList

    assert isinstance(codes, CodeList)
    for code in codes.codes:
        assert codes.lookup(code.vi) == code.value
        assert codes.lookup(code.en.upper()) == code.value
        assert codes.lookup(code.value) == code.value
