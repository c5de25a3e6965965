"""The LSCB chair's list of their reports (issue 20): `/reports` shows the reports reporting lists for the
signed-in user (for a chair, those of their own area sent to the partnership) as a GOV.UK table of area,
programme, fieldwork and status, each linking to its report, and keeps the inspection reference box; if
reporting refuses the list, the box alone, saying why."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.workspace_pages import csrf
from tests.workspace_pages import workspace as stand_in

CLOCK = {"environment": "rehearsal", "rehearsal": True, "now": "2026-12-03T10:00:00Z", "today": "2026-12-03"}
SENT = {
    "document": "/inspections/insp-7/report",
    "kind": "findings_letter",
    "inspection_id": "insp-7",
    "round_id": None,
    "local_area": "Wakefield",
    "status": "sent_to_lscb",
    "programme": "jtai-2015",
    "fieldwork_starts": "2026-03-09",
    "fieldwork_ends": "2026-03-13",
}
OVERVIEW = {
    "document": "/rounds/r-1/overview",
    "kind": "overview",
    "inspection_id": None,
    "round_id": "r-1",
    "local_area": None,
    "status": None,
}


@dataclass
class Reporting:
    """Reporting's list as the stand-in answers it: the entries, or a refusal."""

    documents: list[dict[str, Any]] = field(default_factory=lambda: [SENT])
    refusal: dict[str, str] | None = None
    asked: list[httpx.Request] = field(default_factory=list)

    def answer(self, request: httpx.Request) -> httpx.Response:
        if request.url.path in ("/health", "/clock"):
            return httpx.Response(200, json=CLOCK)
        assert (request.method, request.url.path) == ("GET", "/documents"), request.url
        self.asked.append(request)
        if self.refusal is not None:
            return httpx.Response(403, json=self.refusal)
        return httpx.Response(200, json=self.documents)


@pytest.fixture
def reporting() -> Reporting:
    return Reporting()


@pytest.fixture
async def chair(tmp_path: Path, reporting: Reporting) -> AsyncIterator[httpx.AsyncClient]:
    async with stand_in(tmp_path, reporting.answer) as browser:
        form = await browser.get("/sign-in")
        data = {"csrf_token": csrf(form), "user": "chair-1", "role": "lscb_chair", "area": "E08000036"}
        assert (await browser.post("/sign-in", data=data)).status_code == 303
        yield browser


async def test_the_chair_sees_the_reports_sent_to_them_as_a_table_linking_to_each(
    chair: httpx.AsyncClient, reporting: Reporting
) -> None:
    reporting.documents = [SENT, OVERVIEW]
    page = await chair.get("/reports")
    assert page.status_code == 200
    assert reporting.asked[0].headers["authorization"].startswith("Bearer ")  # as the chair, their token
    table = page.text[page.text.index('<table class="govuk-table" id="reports">') :]
    table = table[: table.index("</table>")]
    for header in ("Area", "Programme", "Fieldwork", "Status"):
        assert f'<th scope="col" class="govuk-table__header">{header}</th>' in table
    assert "Wakefield" in table
    assert "Joint targeted area inspection" in table  # the programme's title, not its id
    assert "Monday 9 March 2026 to Friday 13 March 2026" in table
    assert "Sent to the LSCB" in table
    assert 'href="/inspections/insp-7/report"' in table
    assert table.count('class="govuk-table__row"') == 2  # the header and one report: no round overview
    assert "Reports sent to you" in page.text
    assert 'name="inspection"' in page.text  # the reference box stays, as a way in besides


async def test_a_chair_with_nothing_sent_yet_is_told_so_and_keeps_the_reference_box(
    chair: httpx.AsyncClient, reporting: Reporting
) -> None:
    reporting.documents = []
    page = await chair.get("/reports")
    assert "No report of an inspection of your area has been sent to you yet" in page.text
    assert "<table" not in page.text
    assert 'name="inspection"' in page.text


async def test_a_refused_list_leaves_the_reference_box_and_says_why(
    chair: httpx.AsyncClient, reporting: Reporting
) -> None:
    reporting.refusal = {"error": "forbidden", "detail": "the lscb_chair role may not do this"}
    page = await chair.get("/reports")
    assert page.status_code == 200
    assert "The list of reports could not be read: the lscb_chair role may not do this" in page.text
    opened = await chair.get("/reports", params={"inspection": "insp-7"})
    assert (opened.status_code, opened.headers["location"]) == (303, "/inspections/insp-7/report")
