"""One trace from an HTTP command through the outbox and Kafka into another service's consumer."""

from __future__ import annotations

import httpx
from opentelemetry.trace import SpanKind

from embedded.demo import first_fieldwork_week
from services.evidence.app import build as evidence
from services.scheduling.app import build as scheduling
from shared.language.workdays import today_in_england
from shared.mechanics.settings import Settings
from tests.helpers import Observed, actor, eventually, running


async def test_a_trace_continues_from_the_http_command_into_the_consumer(
    settings: Settings, observed: Observed
) -> None:
    async with (
        running(scheduling(settings, observed.telemetry("scheduling"))) as scheduler,
        running(evidence(settings, observed.telemetry("evidence"))) as evidence_api,
    ):
        response = await scheduler.post(
            "/inspections",
            headers=actor("ofsted", "lead_inspector"),
            json={
                "area": "Wakefield",
                "deep_dive_theme": "neglect",
                "fieldwork_starts": str(first_fieldwork_week(today_in_england())),
            },
        )
        assert response.status_code == 201
        inspection_id = response.json()["inspection_id"]

        async def known() -> httpx.Response | None:
            got = await evidence_api.get(f"/inspections/{inspection_id}")
            return got if got.status_code == 200 else None

        await eventually(known)

    finished = observed.spans
    topic = settings.events_topic("scheduling")
    command = next(s for s in finished if s.kind is SpanKind.SERVER and s.name == "POST /inspections")
    send = next(s for s in finished if s.kind is SpanKind.PRODUCER and s.name == f"send {topic}")
    consume = next(
        s
        for s in finished
        if s.kind is SpanKind.CONSUMER
        and (s.attributes or {}).get("jip.event.type") == "scheduling.InspectionScheduled"
        and s.resource.attributes["service.name"] == "jip-evidence"
    )
    trace_id = command.context.trace_id
    assert send.context.trace_id == trace_id
    assert consume.context.trace_id == trace_id
    assert consume.parent is not None
    assert consume.parent.span_id == send.context.span_id
    assert [link.context.span_id for link in consume.links] == [send.context.span_id]
    assert consume.name == f"process {topic}"
    assert (
        dict(consume.attributes or {}).items()
        >= {
            "messaging.system": "kafka",
            "messaging.operation.name": "process",
            "messaging.operation.type": "process",
            "messaging.destination.name": topic,
            "messaging.consumer.group.name": settings.consumer_group("evidence", "inspections"),
            "messaging.kafka.message.key": inspection_id,
            "jip.outcome": "applied",
        }.items()
    )
    # pymongo's spans of the projection's writes are children of the process span
    writes = [s for s in finished if s.parent is not None and s.parent.span_id == consume.context.span_id]
    assert writes
    assert all(
        s.kind is SpanKind.CLIENT and (s.attributes or {})["db.system.name"] == "mongodb" for s in writes
    )
