"""The programme versions this platform runs, and the register of local authority areas."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter

from shared.areas import Area, as_at, register
from shared.http import Paged
from shared.programmes import Programme, catalogue

from .. import handlers

router = APIRouter()


@router.get("/programmes", tags=["programmes"], summary="The programme versions this platform runs")
async def programmes(paged: Paged) -> list[Programme]:
    return paged.of(list(catalogue().values()))


@router.get(
    "/programmes/{programme_id}", tags=["programmes"], summary="One programme version, every rule cited"
)
async def get_programme(programme_id: str) -> Programme:
    return handlers.programme(programme_id)


@router.get(
    "/areas",
    tags=["areas"],
    summary="The register of local authority areas (ONS codes): every area since 2012 with the dates it "
    "existed and its successors, or with `on`, those existing that day",
)
async def areas(paged: Paged, on: date | None = None) -> list[Area]:
    return paged.of(list((as_at(on) if on else register()).values()))


@router.get("/areas/{code}", tags=["areas"], summary="One area: police force and custody facilities")
async def get_area(code: str) -> Area:
    return handlers.area(code)
