"""The programme versions this platform runs, and the register of local authority areas."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from pydantic import BaseModel

from shared.language.areas import Area, as_at, register
from shared.language.programmes import Programme, catalogue
from shared.language.workdays import today_in_england
from shared.mechanics.http import Paged

from .. import views
from ..domain.dates import earliest_fieldwork

router = APIRouter()


@router.get("/programmes", tags=["programmes"], summary="The programme versions this platform runs")
async def programmes(paged: Paged) -> list[Programme]:
    return paged.of(list(catalogue().values()))


@router.get(
    "/programmes/{programme_id}", tags=["programmes"], summary="One programme version, every rule cited"
)
async def get_programme(programme_id: str) -> Programme:
    return views.programme(programme_id)


class EarliestFieldwork(BaseModel):
    programme: str
    fieldwork_starts: date
    fieldwork_ends: date
    notice_date: date  # the day notice is given: not earlier, not later (the first day, when unannounced)


@router.get(
    "/programmes/{programme_id}/earliest-fieldwork",
    tags=["programmes"],
    summary="The earliest fieldwork an inspection of this programme can be scheduled for today (or on "
    "`on`): whole weeks, Monday to Friday with no bank holiday, whose notice date has not passed",
)
async def get_earliest_fieldwork(programme_id: str, on: date | None = None) -> EarliestFieldwork:
    found = earliest_fieldwork(views.programme(programme_id), on or today_in_england())
    return EarliestFieldwork(
        programme=programme_id,
        fieldwork_starts=found.fieldwork.starts,
        fieldwork_ends=found.fieldwork.ends,
        notice_date=found.notice_date,
    )


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
    return views.area(code)
