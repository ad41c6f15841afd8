"""File I/O for intake: read bulk CSV/XLSX files into rows, write reports, template and form.

Everything here reads or writes bytes and hands rows to the pure parsers in
``services.intake.domain``; no rule about surveys lives here. The XLSX reader streams the
sheet XML itself (about ten times faster than openpyxl's read-only mode, which is kept as the
fallback for workbooks it does not understand).
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import IO, Final, Protocol
from xml.etree import ElementTree as ET

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from services.intake.domain.areas import AreaRegistry
from services.intake.domain.assembly import Fingerprint, sha256_hex
from services.intake.domain.bulk import (
    Layout,
    LayoutError,
    Outcome,
    Rejected,
    Row,
    find_layout,
    guess_table,
    parse_tables,
    shard_keeps,
)
from services.intake.domain.codelists import ALL_CODE_LISTS, INCOME_BASIS, YES_NO, CodeList, fold
from services.intake.domain.layout import (
    ERROR_HEADER,
    HOUSEHOLDS,
    MEMBERS,
    TABLES,
    Column,
    Kind,
    TableName,
    TableSpec,
)
from services.intake.domain.messages import Message, message
from shared.spreadsheet_cells import csv_row, set_xlsx_cell

DATA_DIR: Final = Path(__file__).resolve().parent.parent / "data"
SAMPLE_AREAS_PATH: Final = DATA_DIR / "areas-sample.csv"
TEMPLATE_PATH: Final = DATA_DIR / "survey-template.xlsx"
XLSFORM_PATH: Final = DATA_DIR / "survey-xlsform.xlsx"

INSTRUCTIONS_SHEET: Final = "Hướng dẫn - Instructions"
"""Excel forbids '/' in sheet names, so the instructions sheet uses a dash."""

MEMBERS_FILE_SUFFIXES: Final = frozenset({"thanh vien", "thanhvien", "members", "member"})
"""A members CSV sits next to the households CSV as ``<name>.thanh-vien.csv`` (or similar)."""

_SHEET_NAMES: Final = {
    TableName.HOUSEHOLDS: frozenset({"ho gia dinh", "households", "household", "ho"}),
    TableName.MEMBERS: frozenset({"thanh vien", "members", "member"}),
}

Source = Path | bytes


class FileFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
    CSV_ZIP = "csv_zip"


class BulkFileError(ValueError):
    """The file cannot be read at all (wrong format, no header, missing columns)."""

    def __init__(self, problems: Sequence[Message]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = tuple(problems)


# --- areas --------------------------------------------------------------------------------


def load_areas(path: Path = SAMPLE_AREAS_PATH) -> AreaRegistry:
    """The area registry from a CSV with ``AREA_COLUMNS`` (UTF-8, header row first)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return AreaRegistry.from_rows(csv.DictReader(handle))


# --- format detection ---------------------------------------------------------------------


def _as_stream(source: Source) -> IO[bytes]:
    return io.BytesIO(source) if isinstance(source, bytes) else source.open("rb")


MAX_PART_BYTES: Final = 1 << 30
"""Largest uncompressed part of an XLSX or ZIP upload (1 GiB; a 100,000-household workbook's
member sheet is about 180 MB)."""

MAX_PART_RATIO: Final = 100
"""Largest compression ratio of a part above ``RATIO_CHECKED_FROM`` bytes. Real sheets compress
about 10:1 to 15:1; a decompression bomb (hundreds of MB of one repeated cell) 1,000:1."""

RATIO_CHECKED_FROM: Final = 8 << 20

MAX_CELL_CHARS: Final = 32_767
"""Excel's own limit on the characters in one cell: a longer cell did not come from Excel."""

MAX_ROW_XML_CHARS: Final = 4 << 20
"""Largest XML of one sheet row the reader buffers (a row of the layout is a few KB)."""


def check_archive(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse an archive whose parts expand beyond the limits, before anything is parsed.

    The sizes checked are those the archive declares; ``zipfile`` never returns more than the
    declared size of a part and fails its checksum if the data was longer, so a lying archive
    is refused as damaged when read (see :func:`archive_error`).
    """
    for part in archive.infolist():
        size = part.file_size
        ratio = size / max(part.compress_size, 1)
        if size > MAX_PART_BYTES or (size > RATIO_CHECKED_FROM and ratio > MAX_PART_RATIO):
            raise BulkFileError(
                [
                    message(
                        "archive_too_large",
                        name=name,
                        member=part.filename,
                        size=size // 2**20,
                        ratio=int(ratio),
                        limit=MAX_PART_BYTES // 2**20,
                        max_ratio=MAX_PART_RATIO,
                    )
                ]
            )


def archive_error(name: str, exc: Exception) -> BulkFileError:
    return BulkFileError([message("archive_damaged", name=name, detail=str(exc)[:200])])


def detect_format(head: bytes, stream: IO[bytes], name: str) -> FileFormat:
    """What the content is, whatever the file is called."""
    if head.startswith(b"PK\x03\x04"):
        try:
            archive = zipfile.ZipFile(stream)
            check_archive(archive, name)
            names = archive.namelist()
        except zipfile.BadZipFile:
            raise BulkFileError([message("unsupported_file", name=name, detail="")]) from None
        finally:
            stream.seek(0)
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return FileFormat.XLSX
        if any(n.lower().endswith(".csv") for n in names):
            return FileFormat.CSV_ZIP
        detail = " (OpenDocument)" if "content.xml" in names else ""
        raise BulkFileError([message("unsupported_file", name=name, detail=detail)])
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise BulkFileError([message("legacy_xls", name=name)])
    if not head or b"\x00" in head or _encoding(head) is None:
        raise BulkFileError([message("unsupported_file", name=name, detail="")])
    text = head.decode(_encoding(head) or "utf-8", errors="ignore")
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t")
    if printable < 0.95 * len(text):
        raise BulkFileError([message("unsupported_file", name=name, detail="")])
    return FileFormat.CSV


def _encoding(head: bytes) -> str | None:
    """UTF-8 (Excel's "CSV UTF-8") or Windows-1258 (Excel's plain "CSV" on Vietnamese Windows)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8-sig"
    try:
        head.decode("cp1258")
    except UnicodeDecodeError:
        return None
    return "cp1258"


# --- CSV ----------------------------------------------------------------------------------


def csv_rows(stream: IO[bytes]) -> Iterator[Row]:
    """Rows of a CSV file numbered from 1, with its encoding and delimiter detected."""
    head = stream.read(65536)
    stream.seek(0)
    encoding = _encoding(head) or "utf-8-sig"
    first_line = head.split(b"\n", 1)[0].decode(encoding, errors="ignore")
    delimiter = max((",", ";", "\t"), key=first_line.count)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    reader = csv.reader(text, delimiter=delimiter)
    try:
        if encoding == "cp1258":  # Windows-1258 writes tones as combining marks
            for number, cells in enumerate(reader, start=1):
                yield number, [unicodedata.normalize("NFC", c) for c in cells]
        else:
            yield from enumerate(reader, start=1)
    except csv.Error as exc:  # a cell over the reader's limit, a NUL, a broken quote
        row = reader.line_num
        if "field larger than field limit" in str(exc):
            limit = csv.field_size_limit()
            raise BulkFileError([message("cell_too_large", row=row, limit=limit)]) from None
        raise BulkFileError([message("csv_unreadable", row=row, detail=str(exc))]) from None


# --- XLSX ---------------------------------------------------------------------------------

_NS_MAIN: Final = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL: Final = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_CELL_RE: Final = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_ROW_NUMBER_RE: Final = re.compile(r'\br="(\d+)"')
_VALUE_RE: Final = re.compile(r"<v>(.*?)</v>", re.S)
_TEXT_RE: Final = re.compile(r"<t\b[^>]*?>(.*?)</t>", re.S)


class _Unsupported(Exception):
    """The fast reader met XML it does not handle; use openpyxl instead."""


class RowSkip:
    """Rows a sheet reader may pass over without decoding them, decided by one key cell.

    Set once the header is known (the reader is already running then): ``keeps`` says whether
    a row with that key value is wanted, and ``marker`` is how the key cell's XML starts
    (without its row number). Passing over rows is only a saving: a row whose key the reader
    cannot find or read cheaply is decoded and kept, and the consumer still checks every row.
    """

    def __init__(self) -> None:
        self.marker: str | None = None
        self.keeps: Callable[[object], bool] = bool

    def set(self, column: int, keeps: Callable[[object], bool]) -> None:
        """Rule on the key in 0-based ``column``."""
        self.keeps = keeps
        self.marker = f'<c r="{get_column_letter(column + 1)}'


class XlsxBook:
    """A workbook opened for streaming: sheet names, and rows of one sheet at a time."""

    def __init__(self, stream: IO[bytes], name: str = "upload") -> None:
        self._zip = zipfile.ZipFile(stream)
        self._name = name
        check_archive(self._zip, name)
        self._stream = stream
        self.sheets = self._sheet_paths()
        self._shared: list[str] | None = None
        self._fast = not self._date1904()

    def close(self) -> None:
        self._zip.close()

    def _xml(self, name: str) -> ET.Element:
        with self._zip.open(name) as handle:
            return ET.parse(handle).getroot()  # noqa: S314 - no entity expansion in ET

    def _sheet_paths(self) -> dict[str, str]:
        book = self._xml("xl/workbook.xml")
        rels = self._xml("xl/_rels/workbook.xml.rels")
        targets = {r.get("Id"): r.get("Target", "") for r in rels}
        paths: dict[str, str] = {}
        for sheet in book.iter(f"{_NS_MAIN}sheet"):
            target = targets.get(sheet.get(f"{_NS_REL}id"), "")
            target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            paths[sheet.get("name", "")] = target
        return paths

    def _date1904(self) -> bool:
        pr = self._xml("xl/workbook.xml").find(f"{_NS_MAIN}workbookPr")
        return pr is not None and pr.get("date1904") in {"1", "true"}

    def _shared_strings(self) -> list[str]:
        if self._shared is None:
            strings: list[str] = []
            if "xl/sharedStrings.xml" in self._zip.namelist():
                with self._zip.open("xl/sharedStrings.xml") as handle:
                    for _, element in ET.iterparse(handle):  # noqa: S314
                        if element.tag == f"{_NS_MAIN}si":
                            text = _si_text(element)
                            if len(text) > MAX_CELL_CHARS:
                                raise BulkFileError(
                                    [message("cell_too_large", row="?", limit=MAX_CELL_CHARS)]
                                )
                            strings.append(text)
                            element.clear()
            self._shared = strings
        return self._shared

    def rows(self, sheet: str, skip: RowSkip | None = None) -> Iterator[Row]:
        """Rows of ``sheet`` numbered as Excel shows them; empty cells are None.

        With ``skip``, rows it rules out may be left out (the fast reader leaves them out).
        """
        if self._fast:
            try:
                yield from self._fast_rows(sheet, skip)
                return
            except _Unsupported:
                pass
        yield from self._openpyxl_rows(sheet)

    def _fast_rows(self, sheet: str, skip: RowSkip | None = None) -> Iterator[Row]:
        shared = self._shared_strings()
        columns: dict[str, int] = {}
        marker: str | None = None
        keeps: Callable[[object], bool] = bool
        seen: dict[str, bool] = {}
        with self._zip.open(self.sheets[sheet]) as handle:
            decoder = codecs.getincrementaldecoder("utf-8")()
            buffer = ""
            started = False
            last = 0
            while True:
                chunk = handle.read(1 << 20)
                buffer += decoder.decode(chunk, final=not chunk)
                if not started:
                    if re.search(r"<\w+:worksheet\b", buffer[:2000]):
                        raise _Unsupported
                    started = True
                end = buffer.rfind("</row>") + len("</row>") if chunk else len(buffer)
                if end < len("</row>"):
                    end = 0
                    if len(buffer) > MAX_ROW_XML_CHARS:  # one row larger than any real one
                        raise BulkFileError(
                            [message("cell_too_large", row=last + 1, limit=MAX_CELL_CHARS)]
                        )
                for attrs, xml in _rows_in(buffer, end):
                    found = _ROW_NUMBER_RE.search(attrs)
                    last = int(found.group(1)) if found else last + 1
                    if marker is None and skip is not None:
                        marker, keeps = skip.marker, skip.keeps  # set after the header is read
                    if marker is not None and not _wanted(
                        xml, f"{marker}{last}", keeps, shared, seen
                    ):
                        continue
                    yield last, _row_cells(xml, shared, columns)
                buffer = buffer[end:]
                if not chunk:
                    return

    def _openpyxl_rows(self, sheet: str) -> Iterator[Row]:
        self._stream.seek(0)
        book = openpyxl.load_workbook(self._stream, read_only=True, data_only=True)
        try:
            yield from enumerate(book[sheet].iter_rows(values_only=True), start=1)
        finally:
            book.close()


def _rows_in(xml: str, end: int) -> Iterator[tuple[str, str]]:
    """Attributes and content of each ``<row>`` element in ``xml[:end]`` (plain finds: a
    regular expression costs about five times as much per row)."""
    position = 0
    while True:
        start = xml.find("<row", position, end)
        if start < 0:
            return
        position = start + 4
        if xml[position : position + 1] not in {" ", ">", "/"}:
            continue  # <rowBreaks> and the like
        close = xml.find(">", position, end)
        if close < 0:
            return
        if xml[close - 1] == "/":
            yield xml[position : close - 1], ""
            position = close + 1
            continue
        stop = xml.find("</row>", close, end)
        if stop < 0:
            return
        yield xml[position:close], xml[close + 1 : stop]
        position = stop + 6


def _si_text(element: ET.Element) -> str:
    parts: list[str] = []
    for child in element:
        if child.tag == f"{_NS_MAIN}t":
            parts.append(child.text or "")
        elif child.tag == f"{_NS_MAIN}r":
            parts.extend(t.text or "" for t in child.iter(f"{_NS_MAIN}t"))
    return "".join(parts)


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


_SIMPLE_CELL_RE: Final = re.compile(
    r'<c r="([A-Z]+)\d+"(?: s="\d+")?(?: t="(s|n|b)")?(?: s="\d+")?(?:/>|><v>([^<]*)</v></c>)'
)


def _row_cells(xml: str, shared: list[str], columns: dict[str, int]) -> list[object]:
    """Cells of one row: one regex pass for plain cells, a careful pass for anything else."""
    simple = _SIMPLE_CELL_RE.findall(xml)
    if len(simple) != xml.count("<c "):
        return _careful_row_cells(xml, shared, columns)
    cells: list[object] = []
    for letters, kind, raw in simple:
        position = columns.get(letters)
        if position is None:
            position = columns[letters] = _column_index(letters)
        if position > len(cells):
            cells.extend([None] * (position - len(cells)))
        if not raw:
            cells.append(None)
        elif kind == "s":
            cells.append(shared[int(raw)])
        elif kind == "b":
            cells.append(raw == "1")
        else:
            cells.append(_number(raw))
    return cells


def _careful_row_cells(xml: str, shared: list[str], columns: dict[str, int]) -> list[object]:
    cells: list[object] = []
    for attrs, inner in _CELL_RE.findall(xml):
        start = attrs.find(' r="')
        if start >= 0:
            letters = attrs[start + 4 : attrs.index('"', start + 4)].rstrip("0123456789")
            position = columns.get(letters)
            if position is None:
                position = columns[letters] = _column_index(letters)
            if position > len(cells):
                cells.extend([None] * (position - len(cells)))
        cells.append(_value(attrs, inner, shared))
    return cells


def _value(attrs: str, inner: str, shared: list[str]) -> object:
    """The value of one cell from its attributes and content."""
    start = attrs.find(' t="')
    kind = attrs[start + 4 : attrs.index('"', start + 4)] if start >= 0 else "n"
    if inner.startswith("<v>") and inner.endswith("</v>"):
        raw = inner[3:-4]
        if not raw:
            return None
        if kind == "s":
            return shared[int(raw)]
        if kind == "n":
            return _number(raw)
    return _cell_value(kind, inner, shared)


def _wanted(
    xml: str,
    reference: str,
    keeps: Callable[[object], bool],
    shared: list[str],
    seen: dict[str, bool],
) -> bool:
    """False only when the row's key cell is found, read, and ruled out by ``keeps``.

    ``seen`` remembers the answer for each way a key cell is written after its reference
    (the members of one household share it), so most rows cost two finds and a lookup.
    """
    start = xml.find(reference)
    if start < 0:
        return True  # no such cell (an empty key), or written in a way not looked for here
    after = start + len(reference)
    close = xml.find("</c>", after)
    if xml[after : after + 1] != '"' or close < 0:
        return True  # a longer reference (A12 while looking for A1), or an empty cell
    written = xml[after:close]
    answer = seen.get(written)
    if answer is None:
        found = _CELL_RE.match(xml, start)
        if found is None:
            return True
        answer = seen[written] = keeps(_value(found.group(1), found.group(2) or "", shared))
    return answer


def _number(raw: str) -> int | float:
    try:
        return int(raw)
    except ValueError:
        return float(raw)


def _cell_value(kind: str, inner: str, shared: list[str]) -> object:
    if kind == "inlineStr":
        return _unescape("".join(_TEXT_RE.findall(inner)))
    found = _VALUE_RE.search(inner)
    if found is None:
        return None
    raw = found.group(1)
    if kind == "s":
        return shared[int(raw)]
    if kind in {"str", "e"}:
        return _unescape(raw) if kind == "str" else None
    if kind == "b":
        return raw == "1"
    return _number(raw)


def _unescape(text: str) -> str:
    return html.unescape(text) if "&" in text else text


# --- opening a bulk upload ----------------------------------------------------------------


class BulkParse:
    """An opened bulk upload: headers checked, rows not read yet. Iterate once for outcomes."""

    def __init__(
        self,
        file_format: FileFormat,
        households: Layout,
        household_rows: Iterator[Row],
        members: Layout,
        member_rows: Iterator[Row],
        registry: AreaRegistry,
        resources: ExitStack,
        skips: dict[TableName, RowSkip] | None = None,
        name: str = "upload",
    ) -> None:
        self.format = file_format
        self.name = name
        self.households = households
        self.members = members
        self._rows = (household_rows, member_rows)
        self._registry = registry
        self._resources = resources
        self._skips = skips or {}

    def __iter__(self) -> Iterator[Outcome]:
        return self.outcomes()

    def outcomes(
        self, shard: tuple[int, int] = (0, 1), fingerprint: Fingerprint = sha256_hex
    ) -> Iterator[Outcome]:
        """The outcomes (of one shard of the households, see ``parse_tables``); iterate once.

        The readers leave out what they can of the other shards' rows, undecoded.
        """
        keeps = shard_keeps(shard)
        for table, layout in (
            (TableName.HOUSEHOLDS, self.households),
            (TableName.MEMBERS, self.members),
        ):
            column = layout.index_of("household_code")
            if keeps is not None and table in self._skips and column is not None:
                self._skips[table].set(column, keeps)
        try:
            yield from parse_tables(
                self.households,
                self._rows[0],
                self.members,
                self._rows[1],
                self._registry,
                shard=shard,
                fingerprint=fingerprint,
            )
        except zipfile.BadZipFile as exc:  # a part longer than declared, a broken checksum
            raise archive_error(self.name, exc) from None
        finally:
            self.close()

    def close(self) -> None:
        self._resources.close()

    def __enter__(self) -> BulkParse:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def open_bulk(
    source: Source,
    filename: str,
    registry: AreaRegistry,
    *,
    members: Source | None = None,
) -> BulkParse:
    """Open a bulk upload and check its headers now (``BulkFileError`` if it is unusable).

    ``source`` is an XLSX workbook (households and members sheets), a ZIP of two CSV files,
    or a households CSV whose members come in ``members`` or, for a path, in a sibling file
    named ``<name>.thanh-vien.csv``. The format is detected from the content.
    """
    resources = ExitStack()
    try:
        return _open(source, filename, registry, members, resources)
    except LayoutError as exc:
        resources.close()
        raise BulkFileError(exc.problems) from None
    except BaseException:
        resources.close()
        raise


def parse_bulk(
    source: Source, filename: str, registry: AreaRegistry, *, members: Source | None = None
) -> Iterator[Outcome]:
    """Outcomes of a bulk upload, one per household (see ``open_bulk``; errors on first next)."""
    with open_bulk(source, filename, registry, members=members) as parse:
        yield from parse


def _open(
    source: Source,
    filename: str,
    registry: AreaRegistry,
    members: Source | None,
    resources: ExitStack,
) -> BulkParse:
    stream = resources.enter_context(_as_stream(source))
    file_format = detect_format(stream.read(8192), stream, filename)
    stream.seek(0)
    tables: dict[TableName, Iterator[Row]] = {}
    skips: dict[TableName, RowSkip] = {}
    if file_format is FileFormat.XLSX:
        book = XlsxBook(stream, filename)
        resources.callback(book.close)
        tables, skips = _xlsx_tables(book)
    elif file_format is FileFormat.CSV_ZIP:
        archive = resources.enter_context(zipfile.ZipFile(stream))
        for name in archive.namelist():
            if name.lower().endswith(".csv") and not name.startswith("__MACOSX"):
                _add_table(tables, csv_rows(resources.enter_context(archive.open(name))))
    else:
        _add_table(tables, csv_rows(stream))
        second = members
        if second is None and isinstance(source, Path):
            second = sibling_members_file(source)
        if second is not None:
            other = resources.enter_context(_as_stream(second))
            if detect_format(other.read(8192), other, "members") is not FileFormat.CSV:
                raise BulkFileError([message("unsupported_file", name="members", detail="")])
            other.seek(0)
            _add_table(tables, csv_rows(other))
    if TableName.HOUSEHOLDS not in tables:
        raise BulkFileError([message("households_table_missing")])
    if TableName.MEMBERS not in tables:
        raise BulkFileError([message("members_table_missing")])
    households, household_rows = find_layout(HOUSEHOLDS, tables[TableName.HOUSEHOLDS])
    member_layout, member_rows = find_layout(MEMBERS, tables[TableName.MEMBERS])
    return BulkParse(
        file_format,
        households,
        household_rows,
        member_layout,
        member_rows,
        registry,
        resources,
        skips,
        filename,
    )


def _add_table(tables: dict[TableName, Iterator[Row]], rows: Iterator[Row]) -> TableName | None:
    """Keep ``rows`` under the table its first rows look like (peeked rows are kept)."""
    head = [row for _, row in zip(range(10), rows, strict=False)]
    kind = guess_table(cells for _, cells in head)
    if kind is not None and kind not in tables:
        tables[kind] = _chain(head, rows)
        return kind
    return None


def _chain(head: list[Row], rest: Iterator[Row]) -> Iterator[Row]:
    yield from head
    yield from rest


def _xlsx_tables(
    book: XlsxBook,
) -> tuple[dict[TableName, Iterator[Row]], dict[TableName, RowSkip]]:
    """The two tables of a workbook (by sheet name, else by headers), each with its skip rule."""
    tables: dict[TableName, Iterator[Row]] = {}
    skips: dict[TableName, RowSkip] = {}
    for sheet in book.sheets:
        for table, names in _SHEET_NAMES.items():
            if fold(sheet) in names and table not in tables:
                skips[table] = RowSkip()
                tables[table] = book.rows(sheet, skips[table])
    for sheet in book.sheets:
        if len(tables) == len(_SHEET_NAMES):
            break
        if fold(sheet) not in _SHEET_NAMES[TableName.HOUSEHOLDS] | _SHEET_NAMES[TableName.MEMBERS]:
            skip = RowSkip()
            found = _add_table(tables, book.rows(sheet, skip))
            if found is not None:
                skips[found] = skip
    return tables, skips


def sibling_members_file(households_csv: Path) -> Path | None:
    """The members CSV stored next to a households CSV (``<stem>.thanh-vien.csv`` etc.)."""
    stem = households_csv.stem
    for candidate in sorted(households_csv.parent.glob(f"{glob_escape(stem)}*")):
        if candidate == households_csv or candidate.suffix.lower() != ".csv":
            continue
        if fold(candidate.stem[len(stem) :]) in MEMBERS_FILE_SUFFIXES:
            return candidate
    return None


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[\]])", r"[\1]", text)


# --- error report -------------------------------------------------------------------------


def _report_rows(
    layout: Layout, rows: Iterable[tuple[tuple[object, ...], str]]
) -> tuple[list[str], list[list[object]]]:
    keep = [i for i, h in enumerate(layout.headers) if fold(h) != fold(ERROR_HEADER)]
    header = [layout.headers[i] for i in keep] + [ERROR_HEADER]
    body = [[cells[i] if i < len(cells) else None for i in keep] + [text] for cells, text in rows]
    return header, body


def _error_lines(rejected: Rejected, table: TableName, row: int) -> list[str]:
    return [f"[{e.field}] {e.message.vi} / {e.message.en}" for e in rejected.errors_at(table, row)]


class FileLayouts(Protocol):
    """The two header layouts of an upload: a ``BulkParse`` or an import's report."""

    @property
    def households(self) -> Layout: ...

    @property
    def members(self) -> Layout: ...


def error_report_tables(
    parse: FileLayouts, rejected: Iterable[Rejected], separator: str = "\n"
) -> dict[TableName, tuple[list[str], list[list[object]]]]:
    """Header and rows of both tables of the error report (input layout + error column)."""
    households: list[tuple[tuple[object, ...], str]] = []
    members: list[tuple[tuple[object, ...], str]] = []
    member_pointer = message("member_errors")
    for item in rejected:
        member_rows = sorted({e.row for e in item.errors if e.table is TableName.MEMBERS})
        household_failed = any(e.table is TableName.HOUSEHOLDS for e in item.errors)
        if item.household is not None:
            lines = _error_lines(item, TableName.HOUSEHOLDS, item.household.number)
            if member_rows:
                lines.append(f"{member_pointer.vi} / {member_pointer.en}")
            households.append((item.household.cells, separator.join(lines)))
        for row in item.members:
            lines = _error_lines(item, TableName.MEMBERS, row.number)
            if not lines:  # this row is fine: say precisely why it comes back
                pointer = (
                    message("household_rejected")
                    if household_failed or not member_rows
                    else message(
                        "household_rejected_members", rows=", ".join(map(str, member_rows))
                    )
                )
                lines = [f"{pointer.vi} / {pointer.en}"]
            members.append((row.cells, separator.join(lines)))
    return {
        TableName.HOUSEHOLDS: _report_rows(parse.households, households),
        TableName.MEMBERS: _report_rows(parse.members, members),
    }


def write_error_report(
    destination: Path, parse: FileLayouts, rejected: Iterable[Rejected], *, csv_format: bool = False
) -> list[Path]:
    """Write the rejected rows so an officer can fix and re-upload them; returns the files.

    XLSX: one workbook with the two sheets. CSV: ``destination`` holds the households and
    ``<stem>.thanh-vien.csv`` beside it the members (UTF-8 with BOM so Excel shows Vietnamese).
    """
    tables = error_report_tables(parse, rejected, separator=" | " if csv_format else "\n")
    if csv_format:
        members_path = destination.with_name(f"{destination.stem}.thanh-vien.csv")
        for path, table in ((destination, TableName.HOUSEHOLDS), (members_path, TableName.MEMBERS)):
            header, body = tables[table]
            with path.open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(csv_row(list(header)))
                writer.writerows(csv_row(row) for row in body)
        return [destination, members_path]
    book = openpyxl.Workbook()
    book.remove(book.active)
    for spec in TABLES:
        header, body = tables[spec.name]
        sheet = book.create_sheet(spec.vi_title)
        rows: list[list[object]] = [list(header), *body]
        for row_index, row in enumerate(rows, start=1):
            for column_index, value in enumerate(row, start=1):
                if value is not None:
                    set_xlsx_cell(sheet.cell(row=row_index, column=column_index), value)
        _style_header(sheet, len(header))
        error_column = get_column_letter(len(header))
        sheet.column_dimensions[error_column].width = 80
        for cell in sheet[error_column][1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.font = Font(color="9C0006")
    book.save(destination)
    return [destination]


# --- template -----------------------------------------------------------------------------

_HEADER_FILL: Final = PatternFill("solid", fgColor="DDEBF7")


def _style_header(sheet: object, width: int) -> None:
    for index in range(1, width + 1):
        cell = sheet.cell(row=1, column=index)  # type: ignore[attr-defined]
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = 22  # type: ignore[attr-defined]
    sheet.freeze_panes = "A2"  # type: ignore[attr-defined]


def _kind_text(column: Column) -> tuple[str, str]:
    if column.codes is not None and column.kind is Kind.CODES:
        return (
            f"Danh mục '{column.codes.vi_title}', nhiều giá trị cách nhau bằng ;",
            f"Code list '{column.codes.en_title}', several separated by ;",
        )
    if column.codes is not None:
        return f"Danh mục '{column.codes.vi_title}'", f"Code list '{column.codes.en_title}'"
    return {
        Kind.TEXT: ("Chữ", "Text"),
        Kind.INTEGER: ("Số nguyên", "Whole number"),
        Kind.DECIMAL: ("Số (dấu phẩy thập phân được)", "Number (decimal comma allowed)"),
        Kind.DATETIME: ("Ngày", "Date"),
        Kind.CITIZEN_ID: ("12 chữ số", "12 digits"),
    }.get(column.kind, ("", ""))


def template_rows() -> dict[str, list[list[str]]]:
    """Cell values of every sheet of the template (what ``write_template`` writes)."""
    sheets: dict[str, list[list[str]]] = {
        spec.vi_title: [[c.vi for c in spec.columns]] for spec in TABLES
    }
    lines: list[list[str]] = [
        ["Hướng dẫn điền biểu mẫu rà soát hộ nghèo, hộ cận nghèo", "How to fill in the review"],
        [
            "Mỗi hộ một dòng ở trang 'Hộ gia đình'; mỗi thành viên một dòng ở trang 'Thành viên', "
            "nối với hộ bằng 'Mã hộ'.",
            "One row per household in 'Hộ gia đình' (Households); one row per member in "
            "'Thành viên' (Members), linked by 'Mã hộ' (household_code).",
        ],
        [
            "Tiêu đề cột có thể viết bằng tiếng Việt hoặc tiếng Anh (cột thứ hai bảng dưới).",
            "Column headers may be in Vietnamese or English (second column below).",
        ],
        [
            "Có/không: điền 'có' hoặc 'không'. Danh mục: điền nhãn tiếng Việt, tiếng Anh hoặc mã.",
            "Yes/no: 'có' or 'không' (yes/no). Code lists: Vietnamese label, English or the code.",
        ],
        [
            "Thu nhập: điền thu nhập bình quân HOẶC điểm A, không điền cả hai.",
            "Income: fill in the income per person OR score A, not both.",
        ],
        [],
        ["Trang / Sheet", "Cột (tiếng Việt)", "Column (English)", "Bắt buộc / Required",
         "Cách điền", "How to fill"],
    ]  # fmt: skip
    for spec in TABLES:
        for column in spec.columns:
            kind_vi, kind_en = _kind_text(column)
            lines.append(
                [
                    spec.title,
                    column.vi,
                    column.key,
                    "Có / Yes" if column.required else "Không / No",
                    "; ".join(t for t in (kind_vi, column.hint_vi) if t),
                    "; ".join(t for t in (kind_en, column.hint_en) if t),
                ]
            )
    lines.extend([[], ["Danh mục / Code list", "Mã / Code", "Tiếng Việt", "English"]])
    for codes in ALL_CODE_LISTS:
        if codes is INCOME_BASIS:
            continue
        for code in codes.codes:
            lines.append([f"{codes.vi_title} / {codes.en_title}", code.value, code.vi, code.en])
    sheets[INSTRUCTIONS_SHEET] = lines
    return sheets


LISTS_SHEET: Final = "Danh mục - Lists"
"""Hidden sheet holding the Vietnamese labels the template's drop-down lists offer."""

TEMPLATE_ROWS: Final = 1001
"""Rows of the template that carry formats and drop-down lists (header + 1,000)."""


def _coded_columns() -> list[CodeList]:
    """Every code list a column of the template draws from, once each, in layout order."""
    lists: list[CodeList] = []
    for spec in TABLES:
        for column in spec.columns:
            if column.codes is not None and column.codes not in lists:
                lists.append(column.codes)
    return lists


def _add_lists_sheet(book: openpyxl.Workbook) -> dict[str, str]:
    """The hidden lists sheet; returns code list name -> the range of its labels."""
    sheet = book.create_sheet(LISTS_SHEET)
    ranges: dict[str, str] = {}
    for index, codes in enumerate(_coded_columns(), start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index, value=codes.name)
        for row, code in enumerate(codes.codes, start=2):
            sheet.cell(row=row, column=index, value=code.vi)
        last = len(codes.codes) + 1
        ranges[codes.name] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${last}"
    sheet.sheet_state = "hidden"
    return ranges


def _add_drop_downs(sheet: object, spec: TableSpec, ranges: dict[str, str]) -> None:
    """A drop-down list on every coded column. Single codes must come from the list;
    multi-value columns (``a; b``) offer the list without refusing other text."""
    for index, column in enumerate(spec.columns, start=1):
        if column.codes is None:
            continue
        single = column.kind is not Kind.CODES
        validation = DataValidation(
            type="list",
            formula1=f"={ranges[column.codes.name]}",
            allow_blank=True,
            showErrorMessage=single,
            errorTitle="Giá trị không có trong danh mục / Not in the code list",
            error=f"Chọn trong danh sách / Pick from the list: {column.codes.vi_title}",
        )
        letter = get_column_letter(index)
        validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
        sheet.add_data_validation(validation)  # type: ignore[attr-defined]


def write_template(path: Path = TEMPLATE_PATH) -> Path:
    """Write the blank survey workbook officers fill in (regenerate after a layout change)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    sheets = []
    for name, rows in template_rows().items():
        sheet = book.create_sheet(name)
        sheets.append(sheet)
        for row in rows:
            sheet.append(row)
    ranges = _add_lists_sheet(book)
    for sheet in sheets:
        spec = next((s for s in TABLES if s.vi_title == sheet.title), None)
        if spec is None:
            sheet.column_dimensions["A"].width = 40
            for letter in "BCDEF":
                sheet.column_dimensions[letter].width = 36
            continue
        _style_header(sheet, len(spec.columns))
        _add_drop_downs(sheet, spec, ranges)
        for index, column in enumerate(spec.columns, start=1):
            note = column.key + (f" — {column.hint_en}" if column.hint_en else "")
            sheet.cell(row=1, column=index).comment = Comment(note, "giamngheo")
            if column.kind in {Kind.TEXT, Kind.CITIZEN_ID}:  # keep leading zeros of codes
                letter = get_column_letter(index)
                for row_index in range(2, TEMPLATE_ROWS + 1):
                    sheet[f"{letter}{row_index}"].number_format = "@"
    _stamp(book)
    book.save(path)
    return path


def _stamp(book: openpyxl.Workbook) -> None:
    """Fixed metadata so that regenerating gives the same content."""
    from datetime import datetime

    fixed = datetime(2026, 1, 1)  # noqa: DTZ001 - workbook metadata is naive by format
    book.properties.creator = "giamngheo"
    book.properties.created = fixed
    book.properties.modified = fixed


def read_sheet_values(path: Path) -> dict[str, list[list[object]]]:
    """All cell values of a workbook by sheet, trailing empty cells dropped (for checks)."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        result: dict[str, list[list[object]]] = {}
        for sheet in book.worksheets:
            rows = []
            for row in sheet.iter_rows(values_only=True):
                values = list(row)
                while values and values[-1] is None:
                    values.pop()
                rows.append(values)
            while rows and not rows[-1]:
                rows.pop()
            result[sheet.title] = rows
        return result
    finally:
        book.close()


# --- XLSForm ------------------------------------------------------------------------------

XLSFORM_ID: Final = "giamngheo_phieu_b"
XLSFORM_VERSION: Final = "2026.1"
_VI: Final = "Vietnamese (vi)"
_EN: Final = "English (en)"
_SURVEY_HEADER: Final = (
    "type",
    "name",
    f"label::{_VI}",
    f"label::{_EN}",
    f"hint::{_VI}",
    f"hint::{_EN}",
    "required",
    "constraint",
    f"constraint_message::{_VI}",
    f"constraint_message::{_EN}",
    "relevant",
    "choice_filter",
    "appearance",
)
_CHOICES_HEADER: Final = ("list_name", "name", f"label::{_VI}", f"label::{_EN}", "commune")


def _question(
    column: Column, *, relevant: str = "", constraint: tuple[str, str, str] | None = None
) -> list[str]:
    if column.codes is not None:
        kind = "select_multiple" if column.kind is Kind.CODES else "select_one"
        qtype = f"{kind} {column.codes.name}"
    else:
        qtype = {
            Kind.TEXT: "text",
            Kind.INTEGER: "integer",
            Kind.DECIMAL: "decimal",
            Kind.DATETIME: "datetime",
            Kind.CITIZEN_ID: "text",
        }[column.kind]
    rule, rule_vi, rule_en = constraint or ("", "", "")
    en_label = column.key.replace("_", " ").capitalize()
    return [
        qtype,
        column.key,
        column.vi,
        en_label,
        column.hint_vi,
        column.hint_en,
        "yes" if column.required else "",
        rule,
        rule_vi,
        rule_en,
        relevant,
        "",
        "minimal" if column.codes is not None and column.kind is Kind.CODE else "",
    ]


def xlsform_rows(registry: AreaRegistry) -> dict[str, list[list[str]]]:
    """Cell values of the XLSForm's survey, choices and settings sheets."""
    survey: list[list[str]] = [list(_SURVEY_HEADER)]
    blank = [""] * (len(_SURVEY_HEADER) - 4)
    survey.append(["start", "surveyed_at", "", "", *blank])
    survey.append(["end", "end", "", "", *blank])
    survey.append(["begin_group", "household", "Hộ gia đình", "Household", *blank])
    for column in HOUSEHOLDS.columns:
        if column.key in {"survey_id", "province_code", "surveyed_at", "income_vnd", "score_a"}:
            continue
        row = _question(column)
        if column.key == "commune_code":
            row[0] = "select_one commune"
        elif column.key == "village_code":
            row[0] = "select_one village"
            row[11] = "commune = ${commune_code}"
        elif column.key == "review_year":
            row[7:10] = [". >= 2000 and . <= 2100", "Năm từ 2000 đến 2100", "Year 2000 to 2100"]
        elif column.key == "floor_area_m2":
            row[7:10] = [". >= 0 and . <= 10000", "Từ 0 đến 10000 m²", "0 to 10,000 m²"]
        elif column.key == "pillars":
            survey.append(
                [f"select_one {INCOME_BASIS.name}", "income_basis", "Cách ghi thu nhập",
                 "Income basis", "", "", "yes", "", "", "", "", "", ""]
            )  # fmt: skip
            survey.append(
                ["integer", "income_value", "Thu nhập bình quân hoặc điểm A",
                 "Income per person per month (VND) or score A", "", "", "yes",
                 ". >= 0", "Không được âm", "Must not be negative", "", "", ""]
            )  # fmt: skip
        survey.append(row)
    survey.append(["begin_repeat", "members", "Thành viên", "Members", *blank])
    for column in MEMBERS.columns:
        if column.key in {"household_code"}:
            continue
        constraint: tuple[str, str, str] | None = None
        relevant = ""
        if column.key == "age":
            constraint = (". >= 0 and . <= 120", "Tuổi từ 0 đến 120", "Age 0 to 120")
        elif column.key == "member_no":
            constraint = (". >= 1 and . <= 60", "STT từ 1 đến 60", "Number 1 to 60")
        elif column.key == "citizen_id":
            constraint = (
                "regex(., '^[0-9]{12}$')",
                "Số CCCD gồm đúng 12 chữ số",
                "The citizen id is exactly 12 digits",
            )
        elif column.key in {"stunted", "underweight"}:
            relevant = "${age} < 16"
        elif column.key == "has_labour_contract":
            relevant = "${wage_worker} = 'yes'"
        survey.append(_question(column, relevant=relevant, constraint=constraint))
    survey.append(["end_repeat", "members", "", "", *blank])
    survey.append(["end_group", "household", "", "", *blank])
    choices: list[list[str]] = [list(_CHOICES_HEADER)]
    used: list[CodeList] = [YES_NO, INCOME_BASIS]
    for spec in TABLES:
        for column in spec.columns:
            if column.codes is not None and column.codes not in used:
                used.append(column.codes)
    for codes in used:
        choices.extend([codes.name, c.value, c.vi, c.en, ""] for c in codes.codes)
    for commune in sorted(registry.communes.values(), key=lambda c: c.code):
        choices.append(["commune", commune.code, commune.name, commune.name, ""])
    for village in sorted(registry.villages.values(), key=lambda v: v.code):
        choices.append(["village", village.code, village.name, village.name, village.commune_code])
    settings = [
        ["form_title", "form_id", "version", "default_language", "instance_name"],
        [
            "Phiếu B - Rà soát hộ nghèo, hộ cận nghèo / Household review (form B)",
            XLSFORM_ID,
            XLSFORM_VERSION,
            _VI,
            "concat(${household_code}, ' - ', ${head_name})",
        ],
    ]
    return {"survey": survey, "choices": choices, "settings": settings}


def write_xlsform(registry: AreaRegistry, path: Path = XLSFORM_PATH) -> Path:
    """Write the XLSForm of the survey for KoBoToolbox / ODK Collect (communes from registry)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in xlsform_rows(registry).items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        _style_header(sheet, len(rows[0]))
    _stamp(book)
    book.save(path)
    return path
