"""Administrative areas over time: the changes to the area list, each with an effective date,
and what a code recorded earlier stands for on a later date.

The area list (province → commune → village, with the former district kept for history) is
the list as it stood on its base date; the change list records what happened after, one row
per change, in a file an IT officer edits (``docs/areas.md``):

- ``rename``: a commune or village takes ``new_name`` from ``effective_on``;
- ``merge``: commune (or village) ``code`` is merged into ``new_code`` of the same level and
  retired from ``effective_on``; a merged commune's villages move to ``new_code``;
- ``move``: village ``code`` moves to commune ``new_parent_code``;
- ``retire``: ``code`` (a village, a commune or a former district) is abolished without a
  successor (a former district: its communes keep it for history).

Households and past figures keep the codes recorded at the time; :meth:`AreaHistory.place`
maps a recorded (commune, village) to the areas in force on a date, which is how today's
rollups combine a merged commune with the one it joined. Both intake (the registry's owner)
and reporting read the same file, so the rules live here once. Pure: rows in, values out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from shared.errors import DomainError, ErrorKind, Problem

CHANGE_COLUMNS = ("effective_on", "kind", "code", "new_code", "new_name", "new_parent_code")
"""Columns of the change list (``note`` may follow; any order)."""


class AreaChangeKind(StrEnum):
    RENAME = "rename"
    MERGE = "merge"
    MOVE = "move"
    RETIRE = "retire"


@dataclass(frozen=True, slots=True)
class AreaChange:
    """One change of the area list, in force from ``effective_on``."""

    effective_on: date
    kind: AreaChangeKind
    code: str
    new_code: str | None = None
    new_name: str | None = None
    new_parent_code: str | None = None
    note: str | None = None


def _text(row: Mapping[str, str | None], key: str) -> str | None:
    value = (row.get(key) or "").strip()
    return value or None


def _problem(line: int, column: str, vi: str, en: str) -> Problem:
    return Problem(f"line {line}.{column}", f"Dòng {line}: {vi}.", f"Line {line}: {en}.")


_NEEDS = {
    AreaChangeKind.RENAME: ("new_name", "tên mới", "the new name"),
    AreaChangeKind.MERGE: ("new_code", "mã đơn vị nhận", "the code it is merged into"),
    AreaChangeKind.MOVE: ("new_parent_code", "mã xã mới", "the commune it moves to"),
}


def parse_changes(rows: Iterable[Mapping[str, str | None]]) -> tuple[AreaChange, ...]:
    """The change list's rows (row 2 is the first data row) as changes in date order; every
    problem is reported at once (422), nothing is half-read."""
    out: list[AreaChange] = []
    problems: list[Problem] = []
    for line, row in enumerate(rows, start=2):
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue  # a blank line
        raw_date, raw_kind, code = (_text(row, k) for k in ("effective_on", "kind", "code"))
        try:
            on = date.fromisoformat(raw_date or "")
        except ValueError:
            problems.append(
                _problem(
                    line,
                    "effective_on",
                    f"ngày hiệu lực «{raw_date or ''}» không đúng dạng YYYY-MM-DD",
                    f"effective date '{raw_date or ''}' is not YYYY-MM-DD",
                )
            )
            continue
        if raw_kind not in AreaChangeKind.__members__.values():
            choices = ", ".join(AreaChangeKind)
            problems.append(
                _problem(
                    line,
                    "kind",
                    f"loại thay đổi «{raw_kind or ''}» không hợp lệ (chọn: {choices})",
                    f"change kind '{raw_kind or ''}' is not one of {choices}",
                )
            )
            continue
        kind = AreaChangeKind(raw_kind or "")
        if code is None:
            problems.append(_problem(line, "code", "thiếu mã đơn vị", "the code is missing"))
            continue
        need = _NEEDS.get(kind)
        if need is not None and _text(row, need[0]) is None:
            problems.append(_problem(line, need[0], f"thiếu {need[1]}", f"{need[2]} is missing"))
            continue
        if kind is AreaChangeKind.MERGE and _text(row, "new_code") == code:
            problems.append(
                _problem(
                    line,
                    "new_code",
                    "không thể sáp nhập một đơn vị vào chính nó",
                    "an area cannot be merged into itself",
                )
            )
            continue
        out.append(
            AreaChange(
                on,
                kind,
                code,
                _text(row, "new_code"),
                _text(row, "new_name"),
                _text(row, "new_parent_code"),
                _text(row, "note"),
            )
        )
    if problems:
        raise DomainError.of(problems, ErrorKind.INVALID)
    return tuple(sorted(out, key=lambda c: c.effective_on))


@dataclass(frozen=True)
class AreaHistory:
    """The changes since the area list's base date, and each village's commune in that list.

    ``check`` the history against the list's codes before use (:meth:`problems`)."""

    changes: tuple[AreaChange, ...] = ()
    village_parents: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "changes", tuple(sorted(self.changes, key=lambda c: c.effective_on))
        )
        object.__setattr__(self, "village_parents", MappingProxyType(dict(self.village_parents)))

    def __reduce__(self) -> tuple[type[AreaHistory], tuple[Any, ...]]:
        """Picklable (read-only mappings are not), so a parser process can be given one."""
        return AreaHistory, (self.changes, dict(self.village_parents))

    def problems(self, known: Iterable[str]) -> list[Problem]:
        """Changes naming codes the area list lacks, or merging an area into a retired one."""
        codes = set(known)
        found: list[Problem] = []
        for n, c in enumerate(self.changes, start=1):
            for column, value in (
                ("code", c.code),
                ("new_code", c.new_code),
                ("new_parent_code", c.new_parent_code),
            ):
                if value is not None and value not in codes:
                    found.append(
                        Problem(
                            f"changes.{n}.{column}",
                            f"Thay đổi {n}: mã {value} không có trong danh mục địa bàn.",
                            f"Change {n}: code {value} is not in the area list.",
                        )
                    )
            target = c.new_code or c.new_parent_code
            if target is not None and self.retired_on(target, c.effective_on) is not None:
                found.append(
                    Problem(
                        f"changes.{n}.new_code",
                        f"Thay đổi {n}: {target} đã bị giải thể hoặc sáp nhập trước ngày "
                        f"{c.effective_on:%d/%m/%Y}.",
                        f"Change {n}: {target} was retired before {c.effective_on}.",
                    )
                )
        return found

    def _upto(self, on: date) -> Iterable[AreaChange]:
        return (c for c in self.changes if c.effective_on <= on)

    def retired_on(self, code: str, on: date) -> date | None:
        """When ``code`` was merged away or abolished, if that is in force on ``on``."""
        for c in self._upto(on):
            if c.code == code and c.kind in (AreaChangeKind.MERGE, AreaChangeKind.RETIRE):
                return c.effective_on
        return None

    def successor(self, code: str, on: date) -> str:
        """The code that stands for ``code`` on ``on`` (merges followed; itself otherwise)."""
        seen = {code}
        current = code
        for c in self._upto(on):
            if c.kind is AreaChangeKind.MERGE and c.code == current and c.new_code:
                if c.new_code in seen:
                    break
                seen.add(c.new_code)
                current = c.new_code
        return current

    def commune_of(self, village: str, on: date, recorded: str | None = None) -> str | None:
        """The commune of ``village`` on ``on``: its last move then, else its commune in the
        list (or ``recorded``), followed through merges."""
        commune = recorded or self.village_parents.get(village)
        for c in self._upto(on):
            if c.kind is AreaChangeKind.MOVE and c.code == village:
                commune = c.new_parent_code
        return self.successor(commune, on) if commune else None

    def place(self, commune: str, village: str | None, on: date) -> tuple[str, str | None]:
        """Where an area recorded as (``commune``, ``village``) lies on ``on``."""
        if village is None:
            return self.successor(commune, on), None
        v = self.successor(village, on)
        recorded = commune if v == village else None
        return self.commune_of(v, on, recorded) or self.successor(commune, on), v

    def name(self, code: str, listed: str, on: date) -> str:
        """The name of ``code`` on ``on`` (``listed``: its name in the area list)."""
        out = listed
        for c in self._upto(on):
            if c.kind is AreaChangeKind.RENAME and c.code == code and c.new_name:
                out = c.new_name
        return out

    def renamed(self, code: str, on: date) -> bool:
        return any(c.code == code and c.kind is AreaChangeKind.RENAME for c in self._upto(on))

    @property
    def last_change(self) -> date | None:
        return self.changes[-1].effective_on if self.changes else None
