"""Journeys 2 and 3 of the inspection workspace in a real browser (Debian's chromium, Playwright), against
the five services and the workspace as separate processes on a rehearsal platform; every page visited is
checked with axe-core (WCAG 2.2 AA: zero violations) and none may break its Content-Security-Policy.

A JTAI of Wakefield is scheduled and notice given through the services. An inspector of CQC adds a case to
the shared sample, records an evidence item on it and raises a line of enquiry; an inspector of HMIC, in
another browser context, records their own item on the case with the keyboard alone, and answers the line
citing it, and the answer appears in CQC's open page without reloading it; CQC closes the line; the
triangulation board shows the two inspectorates' strength as corroborated and drills into the two items;
CQC amends its item and then withdraws it, and the board shows a single source."""

from __future__ import annotations

import httpx
from playwright.async_api import Browser, Page, expect

from embedded.demo import People, fieldwork
from embedded.demo.player import scheduled
from tests.e2e.conftest import Platform
from tests.e2e.test_workspace_browser import Audit, chromium, installed, sign_in
from tests.helpers import SIGNER

__all__ = ["chromium", "installed"]  # the fixtures, shared with the first browser tests

CASE = "WKF-C-7701"
AREA = "identification_and_referral"


async def notified_jtai(urls: dict[str, str]) -> str:
    """The JTAI of Wakefield scheduled and notice given, as `jip demo` plays it; its id."""
    people = People(SIGNER)
    async with httpx.AsyncClient(timeout=30, headers=people.auditor) as http:
        play = await scheduled(http, urls, people, "jtai-2015", progress=lambda _: None)
        await fieldwork.give_notice(play)
    return play.run.inspection_id


async def record(page: Page, audit: Audit, inspection: str, activity: str, summary: str) -> str:
    """An item about health services' identification and referral, a strength on the shared case; its id."""
    await page.goto(f"/inspections/{inspection}/evidence/new")
    await audit.check(page)
    await page.select_option("#agency", "health")
    await page.select_option("#judgement_area", AREA)
    await page.check("input[name='bearing'][value='strength']")
    await page.select_option("#activity", activity)
    await page.select_option("#case_reference", CASE)
    await page.fill("#summary", summary)
    await page.click("button:has-text('Record the item')")
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("The evidence item is recorded.")
    await audit.check(page)
    return page.url.split("?")[0].rsplit("/", 1)[1]


async def tab_to(page: Page, element_id: str) -> None:
    """Tab, as a keyboard user does, until the element has the focus."""
    for _ in range(60):
        await page.keyboard.press("Tab")
        if await page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} is not reached with the Tab key")


async def record_by_keyboard(page: Page, audit: Audit, inspection: str, summary: str) -> str:
    """The evidence form filled and sent with the keyboard alone: Tab to each field, the arrow keys in a
    list, Space on a radio button, Enter on the button. The same item as `record`, by case tracking."""
    await page.goto(f"/inspections/{inspection}/evidence/new")
    await audit.check(page)
    for field, downs in (("agency", 2), ("judgement_area", 1)):  # health services; the first area
        await tab_to(page, field)
        for _ in range(downs):
            await page.keyboard.press("ArrowDown")
    await tab_to(page, "bearing")  # the first radio button: a strength
    await page.keyboard.press("Space")
    for field in ("activity", "case_reference"):  # case tracking; the one case sampled
        await tab_to(page, field)
        await page.keyboard.press("ArrowDown")
    await tab_to(page, "summary")
    await page.keyboard.type(summary)
    await page.keyboard.press("Tab")
    await page.keyboard.press("Enter")
    await expect(page.locator(".govuk-notification-banner")).to_contain_text("The evidence item is recorded.")
    await expect(page.locator(".govuk-summary-list")).to_contain_text("Case tracking")
    await expect(page.locator(".govuk-summary-list")).to_contain_text(CASE)
    await audit.check(page)
    return page.url.split("?")[0].rsplit("/", 1)[1]


async def test_cqc_raises_a_line_hmic_answers_it_and_the_board_shows_the_corroboration(
    platform: Platform, chromium: Browser
) -> None:
    await platform.start()
    base = await platform.start_workspace()
    inspection = await notified_jtai(platform.urls)
    audit = Audit()

    cqc = await sign_in(chromium, base, audit, "insp-cqc", "inspector", "cqc")
    await cqc.goto(f"/inspections/{inspection}")
    await cqc.click("a:has-text('Evidence and samples')")
    await expect(cqc.locator("h1")).to_have_text("Evidence")
    await audit.check(cqc)
    await cqc.fill("#case_reference", CASE)
    await cqc.click("button:has-text('Add the case')")  # the reason is missing: asked for beside its field
    await expect(cqc.locator(".govuk-error-summary")).to_contain_text("Enter why this case is sampled")
    await expect(cqc.locator("#case_reference")).to_have_value(CASE)  # kept as typed
    await audit.check(cqc)
    await cqc.fill("#reason", "Referred by the school; the deep-dive cohort")
    await cqc.click("button:has-text('Add the case')")
    await expect(cqc.locator(".govuk-notification-banner")).to_contain_text("The case is added")
    await expect(cqc.locator("#samples + table")).to_contain_text(CASE)
    await audit.check(cqc)
    mine = await record(cqc, audit, inspection, "discussion_with_practitioner", "The GP shared it that day.")

    await cqc.goto(f"/inspections/{inspection}/lines-of-enquiry")
    await audit.check(cqc)
    await cqc.select_option("#agency", "health")
    await cqc.select_option("#case_reference", CASE)
    await cqc.fill("#question", "Did the police hear of the concern from health the same day?")
    await cqc.click("button:has-text('Raise the line of enquiry')")
    await expect(cqc.locator(".govuk-notification-banner")).to_contain_text("The line of enquiry is raised")
    await audit.check(cqc)
    line_url = cqc.url.split("?")[0]

    # HMIC, in its own browser context, records what it found and answers the line citing it.
    hmic = await sign_in(chromium, base, audit, "insp-hmic", "inspector", "hmic")
    theirs = await record_by_keyboard(hmic, audit, inspection, "The officer had the GP's referral that day.")
    await hmic.goto(f"/inspections/{inspection}/lines-of-enquiry")
    await expect(hmic.locator("#lines")).to_contain_text("Did the police hear")
    await audit.check(hmic)
    await hmic.click("a:has-text('Did the police hear')")
    await hmic.click("button:has-text('Send the answer')")  # nothing chosen: asked for
    await expect(hmic.locator(".govuk-error-summary")).to_contain_text("Choose the evidence items")
    await audit.check(hmic)
    await hmic.check(f"input[name='evidence_item_ids'][value='{theirs}']")
    await hmic.fill("#answer", "Yes: the referral reached the police the same day.")
    await hmic.click("button:has-text('Send the answer')")
    await expect(hmic.locator(".govuk-notification-banner")).to_contain_text("Your answer is recorded.")
    await expect(hmic.locator("#answers ~ .app-answer")).to_contain_text("HMIC")
    await audit.check(hmic)

    # CQC, its line still open since it raised it, sees the answer appear without reloading; closes it.
    assert cqc.url.split("?")[0] == line_url
    await expect(cqc.locator(".app-answer")).to_contain_text(
        "the referral reached the police", timeout=20_000
    )
    await expect(cqc.locator("#live-status")).to_contain_text("HMIC answered a line of enquiry")
    await cqc.fill("#conclusion", "Corroborated: health and police acted on the same day.")
    await cqc.click("button:has-text('Close the line of enquiry')")
    await expect(cqc.locator(".govuk-notification-banner")).to_contain_text("The line of enquiry is closed.")
    await audit.check(cqc)

    await cqc.goto(f"/inspections/{inspection}/triangulation")
    health = cqc.locator("#agency-health ~ table").first
    await expect(health).to_contain_text("2, corroborated")
    await audit.check(cqc)
    await health.locator("a:has-text('2, corroborated')").click()
    await expect(cqc.locator("#items + p + table tbody tr")).to_have_count(2)
    await audit.check(cqc)

    # CQC corrects its own item, then withdraws it: the strength rests on HMIC's alone.
    await cqc.goto(f"/inspections/{inspection}/evidence/{mine}")
    await cqc.click("a:has-text('Amend the item')")
    await audit.check(cqc)
    await cqc.fill("#summary", "The GP shared the concern within the hour.")
    await cqc.fill("#reason", "The time was in the GP's notes")
    await cqc.click("button:has-text('Amend the item')")
    await expect(cqc.locator(".govuk-notification-banner")).to_contain_text("The evidence item is amended.")
    await expect(cqc.locator(".govuk-summary-list")).to_contain_text("within the hour")
    await audit.check(cqc)
    await cqc.fill("#reason", "Recorded against the wrong child")
    await cqc.click("button:has-text('Withdraw the item')")
    await expect(cqc.locator(".govuk-notification-banner")).to_contain_text("The evidence item is withdrawn")
    await audit.check(cqc)
    await cqc.goto(f"/inspections/{inspection}/triangulation")
    await expect(cqc.locator("#agency-health ~ table").first).to_contain_text("1, single source")
    await audit.check(cqc)
    audit.assert_clean(at_least=20)
