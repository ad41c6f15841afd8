"""Livelihood models and production projects: the group or cooperative, member households,
budget by source (state, households' counterpart, enterprise), dates and outcome."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from services.support.adapters.tables import (
    projects,
)
from services.support.adapters.uow import SupportUnitOfWork
from services.support.domain.catalogue import Catalogue
from services.support.plan_views import (
    ProjectView,
)
from services.support.usecases.common import (
    Code,
    Day,
    Id,
    Overridable,
    Request,
    Vnd,
    audit,
    emit,
    missing,
    not_future,
    replayed,
    retried_on_race,
    stored_json,
)
from services.support.usecases.plans import PlanRoom
from services.support.usecases.scope import (
    MAX_MEMBERS,
    check_component,
    outside,
    within_communes,
)
from services.support.views import Recorded
from shared.access.model import Actor
from shared.contracts import plans as contract
from shared.contracts.plans import (
    PlanSource,
)
from shared.errors import DomainError, ErrorKind


class GroupKind(StrEnum):
    COMMUNITY_GROUP = "community_group"
    COOPERATIVE = "cooperative"
    ENTERPRISE_LED = "enterprise_led"


class ProjectRequest(Overridable):
    project_id: Id = Field(description="Project id; idempotency key.")
    name: str = Field(min_length=1, max_length=200)
    component: Code = Field(description="Programme component (e.g. NTP2021.P2, NTP2021.P3.1).")
    commune_code: str = Field(min_length=1, max_length=16)
    group_kind: GroupKind
    group_name: str = Field(min_length=1, max_length=200)
    members: list[Id] = Field(min_length=1, max_length=MAX_MEMBERS)
    state_source: PlanSource = Field(
        default=PlanSource.CENTRAL, description="Source of the state share."
    )
    state_vnd: Vnd = 0
    household_vnd: Vnd = Field(default=0, description="Households' counterpart.")
    enterprise_vnd: Vnd = 0
    starts_on: Day
    ends_on: Day | None = None


class OutcomeRequest(Request):
    assessed_on: Day
    output_value_vnd: Vnd = Field(description="Value of the output, VND.")
    income_change_pct: float | None = Field(
        default=None, ge=-100, le=10_000, description="Average change of members' income, %."
    )
    replicable: bool = Field(description="Recognised as a model to replicate.")
    note: str | None = Field(default=None, max_length=4000)


def project_of(uow: SupportUnitOfWork, project_id: str) -> ProjectView:
    found = uow.plans.projects_where(projects.c.project_id == project_id)
    if not found:
        raise missing("dự án", "project", project_id, "project_id")
    return found[0]


def project_area(uow: SupportUnitOfWork, project_id: str) -> str:
    with uow:
        return project_of(uow, project_id).commune_code


@retried_on_race
def record_project(
    uow: SupportUnitOfWork,
    catalogue: Catalogue,
    request: ProjectRequest,
    *,
    may_override: bool = False,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """A livelihood model or production project: its group, member households (all of the
    project's commune), budget by source and dates. Its budget is committed against the plans
    covering its commune: a share above what is left to commit is refused (422) unless an
    officer allowed to override gives a reason (audited as ``plan.exceeded_by_override``)."""
    where = {"commune_code": request.commune_code, "village_code": ""}
    with uow:
        if replayed(uow, projects, "project_id", request, ("Dự án", "Project")):
            return Recorded(id=request.project_id, created=False, **where)
        check_component(catalogue, request.component)
        if request.ends_on is not None and request.ends_on < request.starts_on:
            raise DomainError(
                "ends_on", "Ngày kết thúc trước ngày bắt đầu.", "The project ends before it starts."
            )
        if len(set(request.members)) != len(request.members):
            raise DomainError(
                "members", "Hộ thành viên bị lặp.", "A member household is listed twice."
            )
        found = uow.register.households(sorted(request.members))
        for code in request.members:
            hh = found.get(code)
            if hh is None:
                raise DomainError(
                    "members",
                    f"Không tìm thấy hộ {code} trong danh sách hộ đã rà soát.",
                    f"Household {code} has not been classified by a review.",
                    ErrorKind.NOT_FOUND,
                    code="unknown_household",
                )
            if hh.commune_code != request.commune_code:
                raise outside(
                    code, f"xã {request.commune_code}", f"commune {request.commune_code}", "members"
                )
        exceeded = PlanRoom(uow).check_commitment(
            commune=request.commune_code,
            year=request.starts_on.year,
            component=request.component,
            shares=[
                (request.state_source, request.state_vnd),
                (PlanSource.SOCIAL_MOBILISATION, request.enterprise_vnd),
                (PlanSource.OTHER, request.household_vnd),
            ],
            override_reason=request.override_reason,
            may_override=may_override,
        )
        uow.plans.add_project(
            {
                **request.model_dump(exclude={"members", "override_reason"}),
                "group_kind": request.group_kind.value,
                "state_source": request.state_source.value,
                "members": ",".join(request.members),
                "request": stored_json(request),
                "recorded_at": now,
            }
        )
        payload = contract.ProjectPayload(
            project_id=request.project_id,
            component=request.component,
            commune_code=request.commune_code,
            group_kind=request.group_kind.value,
            members=list(request.members),
            budget=contract.Budget(
                state_vnd=request.state_vnd,
                state_source=request.state_source,
                household_vnd=request.household_vnd,
                enterprise_vnd=request.enterprise_vnd,
            ),
            starts_on=request.starts_on,
            ends_on=request.ends_on,
        )
        uow.stage([emit(contract.ProjectRecorded, payload, correlation_id, now)])
        audit(
            uow,
            actor,
            "project.recorded",
            ("project", request.project_id),
            commune_code=request.commune_code,
            after={
                "component": request.component,
                "members": len(request.members),
                "state_vnd": request.state_vnd,
                "household_vnd": request.household_vnd,
                "enterprise_vnd": request.enterprise_vnd,
            },
            correlation_id=correlation_id,
        )
        if exceeded:
            audit(
                uow,
                actor,
                "plan.exceeded_by_override",
                ("project", request.project_id),
                commune_code=request.commune_code,
                after={
                    "component": request.component,
                    "state_vnd": request.state_vnd,
                    "household_vnd": request.household_vnd,
                    "enterprise_vnd": request.enterprise_vnd,
                    "plans": ",".join(exceeded),
                },
                correlation_id=correlation_id,
            )
        uow.commit()
        return Recorded(id=request.project_id, created=True, events=1, **where)


@retried_on_race
def record_outcome(
    uow: SupportUnitOfWork,
    project_id: str,
    request: OutcomeRequest,
    *,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """The assessed outcome of a project (the latest assessment is kept)."""
    with uow:
        uow.ledger.lock(projects, "project_id", project_id)
        p = project_of(uow, project_id)
        where = {"commune_code": p.commune_code, "village_code": ""}
        if replayed(
            uow,
            projects,
            "project_id",
            request,
            ("Kết quả dự án", "Project outcome"),
            column="outcome_request",
            key_value=project_id,
        ):
            return Recorded(id=project_id, created=False, **where)
        not_future(request.assessed_on, now, "assessed_on")
        if request.assessed_on < p.starts_on:
            raise DomainError(
                "assessed_on",
                "Ngày đánh giá trước khi dự án bắt đầu.",
                "The assessment is dated before the project started.",
            )
        uow.plans.update_project(
            project_id,
            {
                "assessed_on": request.assessed_on,
                "output_value_vnd": request.output_value_vnd,
                "income_change_pct": request.income_change_pct,
                "replicable": request.replicable,
                "outcome_note": request.note,
                "outcome_request": stored_json(request),
            },
        )
        payload = contract.ProjectOutcomePayload(
            project_id=project_id,
            commune_code=p.commune_code,
            on=request.assessed_on,
            output_value_vnd=request.output_value_vnd,
            income_change_pct=request.income_change_pct,
            replicable=request.replicable,
        )
        uow.stage([emit(contract.ProjectOutcomeRecorded, payload, correlation_id, now)])
        audit(
            uow,
            actor,
            "project.outcome_recorded",
            ("project", project_id),
            commune_code=p.commune_code,
            after={"output_value_vnd": request.output_value_vnd, "replicable": request.replicable},
            correlation_id=correlation_id,
        )
        uow.commit()
        return Recorded(id=project_id, created=True, events=1, **where)


def list_projects(
    uow: SupportUnitOfWork, communes: list[str] | None, commune: str | None
) -> list[ProjectView]:
    with uow:
        return uow.plans.projects_where(within_communes(projects, communes, commune))
