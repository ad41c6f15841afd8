"""Classification events as reporting reads them, in its consumer and in a bulk rebuild: the
household's facts taken straight from the entry's JSON, without building the contract's models.

Every event on ``household.classified`` was validated by its producer (assessment) against
``HouseholdClassified`` before it was published; reporting trusts the contract's shape and
takes only the fields it keeps (msgspec: those fields typed as in the contract and checked,
every other field skipped without being built), several times cheaper than validating every
indicator's reason and member profile again. An entry that
does not have the expected shape is decoded with the full model instead, which names what is
wrong. The facts themselves are derived in one place,
:func:`~services.reporting.domain.households.assemble_facts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from services.reporting.domain.definitions import ReportDefinitions
from services.reporting.domain.households import (
    HouseholdFacts,
    assemble_facts,
    household_facts,
)
from shared.contracts.classifications import HouseholdClassified
from shared.contracts.codes import (
    PovertyCause,
    PovertyStatus,
    ReviewStage,
    Sex,
    SupportKind,
    Transition,
)

EVENT_TYPE = HouseholdClassified.EVENT_TYPE


class _Indicator(msgspec.Struct, frozen=True):
    code: str
    dimension: str
    deprived: bool


class _Member(msgspec.Struct, frozen=True):
    age: Annotated[int, msgspec.Meta(ge=0)]
    able_to_work: bool
    health_insured: bool
    attending_school: bool
    malnourished: bool | None = None


class _Payload(msgspec.Struct, frozen=True):
    """The fields of ``ClassificationPayload`` reporting keeps, with the contract's types
    (``test_slim_decoding_reads_what_the_contract_reads`` holds the two together)."""

    survey_id: str
    household_code: str
    province_code: str
    commune_code: str
    village_code: str
    review_year: int
    survey_order_key: str
    standard_id: str
    stage: ReviewStage
    status: PovertyStatus
    transition: Transition
    member_count: Annotated[int, msgspec.Meta(ge=0)]
    head_ethnicity: str
    indicators: list[_Indicator]
    previous_status: PovertyStatus | None = None
    newly_escaped_until: date | None = None
    head_sex: Sex | None = None
    members: list[_Member] = []
    causes: list[PovertyCause] = []
    needs: list[SupportKind] = []
    low_income_worker_household: bool = False
    governing: bool = False
    accepted_at: Annotated[datetime, msgspec.Meta(tz=True)] | None = None


class _Event(msgspec.Struct, frozen=True):
    event_id: UUID
    event_type: Literal["HouseholdClassified"]
    occurred_at: Annotated[datetime, msgspec.Meta(tz=True)]
    payload: _Payload


_decode = msgspec.json.Decoder(_Event).decode


@dataclass(frozen=True, slots=True)
class ReadClassification:
    """One classification event as a rebuild keeps it."""

    event_id: str
    standard_id: str
    order_key: str
    """Which classification of a household is current (see :func:`order_key`)."""
    facts: HouseholdFacts
    structure: tuple[tuple[str, str], ...]
    """The standard's indicators in order, (code, dimension)."""
    accepted_at: datetime | None = None
    """When intake accepted the survey, on a governing result proposed from it; None
    otherwise (read for the consumer's latency metric)."""


def order_key(survey_order_key: str, occurred_at: datetime, event_id: str) -> str:
    """Which classification of a household is current: the later survey; for one survey, the
    later event (then its id), so that any replay order keeps the same one."""
    return f"{survey_order_key}|{occurred_at.astimezone(UTC).isoformat()}|{event_id}"


def read_trusted(body: bytes, definitions: ReportDefinitions) -> ReadClassification:
    """The classification in ``body`` read straight from its JSON into the fields reporting
    keeps (raises ``ValueError`` if it does not have the contract's shape for them; fields
    reporting does not read are skipped, not checked)."""
    e = _decode(body)
    event_id = str(e.event_id)
    p = e.payload
    order = order_key(p.survey_order_key, e.occurred_at, event_id)
    indicators = [(i.code, i.dimension, i.deprived) for i in p.indicators]
    facts = assemble_facts(
        definitions,
        review_year=p.review_year,
        standard_id=p.standard_id,
        stage=p.stage.value,
        household_code=p.household_code,
        survey_id=p.survey_id,
        order_key=order,
        province_code=p.province_code,
        commune_code=p.commune_code,
        village_code=p.village_code,
        status=p.status.value,
        previous_status=p.previous_status.value if p.previous_status else None,
        transition=p.transition.value,
        member_count=p.member_count,
        head_ethnicity=p.head_ethnicity,
        head_sex=p.head_sex.value if p.head_sex else None,
        members=[
            (m.age, m.able_to_work, m.health_insured, m.malnourished, m.attending_school)
            for m in p.members
        ],
        indicators=indicators,
        causes=[c.value for c in p.causes],
        needs=[n.value for n in p.needs],
        newly_escaped_until=p.newly_escaped_until,
        low_income_worker_household=p.low_income_worker_household,
    )
    return ReadClassification(
        event_id,
        p.standard_id,
        order,
        facts,
        tuple((code, dim) for code, dim, _ in indicators),
        p.accepted_at if p.governing else None,
    )


def read_classification(body: bytes, definitions: ReportDefinitions) -> ReadClassification:
    """The classification event in ``body`` as a rebuild keeps it (decoded with the full model
    if it is not as expected; that raises if it is not a valid event)."""
    try:
        return read_trusted(body, definitions)
    except ValueError:  # msgspec's decode errors are ValueErrors
        return read_model(HouseholdClassified.from_json(body), definitions)


def read_model(e: HouseholdClassified, definitions: ReportDefinitions) -> ReadClassification:
    """A decoded classification event as a rebuild keeps it."""
    p = e.payload
    order = order_key(p.survey_order_key, e.occurred_at, str(e.event_id))
    return ReadClassification(
        str(e.event_id),
        p.standard_id,
        order,
        household_facts(p, definitions, order_key=order),
        tuple((i.code, i.dimension) for i in p.indicators),
        p.accepted_at if p.governing else None,
    )
