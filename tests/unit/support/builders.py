"""Builders for support's domain tests: recognised histories, standings, loans."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache

from services.support.adapters.catalogue_repo import load_catalogue
from services.support.domain.catalogue import Catalogue
from services.support.domain.credit import LoanTerms
from services.support.domain.groups import (
    MemberFacts,
    RecognisedEntry,
    Standing,
    TargetGroup,
    standing,
)
from shared.contracts.codes import PovertyStatus


@cache
def national() -> Catalogue:
    """The national catalogue as shipped."""
    return load_catalogue()


def entry(
    status: str,
    effective_on: date,
    *,
    escaped_until: date | None = None,
    low_income: bool = False,
    key: str = "k",
) -> RecognisedEntry:
    return RecognisedEntry(effective_on, PovertyStatus(status), escaped_until, low_income, key)


def worker(
    no: int = 1, *, age: int = 35, working_age: bool = True, disability: bool = False
) -> MemberFacts:
    return MemberFacts(no, age, working_age, working_age, disability)


def standing_of(
    status: str | None,
    on: date,
    *,
    escaped_until: date | None = None,
    low_income: bool = False,
    ethnicity: str = "kinh",
    areas: frozenset[TargetGroup] = frozenset(),
    members: tuple[MemberFacts, ...] = (),
    member_no: int | None = None,
) -> Standing:
    """A household recognised ``status`` a year before ``on`` (``None``: never recognised)."""
    history = (
        []
        if status is None
        else [
            entry(
                status,
                date(on.year - 1, 12, 10),
                escaped_until=escaped_until,
                low_income=low_income,
            )
        ]
    )
    return standing(
        history,
        on,
        head_ethnicity=ethnicity,
        members=members,
        member_no=member_no,
        area_groups=areas,
    )


def loan(
    principal: int = 12_000_000,
    *,
    rate: str = "6.6",
    term: int = 12,
    every: int = 3,
    grace: int = 0,
    on: date = date(2024, 1, 15),
) -> LoanTerms:
    return LoanTerms(
        principal_vnd=principal,
        rate_pct=Decimal(rate),
        term_months=term,
        disbursed_on=on,
        grace_months=grace,
        every_months=every,
    )
