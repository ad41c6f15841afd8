"""Plans against actual, pure: lines per component and source, rows summed bottom up,
activities held by an area, household targets counting distinct households."""

from __future__ import annotations

from services.reporting.domain.plans import (
    AreaSpec,
    CommuneFigures,
    Held,
    PlanLines,
    money_lines,
    plan_vs_actual,
)
from shared.contracts.plans import CapacityKind, PlanLevel, PlanSource, TargetKind

C, L = PlanSource.CENTRAL, PlanSource.LOCAL
P3, P31, P32, P7 = "NTP2021.P3", "NTP2021.P3.1", "NTP2021.P3.2", "NTP2021.P7.1"


def test_spending_counts_under_the_most_specific_planned_component_when_lines_overlap() -> None:
    lines = money_lines(
        {(P3, C): 100, (P31, C): 50},
        {(P31, C): (30, 30), (P32, C): (20, 10), ("NTP2021.P4.1", L): (5, 5)},
    )
    got = {
        (m.component, m.source): (m.allocated_vnd, m.committed_vnd, m.disbursed_vnd) for m in lines
    }
    assert got == {
        (P3, C): (100, 20, 10),
        (P31, C): (50, 30, 30),
        ("NTP2021.P4.1", L): (0, 5, 5),  # spent outside the plan: a line with nothing allocated
    }
    assert next(m for m in lines if m.component == P31).remaining_vnd == 20


def spec(level: PlanLevel, code: str, parent: str | None, *communes: str) -> AreaSpec:
    return AreaSpec(level, code, f"Tên {code}", None, parent, communes)


def test_a_province_sums_its_districts_and_the_communes_outside_any_when_rows_roll_up() -> None:
    specs = [
        spec(PlanLevel.PROVINCE, "15", None, "A", "B", "C"),
        spec(PlanLevel.FORMER_DISTRICT, "D1", "15", "A", "B"),
        spec(PlanLevel.COMMUNE, "A", "D1", "A"),
        spec(PlanLevel.COMMUNE, "B", "D1", "B"),
        spec(PlanLevel.COMMUNE, "C", "15", "C"),
    ]
    figures = {
        "A": CommuneFigures(
            {(P31, C): (10, 10)},
            {(P31, "production"): 2, (P32, "other"): 1},
            (("H1", P31, "production"), ("H1", P32, "other")),
        ),
        "B": CommuneFigures({(P31, C): (5, 5)}, {(P31, "production"): 1}),
        "C": CommuneFigures({(P31, C): (1, 1)}, {(P31, "production"): 1}),
    }
    targets = ((P3, TargetKind.HOUSEHOLDS, None, 3), (P7, TargetKind.OFFICIALS_TRAINED, None, 10))
    plans = {
        (PlanLevel.PROVINCE, "15"): PlanLines("KH-T", 1, None, {(P3, C): 12}, targets),
        (PlanLevel.FORMER_DISTRICT, "D1"): PlanLines("KH-H", 2, "ldtbxh", {(P3, C): 20}, targets),
    }
    held = {
        (PlanLevel.FORMER_DISTRICT, "D1"): [
            Held(P7, CapacityKind.OFFICIAL_TRAINING, C, 1, 40, 3),
            Held(P7, CapacityKind.COMMUNICATION, C, 2, 100, 1),
        ]
    }
    within = {
        (PlanLevel.PROVINCE, "15"): [
            (PlanLevel.PROVINCE, "15"),
            (PlanLevel.FORMER_DISTRICT, "D1"),
        ],
        (PlanLevel.FORMER_DISTRICT, "D1"): [(PlanLevel.FORMER_DISTRICT, "D1")],
    }
    table = plan_vs_actual(2026, specs[0], specs, plans, figures, held, within)
    rows = {r.area.code: r for r in table.rows}
    assert [r.area.code for r in table.rows] == ["15", "D1", "A", "B", "C"]
    assert (rows["15"].disbursed_vnd, rows["15"].allocated_vnd) == (16 + 4, 12)
    assert rows["15"].above_plan  # the year-end "above plan"
    assert not rows["D1"].above_plan
    assert rows["A"].plan_id is None
    assert rows["A"].disbursed_vnd == 10  # activities of the district are not the commune's
    households = {r.area.code: r.targets[0].actual for r in table.rows if r.targets}
    assert households == {"15": 4, "D1": 3}  # H1 under P3.1 and P3.2 counts once
    officials = rows["D1"].targets[1]
    assert (officials.actual, officials.above_plan, str(officials.pct)) == (40, True, "400.0")
