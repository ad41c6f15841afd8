"""An officer's season in a real browser: sign in, upload a file with an error, download the
error report, fix the row and upload again, hold the village meeting and recognise the
households, see the report change, record support, download the report as XLSX and open it."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from services.intake.domain.layout import ERROR_HEADER, HOUSEHOLDS, MEMBERS
from tests.unit.intake.builders import family, household
from tools.stack import Stack

pytestmark = pytest.mark.browser

COMMUNE = "04570"
CODES = ("WEB-0001", "WEB-0002", "WEB-0003")


def workbook(path: Path, households: list[dict[str, Any]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Hộ gia đình"
    sheet.append([c.vi for c in HOUSEHOLDS.columns])
    for h in households:
        sheet.append([h.get(c.key) for c in HOUSEHOLDS.columns])
    members = book.create_sheet("Thành viên")
    members.append([c.vi for c in MEMBERS.columns])
    for h in households:
        for m in family(h["household_code"]):
            members.append([m.get(c.key) for c in MEMBERS.columns])
    book.save(path)
    return path


def poor(code: str, **overrides: Any) -> dict[str, Any]:
    return household(
        code,
        income_vnd="900.000",
        pillars="Tre, nứa",
        walls="Tre, nứa",
        roof="Lá, rơm rạ",
        water_source="Nước sông, suối, ao, hồ",
        latrine="Không có nhà tiêu",
        **overrides,
    )


def wait_until(check: Callable[[], bool], page: Any, seconds: float = 40) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("the page never showed it")
        time.sleep(0.5)
        page.reload()


def test_officer_signs_in_and_switches_language(page: Any, stack: Stack, shot: Any) -> None:
    page.goto("/")
    assert page.url.endswith("/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill("admin")
    page.get_by_label("Mật khẩu").fill("wrong password")
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.locator("#signin-error").is_visible()
    shot("refused")
    page.get_by_label("Tên đăng nhập").fill("admin")
    page.get_by_label("Mật khẩu").fill(stack.admin_password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_role("heading", name="Tình hình rà soát trên địa bàn").is_visible()
    page.get_by_role("link", name="English").click()
    assert page.get_by_role("heading", name="The review in my area").is_visible()
    shot("english")
    page.get_by_role("link", name="Tiếng Việt").click()
    assert page.get_by_role("link", name="Phiếu khảo sát").is_visible()
    shot("home")


def test_pages_fit_a_phone_and_work_from_the_keyboard(page: Any, shot: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        for path in ("/", "/phieu", "/phieu/ho", "/xet-duyet?commune=04570", "/ho-tro", "/bao-cao"):
            page.goto(path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, path
        page.goto("/phieu/ho")
        shot("phone-form")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        # every form control on the page has a label
        unlabelled = page.evaluate(
            """[...document.querySelectorAll('input:not([type=hidden]), select')]
               .filter(e => !e.labels || e.labels.length === 0).map(e => e.name)"""
        )
        assert unlabelled == []
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


def test_upload_with_an_error_then_the_fixed_row(page: Any, tmp_path: Path, shot: Any) -> None:
    page.goto("/phieu")
    with page.expect_download() as template:
        page.get_by_role("link", name="Tải tệp mẫu").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(template.value.path()).read_bytes()))
    assert "Hộ gia đình" in book.sheetnames

    bad = workbook(
        tmp_path / "thon-1.xlsx",
        [poor(CODES[0]), poor(CODES[1]), household(CODES[2], income_vnd="nhiều lắm")],
    )
    page.get_by_label("Tệp (CSV hoặc XLSX)").set_input_files(str(bad))
    page.get_by_role("button", name="Tải lên").click()
    summary = page.locator("#upload-summary")
    summary.wait_for()
    assert "Đã nhận 2 hộ; 1 hộ bị lỗi" in summary.inner_text()
    assert page.locator("progress#upload-progress").get_attribute("max") == "100"
    shot("rejected")
    with page.expect_download() as report:
        page.locator("#error-report").click()
    rows = list(
        openpyxl.load_workbook(io.BytesIO(Path(report.value.path()).read_bytes()))
        .worksheets[0]
        .iter_rows(values_only=True)
    )
    error_col, code_col = rows[0].index(ERROR_HEADER), rows[0].index("Mã hộ")
    assert [(r[code_col], "không phải là số" in str(r[error_col])) for r in rows[1:]] == [
        (CODES[2], True)
    ]

    fixed = workbook(tmp_path / "thon-1-sua.xlsx", [household(CODES[2])])
    page.get_by_label("Tệp (CSV hoặc XLSX)").set_input_files(str(fixed))
    page.get_by_role("button", name="Tải lên").click()
    page.get_by_text("Đã nhận 1 hộ; 0 hộ bị lỗi").wait_for()
    shot("fixed")


def test_one_household_form_shows_each_error_beside_its_field(page: Any, shot: Any) -> None:
    page.goto("/phieu/ho")
    page.get_by_label("Mã hộ").fill("WEB-0004")
    page.get_by_label("Mã xã").fill("04570")
    page.get_by_label("Mã thôn").fill("04570-01")
    page.get_by_label("Thu nhập bình quân (đồng/người/tháng)").fill("1000000")
    page.locator("#member\\.0\\.age").fill("300")
    page.get_by_role("button", name="Gửi phiếu").click()
    assert page.locator("#survey-errors").is_visible()
    age_error = page.locator("#member\\.0\\.age-error")
    assert age_error.is_visible()
    assert age_error.inner_text().strip()
    assert page.locator("#member\\.0\\.age").get_attribute("aria-invalid") == "true"
    shot("errors")

    page.locator("#member\\.0\\.age").fill("40")
    page.locator("#member\\.0\\.sex").select_option("male")
    page.locator("#member\\.0\\.employment").select_option("employed")
    for field, value in (
        ("pillars", "reinforced_concrete"),
        ("walls", "brick_stone"),
        ("roof", "tile"),
        ("water_source", "piped"),
        ("latrine", "flush_septic"),
    ):
        page.locator(f"#{field}").select_option(value)
    page.get_by_label("Diện tích nhà ở (m²)").fill("40")
    page.get_by_role("button", name="Gửi phiếu").click()
    errors = page.locator("#survey-errors")
    assert errors.count() == 0, errors.inner_text()
    page.locator("#survey-done").wait_for()
    assert page.locator("#survey-errors").count() == 0
    assert page.get_by_label("Mã hộ").input_value() == ""  # a blank form for the next one
    assert page.get_by_label("Mã thôn").input_value() == "04570-01"
    shot("sent")


def test_meeting_then_recognition_then_the_report_shows_it(page: Any, shot: Any) -> None:
    page.goto("/bao-cao?stage=recognised")
    before = (
        page.locator("#table-summary").inner_text()
        if page.locator("#table-summary").count()
        else ""
    )

    page.goto(f"/xet-duyet?commune={COMMUNE}")
    wait_until(lambda: all(page.get_by_role("link", name=c).count() for c in CODES), page)
    for code in CODES:
        page.locator(f"[id='attendees.{code}']").fill("20")
        page.locator(f"[id='agreeing.{code}']").fill("15" if code != CODES[2] else "5")
    page.get_by_role("button", name="Lưu kết quả họp").click()
    done = page.locator("#meeting-done")
    assert "Đã ghi kết quả họp cho 3 hộ" in done.inner_text()
    assert "Rà soát lại" in done.inner_text()
    shot("meeting")

    page.get_by_label("Số quyết định").fill("125/QĐ-UBND")
    page.get_by_role("button", name="Công nhận").click()
    recognised = page.locator("#recognition-done")
    assert "Đã công nhận 2 hộ theo quyết định số 125/QĐ-UBND" in recognised.inner_text()
    assert "Hộ nghèo" in recognised.inner_text()
    shot("recognised")

    page.goto(f"/ho/{CODES[0]}")
    assert page.locator("#recognised-status").inner_text().startswith("Hộ nghèo")
    assert page.get_by_text("không phải nguồn nước sạch").count() >= 1  # reason in Vietnamese
    assert "(chưa dịch)" not in page.content()
    history = page.locator("#history").inner_text()
    assert "Họp dân thôn" in history
    assert "125/QĐ-UBND" in history
    shot("household")

    page.goto("/bao-cao?stage=recognised")
    wait_until(
        lambda: (
            page.locator("#table-summary").count() > 0
            and page.locator("#table-summary").inner_text() != before
            and "2" in page.locator("#table-summary").inner_text()
        ),
        page,
    )
    page.locator("#chart-rates").wait_for()
    shot("report")


def test_record_support_with_the_eligibility_shown(page: Any, shot: Any) -> None:
    page.goto(f"/ho-tro?household={CODES[0]}")
    page.get_by_label("Chương trình *").select_option("NTP2026.C1")
    page.get_by_label("Loại hỗ trợ *").select_option("production")
    answer = page.locator("#eligibility-answer")
    answer.wait_for()
    shot("eligibility")
    page.get_by_label("Nguồn vốn *").select_option("central_budget")
    page.get_by_label("Giá trị (đồng) *").fill("5000000")
    page.get_by_label("Hiện vật").fill("2 con bò giống")
    if "không đủ điều kiện" in answer.inner_text():
        page.get_by_label("Lý do ngoại lệ (nếu có)").fill("Hộ khó khăn đột xuất")
    page.get_by_role("button", name="Lưu").click()
    page.locator("#support-done").wait_for()
    shot("recorded")
    page.goto(f"/ho/{CODES[0]}")
    assert page.get_by_text("2 con bò giống").count() >= 1


def test_report_downloads_as_xlsx_that_opens(page: Any, shot: Any) -> None:
    page.goto("/bao-cao?stage=recognised")
    with page.expect_download() as download:
        page.locator("#report-xlsx").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    sheet = book["Tổng hợp"]
    header = [c.value for c in sheet[1]]
    assert "Tỷ lệ nghèo (%)" in header
    assert sheet.max_row > 1
    shot("report")


def test_plan_against_actual_shows_and_downloads(page: Any, stack: Stack, shot: Any) -> None:
    import httpx

    year = time.gmtime().tm_year
    plan = {
        "plan_id": "KH-WEB-1",
        "level": "commune",
        "area_code": COMMUNE,
        "year": year,
        "department": "phong-nong-nghiep",
        "adopted_on": f"{year}-01-10",
        "allocations": [
            {"component": "NTP2021.P3.1", "source": "central", "amount_vnd": 80_000_000}
        ],
        "targets": [
            {"component": "NTP2021.P3.1", "kind": "households", "support_kind": "production",
             "quantity": 3}
        ],
    }  # fmt: skip
    made = httpx.post(stack.url("support") + "/plans", json=plan, headers=stack.headers())
    assert made.status_code == 201, made.text
    page.goto(f"/ke-hoach?level=commune&area={COMMUNE}&year={year}")
    table = page.locator("#plans-areas").inner_text()
    assert "80,000,000" in table
    shot("plans")
    with page.expect_download() as download:
        page.locator("#plans-xlsx").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert book.sheetnames


def test_commune_figures_are_submitted_then_approved(page: Any, stack: Stack, shot: Any) -> None:
    import httpx

    page.goto("/bao-cao?stage=recognised&year=2026")
    page.get_by_label("Xã", exact=True).fill(COMMUNE)
    page.get_by_role("button", name="Gửi báo cáo").click()
    submitted = page.locator("p.ok").inner_text()
    page.get_by_label("Xã", exact=True).fill(COMMUNE)
    page.get_by_role("button", name="Phê duyệt").click()
    approved = page.locator("p.ok").inner_text()
    shot("approved")
    assert "Gửi báo cáo" in submitted
    assert "Phê duyệt" in approved
    state = httpx.get(
        stack.url("reporting") + f"/reports/signoff/{COMMUNE}",
        params={"year": 2026},
        headers=stack.headers(),
    ).json()
    assert state["state"] == "approved", state
