"""The time-aware register over HTTP against the real database: `GET /areas` of a day, an abolished
area refused for fieldwork after its abolition (naming its successors and the register), and its
successor scheduled under its own code and name."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from services.scheduling.app import build as scheduling
from services.scheduling.domain.area_calendar import REGISTER
from shared.mechanics.settings import Settings
from tests.helpers import actor, running

LEAD = actor("ofsted", "lead_inspector")
MONDAY = "2031-03-10"


@pytest.fixture
async def api(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with running(scheduling(settings)) as client:
        yield client


async def _areas(api: httpx.AsyncClient, **params: str) -> list[dict[str, Any]]:
    answer = await api.get("/areas", params={"limit": "1000", **params})
    assert answer.status_code == 200, answer.text
    areas: list[dict[str, Any]] = answer.json()
    return areas


async def test_the_register_of_a_day_and_an_area_with_its_dates(api: httpx.AsyncClient) -> None:
    in_2014 = {a["code"] for a in await _areas(api, on="2014-05-12")}
    in_2031 = {a["code"] for a in await _areas(api, on=MONDAY)}
    assert (len(in_2014), len(in_2031)) == (152, 153)
    assert "E10000006" in in_2014 - in_2031
    assert {"E06000063", "E06000064", "E06000065", "E06000066"} <= in_2031 - in_2014
    assert len(await _areas(api)) == 163  # every area since 2012, each with its dates

    cumbria = (await api.get("/areas/E10000006")).json()
    assert cumbria["abolished"]["on"] == "2023-04-01"
    assert "SI 2022/331" in cumbria["abolished"]["source"]
    assert cumbria["successors"] == ["E06000063", "E06000064"]


async def test_cumbria_is_refused_for_fieldwork_in_2031_and_cumberland_is_scheduled(
    api: httpx.AsyncClient,
) -> None:
    body = {"programme": "macp-2012", "area": "Cumbria", "fieldwork_starts": MONDAY}
    refused = await api.post("/inspections", headers=LEAD, json=body)
    assert refused.status_code == 422, refused.text
    error = refused.json()
    assert error["error"] == "rule_violation"
    assert error["rule"] == REGISTER
    assert "Cumbria (E10000006) was abolished on 1 April 2023" in error["detail"]
    assert "Cumberland (E06000063) and Westmorland and Furness (E06000064)" in error["detail"]

    scheduled = await api.post("/inspections", headers=LEAD, json={**body, "area": "Cumberland"})
    assert scheduled.status_code == 201, scheduled.text
    assert (scheduled.json()["area_code"], scheduled.json()["local_area"]) == ("E06000063", "Cumberland")
    north_yorkshire = await api.post(
        "/inspections",
        headers=LEAD,
        json={**body, "area": "North Yorkshire", "fieldwork_starts": "2031-03-17"},
    )
    assert north_yorkshire.status_code == 201, north_yorkshire.text
    assert north_yorkshire.json()["area_code"] == "E06000065"
