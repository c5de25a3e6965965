"""The auditor's pages of the workspace against the real broker: the workspace reads the event log itself, as
`jip audit` does, for an inspection scheduled and notified through the scheduling service (run in this
process on a rehearsal platform). An auditor sees the inspection's timeline, downloads its export (the
envelopes exactly as `audit.inspection.envelopes_of` reads them), sees it as at a time (before it was
scheduled: an error on the date; later: as it stood), and verifies the log to green. Anyone else is refused
every auditor's page; a log out of reach is a 503 page that says so."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from audit.inspection import Published, envelopes_of
from embedded.demo import first_fieldwork_week
from services.scheduling.app import build as scheduling
from shared.language.workdays import today_in_england
from shared.mechanics.clock import CLOCK, ENGLAND
from shared.mechanics.settings import Settings
from tests.helpers import actor, eventually, ok, on_the_notice_date, rehearsal, running
from tests.workspace_pages import csrf, sign_in, workspace

OFSTED = actor("ofsted", "lead_inspector")


def at(moment: datetime) -> dict[str, str]:
    """The as-at form's fields for `moment`, as the auditor types it: England's time, to the minute."""
    local = moment.astimezone(ENGLAND)
    return {
        "at-day": str(local.day),
        "at-month": str(local.month),
        "at-year": str(local.year),
        "at-time": f"{local:%H:%M}",
    }


async def test_an_auditor_reads_an_inspections_history_as_at_a_time_and_verifies_the_log(
    settings: Settings, tmp_path: Path
) -> None:
    service = scheduling(rehearsal(settings))
    async with (
        running(service) as api,
        workspace(tmp_path, httpx.ASGITransport(app=service.app), settings) as browser,
    ):
        body = {
            "area": "Wakefield",
            "deep_dive_theme": "neglect",
            "fieldwork_starts": str(first_fieldwork_week(today_in_england())),
        }
        before_scheduling = CLOCK.now()
        scheduled = await ok(await api.post("/inspections", headers=OFSTED, json=body))
        inspection_id = scheduled["inspection_id"]
        await on_the_notice_date(api, scheduled["notice_date"])
        notice = {"recipient": "lscb_chair"}
        await ok(await api.post(f"/inspections/{inspection_id}/notifications", headers=OFSTED, json=notice))

        async def published() -> list[Published] | None:
            found = await envelopes_of(settings, inspection_id, lambda _: None)
            told = any(e.event_type == "scheduling.NotificationRecorded" for _, e in found)
            return found if told else None

        found = await eventually(published, seconds=30)

        signed_in = await sign_in(browser, "auditor-1", "auditor", "")
        assert signed_in.headers["location"] == "/audit"  # an auditor starts at the log
        start = await browser.get("/audit")
        assert start.status_code == 200, start.text
        assert f'href="/audit/inspections/{inspection_id}"' in start.text  # scheduling lists it
        assert "Verify the log" in start.text

        # The timeline: every event of the inspection, who, its stream and version.
        page = await browser.get(f"/audit/inspections/{inspection_id}")
        assert page.status_code == 200, page.text
        assert "scheduling.InspectionScheduled" in page.text
        assert "scheduling.NotificationRecorded" in page.text
        assert f"inspection-{inspection_id} v1" in page.text
        assert "ofsted/test-ofsted" in page.text

        # The export: the envelopes as published, one a line, as the log holds them.
        export = await browser.get(f"/audit/inspections/{inspection_id}/export.jsonl")
        assert export.status_code == 200
        assert "attachment" in export.headers["content-disposition"]
        assert [json.loads(line) for line in export.text.splitlines()] == [raw for raw, _ in found]

        # As at a time before it was scheduled: it did not exist yet, said beside the date.
        before = await browser.get(
            f"/audit/inspections/{inspection_id}", params=at(before_scheduling - timedelta(days=1))
        )
        assert before.status_code == 422, before.text
        assert "govuk-error-summary" in before.text
        assert 'href="#at-day"' in before.text
        assert 'id="at-error"' in before.text
        assert "did not exist yet" in before.text

        # As at a time after the notification: told, nothing judged, the report not drafted, and its text.
        later = await browser.get(
            f"/audit/inspections/{inspection_id}", params=at(CLOCK.now() + timedelta(minutes=2))
        )
        assert later.status_code == 200, later.text
        assert "The chair of the LSCB" in later.text
        assert "Not drafted" in later.text
        assert "None proposed yet" in later.text
        assert "Joint targeted area inspection" in later.text  # the report's text then

        # An impossible date is asked again.
        wrong = await browser.get(
            f"/audit/inspections/{inspection_id}",
            params={**at(CLOCK.now()), "at-month": "13", "at-time": "25:00"},
        )
        assert wrong.status_code == 422
        assert "Enter the time on the 24-hour clock" in wrong.text

        # Verify: started in the background, a second click shows the same one, then green.
        first = await browser.post("/audit/verify", data={"csrf_token": csrf(start)})
        assert first.status_code == 303
        again = await browser.post("/audit/verify", data={"csrf_token": csrf(start)})
        assert again.status_code == 303
        running_page = await browser.get("/audit/verify")
        assert "records read" in running_page.text or "The log verifies" in running_page.text

        async def verified() -> str | None:
            result = await browser.get("/audit/verify")
            return result.text if "records read" not in result.text else None

        result = await eventually(verified, seconds=60)
        assert "The log verifies" in result, result
        assert "govuk-panel" in result
        assert "started by auditor-1" in result.lower()


async def test_only_an_auditor_sees_the_auditors_pages(settings: Settings, tmp_path: Path) -> None:
    service = scheduling(settings)
    async with (
        running(service),
        workspace(tmp_path, httpx.ASGITransport(app=service.app), settings) as browser,
    ):
        signed_in = await sign_in(browser, "inspector-1", "inspector", "ofsted")
        assert signed_in.status_code == 303
        home = await browser.get("/inspections")
        pages = ("/audit", "/audit/inspections/x-1", "/audit/inspections/x-1/export.jsonl", "/audit/verify")
        for path in pages:
            refused = await browser.get(path)
            assert refused.status_code == 403, path
            assert "You cannot see this" in refused.text, path
            assert "only an auditor reads the event log" in refused.text.lower(), path
        posted = await browser.post("/audit/verify", data={"csrf_token": csrf(home)})
        assert posted.status_code == 403


async def test_a_log_out_of_reach_is_a_page_that_says_so(settings: Settings, tmp_path: Path) -> None:
    nowhere = settings.model_copy(update={"kafka_bootstrap_servers": "127.0.0.1:9"})  # the discard port
    service = scheduling(settings)
    async with (
        running(service),
        workspace(tmp_path, httpx.ASGITransport(app=service.app), nowhere) as browser,
    ):
        await sign_in(browser, "auditor-1", "auditor", "")
        page = await asyncio.wait_for(browser.get("/audit/inspections/x-1"), timeout=60)
        assert page.status_code == 503, page.text
        assert "The event log cannot be read just now" in page.text
