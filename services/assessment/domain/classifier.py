"""Classifies a surveyed household under a poverty standard and explains the result.

One engine: the status and the deprivation mask come from the standard's compiled facts
classifier (``facts``, tabulated from the rule declarations of ``indicators``; the status
rule is ``status``), and a reason is rendered, from the same declaration, only for each
indicator the household is deprived on; the others share their prebuilt not-deprived
outcome. The tests hold a reference classifier, evaluating every rule straight from the
legal text, as the specification the engine must match.

Indicators that depend on the review year (the working-age bound) use the survey's review
year (``review_round.year``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from services.assessment.domain.facts import (
    FactsClassifier,
    HouseholdFacts,
    facts_classifier,
    facts_of,
)
from services.assessment.domain.indicators import IndicatorOutcome, Rule, explain_deprived
from services.assessment.domain.labels import (
    AREA_LABELS,
    DIMENSION_LABELS,
    INDICATOR_LABELS,
    STATUS_LABELS,
    Lang,
    label,
)
from services.assessment.domain.standard import Standard
from services.assessment.domain.status import FactsResult, income_line_for
from shared.contracts.codes import AreaType, IncomeBasis, PovertyStatus
from shared.contracts.surveys import SurveyPayload

__all__ = [
    "ENGINE_VERSION",
    "Classification",
    "FactsResult",
    "classify",
    "classify_facts",
    "deprivation_mask",
    "explain",
    "income_line_for",
]

ENGINE_VERSION = "assessment-engine/1.1.0"
"""Version of the classification rules' code; bump when a rule function's logic changes
(1.1.0: the working-age bound follows the review year)."""

_VND = IncomeBasis.VND_PER_CAPITA_MONTH


@dataclass(frozen=True, slots=True)
class Classification:
    """A household's status under a standard, with every indicator and the figures used."""

    status: PovertyStatus
    indicators: tuple[IndicatorOutcome, ...]
    deprivation_count: int
    income_basis: IncomeBasis
    income_value: int
    income_line: int
    low_income_worker_household: bool
    area_type: AreaType
    standard_id: str
    rule_hash: str
    engine_version: str

    @property
    def deprived_codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.indicators if i.deprived)


# Slot setters of Classification: building the frozen value through them is about twice as
# fast as the generated __init__ (which calls object.__setattr__ per field); classify() is
# the hot path of a province's whole review.
_new = object.__new__


def _slot_setter(name: str) -> Callable[[Classification, Any], None]:
    setter: Callable[[Classification, Any], None] = vars(Classification)[name].__set__
    return setter


_set_status = _slot_setter("status")
_set_indicators = _slot_setter("indicators")
_set_count = _slot_setter("deprivation_count")
_set_basis = _slot_setter("income_basis")
_set_value = _slot_setter("income_value")
_set_line = _slot_setter("income_line")
_set_low = _slot_setter("low_income_worker_household")
_set_area = _slot_setter("area_type")
_set_sid = _slot_setter("standard_id")
_set_hash = _slot_setter("rule_hash")
_set_engine = _slot_setter("engine_version")

Step = tuple[Rule[Any], Any, str, str, str]
"""(rule, params, code, dimension, legal basis) of one indicator, for rendering reasons."""


@dataclass(frozen=True, slots=True)
class _Explainer:
    steps: tuple[Step, ...]
    all_ok: tuple[IndicatorOutcome, ...]
    """The outcomes of a household deprived on nothing, shared."""
    answer_dependent_ok: tuple[int, ...]
    """Indicators whose not-deprived reason depends on the answers (``Rule.explain_ok``)."""


def _explainer(standard: Standard) -> _Explainer:
    found: _Explainer | None = standard.compiled.get("explainer")
    if found is None:
        steps = tuple(
            (s.declaration, s.params, s.code, s.dimension, s.legal_basis)
            for s in standard.indicators
        )
        found = standard.compiled["explainer"] = _Explainer(
            steps=steps,
            all_ok=tuple(
                IndicatorOutcome(code, dim, False, params.ok.reason, legal)
                for _r, params, code, dim, legal in steps
            ),
            answer_dependent_ok=tuple(
                n for n, step in enumerate(steps) if step[0].explain_ok is not None
            ),
        )
    return found


def classify(survey: SurveyPayload, standard: Standard) -> Classification:
    """Classify one surveyed household under ``standard``. Deterministic and pure.

    Raises ``NotClassifiable`` for a score-A figure under a standard without score lines.
    """
    year = survey.review_round.year
    run: FactsClassifier | None = standard.compiled.get(("facts", year))
    if run is None:
        run = facts_classifier(standard, year)
    found = run(facts_of(survey))
    mask = found[1]
    ex: _Explainer = standard.compiled.get("explainer") or _explainer(standard)
    if mask or ex.answer_dependent_ok:
        outcomes = list(ex.all_ok)
        steps = ex.steps
        for n in ex.answer_dependent_ok:
            if not mask >> n & 1:
                rule, params, code, dim, legal = steps[n]
                finding = rule.explain_ok(survey, params)  # type: ignore[misc]
                if finding is not params.ok:
                    outcomes[n] = IndicatorOutcome(code, dim, False, finding[1], legal)
        rest = mask
        while rest:
            low = rest & -rest
            n = low.bit_length() - 1
            rest ^= low
            rule, params, code, dim, legal = steps[n]
            reason = explain_deprived(rule, survey, params, year)
            outcomes[n] = IndicatorOutcome(code, dim, True, reason, legal)
        results = tuple(outcomes)
    else:
        results = ex.all_ok
    income = survey.income
    c: Classification = _new(Classification)
    _set_status(c, found[0])
    _set_indicators(c, results)
    _set_count(c, found[2])
    _set_basis(c, income.basis)
    _set_value(c, income.value)
    _set_line(c, found[3])
    _set_low(c, found[4])
    _set_area(c, survey.area_type)
    _set_sid(c, standard.id)
    _set_hash(c, standard.rule_hash)
    _set_engine(c, ENGINE_VERSION)
    return c


def classify_facts(facts: HouseholdFacts, standard: Standard, year: int) -> FactsResult:
    """Classify one household from its stored facts under ``standard`` in review year
    ``year``: status, deprivation bit mask (bit ``i`` = ``standard.indicators[i]``) and
    count, line and low-income flag, identical to ``classify`` but without reasons. For
    bulk runs, call ``facts.facts_classifier(standard, year)`` once and then the function it
    returns. Raises ``NotClassifiable`` as ``classify`` does.
    """
    run: FactsClassifier | None = standard.compiled.get(("facts", year))
    if run is None:
        run = facts_classifier(standard, year)
    return run(facts)


def deprivation_mask(survey: SurveyPayload, standard: Standard) -> int:
    """Bit ``i`` set when the household is deprived on ``standard.indicators[i]`` (in the
    survey's review year). Raises ``NotClassifiable`` as ``classify`` does."""
    year = survey.review_round.year
    return facts_classifier(standard, year)(facts_of(survey))[1]


def _money(value: int, basis: IncomeBasis) -> str:
    if basis is _VND:
        return f"{value:,} VND"
    return f"{value} points (score A)"


def explain(classification: Classification, lang: Lang = "en") -> str:
    """A human-readable explanation of a classification, in Vietnamese or English.

    Indicator reasons are the engine's English reasons in both languages (they quote the
    recorded answers); labels of statuses, dimensions and indicators are translated.
    """
    c = classification
    status = label(STATUS_LABELS, c.status.value, lang)
    area = label(AREA_LABELS, c.area_type.value, lang)
    at_or_below = c.income_value <= c.income_line
    income = _money(c.income_value, c.income_basis)
    line = _money(c.income_line, c.income_basis)
    deprived = [i for i in c.indicators if i.deprived]
    lines: list[str] = []
    if lang == "vi":
        lines.append(f"Kết quả: {status} (chuẩn {c.standard_id}).")
        cmp = "không cao hơn" if at_or_below else "cao hơn"
        lines.append(f"Thu nhập bình quân {income} {cmp} chuẩn {area} {line}.")
        lines.append(f"Thiếu hụt {c.deprivation_count}/{len(c.indicators)} chỉ số:")
    else:
        lines.append(f"Result: {status} (standard {c.standard_id}).")
        cmp = "is at or below" if at_or_below else "is above"
        lines.append(f"Income per person per month {income} {cmp} the {area} line {line}.")
        lines.append(f"Deprived in {c.deprivation_count} of {len(c.indicators)} indicators:")
    for i in deprived:
        name = label(INDICATOR_LABELS, i.code, lang)
        dim = label(DIMENSION_LABELS, i.dimension, lang)
        lines.append(f"  - {name} ({dim}): {i.reason} [{i.legal_basis}]")
    if c.low_income_worker_household:
        lines.append(
            "Hộ thuộc diện người lao động có thu nhập thấp (Nghị định 30/2025/NĐ-CP)."
            if lang == "vi"
            else "Members are low-income workers (Decree 30/2025/NĐ-CP)."
        )
    tail = "Mã quy tắc" if lang == "vi" else "Rule hash"
    lines.append(f"{tail}: {c.rule_hash[:16]}… ({c.engine_version})")
    return "\n".join(lines)
