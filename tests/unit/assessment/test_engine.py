"""One engine: every path derives from the rule declarations, the domain modules import each
other without a cycle, and the explained path equals the specification with or without the
survey's facts supplied."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from services.assessment.domain import classifier
from services.assessment.domain.classifier import classify, deprivation_mask
from services.assessment.domain.errors import NotClassifiable
from services.assessment.domain.facts import SUPPORTED_RULES, facts_of
from services.assessment.domain.indicators import RULES
from services.assessment.domain.standard import Standard
from services.assessment.domain.whatif import whatif_facts
from shared.contracts.codes import Employment, PovertyStatus, Relation, Sex
from tests.factories import member, survey
from tests.unit.assessment.reference import classify_reference
from tools.synthetic import synthetic_surveys

pytestmark = pytest.mark.unit

DOMAIN = Path(classifier.__file__).parent


def _domain_imports(path: Path) -> set[str]:
    """Domain modules a module imports at run time (``TYPE_CHECKING`` blocks excluded)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in tree.body:  # module level only: no function-local imports hide a cycle
        if isinstance(node, ast.ImportFrom) and node.module:
            prefix = "services.assessment.domain."
            if node.module.startswith(prefix):
                found.add(node.module.removeprefix(prefix))
    return found


def test_domain_modules_import_without_a_cycle_when_read_from_source() -> None:
    graph = {p.stem: _domain_imports(p) for p in DOMAIN.glob("*.py") if p.stem != "__init__"}
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, " -> ".join((*path, name))
        if name in done:
            return
        for dep in graph.get(name, set()):
            visit(dep, (*path, name))
        done.add(name)

    for name in graph:
        visit(name, ())
    assert "facts" not in graph["standard"]
    assert "screen" not in graph  # the hand-written screen is gone


def test_every_declared_rule_compiles_when_registered() -> None:
    assert set(RULES) == SUPPORTED_RULES


def test_classify_equals_reference_when_facts_are_supplied_or_not(
    std22: Standard, std27: Standard
) -> None:
    for s in synthetic_surveys(800, seed=21):
        facts = facts_of(s)
        for std in (std22, std27):
            try:
                expected = classify_reference(s, std)
            except NotClassifiable:
                with pytest.raises(NotClassifiable):
                    classify(s, std, facts)
                continue
            assert classify(s, std) == expected
            assert classify(s, std, facts) == expected
            mask = sum(1 << n for n, i in enumerate(expected.indicators) if i.deprived)
            assert deprivation_mask(s, std) == mask


def test_reason_names_only_the_members_the_rule_deprives_when_several_are_deprived(
    std22: Standard,
) -> None:
    s = survey(
        members=[
            member(),
            member(member_no=2, relation=Relation.SPOUSE, age=38, sex=Sex.FEMALE),
            member(
                member_no=3,
                relation=Relation.CHILD,
                age=20,
                employment=Employment.UNEMPLOYED,
                has_health_insurance=False,
            ),
            member(member_no=4, relation=Relation.CHILD, age=24, has_health_insurance=False),
        ]
    )
    c = classify(s, std22)
    by_code = {i.code: i for i in c.indicators}
    assert by_code["health_insurance"].reason == (
        "members 3 (age 20) has no health insurance; 4 (age 24) has no health insurance"
    )
    assert by_code["employment"].reason == "member 3 (age 20) is unemployed and wants work"
    assert c == classify_reference(s, std22)


def test_whatif_uses_the_given_review_year_when_the_working_age_bound_differs(
    std22: Standard,
) -> None:
    # A rural household at the line with two deprivations plus an unemployed woman of 56:
    # within working age in 2024 (56y4m), not in 2023 (56y0m).
    s = survey(
        income={"basis": "vnd_per_capita_month", "value": 1_400_000},
        uses_telecom=False,
        latrine="none",
        members=[
            member(),
            member(
                member_no=2,
                relation=Relation.SPOUSE,
                age=56,
                sex=Sex.FEMALE,
                employment=Employment.UNEMPLOYED,
            ),
        ],
    )
    rows = [(s.household_code, s.commune_code, facts_of(s))]
    in_2023 = whatif_facts(rows, std22, std22, review_year=2023)
    in_2024 = whatif_facts(rows, std22, std22, review_year=2024)
    assert in_2023.count(PovertyStatus.NEAR_POOR, PovertyStatus.NEAR_POOR) == 1
    assert in_2024.count(PovertyStatus.POOR, PovertyStatus.POOR) == 1
    # Stored facts carry no year: by default, the baseline's last review year (2026, 57y0m).
    default = whatif_facts(rows, std22, std22)
    assert default.count(PovertyStatus.POOR, PovertyStatus.POOR) == 1
