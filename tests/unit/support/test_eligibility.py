"""Eligibility by programme, kind and the household's recognised status on the record's
date; overrides by an authorised officer; caps that no override lifts."""

from __future__ import annotations

from datetime import date

import pytest

from services.support.domain.eligibility import check_cap, decide
from services.support.domain.groups import TargetGroup
from shared.contracts.codes import SupportKind
from shared.errors import DomainError, ErrorKind
from tests.unit.support.builders import national, standing_of, worker

G = TargetGroup
K = SupportKind
D23 = date(2023, 6, 1)
D26 = date(2026, 6, 1)


@pytest.mark.parametrize(
    ("programme", "kind", "on", "status", "extra", "group"),
    [
        ("NTP2021.P3.1", K.PRODUCTION, D23, "poor", {}, G.POOR),
        ("NTP2021.P3.1", K.PRODUCTION, D23, "near_poor", {}, G.NEAR),
        (
            "NTP2021.P3.1",
            K.PRODUCTION,
            D23,
            "not_poor",
            {"escaped_until": date(2025, 12, 1)},
            G.ESC,
        ),
        ("NTP2021.P3.1", K.PRODUCTION, D23, "not_poor", {"areas": frozenset({G.PD})}, G.PD),
        ("NTP2021.P3.1", K.PRODUCTION, D23, "not_poor", {}, None),
        ("NTP2021.P3.1", K.PRODUCTION, D23, "average", {}, None),
        ("NTP2021.P5", K.HOUSING, D23, "poor", {"areas": frozenset({G.PD})}, G.POOR),
        ("NTP2021.P5", K.HOUSING, D23, "poor", {}, None),  # P5 requires a poor district
        ("NTP2021.P5", K.HOUSING, D23, "not_poor", {"areas": frozenset({G.PD})}, None),
        ("NTP2021.P4.1", K.VOCATIONAL_TRAINING, D23, "not_poor", {"low_income": True}, G.LIW),
        ("NTP2021.P4.3", K.JOB_PLACEMENT, D23, "not_poor", {}, G.ANY),
        ("VBSP.POOR", K.CREDIT, D23, "poor", {}, G.POOR),
        ("VBSP.POOR", K.CREDIT, D23, "near_poor", {}, None),
        ("VBSP.NEAR", K.CREDIT, D23, "near_poor", {}, G.NEAR),
        ("VBSP.ESC", K.CREDIT, D23, "not_poor", {"escaped_until": date(2023, 6, 1)}, G.ESC),
        ("VBSP.ESC", K.CREDIT, D23, "not_poor", {"escaped_until": date(2023, 5, 31)}, None),
        ("VBSP.HOUSING28", K.CREDIT, D23, "poor", {"ethnicity": "dao"}, G.POOR),
        ("VBSP.HOUSING28", K.CREDIT, D23, "poor", {}, None),
        ("VBSP.STUDENT", K.CREDIT, D23, "average", {}, G.AVG),
        ("HI.STATE", K.HEALTH_INSURANCE, D23, "near_poor", {}, G.NEAR),
        (
            "HI.STATE",
            K.HEALTH_INSURANCE,
            D23,
            "not_poor",
            {"escaped_until": date(2025, 1, 1)},
            None,
        ),
        ("NTP2026.C1", K.PRODUCTION, D26, "poor", {}, G.POOR),
        ("NTP2026.C2", K.PRODUCTION, D26, "poor", {}, None),  # component 2: ethnic minorities
        ("NTP2026.C2", K.PRODUCTION, D26, "poor", {"ethnicity": "hmong"}, G.POOR),
    ],
)
def test_programme_serves_the_groups_its_rules_name_on_the_record_date(
    programme: str,
    kind: SupportKind,
    on: date,
    status: str,
    extra: dict[str, object],
    group: TargetGroup | None,
) -> None:
    p = national().programme(programme, on)
    st = standing_of(status, on, **extra)  # type: ignore[arg-type]
    if group is None:
        with pytest.raises(DomainError) as err:
            decide(p, kind, st, household_code="HH-1")
        assert err.value.kind is ErrorKind.INVALID
        assert err.value.problems[0].code == "not_eligible"
    else:
        verdict = decide(p, kind, st, household_code="HH-1")
        assert (verdict.group, verdict.overridden) == (group, False)


def test_refusal_says_what_the_household_was_and_whom_the_programme_serves() -> None:
    p = national().programme("VBSP.POOR", D23)
    with pytest.raises(DomainError) as err:
        decide(p, K.CREDIT, standing_of("near_poor", D23), household_code="HH-7")
    e = err.value
    assert e.field == "household_code"
    assert "Hộ HH-7 là «hộ cận nghèo» vào ngày 2023-06-01" in e.message_vi
    assert "hộ nghèo" in e.message_vi
    assert "'near-poor' on 2023-06-01" in e.message_en
    assert "poor households" in e.message_en


def test_an_officer_allowed_to_override_records_support_with_a_reason() -> None:
    p = national().programme("VBSP.POOR", D23)
    verdict = decide(
        p,
        K.CREDIT,
        standing_of("near_poor", D23),
        household_code="HH-7",
        override_reason="  Lũ cuốn trôi nhà tháng 5  ",
        may_override=True,
        actor="officer-12",
    )
    assert verdict.overridden is True
    assert verdict.override_reason == "Lũ cuốn trôi nhà tháng 5"
    assert (verdict.overridden_by, verdict.group) == ("officer-12", None)


def test_a_reason_without_the_right_to_override_is_forbidden() -> None:
    p = national().programme("VBSP.POOR", D23)
    with pytest.raises(DomainError) as err:
        decide(
            p,
            K.CREDIT,
            standing_of("near_poor", D23),
            household_code="HH-7",
            override_reason="please",
            may_override=False,
        )
    assert err.value.kind is ErrorKind.FORBIDDEN
    assert err.value.field == "override_reason"


def test_the_right_to_override_without_a_reason_still_refuses() -> None:
    p = national().programme("VBSP.POOR", D23)
    with pytest.raises(DomainError) as err:
        decide(p, K.CREDIT, standing_of("near_poor", D23), household_code="HH-7", may_override=True)
    assert err.value.kind is ErrorKind.INVALID


def test_a_kind_the_programme_does_not_fund_is_refused_even_with_an_override() -> None:
    p = national().programme("NTP2021.P7.2", D23)
    with pytest.raises(DomainError) as err:
        decide(
            p,
            K.PRODUCTION,
            standing_of("poor", D23),
            household_code="HH-1",
            override_reason="x",
            may_override=True,
        )
    assert err.value.problems[0].code == "kind_not_funded"


def test_a_reason_given_for_an_eligible_household_is_not_an_override() -> None:
    p = national().programme("VBSP.POOR", D23)
    verdict = decide(
        p,
        K.CREDIT,
        standing_of("poor", D23),
        household_code="HH-1",
        override_reason="just in case",
        may_override=True,
    )
    assert (verdict.overridden, verdict.override_reason, verdict.group) == (False, None, G.POOR)


@pytest.mark.parametrize(
    ("status", "extra", "member", "cap"),
    [
        ("poor", {"ethnicity": "tay"}, 1, 4_000_000),
        ("poor", {}, 1, 3_000_000),
        ("near_poor", {}, 1, 2_500_000),
        ("not_poor", {}, 1, 2_000_000),
        ("not_poor", {}, 2, 6_000_000),  # member 2 has a disability
    ],
)
def test_training_fee_cap_is_the_highest_the_learner_reaches(
    status: str, extra: dict[str, object], member: int, cap: int
) -> None:
    p = national().programme("VT46", D23)
    members = (worker(1), worker(2, disability=True))
    st = standing_of(status, D23, members=members, member_no=member, **extra)  # type: ignore[arg-type]
    assert check_cap(p, K.VOCATIONAL_TRAINING, cap, st.groups, D23) is not None
    with pytest.raises(DomainError) as err:
        check_cap(p, K.VOCATIONAL_TRAINING, cap + 1, st.groups, D23)
    assert err.value.problems[0].code == "over_limit"


@pytest.mark.parametrize(
    ("programme", "on", "variant", "cap"),
    [
        ("NTP2021.P5", date(2023, 3, 1), "build", 40_000_000),
        ("NTP2021.P5", date(2023, 3, 1), "repair", 20_000_000),
        ("HOUSING.TEMP2024", date(2024, 10, 15), "build", 50_000_000),
        ("HOUSING.TEMP2024", date(2024, 11, 15), "build", 60_000_000),
        ("HOUSING.TEMP2024", date(2025, 2, 1), "repair", 30_000_000),
    ],
)
def test_housing_support_is_capped_by_programme_kind_of_works_and_date(
    programme: str, on: date, variant: str, cap: int
) -> None:
    p = national().programme(programme, on)
    groups = frozenset({G.ANY, G.POOR, G.PD})
    limit = p.cap(K.HOUSING, variant, groups, on)
    assert limit is not None
    assert limit.max_vnd == cap
