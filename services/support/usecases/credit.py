"""Policy credit: disburse a loan, record repayments, extensions and write-offs; a loan's
state on a day; the portfolio per commune. Arithmetic and conventions: ``domain.credit``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import Field

from services.support.adapters.credit_repo import StoredLoan
from services.support.adapters.tables import loan_facts, loans
from services.support.adapters.uow import SupportUnitOfWork
from services.support.domain.catalogue import Catalogue, CreditTerms
from services.support.domain.credit import (
    FactKind,
    LoanFact,
    LoanReason,
    LoanState,
    LoanTerms,
    default_every_months,
    evaluate,
    schedule,
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
    check_source,
    disbursed,
    emit,
    household,
    member,
    missing,
    not_future,
    record_row,
    replayed,
    retried_on_race,
    stored_json,
    today,
    unused_record_ids,
)
from services.support.usecases.ledger import enter
from services.support.views import (
    Instalment,
    LoanDetail,
    LoanView,
    Portfolio,
    Recorded,
)
from shared.access.model import Actor
from shared.contracts import credit as contract
from shared.contracts.codes import FundingSource, RecordType, SupportKind
from shared.errors import DomainError


class LoanRequest(Overridable):
    loan_id: Id = Field(description="Loan id (contract number); idempotency key.")
    household_code: Id = Field(description="Borrowing household.")
    programme_code: Code = Field(description="Credit programme (e.g. VBSP.POOR).")
    principal_vnd: Vnd = Field(gt=0, description="Principal lent, VND.")
    rate_pct: Decimal | None = Field(
        default=None,
        gt=0,
        le=100,
        description="Annual rate, %; one of the programme's rates in force for the household "
        "(default: the lowest of them).",
    )
    term_months: int = Field(ge=1, le=600, description="Term in months.")
    grace_months: int = Field(default=0, ge=0, le=600, description="Months before repaying.")
    every_months: int | None = Field(
        default=None, ge=1, le=600, description="Months between principal instalments."
    )
    disbursed_on: Day = Field(description="Disbursement date.")
    member_no: int | None = Field(
        default=None, ge=1, le=MAX_MEMBER_NO, description="Borrowing member, if one."
    )
    purpose: str | None = Field(default=None, max_length=128, description="What it finances.")


class RepaymentRequest(Request):
    repayment_id: Id = Field(description="Id of the receipt; idempotency key.")
    loan_id: Id = Field(description="Loan repaid.")
    paid_on: Day = Field(description="Date paid.")
    principal_vnd: Vnd = Field(default=0, description="Principal repaid, VND.")
    interest_vnd: Vnd = Field(default=0, description="Interest paid, VND.")


class ExtensionRequest(Request):
    extension_id: Id = Field(description="Id of the extension; idempotency key.")
    loan_id: Id = Field(description="Loan extended.")
    extended_on: Day = Field(description="Date of the decision.")
    instalment_due_on: Day = Field(description="Due date of the instalment extended.")
    new_due_on: Day = Field(description="New due date.")
    reason_code: LoanReason = Field(description="Objective cause.")
    decision_no: str | None = Field(default=None, max_length=64, description="Decision number.")
    note: str | None = Field(default=None, max_length=1000, description="Officer's note.")


class WriteOffRequest(Request):
    write_off_id: Id = Field(description="Id of the write-off; idempotency key.")
    loan_id: Id = Field(description="Loan concerned.")
    written_off_on: Day = Field(description="Date of the decision.")
    principal_vnd: Vnd = Field(default=0, description="Principal written off, VND.")
    interest_vnd: Vnd = Field(default=0, description="Interest written off, VND.")
    reason_code: LoanReason = Field(description="Cause.")
    loss_pct: Decimal | None = Field(default=None, ge=0, le=100, description="Loss of the plan.")
    decision_no: str | None = Field(default=None, max_length=64, description="Decision number.")
    note: str | None = Field(default=None, max_length=1000, description="Officer's note.")


def _credit_terms(programme_code: str, credit: CreditTerms | None) -> CreditTerms:
    if credit is None:
        raise DomainError(
            "programme_code",
            f"«{programme_code}» không phải chương trình tín dụng chính sách.",
            f"'{programme_code}' is not a policy-credit programme.",
            code="not_credit_programme",
        )
    return credit


@retried_on_race
def disburse_loan(
    uow: SupportUnitOfWork,
    catalogue: Catalogue,
    request: LoanRequest,
    *,
    may_override: bool = False,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """Record a policy loan and its schedule. The programme sets who may borrow, the largest
    loan, the longest term and grace, and the rates in force on the date (for the household's
    groups); the rate defaults to the lowest of them."""
    with uow:
        if replayed(uow, loans, "loan_id", request, ("Khoản vay", "Loan")):
            return _recorded(uow.credit.get(request.loan_id), created=False)
        hh = household(uow, request.household_code)
        on = request.disbursed_on
        not_future(on, now, "disbursed_on")
        programme = catalogue.programme(request.programme_code, on)
        credit = _credit_terms(programme.code, programme.credit)
        unused_record_ids(uow, [request.loan_id], "loan_id")
        check_source(programme, FundingSource.POLICY_CREDIT)
        if request.member_no is not None:
            member(hh, request.member_no)
        verdict, st = admit(
            catalogue,
            hh,
            programme,
            SupportKind.CREDIT,
            on,
            amount_vnd=request.principal_vnd,
            member_no=request.member_no,
            override_reason=request.override_reason,
            may_override=may_override,
            actor=actor,
        )
        if credit.max_term_months is not None and request.term_months > credit.max_term_months:
            raise DomainError(
                "term_months",
                f"Thời hạn vay tối đa của «{programme.code}» là {credit.max_term_months} tháng.",
                f"The longest term of '{programme.code}' is {credit.max_term_months} months.",
                code="term_too_long",
            )
        if credit.max_grace_months is not None and request.grace_months > credit.max_grace_months:
            raise DomainError(
                "grace_months",
                f"Thời gian ân hạn tối đa là {credit.max_grace_months} tháng.",
                f"The longest grace period is {credit.max_grace_months} months.",
                code="grace_too_long",
            )
        rates = sorted({r.rate_pct for r in credit.rates_on(on, st.groups)})
        if not rates:
            raise DomainError(
                "disbursed_on",
                f"«{programme.code}» không có lãi suất áp dụng ngày {on.isoformat()}.",
                f"'{programme.code}' has no rate in force on {on.isoformat()}.",
                code="no_rate",
            )
        rate = request.rate_pct if request.rate_pct is not None else rates[0]
        if rate not in rates:
            listed = ", ".join(f"{r.normalize()}%" for r in rates)
            raise DomainError(
                "rate_pct",
                f"Lãi suất của «{programme.code}» áp dụng cho hộ này: {listed}.",
                f"Rates of '{programme.code}' in force for this household: {listed}.",
                code="wrong_rate",
            )
        every = request.every_months or default_every_months(
            request.term_months, request.grace_months
        )
        terms = LoanTerms(
            principal_vnd=request.principal_vnd,
            rate_pct=rate,
            term_months=request.term_months,
            disbursed_on=on,
            grace_months=request.grace_months,
            every_months=every,
            days_in_year=credit.days_in_year,
            overdue_rate_factor=credit.overdue_rate_factor,
        )
        max_ext = credit.max_extension_months(request.term_months)
        state = evaluate(terms, [], today(now), max_extension_months=max_ext)
        uow.credit.add_loan(
            {
                "loan_id": request.loan_id,
                "household_code": hh.household_code,
                "commune_code": hh.commune_code,
                "village_code": hh.village_code,
                "programme_code": programme.code,
                "principal_vnd": terms.principal_vnd,
                "rate_pct": terms.rate_pct,
                "term_months": terms.term_months,
                "grace_months": terms.grace_months,
                "every_months": terms.every_months,
                "days_in_year": terms.days_in_year,
                "overdue_rate_factor": terms.overdue_rate_factor,
                "max_extension_months": max_ext,
                "disbursed_on": on,
                "request": stored_json(request),
                "recorded_at": now,
            },
            state,
        )
        row = record_row(
            record_id=request.loan_id,
            hh=hh,
            programme_code=programme.code,
            kind=SupportKind.CREDIT,
            funding_source=FundingSource.POLICY_CREDIT,
            amount_vnd=request.principal_vnd,
            given_on=on,
            record_type=RecordType.LOAN,
            status=state.status.value,
            verdict=verdict,
            now=now,
            member_no=request.member_no,
            item=request.purpose,
            case_id=request.loan_id,
            repayable=True,
        )
        enter(
            uow,
            [row],
            override_reason=request.override_reason,
            may_override=may_override,
            actor=actor,
            correlation_id=correlation_id,
        )
        ref = _ref(
            request.loan_id, hh.household_code, hh.commune_code, hh.village_code, programme.code
        )
        event = contract.LoanDisbursedPayload(
            **ref,
            **_after(state),
            principal_vnd=terms.principal_vnd,
            rate_pct=terms.rate_pct,
            term_months=terms.term_months,
            grace_months=terms.grace_months,
            every_months=terms.every_months,
            disbursed_on=on,
            maturity_on=terms.maturity_on,
            days_in_year=terms.days_in_year,
            eligible_group=row["eligible_group"],
            overridden=row["overridden"],
        )
        uow.stage(
            [
                disbursed(row, correlation_id, now),
                emit(contract.LoanDisbursed, event, correlation_id, now),
            ]
        )
        audit(
            uow,
            actor,
            "loan.disbursed",
            ("household", hh.household_code),
            commune_code=hh.commune_code,
            village_code=hh.village_code,
            after={
                "loan_id": request.loan_id,
                "programme_code": programme.code,
                "principal_vnd": terms.principal_vnd,
                "rate_pct": str(terms.rate_pct),
                "term_months": terms.term_months,
                "disbursed_on": on.isoformat(),
                "status": state.status.value,
                "overridden": row["overridden"],
            },
            correlation_id=correlation_id,
        )
        uow.commit()
        return Recorded(
            id=request.loan_id,
            created=True,
            commune_code=hh.commune_code,
            village_code=hh.village_code,
            overridden=verdict.overridden,
            eligible_group=row["eligible_group"],
            events=2,
        )


def _ref(
    loan_id: str, household_code: str, commune: str, village: str, programme: str
) -> dict[str, str]:
    return {
        "loan_id": loan_id,
        "household_code": household_code,
        "commune_code": commune,
        "village_code": village,
        "programme_code": programme,
    }


def _after(state: LoanState) -> dict[str, object]:
    return {
        "status": state.status,
        "outstanding_vnd": state.outstanding_vnd,
        "open_instalments": [
            contract.Instalment(due_on=i.due_on, principal_vnd=i.principal_vnd)
            for i in state.open_instalments
        ],
    }


def _recorded(loan: StoredLoan | None, *, created: bool, events: int = 0) -> Recorded:
    if loan is None:  # pragma: no cover - looked up in the same transaction
        raise DomainError("loan_id", "Không tìm thấy khoản vay.", "Loan not found.")
    return Recorded(
        id=loan.loan_id,
        created=created,
        commune_code=loan.commune_code,
        village_code=loan.village_code,
        events=events,
    )


def _loan(uow: SupportUnitOfWork, loan_id: str, *, lock: bool = True) -> StoredLoan:
    if lock:
        uow.ledger.lock(loans, "loan_id", loan_id)
    loan = uow.credit.get(loan_id)
    if loan is None:
        raise missing("khoản vay", "loan", loan_id, "loan_id")
    return loan


def _apply(
    uow: SupportUnitOfWork, loan: StoredLoan, fact: LoanFact, now: datetime
) -> tuple[LoanState, LoanState]:
    """The loan's state on the fact's day before it, and today's state with it (validating
    every fact in date order)."""
    facts = uow.credit.facts(loan.loan_id)
    before = evaluate(loan.terms, facts, fact.on, max_extension_months=loan.max_extension_months)
    after = evaluate(
        loan.terms,
        [*facts, fact],
        max(today(now), fact.on),
        max_extension_months=loan.max_extension_months,
    )
    return before, after


def _fact_row(
    fact: LoanFact, loan_id: str, request: Request, now: datetime, **extra: object
) -> dict[str, Any]:
    return {
        "fact_id": fact.fact_id,
        "loan_id": loan_id,
        "kind": fact.kind.value,
        "on": fact.on,
        "principal_vnd": fact.principal_vnd,
        "interest_vnd": fact.interest_vnd,
        "instalment_due_on": fact.instalment_due_on,
        "new_due_on": fact.new_due_on,
        "reason_code": None,
        "decision_no": None,
        "loss_pct": None,
        "note": None,
        "request": stored_json(request),
        "recorded_at": now,
        **extra,
    }


def _save(
    uow: SupportUnitOfWork,
    loan: StoredLoan,
    before: LoanState,
    after: LoanState,
    row: dict[str, Any],
    *,
    actor: Actor,
    action: str,
    correlation_id: str,
) -> None:
    uow.credit.add_fact(row)
    uow.credit.save_state(loan, after)
    uow.ledger.set_status(after.status.value, record_id=loan.loan_id)
    audit(
        uow,
        actor,
        action,
        ("household", loan.household_code),
        commune_code=loan.commune_code,
        village_code=loan.village_code,
        before={"status": before.status.value, "outstanding_vnd": before.outstanding_vnd},
        after={
            "loan_id": loan.loan_id,
            "fact_id": str(row["fact_id"]),
            "on": str(row["on"]),
            "principal_vnd": row["principal_vnd"],
            "interest_vnd": row["interest_vnd"],
            "reason_code": row["reason_code"],
            "status": after.status.value,
            "outstanding_vnd": after.outstanding_vnd,
        },
        correlation_id=correlation_id,
    )


@retried_on_race
def record_repayment(
    uow: SupportUnitOfWork,
    request: RepaymentRequest,
    *,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """A repayment of principal and/or interest (partial, full or early)."""
    with uow:
        if replayed(
            uow,
            loan_facts,
            "fact_id",
            request,
            ("Lần trả nợ", "Repayment"),
            key_value=request.repayment_id,
        ):
            return _recorded(uow.credit.get(request.loan_id), created=False)
        loan = _loan(uow, request.loan_id)
        not_future(request.paid_on, now, "paid_on")
        fact = LoanFact(
            request.repayment_id,
            FactKind.REPAYMENT,
            request.paid_on,
            request.principal_vnd,
            request.interest_vnd,
        )
        before, after = _apply(uow, loan, fact, now)
        due = sum(i.principal_vnd for i in before.open_instalments if i.due_on <= fact.on)
        _save(
            uow,
            loan,
            before,
            after,
            _fact_row(fact, loan.loan_id, request, now),
            actor=actor,
            action="loan.repaid",
            correlation_id=correlation_id,
        )
        payload = contract.LoanRepaidPayload(
            **_ref(
                loan.loan_id,
                loan.household_code,
                loan.commune_code,
                loan.village_code,
                loan.programme_code,
            ),
            **_after(after),
            repayment_id=fact.fact_id,
            paid_on=fact.on,
            principal_vnd=fact.principal_vnd,
            interest_vnd=fact.interest_vnd,
            early=fact.principal_vnd > due,
        )
        uow.stage([emit(contract.LoanRepaid, payload, correlation_id, now)])
        uow.commit()
        return _recorded(loan, created=True, events=1)


@retried_on_race
def extend_loan(
    uow: SupportUnitOfWork,
    request: ExtensionRequest,
    *,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """Move the unpaid principal of one instalment to a later date (gia hạn nợ), within the
    programme's longest extension."""
    with uow:
        if replayed(
            uow,
            loan_facts,
            "fact_id",
            request,
            ("Lần gia hạn", "Extension"),
            key_value=request.extension_id,
        ):
            return _recorded(uow.credit.get(request.loan_id), created=False)
        loan = _loan(uow, request.loan_id)
        not_future(request.extended_on, now, "extended_on")
        fact = LoanFact(
            request.extension_id,
            FactKind.EXTENSION,
            request.extended_on,
            instalment_due_on=request.instalment_due_on,
            new_due_on=request.new_due_on,
        )
        before, after = _apply(uow, loan, fact, now)
        moved = next(
            (
                i.principal_vnd
                for i in before.open_instalments
                if i.due_on == fact.instalment_due_on
            ),
            0,
        )
        _save(
            uow,
            loan,
            before,
            after,
            _fact_row(
                fact,
                loan.loan_id,
                request,
                now,
                principal_vnd=moved,
                reason_code=request.reason_code.value,
                decision_no=request.decision_no,
                note=request.note,
            ),
            actor=actor,
            action="loan.extended",
            correlation_id=correlation_id,
        )
        payload = contract.LoanExtendedPayload(
            **_ref(
                loan.loan_id,
                loan.household_code,
                loan.commune_code,
                loan.village_code,
                loan.programme_code,
            ),
            **_after(after),
            extension_id=fact.fact_id,
            extended_on=fact.on,
            instalment_due_on=request.instalment_due_on,
            new_due_on=request.new_due_on,
            principal_vnd=moved,
            reason_code=request.reason_code.value,
        )
        uow.stage([emit(contract.LoanExtended, payload, correlation_id, now)])
        uow.commit()
        return _recorded(loan, created=True, events=1)


@retried_on_race
def write_off_loan(
    uow: SupportUnitOfWork,
    request: WriteOffRequest,
    *,
    actor: Actor,
    correlation_id: str,
    now: datetime,
) -> Recorded:
    """Write off principal and/or interest (xóa nợ) with the cause; a loan whose principal is
    all settled and partly written off ends ``written_off``."""
    with uow:
        if replayed(
            uow,
            loan_facts,
            "fact_id",
            request,
            ("Lần xóa nợ", "Write-off"),
            key_value=request.write_off_id,
        ):
            return _recorded(uow.credit.get(request.loan_id), created=False)
        loan = _loan(uow, request.loan_id)
        not_future(request.written_off_on, now, "written_off_on")
        fact = LoanFact(
            request.write_off_id,
            FactKind.WRITE_OFF,
            request.written_off_on,
            request.principal_vnd,
            request.interest_vnd,
        )
        before, after = _apply(uow, loan, fact, now)
        _save(
            uow,
            loan,
            before,
            after,
            _fact_row(
                fact,
                loan.loan_id,
                request,
                now,
                reason_code=request.reason_code.value,
                decision_no=request.decision_no,
                loss_pct=request.loss_pct,
                note=request.note,
            ),
            actor=actor,
            action="loan.written_off",
            correlation_id=correlation_id,
        )
        payload = contract.LoanWrittenOffPayload(
            **_ref(
                loan.loan_id,
                loan.household_code,
                loan.commune_code,
                loan.village_code,
                loan.programme_code,
            ),
            **_after(after),
            write_off_id=fact.fact_id,
            written_off_on=fact.on,
            principal_vnd=fact.principal_vnd,
            interest_vnd=fact.interest_vnd,
            reason_code=request.reason_code.value,
            loss_pct=request.loss_pct,
        )
        uow.stage([emit(contract.LoanWrittenOff, payload, correlation_id, now)])
        uow.commit()
        return _recorded(loan, created=True, events=1)


def loan_view(loan: StoredLoan, state: LoanState) -> LoanView:
    t = loan.terms
    return LoanView(
        loan_id=loan.loan_id,
        household_code=loan.household_code,
        commune_code=loan.commune_code,
        village_code=loan.village_code,
        programme_code=loan.programme_code,
        principal_vnd=t.principal_vnd,
        rate_pct=t.rate_pct,
        term_months=t.term_months,
        grace_months=t.grace_months,
        every_months=t.every_months,
        disbursed_on=t.disbursed_on,
        maturity_on=state.maturity_on,
        status=state.status.value,
        as_of=state.as_of,
        outstanding_vnd=state.outstanding_vnd,
        principal_paid_vnd=state.principal_paid_vnd,
        principal_written_off_vnd=state.principal_written_off_vnd,
        interest_accrued_vnd=state.interest_accrued_vnd,
        interest_paid_vnd=state.interest_paid_vnd,
        interest_due_vnd=state.interest_due_vnd,
        overdue_vnd=state.overdue_vnd,
        days_past_due=state.days_past_due,
        bucket=state.bucket.value,
        open_instalments=[
            Instalment(due_on=i.due_on, principal_vnd=i.principal_vnd)
            for i in state.open_instalments
        ],
        schedule=[Instalment(due_on=i.due_on, principal_vnd=i.principal_vnd) for i in schedule(t)],
    )


def state_of(uow: SupportUnitOfWork, loan: StoredLoan, on: date) -> LoanState:
    return evaluate(
        loan.terms,
        uow.credit.facts(loan.loan_id),
        on,
        max_extension_months=loan.max_extension_months,
    )


def loan_detail(uow: SupportUnitOfWork, loan_id: str, on: date) -> LoanDetail:
    """A loan as of ``on``: balances, interest accrued, overdue and its bucket, its schedule
    and every fact recorded."""
    with uow:
        loan = _loan(uow, loan_id, lock=False)
        return LoanDetail(
            loan=loan_view(loan, state_of(uow, loan, on)),
            facts=uow.credit.fact_views(loan_id),
        )


def loan_portfolio(
    uow: SupportUnitOfWork,
    on: date,
    commune_codes: tuple[str, ...] = (),
    programme_code: str | None = None,
) -> Portfolio:
    """Active loans per commune (and ``*`` for all): count, outstanding, overdue and its
    ageing buckets on ``on``, outstanding by programme."""
    with uow:
        return uow.credit.portfolio(on, commune_codes, programme_code)
