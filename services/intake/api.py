"""Intake's HTTP routes: one survey at a time (bulk files and offline forms in their own)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Body, Header, HTTPException, Response, status
from pydantic import Field, ValidationError, model_validator

from services.intake.domain.areas import AreaLookupError, AreaRegistry
from services.intake.domain.kobo import KoboSubmissionError, map_submission
from services.intake.domain.messages import Message
from services.intake.domain.text import CODE_KEYS, nfc, text_problem
from services.intake.forms import accept_form_submission
from services.intake.metrics import IntakeMetrics
from services.intake.service import IntakeUnitOfWork, ReceiptStatus, accept_surveys
from shared.contracts.codes import AreaType, Relation
from shared.contracts.surveys import SurveyPayload
from shared.errors import DomainError, Problem
from shared.http_errors import field_errors
from shared.runtime import Runtime

MAX_BATCH = 1000


class SurveyIn(SurveyPayload):
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
    """The free-text and code fields in NFC (the others are enums, numbers and dates)."""
    if not isinstance(data, dict):
        return data
    out = dict(data)
    for key in _TEXT_KEYS:
        if isinstance(out.get(key), str):
            out[key] = nfc(out[key])
    members = out.get("members")
    if isinstance(members, list):
        out["members"] = [
            {**m, "ethnicity": nfc(m["ethnicity"])}
            if isinstance(m, dict) and isinstance(m.get("ethnicity"), str)
            else m
            for m in members
        ]
    return out


def text_problems(survey: SurveyPayload) -> list[Problem]:
    """Control characters anywhere, invisible characters in codes (see ``domain.text``)."""
    found: list[Problem] = []
    texts: list[tuple[str, str | None, bool]] = [
        (key, getattr(survey, key), key in CODE_KEYS)
        for key in ("survey_id", "household_code", "commune_code", "village_code", "head_name")
    ]
    texts += [(f"members.{i}.ethnicity", m.ethnicity, True) for i, m in enumerate(survey.members)]
    for field, text, code in texts:
        problem = text_problem(text, code=code) if text else None
        if problem is not None:
            found.append(Problem(field, problem.vi, problem.en, problem.key))
    return found


def resolve(survey: SurveyIn, registry: AreaRegistry) -> SurveyPayload:
    """The payload with the area filled in from the registry (``DomainError`` if the text
    holds characters intake refuses or the area is unknown)."""
    problems = text_problems(survey)
    if problems:
        raise DomainError.of(problems)
    try:
        area = registry.resolve(survey.commune_code, survey.village_code)
    except AreaLookupError as exc:
        raise DomainError(exc.field, exc.message.vi, exc.message.en, code=exc.message.key) from exc
    head = next(m for m in survey.members if m.relation is Relation.HEAD)
    data: dict[str, Any] = dict(survey)
    data.update(
        province_code=area.province_code,
        area_type=area.area_type,
        head_citizen_id_missing=head.citizen_id is None,
    )
    return SurveyPayload.model_validate(data)


def router(rt: Runtime, registry: AreaRegistry, metrics: IntakeMetrics) -> APIRouter:
    api = APIRouter(tags=["surveys"])

    @api.post("/surveys", status_code=status.HTTP_201_CREATED)
    async def post_survey(
        body: SurveyIn,
        response: Response,
        x_correlation_id: str | None = Header(default=None, max_length=128),
    ) -> dict[str, Any]:
        """Submit one household survey. The survey id is an idempotency key: sending the same
        survey again returns 200 and stores nothing; the same id with other content is 409."""
        try:
            payload = resolve(body, registry)
        except DomainError:
            metrics.rejected.labels("http").inc()
            raise
        except ValidationError as exc:
            metrics.rejected.labels("http").inc()
            raise HTTPException(status_code=422, detail=field_errors(exc.errors())) from exc
        (receipt,) = await asyncio.to_thread(
            accept_surveys,
            IntakeUnitOfWork(rt.engine),
            [payload],
            channel="http",
            correlation_id=x_correlation_id or str(uuid.uuid4()),
            now=datetime.now(UTC),
        )
        if receipt.status is ReceiptStatus.CONFLICT:
            raise HTTPException(
                status_code=status.HTTP_409_CONFLICT,
                detail=[
                    {
                        "field": "survey_id",
                        "type": "conflict",
                        "message_vi": "Mã phiếu đã được dùng cho một phiếu có nội dung khác.",
                        "message_en": "This survey id was already used for different content.",
                    }
                ],
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
        body: list[dict[str, Any]] = Body(max_length=MAX_BATCH),
        x_correlation_id: str | None = Header(default=None, max_length=128),
    ) -> dict[str, Any]:
        """Submit up to 1,000 surveys at once (a tablet syncing after a day offline). Each item
        is validated on its own: valid items are stored even when others are rejected."""
        results: list[dict[str, Any]] = [{} for _ in body]
        valid: list[tuple[int, SurveyPayload]] = []
        for i, item in enumerate(body):
            try:
                valid.append((i, resolve(SurveyIn.model_validate(item), registry)))
            except ValidationError as exc:
                results[i] = {
                    "index": i,
                    "status": "rejected",
                    "errors": field_errors(exc.errors()),
                }
            except DomainError as exc:
                results[i] = {
                    "index": i,
                    "status": "rejected",
                    "errors": [p.as_dict() for p in exc.problems],
                }
        receipts = (
            await asyncio.to_thread(
                accept_surveys,
                IntakeUnitOfWork(rt.engine),
                [p for _, p in valid],
                channel="http",
                correlation_id=x_correlation_id or str(uuid.uuid4()),
                now=datetime.now(UTC),
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
        body: dict[str, Any] = Body(description="A KoBoToolbox REST-service submission."),
        x_correlation_id: str | None = Header(default=None, max_length=128),
    ) -> dict[str, Any]:
        """Receive a submission of the survey's XLSForm (KoBoToolbox / ODK Collect). Each
        instance is processed once however often it is retried (200 the second time); an
        edited submission supersedes the earlier version of the same survey."""
        try:
            result = map_submission(body, registry)
        except KoboSubmissionError as exc:
            raise HTTPException(422, detail=[_message("meta/instanceID", exc.message)]) from exc
        if result.payload is None:
            metrics.rejected.labels("form").inc()
            raise HTTPException(
                422,
                detail=[
                    {
                        "field": e.field,
                        "path": e.path,
                        "type": e.message.key,
                        "message_vi": e.message.vi,
                        "message_en": e.message.en,
                    }
                    for e in result.errors
                ],
            )
        form = await asyncio.to_thread(
            accept_form_submission,
            rt.engine,
            instance_id=result.instance_id,
            deprecated_id=result.deprecated_id,
            root_id=result.root_id,
            payload=result.payload,
            correlation_id=x_correlation_id or result.instance_id,
            now=datetime.now(UTC),
        )
        if form.already_processed:
            response.status_code = status.HTTP_200_OK
            metrics.duplicates.labels("form").inc()
        else:
            metrics.accepted.labels("form").inc()
            rt.relay.notify()
        return {
            "instance_id": form.instance_id,
            "survey_id": form.receipt.survey_id,
            "household_code": form.receipt.household_code,
            "version": form.receipt.version,
            "revision": form.revision,
            "status": "duplicate" if form.already_processed else form.receipt.status.value,
        }

    return api


def _message(field: str, msg: Message) -> dict[str, str]:
    return {"field": field, "type": msg.key, "message_vi": msg.vi, "message_en": msg.en}
