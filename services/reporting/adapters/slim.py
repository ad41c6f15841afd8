"""Classification events read for a bulk rebuild: only what reporting keeps, decoded without
building the contract's models.

Every event on ``household.classified`` was validated by its producer (assessment) against
``HouseholdClassified`` and again by reporting when it was first applied; a rebuild reads the
same entries again, so it trusts the contract and takes the fields it needs straight from the
JSON (about 7× cheaper than validating every indicator's reason and every member profile).
An entry that does not have the expected shape is decoded with the full model instead, which
names what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

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


@dataclass(frozen=True, slots=True)
class SlimIndicator:
    code: str
    dimension: str
    deprived: bool


@dataclass(frozen=True, slots=True)
class SlimMember:
    age: int
    able_to_work: bool
    working_age: bool
    health_insured: bool
    malnourished: bool | None
    attending_school: bool


@dataclass(frozen=True, slots=True)
class SlimClassification:
    """The fields of ``ClassificationPayload`` that reporting reads (``ClassificationLike``)."""

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
    previous_status: PovertyStatus | None
    newly_escaped_until: date | None
    indicators: tuple[SlimIndicator, ...]
    low_income_worker_household: bool
    member_count: int
    head_ethnicity: str
    head_sex: Sex | None
    members: tuple[SlimMember, ...]
    causes: tuple[PovertyCause, ...]
    needs: tuple[SupportKind, ...]


@dataclass(frozen=True, slots=True)
class SlimEvent:
    event_id: str
    event_type: str
    occurred_at: datetime
    payload: SlimClassification


def _payload(p: dict[str, Any]) -> SlimClassification:
    previous = p.get("previous_status")
    until = p.get("newly_escaped_until")
    sex = p.get("head_sex")
    return SlimClassification(
        survey_id=p["survey_id"],
        household_code=p["household_code"],
        province_code=p["province_code"],
        commune_code=p["commune_code"],
        village_code=p["village_code"],
        review_year=int(p["review_year"]),
        survey_order_key=p["survey_order_key"],
        standard_id=p["standard_id"],
        stage=ReviewStage(p["stage"]),
        status=PovertyStatus(p["status"]),
        transition=Transition(p["transition"]),
        previous_status=PovertyStatus(previous) if previous else None,
        newly_escaped_until=date.fromisoformat(until) if until else None,
        indicators=tuple(
            SlimIndicator(i["code"], i["dimension"], bool(i["deprived"])) for i in p["indicators"]
        ),
        low_income_worker_household=bool(p.get("low_income_worker_household", False)),
        member_count=int(p["member_count"]),
        head_ethnicity=p["head_ethnicity"],
        head_sex=Sex(sex) if sex else None,
        members=tuple(
            SlimMember(
                m["age"],
                m["able_to_work"],
                m["working_age"],
                m["health_insured"],
                m.get("malnourished"),
                m["attending_school"],
            )
            for m in p.get("members", ())
        ),
        causes=tuple(PovertyCause(c) for c in p.get("causes", ())),
        needs=tuple(SupportKind(n) for n in p.get("needs", ())),
    )


def decode_classification(body: bytes) -> SlimEvent | HouseholdClassified:
    """The event in ``body`` as reporting reads it (the full model if it is not as expected)."""
    try:
        d = orjson.loads(body)
        if d["event_type"] != EVENT_TYPE:
            raise ValueError(d["event_type"])
        return SlimEvent(
            str(d["event_id"]),
            EVENT_TYPE,
            datetime.fromisoformat(d["occurred_at"]),
            _payload(d["payload"]),
        )
    except (KeyError, TypeError, ValueError, orjson.JSONDecodeError):
        return HouseholdClassified.from_json(body)
