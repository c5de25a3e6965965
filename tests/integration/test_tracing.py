"""One trace from an HTTP command through the outbox and Kafka into another service's consumer."""

from __future__ import annotations

import httpx
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from jip.demo import first_fieldwork_week
from services.evidence.app import build as evidence
from services.scheduling.app import build as scheduling
from shared.settings import Settings
from shared.workdays import today_in_england
from tests.helpers import actor, eventually, running


async def test_a_trace_continues_from_the_http_command_into_the_consumer(
    settings: Settings, spans: InMemorySpanExporter
) -> None:
    async with running(scheduling(settings)) as scheduler, running(evidence(settings)) as evidence_api:
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

    finished = spans.get_finished_spans()
    command = next(s for s in finished if s.kind is SpanKind.SERVER and s.name == "POST /inspections")
    publish = next(
        s
        for s in finished
        if s.kind is SpanKind.PRODUCER and s.name == f"{settings.events_topic('scheduling')} publish"
    )
    consume = next(
        s
        for s in finished
        if s.kind is SpanKind.CONSUMER
        and (s.attributes or {}).get("jip.event.type") == "scheduling.InspectionScheduled"
    )
    trace_id = command.context.trace_id
    assert publish.context.trace_id == trace_id
    assert consume.context.trace_id == trace_id
    assert consume.parent is not None
    assert consume.parent.span_id == publish.context.span_id
    assert (consume.attributes or {})["jip.outcome"] == "applied"
