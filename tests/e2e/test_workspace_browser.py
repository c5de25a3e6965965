"""The inspection workspace in a real browser: Debian's chromium driven by Playwright, against the five
services and the workspace, each a separate process on a rehearsal platform. Every page visited is checked
with axe-core (WCAG 2.2 AA: zero violations), and no page may break its Content-Security-Policy.

- Journey 1: the lead inspector signs in, schedules a JTAI (a Tuesday is refused, with the rule, and the
  form keeps what was typed), tries to give notice too early (refused, with the rule), records the first
  notification on the notice date and sees the task list advance, and assigns an inspector.
- Journey 6: with the inspection played through the services to its judgements, the report goes from draft
  to publication through the browser, each step by whoever takes it, and the LSCB chair reads the draft
  sent to their area and sends the partnership's one response."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page, async_playwright, expect

from embedded.demo import FINDINGS, LSCB_EVALUATION, People, eventually, first_fieldwork_week
from embedded.demo.inspection import Play
from embedded.demo.player import BEFORE_THE_REPORT, scheduled
from tests.e2e.conftest import Platform
from tests.helpers import SIGNER, actor

CHROMIUM = Path("/usr/bin/chromium")  # Debian's package: never a browser downloaded at run time
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_22_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
WAKEFIELD = "E08000036"


@dataclass
class Audit:
    """Every page a test visits, checked: axe-core's WCAG 2.2 AA violations, and the CSP reports."""

    axe: Axe = field(default_factory=Axe)
    pages: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)

    async def check(self, page: Page) -> None:
        results = await self.axe.run(page, options=WCAG_22_AA)
        self.pages.append(f"{await page.title()} ({page.url})")
        if results.violations_count:
            self.violations.append(f"{page.url}: {results.generate_report()}")

    def watch(self, page: Page) -> None:
        page.on(
            "console",
            lambda message: (
                self.csp.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )

    def assert_clean(self, at_least: int) -> None:
        assert len(self.pages) >= at_least, self.pages
        assert not self.violations, "\n".join(self.violations)
        assert not self.csp, self.csp
        print(f"axe-core: {len(self.pages)} pages, 0 WCAG 2.2 AA violations")  # the run's record


@pytest.fixture
def installed() -> None:
    """Debian's chromium is there; if not, the browser tests fail, saying what to install (never skip)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"the browser tests drive Debian's chromium at {CHROMIUM}, which is not installed: "
            "`apt-get install chromium` (`bin/jip test` installs it when run as root)"
        )


@pytest.fixture
async def chromium(installed: None) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        await browser.close()


async def sign_in(
    browser: Browser,
    base: str,
    audit: Audit,
    user: str,
    role: str,
    inspectorate: str | None = None,
    area: str | None = None,
) -> Page:
    """A user in their own browser window (context), signed in on the sign-in page."""
    context = await browser.new_context(base_url=base)
    page = await context.new_page()
    audit.watch(page)
    await page.goto("/sign-in")
    await audit.check(page)
    await page.fill("#user", user)
    await page.check(f"input[name='role'][value='{role}']")
    if inspectorate:
        await page.select_option("#inspectorate", inspectorate)
    if area:
        await page.select_option("#area", area)
    await page.click("button:has-text('Sign in')")
    await expect(page.locator(".app-account__who")).to_contain_text(user)
    await audit.check(page)
    return page


def task(page: Page, title: str) -> Any:
    """The status of one task of the page's task list."""
    return page.locator(".govuk-task-list__item", has_text=title).locator(".govuk-task-list__status")


async def move_clock(scheduling: str, to: datetime) -> None:
    """The rehearsal platform's clock moved on, as `jip clock advance` and the demo do."""
    async with httpx.AsyncClient(timeout=30) as http:
        moved = await http.post(
            f"{scheduling}/clock/advance",
            headers=actor("ofsted", "lead_inspector"),
            json={"to": to.strftime("%Y-%m-%dT%H:%M"), "reason": "browser test"},
        )
    assert moved.status_code == 200, moved.text


async def test_the_lead_schedules_a_jtai_gives_notice_on_the_notice_date_and_sees_the_tasks_advance(
    platform: Platform, chromium: Browser
) -> None:
    await platform.start()
    base = await platform.start_workspace()
    audit = Audit()
    async with httpx.AsyncClient() as http:
        clock = (await http.get(f"{platform.urls['scheduling']}/clock", headers=actor("ofsted"))).json()
    monday = first_fieldwork_week(date.fromisoformat(clock["today"]))

    lead = await sign_in(chromium, base, audit, "lead-1", "lead_inspector", "ofsted")
    await expect(lead.locator("h1")).to_have_text("Inspections")
    await expect(lead.locator(".govuk-phase-banner")).to_contain_text("REHEARSAL")
    await lead.click("a.govuk-service-navigation__link:has-text('Schedule an inspection')")
    await audit.check(lead)
    await lead.check("input[name='programme'][value='jtai-2015']")
    await lead.click("button:has-text('Continue')")
    await audit.check(lead)

    async def fieldwork_from(day: date) -> None:
        await lead.select_option("#area", WAKEFIELD)
        await lead.fill("#fieldwork_starts-day", str(day.day))
        await lead.fill("#fieldwork_starts-month", str(day.month))
        await lead.fill("#fieldwork_starts-year", str(day.year))
        await lead.check("input[name='deep_dive_theme'][value='cse_and_missing']")
        await lead.click("button:has-text('Schedule the inspection')")

    tuesday = monday + timedelta(days=1)
    await fieldwork_from(tuesday)
    summary = lead.locator(".govuk-error-summary")
    await expect(summary).to_contain_text(f"Fieldwork must start on a Monday; {tuesday} is a Tuesday")
    await expect(summary.locator(".app-rule")).to_have_text("Rule: 001 Proposal two")
    await expect(lead.locator("#fieldwork_starts-day")).to_have_value(str(tuesday.day))  # kept as typed
    await expect(lead.locator("#area")).to_have_value(WAKEFIELD)
    await audit.check(lead)

    await fieldwork_from(monday)
    await expect(lead.locator(".govuk-notification-banner")).to_contain_text("The inspection is scheduled.")
    await expect(lead.locator("h1")).to_have_text("Wakefield")
    await expect(task(lead, "Give notice")).to_have_text("Cannot start yet")
    hint = lead.locator(".govuk-task-list__item", has_text="Give notice").locator(".govuk-task-list__hint")
    await expect(hint).to_contain_text("on the notice date, neither earlier nor later (001 Proposal two)")
    await audit.check(lead)
    inspection_url = lead.url.split("?")[0]

    # Too early: the scheduling service refuses, and the page says why, with the rule.
    await lead.click("button:has-text('Record that the chair of the LSCB was told')")
    await expect(summary).to_contain_text("not earlier")
    await expect(summary.locator(".app-rule")).to_have_text("Rule: 001 Proposal two")
    await audit.check(lead)

    # On the notice date (the rehearsal clock moved to it), the chair is told first.
    plan = await _plan(platform, inspection_url.rsplit("/", 1)[1])
    await move_clock(platform.urls["scheduling"], datetime.fromisoformat(f"{plan['due']}T09:00"))
    await lead.goto(inspection_url)
    await expect(task(lead, "Give notice")).to_have_text("Next")
    await lead.click("button:has-text('Record that the chair of the LSCB was told')")
    await expect(lead.locator(".govuk-notification-banner")).to_contain_text("The notification is recorded.")
    await expect(task(lead, "Give notice")).to_have_text("In progress")
    await expect(lead.locator("#notification-plan ~ table tbody tr").first).to_contain_text("Told")
    await audit.check(lead)

    await lead.fill("#name", "Martin Hale HMI")
    await lead.click("button:has-text('Register')")
    await expect(lead.locator(".govuk-notification-banner")).to_contain_text("The inspector is registered")
    await lead.select_option("#inspector_id", label="Martin Hale HMI")
    await lead.check("input[name='weeks'][value='1']")
    await lead.click("button:has-text('Assign')")
    await expect(lead.locator(".govuk-notification-banner")).to_contain_text("The inspector is assigned.")
    await expect(lead.locator("#team + table")).to_contain_text("Martin Hale HMI (Ofsted)")
    await audit.check(lead)
    audit.assert_clean(at_least=9)


async def _plan(platform: Platform, inspection_id: str) -> dict[str, Any]:
    async with httpx.AsyncClient() as http:
        answer = await http.get(
            f"{platform.urls['scheduling']}/inspections/{inspection_id}/notification-plan",
            headers=actor("ofsted"),
        )
    plan: dict[str, Any] = answer.json()
    return plan


async def judged_jtai(urls: dict[str, str]) -> Play:
    """The JTAI of Wakefield played through the services, as `jip demo` plays it, up to its judgements and
    the board's evaluation: everything the report is made of."""
    people = People(SIGNER)
    http = httpx.AsyncClient(timeout=30, headers=people.auditor)  # the play's: the test reads with it
    play = await scheduled(http, urls, people, "jtai-2015", progress=lambda _: None)
    for step in BEFORE_THE_REPORT:
        await step(play)
    return play


async def test_the_report_goes_from_draft_to_publication_in_the_browser_with_the_chairs_one_response(
    platform: Platform, chromium: Browser
) -> None:
    await platform.start()
    base = await platform.start_workspace()
    play = await judged_jtai(platform.urls)
    report_url = f"/inspections/{play.run.inspection_id}/report"
    await play.story.clock.move_to(play.timetable.drafted, "the draft")
    wanted = [f.text for f in FINDINGS] + ([LSCB_EVALUATION.text] if LSCB_EVALUATION else [])

    async def complete() -> bool:
        answer = await play.platform.http.get(play.platform.url("reporting", report_url))
        return answer.status_code == 200 and all(text in answer.text for text in wanted)

    await eventually(complete, "every event the report is made of to reach the reporting service")
    audit = Audit()

    async def step(page: Page, button: str, done: str) -> None:
        await page.goto(report_url)
        await audit.check(page)
        await page.click(f"button:has-text('{button}')")
        await expect(page.locator(".govuk-notification-banner")).to_contain_text(done)
        await audit.check(page)

    lead = await sign_in(chromium, base, audit, "lead-1", "lead_inspector", "ofsted")
    await lead.goto(report_url)
    await expect(task(lead, "Draft the report")).to_have_text("Next")
    await expect(lead.locator(".app-document h2").first).to_contain_text("Joint targeted area inspection")
    await step(lead, "Draft the report", "The report is drafted.")
    quality = await sign_in(chromium, base, audit, "qa-1", "quality_assurer", "ofsted")
    await step(quality, "Quality-assure the draft", "The draft is quality-assured.")
    leads = {"ofsted": lead}
    for inspectorate in ("cqc", "hmic", "hmi_probation"):
        leads[inspectorate] = await sign_in(
            chromium, base, audit, f"lead-{inspectorate}", "lead_inspector", inspectorate
        )
    for page in leads.values():
        await step(page, "Agree the draft", "Your inspectorate agrees the draft.")
    await play.story.clock.move_to(play.timetable.sent, "sending")
    await step(lead, "Send the draft for factual accuracy", "The draft is sent for factual accuracy.")
    await expect(task(lead, "Factual-accuracy response")).to_have_text("Next")

    # The chair of Wakefield's LSCB finds the draft in the list of reports sent to them, and sends the one
    # response.
    await play.story.clock.move_to(play.timetable.response, "the response")
    chair = await sign_in(chromium, base, audit, "chair-1", "lscb_chair", area=WAKEFIELD)
    await chair.goto("/reports")
    sent = chair.locator("#reports tbody tr")
    await expect(sent).to_have_count(1)
    await expect(sent).to_contain_text("Sent to the LSCB")
    await audit.check(chair)
    await sent.locator("a:has-text('Open the report')").click()
    await expect(chair.locator("h1")).to_have_text("The draft report sent to you")
    await expect(chair.locator(".app-document")).to_contain_text("Wakefield")
    await audit.check(chair)
    [point] = play.scenario.factual_accuracy
    await chair.fill("#point-1-section", point.section or "")
    await chair.fill("#point-1-text", point.text)
    await chair.click("button:has-text('Add another point')")  # a fourth row, what was typed kept
    await expect(chair.locator("#point-4-text")).to_be_visible()
    await expect(chair.locator("#point-1-text")).to_have_value(point.text)
    await audit.check(chair)
    await chair.click("button:has-text('Send the response')")
    await expect(chair.locator(".govuk-notification-banner")).to_contain_text(
        "Your factual-accuracy response"
    )
    await expect(chair.locator("#response-points")).to_contain_text(point.text)
    await audit.check(chair)

    await play.story.clock.move_to(play.timetable.final, "final")
    await lead.goto(report_url)
    await lead.check(
        f"#decision-{point.point}-2" if point.decision.value == "rejected" else f"#decision-{point.point}"
    )
    await lead.fill(f"#reason-{point.point}", point.reason)
    await lead.click(f"button:has-text('Decide point {point.point}')")
    await expect(lead.locator(".govuk-notification-banner")).to_contain_text("The point is decided.")
    await audit.check(lead)
    await step(lead, "Make the report final", "The report is final.")
    await play.story.clock.move_to(play.timetable.published, "publication")
    for page in leads.values():
        await step(page, "Publish the report", "Your inspectorate has published the report.")
    await lead.goto(report_url)  # as it stands once every inspectorate has published
    await expect(task(lead, "Publish the report")).to_have_text("Completed")
    await expect(lead.locator(".govuk-summary-list")).to_contain_text("Published")
    pdf = await lead.request.get(f"{base}{report_url}.pdf")
    assert pdf.ok
    assert (await pdf.body()).startswith(b"%PDF")
    audit.assert_clean(at_least=30)
