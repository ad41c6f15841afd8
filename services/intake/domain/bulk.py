"""Bulk files: household rows plus member rows -> accepted surveys and rejected rows.

Works on rows already read from a file (``(row number, cells)`` pairs, header included), so
it serves CSV and XLSX alike and does no I/O. Members are grouped by household code in one
pass, then households are streamed: each yields an ``Accepted`` or a ``Rejected`` as soon as
it is read, so good rows go ahead whatever happens to the others. Memory grows with the
member rows only (kept as the reader gave them).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from services.intake.domain.areas import AreaRegistry
from services.intake.domain.assembly import (
    Fingerprint,
    Problem,
    RecordReader,
    Values,
    assemble,
    is_empty,
    sha256_hex,
)
from services.intake.domain.codelists import fold
from services.intake.domain.layout import (
    ERROR_HEADER,
    HOUSEHOLDS,
    MEMBERS,
    TableName,
    TableSpec,
    header_index,
    to_text,
)
from services.intake.domain.messages import Message, message
from services.intake.domain.record import SurveyRecord

Row = tuple[int, Sequence[object]]
"""A row as read: its 1-based number in the sheet or file, and its cells."""

HEADER_SCAN_ROWS: Final = 10
_IGNORED_HEADERS: Final = frozenset({fold(ERROR_HEADER), fold("Lỗi"), fold("Error")})


@dataclass(frozen=True, slots=True)
class SourceRow:
    """A row of the input kept as it was, to write the error report in the same layout."""

    number: int
    cells: tuple[object, ...]


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem: where (table, row, column header as in the file) and why (vi + en)."""

    table: TableName
    row: int
    field: str
    message: Message

    def __str__(self) -> str:
        spec = HOUSEHOLDS if self.table is TableName.HOUSEHOLDS else MEMBERS
        return f"{spec.title}, dòng/row {self.row}, [{self.field}]: {self.message}"


@dataclass(frozen=True, slots=True)
class Accepted:
    row: int
    payload: SurveyRecord


@dataclass(frozen=True, slots=True)
class Rejected:
    """A household (with all its member rows) or orphan member rows that were not accepted."""

    household_code: str | None
    household: SourceRow | None
    members: tuple[SourceRow, ...]
    errors: tuple[FieldError, ...]

    @property
    def row(self) -> int:
        if self.household is not None:
            return self.household.number
        return self.members[0].number if self.members else 0

    def errors_at(self, table: TableName, row: int) -> list[FieldError]:
        return [e for e in self.errors if e.table is table and e.row == row]


Outcome = Accepted | Rejected


class LayoutError(ValueError):
    """The file's header cannot be used; nothing in it was read."""

    def __init__(self, problems: Sequence[Message]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class Layout:
    """Where each field is in a table, as found in its header row."""

    spec: TableSpec
    header_row: int
    headers: tuple[str, ...]
    positions: tuple[tuple[int, str], ...]
    ignored: tuple[str, ...]

    def header_of(self, key: str) -> str:
        """The field's header as written in the file (the Vietnamese one if it is absent)."""
        for index, found in self.positions:
            if found == key:
                return self.headers[index]
        return self.spec.by_key[key].vi

    def index_of(self, key: str) -> int | None:
        """The 0-based column of the field, None if the file has no such column."""
        return next((index for index, found in self.positions if found == key), None)

    def cells(self, row: Sequence[object]) -> list[tuple[str, object]]:
        width = len(row)
        return [(key, row[index]) for index, key in self.positions if index < width]


def read_layout(spec: TableSpec, header: Sequence[object], header_row: int) -> Layout:
    """The layout a header row describes; ``LayoutError`` if required columns are missing."""
    index = header_index(spec)
    headers = tuple("" if h is None else str(h).strip() for h in header)
    positions: list[tuple[int, str]] = []
    ignored: list[str] = []
    problems: list[Message] = []
    for position, text in enumerate(headers):
        folded = fold(text)
        column = index.get(folded)
        if column is None:
            if text and folded not in _IGNORED_HEADERS:
                ignored.append(text)
            continue
        if any(key == column.key for _, key in positions):
            problems.append(message("duplicate_column", table=spec.title, column=text))
            continue
        positions.append((position, column.key))
    present = {key for _, key in positions}
    for column in spec.columns:
        if column.required and column.key not in present:
            problems.append(
                message("missing_column", table=spec.title, column=column.vi, alias=column.key)
            )
    if problems:
        raise LayoutError(problems)
    return Layout(spec, header_row, headers, tuple(positions), tuple(ignored))


def _matches(spec: TableSpec, cells: Sequence[object]) -> int:
    index = header_index(spec)
    return sum(1 for c in cells if isinstance(c, str) and fold(c) in index)


def find_layout(spec: TableSpec, rows: Iterator[Row]) -> tuple[Layout, Iterator[Row]]:
    """Find the header among the first rows (a title may sit above it); the rest follows."""
    for _ in range(HEADER_SCAN_ROWS):
        number, cells = next(rows, (0, ()))
        if number == 0:
            break
        if _matches(spec, cells) >= 2:
            return read_layout(spec, cells, number), rows
    example = ", ".join(c.vi for c in spec.columns[:3])
    raise LayoutError([message("no_header", table=spec.title, example=example)])


def guess_table(header_rows: Iterable[Sequence[object]]) -> TableName | None:
    """Which table the first rows of a sheet or file look like, by their headers."""
    for cells in header_rows:
        households, members = _matches(HOUSEHOLDS, cells), _matches(MEMBERS, cells)
        if max(households, members) >= 2:
            return TableName.HOUSEHOLDS if households > members else TableName.MEMBERS
    return None


def shard_of(code: str, parts: int) -> int:
    """The shard that validates the household with this code (stable across processes)."""
    return zlib.crc32(code.encode()) % parts


def _owns(shard: tuple[int, int], code: str) -> bool:
    part, parts = shard
    return parts == 1 or shard_of(code, parts) == part


def shard_keeps(shard: tuple[int, int]) -> Callable[[object], bool] | None:
    """Whether a row with this household-code cell may concern ``shard`` (None: every row does).

    A reader may pass over rows for which this is False without decoding them; rows without a
    code are always kept, as their shard depends on their position.
    """
    if shard[1] == 1:
        return None

    def keeps(code_cell: object) -> bool:
        return is_empty(code_cell) or _owns(shard, to_text(code_cell))

    return keeps


def parse_tables(
    households: Layout,
    household_rows: Iterable[Row],
    members: Layout,
    member_rows: Iterable[Row],
    registry: AreaRegistry,
    *,
    shard: tuple[int, int] = (0, 1),
    fingerprint: Fingerprint = sha256_hex,
) -> Iterator[Outcome]:
    """Accepted or rejected, one per household in file order (survey ids derived from the
    values hashed with ``fingerprint``, see ``values_survey_id``).

    Member rows without a household code come first, members of households not in the file
    last.

    ``shard=(k, n)`` yields only the households whose code falls to shard k (``shard_of``),
    so that n processes can share the work on one file. Every row of a household code (its
    household rows, duplicates included, and its members) falls to the same shard, so each
    shard finds duplicates and orphan members on its own. Rows without a household code are
    shared out by position, and member rows without one are reported by shard 0. Rows of
    other shards may be left out of the input: they are skipped anyway.
    """
    part, parts = shard
    household_reader = RecordReader(HOUSEHOLDS)
    member_reader = RecordReader(MEMBERS)
    groups, orphans = _group_members(members, member_rows, shard)
    if part == 0:
        yield from orphans
    seen: dict[str, int] = {}
    code_less = -1
    for number, cells in household_rows:
        code_cell = _cell(households, cells, "household_code")
        if is_empty(code_cell):
            if all(is_empty(c) for c in cells):
                continue
            code_less += 1
            if code_less % parts != part:
                continue
            code = ""
        else:
            code = to_text(code_cell)
            if not _owns(shard, code):
                continue
        if code in seen:
            error = FieldError(
                TableName.HOUSEHOLDS,
                number,
                households.header_of("household_code"),
                message("duplicate_household", value=code, row=seen[code]),
            )
            yield Rejected(code, SourceRow(number, tuple(cells)), (), (error,))
            continue
        if code:
            seen[code] = number
        rows = groups.pop(code, []) if code else []
        yield _household(
            households,
            (number, cells),
            members,
            rows,
            (household_reader, member_reader),
            registry,
            fingerprint,
        )
    for code, rows in groups.items():
        errors = tuple(
            FieldError(
                TableName.MEMBERS,
                number,
                members.header_of("household_code"),
                message("orphan_member", value=code),
            )
            for number, _ in rows
        )
        kept = tuple(SourceRow(n, tuple(c)) for n, c in rows)
        yield Rejected(code, None, kept, errors)


def _cell(layout: Layout, cells: Sequence[object], key: str) -> object:
    for index, found in layout.positions:
        if found == key:
            return cells[index] if index < len(cells) else None
    return None


def _group_members(
    layout: Layout, rows: Iterable[Row], shard: tuple[int, int]
) -> tuple[dict[str, list[Row]], list[Rejected]]:
    """Member rows of the shard's households by code, and member rows without a code."""
    groups: dict[str, list[Row]] = {}
    orphans: list[Rejected] = []
    code_index = layout.index_of("household_code")
    if code_index is None:  # pragma: no cover - read_layout requires the column
        msg = "members layout without household_code"
        raise ValueError(msg)
    for number, cells in rows:
        code_cell = cells[code_index] if code_index < len(cells) else None
        if is_empty(code_cell):
            if all(is_empty(c) for c in cells):
                continue
            error = FieldError(
                TableName.MEMBERS, number, layout.header_of("household_code"), message("required")
            )
            orphans.append(Rejected(None, None, (SourceRow(number, tuple(cells)),), (error,)))
            continue
        code = to_text(code_cell)
        if _owns(shard, code):
            groups.setdefault(code, []).append((number, tuple(cells)))
    return groups, orphans


def _household(
    households: Layout,
    row: Row,
    members: Layout,
    member_rows: list[Row],
    readers: tuple[RecordReader, RecordReader],
    registry: AreaRegistry,
    fingerprint: Fingerprint,
) -> Outcome:
    household_reader, member_reader = readers
    number, cells = row
    household, problems = household_reader.read_row(households.positions, cells)
    member_values: list[Values] = []
    for index, (_, member_cells) in enumerate(member_rows):
        values, member_problems = member_reader.read_row(members.positions, member_cells, index)
        member_values.append(values)
        problems.extend(member_problems)
    survey_id = (
        None
        if "survey_id" in household
        else values_survey_id(household, member_values, fingerprint)
    )
    result = assemble(
        household, member_values, registry, problems, survey_id=survey_id, fingerprint=fingerprint
    )
    if isinstance(result, SurveyRecord):
        return Accepted(number, result)
    return _rejected(households, row, members, member_rows, household, result)


def values_survey_id(
    household: Values, members: Sequence[Values], fingerprint: Fingerprint = sha256_hex
) -> str:
    """A survey id from the household code, year and a hash of the values read.

    The values, not the cells as written: the same households uploaded as CSV and again as
    XLSX (where 2026 is a number, not text, and a date is a date) give the same id, so the
    second upload is a duplicate, not a second version. A corrected value gives a new id.
    """
    text = "\x1e".join(_canonical(values) for values in (household, *members))
    digest = fingerprint(text.encode())
    code = str(household.get("household_code", ""))
    candidate = f"{code}-{household.get('review_year', '')}-{digest[:12]}"
    return candidate if len(candidate) <= 64 else f"h-{digest[:40]}"


def _canonical(values: Values) -> str:
    """The values as one string, whatever their column order; times in UTC (a time written
    with its offset and the same time in Vietnam time are one value). On the hot path of
    every bulk row: ``str`` and one ``join``, no ``repr``."""
    keys = sorted(values)
    shown = [values[k] for k in keys]
    shown = [v.astimezone(UTC).isoformat() if v.__class__ is datetime else v for v in shown]
    return "\x1f".join(keys) + "\x1e" + "\x1f".join(map(str, shown))


def _rejected(
    households: Layout,
    row: Row,
    members: Layout,
    member_rows: list[Row],
    household: Values,
    problems: list[Problem],
) -> Rejected:
    errors: list[FieldError] = []
    for problem in problems:
        if problem.member is None:
            errors.append(
                FieldError(
                    TableName.HOUSEHOLDS,
                    row[0],
                    households.header_of(problem.key),
                    problem.message,
                )
            )
        else:
            errors.append(
                FieldError(
                    TableName.MEMBERS,
                    member_rows[problem.member][0],
                    members.header_of(problem.key),
                    problem.message,
                )
            )
    code = household.get("household_code")
    return Rejected(
        code if isinstance(code, str) else None,
        SourceRow(row[0], tuple(row[1])),
        tuple(SourceRow(n, tuple(c)) for n, c in member_rows),
        tuple(errors),
    )


@dataclass(frozen=True, slots=True)
class Tally:
    accepted: int
    rejected: int


def tally(outcomes: Iterable[Outcome]) -> Tally:
    accepted = rejected = 0
    for outcome in outcomes:
        if isinstance(outcome, Accepted):
            accepted += 1
        else:
            rejected += 1
    return Tally(accepted, rejected)
