"""What reporting's plan projection keeps of a disbursement."""

from __future__ import annotations

from datetime import date

from services.reporting.plans import spending_rows
from shared.contracts.codes import FundingSource, SupportKind
from shared.contracts.support import DisbursementPayload, SupportDisbursed


def _disbursed(record: str, passed_from: str | None = None) -> SupportDisbursed:
    return SupportDisbursed.create(
        DisbursementPayload(
            disbursement_id=record,
            household_code=f"HH-{record}",
            commune_code="04570",
            kind=SupportKind.PRODUCTION,
            programme_code="NTP2021.P3.1",
            funding_source=FundingSource.CENTRAL_BUDGET,
            amount_vnd=18_000_000,
            disbursed_on=date(2024, 11, 1),
            passed_from_record_id=passed_from,
        ),
        producer="support",
    )


def test_a_pass_on_reaches_a_household_but_spends_nothing_when_counted_against_a_plan() -> None:
    given, passed = spending_rows([_disbursed("RV-A"), _disbursed("RV-B", passed_from="RV-A")])
    assert given["amount_vnd"] == 18_000_000
    assert passed["amount_vnd"] == 0
    assert passed["household_code"] == "HH-RV-B"  # still a household reached
