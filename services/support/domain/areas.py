"""Where plans are made: the province, its former districts (abolished on 1 July 2025, kept so
that plans issued before the reform still roll up) and its communes. Read from intake's area
list; support never decides what an area is, it only checks that a plan names a known one and
finds the communes it covers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from shared.contracts.plans import PlanLevel
from shared.errors import DomainError, ErrorKind

LEVEL_NAMES = {
    PlanLevel.PROVINCE: ("tỉnh", "province"),
    PlanLevel.FORMER_DISTRICT: ("huyện (cũ)", "former district"),
    PlanLevel.COMMUNE: ("xã", "commune"),
}


@dataclass(frozen=True, slots=True)
class Commune:
    code: str
    name: str
    province_code: str
    former_district_code: str | None


@dataclass(frozen=True)
class AreaMap:
    """Communes by code, with the former district and province each belongs to."""

    communes: Mapping[str, Commune] = field(default_factory=lambda: MappingProxyType({}))
    names: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Names of provinces and former districts by code."""

    def communes_of(self, level: PlanLevel, code: str) -> tuple[str, ...]:
        """The communes an area covers (404 for an unknown area)."""
        found: tuple[str, ...]
        if level is PlanLevel.COMMUNE:
            found = (code,) if code in self.communes else ()
        elif level is PlanLevel.FORMER_DISTRICT:
            found = tuple(
                sorted(c.code for c in self.communes.values() if c.former_district_code == code)
            )
        else:
            found = tuple(sorted(c.code for c in self.communes.values() if c.province_code == code))
        if not found:
            vi, en = LEVEL_NAMES[level]
            raise DomainError(
                "area_code",
                f"Không có {vi} mã «{code}» trong danh sách địa bàn.",
                f"No {en} with code '{code}' in the area list.",
                ErrorKind.NOT_FOUND,
                code="unknown_area",
            )
        return found

    def parents(self, commune_code: str) -> list[tuple[PlanLevel, str]]:
        """The commune and the areas above it, most specific first."""
        c = self.communes.get(commune_code)
        if c is None:
            return [(PlanLevel.COMMUNE, commune_code)]
        out = [(PlanLevel.COMMUNE, c.code)]
        if c.former_district_code:
            out.append((PlanLevel.FORMER_DISTRICT, c.former_district_code))
        out.append((PlanLevel.PROVINCE, c.province_code))
        return out

    def name(self, level: PlanLevel, code: str) -> str:
        if level is PlanLevel.COMMUNE:
            c = self.communes.get(code)
            return c.name if c else code
        return self.names.get(code, code)
