"""What `jip audit export --inspection ID` holds, on a small log written to the real broker (issue 21, point
5): two inspections in one area and one in another, each with its own streams, bookings on the area's
calendar and an inspector's diary that name them, and each area's LSCB board register. The expected export
is listed by hand from what was published, event by event, not worked out by the export's own rules."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer

from audit.inspection import envelopes_of
from jip.cli import main
from shared.mechanics.envelope import Actor, Envelope, Inspectorate, new_id
from shared.mechanics.settings import Settings
from tests.integration.test_audit import use

START = datetime(2026, 3, 2, 9, tzinfo=UTC)
AREA, OTHER_AREA = "E09000033", "E08000025"

Event = tuple[str, str | None, dict[str, Any]]  # event type, the inspection it names (if any), payload


class Log:
    """Streams written as the event store writes them (each event names its predecessor's digest), kept
    to be published, each event to its context's topic keyed by its stream."""

    def __init__(self) -> None:
        self.published: list[Envelope] = []
        self.minute = 0

    def stream(self, stream_id: str, events: list[Event]) -> list[str]:
        """The stream's events, their ids."""
        made: list[Envelope] = []
        for version, (event_type, inspection_id, payload) in enumerate(events, start=1):
            self.minute += 1
            made.append(
                Envelope(
                    event_id=new_id(),
                    event_type=event_type,
                    schema_version=1,
                    stream_id=stream_id,
                    stream_version=version,
                    inspection_id=inspection_id,
                    occurred_at=START + timedelta(minutes=self.minute),
                    actor=Actor(inspectorate=Inspectorate.OFSTED, role="lead_inspector", user="t"),
                    correlation_id="t",
                    previous_hash=made[-1].digest() if made else None,
                    payload=payload,
                )
            )
        self.published += made
        return [e.event_id for e in made]

    async def publish(self, settings: Settings) -> None:
        producer = AIOKafkaProducer(**settings.producer_options())
        await producer.start()
        try:
            for e in self.published:
                topic = settings.events_topic(e.event_type.split(".")[0])
                await producer.send_and_wait(topic, e.to_json(), key=e.stream_id.encode())
        finally:
            await producer.stop()


def own_streams(log: Log, inspection: str, area: str) -> list[str]:
    """An inspection's own streams: scheduled (in `area`), an evidence item and its file, a judgement, the
    LSCB's evaluation and the report; the ids of their events."""
    item = new_id()
    return [
        *log.stream(
            f"inspection-{inspection}",
            [
                ("scheduling.InspectionScheduled", inspection, {"area_code": area, "programme": "jtai"}),
                ("scheduling.NotificationRecorded", inspection, {"recipient": "lscb_chair"}),
            ],
        ),
        *log.stream(
            f"evidence-item-{item}",
            [
                ("evidence.EvidenceItemRecorded", inspection, {"evidence_item_id": item}),
                ("evidence.EvidenceItemAmended", inspection, {"evidence_item_id": item}),
            ],
        ),
        *log.stream(f"evidence-file-{inspection}", [("evidence.SampleCaseAdded", inspection, {})]),
        *log.stream(f"judgements-{inspection}", [("judgement.JudgementProposed", inspection, {})]),
        *log.stream(f"lscb-evaluation-{inspection}", [("lscb.LscbJudgementProposed", inspection, {})]),
        *log.stream(f"report-{inspection}", [("reporting.ReportDrafted", inspection, {})]),
    ]


async def exported(settings: Settings, inspection: str) -> list[str]:
    return [raw["event_id"] for raw, _ in await envelopes_of(settings, inspection, lambda _: None)]


async def test_an_inspections_export_holds_its_streams_its_bookings_and_its_areas_board_register_only(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    mine, neighbour, elsewhere = new_id(), new_id(), new_id()
    inspector = new_id()
    log = Log()

    # The board registers: the whole of this area's is in the export, though no event names an inspection.
    board = log.stream(
        f"lscb-board-{AREA}",
        [
            ("lscb.BoardOfficerAppointed", None, {"office": "chair", "name": "A. Chair"}),
            ("lscb.BoardPartnerJoined", None, {"agency": "police"}),
        ],
    )
    other_board = log.stream(
        f"lscb-board-{OTHER_AREA}", [("lscb.BoardOfficerAppointed", None, {"office": "chair", "name": "B."})]
    )
    # A round plan that lists the area names no inspection: not in the export.
    log.stream(f"round-{new_id()}", [("scheduling.RoundPlanned", None, {"areas": [AREA, OTHER_AREA]})])

    own = own_streams(log, mine, AREA)
    own_streams(log, neighbour, AREA)
    elsewhere_own = own_streams(log, elsewhere, OTHER_AREA)

    # The area's calendar and an inspector's diary: their bookings for this inspection, not the others.
    area_booked, _, _ = log.stream(
        f"area-{AREA}",
        [
            ("scheduling.AreaBooked", mine, {"area_code": AREA}),
            ("scheduling.AreaBooked", neighbour, {"area_code": AREA}),
            ("scheduling.AreaReleased", neighbour, {"area_code": AREA}),
        ],
    )
    [elsewhere_booked] = log.stream(
        f"area-{OTHER_AREA}", [("scheduling.AreaBooked", elsewhere, {"area_code": OTHER_AREA})]
    )
    _, inspector_booked, elsewhere_inspector, inspector_released = log.stream(
        f"inspector-{inspector}",
        [
            ("scheduling.InspectorRegistered", None, {"name": "I. Nspector"}),
            ("scheduling.InspectorBooked", mine, {}),
            ("scheduling.InspectorBooked", elsewhere, {}),
            ("scheduling.InspectorBookingReleased", mine, {}),
        ],
    )
    await log.publish(settings)

    expected = {*own, *board, area_booked, inspector_booked, inspector_released}
    assert len(expected) == 8 + 2 + 3
    found = await exported(settings, mine)
    assert len(found) == len(set(found))
    assert set(found) == expected
    assert not set(found) & set(other_board)

    # The same through the command an auditor runs: the envelopes exactly as published, in the order
    # they happened.
    use(settings, monkeypatch)
    assert await asyncio.to_thread(main, ["audit", "export", "--inspection", mine]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [raw["event_id"] for raw in lines] == [e.event_id for e in log.published if e.event_id in expected]
    by_id = {e.event_id: e for e in log.published}
    assert all(raw == json.loads(by_id[raw["event_id"]].to_json()) for raw in lines)

    # Another area's inspection: its own events, its booking, the inspector's booking for it, and its
    # area's register; nothing of the two inspections in the first area, nor of their area's register.
    found = await exported(settings, elsewhere)
    assert set(found) == {*elsewhere_own, elsewhere_booked, elsewhere_inspector, *other_board}
    assert not set(found) & (expected | set(board))
