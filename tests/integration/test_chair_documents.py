"""The LSCB chair's list of reports (issue 20): reporting's `GET /documents`, over HTTP against the real
broker and database, lists for a chair exactly the reports of their own area's inspections that were sent to
the partnership, with where each stands (001 Proposal four): not one before it is sent, not another area's,
not a CLA report whose draft goes to the local authority's senior leader (003), and no round's overview."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from services.reporting.app import build as reporting
from shared.mechanics.settings import Settings
from tests.helpers import chair, ok, running
from tests.integration.test_report_sent_and_corrected import CLA, JTAI, LEADER, Steps, cla
from tests.integration.test_reporting import OFSTED, jtai, letter_with

WAKEFIELD, KIRKLEES = "E08000036", "E08000034"


@pytest.fixture
async def api(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with running(reporting(settings)) as client:
        yield client


async def listed(api: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, object]]:
    entries: list[dict[str, object]] = await ok(await api.get("/documents", headers=headers), 200)
    return entries


async def test_a_chair_lists_only_their_own_areas_reports_sent_to_the_partnership(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    ours, theirs, looked_after = await jtai(settings), await jtai(settings, KIRKLEES), await cla(settings)
    for inspection_id in (ours, theirs):
        await letter_with(api, inspection_id, "Referrals are acted on at once.")
    await ok(await Steps(api, looked_after).arrived(), 200)

    # Drafted, quality-assured and agreed, but not yet sent: the chair's list is empty, not refused.
    await Steps(api, ours).agreed(JTAI)
    assert await listed(api, chair(WAKEFIELD)) == []

    await ok(await Steps(api, ours).post("sending"), 200)
    await Steps(api, theirs).agreed(JTAI)
    await ok(await Steps(api, theirs).post("sending"), 200)
    cla_steps = Steps(api, looked_after)
    await cla_steps.agreed(CLA, drafted=True)
    await ok(await cla_steps.post("sending", body={"addressee": LEADER}), 200)

    (entry,) = await listed(api, chair(WAKEFIELD))
    assert entry["document"] == f"/inspections/{ours}/report"
    assert (entry["inspection_id"], entry["status"], entry["kind"]) == (
        ours,
        "sent_to_lscb",
        "findings_letter",
    )
    assert (entry["programme"], entry["fieldwork_starts"], entry["fieldwork_ends"]) == (
        "jtai-2015",
        "2026-03-09",
        "2026-03-13",
    )
    assert [e["inspection_id"] for e in await listed(api, chair(KIRKLEES))] == [theirs]
    # The inspectorates still list every report they take part in, the CLA one sent to its senior leader.
    everything = {e["inspection_id"]: e["status"] for e in await listed(api, OFSTED)}
    assert everything == {
        ours: "sent_to_lscb",
        theirs: "sent_to_lscb",
        looked_after: "sent_to_senior_leader",
    }

    # Where it stands moves on with the report: the chair sees their response received.
    points = {"points": [{"point": 1, "text": "The audit was in October."}]}
    await ok(await Steps(api, ours).post("factual-accuracy-response", chair(WAKEFIELD), points), 200)
    assert [e["status"] for e in await listed(api, chair(WAKEFIELD))] == ["response_received"]
