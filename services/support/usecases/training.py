"""Vocational training per member: enrol, complete or drop, record the employment outcome;
a member's training record; coverage of workers of target households against the goal.
Rules: ``domain.training``."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from services.support.adapters.tables import trainings
from services.support.adapters.uow import SupportUnitOfWork
from services.support.domain.catalogue import Catalogue
from services.support.domain.eligibility import gate
from services.support.domain.training import (
    TrainingStatus,
    already_trained,
    check_employment,
    check_finish,
    check_trainee,
)
from services.support.usecases.common import (
    MAX_MEMBER_NO,
    Code,
    Day,
    Id,
    Overridable,
    Request,
    Vnd,
    admit,
    audit,
    disbursed,
    emit,
    household,
    missing,
    not_future,
    record_row,
    replayed,
    retried_on_race,
    stored_json,
    unused_record_ids,
)
from services.support.usecases.ledger import enter
from services.support.views import CoverageRow, Recorded, TrainingView
from shared.access.model import Actor
from shared.contracts import training as contract
from shared.contracts.codes import EmploymentOutcome, FundingSource, RecordType, SupportKind


class EnrolmentRequest(Overridable):
    """A member enrolled in a course (the body of ``POST /enrolments``)."""

    enrolment_id: Id = Field(description="Id of the enrolment; idempotency key.")
    household_code: Id = Field(description="Household of the trainee.")
    member_no: int = Field(
        ge=1, le=MAX_MEMBER_NO, description="Member line number in the latest survey."
    )
    programme_code: Code = Field(description="Programme paying for it (e.g. VT46, NTP2021.P4.1).")
    course: str = Field(min_length=1, max_length=128, description="Course or trade.")
    provider: str = Field(min_length=1, max_length=128, description="Training provider.")
    starts_on: Day = Field(description="Course start date.")
    job_linkage: bool = Field(default=False, description="Includes job placement / linkage.")
    fee_support_vnd: Vnd = Field(default=0, description="Course fee paid by the programme.")
    funding_source: FundingSource = Field(default=FundingSource.CENTRAL_BUDGET)
    commune_code: str = Field(
        default="", max_length=16, description="Ignored: taken from the household register."
    )


class CompletionRequest(Request):
    enrolment_id: Id
    completed_on: Day
    certificate: str = Field(min_length=1, max_length=64, description="e.g. 'so_cap'.")
    occupation: str = Field(min_length=1, max_length=128, description="Occupation trained for.")


class DropRequest(Request):
    enrolment_id: Id
    dropped_on: Day
    reason_code: str | None = Field(default=None, max_length=32)


class EmploymentRequest(Request):
    enrolment_id: Id
    outcome: EmploymentOutcome
    employed_on: Day


@retried_on_race
def enrol_training(
    uow: SupportUnitOfWork,
    catalogue: Catalogue,
    request: EnrolmentRequest,
    *,
    may_override: bool = False,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """Enrol a member of the household's latest survey, of working age there. The programme
    must fund training and serve the member on the start date; its fee cap applies; a
    once-per-person programme refuses a second course (overridable)."""
    with uow:
        if replayed(uow, trainings, "enrolment_id", request, ("Khóa học", "Enrolment")):
            return _existing(uow, request.enrolment_id)
        hh = household(uow, request.household_code)
        unused_record_ids(uow, [request.enrolment_id], "enrolment_id")
        check_trainee(hh.members, request.member_no, hh.household_code)
        on = request.starts_on
        programme = catalogue.programme(request.programme_code, on)
        verdict, _ = admit(
            catalogue,
            hh,
            programme,
            SupportKind.VOCATIONAL_TRAINING,
            on,
            amount_vnd=request.fee_support_vnd,
            member_no=request.member_no,
            override_reason=request.override_reason,
            may_override=may_override,
            actor=actor,
        )
        if programme.once_per_person:
            earlier = [
                t
                for t in uow.cases.trainings_of(hh.household_code, request.member_no)
                if t.programme_code == programme.code and t.status != TrainingStatus.DROPPED
            ]
            if earlier:
                verdict = gate(
                    already_trained(hh.household_code, request.member_no, earlier[0].enrolment_id),
                    override_reason=request.override_reason,
                    may_override=may_override,
                    actor=actor.username,
                    group=verdict.group,
                )
        uow.cases.add_training(
            {
                "enrolment_id": request.enrolment_id,
                "household_code": hh.household_code,
                "commune_code": hh.commune_code,
                "village_code": hh.village_code,
                "member_no": request.member_no,
                "programme_code": programme.code,
                "course": request.course,
                "provider": request.provider,
                "starts_on": on,
                "job_linkage": request.job_linkage,
                "fee_support_vnd": request.fee_support_vnd,
                "status": TrainingStatus.ENROLLED.value,
                "request": stored_json(request),
                "recorded_at": now,
            }
        )
        row = record_row(
            record_id=request.enrolment_id,
            hh=hh,
            programme_code=programme.code,
            kind=SupportKind.VOCATIONAL_TRAINING,
            funding_source=request.funding_source,
            amount_vnd=request.fee_support_vnd,
            given_on=on,
            record_type=RecordType.TRAINING,
            status=TrainingStatus.ENROLLED.value,
            verdict=verdict,
            now=now,
            member_no=request.member_no,
            case_id=request.enrolment_id,
            item=request.course,
        )
        enter(
            uow,
            [row],
            override_reason=request.override_reason,
            may_override=may_override,
            actor=actor,
            correlation_id=correlation_id,
        )
        group = verdict.group.value if verdict.group else None
        payload = contract.EnrolmentPayload(
            enrolment_id=request.enrolment_id,
            household_code=hh.household_code,
            commune_code=hh.commune_code,
            member_no=request.member_no,
            course=request.course,
            provider=request.provider,
            starts_on=on,
            job_linkage=request.job_linkage,
            programme_code=programme.code,
            village_code=hh.village_code,
            fee_support_vnd=request.fee_support_vnd,
            eligible_group=group,
            overridden=verdict.overridden,
        )
        uow.stage(
            [
                emit(contract.TrainingEnrolled, payload, correlation_id, now),
                disbursed(row, correlation_id, now),
            ]
        )
        audit(
            uow,
            actor,
            "training.enrolled",
            ("household", hh.household_code),
            commune_code=hh.commune_code,
            village_code=hh.village_code,
            after={
                "enrolment_id": request.enrolment_id,
                "member_no": request.member_no,
                "programme_code": programme.code,
                "starts_on": on.isoformat(),
                "fee_support_vnd": request.fee_support_vnd,
                "status": TrainingStatus.ENROLLED.value,
                "overridden": verdict.overridden,
            },
            correlation_id=correlation_id,
        )
        uow.commit()
        return Recorded(
            id=request.enrolment_id,
            created=True,
            commune_code=hh.commune_code,
            village_code=hh.village_code,
            overridden=verdict.overridden,
            eligible_group=group,
            events=2,
        )


def _existing(uow: SupportUnitOfWork, enrolment_id: str) -> Recorded:
    area = uow.cases.training_area(enrolment_id)
    commune, village = area or ("", "")
    return Recorded(id=enrolment_id, created=False, commune_code=commune, village_code=village)


def _enrolment(uow: SupportUnitOfWork, enrolment_id: str) -> TrainingView:
    uow.ledger.lock(trainings, "enrolment_id", enrolment_id)
    t = uow.cases.training(enrolment_id)
    if t is None:
        raise missing("khóa học", "enrolment", enrolment_id, "enrolment_id")
    return t


def _finished_ref(uow: SupportUnitOfWork, t: TrainingView, on: date) -> dict[str, object]:
    commune, village = uow.cases.training_area(t.enrolment_id) or ("", "")
    return {
        "enrolment_id": t.enrolment_id,
        "household_code": t.household_code,
        "commune_code": commune,
        "village_code": village,
        "member_no": t.member_no,
        "programme_code": t.programme_code,
        "on": on,
    }


def _audit_outcome(
    uow: SupportUnitOfWork,
    actor: Actor,
    action: str,
    t: TrainingView,
    correlation_id: str,
    **after: str | int | None,
) -> None:
    commune, village = uow.cases.training_area(t.enrolment_id) or ("", "")
    audit(
        uow,
        actor,
        action,
        ("household", t.household_code),
        commune_code=commune,
        village_code=village,
        before={"status": t.status, "outcome": t.outcome},
        after={"enrolment_id": t.enrolment_id, "member_no": t.member_no, **after},
        correlation_id=correlation_id,
    )


@retried_on_race
def complete_training(
    uow: SupportUnitOfWork,
    request: CompletionRequest,
    *,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """The trainee completed the course, with the certificate and occupation."""
    with uow:
        t = _enrolment(uow, request.enrolment_id)
        if replayed(
            uow,
            trainings,
            "enrolment_id",
            request,
            ("Kết quả khóa học", "Outcome"),
            column="finish_request",
        ):
            return _existing(uow, t.enrolment_id)
        not_future(request.completed_on, now, "completed_on")
        check_finish(t.enrolment_id, t.status, t.starts_on, request.completed_on, completing=True)
        uow.cases.update_training(
            t.enrolment_id,
            {
                "status": TrainingStatus.COMPLETED.value,
                "completed_on": request.completed_on,
                "certificate": request.certificate,
                "occupation": request.occupation,
                "finish_request": stored_json(request),
            },
        )
        uow.ledger.set_status(TrainingStatus.COMPLETED.value, record_id=t.enrolment_id)
        payload = contract.TrainingCompletedPayload(
            **_finished_ref(uow, t, request.completed_on),  # type: ignore[arg-type]
            certificate=request.certificate,
            occupation=request.occupation,
        )
        uow.stage([emit(contract.TrainingCompleted, payload, correlation_id, now)])
        _audit_outcome(
            uow,
            actor,
            "training.completed",
            t,
            correlation_id,
            status=TrainingStatus.COMPLETED.value,
            completed_on=request.completed_on.isoformat(),
        )
        uow.commit()
        result = _existing(uow, t.enrolment_id)
    return result.model_copy(update={"created": True, "events": 1})


@retried_on_race
def drop_training(
    uow: SupportUnitOfWork,
    request: DropRequest,
    *,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """The trainee left the course before completing it."""
    with uow:
        t = _enrolment(uow, request.enrolment_id)
        if replayed(
            uow,
            trainings,
            "enrolment_id",
            request,
            ("Kết quả khóa học", "Outcome"),
            column="finish_request",
        ):
            return _existing(uow, t.enrolment_id)
        not_future(request.dropped_on, now, "dropped_on")
        check_finish(t.enrolment_id, t.status, t.starts_on, request.dropped_on, completing=False)
        uow.cases.update_training(
            t.enrolment_id,
            {
                "status": TrainingStatus.DROPPED.value,
                "dropped_on": request.dropped_on,
                "drop_reason_code": request.reason_code,
                "finish_request": stored_json(request),
            },
        )
        uow.ledger.set_status(TrainingStatus.DROPPED.value, record_id=t.enrolment_id)
        payload = contract.TrainingDroppedPayload(
            **_finished_ref(uow, t, request.dropped_on),  # type: ignore[arg-type]
            reason_code=request.reason_code,
        )
        uow.stage([emit(contract.TrainingDropped, payload, correlation_id, now)])
        _audit_outcome(
            uow,
            actor,
            "training.dropped",
            t,
            correlation_id,
            status=TrainingStatus.DROPPED.value,
            dropped_on=request.dropped_on.isoformat(),
            reason_code=request.reason_code,
        )
        uow.commit()
        result = _existing(uow, t.enrolment_id)
    return result.model_copy(update={"created": True, "events": 1})


@retried_on_race
def record_employment(
    uow: SupportUnitOfWork,
    request: EmploymentRequest,
    *,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """Where the worker found work after the course (once per enrolment)."""
    with uow:
        t = _enrolment(uow, request.enrolment_id)
        if replayed(
            uow,
            trainings,
            "enrolment_id",
            request,
            ("Kết quả việc làm", "Employment"),
            column="employment_request",
        ):
            return _existing(uow, t.enrolment_id)
        not_future(request.employed_on, now, "employed_on")
        check_employment(
            t.enrolment_id,
            t.status,
            t.starts_on,
            request.employed_on,
            already=t.outcome is not None,
        )
        uow.cases.update_training(
            t.enrolment_id,
            {
                "outcome": request.outcome.value,
                "employed_on": request.employed_on,
                "employment_request": stored_json(request),
            },
        )
        ref = _finished_ref(uow, t, request.employed_on)
        ref.pop("on")
        payload = contract.TraineePlacedPayload(
            **ref,  # type: ignore[arg-type]
            outcome=request.outcome,
            employed_on=request.employed_on,
            completed=t.status == TrainingStatus.COMPLETED,
        )
        uow.stage([emit(contract.TraineePlaced, payload, correlation_id, now)])
        _audit_outcome(
            uow,
            actor,
            "training.placed",
            t,
            correlation_id,
            outcome=request.outcome.value,
            employed_on=request.employed_on.isoformat(),
        )
        uow.commit()
        result = _existing(uow, t.enrolment_id)
    return result.model_copy(update={"created": True, "events": 1})


def member_training(
    uow: SupportUnitOfWork, household_code: str, member_no: int
) -> list[TrainingView]:
    """A member's courses, oldest first, with completion and employment."""
    with uow:
        household(uow, household_code)
        return uow.cases.trainings_of(household_code, member_no)


def training_coverage(
    uow: SupportUnitOfWork, on: date, commune_codes: tuple[str, ...] = ()
) -> list[CoverageRow]:
    """Per commune: workers of poor, near-poor and newly escaped households (recognised status
    in force on ``on``, latest survey's roster), how many completed a course and how many are
    placed, against the goal of 100%."""
    with uow:
        rows = uow.cases.coverage(on, commune_codes)
    total_w = sum(r.workers for r in rows)
    out = [
        CoverageRow(
            commune_code=r.commune_code,
            workers=r.workers,
            trained=r.trained,
            placed=r.placed,
            trained_pct=r.trained_pct,
            placed_pct=r.placed_pct,
            untrained=r.untrained,
        )
        for r in rows
    ]
    if rows:
        from services.support.domain.training import Coverage

        allc = Coverage("*", total_w, sum(r.trained for r in rows), sum(r.placed for r in rows))
        out.append(
            CoverageRow(
                commune_code="*",
                workers=allc.workers,
                trained=allc.trained,
                placed=allc.placed,
                trained_pct=allc.trained_pct,
                placed_pct=allc.placed_pct,
                untrained=allc.untrained,
            )
        )
    return out
