"""The workspace offers the areas that exist: the schedule form those of the platform's today (asked of
scheduling's register with `on`), the sign-in page a chair today's areas (Cumberland, not Cumbria)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import httpx

from shared.language.areas import as_at
from shared.language.programmes import catalogue
from shared.language.workdays import today_in_england
from tests.workspace_pages import csrf, sign_in
from tests.workspace_pages import workspace as stand_in

JTAI = catalogue()["jtai-2015"].model_dump(mode="json")


def _clock(today: date) -> dict[str, object]:
    return {"environment": "rehearsal", "rehearsal": True, "now": f"{today}T10:00:00Z", "today": str(today)}


def _scheduling(today: date, asked: list[str]) -> httpx.MockTransport:
    """Scheduling as far as the schedule form reads it: the clock, the programmes and the register."""

    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/areas":
            asked.append(request.url.params.get("on", ""))
            on = date.fromisoformat(request.url.params["on"])
            return httpx.Response(200, json=[a.model_dump(mode="json") for a in as_at(on).values()])
        answers: dict[str, object] = {
            "/health": {"environment": "rehearsal"},
            "/clock": _clock(today),
            "/programmes": [JTAI],
            "/programmes/jtai-2015": JTAI,
            "/inspections": [],
        }
        return httpx.Response(200, json=answers[path])

    return httpx.MockTransport(answer)


def _options(page: httpx.Response) -> set[str]:
    return set(re.findall(r"<option value=\"(E\d{8})\"", page.text))


async def test_the_schedule_form_offers_the_areas_of_the_platforms_today(tmp_path: Path) -> None:
    for today, offered, not_offered in [
        (date(2027, 1, 4), {"E06000063", "E06000064", "E06000065", "E06000066"}, {"E10000006", "E10000023"}),
        (date(2014, 5, 12), {"E10000006", "E10000023", "E10000027"}, {"E06000063", "E06000065"}),
    ]:
        asked: list[str] = []
        async with stand_in(tmp_path, _scheduling(today, asked)) as browser:
            signed = await sign_in(browser, "lead-1", "lead_inspector", "ofsted")
            assert signed.status_code == 303
            form = await browser.get("/inspections/new", params={"programme": "jtai-2015"})
            assert form.status_code == 200
            assert csrf(form)
        codes = _options(form)
        assert asked == [str(today)]
        assert len(codes) == len(as_at(today))
        assert offered <= codes
        assert not not_offered & codes


async def test_sign_in_offers_a_chair_the_areas_of_today(tmp_path: Path) -> None:
    async with stand_in(tmp_path, _scheduling(date(2027, 1, 4), [])) as browser:
        page = await browser.get("/sign-in")
    codes = _options(page)
    assert {"E06000063", "E06000064"} <= codes
    assert "E10000006" not in codes
    assert len(codes) == len(as_at(today_in_england()))  # 153 since 1 April 2023
