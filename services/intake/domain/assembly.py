"""Turn one household's field values (from any channel) into a ``SurveyRecord`` or problems.

Channels differ in how they address a field (a column header and row number in a file, a
path in a KoBo submission); here a problem names the field by its key and the member by its
position, and the channel translates that into its own words.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Final

from pydantic import TypeAdapter, ValidationError

from services.intake.domain.areas import AreaLookupError, AreaRegistry
from services.intake.domain.layout import (
    HOUSEHOLDS,
    MEMBERS,
    CellError,
    Column,
    Converter,
    TableSpec,
    converter_for,
)
from services.intake.domain.messages import Message, message
from services.intake.domain.record import PersonIn, SurveyRecord
from shared.contracts.codes import IncomeBasis, Relation
from shared.contracts.surveys import (
    MAX_AGE,
    MAX_MEMBERS,
    Housing,
    Income,
    ReviewRound,
)

_HEAD: Final = Relation.HEAD.value
_NOT_SENT_ON: Final = frozenset({"household_code"})

Fingerprint = Callable[[bytes], str]
"""A one-way digest of a survey's values as hex (intake's keyed hash; plain SHA-256 in tests)."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_INCOME_KEYS: Final = {
    "income_vnd": IncomeBasis.VND_PER_CAPITA_MONTH,
    "score_a": IncomeBasis.SCORE_A,
}
_HOUSING_KEYS: Final = ("pillars", "walls", "roof", "floor_area_m2")
_HOUSEHOLD_DIRECT: Final = (
    "household_code",
    "head_name",
    "livelihood_agriculture",
    "water_source",
    "latrine",
    "uses_telecom",
    "uses_internet",
    "assets",
    "waste_handling",
    "causes",
    "needs",
)


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with one field: ``member`` is its index in the member list, or None."""

    key: str
    message: Message
    member: int | None = None


Values = dict[str, object]


def is_empty(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


class RecordReader:
    """Converts raw field values of one table into typed values, collecting problems."""

    def __init__(self, spec: TableSpec, *, list_separator: str = ";") -> None:
        self.spec = spec
        self.converters: dict[str, tuple[Column, Converter]] = {
            c.key: (c, converter_for(c, list_separator=list_separator)) for c in spec.columns
        }
        self.required = tuple(c.key for c in spec.columns if c.required)
        self._plans: dict[
            Sequence[tuple[int, str]], tuple[tuple[int, str, Converter, int | None], ...]
        ] = {}

    def read(
        self, raw: Iterable[tuple[str, object]], member: int | None = None
    ) -> tuple[Values, list[Problem]]:
        """``raw`` gives (key, cell) pairs; absent or empty required fields are problems."""
        values: Values = {}
        problems: list[Problem] = []
        converters = self.converters
        for key, cell in raw:
            if cell is None or (cell.__class__ is str and not cell.strip()):
                continue
            column, convert = converters[key]
            try:
                value = convert(cell)
            except CellError as exc:
                problems.append(Problem(key, exc.message, member))
                continue
            limit = column.maximum
            if limit is not None and isinstance(value, str) and len(value) > limit:
                problems.append(Problem(key, message("too_long", limit=limit), member))
                continue
            values[key] = value
        self._require(values, problems, member)
        return values, problems

    def read_row(
        self,
        positions: Sequence[tuple[int, str]],
        cells: Sequence[object],
        member: int | None = None,
    ) -> tuple[Values, list[Problem]]:
        """Like :meth:`read` for a row of cells and (column index, key) pairs of its layout.

        The bulk-file hot path: no (key, cell) list is built and each layout's converters are
        looked up once, which matters at hundreds of thousands of rows.
        """
        plan = self._plans.get(positions)
        if plan is None:
            plan = self._plans[positions] = tuple(
                (index, key, self.converters[key][1], self.converters[key][0].maximum)
                for index, key in positions
            )
        values: Values = {}
        problems: list[Problem] = []
        width = len(cells)
        for index, key, convert, limit in plan:
            if index >= width:
                continue
            cell = cells[index]
            if cell is None or (cell.__class__ is str and (not cell or cell.isspace())):
                continue
            try:
                value = convert(cell)
            except CellError as exc:
                problems.append(Problem(key, exc.message, member))
                continue
            if limit is not None and isinstance(value, str) and len(value) > limit:
                problems.append(Problem(key, message("too_long", limit=limit), member))
                continue
            values[key] = value
        self._require(values, problems, member)
        return values, problems

    def _require(self, values: Values, problems: list[Problem], member: int | None) -> None:
        for key in self.required:
            if key not in values and not any(p.key == key for p in problems):
                problems.append(Problem(key, message("required"), member))


def assemble(
    household: Values,
    members: Sequence[Values],
    registry: AreaRegistry,
    problems: Sequence[Problem] = (),
    *,
    survey_id: str | None = None,
    fingerprint: Fingerprint = sha256_hex,
) -> SurveyRecord | list[Problem]:
    """The payload, or every problem found (cell problems passed in plus cross-field ones).

    ``survey_id`` overrides the household's own; if neither is given, one is derived from the
    household code, the review year and a hash of the content, so that sending the same row
    twice is idempotent and a corrected row becomes a new survey. The hash is ``fingerprint``
    (intake's keyed hash), since the content holds names and citizen ids and the id travels.
    """
    found = list(problems)
    found.extend(_cross_field(household, members, registry))
    if found:
        return found + _household_range_problems(household, found) + _range_problems(members, found)
    data = _payload_data(household, members, registry)
    data["survey_id"] = survey_id or household.get("survey_id") or "pending"
    try:
        payload = SurveyRecord.model_validate(data)
    except ValidationError as exc:
        return [_from_pydantic(err, household) for err in exc.errors()]
    if data["survey_id"] == "pending":
        payload = payload.model_copy(update={"survey_id": derived_survey_id(payload, fingerprint)})
    return payload


def _field_adapters() -> dict[str, TypeAdapter[Any]]:
    """The contract's own type and limits for each household value read from a file."""
    fields = {
        "floor_area_m2": Housing.model_fields["floor_area_m2"],
        "review_year": ReviewRound.model_fields["year"],
        "income_vnd": Income.model_fields["value"],
        "score_a": Income.model_fields["value"],
    }
    for key in ("survey_id", "household_code", "commune_code", "village_code", "head_name"):
        fields[key] = SurveyRecord.model_fields[key]
    return {
        key: TypeAdapter(Annotated[info.annotation, info])  # type: ignore[arg-type,name-defined]
        for key, info in fields.items()
    }


_HOUSEHOLD_FIELDS: Final = _field_adapters()


def _household_range_problems(household: Values, found: Sequence[Problem]) -> list[Problem]:
    """The contract's limits on the household's own values, so that one problem (a bad date)
    does not hide another (a negative floor area) in the report."""
    known = {p.key for p in found if p.member is None}
    extra: list[Problem] = []
    for key, adapter in _HOUSEHOLD_FIELDS.items():
        if key in known or key not in household:
            continue
        try:
            adapter.validate_python(household[key])
        except ValidationError as exc:
            error = dict(exc.errors()[0], loc=(key,))
            extra.append(Problem(key, _pydantic_message(error, key)))
    return extra


def _range_problems(members: Sequence[Values], found: Sequence[Problem]) -> list[Problem]:
    """Limits the contract checks on each member, so one report lists every problem.

    Only run when something else is already wrong (the happy path validates once, whole).
    """
    known = {(p.member, p.key) for p in found}
    extra: list[Problem] = []
    for index, values in enumerate(members):
        data = {k: v for k, v in values.items() if k not in _NOT_SENT_ON}
        try:
            PersonIn.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                if error.get("type") == "missing":
                    continue
                wrapped = dict(error, loc=("members", index, *tuple(error.get("loc", ()))))
                problem = _from_pydantic(wrapped, {})
                if (problem.member, problem.key) not in known:
                    known.add((problem.member, problem.key))
                    extra.append(problem)
    return extra


def derived_survey_id(payload: SurveyRecord, fingerprint: Fingerprint = sha256_hex) -> str:
    digest = fingerprint(payload.model_dump_json(exclude={"survey_id"}).encode())
    candidate = f"{payload.household_code}-{payload.review_round.year}-{digest[:12]}"
    if len(candidate) <= 64:
        return candidate
    code = hashlib.sha256(payload.household_code.encode()).hexdigest()[:24]
    return f"h{code}-{payload.review_round.year}-{digest[:12]}"


def _cross_field(
    household: Values, members: Sequence[Values], registry: AreaRegistry
) -> Iterable[Problem]:
    given = [k for k in _INCOME_KEYS if k in household]
    if not given:
        yield Problem("income_vnd", message("income_missing"))
    elif len(given) > 1:
        yield Problem("score_a", message("income_both"))
    commune, village = household.get("commune_code"), household.get("village_code")
    if isinstance(commune, str) and isinstance(village, str):
        try:
            area = registry.resolve(commune, village)
        except AreaLookupError as exc:
            yield Problem(exc.field, exc.message)
        else:
            province = household.get("province_code")
            if province is not None and province != area.province_code:
                yield Problem(
                    "province_code",
                    message(
                        "province_mismatch",
                        value=province,
                        commune=commune,
                        actual=area.province_code,
                    ),
                )
    yield from _member_problems(household, members)


def _member_problems(household: Values, members: Sequence[Values]) -> Iterable[Problem]:
    if not members:
        code = household.get("household_code", "")
        yield Problem("household_code", message("members_missing", household=code))
        return
    if len(members) > MAX_MEMBERS:
        yield Problem(
            "household_code",
            message("too_many_members", count=len(members), limit=MAX_MEMBERS),
        )
    seen: dict[object, list[int]] = {}
    for index, member in enumerate(members):
        if "member_no" in member:
            seen.setdefault(member["member_no"], []).append(index)
    for number, indexes in seen.items():
        if len(indexes) > 1:
            rows = ", ".join(str(i + 1) for i in indexes)
            for index in indexes:
                yield Problem(
                    "member_no", message("duplicate_member_no", value=number, rows=rows), index
                )
    heads = [i for i, m in enumerate(members) if m.get("relation") == _HEAD]
    relations_known = all("relation" in m for m in members)
    if not heads and relations_known:
        yield Problem("relation", message("no_head"), 0)
    elif len(heads) > 1:
        for index in heads:
            yield Problem("relation", message("several_heads", count=len(heads)), index)


def _payload_data(
    household: Values, members: Sequence[Values], registry: AreaRegistry
) -> dict[str, Any]:
    area = registry.resolve(str(household["commune_code"]), str(household["village_code"]))
    basis_key = "income_vnd" if "income_vnd" in household else "score_a"
    member_dicts = [{k: v for k, v in m.items() if k not in _NOT_SENT_ON} for m in members]
    head = next(m for m in members if m.get("relation") == _HEAD)
    data: dict[str, Any] = {k: household[k] for k in _HOUSEHOLD_DIRECT if k in household}
    data.update(
        province_code=area.province_code,
        commune_code=area.commune.code,
        village_code=area.village.code,
        area_type=area.area_type,
        review_round={"year": household["review_year"], "kind": household["review_kind"]},
        surveyed_at=household["surveyed_at"],
        head_citizen_id_missing="citizen_id" not in head,
        income={"basis": _INCOME_KEYS[basis_key], "value": household[basis_key]},
        housing={k: household[k] for k in _HOUSING_KEYS},
        members=member_dicts,
    )
    if "head_name" not in data and "full_name" in head:
        data["head_name"] = head["full_name"]
    return data


def _from_pydantic(error: Mapping[str, Any], household: Values) -> Problem:
    loc = tuple(error.get("loc", ()))
    member: int | None = None
    key = "household_code"
    if loc and loc[0] == "members" and len(loc) >= 3 and isinstance(loc[1], int):
        member, key = loc[1], str(loc[2])
    elif loc and loc[0] == "income":
        key = "income_vnd" if "income_vnd" in household else "score_a"
    elif loc and loc[0] == "housing" and len(loc) > 1:
        key = str(loc[1])
    elif loc and loc[0] == "review_round" and len(loc) > 1:
        key = f"review_{loc[1]}"
    elif loc and str(loc[0]) in HOUSEHOLDS.by_key:
        key = str(loc[0])
    spec = MEMBERS if member is not None else HOUSEHOLDS
    if key not in spec.by_key:
        key = "household_code" if member is None else "member_no"
    return Problem(key, _pydantic_message(error, key), member)


def _pydantic_message(error: Mapping[str, Any], key: str) -> Message:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if key == "age" and kind in {"greater_than_equal", "less_than_equal"}:
        return message("impossible_age", value=value, limit=MAX_AGE)
    if kind == "greater_than_equal":
        limit = ctx.get("ge")
        return message("negative") if limit == 0 else message("at_least", limit=limit)
    if kind == "less_than_equal":
        return message("at_most", limit=ctx.get("le"))
    if kind == "string_too_long":
        return message("too_long", limit=ctx.get("max_length"))
    if kind == "string_pattern_mismatch" and key == "citizen_id":
        return message("citizen_id", value=value)
    if kind == "missing":
        return message("required")
    return message("invalid", detail=error.get("msg", kind))
