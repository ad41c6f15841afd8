"""What-if re-classification under another standard."""

from __future__ import annotations

from typing import Any

import pytest

from services.assessment.domain.standard import Standard
from services.assessment.domain.whatif import whatif
from shared.contracts.codes import IncomeBasis, PovertyStatus, WasteHandling
from tests.factories import survey

pytestmark = pytest.mark.unit

P, N, A, X = (
    PovertyStatus.POOR,
    PovertyStatus.NEAR_POOR,
    PovertyStatus.AVERAGE,
    PovertyStatus.NOT_POOR,
)


def hh(n: int, income: int, **fields: Any) -> Any:
    return survey(n, income={"basis": IncomeBasis.VND_PER_CAPITA_MONTH, "value": income}, **fields)


def test_reports_changes_and_causes_when_reclassified_under_2027(
    std22: Standard, std27: Standard
) -> None:
    surveys = [
        hh(1, 4_000_000),  # not poor under both
        hh(2, 1_800_000),  # average -> near-poor: the line
        hh(
            3,
            1_000_000,
            uses_telecom=False,
            latrine="none",
            waste_handling=WasteHandling.DUMPED,
        ),  # near-poor (2) -> poor (3): waste handling added
        hh(4, 1_000_000, assets=[], uses_telecom=False, latrine="none"),  # poor -> near-poor
        survey(5, income={"basis": IncomeBasis.SCORE_A, "value": 120}),  # no 2027 score line
    ]
    report = whatif(surveys, std22, std27)
    assert report.households == 4
    assert report.count(X, X) == 1
    assert report.count(A, N) == 1
    assert report.count(N, P) == 1
    assert report.count(P, N) == 1
    assert sum(report.matrix.values()) == 4
    by_hh = {c.household_code: c for c in report.changes}
    assert set(by_hh) == {"HH-0000002", "HH-0000003", "HH-0000004"}
    assert by_hh["HH-0000002"].causes[0].startswith("income line: 1,800,000 VND is above")
    assert "indicator waste_handling: added, and deprived" in by_hh["HH-0000003"].causes
    assert "indicator information_assets: dropped (was deprived)" in by_hh["HH-0000004"].causes
    assert [n.household_code for n in report.not_classifiable] == ["HH-0000005"]
    assert report.totals(alternative=True)[P] == 1


def test_no_changes_when_standard_compared_with_itself(std22: Standard) -> None:
    report = whatif([hh(1, 1_000_000), hh(2, 2_000_000)], std22, std22)
    assert report.changes == ()
    assert report.count(N, N) == 1
    assert report.count(A, A) == 1
