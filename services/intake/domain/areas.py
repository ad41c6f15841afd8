"""Administrative areas as data: province → commune → village, and lookups by code.

Since 1 July 2025 Vietnam has two local levels (province, commune); the former district is
kept on each commune for history only. The commune's type selects the area type that decides
the income line: ``phuong`` (ward) is urban, ``xa`` (commune) is rural, and ``dac_khu``
(special zone) is rural unless the area list says otherwise in its ``area_type`` column
(the decrees define the urban line for wards; special zones are not wards: **verify**).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Final

from services.intake.domain.messages import Message, message
from shared.area_changes import AreaChange, AreaHistory
from shared.contracts.codes import AreaType
from shared.errors import DomainError, ErrorKind


class CommuneType(StrEnum):
    """Kind of commune-level unit after the 2025 reform."""

    PHUONG = "phuong"
    XA = "xa"
    DAC_KHU = "dac_khu"


DEFAULT_AREA_TYPE: Final[Mapping[CommuneType, AreaType]] = MappingProxyType(
    {
        CommuneType.PHUONG: AreaType.URBAN,
        CommuneType.XA: AreaType.RURAL,
        CommuneType.DAC_KHU: AreaType.RURAL,
    }
)

AREA_COLUMNS: Final = (
    "province_code",
    "province_name",
    "commune_code",
    "commune_name",
    "commune_type",
    "village_code",
    "village_name",
    "former_district_code",
    "former_district_name",
)
"""Required columns of the area list, in this order; ``area_type`` may follow (optional)."""


@dataclass(frozen=True, slots=True)
class Commune:
    province_code: str
    province_name: str
    code: str
    name: str
    commune_type: CommuneType
    area_type: AreaType
    former_district_code: str | None
    former_district_name: str | None


@dataclass(frozen=True, slots=True)
class Village:
    code: str
    name: str
    commune_code: str


@dataclass(frozen=True, slots=True)
class AreaInfo:
    """What a (commune, village) pair resolves to."""

    province_code: str
    province_name: str
    commune: Commune
    village: Village

    @property
    def area_type(self) -> AreaType:
        return self.commune.area_type


class AreaDataError(ValueError):
    """The area list itself is malformed (a data problem, raised when loading)."""

    def __init__(self, problems: list[Message]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = tuple(problems)


class AreaLookupError(LookupError):
    """A code that is not in the registry; ``field`` is the code that is wrong."""

    def __init__(self, field_name: str, msg: Message) -> None:
        super().__init__(str(msg))
        self.field = field_name
        self.message = msg


def _clean(value: str | None) -> str:
    return (value or "").strip()


@dataclass(frozen=True, slots=True)
class Allowed:
    """Communes and villages a caller may submit for (their grants' areas)."""

    communes: frozenset[str] = frozenset()
    villages: frozenset[str] = frozenset()

    def admits(self, commune_code: str, village_code: str) -> bool:
        return commune_code in self.communes or village_code in self.villages


@dataclass(frozen=True)
class AreaRegistry:
    """Communes and villages by code. Village codes are unique across the registry.

    The areas in force on one date: the area list as loaded, or (:meth:`as_of`) the list with
    its dated changes applied (``shared.area_changes``). ``listed`` keeps the list as loaded,
    so a household recorded under a commune since merged away still finds its province."""

    communes: Mapping[str, Commune] = field(default_factory=dict)
    villages: Mapping[str, Village] = field(default_factory=dict)
    allowed: Allowed | None = None
    """When set, :meth:`resolve` refuses areas outside it (a caller's assigned area)."""
    history: AreaHistory = field(default_factory=AreaHistory)
    listed: AreaRegistry | None = None
    on: date | None = None
    """The date the areas are in force on (``None``: the list as loaded)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "communes", MappingProxyType(dict(self.communes)))
        object.__setattr__(self, "villages", MappingProxyType(dict(self.villages)))

    def __reduce__(self) -> tuple[type[AreaRegistry], tuple[Any, ...]]:
        """Picklable (read-only mappings are not), so a parser process can be given one."""
        return AreaRegistry, (
            dict(self.communes),
            dict(self.villages),
            self.allowed,
            self.history,
            self.listed,
            self.on,
        )

    def restricted(self, allowed: Allowed | None) -> AreaRegistry:
        """The same registry, resolving only areas within ``allowed`` (None: everything)."""
        return AreaRegistry(
            self.communes, self.villages, allowed, self.history, self.listed, self.on
        )

    def with_changes(self, changes: Iterable[AreaChange]) -> AreaRegistry:
        """This list with its dated changes (422 if one names a code the list lacks)."""
        base = self.listed or self
        history = AreaHistory(
            tuple(changes), {v.code: v.commune_code for v in base.villages.values()}
        )
        found = history.problems([*base.communes, *base.villages, *_districts(base)])
        if found:
            raise DomainError.of(found, ErrorKind.INVALID)
        return AreaRegistry(base.communes, base.villages, self.allowed, history)

    def as_of(self, on: date) -> AreaRegistry:
        """The areas in force on ``on``: renamed, moved, and without those merged away or
        abolished by then."""
        base = self.listed or self
        h = self.history
        communes = {
            code: replace(c, name=h.name(code, c.name, on))
            for code, c in base.communes.items()
            if h.retired_on(code, on) is None
        }
        villages: dict[str, Village] = {}
        for code, v in base.villages.items():
            if h.retired_on(code, on) is not None:
                continue
            commune = h.commune_of(code, on, v.commune_code) or v.commune_code
            if commune in communes:
                villages[code] = Village(code, h.name(code, v.name, on), commune)
        return AreaRegistry(communes, villages, self.allowed, h, base, on)

    def retired_on(self, code: str, on: date) -> date | None:
        """When ``code`` was merged away or abolished, if that is in force on ``on``."""
        return self.history.retired_on(code, on)

    def listed_commune(self, commune_code: str) -> Commune:
        """A commune of the list as loaded, even one merged away since."""
        return (self.listed or self).commune(commune_code)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, str | None]]) -> AreaRegistry:
        """Build from area-list rows (keys are ``AREA_COLUMNS``; row 2 is the first data row).

        A commune repeated on several rows (one per village) must agree with itself.
        """
        communes: dict[str, Commune] = {}
        villages: dict[str, Village] = {}
        problems: list[Message] = []
        for number, row in enumerate(rows, start=2):
            detail = _row_problem(row)
            if detail:
                problems.append(message("area_row_invalid", row=number, detail=detail))
                continue
            commune = _commune(row)
            known = communes.setdefault(commune.code, commune)
            if known != commune:
                problems.append(
                    message(
                        "area_row_invalid",
                        row=number,
                        detail=f"commune {commune.code} differs from its earlier rows",
                    )
                )
            village = Village(
                _clean(row["village_code"]), _clean(row["village_name"]), commune.code
            )
            if villages.setdefault(village.code, village) != village:
                problems.append(
                    message(
                        "area_row_invalid",
                        row=number,
                        detail=f"village code {village.code} is used twice",
                    )
                )
        if problems:
            raise AreaDataError(problems)
        return cls(communes, villages)

    def commune(self, commune_code: str) -> Commune:
        found = self.communes.get(commune_code.strip())
        if found is None:
            raise AreaLookupError("commune_code", message("unknown_commune", value=commune_code))
        return found

    def resolve(self, commune_code: str, village_code: str) -> AreaInfo:
        """The area of a village in a commune; ``AreaLookupError`` names the wrong code."""
        commune = self.commune(commune_code)
        village = self.villages.get(village_code.strip())
        if village is None:
            raise AreaLookupError("village_code", message("unknown_village", value=village_code))
        if village.commune_code != commune.code:
            raise AreaLookupError(
                "village_code",
                message(
                    "village_not_in_commune",
                    value=village_code,
                    actual=village.commune_code,
                    commune=commune.code,
                ),
            )
        if self.allowed is not None and not self.allowed.admits(commune.code, village.code):
            by_village = bool(self.allowed.villages) and not self.allowed.communes
            raise AreaLookupError(
                "village_code" if by_village else "commune_code",
                message("area_not_allowed", value=village.code if by_village else commune.code),
            )
        return AreaInfo(commune.province_code, commune.province_name, commune, village)

    def villages_of(self, commune_code: str) -> tuple[Village, ...]:
        return tuple(v for v in self.villages.values() if v.commune_code == commune_code)


def _districts(registry: AreaRegistry) -> set[str]:
    return {c.former_district_code for c in registry.communes.values() if c.former_district_code}


def _row_problem(row: Mapping[str, str | None]) -> str:
    missing = [c for c in AREA_COLUMNS[:7] if not _clean(row.get(c))]
    if missing:
        return "empty " + ", ".join(missing)
    if _clean(row["commune_type"]) not in CommuneType.__members__.values():
        return f"commune_type must be one of {', '.join(CommuneType)}"
    area = _clean(row.get("area_type"))
    if area and area not in AreaType.__members__.values():
        return f"area_type must be empty or one of {', '.join(AreaType)}"
    return ""


def _commune(row: Mapping[str, str | None]) -> Commune:
    kind = CommuneType(_clean(row["commune_type"]))
    area = _clean(row.get("area_type"))
    return Commune(
        province_code=_clean(row["province_code"]),
        province_name=_clean(row["province_name"]),
        code=_clean(row["commune_code"]),
        name=_clean(row["commune_name"]),
        commune_type=kind,
        area_type=AreaType(area) if area else DEFAULT_AREA_TYPE[kind],
        former_district_code=_clean(row.get("former_district_code")) or None,
        former_district_name=_clean(row.get("former_district_name")) or None,
    )
