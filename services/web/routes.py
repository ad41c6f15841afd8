"""The pages. Each handler is as thin as an API route: read the form, call the services' HTTP
APIs with the officer's token, render. Refusals from the services are shown beside the fields
they name, in the officer's language."""

# No `from __future__ import annotations`: FastAPI reads the Annotated dependencies at
# definition time.

import asyncio
import contextlib
import re
import secrets
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.datastructures import UploadFile

from services.web import forms, workbook
from services.web.client import ApiError, Services
from services.web.i18n import LANGUAGES, Translator
from services.web.session import (
    ACCESS_COOKIE,
    LANG_COOKIE,
    REFRESH_COOKIE,
    Pages,
    Session,
    pending,
)
from shared.access.model import Perm

VN = ZoneInfo("Asia/Ho_Chi_Minh")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORT_TTL_S = 3600
STANDARD = "vn-2022-2025"
PAGE_SIZE = 200
"""Households per page of the meeting screen (a village meeting discusses fewer)."""


@dataclass
class Context:
    services: Services
    pages: Pages
    templates: Jinja2Templates
    reports: dict[str, tuple[str, str, bytes, float]] = field(default_factory=dict)
    """Error reports of uploads, kept an hour for their uploader: id → (user, name, bytes, t)."""

    def render(
        self, request: Request, name: str, s: Session | None, t: Translator, **values: Any
    ) -> HTMLResponse:
        status = int(values.pop("status_code", 200))
        return self.templates.TemplateResponse(
            request,
            name,
            {"s": s, "t": t, "Perm": Perm, "today": today().isoformat(), **values},
            status_code=status,
        )

    def keep_report(self, user: str, filename: str, data: bytes) -> str:
        now = time.monotonic()
        for key in [k for k, v in self.reports.items() if now - v[3] > REPORT_TTL_S]:
            del self.reports[key]
        key = secrets.token_urlsafe(16)
        self.reports[key] = (user, filename, data, now)
        return key


def today() -> date:
    return datetime.now(VN).date()


def routers(ctx: Context) -> list[APIRouter]:
    return [
        account(ctx),
        home(ctx),
        surveys(ctx),
        review(ctx),
        households(ctx),
        support(ctx),
        reports(ctx),
        plans(ctx),
    ]


# -- signing in ----------------------------------------------------------------------------


def account(ctx: Context) -> APIRouter:
    api = APIRouter(tags=["account"])
    public = ctx.pages.public
    anyone = public("the sign-in page and the language switch hold no data")

    @api.get("/dang-nhap", response_class=HTMLResponse)
    async def sign_in_page(request: Request, t: Annotated[Translator, anyone]) -> HTMLResponse:
        csrf = ctx.pages.csrf_for(ctx.pages.browser_id(request))
        return ctx.render(request, "signin.html", None, t, csrf=csrf, error=None, username="")

    @api.post("/dang-nhap", response_model=None)
    async def sign_in(request: Request, t: Annotated[Translator, anyone]) -> Response:
        form = await request.form()
        username = str(form.get("username") or "")[:128]
        try:
            pair = await ctx.services.json(
                "access",
                "POST",
                "/token",
                None,
                data={
                    "grant_type": "password",
                    "username": username,
                    "password": str(form.get("password") or "")[:256],
                },
            )
        except ApiError as exc:
            csrf = ctx.pages.csrf_for(ctx.pages.browser_id(request))
            return ctx.render(
                request,
                "signin.html",
                None,
                t,
                csrf=csrf,
                error="; ".join(exc.messages(t.lang)),
                username=username,
                status_code=exc.status if exc.status < 500 else 502,
            )
        ctx.pages.remember(request, pair)
        target = "/doi-mat-khau" if pair.get("must_change_password") else "/"
        return RedirectResponse(target, status_code=303)

    signed_in_any = ctx.pages.signed_in("one's own session", allow_restricted=True)

    @api.post("/dang-xuat", response_model=None)
    async def sign_out(request: Request, _s: Annotated[Session, signed_in_any]) -> Response:
        refresh = request.cookies.get(REFRESH_COOKIE)
        if refresh:
            with contextlib.suppress(ApiError):
                await ctx.services.call(
                    "access", "POST", "/logout", None, json={"refresh_token": refresh}
                )
        pending(request).extend([(ACCESS_COOKIE, "", 0), (REFRESH_COOKIE, "", 0)])
        return RedirectResponse("/dang-nhap", status_code=303)

    @api.get("/ngon-ngu/{lang}", response_model=None)
    async def switch_language(
        request: Request, lang: str, _t: Annotated[Translator, anyone]
    ) -> Response:
        back = request.headers.get("referer", "/")
        path = "/" + back.split("://", 1)[-1].split("/", 1)[-1] if "://" in back else "/"
        if path.startswith("//"):
            path = "/"
        if lang in LANGUAGES:
            pending(request).append((LANG_COOKIE, lang, 365 * 86400))
        return RedirectResponse(path, status_code=303)

    @api.get("/doi-mat-khau", response_class=HTMLResponse)
    async def password_page(request: Request, s: Annotated[Session, signed_in_any]) -> HTMLResponse:
        return ctx.render(request, "password.html", s, s.t, errors={})

    @api.post("/doi-mat-khau", response_model=None)
    async def change_password(request: Request, s: Annotated[Session, signed_in_any]) -> Response:
        form = await request.form()
        try:
            pair = await ctx.services.json(
                "access",
                "POST",
                "/me/password",
                s.token,
                json={
                    "current_password": str(form.get("current_password") or "")[:256],
                    "new_password": str(form.get("new_password") or "")[:256],
                },
            )
        except ApiError as exc:
            return ctx.render(
                request, "password.html", s, s.t, errors=exc.by_field(s.lang), status_code=422
            )
        ctx.pages.remember(request, pair)
        return RedirectResponse("/", status_code=303)

    @api.get("/health", dependencies=[public("liveness for the gateway and compose")])
    async def health() -> dict[str, str]:
        return {"service": "web", "status": "ok"}

    @api.get("/tai-lieu-api", response_class=HTMLResponse)
    async def api_docs(request: Request, t: Annotated[Translator, anyone]) -> HTMLResponse:
        return ctx.render(request, "apidocs.html", None, t)

    return api


# -- home ----------------------------------------------------------------------------------


def home(ctx: Context) -> APIRouter:
    api = APIRouter(tags=["home"])
    read = ctx.pages.requires(Perm.HOUSEHOLD_READ)

    @api.get("/", response_class=HTMLResponse)
    async def home_page(request: Request, s: Annotated[Session, read]) -> HTMLResponse:
        season = await ctx.services.json("assessment", "GET", "/review/season", s.token)
        return ctx.render(request, "home.html", s, s.t, season=season)

    return api


# -- surveys -------------------------------------------------------------------------------


def surveys(ctx: Context) -> APIRouter:
    api = APIRouter(tags=["surveys"])
    submit = ctx.pages.requires(Perm.SURVEY_SUBMIT)

    @api.get("/phieu", response_class=HTMLResponse)
    async def surveys_page(request: Request, s: Annotated[Session, submit]) -> HTMLResponse:
        return ctx.render(request, "surveys.html", s, s.t)

    @api.get("/phieu/mau", response_model=None)
    async def template(_request: Request, s: Annotated[Session, submit]) -> Response:
        answer = await ctx.services.call("intake", "GET", "/surveys/files/template", s.token)
        return Response(
            answer.content,
            media_type=XLSX,
            headers={"Content-Disposition": 'attachment; filename="mau-phieu-khao-sat.xlsx"'},
        )

    @api.post("/phieu/tep", response_class=HTMLResponse)
    async def upload(request: Request, s: Annotated[Session, submit]) -> HTMLResponse:
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return ctx.render(
                request, "upload_result.html", s, s.t, error=s.t("surveys.no_file"), result=None
            )
        data = await upload.read()
        files = {"file": (upload.filename, data, upload.content_type or "application/octet-stream")}
        try:
            answer = await ctx.services.call(
                "intake",
                "POST",
                "/surveys/files",
                s.token,
                params={"report": "xlsx"},
                files=files,
            )
        except ApiError as exc:
            return ctx.render(
                request,
                "upload_result.html",
                s,
                s.t,
                error="; ".join(exc.messages(s.lang)),
                result=None,
            )
        if answer.headers.get("content-type", "").startswith("application/json"):
            raw = answer.json()
            result = {
                "created": raw.get("created", 0),
                "households_rejected": raw.get("rejected", 0),
            }
            return ctx.render(
                request, "upload_result.html", s, s.t, error=None, result=result, report=None
            )
        name = _attachment_name(answer.headers.get("content-disposition", "")) or "loi.xlsx"
        key = ctx.keep_report(s.caller.user_id, name, answer.content)
        rows = await asyncio.to_thread(workbook.error_rows, answer.content, 20)
        result = {
            "created": int(answer.headers.get("x-created", "0")),
            "households_rejected": int(answer.headers.get("x-rejected", "0")),
        }
        return ctx.render(
            request,
            "upload_result.html",
            s,
            s.t,
            error=None,
            result=result,
            report={"id": key, "name": name, "rows": rows},
        )

    @api.get("/phieu/loi/{key}", response_model=None)
    async def error_report(key: str, s: Annotated[Session, submit]) -> Response:
        kept = ctx.reports.get(key)
        if kept is None or kept[0] != s.caller.user_id:
            return HTMLResponse(s.t("surveys.report_gone"), status_code=404)
        _user, name, data, _at = kept
        media = XLSX if name.endswith(".xlsx") else "application/zip"
        return Response(
            data,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @api.get("/phieu/ho", response_class=HTMLResponse)
    async def household_form(request: Request, s: Annotated[Session, submit]) -> HTMLResponse:
        values = forms.survey_defaults(today(), s.communes(Perm.SURVEY_SUBMIT))
        return ctx.render(
            request, "survey_form.html", s, s.t, v=values, errors={}, done=None, f=forms
        )

    @api.post("/phieu/ho", response_class=HTMLResponse)
    async def submit_household(request: Request, s: Annotated[Session, submit]) -> HTMLResponse:
        form = await request.form()
        values = {k: str(v) for k, v in form.multi_items() if isinstance(v, str)}
        lists = {k: [str(x) for x in form.getlist(k)] for k in ("assets", "causes", "needs")}
        body, errors = forms.survey_body(values, lists)
        done = None
        if not errors:
            try:
                done = await ctx.services.json("intake", "POST", "/surveys", s.token, json=body)
            except ApiError as exc:
                errors = forms.form_errors(exc.by_field(s.lang))
        values.update({k: ",".join(v) for k, v in lists.items()})
        if done is not None:  # a blank form for the next household of the same village
            kept = {k: values.get(k, "") for k in ("commune_code", "village_code", "surveyed_on")}
            opened = values.get("household_code", "")
            values = {**forms.survey_defaults(today(), None), **kept, "opened": opened}
        return ctx.render(
            request,
            "survey_form.html",
            s,
            s.t,
            v=values,
            errors=errors,
            done=done,
            f=forms,
            status_code=422 if errors else 200,
        )

    return api


def _page(value: object) -> int:
    try:
        return max(1, min(100_000, int(str(value))))
    except ValueError:
        return 1


def _attachment_name(disposition: str) -> str | None:
    for raw in disposition.split(";"):
        part = raw.strip()
        if part.startswith("filename="):
            return part.split("=", 1)[1].strip('"')
    return None


# -- review --------------------------------------------------------------------------------


def review(ctx: Context) -> APIRouter:
    api = APIRouter(tags=["review"])
    write = ctx.pages.requires(Perm.REVIEW_WRITE)

    async def screen(
        request: Request, s: Session, commune: str | None, page: int = 1, **values: Any
    ) -> HTMLResponse:
        communes = s.communes(Perm.REVIEW_WRITE)
        if commune is None and communes:
            commune = communes[0]
        season = None
        if commune:
            params = {"commune": commune, "offset": (page - 1) * PAGE_SIZE, "limit": PAGE_SIZE}
            season = await ctx.services.json(
                "assessment", "GET", "/review/season", s.token, params=params
            )
        total = season["totals"]["surveyed"] if season else 0
        values.setdefault("page", page)
        values.setdefault("pages", max(1, -(-total // PAGE_SIZE)))
        values.setdefault("meeting", None)
        values.setdefault("recognition", None)
        values.setdefault("errors", [])
        return ctx.render(
            request,
            "review.html",
            s,
            s.t,
            commune=commune or "",
            communes=communes,
            season=season,
            **values,
        )

    @api.get("/xet-duyet", response_class=HTMLResponse)
    async def review_page(
        request: Request,
        s: Annotated[Session, write],
        commune: str | None = Query(default=None, max_length=16),
        page: int = Query(default=1, ge=1, le=100_000),
    ) -> HTMLResponse:
        return await screen(request, s, commune, page)

    @api.post("/xet-duyet/hop", response_class=HTMLResponse)
    async def meeting(request: Request, s: Annotated[Session, write]) -> HTMLResponse:
        form = await request.form()
        commune = str(form.get("commune") or "")[:16]
        page = _page(form.get("page"))
        held_on = str(form.get("held_on") or "")
        votes = []
        for listed in form.getlist("household"):
            code = str(listed)[:64]
            attendees = str(form.get(f"attendees.{code}") or "").strip()
            agreeing = str(form.get(f"agreeing.{code}") or "").strip()
            if attendees or agreeing:
                votes.append(
                    {
                        "household_code": code,
                        "held_on": held_on,
                        "attendees": attendees or "0",
                        "agreeing": agreeing or "0",
                    }
                )
        if not votes:
            return await screen(request, s, commune, page, errors=[s.t("review.no_votes")])
        try:
            outcome = await ctx.services.json(
                "assessment", "POST", "/meetings", s.token, json=votes
            )
        except ApiError as exc:
            return await screen(request, s, commune, page, errors=exc.messages(s.lang))
        return await screen(request, s, commune, page, meeting=outcome["outcomes"])

    @api.post("/xet-duyet/cong-nhan", response_class=HTMLResponse)
    async def recognition(request: Request, s: Annotated[Session, write]) -> HTMLResponse:
        form = await request.form()
        commune = str(form.get("commune") or "")[:16]
        body = {
            "decision_no": str(form.get("decision_no") or "").strip(),
            "decided_on": str(form.get("decided_on") or ""),
        }
        try:
            outcome = await ctx.services.json(
                "assessment", "POST", f"/communes/{commune}/recognition", s.token, json=body
            )
        except ApiError as exc:
            return await screen(request, s, commune, errors=exc.messages(s.lang))
        return await screen(request, s, commune, recognition={**outcome, **body})

    return api


# -- a household ---------------------------------------------------------------------------


def households(ctx: Context) -> APIRouter:
    api = APIRouter(tags=["households"])
    read = ctx.pages.requires(Perm.HOUSEHOLD_READ)

    @api.get("/ho", response_model=None)
    async def find(
        _s: Annotated[Session, read], code: str = Query(default="", max_length=64)
    ) -> Response:
        return RedirectResponse(f"/ho/{code.strip()}" if code.strip() else "/", status_code=303)

    @api.get("/ho/{code}", response_class=HTMLResponse)
    async def household(request: Request, code: str, s: Annotated[Session, read]) -> HTMLResponse:
        errors: list[str] = []

        async def part(service: str, path: str, perm: Perm | None = None) -> Any:
            if perm is not None and not s.can(perm):
                return None
            try:
                return await ctx.services.maybe(service, path, s.token)
            except ApiError as exc:
                errors.extend(exc.messages(s.lang))
                return None

        review_view, support_file, members = await asyncio.gather(
            part("assessment", f"/households/{code}"),
            part("support", f"/households/{code}/support", Perm.SUPPORT_READ),
            part("intake", f"/households/{code}", Perm.PERSONAL_READ),
        )
        return ctx.render(
            request,
            "household.html",
            s,
            s.t,
            code=code,
            view=review_view,
            support=support_file,
            intake=members,
            errors=errors,
            status_code=404 if review_view is None and not errors else 200,
        )

    return api


# -- support -------------------------------------------------------------------------------


def support(ctx: Context) -> APIRouter:
    api = APIRouter(tags=["support"])
    write = ctx.pages.requires(Perm.SUPPORT_WRITE)

    async def page(request: Request, s: Session, action: str, **values: Any) -> HTMLResponse:
        programmes = await ctx.services.maybe("support", "/programmes", s.token) or []
        values.setdefault("v", {})
        values.setdefault("errors", {})
        values.setdefault("done", None)
        values["v"].setdefault("id", uuid.uuid4().hex[:20])
        return ctx.render(
            request,
            "support.html",
            s,
            s.t,
            action=action,
            actions=forms.SUPPORT_ACTIONS,
            spec=forms.SUPPORT_ACTIONS[action],
            programmes=programmes,
            f=forms,
            **values,
        )

    @api.get("/ho-tro", response_class=HTMLResponse)
    async def support_page(
        request: Request,
        s: Annotated[Session, write],
        action: str = Query(default="record", max_length=32),
        household: str = Query(default="", max_length=64),
    ) -> HTMLResponse:
        action = action if action in forms.SUPPORT_ACTIONS else "record"
        return await page(request, s, action, v={"household_code": household})

    @api.get("/ho-tro/dieu-kien", response_class=HTMLResponse)
    async def eligibility(
        request: Request,
        s: Annotated[Session, write],
        household_code: str = Query(default="", max_length=64),
        programme_code: str = Query(default="", max_length=64),
        kind: str = Query(default="", max_length=32),
    ) -> HTMLResponse:
        answer: Any = None
        error = None
        if household_code and programme_code:
            params = {"programme_code": programme_code, **({"kind": kind} if kind else {})}
            try:
                answer = await ctx.services.json(
                    "support",
                    "GET",
                    f"/households/{household_code}/eligibility",
                    s.token,
                    params=params,
                )
            except ApiError as exc:
                error = "; ".join(exc.messages(s.lang))
        return ctx.render(request, "eligibility.html", s, s.t, answer=answer, error=error)

    @api.post("/ho-tro/{action}", response_class=HTMLResponse)
    async def record(request: Request, action: str, s: Annotated[Session, write]) -> HTMLResponse:
        spec = forms.SUPPORT_ACTIONS.get(action)
        if spec is None:
            return HTMLResponse(s.t("error.not_found"), status_code=404)
        form = await request.form()
        values = {k: str(v) for k, v in form.multi_items() if isinstance(v, str)}
        body, errors = forms.support_body(spec, values)
        done = None
        if not errors:
            try:
                done = await ctx.services.json("support", "POST", spec.path, s.token, json=body)
            except ApiError as exc:
                errors = forms.form_errors(exc.by_field(s.lang))
        if done is not None:
            values["id"] = uuid.uuid4().hex[:20]  # the next record gets a new id
        return await page(
            request,
            s,
            action,
            v=values,
            errors=errors,
            done=done,
            status_code=422 if errors else 200,
        )

    return api


# -- reports -------------------------------------------------------------------------------


def reports(ctx: Context) -> APIRouter:
    api = APIRouter(tags=["reports"])
    read = ctx.pages.requires(Perm.REPORT_READ)

    async def book(s: Session, stage: str | None, year: int | None) -> dict[str, Any]:
        params: dict[str, Any] = {"standard": STANDARD}
        if stage:
            params["stage"] = stage
        if year:
            params["year"] = year

        async def get(path: str) -> Any:
            try:
                return await ctx.services.json("reporting", "GET", path, s.token, params=params)
            except ApiError as exc:
                return {"error": exc.messages(s.lang)}

        summary, changes, targets, deprivation, planned = await asyncio.gather(
            get("/reports/summary"),
            get("/reports/changes"),
            _optional(ctx, s, "/reports/targets", params),
            _optional(ctx, s, "/reports/tables/deprivation_poor", params),
            _optional(ctx, s, "/reports/plan-vs-actual", {"year": year} if year else {}),
        )
        return {
            "summary": summary,
            "changes": changes,
            "targets": targets,
            "deprivation": deprivation,
            "plans": planned,
        }

    @api.get("/bao-cao", response_class=HTMLResponse)
    async def reports_page(
        request: Request,
        s: Annotated[Session, read],
        stage: str | None = Query(default=None, pattern="^(proposed|recognised)$"),
        year: int | None = Query(default=None, ge=2000, le=2100),
    ) -> HTMLResponse:
        data = await book(s, stage, year)
        actions = await _signoff_actions(ctx, s)
        charts = workbook.chart_data(data, s.t)
        return ctx.render(
            request,
            "reports.html",
            s,
            s.t,
            data=data,
            charts=charts,
            tables=workbook.tables(data),
            stage=stage or "",
            year=year or "",
            actions=actions,
            now_year=datetime.now(UTC).year,
            message=None,
        )

    @api.get("/bao-cao/xlsx", response_model=None)
    async def reports_xlsx(
        s: Annotated[Session, read],
        stage: str | None = Query(default=None, pattern="^(proposed|recognised)$"),
        year: int | None = Query(default=None, ge=2000, le=2100),
    ) -> Response:
        data = await book(s, stage, year)
        content = await asyncio.to_thread(workbook.report_xlsx, data, s.t)
        return Response(
            content,
            media_type=XLSX,
            headers={"Content-Disposition": 'attachment; filename="bao-cao-giam-ngheo.xlsx"'},
        )

    @api.post("/bao-cao/ky", response_class=HTMLResponse)
    async def sign_off(request: Request, s: Annotated[Session, read]) -> HTMLResponse:
        """Submit or approve: the route and body come from reporting's own API document, so
        the page follows the sign-off routes reporting offers."""
        form = await request.form()
        wanted = str(form.get("action") or "")
        actions = {a["key"]: a for a in await _signoff_actions(ctx, s)}
        message: str
        if wanted not in actions:
            message = s.t("reports.no_action")
        else:
            a = actions[wanted]
            body = {k: str(form.get(k) or "") for k in a["fields"] if form.get(k)}
            commune = re.sub(r"[^0-9A-Za-z_-]", "", str(form.get("commune") or ""))
            try:
                path = a["path"].replace("{commune_code}", commune)
                await ctx.services.json("reporting", "POST", path, s.token, json=body)
                message = s.t("reports.done", action=s.t(f"reports.action.{wanted}"))
            except ApiError as exc:
                message = "; ".join(exc.messages(s.lang))
        data = await book(s, None, None)
        return ctx.render(
            request,
            "reports.html",
            s,
            s.t,
            data=data,
            charts=workbook.chart_data(data, s.t),
            tables=workbook.tables(data),
            stage="",
            year="",
            actions=list(actions.values()),
            now_year=datetime.now(UTC).year,
            message=message,
        )

    return api


# -- plans against actual --------------------------------------------------------------------


def plans(ctx: Context) -> APIRouter:
    api = APIRouter(tags=["plans"])
    read = ctx.pages.requires(Perm.PLAN_READ)

    async def where(
        s: Session, level: str | None, area: str | None, year: int | None
    ) -> dict[str, Any]:
        """The area asked for, else the officer's: their province, or their first commune."""
        mine = s.communes(Perm.PLAN_READ)
        if not level:
            level = "province" if mine is None else "commune"
        if not area and mine:
            area = mine[0]
        elif not area:
            areas = await ctx.services.maybe("intake", "/areas", s.token) or {}
            provinces = areas.get("provinces") or [{"code": ""}]
            area = provinces[0]["code"]
        return {"level": level, "area_code": area, "year": year or datetime.now(UTC).year}

    @api.get("/ke-hoach", response_class=HTMLResponse)
    async def plans_page(
        request: Request,
        s: Annotated[Session, read],
        level: str | None = Query(default=None, pattern="^(province|district|commune)$"),
        area: str | None = Query(default=None, max_length=16),
        year: int | None = Query(default=None, ge=2000, le=2100),
    ) -> HTMLResponse:
        """Each area's plan against what the ledger shows: money and physical targets."""
        params = await where(s, level, area, year)
        errors: list[str] = []
        table = None
        try:
            table = await ctx.services.json(
                "support", "GET", "/plans/vs-actual", s.token, params=params
            )
        except ApiError as exc:
            errors = exc.messages(s.lang)
        return ctx.render(
            request, "plans.html", s, s.t, q=params, table=table, errors=errors,
            status_code=200 if table is not None or not errors else 422,
        )  # fmt: skip

    @api.get("/ke-hoach/xlsx", response_model=None)
    async def plans_xlsx(
        s: Annotated[Session, read],
        level: str | None = Query(default=None, pattern="^(province|district|commune)$"),
        area: str | None = Query(default=None, max_length=16),
        year: int | None = Query(default=None, ge=2000, le=2100),
    ) -> Response:
        params = {**(await where(s, level, area, year)), "format": "xlsx"}
        answer = await ctx.services.call(
            "support", "GET", "/plans/vs-actual", s.token, params=params
        )
        return Response(
            answer.content,
            media_type=XLSX,
            headers={"Content-Disposition": 'attachment; filename="ke-hoach-thuc-hien.xlsx"'},
        )

    return api


async def _optional(ctx: Context, s: Session, path: str, params: dict[str, Any]) -> Any:
    try:
        return await ctx.services.maybe("reporting", path, s.token, params=params)
    except ApiError:
        return None


_OPENAPI_CACHE: dict[str, tuple[float, dict[str, Any]]] = {}


async def _signoff_actions(ctx: Context, s: Session) -> list[dict[str, Any]]:
    """The sign-off routes reporting's API document offers (submit, approve), for the roles
    allowed: read from ``/openapi.json`` (cached a minute) rather than assumed."""
    cached = _OPENAPI_CACHE.get("reporting")
    if cached is None or time.monotonic() - cached[0] > 60:
        try:
            doc = await ctx.services.json("reporting", "GET", "/openapi.json", None)
        except ApiError:
            return []
        _OPENAPI_CACHE["reporting"] = cached = (time.monotonic(), doc)
    out = []
    for path, item in cached[1].get("paths", {}).items():
        post = item.get("post")
        if not post or "{" in path.replace("{commune_code}", ""):
            continue
        perm = post.get("x-access", {}).get("perm")
        for key, wanted in (("submit", Perm.REPORT_SUBMIT), ("approve", Perm.REPORT_APPROVE)):
            if perm == wanted.value and s.can(wanted) and path.rsplit("/", 1)[-1] == key:
                out.append({"key": key, "path": path, "fields": _body_fields(cached[1], post)})
    return out


def _body_fields(doc: dict[str, Any], op: dict[str, Any]) -> list[str]:
    schema = (
        op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    )
    ref = schema.get("$ref", "")
    if ref:
        schema = doc.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[-1], {})
    return list(schema.get("properties", {}))
