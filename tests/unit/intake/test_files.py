from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from services.intake.adapters.files import (
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    TEMPLATE_PATH,
    XLSFORM_PATH,
    BulkFileError,
    FileFormat,
    RowSkip,
    XlsxBook,
    _rows_in,
    open_bulk,
    read_sheet_values,
    template_rows,
    write_error_report,
    write_template,
    write_xlsform,
    xlsform_rows,
)
from services.intake.domain.areas import AreaRegistry
from services.intake.domain.bulk import Accepted, Outcome, Rejected
from services.intake.domain.layout import ERROR_HEADER, HOUSEHOLDS, MEMBERS
from tests.unit.intake.builders import family, household, member

pytestmark = pytest.mark.unit


def _records(records: list[dict[str, Any]], spec: Any, english: bool = False) -> list[list[Any]]:
    header = [c.key if english else c.vi for c in spec.columns]
    return [header, *[[r.get(c.key, None) for c in spec.columns] for r in records]]


def write_xlsx(path: Path, households: list[dict[str, Any]], members: list[dict[str, Any]]) -> Path:
    book = openpyxl.Workbook()
    book.active.title = "Hộ gia đình"  # type: ignore[union-attr]
    for row in _records(households, HOUSEHOLDS):
        book.active.append(row)  # type: ignore[union-attr]
    sheet = book.create_sheet("Thành viên")
    for row in _records(members, MEMBERS):
        sheet.append(row)
    book.save(path)
    return path


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """As Windows writes Vietnamese: base letters precomposed, tone marks combining."""
    out = []
    for char in text:
        try:
            out.append(char.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            tones = "".join(c for c in parts if c in _TONES)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
            out.append((base + tones).encode("cp1258"))
    return b"".join(out)


def csv_bytes(rows: list[list[Any]], *, encoding: str = "utf-8-sig", delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    if encoding == "cp1258":
        return to_cp1258(buffer.getvalue())
    return buffer.getvalue().encode(encoding)


def outcomes(path: Path | bytes, name: str, registry: AreaRegistry, **kw: Any) -> list[Outcome]:
    with open_bulk(path, name, registry, **kw) as parse:
        return list(parse)


GOOD_AND_BAD_HOUSEHOLDS = [household("A"), household("B", floor_area_m2=-2)]
GOOD_AND_BAD_MEMBERS = [*family("A"), *family("B"), member("B", 3, age=300, relation="Con")]


def test_error_report_reuploads_when_officer_fixes_xlsx_rows(
    tmp_path: Path, registry: AreaRegistry
) -> None:
    source = write_xlsx(tmp_path / "upload.xlsx", GOOD_AND_BAD_HOUSEHOLDS, GOOD_AND_BAD_MEMBERS)
    with open_bulk(source, "upload.xlsx", registry) as parse:
        assert parse.format is FileFormat.XLSX
        results = list(parse)
        rejected = [r for r in results if isinstance(r, Rejected)]
        report = tmp_path / "loi.xlsx"
        write_error_report(report, parse, rejected)
    assert [r.payload.household_code for r in results if isinstance(r, Accepted)] == ["A"]

    values = read_sheet_values(report)
    households, members = values["Hộ gia đình"], values["Thành viên"]
    assert households[0][-1] == ERROR_HEADER
    assert households[0][:-1] == [c.vi for c in HOUSEHOLDS.columns]
    assert len(households) == 2
    assert len(members) == 4
    assert "[Diện tích nhà ở (m²)]" in str(households[1][-1])
    assert "[Tuổi]" in str(members[3][-1])
    assert "Age" in str(members[3][-1])

    book = openpyxl.load_workbook(report)
    book["Hộ gia đình"]["P2"] = 30  # the floor-area column
    book["Thành viên"]["D4"] = 30  # the age column
    book.save(report)
    fixed = outcomes(report, "loi.xlsx", registry)
    assert [type(o) for o in fixed] == [Accepted]


def test_csv_report_written_beside_when_input_was_csv(
    tmp_path: Path, registry: AreaRegistry
) -> None:
    (tmp_path / "ho.csv").write_bytes(csv_bytes(_records(GOOD_AND_BAD_HOUSEHOLDS, HOUSEHOLDS)))
    (tmp_path / "ho.thanh-vien.csv").write_bytes(csv_bytes(_records(GOOD_AND_BAD_MEMBERS, MEMBERS)))
    with open_bulk(tmp_path / "ho.csv", "ho.csv", registry) as parse:
        rejected = [r for r in parse if isinstance(r, Rejected)]
        files = write_error_report(tmp_path / "ho-loi.csv", parse, rejected, csv_format=True)
    assert [f.name for f in files] == ["ho-loi.csv", "ho-loi.thanh-vien.csv"]
    again = outcomes(files[0], "ho-loi.csv", registry)
    assert len(again) == 1
    assert isinstance(again[0], Rejected)


def test_parsed_when_csv_is_windows_1258_with_semicolons(registry: AreaRegistry) -> None:
    households = csv_bytes(_records([household()], HOUSEHOLDS), encoding="cp1258", delimiter=";")
    members = csv_bytes(_records(family(), MEMBERS), encoding="cp1258", delimiter=";")
    result = outcomes(households, "ho.csv", registry, members=members)
    assert [type(o) for o in result] == [Accepted]


def test_parsed_when_csv_files_come_in_a_zip(registry: AreaRegistry) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("thanh-vien.csv", csv_bytes(_records(family(), MEMBERS, english=True)))
        archive.writestr("ho.csv", csv_bytes(_records([household()], HOUSEHOLDS, english=True)))
    result = outcomes(buffer.getvalue(), "upload.zip", registry)
    assert [type(o) for o in result] == [Accepted]


@pytest.mark.parametrize(
    ("content", "name", "key"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00\x00", "danh-sach.csv", "unsupported_file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "danh-sach.xlsx", "unsupported_file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "cu.xls", "legacy_xls"),
        (b"", "rong.csv", "unsupported_file"),
    ],
)
def test_clear_error_when_content_is_not_csv_or_xlsx(
    registry: AreaRegistry, content: bytes, name: str, key: str
) -> None:
    with pytest.raises(BulkFileError) as caught:
        open_bulk(content, name, registry)
    assert caught.value.problems[0].key == key
    assert name in caught.value.problems[0].vi


def test_clear_error_when_zip_holds_no_csv(registry: AreaRegistry) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("anh.jpg", b"\xff\xd8")
    with pytest.raises(BulkFileError):
        open_bulk(buffer.getvalue(), "x.xlsx", registry)


def test_clear_error_when_members_are_missing(registry: AreaRegistry) -> None:
    households = csv_bytes(_records([household()], HOUSEHOLDS))
    with pytest.raises(BulkFileError) as caught:
        open_bulk(households, "ho.csv", registry)
    assert caught.value.problems[0].key == "members_table_missing"


def test_fast_reader_agrees_with_openpyxl_when_cells_are_varied(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Mã hộ", "A & B <c>", None, "x"])
    sheet.append([1, 2.5, True, datetime(2026, 10, 1, 9, 30)])
    sheet["F3"] = "xa"
    sheet["B4"] = "=1+1"
    path = tmp_path / "varied.xlsx"
    book.save(path)
    with path.open("rb") as handle:
        reader = XlsxBook(handle)
        fast = list(reader._fast_rows(sheet.title))
        slow = list(reader._openpyxl_rows(sheet.title))
        reader.close()

    def trim(rows: list[Any]) -> list[Any]:
        return [(n, list(c)[: len([x for x in c if x is not None]) and max(
            i + 1 for i, x in enumerate(c) if x is not None)]) for n, c in rows if any(
            x is not None for x in c)]  # fmt: skip

    fast_trimmed = trim(fast)
    slow_trimmed = trim(slow)
    assert fast_trimmed[0] == slow_trimmed[0]
    assert fast_trimmed[1][1][:3] == [1, 2.5, True]
    assert fast_trimmed[2] == slow_trimmed[2]


def test_sheet_xml_is_split_into_rows_including_empty_ones_and_not_other_elements() -> None:
    xml = (
        '<sheetData><row r="1" spans="1:2"><c r="A1"><v>1</v></c></row><row r="2"/>'
        '<row r="3"><c r="B3" t="s"><v>0</v></c></row></sheetData>'
        '<rowBreaks count="1"><brk id="3"/></rowBreaks>'
    )
    assert list(_rows_in(xml, len(xml))) == [
        (' r="1" spans="1:2"', '<c r="A1"><v>1</v></c>'),
        (' r="2"', ""),
        (' r="3"', '<c r="B3" t="s"><v>0</v></c>'),
    ]
    assert list(_rows_in(xml, xml.index('<row r="3"'))) == [
        (' r="1" spans="1:2"', '<c r="A1"><v>1</v></c>'),
        (' r="2"', ""),
    ]


def test_xlsx_reader_passes_over_exactly_the_rows_its_skip_rule_rules_out(
    tmp_path: Path,
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["STT", "Mã hộ", "Tên"])
    sheet.append([1, "HH-1", "kept: wanted code"])
    sheet.append([2, "HH-2", "passed over"])
    sheet.append([3, None, "kept: no code"])
    sheet.append([4, 7, "passed over: a numeric code"])
    sheet.append([5, 8, "kept: wanted numeric code"])
    sheet["A7"] = 6  # a row with no cell in the key column
    sheet.append([7, "  ", "kept: blank code"])
    path = tmp_path / "keys.xlsx"
    book.save(path)

    def wanted(code: object) -> bool:
        return code in {"HH-1", 8, None, "  "}

    with path.open("rb") as handle:
        reader = XlsxBook(handle)
        every = list(reader.rows(sheet.title))
        skip = RowSkip()
        rows = reader.rows(sheet.title, skip)
        header = next(rows)
        skip.set(1, wanted)
        filtered = [header, *rows]
        reader.close()
    assert [number for number, _ in filtered] == [1, 2, 4, 6, 7, 8]
    assert filtered == [row for row in every if row[0] in {1, 2, 4, 6, 7, 8}]


def _workbook(sheet_rows: str, shared: list[str]) -> io.BytesIO:
    """A minimal workbook whose one sheet holds ``sheet_rows`` as written (no styles)."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    items = "".join(f"<si><t>{text}</t></si>" for text in shared)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            '<sheet name="Ho" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        book.writestr("xl/sharedStrings.xml", f'<sst xmlns="{main}">{items}</sst>')
        book.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{main}"><sheetData>{sheet_rows}</sheetData></worksheet>',
        )
    buffer.seek(0)
    return buffer


def test_skip_rule_sees_each_key_as_the_reader_decodes_it_whatever_the_cell_type() -> None:
    keys = [
        '<c r="B2" t="s"><v>1</v></c>',  # shared string
        '<c r="B3"><v>12</v></c>',  # number
        '<c r="B4" s="3"><v>7.0</v></c>',  # styled float
        '<c r="B5" t="inlineStr"><is><t>HH-&amp;5</t></is></c>',  # inline string
        '<c r="B6" t="str"><f>A6</f><v>HH-6</v></c>',  # formula result
        '<c r="B7" s="2" t="s"><v>2</v></c>',  # styled shared string, style first
        '<c r="B8" t="b"><v>1</v></c>',  # boolean
        '<c r="B9" s="1"/>',  # empty
    ]
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>0</v></c></row>'
    rows += "".join(
        f'<row r="{n}"><c r="A{n}"><v>{n}</v></c>{key}<c r="C{n}"><v>0</v></c></row>'
        for n, key in enumerate(keys, start=2)
    )
    stream = _workbook(rows, ["Mã hộ", "HH-1", "HH-7"])
    reader = XlsxBook(stream)
    every = list(reader.rows("Ho"))
    seen: list[object] = []
    skip = RowSkip()
    filtered = reader.rows("Ho", skip)
    next(filtered)
    skip.set(1, lambda key: seen.append(key) is None)
    assert list(filtered) == every[1:]
    expected = [cells[1] if len(cells) > 1 else None for _, cells in every[1:]]
    assert expected == ["HH-1", 12, 7, "HH-&5", "HH-6", "HH-7", True, None]
    assert seen == expected


@pytest.mark.parametrize("parts", [2, 3])
def test_shards_of_a_workbook_together_give_the_outcomes_of_one_pass(
    tmp_path: Path, registry: AreaRegistry, parts: int
) -> None:
    codes = [f"HH-{i}" for i in range(12)]
    households = [household(code) for code in codes]
    households += [household("HH-3"), household("")]  # a duplicate and a row without code
    members = [m for code in codes for m in family(code)]
    members += [member("HH-404", 1), member("", 2)]  # an orphan and a member without code
    path = write_xlsx(tmp_path / "book.xlsx", households, members)

    def keys(shard: tuple[int, int]) -> list[tuple[str, int, str]]:
        with open_bulk(path, path.name, registry) as parse:
            return [_outcome_key(o) for o in parse.outcomes(shard)]

    whole = sorted(keys((0, 1)))
    shards = [keys((k, parts)) for k in range(parts)]
    assert sorted(key for shard in shards for key in shard) == whole
    assert all(shards), "every shard has households of its own"
    reasons = {reason for _, _, reason in whole}
    assert {"duplicate_household", "orphan_member", "required"} <= set(",".join(reasons).split(","))


def _outcome_key(outcome: Outcome) -> tuple[str, int, str]:
    if isinstance(outcome, Accepted):
        return "accepted", outcome.row, outcome.payload.survey_id
    return "rejected", outcome.row, ",".join(e.message.key for e in outcome.errors)


def test_shipped_template_matches_generation_when_regenerated(tmp_path: Path) -> None:
    fresh = write_template(tmp_path / "template.xlsx")
    shipped, generated = read_sheet_values(TEMPLATE_PATH), read_sheet_values(fresh)
    assert list(shipped) == ["Hộ gia đình", "Thành viên", INSTRUCTIONS_SHEET, LISTS_SHEET]
    assert shipped == generated
    assert shipped["Hộ gia đình"][0] == [c.vi for c in HOUSEHOLDS.columns]
    assert shipped["Thành viên"][0] == [c.vi for c in MEMBERS.columns]
    assert template_rows()["Hộ gia đình"][0] == shipped["Hộ gia đình"][0]


def test_instructions_list_codes_in_both_languages_when_template_is_read() -> None:
    rows = read_sheet_values(TEMPLATE_PATH)[INSTRUCTIONS_SHEET]
    sex_rows = [r for r in rows if r and r[0] == "Giới tính / Sex"]
    assert [r[1:] for r in sex_rows] == [["male", "Nam", "Male"], ["female", "Nữ", "Female"]]


def test_blank_template_parses_when_uploaded_empty(registry: AreaRegistry) -> None:
    assert outcomes(TEMPLATE_PATH, TEMPLATE_PATH.name, registry) == []


def test_shipped_xlsform_matches_generation_when_regenerated(
    tmp_path: Path, registry: AreaRegistry
) -> None:
    fresh = write_xlsform(registry, tmp_path / "form.xlsx")
    shipped = read_sheet_values(XLSFORM_PATH)
    assert shipped == read_sheet_values(fresh)
    assert list(shipped) == ["survey", "choices", "settings"]
    header = shipped["survey"][0]
    assert "label::Vietnamese (vi)" in header
    assert "label::English (en)" in header
    types = [row[0] for row in shipped["survey"][1:]]
    assert "begin_repeat" in types
    assert "end_repeat" in types
    names = {row[1] for row in shipped["survey"][1:]}
    household_keys = {c.key for c in HOUSEHOLDS.columns} - {
        "survey_id", "province_code", "income_vnd", "score_a"}  # fmt: skip
    assert household_keys <= names
    assert {c.key for c in MEMBERS.columns} - {"household_code"} <= names
    assert xlsform_rows(registry)["settings"][1][1] == "giamngheo_phieu_b"


def test_xlsform_converts_without_warnings_when_checked_by_pyxform(tmp_path: Path) -> None:
    xls2xform = pytest.importorskip("pyxform.xls2xform")
    warnings = xls2xform.xls2xform_convert(
        xlsform_path=str(XLSFORM_PATH), xform_path=str(tmp_path / "form.xml"), validate=False
    )
    assert warnings == []
    xml = (tmp_path / "form.xml").read_text(encoding="utf-8")
    assert "Thượng Bằng La" in xml
    assert 'lang="English (en)"' in xml
