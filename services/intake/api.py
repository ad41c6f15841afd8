"""Intake's HTTP routes: one survey at a time (bulk files and offline forms in their own)."""

# No `from __future__ import annotations` here: FastAPI reads the route signatures' Annotated
# dependencies (built per router) at definition time.

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

import annotated_types
from fastapi import APIRouter, Body, Header, Response, status
from pydantic import Field, ValidationError, model_validator

from services.intake.adapters.vault import Vault
from services.intake.domain.areas import Allowed, AreaLookupError, AreaRegistry
from services.intake.domain.kobo import KoboSubmissionError, map_submission
from services.intake.domain.messages import Message
from services.intake.domain.record import SurveyRecord
from services.intake.domain.text import CODE_KEYS, nfc, text_problem
from services.intake.forms import accept_form_submission
from services.intake.metrics import IntakeMetrics
from services.intake.service import IntakeUnitOfWork, ReceiptStatus, accept_surveys
from shared.access import Caller, Perm, body
from shared.contracts.codes import AreaType, Relation
from shared.errors import DomainError, ErrorKind, Problem
from shared.http_errors import field_errors
from shared.json_route import OrjsonRoute
from shared.runtime import Runtime

MAX_BATCH = 1000


class SurveyIn(SurveyRecord):
    """A survey as submitted: province and area type are taken from the commune."""

    province_code: str = Field(default="", max_length=16, description="Ignored: from the commune.")
    area_type: AreaType | None = Field(  # type: ignore[assignment]
        default=None, description="Ignored: from the commune."
    )
    head_citizen_id_missing: bool = Field(default=False, description="Set by intake.")

    @model_validator(mode="before")
    @classmethod
    def _one_unicode_form(cls, data: Any) -> Any:
        """Every text in NFC, so composed and decomposed spellings of a code are one code."""
        return _nfc_all(data)


_TEXT_KEYS = ("survey_id", "household_code", "commune_code", "village_code", "head_name")


def _nfc_all(data: Any) -> Any:
    """The free-text and code fields in NFC (the others are enums, numbers and dates). The
    input is returned as it is when every text already is (nearly always), else a copy."""
    if not isinstance(data, dict):
        return data
    out = data
    for key in _TEXT_KEYS:
        text = data.get(key)
        if isinstance(text, str) and (normal := nfc(text)) is not text:
            out = out if out is not data else dict(data)
            out[key] = normal
    members = data.get("members")
    if isinstance(members, list):
        normal_members = [_nfc_member(m) for m in members]
        if any(a is not b for a, b in zip(normal_members, members, strict=True)):
            out = out if out is not data else dict(data)
            out["members"] = normal_members
    return out


_MEMBER_TEXT_KEYS = ("ethnicity", "full_name")


def _nfc_member(member: Any) -> Any:
    if not isinstance(member, dict):
        return member
    out = member
    for key in _MEMBER_TEXT_KEYS:
        text = member.get(key)
        if isinstance(text, str) and (normal := nfc(text)) is not text:
            out = out if out is not member else dict(member)
            out[key] = normal
    return out


def text_problems(survey: SurveyRecord) -> list[Problem]:
    """Control characters anywhere, invisible characters in codes (see ``domain.text``)."""
    found: list[Problem] = []
    texts: list[tuple[str, str | None, bool]] = [
        (key, getattr(survey, key), key in CODE_KEYS)
        for key in ("survey_id", "household_code", "commune_code", "village_code", "head_name")
    ]
    texts += [(f"members.{i}.ethnicity", m.ethnicity, True) for i, m in enumerate(survey.members)]
    texts += [(f"members.{i}.full_name", m.full_name, False) for i, m in enumerate(survey.members)]
    for field, text, code in texts:
        problem = text_problem(text, code=code) if text else None
        if problem is not None:
            found.append(Problem(field, problem.vi, problem.en, problem.key))
    return found


def resolve(survey: SurveyIn, registry: AreaRegistry) -> SurveyRecord:
    """The payload with the area filled in from the registry (``DomainError`` if the text
    holds characters intake refuses, the area is unknown (422) or outside the registry's
    allowed areas (403))."""
    problems = text_problems(survey)
    if problems:
        raise DomainError.of(problems)
    try:
        area = registry.resolve(survey.commune_code, survey.village_code)
    except AreaLookupError as exc:
        raise area_error(exc) from exc
    head = next(m for m in survey.members if m.relation is Relation.HEAD)
    data: dict[str, Any] = survey.__dict__ | {
        "province_code": area.province_code,
        "area_type": area.area_type,
        "head_citizen_id_missing": head.citizen_id is None,
    }
    if 0 < len(area.province_code) <= _PROVINCE_CODE_MAX:
        # validated once: every other field is as ``SurveyIn`` (the same rules) checked it
        return SurveyRecord.model_construct(**data)
    return SurveyRecord.model_validate(data)  # refused by the contract's own message


_PROVINCE_CODE_MAX: int = next(
    m.max_length
    for m in SurveyRecord.model_fields["province_code"].metadata
    if isinstance(m, annotated_types.MaxLen)
)


def check_batch(
    items: list[dict[str, Any]], registry: AreaRegistry
) -> tuple[list[dict[str, Any]], list[tuple[int, SurveyRecord]]]:
    """Each item of a batch validated on its own: (a result per item, empty for the valid
    ones, the rejected ones with their errors; the valid surveys with their index)."""
    results: list[dict[str, Any]] = [{} for _ in items]
    valid: list[tuple[int, SurveyRecord]] = []
    for i, item in enumerate(items):
        try:
            valid.append((i, resolve(SurveyIn.model_validate(item), registry)))
        except ValidationError as exc:
            results[i] = {"index": i, "status": "rejected", "errors": field_errors(exc.errors())}
        except DomainError as exc:
            results[i] = {
                "index": i,
                "status": "rejected",
                "errors": [p.as_dict() for p in exc.problems],
            }
    return results, valid


def caller_registry(caller: Caller, registry: AreaRegistry, perm: Perm) -> AreaRegistry:
    """The registry as ``caller`` may use it: only the communes and villages of their grants."""
    scope = caller.area_filter(perm)
    if scope.everything:
        return registry
    return registry.restricted(Allowed(scope.communes, scope.villages))


def problem(field: str, msg: Message) -> Problem:
    return Problem(field, msg.vi, msg.en, msg.key)


def area_error(exc: AreaLookupError) -> DomainError:
    """Unknown area: 422; an area outside the caller's: 403."""
    kind = ErrorKind.FORBIDDEN if exc.message.key == "area_not_allowed" else ErrorKind.INVALID
    return DomainError.of([problem(exc.field, exc.message)], kind)


def router(rt: Runtime, registry: AreaRegistry, metrics: IntakeMetrics, vault: Vault) -> APIRouter:
    api = APIRouter(tags=["surveys"], route_class=OrjsonRoute)
    submit = rt.access.requires(Perm.SURVEY_SUBMIT, body("commune_code,village_code"))

    @api.post("/surveys", status_code=status.HTTP_201_CREATED)
    async def post_survey(
        survey: SurveyIn,
        response: Response,
        caller: Annotated[Caller, submit],
        x_correlation_id: Annotated[str | None, Header(max_length=128)] = None,
    ) -> dict[str, Any]:
        """Submit one household survey. The survey id is an idempotency key: sending the same
        survey again returns 200 and stores nothing; the same id with other content is 409."""
        try:
            payload = resolve(survey, caller_registry(caller, registry, Perm.SURVEY_SUBMIT))
        except DomainError:
            metrics.rejected.labels("http").inc()
            raise
        except ValidationError as exc:
            metrics.rejected.labels("http").inc()
            raise DomainError.of(
                [
                    Problem(e["field"], e["message_vi"], e["message_en"], e["type"])
                    for e in field_errors(exc.errors())
                ]
            ) from exc
        (receipt,) = await asyncio.to_thread(
            accept_surveys,
            IntakeUnitOfWork(rt.engine, vault),
            [payload],
            channel="http",
            correlation_id=x_correlation_id or str(uuid.uuid4()),
            now=datetime.now(UTC),
            actor=caller.actor,
        )
        if receipt.status is ReceiptStatus.CONFLICT:
            raise DomainError(
                "survey_id",
                "Mã phiếu đã được dùng cho một phiếu có nội dung khác.",
                "This survey id was already used for different content.",
                ErrorKind.CONFLICT,
                code="conflict",
            )
        if receipt.status is ReceiptStatus.CREATED:
            metrics.accepted.labels("http").inc()
            rt.relay.notify()
        else:
            metrics.duplicates.labels("http").inc()
            response.status_code = status.HTTP_200_OK
        return {
            "survey_id": receipt.survey_id,
            "household_code": receipt.household_code,
            "version": receipt.version,
            "status": receipt.status.value,
            "citizen_id_missing": payload.head_citizen_id_missing,
        }

    @api.post("/surveys/batch", status_code=status.HTTP_200_OK)
    async def post_survey_batch(
        items: Annotated[list[dict[str, Any]], Body(max_length=MAX_BATCH)],
        caller: Annotated[Caller, submit],
        x_correlation_id: Annotated[str | None, Header(max_length=128)] = None,
    ) -> dict[str, Any]:
        """Submit up to 1,000 surveys at once (a tablet syncing after a day offline). Each item
        is validated on its own: valid items are stored even when others are rejected (an item
        outside the caller's area is rejected with the reason)."""
        results, valid = check_batch(items, caller_registry(caller, registry, Perm.SURVEY_SUBMIT))
        receipts = (
            await asyncio.to_thread(
                accept_surveys,
                IntakeUnitOfWork(rt.engine, vault),
                [p for _, p in valid],
                channel="http",
                correlation_id=x_correlation_id or str(uuid.uuid4()),
                now=datetime.now(UTC),
                actor=caller.actor,
            )
            if valid
            else []
        )
        for (i, _), r in zip(valid, receipts, strict=True):
            results[i] = {
                "index": i,
                "status": r.status.value,
                "survey_id": r.survey_id,
                "household_code": r.household_code,
                "version": r.version,
            }
        counts = {
            s: sum(1 for r in results if r["status"] == s)
            for s in ("created", "duplicate", "conflict", "rejected")
        }
        metrics.accepted.labels("http").inc(counts["created"])
        metrics.duplicates.labels("http").inc(counts["duplicate"])
        metrics.rejected.labels("http").inc(counts["rejected"] + counts["conflict"])
        if counts["created"]:
            rt.relay.notify()
        return {"counts": counts, "results": results}

    @api.post("/forms/kobo", status_code=status.HTTP_201_CREATED, tags=["offline forms"])
    async def post_kobo_submission(
        response: Response,
        caller: Annotated[
            Caller, rt.access.requires(Perm.FORM_SUBMIT, body("commune_code,village_code"))
        ],
        submission: Annotated[
            dict[str, Any], Body(description="A KoBoToolbox REST-service submission.")
        ],
        x_correlation_id: Annotated[str | None, Header(max_length=128)] = None,
    ) -> dict[str, Any]:
        """Receive a submission of the survey's XLSForm (KoBoToolbox / ODK Collect), sent with
        the form's own token (``Authorization: Bearer …``, made by ``POST /machines`` on the
        access service). Each instance is processed once however often it is retried (200 the
        second time); an edited submission supersedes the earlier version of the same survey."""
        form = caller.extra.get("form")
        sent_form = submission.get("_xform_id_string")
        if form and sent_form and sent_form != form:
            raise DomainError(
                "_xform_id_string",
                f"Mã truy cập này dành cho biểu mẫu '{form}', không phải '{sent_form}'.",
                f"This token is for form '{form}', not '{sent_form}'.",
                ErrorKind.FORBIDDEN,
                code="wrong_form",
            )
        try:
            result = map_submission(submission, caller_registry(caller, registry, Perm.FORM_SUBMIT))
        except KoboSubmissionError as exc:
            raise DomainError.of([problem("meta/instanceID", exc.message)]) from exc
        if result.payload is None:
            metrics.rejected.labels("form").inc()
            forbidden = any(e.message.key == "area_not_allowed" for e in result.errors)
            raise DomainError.of(
                [
                    Problem(e.field, e.message.vi, e.message.en, e.message.key, path=e.path)
                    for e in result.errors
                ],
                ErrorKind.FORBIDDEN if forbidden else ErrorKind.INVALID,
            )
        receipt = await asyncio.to_thread(
            accept_form_submission,
            rt.engine,
            vault,
            instance_id=result.instance_id,
            deprecated_id=result.deprecated_id,
            root_id=result.root_id,
            payload=result.payload,
            correlation_id=x_correlation_id or result.instance_id,
            now=datetime.now(UTC),
            actor=caller.actor,
        )
        if receipt.already_processed:
            response.status_code = status.HTTP_200_OK
            metrics.duplicates.labels("form").inc()
        else:
            metrics.accepted.labels("form").inc()
            rt.relay.notify()
        return {
            "instance_id": receipt.instance_id,
            "survey_id": receipt.receipt.survey_id,
            "household_code": receipt.receipt.household_code,
            "version": receipt.receipt.version,
            "revision": receipt.revision,
            "status": "duplicate" if receipt.already_processed else receipt.receipt.status.value,
        }

    return api
