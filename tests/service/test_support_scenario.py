"""Thượng Bằng La, 2023 (source interview): the 40 poor households reviewed, their causes of
poverty analysed and their needs recorded (seedlings and livestock, capital, housing), each
assigned to an organisation that helps it; support given per need through the year, visits;
and a year later, from support's own read side, who received what and who escaped with which
support. Driven through support's use cases on a real database."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from services.support.adapters.ledger_repo import RecordFilter
from services.support.usecases import credit, housing, reads, records, revolving, sponsorship
from tests.factories import member_profile, recognised_event
from tests.support_ledger import Ledger

COMMUNE = "04570"
A_YEAR_LATER = date(2024, 1, 15)
CAUSES = ["lack_capital", "lack_land", "lack_know_how", "illness_accident", "lack_labour"]
ORGANISATIONS = {
    "HND": ("Hội Nông dân xã", "mass_organisation"),
    "HPN": ("Hội Liên hiệp Phụ nữ xã", "mass_organisation"),
    "DTN": ("Đoàn Thanh niên xã", "mass_organisation"),
    "CCB": ("Hội Cựu chiến binh xã", "mass_organisation"),
    "UBND": ("Văn phòng UBND xã", "agency"),
    "THCS": ("Trường THCS Thượng Bằng La", "agency"),
    "TYT": ("Trạm Y tế xã", "agency"),
    "CHE": ("Công ty chè Trần Phú", "enterprise"),
}
COW, SEEDLINGS, LOAN, FFP, FIRM = 18_000_000, 4_500_000, 50_000_000, 40_000_000, 10_000_000


def code(i: int) -> str:
    return f"TBL-{i:02d}"


# what each household needs (1-8 cows from the cow bank, 9-16 seedlings, 17-30 credit and
# for 17-22 seedlings too, 31-40 housing) and how its 2023 review ended
NEEDS = {
    **{i: ["production"] for i in range(1, 17)},
    **{i: ["credit", "production"] for i in range(17, 23)},
    **{i: ["credit"] for i in range(23, 31)},
    **{i: ["housing"] for i in range(31, 41)},
}
ESCAPED = {*range(1, 7), *range(9, 14), *range(17, 26), *range(31, 36)}
NEAR_POOR = {7, 14, 26, 27, 36}


@pytest.fixture
def ledger(database_url: str) -> Iterator[Ledger]:
    ledger = Ledger(database_url, now=datetime(2024, 1, 15, 3, 0, tzinfo=UTC))
    yield ledger
    ledger.close()


def review_2022(ledger: Ledger) -> None:
    """The 40 poor households as recognised in the 2022 review, causes and needs recorded."""
    ledger.register(
        *[
            recognised_event(
                code(i),
                "poor",
                recognised_on=date(2022, 12, 10),
                commune_code=COMMUNE,
                village_code=f"{COMMUNE}-{(i - 1) % 5 + 1:02d}",
                members=[member_profile(1), member_profile(2, sex="female", age=34)],
                causes=[CAUSES[i % 5], "lack_capital"] if i % 5 else ["lack_capital"],
                needs=NEEDS[i],
                head_ethnicity="dao" if i % 3 else "tay",
            )
            for i in range(1, 41)
        ]
    )


def pair_everyone(ledger: Ledger) -> None:
    """Each organisation is assigned five households, visits them twice in the year."""
    for org, (name, kind) in ORGANISATIONS.items():
        ledger.do(
            sponsorship.register_organisation,
            sponsorship.OrganisationRequest(
                organisation_code=org, name=name, kind=kind, commune_code=COMMUNE
            ),
        )
    orgs = list(ORGANISATIONS)
    for i in range(1, 41):
        ledger.do(
            sponsorship.start_pairing,
            sponsorship.PairingRequest(
                pairing_id=f"GD-{i:02d}",
                organisation_code=orgs[(i - 1) // 5],
                household_code=code(i),
                starts_on=date(2023, 2, 1),
                target_year=2023,
                commitments=[{"kind": n, "value_vnd": 0} for n in NEEDS[i]],
            ),
        )
        for n, day in enumerate((date(2023, 4, 20), date(2023, 9, 20))):
            ledger.do(
                sponsorship.record_visit,
                sponsorship.VisitRequest(
                    visit_id=f"V-{i:02d}-{n}",
                    pairing_id=f"GD-{i:02d}",
                    visited_on=day,
                    notes="Kiểm tra chuồng trại, vườn quế",
                ),
            )


def support_per_need(ledger: Ledger) -> None:
    ledger.do(
        revolving.create_revolving_model,
        revolving.ModelRequest(
            model_code="BO-TBL-2023",
            name="Ngân hàng bò xã Thượng Bằng La",
            programme_code="NTP2021.P3.1",
            commune_code=COMMUNE,
            asset="livestock",
            species="bo",
            capital_vnd=8 * COW,
            started_on=date(2023, 3, 1),
        ),
    )
    for i in range(1, 41):
        needs = NEEDS[i]
        if i <= 8:
            ledger.do(
                revolving.give_revolving,
                revolving.GiveRequest(
                    record_id=f"BO-{i:02d}",
                    household_code=code(i),
                    model_code="BO-TBL-2023",
                    given_on=date(2023, 3, 15),
                    quantity=1,
                    amount_vnd=COW,
                    funding_source="central_budget",
                    item="bò cái sinh sản",
                    unit="con",
                ),
            )
        elif "production" in needs:
            ledger.do(
                records.record_support,
                records.SupportRequest(
                    disbursement_id=f"QUE-{i:02d}",
                    household_code=code(i),
                    kind="production",
                    programme_code="NTP2021.P3.1",
                    funding_source="central_budget",
                    amount_vnd=SEEDLINGS,
                    quantity=1500,
                    unit="cây",
                    item="cây quế giống",
                    disbursed_on=date(2023, 4, 1),
                    pairing_id=f"GD-{i:02d}",
                ),
            )
        if "credit" in needs:
            ledger.do(
                credit.disburse_loan,
                credit.LoanRequest(
                    loan_id=f"VAY-{i:02d}",
                    household_code=code(i),
                    programme_code="VBSP.POOR",
                    principal_vnd=LOAN,
                    term_months=60,
                    every_months=12,
                    disbursed_on=date(2023, 5, 10),
                    purpose="chăn nuôi lợn, trồng quế",
                ),
            )
        if "housing" in needs:
            ledger.do(
                housing.start_housing,
                housing.HousingRequest(
                    case_id=f"NHA-{i:02d}",
                    household_code=code(i),
                    programme_code="VFF.FUND",
                    kind="build",
                    started_on=date(2023, 6, 1),
                    fund_for_the_poor_vnd=FFP,
                    other_mobilisation_vnd=FIRM,
                    household_vnd=20_000_000,
                    labour_days=80,
                ),
            )
            ledger.do(
                housing.complete_housing,
                housing.CompletionRequest(
                    case_id=f"NHA-{i:02d}", completed_on=date(2023, 10, 15), floor_area_m2=40
                ),
            )


def review_2023(ledger: Ledger) -> None:
    events = []
    for i in range(1, 41):
        status = "not_poor" if i in ESCAPED else "near_poor" if i in NEAR_POOR else "poor"
        events.append(
            recognised_event(
                code(i),
                status,
                recognised_on=date(2023, 12, 10),
                commune_code=COMMUNE,
                village_code=f"{COMMUNE}-{(i - 1) % 5 + 1:02d}",
                review_year=2023,
                survey_id=f"{code(i)}-2023",
                members=[member_profile(1), member_profile(2, sex="female", age=35)],
                needs=[] if i in ESCAPED else NEEDS[i],
                transition={
                    "not_poor": "escaped_poverty",
                    "near_poor": "poor_to_near_poor",
                    "poor": "unchanged",
                }[status],
                newly_escaped_until=date(2026, 12, 10) if i in ESCAPED else None,
            )
        )
    ledger.register(*events)
    for i in range(1, 41):
        ledger.do(
            sponsorship.end_pairing,
            sponsorship.EndPairingRequest(
                pairing_id=f"GD-{i:02d}",
                ended_on=date(2023, 12, 20),
                outcome="escaped_poverty"
                if i in ESCAPED
                else "improved"
                if i in NEAR_POOR
                else "unchanged",
            ),
        )


def test_thuong_bang_la_a_year_later_shows_who_received_what_and_who_escaped(
    ledger: Ledger,
) -> None:
    review_2022(ledger)
    reviewed = [
        ledger.do(reads.household_history, code(i), date(2023, 1, 15)).household
        for i in range(1, 41)
    ]
    assert all(h.recognised_status == "poor" and "lack_capital" in h.causes for h in reviewed)
    needs = {i: set(h.needs) for i, h in enumerate(reviewed, start=1)}
    assert Counter(n for ns in needs.values() for n in ns) == {
        "production": 22,
        "credit": 14,
        "housing": 10,
    }
    pair_everyone(ledger)
    support_per_need(ledger)
    review_2023(ledger)

    histories = {i: ledger.do(reads.household_history, code(i), A_YEAR_LATER) for i in range(1, 41)}
    # every household got support for each need recorded at the review, and was visited
    for i, h in histories.items():
        received = {r.kind for r in h.records}
        assert needs[i] <= received, (code(i), needs[i], received)
        (pairing,) = h.pairings
        assert (pairing.visits, pairing.status) == (2, "ended")

    # who escaped, a year later, and with which support
    escaped = {i for i, h in histories.items() if h.household.recognised_status == "not_poor"}
    assert escaped == ESCAPED
    assert all(histories[i].household.newly_escaped_until == date(2026, 12, 10) for i in escaped)
    with_kind = Counter(k for i in escaped for k in {r.kind for r in histories[i].records})
    assert with_kind == {"production": 6 + 5 + 6, "credit": 9, "housing": 5}
    escaped_records = ledger.do(reads.list_records, RecordFilter(household_status="not_poor"))
    assert escaped_records.total == sum(len(histories[i].records) for i in ESCAPED)

    # the commune's figures for 2023 from the ledger
    year = RecordFilter(
        commune_codes=(COMMUNE,), given_from=date(2023, 1, 1), given_to=date(2023, 12, 31)
    )
    totals = ledger.do(reads.record_totals, year)
    assert totals.by_kind == {
        "production": 8 * COW + 14 * SEEDLINGS,
        "credit": 14 * LOAN,
        "housing": 10 * (FFP + FIRM),
    }
    assert totals.by_funding_source == {
        "central_budget": 8 * COW + 14 * SEEDLINGS,
        "policy_credit": 14 * LOAN,
        "social_mobilisation": 10 * (FFP + FIRM),
    }
    assert totals.overridden == 0

    # the organisations' lists, the loan portfolio and the cow bank
    for org in ORGANISATIONS:
        pairings = ledger.do(sponsorship.pairings_of_organisation, org)
        assert len(pairings) == 5
    given_through = {
        p.household_code: p.support_vnd
        for p in ledger.do(sponsorship.pairings_of_organisation, "HPN")
    }  # households 6-8 got cows from the fund, 9-10 seedlings through their pairing
    assert given_through == {
        code(6): 0,
        code(7): 0,
        code(8): 0,
        code(9): SEEDLINGS,
        code(10): SEEDLINGS,
    }
    (portfolio,) = [
        r for r in ledger.do(credit.loan_portfolio, A_YEAR_LATER).rows if r.commune_code == COMMUNE
    ]
    assert (portfolio.loans, portfolio.outstanding_vnd, portfolio.overdue_vnd) == (14, 14 * LOAN, 0)
    fund = ledger.do(revolving.fund_status, "BO-TBL-2023", A_YEAR_LATER)
    assert (fund.balance_vnd, fund.owed_heads, fund.open_obligations) == (0, 8, 8)
    houses = [c for h in histories.values() for c in h.housing]
    assert {c.status for c in houses} == {"completed"}
    assert sum(c.labour_days for c in houses) == 800
