"""The web app's rules: every page declares who may open it, a page needing a session sends a
stranger to the sign-in page, a form without the browser's anti-forgery token is refused, and
every message and code the pages show exists in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.web.app import create_app
from services.web.forms import form_errors
from services.web.i18n import Translator, catalogue
from services.web.settings import WebSettings

pytestmark = pytest.mark.unit
WEB = Path(__file__).resolve().parents[3] / "services" / "web"


@pytest.fixture(scope="module")
def app() -> FastAPI:
    # the services are not running: nothing here reaches them
    return create_app(WebSettings(access_url="http://127.0.0.1:9", intake_url="http://127.0.0.1:9"))


def pages(app: FastAPI) -> list[tuple[str, str, dict[str, object]]]:
    out = []
    for path, item in app.openapi()["paths"].items():
        for method, op in item.items():
            out.append((method.upper(), path, op))
    return out


def test_every_page_declares_its_access_rule(app: FastAPI) -> None:
    ops = pages(app)
    assert len(ops) > 15
    assert [f"{m} {p}" for m, p, op in ops if "x-access" not in op] == []


def test_only_the_sign_in_page_language_switch_and_docs_list_are_public(app: FastAPI) -> None:
    public = sorted(
        f"{m} {p}"
        for m, p, op in pages(app)
        if op["x-access"].get("public")  # type: ignore[union-attr]
    )
    assert public == [
        "GET /dang-nhap",
        "GET /health",
        "GET /ngon-ngu/{lang}",
        "GET /tai-lieu-api",
        "POST /dang-nhap",
    ]


def test_every_other_page_sends_a_stranger_to_sign_in(app: FastAPI) -> None:
    client = TestClient(app, follow_redirects=False)
    checked = 0
    for method, path, op in pages(app):
        if op["x-access"].get("public"):  # type: ignore[union-attr]
            continue
        url = re.sub(r"\{[^}]+\}", "X-1", path)
        answer = client.request(method, url)
        assert answer.status_code == 303, f"{method} {path}: {answer.status_code}"
        assert answer.headers["location"] == "/dang-nhap"
        htmx = client.request(method, url, headers={"HX-Request": "true"})
        assert htmx.status_code == 401
        assert htmx.headers["HX-Redirect"] == "/dang-nhap"
        checked += 1
    assert checked > 10


def test_sign_in_form_without_the_anti_forgery_token_is_refused(app: FastAPI) -> None:
    client = TestClient(app, follow_redirects=False)
    page = client.get("/dang-nhap")
    assert page.status_code == 200
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert token
    forged = client.post("/dang-nhap", data={"username": "admin", "password": "x"})
    assert forged.status_code == 403
    wrong = client.post("/dang-nhap", data={"username": "a", "password": "x", "csrf": "0" * 40})
    assert wrong.status_code == 403
    # with the token the form reaches the access service (not running here: a clear refusal)
    ok = client.post(
        "/dang-nhap", data={"username": "admin", "password": "x", "csrf": token.group(1)}
    )
    assert ok.status_code == 502
    assert "Không kết nối được dịch vụ access" in ok.text


def test_session_cookies_are_http_only_and_strict(app: FastAPI) -> None:
    client = TestClient(app, follow_redirects=False)
    answer = client.get("/dang-nhap")
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "samesite=strict" in cookie.lower()
    assert "default-src 'self'" in answer.headers["content-security-policy"]


def test_pages_are_vietnamese_first_with_an_english_switch(app: FastAPI) -> None:
    client = TestClient(app, follow_redirects=False)
    vi = client.get("/dang-nhap")
    assert '<html lang="vi">' in vi.text
    assert "Tên đăng nhập" in vi.text
    switched = client.get("/ngon-ngu/en", headers={"referer": "http://testserver/dang-nhap"})
    assert switched.status_code == 303
    assert switched.headers["location"] == "/dang-nhap"
    en = client.get("/dang-nhap")
    assert '<html lang="en">' in en.text
    assert "User name" in en.text


def test_language_switch_never_sends_the_browser_elsewhere(app: FastAPI) -> None:
    client = TestClient(app, follow_redirects=False)
    away = client.get("/ngon-ngu/vi", headers={"referer": "http://testserver//evil.example/x"})
    assert away.headers["location"] == "/"


def used_keys() -> set[str]:
    keys: set[str] = set()
    for f in [*WEB.glob("templates/*.html"), WEB / "routes.py", WEB / "workbook.py"]:
        text = f.read_text(encoding="utf-8")
        keys |= {
            k for k in re.findall(r"""\bt\(\s*["']([a-z_.]+)["']""", text) if not k.endswith(".")
        }
    return keys


def test_every_message_the_pages_use_exists_in_both_languages() -> None:
    keys = used_keys()
    assert len(keys) > 80
    for lang in ("vi", "en"):
        missing = sorted(k for k in keys if k not in catalogue(lang))
        assert missing == [], lang


def test_the_english_catalogue_has_every_vietnamese_message() -> None:
    vi, en = catalogue("vi"), catalogue("en")
    assert sorted(set(vi) - set(en)) == []


def test_api_problems_land_beside_the_form_fields_they_name() -> None:
    mapped = form_errors(
        {
            "members.0.age": "Giá trị quá lớn",
            "income.value": "Phải là số nguyên",
            "housing.roof": "Giá trị không nằm trong danh mục",
            "commune_code": "Không có xã này",
        }
    )
    assert mapped == {
        "member.0.age": "Giá trị quá lớn",
        "income": "Phải là số nguyên",
        "roof": "Giá trị không nằm trong danh mục",
        "commune_code": "Không có xã này",
    }


def test_code_labels_fall_back_to_the_code_and_a_dash_for_nothing() -> None:
    t = Translator("vi")
    assert t.code("status", "poor") == "Hộ nghèo"
    assert t.code("status", "unknown_status") == "unknown_status"
    assert t.code("status", None) == "—"
    assert Translator("en").code("status", "near_poor") == "Near-poor"


def test_the_report_page_shows_reporting_plan_table_when_reporting_has_one() -> None:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(WEB / "templates"), autoescape=select_autoescape())
    row = {
        "level": "former_district",
        "area_code": "138",
        "name_vi": "Huyện Trấn Yên",
        "allocated_vnd": 380_000_000,
        "committed_vnd": 190_000_000,
        "disbursed_vnd": 190_000_000,
        "disbursed_pct": "50.0",
        "above_plan": False,
    }
    html = env.get_template("report_plans.html").render(
        data={"plans": {"year": 2024, "rows": [row]}}, t=Translator("vi")
    )
    assert 'id="report-plans"' in html
    assert "Huyện Trấn Yên" in html
    assert "380,000,000" in html
    assert "Kế hoạch và thực hiện trong năm 2024" in html
    nothing = env.get_template("report_plans.html").render(data={}, t=Translator("vi"))
    assert "report-plans" not in nothing


def test_the_household_page_says_when_a_results_reasons_cannot_be_shown() -> None:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from shared.access import Perm

    class Signed:
        csrf = "x"
        caller = type("Caller", (), {"username": "officer"})()

        def can(self, _perm: object) -> bool:
            return False

    def result(reason: str | None, explained: bool) -> dict[str, object]:
        return {
            "status": "poor",
            "transition": "newly_poor",
            "rule_hash": "ab12cd34ef56" + "0" * 52,
            "explained": explained,
            "reasons_from": "rendered" if explained else None,
            "indicators": [
                {"code": "water_source", "dimension": "water", "deprived": True, "reason": reason}
            ],
        }

    env = Environment(loader=FileSystemLoader(WEB / "templates"), autoescape=select_autoescape())
    view = {
        "state": {"commune_code": "04570", "latest_survey_id": "S-1"},
        "history": [],
        "results": {
            "vn-2022-2025": result(None, explained=False),
            "vn-2027-2030": result("drinking water comes from surface_water", explained=True),
        },
    }
    for lang in ("vi", "en"):
        t = Translator(lang)
        html = env.get_template("household.html").render(
            s=Signed(), t=t, Perm=Perm, code="HH-1", view=view, errors=[]
        )
        assert 'id="unexplained-vn-2022-2025"' in html
        assert 'id="unexplained-vn-2027-2030"' not in html
        assert t("household.rules_changed", hash="ab12cd34ef56") in html
        assert t.reason("drinking water comes from surface_water") in html
        assert "<td>—</td>" in html
        assert "None" not in html
