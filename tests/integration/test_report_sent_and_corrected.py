"""A report's lifecycle as each programme states it, over HTTP against the real broker and database (issue
19, points 3, 5, 6, 8 and 13): the chair reads nothing before the draft is sent and then only what was sent;
content changed after it was sent is made final only once every inspectorate agrees it again; a CLA draft
goes to the local authority's senior leader, is drafted only when its judgements are final, and once
published is corrected in a second edition while the first still renders with its published checksum."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from services.reporting.app import build as reporting
from shared.language.contracts.judgement import JudgementFinalised, JudgementProposed, JudgementRevised
from shared.language.contracts.scheduling import InspectionScheduled, MeetingScheduled
from shared.language.contracts.vocabulary import Agency, Grade
from shared.language.workdays import today_in_england
from shared.mechanics.catalogue import Event
from shared.mechanics.envelope import new_id
from shared.mechanics.settings import Settings
from tests.helpers import actor, agreed, chair, eventually, forbidden, ok, refused, running
from tests.integration.test_reporting import (
    EVERYTHING_JTAI_SAYS,
    OFSTED,
    QUALITY,
    finding,
    jtai,
    lead,
    letter_with,
    publish,
)

WAKEFIELD = "E08000036"
CHAIR = chair(WAKEFIELD)
JTAI = ["ofsted", "cqc", "hmic", "hmi_probation"]
CLA = ["ofsted", "cqc"]
LEADER = "Jane Smith"
POINTS = {"points": [{"point": 1, "text": "The audit was in October."}]}
REJECTED = {"point": 1, "decision": "rejected", "reason": "The audit log says September."}


@pytest.fixture
async def api(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with running(reporting(settings)) as client:
        yield client


class Steps:
    def __init__(self, api: httpx.AsyncClient, inspection_id: str) -> None:
        self.api = api
        self.report = f"/inspections/{inspection_id}/report"

    async def post(
        self, step: str, who: dict[str, str] = OFSTED, body: dict[str, Any] | None = None
    ) -> httpx.Response:
        return await self.api.post(f"{self.report}/{step}", headers=who, json=body)

    async def arrived(self, *lacking: str) -> httpx.Response:
        """A draft, tried until the judgements reporting holds lack only `lacking` (none: it is drafted)."""

        async def tried() -> httpx.Response | None:
            answer = await self.post("draft")
            complete = answer.status_code == 200 and not lacking
            held = answer.status_code == 422 and answer.json()["detail"].endswith(
                "final: " + "; ".join(lacking)
            )
            return answer if complete or held else None

        found: httpx.Response = await eventually(tried)
        return found

    async def agreed(self, taking_part: list[str], drafted: bool = False) -> None:
        if not drafted:
            await ok(await self.post("draft"), 200)
        await ok(await self.post("quality-assurance", QUALITY), 200)
        for inspectorate in taking_part:
            await ok(await self.post("agreement", lead(inspectorate)), 200)

    async def lifecycle(self) -> dict[str, Any]:
        view: dict[str, Any] = (await self.api.get(f"{self.report}/lifecycle")).json()
        return view

    async def moved_on(self, since: str) -> None:
        async def changed() -> bool:
            return bool((await self.lifecycle())["checksum"] != since)

        await eventually(changed)


async def test_001_proposal_four_the_chair_reads_nothing_before_the_draft_is_sent_then_only_what_was_sent(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    inspection_id = await jtai(settings)
    drafted = await letter_with(api, inspection_id, *EVERYTHING_JTAI_SAYS)
    steps = Steps(api, inspection_id)
    nothing_yet = "nothing has been sent to the partnership yet"
    await forbidden(await api.get(steps.report, headers=CHAIR), nothing_yet, "001 Proposal four")
    await forbidden(await api.get(f"{steps.report}/lifecycle", headers=CHAIR), nothing_yet)
    await steps.agreed(JTAI)
    await forbidden(await api.get(steps.report, headers=CHAIR), nothing_yet)  # agreed, not yet sent
    sent = (await ok(await steps.post("sending"), 200))["sent"]

    # The chair reads the draft as it was sent, whatever the log says since.
    await publish(settings, finding(inspection_id, 2, "A finding after the draft went to the chair."))
    await steps.moved_on(sent["checksum"])
    as_sent = await api.get(steps.report, headers=CHAIR)
    assert (as_sent.status_code, agreed(as_sent.text)) == (200, agreed(drafted.text))
    assert "DRAFT — not for publication: draft 1, sent to Dr Jo Reed" in as_sent.text
    assert as_sent.headers["x-checksum"] == sent["checksum"]
    assert "A finding after the draft" in (await api.get(steps.report)).text  # the inspectors' live letter
    for other_time in ({"at_step": 1}, {"as_at": "2026-12-08T12:00:00Z"}, {"edition": 1}):
        await forbidden(await api.get(steps.report, headers=CHAIR, params=other_time), "as it was sent")
    assert (await api.get(f"{steps.report}/lifecycle", headers=CHAIR)).status_code == 200

    # 001 Proposal four: the letter changed after every inspectorate agreed it, so it is not made final
    # until every inspectorate agrees it as it now stands.
    await ok(await steps.post("factual-accuracy-response", CHAIR, POINTS), 200)
    await ok(await steps.post("factual-accuracy-decisions", body=REJECTED), 200)
    await refused(
        await steps.post("final"), "changed since every inspectorate agreed it", "001 Proposal four"
    )
    for inspectorate in JTAI:
        view = await ok(await steps.post("agreement", lead(inspectorate)), 200)
    assert view["approved_checksum"] == view["checksum"] != sent["checksum"]
    final = await ok(await steps.post("final"), 200)
    assert final["final_checksum"] == view["checksum"]
    # Then the chair reads the final letter.
    read = await api.get(steps.report, headers=CHAIR)
    assert "A finding after the draft" in read.text
    assert read.headers["x-checksum"] == final["final_checksum"]


async def test_001_proposal_three_the_letter_is_not_drafted_before_the_joint_feedback_meeting(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    inspection_id = await jtai(settings)
    feedback = today_in_england() + timedelta(days=2)
    meeting = MeetingScheduled(
        inspection_id=inspection_id, kind="joint_feedback", on=feedback, title="Joint feedback meeting"
    )
    await publish(settings, ("scheduling", f"inspection-{inspection_id}", 2, meeting))
    steps = Steps(api, inspection_id)

    async def held_off() -> httpx.Response | None:
        answer = await steps.post("draft")
        return answer if answer.status_code == 422 else None

    answer = await eventually(held_off)
    await refused(answer, f"after the joint feedback meeting on {feedback}", "001 Proposal three")


# -- CLA 2012 (003): to the local authority's senior leader, complete, and corrected ---------------------


async def cla(settings: Settings, *leaving_out: str) -> str:
    """A CLA inspection of Wakefield whose fieldwork is over, with its judgements of the local authority
    final but those `leaving_out`, and CQC's narrative on health services."""
    inspection_id = new_id()
    starts = date(2026, 3, 2)
    scheduled = InspectionScheduled(
        inspection_id=inspection_id,
        programme="cla-2012",
        area_code=WAKEFIELD,
        local_area="Wakefield",
        deep_dive_theme=None,
        announced=False,
        fieldwork_starts=starts,
        fieldwork_ends=starts + timedelta(days=11),
        notice_date=starts,
        inspectorates=CLA,
        agencies={"local_authority": "ofsted", "health": "cqc"},
    )
    areas = [
        "overall_effectiveness",
        "outcomes",
        "quality_of_practice",
        "achieving_permanence",
        "adoption_performance",
        "leadership",
    ]
    judgements: list[Event] = []
    for area in (a for a in areas if a not in leaving_out):
        judgements += judged(inspection_id, area, Grade.GOOD, "Children are well cared for.")
    # CQC's narrative on the health services for children looked after (003).
    judgements += judged(inspection_id, "outcomes", None, "Health assessments are timely.", Agency.HEALTH)
    stream = f"judgements-{inspection_id}"
    await publish(
        settings,
        ("scheduling", f"inspection-{inspection_id}", 1, scheduled),
        *(("judgement", stream, n, event) for n, event in enumerate(judgements, 1)),
    )
    return inspection_id


def judged(
    inspection_id: str, area: str, grade: Grade | None, text: str, agency: Agency = Agency.LOCAL_AUTHORITY
) -> list[Event]:
    return [
        JudgementProposed(
            inspection_id=inspection_id,
            agency=agency,
            judgement_area=area,
            grade=grade,
            text=text,
            evidence_item_ids=["ev-1"],
        ),
        JudgementFinalised(inspection_id=inspection_id, agency=agency, judgement_area=area),
    ]


async def test_003_a_cla_report_goes_to_the_local_authoritys_senior_leader_and_is_drafted_when_complete(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    incomplete = await cla(settings, "adoption_performance")
    held = await Steps(api, incomplete).arrived("Adoption performance (the local authority)")
    await refused(held, "003 Looked after children and care leavers")

    inspection_id = await cla(settings)
    steps = Steps(api, inspection_id)
    await ok(await steps.arrived(), 200)
    await steps.agreed(CLA, drafted=True)
    await refused(await steps.post("sending"), "name the senior leader of the local authority")
    view = await ok(await steps.post("sending", body={"addressee": LEADER}), 200)
    assert view["status"] == "sent_to_senior_leader"
    sent = view["sent"]
    assert (sent["recipient"], sent["agency"], sent["addressee"], sent["copied_to"]) == (
        "agency_senior_leader",
        "local_authority",
        LEADER,
        ["health"],
    )
    assert sent["to"] == "Jane Smith, senior leader of the local authority"
    # Wakefield's LSCB chair neither reads nor answers it; the lead records the leader's one response.
    await forbidden(await api.get(steps.report, headers=CHAIR), "not to the LSCB", "003")
    await forbidden(await steps.post("factual-accuracy-response", CHAIR, POINTS), "not to the LSCB")
    await forbidden(await steps.post("factual-accuracy-response", actor("cqc", "lead_inspector"), POINTS))
    view = await ok(await steps.post("factual-accuracy-response", body=POINTS), 200)
    assert view["response"]["responder"] == LEADER


async def test_004_s113_a_judgement_revised_after_publication_is_corrected_in_a_second_edition(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    inspection_id = await cla(settings)
    steps = Steps(api, inspection_id)
    await ok(await steps.arrived(), 200)
    await steps.agreed(CLA, drafted=True)
    await ok(await steps.post("sending", body={"addressee": LEADER}), 200)
    await ok(await steps.post("factual-accuracy-response", body=POINTS), 200)
    await ok(await steps.post("factual-accuracy-decisions", body=REJECTED), 200)
    await ok(await steps.post("final"), 200)
    for inspectorate in CLA:
        first = await ok(await steps.post("publication", lead(inspectorate)), 200)
    published = await api.get(steps.report)
    await refused(await steps.post("draft", body={"correction": "Nothing changed."}), "nothing to correct")

    # The outcomes judgement is revised after publication, and made final again.
    stream = f"judgements-{inspection_id}"
    revised = JudgementRevised(
        inspection_id=inspection_id,
        agency=Agency.LOCAL_AUTHORITY,
        judgement_area="outcomes",
        grade=Grade.ADEQUATE,
        text="Care leavers wait too long for housing.",
        evidence_item_ids=["ev-1"],
        reason="Housing data corrected.",
    )
    again = JudgementFinalised(
        inspection_id=inspection_id, agency=Agency.LOCAL_AUTHORITY, judgement_area="outcomes"
    )
    await publish(settings, ("judgement", stream, 15, revised), ("judgement", stream, 16, again))
    await steps.moved_on(first["final_checksum"])
    await refused(await steps.post("draft"), "a correction is drafted saying what changed and when")
    correction = "The judgement on outcomes was revised to adequate on 2 March 2027: housing data corrected."
    view = await ok(await steps.post("draft", body={"correction": correction}), 200)
    assert (view["edition"], view["correction"], view["status"]) == (2, correction, "drafted")
    await ok(await steps.post("quality-assurance", QUALITY), 200)
    for inspectorate in CLA:
        await ok(await steps.post("agreement", lead(inspectorate)), 200)
    await ok(await steps.post("final"), 200)
    for inspectorate in CLA:
        view = await ok(await steps.post("publication", lead(inspectorate)), 200)
    assert view["status"] == "published"
    second = await api.get(steps.report)
    assert "Care leavers wait too long for housing." in second.text
    assert (second.headers["x-report-edition"], second.headers["x-checksum"]) == ("2", view["final_checksum"])

    # The first edition renders as it was published: its bytes, and the checksum every publication records.
    [edition] = view["editions"]
    assert edition["final_checksum"] == first["final_checksum"]
    assert {p["checksum"] for p in edition["published"]} == {first["final_checksum"]}
    kept = await api.get(steps.report, params={"edition": 1})
    assert kept.content == published.content
    assert kept.headers["x-checksum"] == first["final_checksum"]
    assert kept.headers["x-report-edition"] == "1"
    assert (await api.get(steps.report, params={"edition": 3})).status_code == 404
