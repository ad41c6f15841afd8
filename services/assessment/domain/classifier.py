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
from typing import Any, NamedTuple

from services.assessment.domain.facts import (
    B_BITS,
    FactsClassifier,
    HouseholdFacts,
    facts_classifier,
    facts_of,
    member_lanes,
)
from services.assessment.domain.indicators import (
    IndicatorOutcome,
    Level,
    Rule,
    explain_deprived,
    members_phrase,
)
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
_B_BITS = B_BITS
_B_MASK = (1 << B_BITS) - 1
_tnew = tuple.__new__


class Classification(NamedTuple):
    """A household's status under a standard, with every indicator and the figures used.

    A named tuple (immutable, compared by value): one is built per household per standard
    on the hot path of a province's review, and a tuple is several times cheaper to build
    than a frozen dataclass."""

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


Step = tuple[int, Rule[Any], Callable[..., str], Any, str, str, str, int]
"""(kind; rule; its explain; params; code; dimension; legal basis; lane offset of a
member-level rule, or the position in ``HouseholdFacts`` of a household rule's answers)
of one indicator, for rendering reasons. Kinds: 0 member, 1 share, 2 household, 3 area."""


class _Engine(NamedTuple):
    """What ``classify`` needs of a standard in one review year, compiled once."""

    run: FactsClassifier
    work: list[int]
    school: list[int]
    steps: tuple[Step, ...]
    all_ok: tuple[IndicatorOutcome, ...]
    """The outcomes of a household deprived on nothing, shared."""
    answer_dependent_ok: tuple[int, ...]
    """Indicators whose not-deprived reason depends on the answers (``Rule.explain_ok``)."""
    outcomes: dict[tuple[Any, ...], IndicatorOutcome]
    """Memo of deprived outcomes whose reason is a function of coded answers: a share rule's
    (count, members), a household rule's answer code (``Rule.explain`` reads only the answers
    of its ``reads`` group, as its test does), the floor area and members. Bounded."""


_KIND = {Level.MEMBER: 0, Level.SHARE: 1, Level.HOUSEHOLD: 2, Level.AREA: 3}
_SLOT = {"housing": 4, "services": 6, "assets": 7}
"""Position in ``HouseholdFacts`` of each household answer group."""
_OUTCOMES_MAX = 1 << 16


def _engine(standard: Standard, year: int) -> _Engine:
    """The engine of ``standard`` for ``year``, kept in the standard's memo under the year."""
    found: _Engine | None = standard.compiled.get(year)
    if found is None:
        run = facts_classifier(standard, year)
        lanes = member_lanes(standard, year)
        steps = tuple(
            (
                _KIND[s.declaration.level],
                s.declaration,
                s.declaration.explain,
                s.params,
                s.code,
                s.dimension,
                s.legal_basis,
                _SLOT.get(s.declaration.reads, 0) if shift is None else shift,
            )
            for s, shift in zip(standard.indicators, lanes.shifts, strict=True)
        )
        found = standard.compiled[year] = _Engine(
            run=run,
            work=lanes.work,
            school=lanes.school,
            steps=steps,
            all_ok=tuple(
                IndicatorOutcome(s.code, s.dimension, False, s.params.ok.reason, s.legal_basis)
                for s in standard.indicators
            ),
            answer_dependent_ok=tuple(
                n for n, s in enumerate(standard.indicators) if s.declaration.explain_ok
            ),
            outcomes={},
        )
    return found


def classify(
    survey: SurveyPayload, standard: Standard, facts: HouseholdFacts | None = None
) -> Classification:
    """Classify one surveyed household under ``standard``. Deterministic and pure.

    ``facts``: the survey's ``facts_of(survey)`` when the caller already holds them (it
    stores them, or classifies under several standards): extraction is then not repeated.
    Raises ``NotClassifiable`` for a score-A figure under a standard without score lines.
    """
    sd = survey.__dict__
    year = sd["review_round"].__dict__["year"]
    engine: _Engine = standard.compiled.get(year) or _engine(standard, year)
    if facts is None:
        facts = facts_of(survey)
    found = engine[0](facts)
    mask = found[1]
    dynamic = engine[5]
    if mask or dynamic:
        outcomes = list(engine[4])
        steps = engine[3]
        for n in dynamic:
            if not mask >> n & 1:
                _k, rule, _e, params, code, dim, legal, _s = steps[n]
                finding = rule.explain_ok(survey, params)  # type: ignore[misc]
                if finding is not params.ok:
                    outcomes[n] = _tnew(IndicatorOutcome, (code, dim, False, finding[1], legal))
        values: list[int] | None = None
        memo = engine[6]
        rest = mask
        while rest:
            low = rest & -rest
            n = low.bit_length() - 1
            rest ^= low
            kind, rule, explain, params, code, dim, legal, shift = steps[n]
            if kind == 0:
                # The members the compiled tables flag: no rule test runs again.
                if values is None:
                    work, school = engine[1], engine[2]
                    values = [work[c >> _B_BITS] + school[c & _B_MASK] for c in facts[8]]
                reason = members_phrase(
                    [
                        explain(m, params, year)
                        for m, v in zip(sd["members"], values, strict=True)
                        if v >> shift & 127
                    ]
                )
                outcomes[n] = _tnew(IndicatorOutcome, (code, dim, True, reason, legal))
                continue
            if kind == 1:
                if values is None:
                    work, school = engine[1], engine[2]
                    values = [work[c >> _B_BITS] + school[c & _B_MASK] for c in facts[8]]
                key: tuple[Any, ...] = (n, sum(values) >> shift & 127, len(values))
            elif kind == 2:
                key = (n, facts[shift])
            else:
                key = (n, facts[5], len(facts[8]))
            outcome = memo.get(key)
            if outcome is None:
                if len(memo) >= _OUTCOMES_MAX:
                    memo.clear()
                if kind == 1:
                    reason = explain(key[1], key[2], params)
                else:
                    reason = explain_deprived(rule, survey, params, year)
                outcome = memo[key] = _tnew(IndicatorOutcome, (code, dim, True, reason, legal))
            outcomes[n] = outcome
        results = tuple(outcomes)
    else:
        results = engine[4]
    income = sd["income"].__dict__
    c: Classification = _tnew(
        Classification,
        (
            found[0],
            results,
            found[2],
            income["basis"],
            income["value"],
            found[3],
            found[4],
            sd["area_type"],
            standard.id,
            standard.rule_hash,
            ENGINE_VERSION,
        ),
    )
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
