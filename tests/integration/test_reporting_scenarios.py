"""The two interview scenarios through the year-end tables (poverty-standard §10).

* Trấn Yên (former district 138), 2023: 184 fewer poor and 158 fewer near-poor households than
  at the start of the year; poor and near-poor together 4.13% of households at year end.
* Thượng Bằng La (commune 04570), 2023: poor rate 4.90% → 2.97%, near-poor 4.09% → 3.36%,
  against the planned reductions of 1.93 and 0.73 points; its poor households each have an
  organisation that helps them.

The households are synthetic; their counts are chosen to give the reported figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.engine import Engine

from services.reporting.adapters.repository import ReportingUnitOfWork
from services.reporting.domain.signoff import Actor, Role
from services.reporting.service import (
    TableKind,
    TargetInput,
    apply_classifications,
    apply_support,
    household_list,
    report_book,
    set_targets,
    target_comparison,
)
from shared.contracts.classifications import HouseholdClassified
from shared.contracts.codes import FundingSource, SupportKind
from shared.contracts.support import DisbursementPayload, SupportDisbursed
from tests.unit.reporting.builders import event

STD = "vn-2022-2025"
NOW = datetime(2023, 12, 20, 9, 0, tzinfo=UTC)
TRAN_YEN = ("04681", "04705", "04711", "04732", "04750")  # former district 138


@pytest.fixture
def engine(reporting_engine: Engine) -> Engine:
    return reporting_engine


def apply(engine: Engine, events: Sequence[HouseholdClassified]) -> None:
    for i in range(0, len(events), 1000):
        apply_classifications(ReportingUnitOfWork(engine), events[i : i + 1000], NOW)


def moves(spec: Sequence[tuple[int, str | None, str, str]]) -> list[tuple[str | None, str, str]]:
    """(count, previous status, status, transition) → one entry per household."""
    return [(prev, now, tr) for n, prev, now, tr in spec for _ in range(n)]


def test_tran_yen_ends_2023_with_184_fewer_poor_158_fewer_near_poor_and_4_13_percent(
    engine: Engine,
) -> None:
    households = moves(
        [
            (30, "poor", "poor", "unchanged"),
            (30, "poor", "near_poor", "poor_to_near_poor"),
            (154, "poor", "average", "escaped_poverty"),
            (2, "near_poor", "near_poor", "unchanged"),
            (188, "near_poor", "not_poor", "escaped_near_poverty"),
            (1096, "not_poor", "not_poor", "unchanged"),
        ]
    )
    events = [
        event(
            10_000 + i,
            year=2023,
            status=now,
            previous_status=prev,
            transition=tr,
            commune=TRAN_YEN[i % len(TRAN_YEN)],
        )
        for i, (prev, now, tr) in enumerate(households)
    ]
    apply(engine, events)
    book = report_book(
        ReportingUnitOfWork(engine),
        standard_id=STD,
        review_year=2023,
        area="138",
        tables=[TableKind.SUMMARY, TableKind.CHANGES_POOR, TableKind.CHANGES_NEAR_POOR],
    )
    assert book.area is not None
    assert book.area.name_vi == "Huyện Trấn Yên"
    summary = book.table(TableKind.SUMMARY)
    district = summary.row("138")
    assert [r.area.code for r in summary.rows] == ["138", *sorted(TRAN_YEN)]
    rate = district.rate(next(r for r in summary.rates if r.key == "multidimensional_poverty_rate"))
    assert rate is not None
    assert rate[0].percent() == 4.13
    for kind, fewer in ((TableKind.CHANGES_POOR, 184), (TableKind.CHANGES_NEAR_POOR, 158)):
        v = {k: c.households for k, c in book.table(kind).row("138").values.items() if c}
        assert v["start"] - v["end"] == fewer, kind
        decreases = sum(n for k, n in v.items() if k.startswith("dec_"))
        increases = sum(n for k, n in v.items() if k.startswith("inc_"))
        assert v["end"] == v["start"] - decreases + increases
    poor = {
        k: c.households
        for k, c in book.table(TableKind.CHANGES_POOR).row("138").values.items()
        if c
    }
    assert (poor["start"], poor["dec_to_near_poor"], poor["dec_escaped"]) == (214, 30, 154)
    near = {
        k: c.households
        for k, c in book.table(TableKind.CHANGES_NEAR_POOR).row("138").values.items()
        if c
    }
    assert (near["start"], near["inc_from_poor"], near["end"]) == (190, 30, 32)


def sponsored(n: int) -> SupportDisbursed:
    return SupportDisbursed.create(
        DisbursementPayload(
            disbursement_id=f"D-{n}",
            household_code=f"HH-{n:07d}",
            commune_code="04570",
            kind=SupportKind.PRODUCTION,
            programme_code="NTP-P2",
            funding_source=FundingSource.SOCIAL_MOBILISATION,
            amount_vnd=3_000_000,
            item="giống cây, con giống",
            disbursed_on=date(2023, 3, 1),
            helping_organisation="Hội Nông dân xã" if n % 2 else "Hội Liên hiệp Phụ nữ xã",
        ),
        producer="support",
    )


def test_thuong_bang_la_meets_its_2023_plan_of_minus_1_93_and_minus_0_73_points(
    engine: Engine,
) -> None:
    start = ["poor"] * 127 + ["near_poor"] * 106 + ["not_poor"] * (2592 - 233)
    end = (
        ["poor"] * 70
        + ["near_poor"] * 20
        + ["average"] * 37  # the 127 poor
        + ["near_poor"] * 60
        + ["not_poor"] * 46  # the 106 near-poor
        + ["poor"] * 7
        + ["near_poor"] * 7
        + ["not_poor"] * (2592 - 233 - 14)
    )
    transitions = {
        ("poor", "poor"): "unchanged",
        ("poor", "near_poor"): "poor_to_near_poor",
        ("poor", "average"): "escaped_poverty",
        ("near_poor", "near_poor"): "unchanged",
        ("near_poor", "not_poor"): "escaped_near_poverty",
        ("not_poor", "poor"): "newly_poor",
        ("not_poor", "near_poor"): "newly_near_poor",
        ("not_poor", "not_poor"): "unchanged",
    }
    village = [f"04570-0{1 + i % 4}" for i in range(2592)]
    events = [event(i, year=2022, status=s, village=village[i]) for i, s in enumerate(start)]
    events += [
        event(
            i,
            year=2023,
            status=e,
            previous_status=s,
            transition=transitions[(s, e)],
            village=village[i],
            causes=["lack_capital"] if e == "poor" else [],
            needs=["production", "credit"] if e == "poor" else [],
        )
        for i, (s, e) in enumerate(zip(start, end, strict=True))
    ]
    apply(engine, events)
    apply_support(
        ReportingUnitOfWork(engine), [sponsored(i) for i, s in enumerate(end) if s == "poor"], NOW
    )
    province = Actor("so-ldtbxh", Role.PROVINCE)
    set_targets(
        ReportingUnitOfWork(engine),
        [
            TargetInput(2023, "04570", "poor_rate", "1.93"),
            TargetInput(2023, "04570", "near_poor_rate", "0.73"),
        ],
        province,
        NOW,
    )
    rows = target_comparison(ReportingUnitOfWork(engine), standard_id=STD, review_year=2023)
    got = {
        r.result.target.measure.value: (
            r.result.start.percent() if r.result.start else None,
            r.result.end.percent() if r.result.end else None,
            r.result.outcome.value,
        )
        for r in rows
    }
    assert got == {
        "poor_rate": (4.90, 2.97, "met"),
        "near_poor_rate": (4.09, 3.36, "met"),
    }
    book = report_book(
        ReportingUnitOfWork(engine),
        standard_id=STD,
        review_year=2023,
        area="04570",
        tables=[TableKind.SUMMARY, TableKind.CAUSES, TableKind.NEEDS],
    )
    commune = book.table(TableKind.SUMMARY).row("04570")
    poor_now = commune.values["poor"]
    assert poor_now is not None
    assert poor_now.households == 77
    assert [r.area.code for r in book.table(TableKind.SUMMARY).rows][:2] == ["04570", "04570-01"]
    listed = household_list(
        ReportingUnitOfWork(engine),
        standard_id=STD,
        kind="poor",
        review_year=2023,
        area="04570",
    )
    assert listed.total == 77
    assert all(h.support.sponsor for h in listed.rows)
    assert all(h.facts.needs == ("credit", "production") for h in listed.rows)
