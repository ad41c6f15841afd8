"""Form fields to API bodies and API problems back to form fields.

The services validate (one set of rules, one set of messages); this module only shapes the
form into the JSON the API takes, catching what a form alone can get wrong (a number typed as
text), and maps each problem the API names (``members.0.age``) to the field showing it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from shared.contracts.codes import (
    Asset,
    Employment,
    FundingSource,
    Latrine,
    Material,
    PovertyCause,
    Qualification,
    Relation,
    SchoolLevel,
    Sex,
    SupportKind,
    WasteHandling,
    WaterSource,
    WorkCapacity,
)

MEMBER_ROWS = 6
CHOICES: dict[str, list[str]] = {
    "material": [m.value for m in Material],
    "water_source": [w.value for w in WaterSource],
    "latrine": [x.value for x in Latrine],
    "waste_handling": ["", *[w.value for w in WasteHandling]],
    "asset": [a.value for a in Asset],
    "cause": [c.value for c in PovertyCause],
    "need": [k.value for k in SupportKind],
    "sex": [x.value for x in Sex],
    "relation": [r.value for r in Relation],
    "employment": [e.value for e in Employment],
    "school": [x.value for x in SchoolLevel],
    "qualification": [q.value for q in Qualification],
    "work_capacity": [w.value for w in WorkCapacity],
    "kind": [k.value for k in SupportKind],
    "funding_source": [f.value for f in FundingSource],
}
MEMBER_FIELDS = (
    "age",
    "sex",
    "relation",
    "ethnicity",
    "employment",
    "work_capacity",
    "attending_school",
    "highest_qualification",
    "has_health_insurance",
    "has_disability",
)


def survey_defaults(today: date, communes: list[str] | None) -> dict[str, str]:
    return {
        "survey_id": new_survey_id(),
        "household_code": "",
        "commune_code": (communes or [""])[0],
        "village_code": "",
        "year": str(today.year),
        "surveyed_on": today.isoformat(),
        "income": "",
        "floor_area_m2": "",
        "member.0.relation": "head",
    }


def new_survey_id() -> str:
    """A fresh survey id for a form (the idempotency key: sending the same form twice stores
    one survey)."""
    return f"WEB-{uuid.uuid4().hex[:16].upper()}"


def _int(values: dict[str, str], key: str, errors: dict[str, str]) -> int | None:
    raw = values.get(key, "").strip().replace(".", "").replace(" ", "")
    if raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        errors[key] = "number"
        return None


def _float(values: dict[str, str], key: str, errors: dict[str, str]) -> float | None:
    raw = values.get(key, "").strip().replace(",", ".")
    if raw == "":
        return None
    try:
        return float(raw)
    except ValueError:
        errors[key] = "number"
        return None


def survey_body(
    values: dict[str, str], lists: dict[str, list[str]]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The ``POST /surveys`` body of the one-household form, and the fields that are not even
    numbers (message keys, shown beside them)."""
    errors: dict[str, str] = {}
    members: list[dict[str, Any]] = []
    for i in range(MEMBER_ROWS):
        p = f"member.{i}."
        if not values.get(p + "age", "").strip():
            continue
        members.append(
            {
                "member_no": len(members) + 1,
                "age": _int(values, p + "age", errors),
                "sex": values.get(p + "sex") or None,
                "relation": values.get(p + "relation") or None,
                "ethnicity": values.get(p + "ethnicity", "").strip() or "kinh",
                "employment": values.get(p + "employment") or None,
                "work_capacity": values.get(p + "work_capacity") or "full",
                "attending_school": values.get(p + "attending_school") or "none",
                "highest_qualification": values.get(p + "highest_qualification") or "none",
                "has_health_insurance": values.get(p + "has_health_insurance") == "on",
                "has_disability": values.get(p + "has_disability") == "on",
            }
        )
    surveyed_on = values.get("surveyed_on", "").strip()
    body: dict[str, Any] = {
        "survey_id": values.get("survey_id", "").strip() or new_survey_id(),
        "household_code": values.get("household_code", "").strip(),
        "commune_code": values.get("commune_code", "").strip(),
        "village_code": values.get("village_code", "").strip(),
        "review_round": {"year": _int(values, "year", errors), "kind": "periodic"},
        "surveyed_at": f"{surveyed_on}T08:00:00+07:00" if surveyed_on else "",
        "head_name": values.get("head_name", "").strip() or None,
        "livelihood_agriculture": values.get("livelihood_agriculture") == "on",
        "income": {"basis": "vnd_per_capita_month", "value": _int(values, "income", errors)},
        "housing": {
            "pillars": values.get("pillars") or None,
            "walls": values.get("walls") or None,
            "roof": values.get("roof") or None,
            "floor_area_m2": _float(values, "floor_area_m2", errors),
        },
        "water_source": values.get("water_source") or None,
        "latrine": values.get("latrine") or None,
        "uses_telecom": values.get("uses_telecom") == "on",
        "uses_internet": values.get("uses_internet") == "on",
        "assets": lists.get("assets", []),
        "waste_handling": values.get("waste_handling") or None,
        "causes": lists.get("causes", []),
        "needs": lists.get("needs", []),
        "members": members,
    }
    return _without_blanks(body), errors


def _without_blanks(value: Any) -> Any:
    """Fields left blank are left out (the API then says «required» rather than «not in the
    list»)."""
    if isinstance(value, dict):
        return {k: _without_blanks(v) for k, v in value.items() if v is not None and v != ""}
    if isinstance(value, list):
        return [_without_blanks(v) for v in value]
    return value


_FIELD_OF = {
    "review_round.year": "year",
    "surveyed_at": "surveyed_on",
    "income.value": "income",
    "income": "income",
    "housing.pillars": "pillars",
    "housing.walls": "walls",
    "housing.roof": "roof",
    "housing.floor_area_m2": "floor_area_m2",
}


def form_errors(by_field: dict[str, str]) -> dict[str, str]:
    """API field paths to form field names (``members.0.age`` → ``member.0.age``); what maps
    to no field is shown at the top of the form (key ``""``)."""
    out: dict[str, str] = {}
    for name, message in by_field.items():
        key = _FIELD_OF.get(name, name)
        if key.startswith("members."):
            key = "member." + key.removeprefix("members.")
        out[key] = (out[key] + "; " if key in out else "") + message
    return out


# -- support actions -------------------------------------------------------------------------


@dataclass(frozen=True)
class FormField:
    name: str
    kind: str = "text"  # text | number | date | select | checkbox | programme
    choices: str = ""
    required: bool = True


@dataclass(frozen=True)
class Action:
    path: str
    id_field: str
    fields: tuple[FormField, ...]
    eligibility: bool = False


SUPPORT_ACTIONS: dict[str, Action] = {
    "record": Action(
        "/records",
        "disbursement_id",
        (
            FormField("household_code"),
            FormField("programme_code", "programme"),
            FormField("kind", "select", "kind"),
            FormField("funding_source", "select", "funding_source"),
            FormField("amount_vnd", "number"),
            FormField("item", required=False),
            FormField("disbursed_on", "date"),
            FormField("override_reason", required=False),
        ),
        eligibility=True,
    ),
    "loan": Action(
        "/loans",
        "loan_id",
        (
            FormField("household_code"),
            FormField("programme_code", "programme"),
            FormField("principal_vnd", "number"),
            FormField("term_months", "number"),
            FormField("disbursed_on", "date"),
            FormField("purpose", required=False),
        ),
        eligibility=True,
    ),
    "repayment": Action(
        "/loans/repayments",
        "repayment_id",
        (
            FormField("loan_id"),
            FormField("paid_on", "date"),
            FormField("principal_vnd", "number"),
            FormField("interest_vnd", "number", required=False),
        ),
    ),
    "training": Action(
        "/training/completions",
        "",
        (
            FormField("enrolment_id"),
            FormField("completed_on", "date"),
            FormField("certificate"),
            FormField("occupation"),
        ),
    ),
    "visit": Action(
        "/pairings/visits",
        "visit_id",
        (
            FormField("pairing_id"),
            FormField("visited_on", "date"),
            FormField("visitor", required=False),
            FormField("notes", required=False),
        ),
    ),
}


def support_body(action: Action, values: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    body: dict[str, Any] = {}
    if action.id_field:
        body[action.id_field] = values.get("id", "").strip()
    for f in action.fields:
        raw = values.get(f.name, "").strip()
        if raw == "" and not f.required:
            continue
        if f.kind == "number":
            body[f.name] = _int(values, f.name, errors) if raw else raw
        else:
            body[f.name] = raw
    return body, errors
