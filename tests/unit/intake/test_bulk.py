from __future__ import annotations

from typing import Any

import pytest

from services.intake.domain.areas import AreaRegistry
from services.intake.domain.bulk import (
    Accepted,
    LayoutError,
    Outcome,
    Rejected,
    Row,
    find_layout,
    parse_tables,
    read_layout,
)
from services.intake.domain.layout import HOUSEHOLDS, MEMBERS, TableName
from shared.contracts.codes import AreaType, IncomeBasis, Sex, WorkCapacity
from tests.unit.intake.builders import (
    citizen_id,
    family,
    household,
    households_table,
    member,
    members_table,
)

pytestmark = pytest.mark.unit


def parse(registry: AreaRegistry, households: list[Row], members: list[Row]) -> list[Outcome]:
    h_layout, h_rows = find_layout(HOUSEHOLDS, iter(households))
    m_layout, m_rows = find_layout(MEMBERS, iter(members))
    return list(parse_tables(h_layout, h_rows, m_layout, m_rows, registry))


def only(outcomes: list[Outcome]) -> Outcome:
    assert len(outcomes) == 1
    return outcomes[0]


def rejected_one(
    registry: AreaRegistry, hh: dict[str, Any], members: list[dict[str, Any]]
) -> Rejected:
    outcome = only(parse(registry, households_table([hh]), members_table(members)))
    assert isinstance(outcome, Rejected), outcome
    return outcome


def test_payload_built_when_rows_use_vietnamese_headers_and_values(
    registry: AreaRegistry,
) -> None:
    outcome = only(parse(registry, households_table([household()]), members_table(family())))
    assert isinstance(outcome, Accepted)
    payload = outcome.payload
    assert outcome.row == 2
    assert payload.area_type is AreaType.RURAL
    assert payload.province_code == "15"
    assert payload.income.basis is IncomeBasis.VND_PER_CAPITA_MONTH
    assert payload.income.value == 1_200_000
    assert payload.housing.floor_area_m2 == 45.5
    assert [m.sex for m in payload.members] == [Sex.MALE, Sex.FEMALE]
    assert payload.members[0].work_capacity is WorkCapacity.FULL
    assert payload.surveyed_at.utcoffset() is not None
    assert payload.surveyed_at.hour == 9
    assert not payload.head_citizen_id_missing
    assert [a.value for a in payload.assets] == ["television", "motorbike"]


def test_same_payload_when_headers_and_values_are_english(registry: AreaRegistry) -> None:
    english = household(
        review_kind="periodic",
        livelihood_agriculture="yes",
        pillars="reinforced_concrete",
        walls="brick_stone",
        roof="tile",
        water_source="piped",
        latrine="flush_septic",
        uses_telecom="yes",
        assets="television; motorbike",
        causes="lack_capital",
        needs="credit; housing",
        income_vnd="1200000",
        floor_area_m2="45.5",
    )
    members = [
        member(relation="head", sex="male", ethnicity="tay", employment="employed",
               has_health_insurance="yes"),
        member(no=2, age=38, sex="female", relation="spouse", ethnicity="tay",
               employment="employed", has_health_insurance="yes", citizen_id=citizen_id("HH-1", 2)),
    ]  # fmt: skip
    en = only(
        parse(
            registry,
            households_table([english], english=True),
            members_table(members, english=True),
        )
    )
    vi = only(parse(registry, households_table([household()]), members_table(family())))
    assert isinstance(en, Accepted)
    assert isinstance(vi, Accepted)
    assert en.payload.model_dump(exclude={"survey_id"}) == vi.payload.model_dump(
        exclude={"survey_id"}
    )


def test_headers_matched_when_case_and_diacritics_differ() -> None:
    layout = read_layout(
        HOUSEHOLDS, ["MA HO", "mã xã", "Ma thon", "Nam ra soat", "loai ra soat", "ngày khảo sát",
                     "Livelihood_Agriculture", "pillars", "walls", "roof", "floor area m2",
                     "water source", "latrine", "uses telecom", "Ghi chú"], 1
    )  # fmt: skip
    assert layout.header_of("household_code") == "MA HO"
    assert layout.ignored == ("Ghi chú",)


def test_layout_error_when_required_column_missing() -> None:
    with pytest.raises(LayoutError) as caught:
        read_layout(MEMBERS, ["Mã hộ", "STT thành viên"], 1)
    assert any("Tuổi" in p.vi and "age" in p.en for p in caught.value.problems)


def test_header_found_when_a_title_row_sits_above_it(registry: AreaRegistry) -> None:
    rows = households_table([household()])
    titled: list[Row] = [(1, ["Danh sách hộ rà soát năm 2026"]), *[(n + 1, c) for n, c in rows]]
    members = members_table(family())
    outcome = only(parse(registry, titled, members))
    assert isinstance(outcome, Accepted)
    assert outcome.row == 3


@pytest.mark.parametrize(
    ("hh", "members", "table", "field", "key"),
    [
        ({"floor_area_m2": "-5"}, None, TableName.HOUSEHOLDS, "Diện tích nhà ở (m²)", "negative"),
        ({"income_vnd": "-100"}, None, TableName.HOUSEHOLDS,
         "Thu nhập bình quân (đồng/người/tháng)", "negative"),
        ({"income_vnd": ""}, None, TableName.HOUSEHOLDS,
         "Thu nhập bình quân (đồng/người/tháng)", "income_missing"),
        ({"score_a": "120"}, None, TableName.HOUSEHOLDS, "Điểm A", "income_both"),
        ({"commune_code": "99999"}, None, TableName.HOUSEHOLDS, "Mã xã", "unknown_commune"),
        ({"village_code": "04570-77"}, None, TableName.HOUSEHOLDS, "Mã thôn", "unknown_village"),
        ({"village_code": "04681-01"}, None, TableName.HOUSEHOLDS, "Mã thôn",
         "village_not_in_commune"),
        ({"province_code": "10"}, None, TableName.HOUSEHOLDS, "Mã tỉnh", "province_mismatch"),
        ({"water_source": "nước giếng trời"}, None, TableName.HOUSEHOLDS, "Nguồn nước sinh hoạt",
         "unknown_code"),
        ({"uses_telecom": "hmm"}, None, TableName.HOUSEHOLDS, "Sử dụng dịch vụ viễn thông",
         "not_boolean"),
        ({"surveyed_at": "31/02/2026"}, None, TableName.HOUSEHOLDS, "Ngày khảo sát", "not_date"),
        ({"review_year": "1990"}, None, TableName.HOUSEHOLDS, "Năm rà soát", "at_least"),
        ({"roof": ""}, None, TableName.HOUSEHOLDS, "Vật liệu mái", "required"),
        ({}, [], TableName.HOUSEHOLDS, "Mã hộ", "members_missing"),
        ({}, [member(age=130)], TableName.MEMBERS, "Tuổi", "impossible_age"),
        ({}, [member(age=-1)], TableName.MEMBERS, "Tuổi", "impossible_age"),
        ({}, [member(age="bốn mươi")], TableName.MEMBERS, "Tuổi", "not_integer"),
        ({}, [member(citizen_id="12345")], TableName.MEMBERS, "Số CCCD", "citizen_id"),
        ({}, [member(sex="khác")], TableName.MEMBERS, "Giới tính", "unknown_code"),
        ({}, [member(ethnicity="Klingon")], TableName.MEMBERS, "Dân tộc", "unknown_ethnicity"),
        ({}, [member(), member(no=1, relation="Con")], TableName.MEMBERS, "STT thành viên",
         "duplicate_member_no"),
        ({}, [member(relation="Con")], TableName.MEMBERS, "Quan hệ với chủ hộ", "no_head"),
        ({}, [member(), member(no=2)| {"relation": "Chủ hộ"}], TableName.MEMBERS,
         "Quan hệ với chủ hộ", "several_heads"),
    ],
)  # fmt: skip
def test_rejection_names_field_and_reason_when_value_is_wrong(
    registry: AreaRegistry,
    hh: dict[str, Any],
    members: list[dict[str, Any]] | None,
    table: TableName,
    field: str,
    key: str,
) -> None:
    rejected = rejected_one(registry, household(**hh), family() if members is None else members)
    matching = [e for e in rejected.errors if e.message.key == key]
    assert matching, rejected.errors
    error = matching[0]
    assert error.table is table
    assert error.field == field
    assert error.message.vi
    assert error.message.en
    assert error.message.vi != error.message.en
    expected_row = 2 if table is TableName.HOUSEHOLDS else rejected.members[0].number
    assert error.row == expected_row or table is TableName.MEMBERS


def test_member_error_reports_its_own_row_when_second_member_is_wrong(
    registry: AreaRegistry,
) -> None:
    members = [*family(), member(no=3, age=200)]
    rejected = rejected_one(registry, household(), members)
    (error,) = rejected.errors
    assert (error.table, error.row, error.field) == (TableName.MEMBERS, 4, "Tuổi")


def test_field_reported_as_written_when_headers_are_english(registry: AreaRegistry) -> None:
    outcome = only(
        parse(
            registry,
            households_table([household(floor_area_m2="-1")], english=True),
            members_table(family(), english=True),
        )
    )
    assert isinstance(outcome, Rejected)
    assert [e.field for e in outcome.errors] == ["floor_area_m2"]


def test_accepted_with_flag_when_head_has_no_citizen_id(registry: AreaRegistry) -> None:
    members = [member(citizen_id=""), member(no=2, relation="Vợ/chồng", citizen_id="")]
    outcome = only(parse(registry, households_table([household()]), members_table(members)))
    assert isinstance(outcome, Accepted)
    assert outcome.payload.head_citizen_id_missing


def test_citizen_id_keeps_leading_zero_when_excel_stored_it_as_a_number(
    registry: AreaRegistry,
) -> None:
    members = [member(citizen_id=15012345678), member(no=2, relation="Con")]
    outcome = only(parse(registry, households_table([household()]), members_table(members)))
    assert isinstance(outcome, Accepted)
    assert outcome.payload.members[0].citizen_id == "015012345678"


def test_good_households_go_ahead_when_others_fail(registry: AreaRegistry) -> None:
    households = [household("A"), household("B", floor_area_m2="-3"), household("C")]
    members = [*family("A"), *family("B"), member("C", age=500), *family("D")]
    outcomes = parse(registry, households_table(households), members_table(members))
    accepted = [o.payload.household_code for o in outcomes if isinstance(o, Accepted)]
    rejected = {o.household_code: o for o in outcomes if isinstance(o, Rejected)}
    assert accepted == ["A"]
    assert set(rejected) == {"B", "C", "D"}
    assert rejected["D"].household is None
    assert rejected["D"].errors[0].message.key == "orphan_member"
    assert len(rejected["B"].members) == 2


def test_second_row_rejected_when_household_code_repeats(registry: AreaRegistry) -> None:
    outcomes = parse(
        registry, households_table([household("A"), household("A")]), members_table(family("A"))
    )
    assert isinstance(outcomes[0], Accepted)
    assert isinstance(outcomes[1], Rejected)
    assert outcomes[1].errors[0].message.key == "duplicate_household"


def test_members_joined_when_member_rows_are_out_of_order(registry: AreaRegistry) -> None:
    members = [family("B")[1], family("A")[0], family("B")[0], family("A")[1]]
    outcomes = parse(
        registry, households_table([household("A"), household("B")]), members_table(members)
    )
    assert all(isinstance(o, Accepted) for o in outcomes)


def test_blank_rows_skipped_when_sheet_has_gaps(registry: AreaRegistry) -> None:
    households = households_table([household()])
    households.insert(1, (2, [None] * 5))
    outcome = only(parse(registry, households, members_table(family())))
    assert isinstance(outcome, Accepted)


def test_survey_id_stable_when_same_rows_parsed_twice(registry: AreaRegistry) -> None:
    def survey_id(**changes: Any) -> str:
        outcome = only(
            parse(registry, households_table([household(**changes)]), members_table(family()))
        )
        assert isinstance(outcome, Accepted)
        return outcome.payload.survey_id

    assert survey_id() == survey_id()
    assert survey_id() != survey_id(floor_area_m2="50")
    assert survey_id(survey_id="PHIEU-7") == "PHIEU-7"
