"""The inspection's task list links to the journey pages (issue 20): each task the signed-in user acts on
links to where it is done (notifications and team on the inspection page itself, evidence, judgements, the
LSCB evaluation, the report); a task that cannot start yet, or one the user's role does not act on, is
not a link (the GOV.UK task list pattern). Derived from the reads, and shown on the inspection page against
stand-in services."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from services.workspace.models import EvidenceFile, JudgementBoard
from services.workspace.tasks import Reads, Status, links, task_list
from tests.unit.test_workspace_tasks import JTAI, inspection, plan, report
from tests.workspace_pages import sign_in
from tests.workspace_pages import workspace as stand_in

BASE = "/inspections/i-1"
IN_FIELDWORK = date(2027, 1, 6)  # the Wednesday of its one week on site
OPEN_FILE = EvidenceFile(notice_started=True, evidence_closed=False, cancelled=False)


def reads(today: date = IN_FIELDWORK) -> Reads:
    return Reads(
        inspection(),
        JTAI,
        today,
        plan(2),
        OPEN_FILE,
        JudgementBoard(judgements=[]),
        0,
        None,
        report(),
    )


def test_in_fieldwork_the_lead_is_led_to_the_team_notice_evidence_and_judgements_not_the_report() -> None:
    tasks = task_list(reads())
    found = links(tasks, "i-1", "lead_inspector")
    assert found == {
        "scheduled": f"{BASE}#team",
        "notice": f"{BASE}#notification-plan",
        "fieldwork": f"{BASE}/evidence",
        "judgements": f"{BASE}/judgements",
    }
    waiting = {t.key for t in tasks if t.status is Status.CANNOT_START}
    assert {"evidence_closed", "draft", "publication"} <= waiting
    assert not waiting & set(found)


def test_each_role_is_led_only_to_what_it_does() -> None:
    tasks = task_list(reads())
    assert links(tasks, "i-1", "inspector") == {
        "fieldwork": f"{BASE}/evidence",
        "judgements": f"{BASE}/judgements",
    }
    assert links(tasks, "i-1", "quality_assurer") == {"judgements": f"{BASE}/judgements"}
    assert links(tasks, "i-1", "auditor") == {}


def test_the_report_steps_link_to_the_report_once_they_can_start() -> None:
    drafted = task_list(
        Reads(inspection(), JTAI, date(2027, 1, 20), report=report(status="drafted", draft=1))
    )
    assert links(drafted, "i-1", "quality_assurer") == {"quality_assurance": f"{BASE}/report"}
    lead = links(drafted, "i-1", "lead_inspector")
    assert lead["draft"] == f"{BASE}/report"  # done: the lead can read it again
    assert "agreement" not in lead  # cannot start before quality assurance


# -- on the inspection page ------------------------------------------------------------------------------

CLOCK = {"environment": "rehearsal", "rehearsal": True, "now": "2027-01-06T10:00:00Z", "today": "2027-01-06"}


def answer(request: httpx.Request) -> httpx.Response:
    host, path = request.url.host.split(".")[0], request.url.path
    answers: dict[tuple[str, str], Any] = {
        ("scheduling", "/health"): CLOCK,
        ("scheduling", "/clock"): CLOCK,
        ("scheduling", BASE): inspection().model_dump(mode="json"),
        ("scheduling", f"{BASE}/notification-plan"): plan(2).model_dump(mode="json"),
        ("scheduling", "/inspectors"): [],
        ("scheduling", "/programmes/jtai-2015"): JTAI.model_dump(mode="json"),
        ("evidence", BASE): OPEN_FILE.model_dump(mode="json"),
        ("judgement", f"{BASE}/judgements"): {"judgements": []},
        ("judgement", f"{BASE}/findings"): [],
        ("lscb", f"{BASE}/evaluation"): {"contributions": []},
        ("reporting", f"{BASE}/report/lifecycle"): report().model_dump(mode="json"),
    }
    return httpx.Response(200, json=answers[(host, path)])


def task_rows(text: str) -> dict[str, str | None]:
    """Each task's title -> where it links, None where it is not a link."""
    rows: dict[str, str | None] = {}
    for item in re.findall(r'<li class="govuk-task-list__item.*?</li>', text, re.S):
        linked = re.search(
            r'<a class="govuk-link govuk-task-list__link" href="([^"]+)"[^>]*>\s*([^<]+?)\s*<', item
        )
        if linked:
            rows[linked[2]] = linked[1]
        else:
            title = re.search(r'<div class="govuk-task-list__name-and-hint">\s*<div>\s*([^<]+?)\s*<', item)
            assert title, item
            rows[title[1]] = None
    return rows


async def test_the_inspection_pages_task_list_links_each_task_the_lead_can_act_on(tmp_path: Path) -> None:
    async with stand_in(tmp_path, answer) as browser:
        await sign_in(browser, "lead-1", "lead_inspector", "ofsted")
        page = await browser.get(BASE)
        assert page.status_code == 200, page.text
        rows = task_rows(page.text)
        assert rows["Schedule the inspection"] == f"{BASE}#team"
        assert rows["Give notice"] == f"{BASE}#notification-plan"
        assert rows["Fieldwork"] == f"{BASE}/evidence"
        assert rows["Judgements and findings"] == f"{BASE}/judgements"
        assert rows["Evaluate the LSCB"] == f"{BASE}/evaluation"
        assert rows["Close evidence gathering"] is None  # cannot start before the last day
        assert rows["Draft the report"] is None
        assert rows["Publish the report"] is None
