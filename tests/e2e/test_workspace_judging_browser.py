"""Journeys 4 and 5 of the inspection workspace in a real browser (Debian's chromium, Playwright), against the
five services and the workspace as separate processes on a rehearsal platform; every page visited checked
with axe-core (WCAG 2.2 AA: zero violations) and against its Content-Security-Policy.

A JTAI of Wakefield is played through the services, as `jip demo` plays it, up to the close of evidence
gathering; then, in the browser, the lead inspector records a finding citing evidence picked from the
evidence profile (a finding with no evidence is refused, the form keeping what was typed), and proposes
the narrative evaluation of the LSCB; one inspectorate disputes it and then withdraws its dispute; each
inspectorate's lead signs it off in their own browser context; and the lead makes it final.

An Integrated inspection (graded) is played to the same point; the lead inspector proposes the local
authority's help and protection judgement (a proposal with no grade is asked for one, keeping what was
typed), with its grade and the evidence it cites, and moderates it."""

from __future__ import annotations

import httpx
from playwright.async_api import Browser, expect

from embedded.demo import FINDINGS, LSCB_EVALUATION, People, eventually, fieldwork
from embedded.demo.inspection import Play
from embedded.demo.player import BEFORE_THE_REPORT, scheduled
from tests.e2e import test_workspace_browser as browser
from tests.e2e.conftest import Platform
from tests.helpers import SIGNER

Audit, sign_in = browser.Audit, browser.sign_in
installed, chromium = browser.installed, browser.chromium  # the browser tests' fixtures, shared
UP_TO_JUDGING = BEFORE_THE_REPORT[: BEFORE_THE_REPORT.index(fieldwork.close_evidence) + 1]


async def fieldwork_done(urls: dict[str, str], programme_id: str = "jtai-2015") -> Play:
    """The programme's inspection (the JTAI of Wakefield) played through the services up to the close of
    evidence gathering, the clock moved to the day of its judgements, and its evidence arrived at
    judgement and lscb."""
    people = People(SIGNER)
    http = httpx.AsyncClient(timeout=30, headers=people.auditor)  # the play's: the test reads with it
    play = await scheduled(http, urls, people, programme_id, progress=lambda _: None)
    for step in UP_TO_JUDGING:
        await step(play)
    await play.story.clock.move_to(play.timetable.judged, "the judgements")
    profile = play.platform.url("judgement", play.path("/evidence-profile"))
    board = play.platform.url("lscb", play.path("/evaluation"))
    lscb = play.scenario.lscb
    about_the_board = set(play.cited(lscb.evidence)) if lscb else set()

    async def arrived() -> bool:
        items = await http.get(profile)
        evaluation = await http.get(board)
        held = (
            {i["evidence_item_id"] for i in evaluation.json()["evidence"]} if evaluation.is_success else set()
        )
        return (
            items.status_code == 200
            and items.json()["items"] == len(play.run.evidence_ids)
            and about_the_board <= held
        )

    await eventually(arrived, "the evidence to reach the judgement and lscb services")
    return play


async def test_the_lead_records_a_finding_and_the_inspectorates_agree_the_boards_evaluation_in_the_browser(
    platform: Platform, chromium: Browser
) -> None:
    for name in platform.ports.services:  # one at a time: each comes up sooner on a busy machine
        await platform.start(name)
    base = await platform.start_workspace()
    play = await fieldwork_done(platform.urls)
    assert LSCB_EVALUATION is not None
    audit = Audit()
    judgements_url = f"/inspections/{play.run.inspection_id}/judgements"
    evaluation_url = f"/inspections/{play.run.inspection_id}/evaluation"

    # Journey 4: a finding, of a kind the JTAI makes, citing evidence from the evidence profile.
    lead = await sign_in(chromium, base, audit, "lead-1", "lead_inspector", "ofsted")
    await lead.goto(judgements_url)
    await expect(lead.locator("h1")).to_have_text("Judgements and findings")
    await expect(lead.locator("#findings ~ p").first).to_contain_text("No finding is recorded yet")
    await expect(lead.locator("input[name='kind']")).to_have_count(3)  # key strength, priority, development
    await audit.check(lead)
    finding = FINDINGS[0]
    await lead.check(f"input[name='kind'][value='{finding.kind.value}']")
    await lead.fill("#text", finding.text)
    await lead.click("button:has-text('Record the finding')")  # no evidence chosen: refused
    summary = lead.locator(".govuk-error-summary")
    await expect(summary).to_contain_text("Choose the evidence the finding cites")
    await expect(lead.locator("#text")).to_have_value(finding.text)  # kept as typed
    await audit.check(lead)
    for item in play.cited(finding.evidence):
        await lead.check(f"input[name='evidence'][value='{item}']")
    await lead.click("button:has-text('Record the finding')")
    await expect(lead.locator(".govuk-notification-banner")).to_contain_text("The finding is recorded.")
    await expect(lead.locator("#finding-list")).to_contain_text(finding.text)
    await expect(lead.locator("#finding-list")).to_contain_text("Key strength, for the local partnership")
    await audit.check(lead)

    # Journey 5: the lead inspectorate proposes the board's evaluation (a narrative in a JTAI).
    await lead.goto(evaluation_url)
    await expect(lead.locator(".govuk-summary-list")).to_contain_text("Not proposed yet")
    await audit.check(lead)
    await lead.fill("#p-text", LSCB_EVALUATION.text)
    for item in play.cited(LSCB_EVALUATION.evidence):
        await lead.check(f"input[name='p-evidence'][value='{item}']")
    await lead.click("button:has-text('Propose the evaluation')")
    await expect(lead.locator(".govuk-notification-banner")).to_contain_text("The evaluation is proposed")
    await expect(lead.locator("#proposal-text")).to_have_text(LSCB_EVALUATION.text)
    await audit.check(lead)

    leads = {"ofsted": lead}
    for inspectorate in ("cqc", "hmic", "hmi_probation"):
        leads[inspectorate] = await sign_in(
            chromium, base, audit, f"lead-{inspectorate}", "lead_inspector", inspectorate
        )

    # HMIC disputes it (giving no reason first: refused, and asked for one), then withdraws the dispute.
    hmic = leads["hmic"]
    await hmic.goto(evaluation_url)
    await hmic.click("button:has-text('Dispute the evaluation')")
    await expect(hmic.locator(".govuk-error-summary")).to_contain_text("Enter why your inspectorate")
    await audit.check(hmic)
    await hmic.fill("#reasons", "The police's part in the board's audits is not reflected.")
    await hmic.click("button:has-text('Dispute the evaluation')")
    await expect(hmic.locator(".govuk-notification-banner")).to_contain_text("dispute is recorded")
    await expect(hmic.locator(".govuk-inset-text")).to_contain_text("not reflected")
    await audit.check(hmic)
    await hmic.fill("#resolution", "Discussed with the lead inspector: the audits are Ofsted's evidence.")
    await hmic.click("button:has-text('Withdraw the dispute')")
    await expect(hmic.locator(".govuk-notification-banner")).to_contain_text("dispute is withdrawn")
    await audit.check(hmic)

    for page in leads.values():
        await page.goto(evaluation_url)
        await page.click("button:has-text('Sign off the evaluation')")
        await expect(page.locator(".govuk-notification-banner")).to_contain_text(
            "Your inspectorate signs the evaluation off."
        )
        await audit.check(page)

    await lead.goto(evaluation_url)
    await lead.click("button:has-text('Make the evaluation final')")
    await expect(lead.locator(".govuk-notification-banner")).to_contain_text(
        "The evaluation of the board is final."
    )
    await expect(lead.locator(".govuk-summary-list")).to_contain_text("Final")
    await expect(lead.locator("#proposal")).to_have_text("The final evaluation")
    await audit.check(lead)
    audit.assert_clean(at_least=20)


async def test_a_graded_judgement_is_proposed_with_its_evidence_and_moderated_in_the_browser(
    platform: Platform, chromium: Browser
) -> None:
    for name in platform.ports.services:
        await platform.start(name)
    base = await platform.start_workspace()
    play = await fieldwork_done(platform.urls, "integrated-2014")
    judgement = play.scenario.judgements[0]  # the local authority's help and protection, graded
    assert judgement.grade is not None
    audit = Audit()
    url = f"/inspections/{play.run.inspection_id}/judgements"

    lead = await sign_in(chromium, base, audit, "lead-1", "lead_inspector", "ofsted")
    await lead.goto(url)
    await expect(lead.locator("#judgements ~ p").first).to_contain_text("Graded on the scale")
    await audit.check(lead)
    await lead.click(f"a[href='{url}/{judgement.agency.value}/{judgement.judgement_area}']")
    await expect(lead.locator(".govuk-summary-list")).to_contain_text("Not proposed")
    await audit.check(lead)
    await lead.fill("#text", judgement.text)
    await lead.click("button:has-text('Propose the judgement')")  # no grade chosen: asked for one
    await expect(lead.locator(".govuk-error-summary")).to_contain_text("Choose the grade")
    await expect(lead.locator("#text")).to_have_value(judgement.text)  # kept as typed
    await audit.check(lead)
    await lead.check(f"input[name='grade'][value='{judgement.grade.value}']")
    for item in play.cited(judgement.evidence):
        await lead.check(f"input[name='evidence'][value='{item}']")
    await lead.click("button:has-text('Propose the judgement')")
    await expect(lead.locator(".govuk-notification-banner")).to_contain_text("The judgement is proposed.")
    await expect(lead.locator(".govuk-summary-list")).to_contain_text(judgement.text)
    await audit.check(lead)
    await lead.click("button:has-text('Moderate the judgement')")
    await expect(lead.locator(".govuk-notification-banner")).to_contain_text("The judgement is moderated.")
    await expect(lead.locator(".govuk-summary-list")).to_contain_text("Moderated")
    await audit.check(lead)
    audit.assert_clean(at_least=6)
