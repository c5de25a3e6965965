"""Journey 7 of the inspection workspace in a real browser (Debian's chromium, Playwright), against the five
services and the workspace as separate processes on a rehearsal platform; every page visited is checked with
axe-core (WCAG 2.2 AA: zero violations) and none may break its Content-Security-Policy.

A JTAI of Wakefield is scheduled and notice given through the services, as `jip demo` plays it. The auditor
signs in, finds the inspection on the audit start page, opens its timeline from the log, asks for it as at
a date before it was scheduled (an error beside the date) and then as at the end of its notice date (the
chair told), and verifies the log, which the page follows to its green result."""

from __future__ import annotations

import httpx
from playwright.async_api import Browser, expect

from embedded.demo import People, fieldwork
from embedded.demo.inspection import Play
from embedded.demo.player import scheduled
from tests.e2e.conftest import Platform
from tests.e2e.test_workspace_browser import Audit, chromium, installed, sign_in
from tests.helpers import SIGNER

__all__ = ["chromium", "installed"]  # the fixtures, shared with the first browser tests


async def notified_jtai(urls: dict[str, str]) -> Play:
    """The JTAI of Wakefield scheduled and notice given, as `jip demo` plays it."""
    people = People(SIGNER)
    async with httpx.AsyncClient(timeout=30, headers=people.auditor) as http:
        play = await scheduled(http, urls, people, "jtai-2015", progress=lambda _: None)
        await fieldwork.give_notice(play)
    return play


async def test_the_auditor_reads_the_timeline_as_at_a_time_and_verifies_the_log(
    platform: Platform, chromium: Browser
) -> None:
    await platform.start()
    base = await platform.start_workspace()
    play = await notified_jtai(platform.urls)
    inspection, notice = play.run.inspection_id, play.run.notice_date
    assert notice is not None
    audit = Audit()

    auditor = await sign_in(chromium, base, audit, "auditor-1", "auditor")
    await auditor.click("a:has-text('Audit the log')")
    await expect(auditor.locator("h1")).to_have_text("Audit the event log")
    await audit.check(auditor)

    await auditor.click(f"a[href='/audit/inspections/{inspection}']")
    await expect(auditor.locator("h1")).to_have_text("The inspection's history in the log")
    timeline = auditor.locator(".app-timeline")
    await expect(timeline).to_contain_text("scheduling.InspectionScheduled")
    await expect(timeline).to_contain_text("scheduling.NotificationRecorded")
    await audit.check(auditor)

    # As at the day before notice was given, the year before: it did not exist yet.
    await auditor.fill("#at-day", str(notice.day))
    await auditor.fill("#at-month", str(notice.month))
    await auditor.fill("#at-year", str(notice.year - 1))
    await auditor.click("button:has-text('Show the inspection then')")
    await expect(auditor.locator(".govuk-error-summary")).to_contain_text("did not exist yet")
    await expect(auditor.locator("#at-error")).to_contain_text("did not exist yet")
    await expect(auditor.locator("#at-year")).to_have_value(str(notice.year - 1))  # kept as typed
    await audit.check(auditor)

    # As at the end of the notice date: the chair was told, and the report's text then.
    await auditor.fill("#at-year", str(notice.year))
    await auditor.click("button:has-text('Show the inspection then')")
    then = auditor.locator("#then")
    await expect(then).to_contain_text("The chair of the LSCB")
    await expect(then).to_contain_text("Not drafted")
    await audit.check(auditor)

    await auditor.click("a:has-text('Audit the event log')")
    await auditor.click("button:has-text('Verify the log')")
    await expect(auditor.locator("h1")).to_have_text("Verify the log")
    await audit.check(auditor)  # running, or already done on a log this small
    # The page follows the verification without a reload (static/audit.mjs), to its result.
    await expect(auditor.locator(".govuk-panel")).to_contain_text("The log verifies", timeout=60_000)
    await expect(auditor.locator("#verification-status")).to_have_text(
        "The verification has ended: its result is shown."
    )
    await audit.check(auditor)
    audit.assert_clean(at_least=8)
