"""Support's HTTP API: the ledger's writes and reads, each route with its access rule."""

from __future__ import annotations

from fastapi import APIRouter

from services.support.api import (
    cases,
    credit,
    households,
    plans,
    records,
    revolving,
    sponsors,
    work,
)
from services.support.api.context import Ctx
from services.support.domain.areas import AreaMap
from services.support.domain.catalogue import Catalogue
from services.support.metrics import SupportMetrics
from shared.runtime import Runtime


def router(rt: Runtime, metrics: SupportMetrics, catalogue: Catalogue, areas: AreaMap) -> APIRouter:
    ctx = Ctx(rt, metrics, catalogue, areas)
    api = APIRouter()
    for part in (households, records, credit, revolving, cases, sponsors, plans, work):
        api.include_router(part.router(ctx))
    return api
