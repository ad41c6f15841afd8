"""Classification events as support's register reads them: the household's latest survey,
roster and recognised status taken straight from the entry's JSON, without building the
contract's models.

Every event on ``household.classified`` was validated by its producer (assessment) against
``HouseholdClassified`` before it was published. Support trusts the contract's shape and takes
only the fields it keeps; codes are still checked against their enumerations and the numbers
it stores against the contract's bounds. Validating every indicator's prose reason again (which
support never reads) was most of support's cost per survey. A baseline or what-if
classification (``governing: false``) is read no further than its id: support skips it. An
entry that does not have the expected shape is decoded with the full model instead, which
raises a ``ValidationError`` naming what is wrong (the consumer dead-letters the entry).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, NamedTuple
from uuid import UUID

import orjson

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

_STAGES = {x.value: x for x in ReviewStage}
_STATUSES = {x.value: x for x in PovertyStatus}
_TRANSITIONS = {x.value: x for x in Transition}
_SEXES = {x.value: x for x in Sex}
_SEX_CODES = {x.value: x.value for x in Sex}
_ONLY_BOOL = frozenset({bool})
_CANONICAL_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_CAUSES = frozenset(x.value for x in PovertyCause)
_NEEDS = frozenset(x.value for x in SupportKind)


class RosterMember(NamedTuple):
    """One member of the survey's roster as the register keeps it (in the columns' order)."""

    member_no: int
    age: int
    sex: str
    working_age: bool
    able_to_work: bool
    health_insured: bool
    disability: bool
    attending_school: bool


class Classification(NamedTuple):
    """A governing classification: what the register keeps of it (a named tuple: built
    for every event, it costs half of a frozen dataclass)."""

    event_id: str
    occurred_at: datetime
    household_code: str
    commune_code: str
    village_code: str
    survey_id: str
    survey_order_key: str
    review_year: int
    surveyed_at: datetime
    stage: ReviewStage
    status: PovertyStatus
    transition: Transition
    newly_escaped_until: date | None
    member_count: int
    head_ethnicity: str
    head_sex: Sex | None
    low_income_worker_household: bool
    members: tuple[RosterMember, ...]
    causes: tuple[str, ...]
    needs: tuple[str, ...]


class Skipped(NamedTuple):
    """A baseline or what-if classification (not the governing standard's): only its id is
    kept, so that it is recorded as processed."""

    event_id: str


ReadClassification = Classification | Skipped


def read_classification(body: bytes) -> ReadClassification:
    """The classification event in ``body`` as support keeps it (decoded with the full model
    if it is not as expected; that raises if it is not a valid event)."""
    try:
        return _skipped(body) or read_trusted(body)
    except (KeyError, TypeError, ValueError, AttributeError):
        return from_model(HouseholdClassified.model_validate_json(body))


def from_model(e: HouseholdClassified) -> ReadClassification:
    """A decoded classification event as support keeps it."""
    p = e.payload
    if not p.governing:
        return Skipped(str(e.event_id))
    return Classification(
        event_id=str(e.event_id),
        occurred_at=e.occurred_at,
        household_code=p.household_code,
        commune_code=p.commune_code,
        village_code=p.village_code,
        survey_id=p.survey_id,
        survey_order_key=p.survey_order_key,
        review_year=p.review_year,
        surveyed_at=p.surveyed_at,
        stage=p.stage,
        status=p.status,
        transition=p.transition,
        newly_escaped_until=p.newly_escaped_until,
        member_count=p.member_count,
        head_ethnicity=p.head_ethnicity,
        head_sex=p.head_sex,
        low_income_worker_household=p.low_income_worker_household,
        members=tuple(
            RosterMember(
                m.member_no,
                m.age,
                m.sex.value,
                m.working_age,
                m.able_to_work,
                m.health_insured,
                m.disability,
                m.attending_school,
            )
            for m in p.members
        ),
        causes=tuple(c.value for c in p.causes),
        needs=tuple(n.value for n in p.needs),
    )


def read_trusted(body: bytes) -> ReadClassification:
    """The classification in ``body`` read straight from its JSON (raises ``KeyError``,
    ``TypeError``, ``ValueError`` or ``AttributeError`` if it does not have the contract's
    shape, or a value support keeps is out of its enumeration or bounds)."""
    d = orjson.loads(body)
    if d["event_type"] != EVENT_TYPE:
        raise ValueError(d["event_type"])
    event_id = _event_id(d["event_id"])
    p = d["payload"]
    governing = p["governing"]
    if governing is False:
        return Skipped(event_id)
    if governing is not True:
        raise TypeError(governing)
    until = p.get("newly_escaped_until")
    sex = p.get("head_sex")
    causes = tuple(p.get("causes", ()))
    needs = tuple(p.get("needs", ()))
    if not (_CAUSES.issuperset(causes) and _NEEDS.issuperset(needs)):
        raise ValueError((causes, needs))
    return Classification(
        event_id=event_id,
        occurred_at=_aware(d["occurred_at"]),
        household_code=_text(p["household_code"]),
        commune_code=_text(p["commune_code"]),
        village_code=_text(p["village_code"]),
        survey_id=_text(p["survey_id"]),
        survey_order_key=_text(p["survey_order_key"]),
        review_year=_int(p["review_year"], None),
        surveyed_at=_aware(p["surveyed_at"]),
        stage=_STAGES[p["stage"]],
        status=_STATUSES[p["status"]],
        transition=_TRANSITIONS[p["transition"]],
        newly_escaped_until=None if until is None else _date(until),
        member_count=_int(p["member_count"], 1),
        head_ethnicity=_text(p["head_ethnicity"]),
        head_sex=None if sex is None else _SEXES[sex],
        low_income_worker_household=_flag(p["low_income_worker_household"]),
        members=tuple(_member(m) for m in p.get("members", ())),
        causes=causes,
        needs=needs,
    )


_GOVERNING = b'"governing":'
_THIS_TYPE = b'"event_type":"' + EVENT_TYPE.encode() + b'"'
_EVENT_ID = b'"event_id":"'


def _skipped(body: bytes) -> Skipped | None:
    """A baseline or what-if classification recognised without parsing the body, or None.

    In an event of the contract's shape, ``"governing":``, ``"event_type":`` and
    ``"event_id":`` are found only as the keys of those fields: no other object of the
    contract has such keys, and a quote inside a JSON string is escaped. The platform writes
    compact JSON, the envelope's keys first and ``governing`` near the payload's end, so each
    is found after a few bytes' search. Anything else (spaced JSON, a governing
    classification) is left to :func:`read_trusted`.
    """
    flag = body.rfind(_GOVERNING)
    if flag < 0:
        return None
    flag += len(_GOVERNING)
    if body[flag : flag + 6] not in (b"false,", b"false}") or _THIS_TYPE not in body:
        return None
    at = body.find(_EVENT_ID) + len(_EVENT_ID)
    if at < len(_EVENT_ID) or body[at + 36 : at + 37] != b'"':
        return None
    return Skipped(_event_id(body[at : at + 36].decode()))


def _member(m: dict[str, Any]) -> RosterMember:
    row = RosterMember(
        m["member_no"],
        m["age"],
        _SEX_CODES[m["sex"]],
        m["working_age"],
        m["able_to_work"],
        m["health_insured"],
        m["disability"],
        m["attending_school"],
    )
    if (
        type(row.member_no) is not int
        or row.member_no < 1
        or type(row.age) is not int
        or row.age < 0
        or not _ONLY_BOOL.issuperset(map(type, row[3:]))
    ):
        raise ValueError(m)
    return row


def _event_id(value: Any) -> str:
    """The id as the contract model writes it (lowercase, hyphenated): the same event keeps
    one id for idempotency whichever way its entry was read."""
    if type(value) is str and _CANONICAL_ID.fullmatch(value):
        return value
    return str(UUID(value))


def _text(value: Any) -> str:
    if type(value) is not str:
        raise TypeError(value)
    return value


def _int(value: Any, least: int | None) -> int:
    if type(value) is not int or (least is not None and value < least):
        raise ValueError(value)
    return value


def _flag(value: Any) -> bool:
    if type(value) is not bool:
        raise TypeError(value)
    return value


def _aware(value: Any) -> datetime:
    at = datetime.fromisoformat(_text(value))
    if at.tzinfo is None:
        raise ValueError(value)
    return at


def _date(value: Any) -> date:
    text = _text(value)
    if len(text) != 10:
        raise ValueError(value)
    return date.fromisoformat(text)
