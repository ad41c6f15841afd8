"""Why a stored result is what it is: each indicator's reason, rendered when it is read.

Classification events from schema version 2 on, and the results assessment stores (the
events as published), carry each indicator's code, dimension and deprived flag only. The
reasons are rendered on read by the engine's explained path (:func:`classify`) on the stored
survey under the standard the result was classified under. A reason is given only when it is
certainly the one the engine gave: a standard in force has the result's id and ``rule_hash``
(the rule bundle is unchanged), the engine is the same version, and the re-run agrees on the
status and on every indicator. Otherwise (the rules changed since) the reasons are null and
the result says so: never a reason the result was not decided on. Results stored with their
reasons (events of schema version 1) keep them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from services.assessment.domain.classifier import ENGINE_VERSION, classify
from services.assessment.domain.errors import NotClassifiable
from services.assessment.domain.facts import HouseholdFacts
from services.assessment.domain.standard import Standard
from shared.contracts.surveys import SurveyPayload


def needs_rendering(result: Mapping[str, Any]) -> bool:
    """Some indicator of the stored ``result`` (a payload as JSON values) has no reason."""
    return any(i.get("reason") is None for i in result["indicators"])


def with_reasons(
    result: Mapping[str, Any],
    survey: SurveyPayload | None,
    facts: HouseholdFacts | None,
    standards: Sequence[Standard],
) -> dict[str, Any]:
    """``result`` (a stored payload as JSON values) with every indicator's ``reason``, and
    ``explained`` (whether they are given) and ``reasons_from``: ``"stored"`` (the result
    carries them: events of schema version 1), ``"rendered"`` (from its survey under the same
    rule bundle) or None (the rules changed since: every reason null). ``survey``: the survey
    the result was classified from (``facts``: its stored facts, if any); ``standards``: those
    in force."""
    indicators: list[dict[str, Any]] = result["indicators"]
    if not needs_rendering(result):
        return {**result, "explained": True, "reasons_from": "stored"}
    reasons = _rendered(result, survey, facts, standards)
    if reasons is None:
        return {
            **result,
            "indicators": [{**i, "reason": None} for i in indicators],
            "explained": False,
            "reasons_from": None,
        }
    return {
        **result,
        "indicators": [{**i, "reason": r} for i, r in zip(indicators, reasons, strict=True)],
        "explained": True,
        "reasons_from": "rendered",
    }


def _rendered(
    result: Mapping[str, Any],
    survey: SurveyPayload | None,
    facts: HouseholdFacts | None,
    standards: Sequence[Standard],
) -> list[str] | None:
    """The reasons of ``result``'s indicators re-rendered from ``survey``, or None if they
    might not be the ones it was decided on."""
    if survey is None or survey.survey_id != result["survey_id"]:
        return None
    if result["engine_version"] != ENGINE_VERSION:
        return None
    standard = next(
        (
            s
            for s in standards
            if s.id == result["standard_id"] and s.rule_hash == result["rule_hash"]
        ),
        None,
    )
    if standard is None:
        return None
    try:
        again = classify(survey, standard, facts)
    except NotClassifiable:
        return None
    stored = [(i["code"], i["dimension"], i["deprived"]) for i in result["indicators"]]
    if again.status.value != result["status"] or stored != [
        (i.code, i.dimension, i.deprived) for i in again.indicators
    ]:
        return None
    return [i.reason for i in again.indicators]
