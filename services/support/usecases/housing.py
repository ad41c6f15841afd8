"""Housing support: a house built or repaired, its cost by source (each part of the support a
record of the ledger), its start and completion. Rules: ``domain.housing``."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from services.support.adapters.tables import housing_cases
from services.support.adapters.uow import SupportUnitOfWork
from services.support.domain.catalogue import Catalogue
from services.support.domain.eligibility import check_cap, gate
from services.support.domain.housing import (
    CostSplit,
    HousingStatus,
    already_housed,
    check_completion,
    check_split,
)
from services.support.usecases.common import (
    Code,
    Day,
    Id,
    Overridable,
    Request,
    Vnd,
    admit,
    audit,
    check_source,
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
from services.support.views import Recorded
from shared.access.model import Actor
from shared.contracts import housing as contract
from shared.contracts.codes import HousingKind, RecordType, SupportKind
from shared.errors import DomainError


class HousingRequest(Overridable):
    case_id: str = Field(
        min_length=1,
        max_length=48,
        description="Housing case id (at most 48 characters); idempotency key.",
    )
    household_code: Id
    programme_code: Code = Field(description="Programme the state support is accounted against.")
    kind: HousingKind
    started_on: Day
    central_budget_vnd: Vnd = 0
    local_budget_vnd: Vnd = 0
    fund_for_the_poor_vnd: Vnd = 0
    other_mobilisation_vnd: Vnd = 0
    household_vnd: Vnd = 0
    labour_days: int = Field(default=0, ge=0, le=100_000)
    loan_id: Id | None = Field(default=None, description="Housing loan recorded separately.")


class CompletionRequest(Request):
    case_id: str = Field(min_length=1, max_length=48)
    completed_on: Day
    floor_area_m2: float | None = Field(default=None, ge=0, le=10_000)
    labour_days: int | None = Field(
        default=None, ge=0, le=100_000, description="Labour days in all, if more were given."
    )


@retried_on_race
def start_housing(
    uow: SupportUnitOfWork,
    catalogue: Catalogue,
    request: HousingRequest,
    *,
    may_override: bool = False,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """A house started with support. The programme must serve the household on the start date
    and the state's part (central + local budget) stay within its cap for a new house or a
    repair; a household already helped with its house is refused (overridable)."""
    with uow:
        if replayed(uow, housing_cases, "case_id", request, ("Hồ sơ nhà ở", "Housing case")):
            v = uow.cases.housing(request.case_id)
            hh = household(uow, v.household_code) if v else None
            return Recorded(
                id=request.case_id,
                created=False,
                commune_code=hh.commune_code if hh else "",
                village_code=hh.village_code if hh else "",
            )
        hh = household(uow, request.household_code)
        on = request.started_on
        not_future(on, now, "started_on")
        split = CostSplit(
            request.central_budget_vnd,
            request.local_budget_vnd,
            request.fund_for_the_poor_vnd,
            request.other_mobilisation_vnd,
            request.household_vnd,
            request.labour_days,
        )
        check_split(split)
        unused_record_ids(
            uow, [f"{request.case_id}#{part}" for part, _s, _a in split.support_parts()], "case_id"
        )
        programme = catalogue.programme(request.programme_code, on)
        for _part, source, _amount in split.support_parts():
            check_source(programme, source)
        verdict, st = admit(
            catalogue,
            hh,
            programme,
            SupportKind.HOUSING,
            on,
            amount_vnd=None,
            member_no=None,
            override_reason=request.override_reason,
            may_override=may_override,
            actor=actor,
        )
        check_cap(
            programme,
            SupportKind.HOUSING,
            split.state_vnd,
            st.groups,
            on,
            variant=request.kind.value,
            field_name="central_budget_vnd",
        )
        earlier = [c for c in uow.cases.housing_of(hh.household_code)]
        if earlier:
            verdict = gate(
                already_housed(hh.household_code, earlier[-1].case_id),
                override_reason=request.override_reason,
                may_override=may_override,
                actor=actor.username,
                group=verdict.group,
            )
        if request.loan_id is not None and uow.credit.get(request.loan_id) is None:
            raise missing("khoản vay", "loan", request.loan_id, "loan_id")
        uow.cases.add_housing(
            {
                "case_id": request.case_id,
                "household_code": hh.household_code,
                "commune_code": hh.commune_code,
                "village_code": hh.village_code,
                "programme_code": programme.code,
                "kind": request.kind.value,
                "status": HousingStatus.IN_PROGRESS.value,
                "started_on": on,
                "central_budget_vnd": split.central_budget_vnd,
                "local_budget_vnd": split.local_budget_vnd,
                "fund_for_the_poor_vnd": split.fund_for_the_poor_vnd,
                "other_mobilisation_vnd": split.other_mobilisation_vnd,
                "household_vnd": split.household_vnd,
                "labour_days": split.labour_days,
                "loan_id": request.loan_id,
                "eligible_group": verdict.group.value if verdict.group else None,
                "overridden": verdict.overridden,
                "override_reason": verdict.override_reason,
                "overridden_by": verdict.overridden_by,
                "request": stored_json(request),
                "recorded_at": now,
            }
        )
        rows = [
            record_row(
                record_id=f"{request.case_id}#{part}",
                hh=hh,
                programme_code=programme.code,
                kind=SupportKind.HOUSING,
                funding_source=source,
                amount_vnd=amount,
                given_on=on,
                record_type=RecordType.HOUSING,
                status=HousingStatus.IN_PROGRESS.value,
                verdict=verdict,
                now=now,
                case_id=request.case_id,
                item=request.kind.value,
                funding_detail=part,
            )
            for part, source, amount in split.support_parts()
        ]
        enter(
            uow,
            rows,
            override_reason=request.override_reason,
            may_override=may_override,
            actor=actor,
            correlation_id=correlation_id,
        )
        payload = contract.HousingStartedPayload(
            case_id=request.case_id,
            household_code=hh.household_code,
            commune_code=hh.commune_code,
            village_code=hh.village_code,
            programme_code=programme.code,
            kind=request.kind,
            started_on=on,
            central_budget_vnd=split.central_budget_vnd,
            local_budget_vnd=split.local_budget_vnd,
            fund_for_the_poor_vnd=split.fund_for_the_poor_vnd,
            other_mobilisation_vnd=split.other_mobilisation_vnd,
            household_vnd=split.household_vnd,
            labour_days=split.labour_days,
            loan_id=request.loan_id,
            eligible_group=verdict.group.value if verdict.group else None,
            overridden=verdict.overridden,
        )
        events = [emit(contract.HousingStarted, payload, correlation_id, now)]
        events += [disbursed(r, correlation_id, now) for r in rows]
        uow.stage(events)
        audit(
            uow,
            actor,
            "housing.started",
            ("household", hh.household_code),
            commune_code=hh.commune_code,
            village_code=hh.village_code,
            after={
                "case_id": request.case_id,
                "programme_code": programme.code,
                "kind": request.kind.value,
                "started_on": on.isoformat(),
                "state_vnd": split.state_vnd,
                "total_vnd": split.total_vnd,
                "labour_days": split.labour_days,
                "overridden": verdict.overridden,
            },
            correlation_id=correlation_id,
        )
        uow.commit()
        return Recorded(
            id=request.case_id,
            created=True,
            commune_code=hh.commune_code,
            village_code=hh.village_code,
            overridden=verdict.overridden,
            eligible_group=verdict.group.value if verdict.group else None,
            events=len(events),
        )


@retried_on_race
def complete_housing(
    uow: SupportUnitOfWork,
    request: CompletionRequest,
    *,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """The house is finished (handed over)."""
    with uow:
        uow.ledger.lock(housing_cases, "case_id", request.case_id)
        case = uow.cases.housing(request.case_id)
        if case is None:
            raise missing("hồ sơ nhà ở", "housing case", request.case_id, "case_id")
        hh = household(uow, case.household_code)
        area = {"commune_code": hh.commune_code, "village_code": hh.village_code}
        if replayed(
            uow,
            housing_cases,
            "case_id",
            request,
            ("Hoàn thành nhà ở", "Completion"),
            column="completion_request",
        ):
            return Recorded(id=request.case_id, created=False, **area)
        not_future(request.completed_on, now, "completed_on")
        check_completion(case.case_id, case.started_on, request.completed_on, case.status)
        labour = request.labour_days if request.labour_days is not None else case.labour_days
        if labour < case.labour_days:
            raise DomainError(
                "labour_days",
                "Số ngày công không thể ít hơn đã ghi.",
                "Labour days cannot fall below those recorded.",
            )
        uow.cases.complete_housing(
            case.case_id,
            {
                "status": HousingStatus.COMPLETED.value,
                "completed_on": request.completed_on,
                "floor_area_m2": request.floor_area_m2,
                "labour_days": labour,
                "completion_request": stored_json(request),
            },
        )
        uow.ledger.set_status(HousingStatus.COMPLETED.value, case_id=case.case_id)
        payload = contract.HousingCompletedPayload(
            case_id=case.case_id,
            household_code=case.household_code,
            commune_code=hh.commune_code,
            village_code=hh.village_code,
            programme_code=case.programme_code,
            kind=HousingKind(case.kind),
            completed_on=request.completed_on,
            floor_area_m2=request.floor_area_m2,
            labour_days=labour,
        )
        uow.stage([emit(contract.HousingCompleted, payload, correlation_id, now)])
        audit(
            uow,
            actor,
            "housing.completed",
            ("household", case.household_code),
            commune_code=hh.commune_code,
            village_code=hh.village_code,
            before={"status": case.status},
            after={
                "case_id": case.case_id,
                "status": HousingStatus.COMPLETED.value,
                "completed_on": request.completed_on.isoformat(),
                "labour_days": labour,
            },
            correlation_id=correlation_id,
        )
        uow.commit()
        return Recorded(id=request.case_id, created=True, events=1, **area)
