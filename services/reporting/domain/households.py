"""What reporting keeps of a classified household, and what it adds to each figure.

A classification (proposed or recognised, under one standard, in one review round) becomes a
:class:`HouseholdFacts`: the household's status and change, and the flags and counts the
year-end tables need (children without insurance, workers, ethnic minority, weighted
deprivation score, ...). :func:`contributions` lists what one household adds to each
pre-aggregated cell; a newer classification of the same household replaces the older one
by subtracting the old contributions and adding the new.

Cells are ``(measure, category)`` pairs per village; a category joins codes with ``|``.
Persons are the household's members, except where a measure says otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from services.reporting.domain.definitions import ReportDefinitions
from services.reporting.domain.structure import cached_structure
from services.reporting.domain.values import Counts
from shared.contracts.codes import (
    PovertyCause,
    PovertyStatus,
    ReviewStage,
    Sex,
    SupportKind,
    Transition,
)

SEP = "|"


class Measure(StrEnum):
    """Pre-aggregated measures; each names how its category is built."""

    STATUS = "status"
    """category: status."""
    CHANGE = "change"
    """category: previous status (empty if none) | status | transition."""
    DEPRIVED = "deprived"
    """category: status | indicator code (households deprived on it)."""
    ETHNICITY = "ethnicity"
    """category: status | ethnic group of the head."""
    HEAD_SEX = "head_sex"
    """category: status | sex of the head (empty if not known)."""
    GROUP = "group"
    """category: status | three flags 0/1: ethnic minority, no labour capacity, female head."""
    CAUSE = "cause"
    """category: status | cause of poverty."""
    NEED = "need"
    """category: status | support need."""
    CHILDREN = "children"
    """category: status | children, uninsured, malnourished or out_of_school; households with at
    least one such child, persons = such children."""
    NEWLY_ESCAPED = "newly_escaped"
    """category: status; households within the newly-escaped period at the decision."""
    LOW_INCOME = "low_income"
    """category: empty; low-income-worker households, persons = their workers."""
    MPI = "mpi"
    """category: weighted score in units | ``*`` (every household) or an indicator code
    (households of that score deprived on it)."""
    LIFE = "life"
    """category: status | left, arrived or split (| transition); moves, splits, merges and
    dissolutions in the change tables, computed when read (``domain.life``), never stored."""


CHILD_KINDS = ("children", "uninsured", "malnourished", "out_of_school")


class MemberLike(Protocol):
    """What reporting reads of a member's profile (the contract's ``MemberProfile``)."""

    @property
    def age(self) -> int: ...
    @property
    def able_to_work(self) -> bool: ...
    @property
    def working_age(self) -> bool: ...
    @property
    def health_insured(self) -> bool: ...
    @property
    def malnourished(self) -> bool | None: ...
    @property
    def attending_school(self) -> bool: ...


class IndicatorLike(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def dimension(self) -> str: ...
    @property
    def deprived(self) -> bool: ...


class ClassificationLike(Protocol):
    """What reporting reads of a classification (the contract's ``ClassificationPayload``)."""

    @property
    def survey_id(self) -> str: ...
    @property
    def household_code(self) -> str: ...
    @property
    def province_code(self) -> str: ...
    @property
    def commune_code(self) -> str: ...
    @property
    def village_code(self) -> str: ...
    @property
    def review_year(self) -> int: ...
    @property
    def survey_order_key(self) -> str: ...
    @property
    def standard_id(self) -> str: ...
    @property
    def stage(self) -> ReviewStage: ...
    @property
    def status(self) -> PovertyStatus: ...
    @property
    def transition(self) -> Transition: ...
    @property
    def previous_status(self) -> PovertyStatus | None: ...
    @property
    def newly_escaped_until(self) -> date | None: ...
    @property
    def indicators(self) -> Sequence[IndicatorLike]: ...
    @property
    def low_income_worker_household(self) -> bool: ...
    @property
    def member_count(self) -> int: ...
    @property
    def head_ethnicity(self) -> str: ...
    @property
    def head_sex(self) -> Sex | None: ...
    @property
    def members(self) -> Sequence[MemberLike]: ...
    @property
    def causes(self) -> Sequence[PovertyCause]: ...
    @property
    def needs(self) -> Sequence[SupportKind]: ...


@dataclass(frozen=True, slots=True)
class HouseholdFacts:
    """One household's figures in one round, under one standard, at one stage."""

    review_year: int
    standard_id: str
    stage: str
    household_code: str
    survey_id: str
    order_key: str
    province_code: str
    commune_code: str
    village_code: str
    status: str
    previous_status: str | None
    transition: str
    member_count: int
    head_ethnicity: str
    head_sex: str | None
    minority: bool
    no_labour: bool
    causes: tuple[str, ...]
    needs: tuple[str, ...]
    deprived: tuple[str, ...]
    children: int
    children_uninsured: int
    children_malnourished: int
    children_out_of_school: int
    newly_escaped_until: date | None
    low_income_worker_household: bool
    workers: int
    mpi_score: int

    @property
    def key(self) -> tuple[int, str, str, str]:
        return (self.review_year, self.standard_id, self.stage, self.household_code)


def _code(value: str) -> str:
    """A code safe inside a category (the separator cannot appear in it)."""
    return value.replace(SEP, "_")


def household_facts(
    c: ClassificationLike, d: ReportDefinitions, *, order_key: str | None = None
) -> HouseholdFacts:
    """The facts reporting keeps of classification ``c`` under definitions ``d``
    (``order_key``: what sorts it among the household's classifications; default: its
    survey's order key)."""
    return assemble_facts(
        d,
        review_year=c.review_year,
        standard_id=c.standard_id,
        stage=c.stage.value,
        household_code=c.household_code,
        survey_id=c.survey_id,
        order_key=order_key or c.survey_order_key,
        province_code=c.province_code,
        commune_code=c.commune_code,
        village_code=c.village_code,
        status=c.status.value,
        previous_status=c.previous_status.value if c.previous_status else None,
        transition=c.transition.value,
        member_count=c.member_count,
        head_ethnicity=c.head_ethnicity,
        head_sex=c.head_sex.value if c.head_sex else None,
        members=[
            (m.age, m.able_to_work, m.health_insured, m.malnourished, m.attending_school)
            for m in c.members
        ],
        indicators=[(i.code, i.dimension, i.deprived) for i in c.indicators],
        causes=[x.value for x in c.causes],
        needs=[x.value for x in c.needs],
        newly_escaped_until=c.newly_escaped_until,
        low_income_worker_household=c.low_income_worker_household,
    )


MemberValues = tuple[int, bool, bool, bool | None, bool]
"""A member as :func:`assemble_facts` reads it: age, able to work, health insured,
malnourished (None: not assessed), attending school."""

IndicatorValues = tuple[str, str, bool]
"""An indicator's result: code, dimension, deprived."""


def assemble_facts(
    d: ReportDefinitions,
    *,
    review_year: int,
    standard_id: str,
    stage: str,
    household_code: str,
    survey_id: str,
    order_key: str,
    province_code: str,
    commune_code: str,
    village_code: str,
    status: str,
    previous_status: str | None,
    transition: str,
    member_count: int,
    head_ethnicity: str,
    head_sex: str | None,
    members: Sequence[MemberValues],
    indicators: Sequence[IndicatorValues],
    causes: Sequence[str],
    needs: Sequence[str],
    newly_escaped_until: date | None,
    low_income_worker_household: bool,
) -> HouseholdFacts:
    """The facts of one classification from its values (the one place that derives them,
    whether the classification was read through the contract's model or straight from its
    JSON in a bulk rebuild).

    Members' profiles give the children, workers and labour capacity; a classification
    without profiles counts no children and no workers and is not flagged as lacking labour
    capacity (nothing is known of its members)."""
    kids = d.children.max_age_exclusive
    school_lo, school_hi = d.school_age.min_age, d.school_age.max_age_exclusive
    children = uninsured = malnourished = out_of_school = workers = 0
    for age, able, insured, malnourished_, attending in members:
        if able:
            workers += 1
        if age < kids:
            children += 1
            if not insured:
                uninsured += 1
            if malnourished_:
                malnourished += 1
        if school_lo <= age < school_hi and not attending:
            out_of_school += 1
    structure = cached_structure(tuple((code, dim) for code, dim, _ in indicators))
    deprived_codes = [code for code, _, deprived in indicators if deprived]
    ethnicity = _code(head_ethnicity.strip().lower())
    return HouseholdFacts(
        review_year=review_year,
        standard_id=standard_id,
        stage=stage,
        household_code=household_code,
        survey_id=survey_id,
        order_key=order_key,
        province_code=province_code,
        commune_code=commune_code,
        village_code=village_code,
        status=status,
        previous_status=previous_status,
        transition=transition,
        member_count=member_count,
        head_ethnicity=ethnicity,
        head_sex=head_sex,
        minority=ethnicity not in d.ethnic_minority.majority_groups,
        no_labour=bool(members) and workers == 0,
        causes=tuple(sorted(set(causes))),
        needs=tuple(sorted(set(needs))),
        deprived=tuple(_code(code) for code in deprived_codes),
        children=children,
        children_uninsured=uninsured,
        children_malnourished=malnourished,
        children_out_of_school=out_of_school,
        newly_escaped_until=newly_escaped_until,
        low_income_worker_household=low_income_worker_household,
        workers=workers,
        mpi_score=structure.score(deprived_codes),
    )


Contribution = tuple[str, str, Counts]
"""(measure, category, counts) added to the household's village."""


def contributions(f: HouseholdFacts) -> list[Contribution]:
    """Every cell household ``f`` adds to (each with one household)."""
    one = Counts(1, f.member_count)
    s = f.status
    out: list[Contribution] = [
        (Measure.STATUS, s, one),
        (Measure.CHANGE, f"{f.previous_status or ''}{SEP}{s}{SEP}{f.transition}", one),
        (Measure.ETHNICITY, f"{s}{SEP}{f.head_ethnicity}", one),
        (Measure.HEAD_SEX, f"{s}{SEP}{f.head_sex or ''}", one),
        (
            Measure.GROUP,
            f"{s}{SEP}{int(f.minority)}{int(f.no_labour)}{int(f.head_sex == Sex.FEMALE)}",
            one,
        ),
        (Measure.MPI, f"{f.mpi_score}{SEP}*", one),
    ]
    out += [(Measure.DEPRIVED, f"{s}{SEP}{code}", one) for code in f.deprived]
    out += [(Measure.MPI, f"{f.mpi_score}{SEP}{code}", one) for code in f.deprived]
    out += [(Measure.CAUSE, f"{s}{SEP}{x}", one) for x in f.causes]
    out += [(Measure.NEED, f"{s}{SEP}{x}", one) for x in f.needs]
    for kind, n in zip(
        CHILD_KINDS,
        (f.children, f.children_uninsured, f.children_malnourished, f.children_out_of_school),
        strict=True,
    ):
        if n:
            out.append((Measure.CHILDREN, f"{s}{SEP}{kind}", Counts(1, n)))
    if f.newly_escaped_until is not None:
        out.append((Measure.NEWLY_ESCAPED, s, one))
    if f.low_income_worker_household:
        out.append((Measure.LOW_INCOME, "", Counts(1, f.workers)))
    return out
