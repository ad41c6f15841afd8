"""The programme catalogue: the national file, lookups by date, province overrides and the
errors that name what to correct."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from services.support.adapters.catalogue_repo import NATIONAL_FILE, load_catalogue, read_mapping
from services.support.domain.catalogue import CatalogueDataError, build_catalogue
from services.support.domain.groups import TargetGroup
from shared.contracts.codes import SupportKind
from shared.errors import DomainError, ErrorKind
from tests.unit.support.builders import national

NTP_2021_CODES = {
    "NTP2021.P1.1",
    "NTP2021.P1.2",
    "NTP2021.P2",
    "NTP2021.P3.1",
    "NTP2021.P3.2",
    "NTP2021.P4.1",
    "NTP2021.P4.2",
    "NTP2021.P4.3",
    "NTP2021.P5",
    "NTP2021.P6.1",
    "NTP2021.P6.2",
    "NTP2021.P7.1",
    "NTP2021.P7.2",
}


def test_national_catalogue_lists_every_2021_2025_project_and_sub_project() -> None:
    assert set(national().programmes) >= NTP_2021_CODES
    assert national().children("NTP2021.P3") == ("NTP2021.P3.1", "NTP2021.P3.2")


def test_sub_projects_inherit_the_programme_period_when_they_do_not_state_it() -> None:
    p = national().find("NTP2021.P3.1")
    assert p is not None
    assert (p.validity.since, p.validity.until) == (date(2022, 1, 18), date(2025, 12, 31))
    assert p.legal_basis.startswith("Decision 90/QĐ-TTg")


@pytest.mark.parametrize(
    "code",
    ["NTP2026", "NTP2026.C1", "NTP2026.C2", "NTP2021.P1.2", "VBSP.NEAR", "HOUSING.TEMP2024"],
)
def test_unconfirmed_programmes_are_flagged_for_an_officer(code: str) -> None:
    p = national().find(code)
    assert p is not None
    assert p.confirmed is False


def test_credit_programmes_carry_rate_limit_and_term_from_their_legal_basis() -> None:
    poor = national().programme("VBSP.POOR", date(2024, 5, 1))
    assert poor.credit is not None
    assert [r.rate_pct for r in poor.credit.rates_on(date(2024, 5, 1), frozenset())] == [
        Decimal("6.6")
    ]
    assert poor.credit.max_term_months == 120
    cap = poor.cap(SupportKind.CREDIT, None, frozenset({TargetGroup.POOR}), date(2024, 5, 1))
    assert cap is not None
    assert cap.max_vnd == 100_000_000
    assert poor.credit.days_in_year == 365


@pytest.mark.parametrize(
    ("on", "rate"),
    [(date(2025, 12, 31), "7.92"), (date(2026, 1, 1), "8.382")],
)
def test_job_creation_loans_take_the_rate_in_force_on_the_disbursement_date(
    on: date, rate: str
) -> None:
    credit = national().programme("VBSP.JOBS", on).credit
    assert credit is not None
    assert [str(r.rate_pct) for r in credit.rates_on(on, frozenset())] == [rate]


def test_unknown_programme_is_refused_with_the_code_in_both_languages() -> None:
    with pytest.raises(DomainError) as err:
        national().programme("ANYTHING", date(2024, 1, 1))
    assert err.value.kind is ErrorKind.INVALID
    assert err.value.field == "programme_code"
    assert "ANYTHING" in err.value.message_vi
    assert "ANYTHING" in err.value.message_en


def test_programme_outside_its_period_is_refused_with_its_validity() -> None:
    with pytest.raises(DomainError) as err:
        national().programme("NTP2021.P3.1", date(2026, 3, 1))
    assert "2025-12-31" in err.value.message_en
    assert err.value.problems[0].code == "programme_not_in_force"


def test_a_province_adds_a_programme_and_its_communes_by_override_file(tmp_path: Path) -> None:
    override = tmp_path / "lao-cai.toml"
    override.write_text(
        """
province_code = "15"
[[area_groups]]
group = "PD"
communes = ["04570"]
valid_from = 2022-03-15
valid_to = 2025-06-30
[[programmes]]
code = "LC.ESC-HI"
name_vi = "Hỗ trợ BHYT hộ mới thoát nghèo"
name_en = "Health insurance for newly escaped households"
valid_from = 2024-01-01
legal_basis = "Resolution of the provincial People's Council (example)"
kinds = ["health_insurance"]
[[programmes.eligibility]]
groups = ["ESC"]
[[programmes.insurance]]
groups = ["ESC"]
min_share_pct = 50
valid_from = 2024-01-01
""",
        encoding="utf-8",
    )
    cat = load_catalogue([override])
    assert cat.programme("LC.ESC-HI", date(2024, 6, 1)).kinds == {SupportKind.HEALTH_INSURANCE}
    assert cat.area_groups_of("04570", date(2023, 1, 1)) == {TargetGroup.PD}
    assert cat.area_groups_of("04570", date(2025, 7, 1)) == frozenset()  # districts abolished
    assert cat.sources[-1] == str(override)
    assert cat.rule_hash != national().rule_hash


def test_an_override_replaces_a_national_programme_of_the_same_code() -> None:
    raw = read_mapping(NATIONAL_FILE)
    cat = build_catalogue(
        raw,
        [
            (
                "province",
                {
                    "programmes": [
                        {**_p3_1(), "valid_to": date(2026, 6, 30), "note": "carried over"}
                    ]
                },
            )
        ],
    )
    assert cat.programme("NTP2021.P3.1", date(2026, 3, 1)).note == "carried over"


def _p3_1() -> dict[str, object]:
    raw = read_mapping(NATIONAL_FILE)
    p = next(p for p in raw["programmes"] if p["code"] == "NTP2021.P3.1")
    return {**p, "valid_from": date(2022, 1, 18), "legal_basis": "Decision 90/QĐ-TTg"}


@pytest.mark.parametrize(
    ("programme", "message"),
    [
        ({"kinds": ["production"], "eligibility": [{"groups": ["RICH"]}]}, "unknown code 'RICH'"),
        ({"kinds": ["production"]}, "needs a rule"),
        ({"kinds": ["teleport"], "eligibility": [{"groups": ["POOR"]}]}, "unknown code"),
        ({"valid_to": date(2020, 1, 1)}, "valid_to: is before valid_from"),
        ({"colour": "red"}, "unknown key(s) colour"),
        (
            {"kinds": ["production"], "eligibility": [{"groups": ["POOR"], "kinds": ["credit"]}]},
            "not among the programme's kinds",
        ),
        (
            {"credit": {"rates": []}, "kinds": ["credit"], "eligibility": [{"groups": ["POOR"]}]},
            "needs at least one rate",
        ),
        ({"parent": "NOWHERE"}, "no programme 'NOWHERE'"),
    ],
)
def test_invalid_override_names_the_section_to_correct(
    programme: dict[str, object], message: str
) -> None:
    base = {
        "code": "X.TEST",
        "name_vi": "Thử",
        "name_en": "Test",
        "valid_from": date(2024, 1, 1),
        "legal_basis": "test",
    }
    with pytest.raises(CatalogueDataError) as err:
        build_catalogue(
            read_mapping(NATIONAL_FILE), [("f.toml", {"programmes": [{**base, **programme}]})]
        )
    assert message in str(err.value)
    assert "X.TEST" in str(err.value) or "f.toml" in str(err.value)


def test_a_syntax_error_in_an_override_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[programmes]\n", encoding="utf-8")
    with pytest.raises(CatalogueDataError, match=r"bad\.toml"):
        load_catalogue([bad])
