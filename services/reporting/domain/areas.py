"""Administrative areas with names, and rollups of village figures up the hierarchy.

Since 1 July 2025 Vietnam has two local levels, province and commune (villages below); the
former district (huyện, abolished by the reform) is kept on each commune so that figures
can still be summed as before the reform. A report's rows are villages, communes or former
districts with subtotals up to the area asked for: province → former district → commune →
village. The registry is owned by intake; reporting keeps a copy (see ``apply_area_registry``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Generic, TypeVar

from shared.area_changes import AreaChangeKind, AreaHistory
from shared.errors import DomainError, ErrorKind, Problem

T = TypeVar("T")


class AreaLevel(StrEnum):
    PROVINCE = "province"
    FORMER_DISTRICT = "former_district"
    COMMUNE = "commune"
    VILLAGE = "village"


DEPTH = {
    AreaLevel.PROVINCE: 0,
    AreaLevel.FORMER_DISTRICT: 1,
    AreaLevel.COMMUNE: 2,
    AreaLevel.VILLAGE: 3,
}

LEVEL_NAMES = {
    AreaLevel.PROVINCE: ("tỉnh", "province"),
    AreaLevel.FORMER_DISTRICT: ("huyện (trước 01/7/2025)", "former district"),
    AreaLevel.COMMUNE: ("xã", "commune"),
    AreaLevel.VILLAGE: ("thôn", "village"),
}


@dataclass(frozen=True, slots=True)
class Area:
    """One administrative unit.

    ``parent_code``: the province of a commune or former district, the commune of a village.
    ``former_district_code``: for a commune, the district it belonged to before the reform.
    ``valid_from`` / ``valid_to``: when the unit exists (``None``: not known, open)."""

    code: str
    level: AreaLevel
    name_vi: str
    name_en: str | None = None
    parent_code: str | None = None
    former_district_code: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None

    def in_force(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )


@dataclass(frozen=True, slots=True)
class AreaTree:
    """The registry as one value: every area by code."""

    areas: Mapping[str, Area] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def of(cls, areas: Iterable[Area]) -> AreaTree:
        """Check and index ``areas``: codes unique, parents and former districts known and of
        the right level. Every problem is reported at once (422)."""
        by_code: dict[str, Area] = {}
        problems: list[Problem] = []
        for a in areas:
            if a.code in by_code and by_code[a.code] != a:
                problems.append(_problem(a.code, "trùng mã", "duplicate code"))
            by_code[a.code] = a
        expected_parent = {
            AreaLevel.FORMER_DISTRICT: AreaLevel.PROVINCE,
            AreaLevel.COMMUNE: AreaLevel.PROVINCE,
            AreaLevel.VILLAGE: AreaLevel.COMMUNE,
        }
        for a in by_code.values():
            want = expected_parent.get(a.level)
            if want is None:
                if a.parent_code is not None:
                    problems.append(_problem(a.code, "tỉnh không có cấp trên", "has a parent"))
                continue
            parent = by_code.get(a.parent_code or "")
            if parent is None or parent.level is not want:
                problems.append(
                    _problem(
                        a.code,
                        f"cấp trên {a.parent_code} không phải {LEVEL_NAMES[want][0]}",
                        f"parent {a.parent_code} is not a {LEVEL_NAMES[want][1]}",
                    )
                )
            if a.former_district_code is not None:
                district = by_code.get(a.former_district_code)
                if (
                    a.level is not AreaLevel.COMMUNE
                    or district is None
                    or district.level is not AreaLevel.FORMER_DISTRICT
                    or district.parent_code != a.parent_code
                ):
                    problems.append(
                        _problem(
                            a.code,
                            f"huyện cũ {a.former_district_code} không hợp lệ",
                            f"former district {a.former_district_code} is not valid",
                        )
                    )
        if problems:
            raise DomainError.of(problems, ErrorKind.INVALID)
        return cls(MappingProxyType(dict(sorted(by_code.items()))))

    def get(self, code: str) -> Area | None:
        return self.areas.get(code)

    def fingerprint(self) -> str:
        """SHA-256 of the registry's content (equal registries, equal fingerprints)."""
        rows = [
            [
                a.code,
                a.level.value,
                a.name_vi,
                a.name_en,
                a.parent_code,
                a.former_district_code,
                a.valid_from.isoformat() if a.valid_from else None,
                a.valid_to.isoformat() if a.valid_to else None,
            ]
            for a in self.areas.values()
        ]
        text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def __len__(self) -> int:
        return len(self.areas)

    def parent_in_rollup(self, area: Area) -> str | None:
        """The row a unit's figures are summed into: a commune's former district when it has
        one (else its province), a village's commune, a district's province."""
        if area.level is AreaLevel.COMMUNE and area.former_district_code:
            return area.former_district_code
        return area.parent_code


def with_history(tree: AreaTree, history: AreaHistory, on: date) -> AreaTree:
    """``tree`` as the registry stands on ``on``: each area's latest name, and the last day
    of those merged away or abolished (their codes stay, for figures recorded under them)."""
    ends: dict[str, date] = {}
    for c in history.changes:
        if c.effective_on <= on and c.kind in (AreaChangeKind.MERGE, AreaChangeKind.RETIRE):
            ends.setdefault(c.code, c.effective_on - timedelta(days=1))
    return AreaTree.of(
        replace(
            a,
            name_vi=history.name(a.code, a.name_vi, on),
            valid_to=ends.get(a.code, a.valid_to),
        )
        for a in tree.areas.values()
    )


def remap(
    leaves: Mapping[Leaf, T],
    history: AreaHistory,
    on: date,
    combine: Callable[[Sequence[T]], T],
    *,
    by_village: bool,
) -> dict[Leaf, T]:
    """Figures recorded under the areas of their time, placed in the areas in force on ``on``
    (a merged commune's figures join the commune it merged into, a moved village's its new
    commune); ``by_village`` False: summed per commune. Leaves must be by village when a
    village changed commune (a commune's total cannot be split)."""
    groups: dict[Leaf, list[T]] = {}
    for leaf, value in leaves.items():
        commune, village = history.place(leaf.commune_code, leaf.village_code, on)
        key = Leaf(leaf.province_code, commune, village if by_village else None)
        groups.setdefault(key, []).append(value)
    return {k: vs[0] if len(vs) == 1 else combine(vs) for k, vs in groups.items()}


def _problem(code: str, vi: str, en: str) -> Problem:
    return Problem(f"areas.{code}", f"Địa bàn {code}: {vi}.", f"Area {code}: {en}.")


@dataclass(frozen=True, slots=True)
class AreaRef:
    """An area as a report row names it (the name is ``None`` for a code the registry lacks)."""

    code: str
    level: AreaLevel
    name_vi: str | None
    name_en: str | None
    parent_code: str | None


@dataclass(frozen=True, slots=True)
class Leaf:
    """Where a group of cells sits: the province and commune, and the village when the
    figures are by village (``None`` when summed over the commune)."""

    province_code: str
    commune_code: str
    village_code: str | None = None


def lineage(tree: AreaTree, leaf: Leaf) -> list[AreaRef]:
    """The leaf's areas from the province down (province, former district if known, commune,
    village if any), named from the registry."""
    commune = tree.get(leaf.commune_code)
    province_code = commune.parent_code if commune and commune.parent_code else leaf.province_code
    refs = [_ref(tree, province_code, AreaLevel.PROVINCE, None)]
    parent = province_code
    if commune and commune.former_district_code:
        refs.append(
            _ref(tree, commune.former_district_code, AreaLevel.FORMER_DISTRICT, province_code)
        )
        parent = commune.former_district_code
    refs.append(_ref(tree, leaf.commune_code, AreaLevel.COMMUNE, parent))
    if leaf.village_code is not None:
        refs.append(_ref(tree, leaf.village_code, AreaLevel.VILLAGE, leaf.commune_code))
    return refs


def _ref(tree: AreaTree, code: str, level: AreaLevel, parent: str | None) -> AreaRef:
    a = tree.get(code)
    if a is None:
        return AreaRef(code, level, None, None, parent)
    return AreaRef(code, level, a.name_vi, a.name_en, parent)


@dataclass(frozen=True, slots=True)
class RollupRow(Generic[T]):
    """One row of a rolled-up report: the area, the figures summed under it, and the codes of
    the rows summed into it (empty for a row at the report's grain)."""

    area: AreaRef
    value: T
    children: tuple[str, ...]


def roll_up(
    tree: AreaTree,
    leaves: Mapping[Leaf, T],
    combine: Callable[[Sequence[T]], T],
    *,
    by: AreaLevel,
    scope: str | None = None,
    leaves_only: bool = False,
) -> list[RollupRow[T]]:
    """Rows at level ``by`` within ``scope`` (an area code; ``None``: everything) with a
    subtotal row for every area above them up to the scope, parents before children.

    A row's value is ``combine`` of the leaves under it, so with an additive ``combine`` every
    subtotal is the sum of the rows summed into it (``leaves_only``: subtotal rows get
    ``combine([])``, for callers that sum their own figures up the rows). A commune the
    registry gives no former district stays a row of its own when the report is by former
    district, so the province total is still the sum of its rows."""
    nodes: dict[str, AreaRef] = {}
    members: dict[str, list[T]] = {}
    kids: dict[str, set[str]] = {}
    grain = DEPTH[by]
    for leaf, value in leaves.items():
        path = lineage(tree, leaf)
        if scope is not None:
            codes = [r.code for r in path]
            if scope not in codes:
                continue
            path = path[codes.index(scope) :]
        cut = next((i for i, r in enumerate(path) if DEPTH[r.level] >= grain), len(path) - 1)
        path = path[: cut + 1]
        for i, ref in enumerate(path):
            nodes.setdefault(ref.code, ref)
            members.setdefault(ref.code, []).append(value)
            if i + 1 < len(path):
                kids.setdefault(ref.code, set()).add(path[i + 1].code)
    rows: list[RollupRow[T]] = []

    def visit(code: str) -> None:
        children = tuple(sorted(kids.get(code, ())))
        parts = members[code] if not (leaves_only and children) else []
        rows.append(RollupRow(nodes[code], combine(parts), children))
        for c in children:
            visit(c)

    below = {c for ks in kids.values() for c in ks}
    for root in sorted(c for c in nodes if c not in below):
        visit(root)
    return rows
