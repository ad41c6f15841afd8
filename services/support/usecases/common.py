"""What every support use case shares: request building blocks, the household lookup, the
eligibility gate, idempotent replays and building support records and their events."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, ParamSpec, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from services.support.adapters.codec import canonical, encode
from services.support.adapters.register_repo import Registered
from services.support.adapters.tables import records
from services.support.adapters.uow import SupportUnitOfWork
from services.support.domain.catalogue import Catalogue, Programme
from services.support.domain.eligibility import Verdict, check_cap, decide
from services.support.domain.groups import MemberFacts, Standing, now_local_date, standing
from services.support.domain.idempotency import check_replay
from services.support.domain.money import MAX_QUANTITY, MAX_VND
from shared.access.model import Actor
from shared.access.model import Area as AccessArea
from shared.contracts.audit import Scalar
from shared.contracts.codes import FundingSource, RecordType, SupportKind
from shared.contracts.envelope import Envelope
from shared.contracts.support import DisbursementPayload, SupportDisbursed
from shared.errors import DomainError, ErrorKind, not_found

PRODUCER = "support"

P = ParamSpec("P")
R = TypeVar("R")

RACE_ATTEMPTS = 3
"""How many times a write is tried when a concurrent write took one of its keys first."""

Id = Annotated[str, StringConstraints(min_length=1, max_length=64)]
"""Ids and household codes as other systems write them (1 to 64 characters)."""
Code = Annotated[str, StringConstraints(min_length=1, max_length=32)]
Vnd = Annotated[int, Field(ge=0, le=MAX_VND, description="VND, at most 10^12.")]
Quantity = Annotated[Decimal, Field(ge=0, le=MAX_QUANTITY)]
MAX_MEMBER_NO = 99
"""Highest member line number of a survey form."""
EARLIEST = date(1990, 1, 1)
LATEST = date(2100, 12, 31)
Day = Annotated[date, Field(ge=EARLIEST, le=LATEST)]
"""A date the ledger can hold (1990 to 2100)."""
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class Request(BaseModel):
    """Base of every request: frozen, unknown fields refused, no NUL characters in text (the
    databases cannot store them)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            msg = "text must not contain the NUL character"
            raise ValueError(msg)
        return value


class Overridable(Request):
    override_reason: Reason | None = Field(
        default=None,
        description="Why the record is accepted although the programme's rules refuse it "
        "(only officers allowed to override).",
    )


def retried_on_race(use_case: Callable[P, R]) -> Callable[P, R]:
    """Run a write again when another transaction inserted one of its keys between its checks
    and its insert (two requests with the same new id at the same moment: the database's unique
    key refuses the second). The new attempt sees the stored row: an identical repeat answers
    as one (no change), other content a 409 naming the fields. A key still refused after
    :data:`RACE_ATTEMPTS` tries is a 409, never a server error."""

    @functools.wraps(use_case)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        for _attempt in range(RACE_ATTEMPTS - 1):
            try:
                return use_case(*args, **kwargs)
            except sa.exc.IntegrityError:
                continue
        try:
            return use_case(*args, **kwargs)
        except sa.exc.IntegrityError as exc:
            raise DomainError(
                "(body)",
                "Dữ liệu vừa được ghi đồng thời bởi một yêu cầu khác; vui lòng gửi lại.",
                "Another request wrote the same record at the same moment; send it again.",
                ErrorKind.CONFLICT,
                code="concurrent_write",
            ) from exc

    return run


def today(now: datetime) -> date:
    return now_local_date(now)


def not_future(day: date, now: datetime, field: str) -> None:
    if day > today(now):
        raise DomainError(
            field,
            f"Ngày {day.isoformat()} ở tương lai.",
            f"{day.isoformat()} is in the future.",
            code="future_date",
        )


def unknown_household(code: str, field: str = "household_code") -> DomainError:
    return DomainError(
        field,
        f"Không tìm thấy hộ {code} trong danh sách hộ đã rà soát.",
        f"Household {code} has not been classified by a review.",
        ErrorKind.NOT_FOUND,
        code="unknown_household",
    )


def household(uow: SupportUnitOfWork, code: str, field: str = "household_code") -> Registered:
    found = uow.register.household(code)
    if found is None:
        raise unknown_household(code, field)
    return found


def member(hh: Registered, member_no: int) -> MemberFacts:
    found = next((m for m in hh.members if m.member_no == member_no), None)
    if found is None:
        nos = ", ".join(str(m.member_no) for m in hh.members) or "—"
        raise DomainError(
            "member_no",
            f"Hộ {hh.household_code} không có thành viên số {member_no} trong phiếu khảo sát "
            f"gần nhất (các thành viên: {nos}).",
            f"Household {hh.household_code} has no member {member_no} in its latest survey "
            f"(members: {nos}).",
            code="unknown_member",
        )
    return found


def standing_of(
    hh: Registered, catalogue: Catalogue, on: date, member_no: int | None = None
) -> Standing:
    return standing(
        hh.history,
        on,
        head_ethnicity=hh.head_ethnicity,
        members=hh.members,
        member_no=member_no,
        area_groups=catalogue.area_groups_of(hh.commune_code, on),
    )


def check_source(programme: Programme, source: FundingSource) -> None:
    if programme.funding_sources and source not in programme.funding_sources:
        allowed = ", ".join(sorted(s.value for s in programme.funding_sources))
        raise DomainError(
            "funding_source",
            f"Chương trình «{programme.code}» chỉ ghi nguồn: {allowed}.",
            f"Programme '{programme.code}' is funded by: {allowed}.",
            code="wrong_funding_source",
        )


def admit(
    catalogue: Catalogue,
    hh: Registered,
    programme: Programme,
    kind: SupportKind,
    on: date,
    *,
    amount_vnd: int | None,
    member_no: int | None,
    override_reason: str | None,
    may_override: bool,
    actor: Actor,
    variant: str | None = None,
) -> tuple[Verdict, Standing]:
    """Eligibility (overridable) then the programme's cap (never overridable)."""
    st = standing_of(hh, catalogue, on, member_no)
    verdict = decide(
        programme,
        kind,
        st,
        household_code=hh.household_code,
        member_no=member_no,
        override_reason=override_reason,
        may_override=may_override,
        actor=actor.username,
    )
    if amount_vnd is not None:
        check_cap(programme, kind, amount_vnd, st.groups, on, variant=variant)
    return verdict, st


def replayed(
    uow: SupportUnitOfWork,
    table: sa.Table,
    key: str,
    request: BaseModel,
    what: tuple[str, str],
    *,
    column: str = "request",
    key_value: str | None = None,
) -> bool:
    """``True`` if this exact request was already applied (no-op); raises 409 with the fields
    that differ if the id was used with other content."""
    value = key_value if key_value is not None else str(getattr(request, key))
    stored = uow.ledger.stored_request(table, key, value, column)
    if stored is not None and column != "request" and not stored:
        return False  # the entity exists but this follow-up fact was never recorded
    return check_replay(what[0], what[1], value, stored, canonical(request))


def stored_json(request: BaseModel) -> bytes:
    return encode(canonical(request))


def record_row(
    *,
    record_id: str,
    hh: Registered,
    programme_code: str,
    kind: SupportKind,
    funding_source: FundingSource,
    amount_vnd: int,
    given_on: date,
    record_type: RecordType,
    status: str,
    verdict: Verdict | None,
    now: datetime,
    request: bytes | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A ``support_record`` row (the ledger entry every kind of support makes)."""
    row: dict[str, Any] = {
        "record_id": record_id,
        "household_code": hh.household_code,
        "commune_code": hh.commune_code,
        "village_code": hh.village_code,
        "member_no": None,
        "programme_code": programme_code,
        "kind": kind.value,
        "funding_source": funding_source.value,
        "funding_detail": None,
        "amount_vnd": amount_vnd,
        "quantity": None,
        "unit": None,
        "item": None,
        "given_on": given_on,
        "record_type": record_type.value,
        "case_id": None,
        "status": status,
        "repayable": False,
        "revolving_model": None,
        "passed_from_record_id": None,
        "pairing_id": None,
        "helping_organisation": None,
        "eligible_group": verdict.group.value if verdict and verdict.group else None,
        "overridden": bool(verdict and verdict.overridden),
        "override_reason": verdict.override_reason if verdict else None,
        "overridden_by": verdict.overridden_by if verdict else None,
        "request": request,
        "recorded_at": now,
    }
    unknown = set(extra) - set(row)
    if unknown:
        msg = f"unknown record fields {sorted(unknown)}"
        raise TypeError(msg)
    row.update(extra)
    return row


def disbursed(row: dict[str, Any], correlation_id: str, now: datetime) -> SupportDisbursed:
    """The ``support.disbursed`` event of a record row (no personal data: codes and amounts)."""
    payload = DisbursementPayload(
        disbursement_id=row["record_id"],
        household_code=row["household_code"],
        commune_code=row["commune_code"],
        kind=SupportKind(row["kind"]),
        programme_code=row["programme_code"],
        funding_source=FundingSource(row["funding_source"]),
        amount_vnd=row["amount_vnd"],
        quantity=row["quantity"],
        unit=row["unit"],
        item=row["item"],
        repayable=row["repayable"],
        helping_organisation=row["helping_organisation"],
        disbursed_on=row["given_on"],
        village_code=row["village_code"] or None,
        member_no=row["member_no"],
        record_type=RecordType(row["record_type"]),
        case_id=row["case_id"],
        funding_detail=row["funding_detail"],
        revolving_model=row["revolving_model"],
        passed_from_record_id=row["passed_from_record_id"],
        pairing_id=row["pairing_id"],
        eligible_group=row["eligible_group"],
        overridden=row["overridden"],
    )
    return SupportDisbursed.create(
        payload, producer=PRODUCER, correlation_id=correlation_id, occurred_at=now
    )


def emit(cls: type[Envelope[Any]], payload: BaseModel, correlation_id: str, now: datetime) -> Any:
    return cls.create(payload, producer=PRODUCER, correlation_id=correlation_id, occurred_at=now)


def unused_record_ids(uow: SupportUnitOfWork, ids: list[str], field: str) -> None:
    """409 if a support record already has one of ``ids`` (loans, cards, enrolments and
    housing parts are records of the ledger too, so they share its ids)."""
    for rid in ids:
        if uow.ledger.exists(records, "record_id", rid):
            raise DomainError(
                field,
                f"Mã {rid} đã được dùng cho một khoản hỗ trợ khác.",
                f"Id {rid} is already used by another support record.",
                ErrorKind.CONFLICT,
                code="id_in_use",
            )


def audit(
    uow: SupportUnitOfWork,
    actor: Actor,
    action: str,
    target: tuple[str, str],
    *,
    commune_code: str | None,
    village_code: str | None = None,
    after: dict[str, Scalar],
    before: dict[str, Scalar] | None = None,
    correlation_id: str,
) -> None:
    """Stage the audit entry of a write in its transaction (codes, amounts and statuses only:
    no names, notes or reasons). ``target`` is (kind, id), a household wherever there is one,
    so that an auditor follows one household's trail."""
    uow.audit(
        actor,
        action,
        target[0],
        target[1],
        service=PRODUCER,
        area=AccessArea(commune=commune_code or None, village=village_code or None),
        before=before,
        after=after,
        correlation_id=correlation_id,
    )


def row_audit(row: dict[str, Any]) -> dict[str, Scalar]:
    """What the audit trail keeps of a ledger row."""
    return {
        "record_id": row["record_id"],
        "record_type": row["record_type"],
        "programme_code": row["programme_code"],
        "kind": row["kind"],
        "funding_source": row["funding_source"],
        "amount_vnd": row["amount_vnd"],
        "given_on": row["given_on"].isoformat(),
        "member_no": row["member_no"],
        "overridden": row["overridden"],
    }


def missing(what_vi: str, what_en: str, value: str, field: str) -> DomainError:
    return not_found(field, what_vi, what_en, value)
