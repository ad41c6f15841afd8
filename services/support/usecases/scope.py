"""What the use cases around a plan share: the component check, the refusal of a household
outside an area, and list filters by commune or area."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from services.support.domain.catalogue import Catalogue
from services.support.domain.plans import check_components
from shared.contracts.plans import PlanLevel
from shared.errors import DomainError

MAX_MEMBERS = 500


def check_component(catalogue: Catalogue, code: str, field: str = "component") -> None:
    check_components([code], [code] if catalogue.find(code) else [], field)


def outside(code: str, where_vi: str, where_en: str, field: str) -> DomainError:
    return DomainError(
        field,
        f"Hộ {code} không thuộc {where_vi}.",
        f"Household {code} is not in {where_en}.",
        code="household_outside_area",
    )


def within_communes(table: sa.Table, communes: list[str] | None, commune: str | None) -> Any:
    cond: Any = sa.true()
    if communes is not None:
        cond = table.c.commune_code.in_(communes)
    if commune is not None:
        cond = sa.and_(cond, table.c.commune_code == commune)
    return cond


def area_where(level: PlanLevel, code: str) -> dict[str, str]:
    return {"commune_code": code if level is PlanLevel.COMMUNE else "", "village_code": ""}
