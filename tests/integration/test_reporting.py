"""The reporting service against the real broker and database: a JTAI's events are published on the
topics as the other services write them; the letter goes through its lifecycle over HTTP, is rendered as
at any step, and a rebuild from the start of the log gives the same bytes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from services.reporting.app import build as reporting
from services.reporting.rebuild import rebuild
from shared.language.contracts.evidence import Activity, Bearing, EvidenceItemRecorded
from shared.language.contracts.judgement import FindingKind, FindingRecorded
from shared.language.contracts.lscb import BoardOfficerAppointed, LscbJudgementFinalised, Office
from shared.language.contracts.scheduling import InspectionScheduled
from shared.language.contracts.vocabulary import Agency
from shared.mechanics.catalogue import Event
from shared.mechanics.envelope import Actor, Envelope, Inspectorate, new_id, utc_now
from shared.mechanics.mongo import connect
from shared.mechanics.settings import Settings
from tests.helpers import actor, agreed, chair, denied, eventually, forbidden, ok, refused, running

OFSTED = actor("ofsted", "lead_inspector")
QUALITY = actor("ofsted", "quality_assurer")  # Ofsted, as the lead inspectorate, quality-assures
CHAIR = chair("E08000036")  # the chair of the Wakefield LSCB
TAKING_PART = ["ofsted", "cqc", "hmic", "hmi_probation"]
STARTS = date(2026, 3, 9)


HEADS: dict[str, Envelope] = {}  # each stream's last event published, which its next names (the chain)


async def publish(settings: Settings, *events: tuple[str, str, int, Event]) -> None:
    """(context, stream, version, event): each as an envelope on the context's topic, chained as the event
    store chains them."""
    producer = AIOKafkaProducer(**settings.producer_options())
    await producer.start()
    try:
        for context, stream_id, version, event in events:
            previous = HEADS.get(stream_id) if version > 1 else None
            envelope = Envelope(
                event_id=new_id(),
                event_type=event.event_type,
                schema_version=event.schema_version,
                stream_id=stream_id,
                stream_version=version,
                inspection_id=getattr(event, "inspection_id", None),
                occurred_at=utc_now(),
                actor=Actor(inspectorate=Inspectorate.OFSTED, role="inspector", user="t"),
                correlation_id="t",
                previous_hash=previous.digest() if previous else None,
                payload=event.model_dump(mode="json"),
            )
            HEADS[stream_id] = envelope
            await producer.send_and_wait(
                settings.events_topic(context),
                envelope.to_json(),
                key=(envelope.inspection_id or envelope.stream_id).encode(),
            )
    finally:
        await producer.stop()


def finding(inspection_id: str, n: int, text: str) -> tuple[str, str, int, Event]:
    event = FindingRecorded(
        inspection_id=inspection_id,
        finding_id=f"f-{n}",
        kind=FindingKind.KEY_STRENGTH,
        addressed_to=Agency.PARTNERSHIP,
        text=text,
        evidence_item_ids=["ev-1"],
    )
    return ("judgement", f"findings-{inspection_id}", n, event)


async def jtai(settings: Settings, area: str = "E08000036") -> str:
    inspection_id = new_id()
    scheduled = InspectionScheduled(
        inspection_id=inspection_id,
        programme="jtai-2015",
        area_code=area,
        local_area="Wakefield",
        deep_dive_theme="neglect",
        announced=True,
        fieldwork_starts=STARTS,
        fieldwork_ends=STARTS + timedelta(days=4),
        notice_date=STARTS - timedelta(days=12),
        inspectorates=TAKING_PART,
        agencies={
            "local_authority": "ofsted",
            "health": "cqc",
            "police": "hmic",
            "probation": "hmi_probation",
        },
    )
    item = EvidenceItemRecorded(
        inspection_id=inspection_id,
        evidence_item_id="ev-1",
        inspectorate=Inspectorate.OFSTED,
        inspector="t",
        agency=Agency.LOCAL_AUTHORITY,
        activity=Activity.CASE_TRACKING,
        judgement_area="deep_dive",
        criteria=[],
        bearing=Bearing.STRENGTH,
        case_reference="WKF-0042",
        summary="Referral acted on at once.",
    )
    appointed = BoardOfficerAppointed(
        area_code=area, local_area="Wakefield", office=Office.CHAIR, name="Dr Jo Reed"
    )
    # The letter reports the leadership and the LSCB's effectiveness: its evaluation is final before the
    # letter is drafted (001 Proposal one, Proposal four).
    evaluated = LscbJudgementFinalised(
        inspection_id=inspection_id,
        proposal=1,
        grade=None,
        text="The board knows the front door well.",
        evidence_item_ids=["ev-1"],
        signed_off_by=TAKING_PART,
    )
    await publish(
        settings,
        ("scheduling", f"inspection-{inspection_id}", 1, scheduled),
        ("evidence", f"evidence-item-{inspection_id}", 1, item),
        finding(inspection_id, 1, "Referrals are acted on at once."),
        ("lscb", f"lscb-board-{area}", 1, appointed),
        ("lscb", f"lscb-evaluation-{inspection_id}", 1, evaluated),
    )
    return inspection_id


# What a letter drafted from everything `jtai` publishes says: wait for all of it, since the events arrive on
# three topics and a read of the letter between them would miss a section.
EVERYTHING_JTAI_SAYS = (
    "Referrals are acted on at once.",
    "Dr Jo Reed",
    "The board knows the front door well.",
)


@pytest.fixture
async def api(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with running(reporting(settings)) as client:
        yield client


async def letter_with(api: httpx.AsyncClient, inspection_id: str, *texts: str) -> httpx.Response:
    async def arrived() -> httpx.Response | None:
        response = await api.get(f"/inspections/{inspection_id}/report")
        return response if response.status_code == 200 and all(t in response.text for t in texts) else None

    found: httpx.Response = await eventually(arrived)
    return found


def lead(inspectorate: str) -> dict[str, str]:
    """The lead inspector of `inspectorate`: who agrees and publishes the report for it."""
    return OFSTED if inspectorate == "ofsted" else actor(inspectorate, "lead_inspector")


async def events_written(settings: Settings) -> int:
    client = connect(settings.mongodb_uri, "test")
    try:
        return await client[settings.database_name("reporting")]["events"].count_documents({})
    finally:
        await client.close()


async def test_the_letter_goes_through_its_lifecycle_in_order(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    inspection_id = await jtai(settings)
    drafted = await letter_with(api, inspection_id, *EVERYTHING_JTAI_SAYS)
    report = f"/inspections/{inspection_id}/report"

    async def post(
        step: str, who: dict[str, str] = OFSTED, body: dict[str, Any] | None = None
    ) -> httpx.Response:
        return await api.post(f"{report}/{step}", headers=who, json=body)

    before = await events_written(settings)
    await refused(await post("quality-assurance", QUALITY), "not been drafted", "001 Proposal four")
    await refused(await post("publication"), "only the final report")
    assert await events_written(settings) == before

    view = await ok(await post("draft"), 200)
    assert (view["status"], view["draft"]) == ("drafted", 1)
    before = await events_written(settings)
    await refused(await post("agreement", lead("cqc")), "quality-assured")
    await forbidden(
        await post("quality-assurance", actor("cqc", "quality_assurer")), "lead inspectorate, ofsted"
    )
    await denied(await post("quality-assurance"), "lead_inspector")
    assert await events_written(settings) == before
    await ok(await post("quality-assurance", QUALITY), 200)
    for inspectorate in TAKING_PART[:-1]:
        await ok(await post("agreement", lead(inspectorate)), 200)
    before = await events_written(settings)
    await forbidden(await post("agreement", lead("hmi_prisons")), "hmi_prisons does not take part")
    await refused(await post("sending"), "awaits the agreement of hmi_probation")
    assert await events_written(settings) == before
    await ok(await post("agreement", lead("hmi_probation")), 200)
    view = await ok(await post("sending"), 200)
    assert view["sent"]["addressee"] == "Dr Jo Reed"
    assert (view["sent"]["recipient"], view["sent"]["to"]) == ("lscb_chair", "Dr Jo Reed, chair of the LSCB")
    assert view["status"] == "sent_to_lscb"

    points = [
        {"point": 1, "text": "The audit was in October."},
        {"point": 2, "text": "The board meets monthly."},
    ]
    # Only the chair of the area's LSCB responds: not the lead on the chair's behalf, nor another chair.
    before = await events_written(settings)
    await forbidden(
        await post("factual-accuracy-response", body={"points": points}), "chair of the LSCB submits"
    )
    await forbidden(
        await post("factual-accuracy-response", chair("E08000035"), body={"points": points}), "own area"
    )
    assert await events_written(settings) == before
    await ok(await post("factual-accuracy-response", CHAIR, body={"points": points}), 200)
    await refused(await post("factual-accuracy-response", CHAIR, body={"points": points}), "already recorded")
    await refused(await post("final"), "decide point(s) 1, 2 first")
    for point in (1, 2):
        decision = {"point": point, "decision": "rejected", "reason": "The evidence says otherwise."}
        await ok(await post("factual-accuracy-decisions", body=decision), 200)
    view = await ok(await post("final"), 200)
    for inspectorate in TAKING_PART:
        view = await ok(await post("publication", lead(inspectorate)), 200)
    await refused(await post("publication", lead("cqc")), "already published")
    assert view["status"] == "published"
    plan = {"led_by": "local_authority", "due_on": str(date.today() + timedelta(days=60))}
    await ok(await post("action-plan", body=plan), 200)

    # The published letter is the log as at its finalisation: a later finding does not change it.
    await publish(settings, finding(inspection_id, 2, "A finding after publication."))

    async def moved_on() -> bool:
        current = (await api.get(f"{report}/lifecycle")).json()
        return bool(current["checksum"] != current["final_checksum"])

    await eventually(moved_on)
    published = await api.get(report)
    assert agreed(published.text) == agreed(drafted.text)
    # The area's chair reads the report and its lifecycle; another area's chair does not.
    assert agreed((await api.get(report, headers=CHAIR)).text) == agreed(published.text)
    assert (await api.get(f"{report}/lifecycle", headers=CHAIR)).status_code == 200
    await forbidden(await api.get(report, headers=chair("E08000035")))
    await forbidden(await api.get(f"{report}/lifecycle", headers=chair("E08000035")))
    assert published.headers["x-checksum"] == view["final_checksum"]
    # As at the first step, at a time, and before the inspection existed.
    at_step = await api.get(report, params={"at_step": 1})
    assert agreed(at_step.text) == agreed(drafted.text)
    assert "DRAFT — not for publication: draft 1, to be quality-assured by Ofsted" in at_step.text
    now = await api.get(report, params={"as_at": datetime.now(UTC).isoformat()})
    assert agreed(now.text) == agreed(drafted.text)
    await refused(await api.get(report, params={"as_at": "2020-01-01T00:00:00Z"}), "did not exist yet")
    assert (await api.get(report, params={"format": "docx"})).status_code == 422
    assert (await api.get("/inspections/nobody/report")).status_code == 404
    html = await api.get(report, params={"format": "html-large"})
    assert '<html lang="en-GB">' in html.text
    assert "WKF-0042" not in html.text  # no case reference in any document


async def test_a_change_after_the_draft_needs_a_new_draft(api: httpx.AsyncClient, settings: Settings) -> None:
    inspection_id = await jtai(settings)
    await letter_with(api, inspection_id, "Referrals are acted on at once.")
    report = f"/inspections/{inspection_id}/report"
    await ok(await api.post(f"{report}/draft", headers=OFSTED), 200)
    await publish(settings, finding(inspection_id, 2, "Strategy meetings are timely."))
    await letter_with(api, inspection_id, "Strategy meetings are timely.")
    await refused(await api.post(f"{report}/quality-assurance", headers=QUALITY), "changed since draft 1")
    view = await ok(await api.post(f"{report}/draft", headers=OFSTED), 200)
    assert view["draft"] == 2
    await ok(await api.post(f"{report}/quality-assurance", headers=QUALITY), 200)


async def test_a_rebuild_from_the_start_of_the_log_gives_the_same_bytes(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    first, second = await jtai(settings), await jtai(settings, area="E08000035")
    for inspection_id in (first, second):
        await letter_with(api, inspection_id, "Referrals are acted on at once.")
    await ok(await api.post(f"/inspections/{first}/report/draft", headers=OFSTED), 200)
    before = {
        i: (await api.get(f"/inspections/{i}/report", params={"format": "pdf"})).content
        for i in (first, second)
    }
    lines: list[str] = []
    summary = await rebuild(settings, lines.append)
    assert summary.ok
    assert {f"/inspections/{first}/report", f"/inspections/{second}/report"} <= set(summary.matching)
    assert summary.events_kept >= 8
    assert any("events read" in line for line in lines)
    after = {
        i: (await api.get(f"/inspections/{i}/report", params={"format": "pdf"})).content
        for i in (first, second)
    }
    assert after == before
    assert (await api.get(f"/inspections/{first}/report/lifecycle")).json()["draft"] == 1
    # The rebuild wrote pages of many events; what arrives after it, the service keeps a page of one
    # beside them, and the document reads both.
    await publish(settings, finding(second, 2, "Strategy meetings are timely."))
    await letter_with(api, second, "Referrals are acted on at once.", "Strategy meetings are timely.")


async def test_every_document_of_a_rehearsal_platform_says_so_with_its_clock(settings: Settings) -> None:
    """Issue 19 point 15: on a rehearsal platform no document can be mistaken for a real one; a production
    platform's documents carry no such marking (the other tests)."""
    rehearsal = settings.model_copy(update={"environment": "rehearsal"})
    async with running(reporting(rehearsal)) as api:
        inspection_id = await jtai(rehearsal)
        answer = await letter_with(api, inspection_id, "Referrals are acted on at once.")
        marking = "REHEARSAL — not a real inspection; clock at "
        assert answer.text.startswith(f"> **{marking}")
        assert answer.text.rstrip().endswith("**")
        html = await api.get(f"/inspections/{inspection_id}/report?format=html")
        assert marking in html.text
        assert "<title>REHEARSAL: " in html.text
