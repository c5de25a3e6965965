"""A whole joint targeted area inspection through the workspace in a real browser (Debian's chromium,
Playwright), from scheduling to the published letter, by the people who run it, each in their own browser
context: the lead inspectors of Ofsted, CQC, HMIC and HMI Probation, Ofsted's quality assurer and the
chair of Wakefield's LSCB. Only the rehearsal platform's clock is moved outside the browser (as `jip clock
advance` does), and the area's board register is kept through the lscb service, which has no page.

A line of enquiry raised by CQC appears in the lead inspector's open page without reloading it, and the
lead's answer in CQC's. Every page visited is checked with axe-core (WCAG 2.2 AA: zero violations) and
against its Content-Security-Policy. The main pages are photographed: into the test's own directory, and
into docs/screenshots when JIP_SCREENSHOTS names that directory (how the README's pictures are made)."""

from __future__ import annotations

import os
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Browser, Page, expect

from embedded.demo import People, eventually, first_fieldwork_week
from embedded.demo.scenario import scenario
from embedded.demo.timetable import Timetable
from shared.language.programmes import catalogue
from tests.e2e.conftest import Platform
from tests.e2e.test_workspace_browser import WAKEFIELD, Audit, chromium, installed, move_clock, sign_in, task
from tests.helpers import SIGNER, actor

__all__ = ["chromium", "installed"]  # the fixtures, shared with the first browser tests

JTAI = scenario("jtai-2015")
# The scenario's evidence each inspectorate records in the browser, in this order.
RECORDED = ("front-door-la", "front-door-health", "missing-police", "probation-checks", "board-audits")
LIVE_WAIT = 20_000  # ms: a change reaches the other page through the broker and the workspace


class Camera:
    """Photographs of the main pages: kept with the test's files, and in JIP_SCREENSHOTS if it is set."""

    def __init__(self, tmp_path: Path) -> None:
        wanted = os.environ.get("JIP_SCREENSHOTS")
        self.places = [tmp_path / "screenshots", *([Path(wanted)] if wanted else [])]
        self.taken: list[str] = []

    async def take(self, page: Page, name: str) -> None:
        for place in self.places:
            place.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(place / f"{name}.png"), full_page=True)
        self.taken.append(name)


async def tell_everyone(people: dict[str, Page], inspection_url: str, audit: Audit) -> None:
    """The notification plan recorded in its order: whoever's turn it is finds the button on their page."""
    for _ in range(12):
        recorded = False
        for page in people.values():
            await page.goto(inspection_url)
            button = page.locator("button:has-text('Record that')")
            if await button.count():
                await button.click()
                await expect(page.locator(".govuk-notification-banner")).to_contain_text(
                    "notification is recorded"
                )
                await audit.check(page)
                recorded = True
        if not recorded:
            return
    raise AssertionError("the notification plan never finished")


async def record(page: Page, audit: Audit, inspection_id: str, key: str) -> str:
    """The scenario's evidence item `key`, recorded through the form; its id."""
    item = JTAI.evidence[key]
    await page.goto(f"/inspections/{inspection_id}/evidence/new")
    await page.select_option("#agency", item.agency.value)
    await page.select_option("#judgement_area", item.judgement_area)
    await page.check(f"input[name='bearing'][value='{item.bearing.value}']")
    await page.select_option("#activity", item.activity.value)
    if item.case_reference:
        await page.select_option("#case_reference", item.case_reference)
    await page.fill("#summary", item.summary)
    await page.click("button:has-text('Record the item')")
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("The evidence item is recorded.")
    await audit.check(page)
    return page.url.split("?")[0].rsplit("/", 1)[1]


async def test_a_whole_jtai_is_run_in_the_browser_by_its_people_with_lines_of_enquiry_live(
    platform: Platform, chromium: Browser, tmp_path: Path
) -> None:
    for name in platform.ports.services:  # one at a time: each comes up sooner on a busy machine
        await platform.start(name)
    base = await platform.start_workspace()
    urls, audit, camera = platform.urls, Audit(), Camera(tmp_path)
    auditor = People(SIGNER).auditor
    http = httpx.AsyncClient(timeout=30, headers=auditor)
    lead_api = actor("ofsted", "lead_inspector")
    assert JTAI.board is not None
    assert JTAI.lscb is not None
    for office, name in (("chair", JTAI.board.chair), ("business_manager", JTAI.board.business_manager)):
        registered = await http.put(
            f"{urls['lscb']}/boards/{WAKEFIELD}/officers/{office}", headers=lead_api, json={"name": name}
        )
        assert registered.status_code in (200, 201), registered.text

    # The lead inspector schedules the JTAI of Wakefield.
    lead = await sign_in(chromium, base, audit, "lead-ofsted", "lead_inspector", "ofsted")
    today = date.fromisoformat((await http.get(f"{urls['scheduling']}/clock")).json()["today"])
    monday = first_fieldwork_week(today)
    await lead.click("a.govuk-service-navigation__link:has-text('Schedule an inspection')")
    await lead.check("input[name='programme'][value='jtai-2015']")
    await lead.click("button:has-text('Continue')")
    await lead.select_option("#area", WAKEFIELD)
    await lead.fill("#fieldwork_starts-day", str(monday.day))
    await lead.fill("#fieldwork_starts-month", str(monday.month))
    await lead.fill("#fieldwork_starts-year", str(monday.year))
    await lead.check(f"input[name='deep_dive_theme'][value='{JTAI.deep_dive_theme}']")
    await camera.take(lead, "schedule-an-inspection")
    await lead.click("button:has-text('Schedule the inspection')")
    await expect(lead.locator(".govuk-notification-banner")).to_contain_text("The inspection is scheduled.")
    await audit.check(lead)
    inspection_url = lead.url.split("?")[0]
    inspection_id = inspection_url.rsplit("/", 1)[1]
    scheduled: dict[str, Any] = (await http.get(f"{urls['scheduling']}{inspection_url[len(base) :]}")).json()
    when = Timetable(
        catalogue()["jtai-2015"],
        date.fromisoformat(scheduled["fieldwork_starts"]),
        date.fromisoformat(scheduled["fieldwork_ends"]),
        date.fromisoformat(scheduled["notice_date"]),
    )

    async def clock(to: datetime) -> None:
        await move_clock(urls["scheduling"], to)

    # On the notice date each inspectorate's lead tells whom the plan gives them, in its order.
    people = {"ofsted": lead}
    for inspectorate in ("cqc", "hmic", "hmi_probation"):
        people[inspectorate] = await sign_in(
            chromium, base, audit, f"lead-{inspectorate}", "lead_inspector", inspectorate
        )
    await clock(when.notice)
    await tell_everyone(people, inspection_url, audit)
    await lead.goto(inspection_url)
    await expect(task(lead, "Give notice")).to_have_text("Completed")
    await camera.take(lead, "inspection-task-list")

    # The shared sample, then each inspectorate's evidence.
    await clock(when.sample)
    await lead.goto(f"/inspections/{inspection_id}/evidence")
    sample = [(c.case_reference, c.reason) for c in JTAI.shared_sample]
    for reference, reason in [*sample, ("CASE-0104", "The father is supervised by the probation service")]:
        await lead.fill("#case_reference", reference)
        await lead.fill("#reason", reason)
        await lead.click("button:has-text('Add the case')")
        await expect(lead.locator(".govuk-notification-banner")).to_contain_text("The case is added")
    await audit.check(lead)
    await clock(when.evidence(1))
    ids = {
        key: await record(people[JTAI.evidence[key].inspectorate.value], audit, inspection_id, key)
        for key in RECORDED
    }
    await lead.goto(f"/inspections/{inspection_id}/evidence/new")
    await camera.take(lead, "record-evidence")

    # Live: CQC raises a line of enquiry while the lead has the lines open; it appears there unreloaded.
    await clock(when.enquiries)
    cqc = people["cqc"]
    await lead.goto(f"/inspections/{inspection_id}/lines-of-enquiry")
    status = lead.locator("#live-status")
    await expect(status).to_contain_text("as the other inspectorates make them", timeout=LIVE_WAIT)
    question = "Did health hear from the police about the missing episode the same day?"
    await cqc.goto(f"/inspections/{inspection_id}/lines-of-enquiry")
    await cqc.select_option("#agency", "health")
    await cqc.fill("#question", question)
    await cqc.click("button:has-text('Raise the line of enquiry')")
    await expect(cqc.locator(".govuk-notification-banner")).to_contain_text("The line of enquiry is raised")
    await expect(lead.locator("#lines-live")).to_contain_text(question, timeout=LIVE_WAIT)
    await expect(status).to_contain_text("CQC raised a line of enquiry")
    await audit.check(lead)
    await camera.take(lead, "lines-of-enquiry-live")

    # The lead answers it; the answer appears in CQC's open page; CQC closes the line.
    listening = re.compile("as the other inspectorates make them|Updated at")  # its own raise, heard too
    await expect(cqc.locator("#live-status")).to_have_text(listening, timeout=LIVE_WAIT)
    await lead.click(f"a:has-text('{question[:40]}')")
    await lead.check(f"input[name='evidence_item_ids'][value='{ids['front-door-la']}']")
    answer = "Yes: the police told the local authority and health within the hour."
    await lead.fill("#answer", answer)
    await lead.click("button:has-text('Send the answer')")
    await expect(lead.locator(".govuk-notification-banner")).to_contain_text("Your answer is recorded.")
    await expect(cqc.locator("#line-live .app-answer")).to_contain_text(answer, timeout=LIVE_WAIT)
    await expect(cqc.locator("#live-status")).to_contain_text("Ofsted answered a line of enquiry")
    await audit.check(cqc)
    await cqc.fill("#conclusion", "Corroborated: the agencies shared it within the hour.")
    await cqc.click("button:has-text('Close the line of enquiry')")
    await expect(cqc.locator(".govuk-notification-banner")).to_contain_text("The line of enquiry is closed.")

    await lead.goto(f"/inspections/{inspection_id}/triangulation")
    await audit.check(lead)
    await camera.take(lead, "triangulation")

    # The last day: the lead closes evidence gathering.
    await clock(when.closure)
    await lead.goto(f"/inspections/{inspection_id}/evidence")
    await lead.fill("#closure-reason", "Fieldwork is over: the joint feedback meeting has been held.")
    await lead.click("button:has-text('Close evidence gathering')")
    await expect(lead.locator(".govuk-notification-banner")).to_contain_text("Evidence gathering is closed")
    await audit.check(lead)

    # Findings citing the evidence; the board's evaluation signed off by every inspectorate, made final.
    await clock(when.judged)

    async def arrived() -> bool:
        profile = await http.get(f"{urls['judgement']}/inspections/{inspection_id}/evidence-profile")
        board = await http.get(f"{urls['lscb']}/inspections/{inspection_id}/evaluation")
        held = {i["evidence_item_id"] for i in board.json()["evidence"]} if board.is_success else set()
        return profile.is_success and profile.json()["items"] == len(RECORDED) and ids["board-audits"] in held

    await eventually(arrived, "the evidence to reach the judgement and lscb services")
    findings = [
        (JTAI.findings[0], ["front-door-la", "front-door-health"]),
        (JTAI.findings[1], ["missing-police"]),
    ]
    for finding, cited in findings:
        await lead.goto(f"/inspections/{inspection_id}/judgements")
        await lead.check(f"input[name='kind'][value='{finding.kind.value}']")
        await lead.fill("#text", finding.text)
        for key in cited:
            await lead.check(f"input[name='evidence'][value='{ids[key]}']")
        await lead.click("button:has-text('Record the finding')")
        await expect(lead.locator(".govuk-notification-banner")).to_contain_text("The finding is recorded.")
    await audit.check(lead)
    await camera.take(lead, "judgements-and-findings")
    evaluation_url = f"/inspections/{inspection_id}/evaluation"
    await lead.goto(evaluation_url)
    await lead.fill("#p-text", JTAI.lscb.text)
    await lead.check(f"input[name='p-evidence'][value='{ids['board-audits']}']")
    await lead.click("button:has-text('Propose the evaluation')")
    await expect(lead.locator(".govuk-notification-banner")).to_contain_text("The evaluation is proposed")
    for page in people.values():
        await page.goto(evaluation_url)
        await page.click("button:has-text('Sign off the evaluation')")
        await expect(page.locator(".govuk-notification-banner")).to_contain_text("signs the evaluation off")
    await lead.goto(evaluation_url)
    await lead.click("button:has-text('Make the evaluation final')")
    await expect(lead.locator(".govuk-notification-banner")).to_contain_text(
        "evaluation of the board is final"
    )
    await audit.check(lead)
    await camera.take(lead, "lscb-evaluation")

    # The report: drafted, quality-assured, agreed by every inspectorate, sent to the chair.
    report_url = f"/inspections/{inspection_id}/report"
    await clock(when.drafted)

    async def complete() -> bool:
        answer = await http.get(f"{urls['reporting']}{report_url}")
        return answer.status_code == 200 and all(f.text in answer.text for f, _ in findings)

    await eventually(complete, "every event the report is made of to reach the reporting service")

    async def step(page: Page, button: str, done: str) -> None:
        await page.goto(report_url)
        await page.click(f"button:has-text('{button}')")
        await expect(page.locator(".govuk-notification-banner")).to_contain_text(done)
        await audit.check(page)

    await step(lead, "Draft the report", "The report is drafted.")
    await camera.take(lead, "report")
    quality = await sign_in(chromium, base, audit, "qa-ofsted", "quality_assurer", "ofsted")
    await step(quality, "Quality-assure the draft", "The draft is quality-assured.")
    for page in people.values():
        await step(page, "Agree the draft", "Your inspectorate agrees the draft.")
    await clock(when.sent)
    await step(lead, "Send the draft for factual accuracy", "The draft is sent for factual accuracy.")

    # The chair finds the draft among their reports and sends the partnership's one response.
    await clock(when.response)
    chair = await sign_in(chromium, base, audit, "chair-wakefield", "lscb_chair", area=WAKEFIELD)
    await chair.goto("/reports")
    await chair.click(f"a[href='{report_url}']")
    await expect(chair.locator("h1")).to_have_text("The draft report sent to you")
    [point] = JTAI.factual_accuracy
    await chair.fill("#point-1-section", point.section or "")
    await chair.fill("#point-1-text", point.text)
    await camera.take(chair, "factual-accuracy-response")
    await chair.click("button:has-text('Send the response')")
    await expect(chair.locator(".govuk-notification-banner")).to_contain_text(
        "Your factual-accuracy response"
    )
    await audit.check(chair)

    # The lead decides the point and makes the report final; every inspectorate publishes it.
    await clock(when.final)
    await lead.goto(report_url)
    await lead.check(
        f"#decision-{point.point}-2" if point.decision.value == "rejected" else f"#decision-{point.point}"
    )
    await lead.fill(f"#reason-{point.point}", point.reason)
    await lead.click(f"button:has-text('Decide point {point.point}')")
    await expect(lead.locator(".govuk-notification-banner")).to_contain_text("The point is decided.")
    await step(lead, "Make the report final", "The report is final.")
    await clock(when.published)
    for page in people.values():
        await step(page, "Publish the report", "Your inspectorate has published the report.")
    await lead.goto(report_url)
    await expect(task(lead, "Publish the report")).to_have_text("Completed")
    await expect(lead.locator(".app-document")).to_contain_text(JTAI.findings[0].text)
    await camera.take(lead, "published-letter")
    letter = await chair.request.get(f"{base}{report_url}.pdf")
    assert letter.ok
    assert (await letter.body()).startswith(b"%PDF")
    await http.aclose()
    audit.assert_clean(at_least=40)
    assert len(camera.taken) == 10
    print(f"screenshots: {', '.join(camera.taken)} in {', '.join(map(str, camera.places))}")
