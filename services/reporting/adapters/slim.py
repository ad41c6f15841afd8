"""Classification events as reporting reads them, in its consumer and in a bulk rebuild: the
household's facts taken straight from the entry's JSON, without building the contract's models.

Every event on ``household.classified`` was validated by its producer (assessment) against
``HouseholdClassified`` before it was published; reporting trusts the contract's shape and
takes only the fields it keeps (codes are still checked against their enumerations), about
5× cheaper than validating every indicator's reason and member profile again. An entry that
does not have the expected shape is decoded with the full model instead, which names what is
wrong. The facts themselves are derived in one place,
:func:`~services.reporting.domain.households.assemble_facts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import orjson

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

_STAGES = frozenset(x.value for x in ReviewStage)
_STATUSES = frozenset(x.value for x in PovertyStatus)
_TRANSITIONS = frozenset(x.value for x in Transition)
_SEXES = frozenset(x.value for x in Sex)
_CAUSES = frozenset(x.value for x in PovertyCause)
_NEEDS = frozenset(x.value for x in SupportKind)


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


def order_key(survey_order_key: str, occurred_at: datetime, event_id: str) -> str:
    """Which classification of a household is current: the later survey; for one survey, the
    later event (then its id), so that any replay order keeps the same one."""
    return f"{survey_order_key}|{occurred_at.astimezone(UTC).isoformat()}|{event_id}"


def _code(value: Any, allowed: frozenset[str]) -> str:
    if value not in allowed:
        raise ValueError(value)
    return str(value)


def _codes(values: Any, allowed: frozenset[str]) -> list[str]:
    if not allowed.issuperset(values):
        raise ValueError(values)
    return list(values)


def read_trusted(body: bytes, definitions: ReportDefinitions) -> ReadClassification:
    """The classification in ``body`` read straight from its JSON (raises ``KeyError``,
    ``TypeError`` or ``ValueError`` if it does not have the contract's shape)."""
    d = orjson.loads(body)
    if d["event_type"] != EVENT_TYPE:
        raise ValueError(d["event_type"])
    event_id = str(d["event_id"])
    p = d["payload"]
    at = datetime.fromisoformat(d["occurred_at"])
    if at.tzinfo is None:
        raise ValueError(d["occurred_at"])
    order = order_key(p["survey_order_key"], at, event_id)
    previous = p.get("previous_status")
    until = p.get("newly_escaped_until")
    sex = p.get("head_sex")
    indicators = [(i["code"], i["dimension"], i["deprived"] is True) for i in p["indicators"]]
    facts = assemble_facts(
        definitions,
        review_year=int(p["review_year"]),
        standard_id=str(p["standard_id"]),
        stage=_code(p["stage"], _STAGES),
        household_code=str(p["household_code"]),
        survey_id=str(p["survey_id"]),
        order_key=order,
        province_code=str(p["province_code"]),
        commune_code=str(p["commune_code"]),
        village_code=str(p["village_code"]),
        status=_code(p["status"], _STATUSES),
        previous_status=_code(previous, _STATUSES) if previous else None,
        transition=_code(p["transition"], _TRANSITIONS),
        member_count=int(p["member_count"]),
        head_ethnicity=str(p["head_ethnicity"]),
        head_sex=_code(sex, _SEXES) if sex else None,
        members=[
            (
                int(m["age"]),
                m["able_to_work"] is True,
                m["health_insured"] is True,
                m.get("malnourished"),
                m["attending_school"] is True,
            )
            for m in p.get("members", ())
        ],
        indicators=indicators,
        causes=_codes(p.get("causes", ()), _CAUSES),
        needs=_codes(p.get("needs", ()), _NEEDS),
        newly_escaped_until=date.fromisoformat(until) if until else None,
        low_income_worker_household=p.get("low_income_worker_household", False) is True,
    )
    return ReadClassification(
        event_id,
        facts.standard_id,
        order,
        facts,
        tuple((code, dim) for code, dim, _ in indicators),
    )


def read_classification(body: bytes, definitions: ReportDefinitions) -> ReadClassification:
    """The classification event in ``body`` as a rebuild keeps it (decoded with the full model
    if it is not as expected; that raises if it is not a valid event)."""
    try:
        return read_trusted(body, definitions)
    except (KeyError, TypeError, ValueError, AttributeError):
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
    )
