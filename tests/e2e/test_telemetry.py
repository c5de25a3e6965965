"""Observability end to end: the five services, each with its own in-memory span exporter and metric
reader, on the real broker and database. They run in this process because the exporters are in memory;
the trace crosses services only through Kafka headers, as between processes (test_trace_files.py
follows one across five processes).

A known sequence of commands, then: the evidence command's trace runs from its HTTP span through the
event's publication into each downstream service and on to the document rendered from it; the metrics
count exactly those commands and events; and no log line holds the evidence's text."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import datetime

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import SpanKind

from embedded.demo import first_fieldwork_week
from services.evidence.app import build as evidence
from services.judgement.app import build as judgement
from services.lscb.app import build as lscb
from services.reporting.app import build as reporting
from services.scheduling.app import build as scheduling
from shared.language.workdays import today_in_england
from shared.mechanics import logs
from shared.mechanics.clock import CLOCK
from shared.mechanics.settings import Settings
from shared.mechanics.topics import dead_letter_topic
from tests.helpers import Observed, actor, eventually, ok, read_topic, refused, running

LEAD = actor("ofsted", "lead_inspector")


SECRET = "Ayesha, aged 7, told her teacher that her stepfather hits her"  # evidence text: never logged


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Every log line of the test at DEBUG, as the services write them."""
    root = logging.getLogger()
    clients = [logging.getLogger(name) for name in logs.CLIENT_LOGGERS]
    saved = root.handlers[:], root.level, [client.level for client in clients]
    lines = io.StringIO()
    logs.configure("e2e", "DEBUG", lines)
    try:
        yield lines
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        for client, level in zip(clients, saved[2], strict=True):
            client.setLevel(level)


def one(spans: list[ReadableSpan], what: str) -> ReadableSpan:
    assert len(spans) == 1, f"{len(spans)} spans of {what}"
    return spans[0]


async def test_one_trace_crosses_every_service_and_the_metrics_count_what_happened(
    settings: Settings, observed: Observed, log_lines: io.StringIO
) -> None:
    evidence_topic = settings.events_topic("evidence")
    async with (
        running(scheduling(settings, observed.telemetry("scheduling"))) as scheduler,
        running(evidence(settings, observed.telemetry("evidence"))) as evidence_api,
        running(judgement(settings, observed.telemetry("judgement"))),
        running(lscb(settings, observed.telemetry("lscb"))),
        running(reporting(settings, observed.telemetry("reporting"))) as reporting_api,
    ):
        # scheduling: two commands accepted, one refused as invalid (no area)
        body = {"area": "Wakefield", "deep_dive_theme": "neglect"}
        body["fieldwork_starts"] = str(first_fieldwork_week(today_in_england()))
        inspection_id = (await ok(await scheduler.post("/inspections", headers=LEAD, json=body)))[
            "inspection_id"
        ]
        invalid = await scheduler.post("/inspections", headers=LEAD, json={"deep_dive_theme": "neglect"})
        assert invalid.status_code == 422
        # Notice is given on the notice date, not earlier (001 Proposal two): this process's clock reads it.
        notice_date = (await ok(await scheduler.get(f"/inspections/{inspection_id}"), 200))["notice_date"]
        CLOCK.follow(datetime.fromisoformat(f"{notice_date}T09:00+00:00"))  # real time again after the test
        await ok(
            await scheduler.post(
                f"/inspections/{inspection_id}/notifications", headers=LEAD, json={"recipient": "lscb_chair"}
            )
        )

        async def notified() -> bool:
            response = await evidence_api.get(f"/inspections/{inspection_id}")
            return response.status_code == 200 and response.json()["notice_started"]

        await eventually(notified)

        # evidence: an item accepted; one refused as invalid with the text in it; a closure outside the
        # caller's role; the lead's closure accepted, and a second one breaking a rule
        url = f"/inspections/{inspection_id}/evidence"
        item = {
            "agency": "health",
            "activity": "case_sampling",
            "judgement_area": "deep_dive",
            "criteria": [],
            "bearing": "weakness",
            "case_reference": "WKF-0042",
            "summary": SECRET,
        }
        await ok(await evidence_api.post(url, headers=actor("cqc"), json=item))
        bad = await evidence_api.post(url, headers=actor("cqc"), json=item | {"bearing": SECRET})
        assert bad.status_code == 422
        assert SECRET not in bad.text
        closure = f"/inspections/{inspection_id}/closure"
        reason = {"reason": "Fieldwork is over."}
        outside = await evidence_api.post(closure, headers=actor("cqc"), json=reason)
        assert outside.status_code == 403
        await ok(await evidence_api.post(closure, headers=LEAD, json=reason), 200)
        await refused(await evidence_api.post(closure, headers=LEAD, json=reason), "already closed")

        # a record that is no event, carrying the text, reaches every consumer of the evidence topic
        producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers)
        await producer.start()
        try:
            await producer.send_and_wait(evidence_topic, json.dumps({"summary": SECRET}).encode(), key=b"x")
        finally:
            await producer.stop()

        async def letter_has_the_evidence() -> httpx.Response | None:
            response = await reporting_api.get(f"/inspections/{inspection_id}/report")
            kept = observed.total(
                "reporting", "messaging.client.consumed.messages", {"jip.outcome": "applied"}
            )
            return response if response.status_code == 200 and kept >= 3 else None

        await eventually(letter_has_the_evidence)
        for service in ("judgement", "lscb", "reporting"):
            await read_topic(
                settings.kafka_bootstrap_servers, dead_letter_topic(settings.namespace, service), at_least=1
            )

        async def outbox_empty() -> bool:
            backlog = observed.points("evidence", "jip.outbox.backlog")
            return bool(backlog) and all(p.value == 0 for p in backlog)

        await eventually(outbox_empty)

    spans = list(observed.spans)

    # -- the trace -------------------------------------------------------------------------------------
    command = one(
        [
            s
            for s in spans
            if s.kind is SpanKind.SERVER
            and s.name == "POST /inspections/{inspection_id}/evidence"
            and (s.attributes or {}).get("http.response.status_code") == 201
        ],
        "the evidence command",
    )
    in_trace = [s for s in spans if s.context.trace_id == command.context.trace_id]
    send = one([s for s in in_trace if s.kind is SpanKind.PRODUCER], "the event's publication")
    assert send.parent is not None and send.parent.span_id == command.context.span_id  # noqa: PT018
    assert send.name == f"send {evidence_topic}"
    assert send.resource.attributes["service.name"] == "jip-evidence"
    assert (
        dict(send.attributes or {}).items()
        >= {
            "messaging.system": "kafka",
            "messaging.operation.name": "send",
            "messaging.operation.type": "send",
            "messaging.destination.name": evidence_topic,
            "jip.event.type": "evidence.EvidenceItemRecorded",
        }.items()
    )

    processed = [
        s
        for s in in_trace
        if s.kind is SpanKind.CONSUMER and (s.attributes or {}).get("jip.outcome") == "applied"
    ]
    by_service = {s.resource.attributes["service.name"] for s in processed}
    assert by_service == {"jip-judgement", "jip-lscb", "jip-reporting"}
    for span in processed:
        assert span.name == f"process {evidence_topic}"
        assert span.parent is not None and span.parent.span_id == send.context.span_id  # noqa: PT018
        assert [link.context.span_id for link in span.links] == [send.context.span_id]
        attributes = dict(span.attributes or {})
        assert attributes["messaging.destination.name"] == evidence_topic
        assert str(attributes["messaging.consumer.group.name"]).startswith(f"{settings.namespace}.")
        assert attributes["messaging.message.id"] == (send.attributes or {})["messaging.message.id"]
        writes = [s for s in in_trace if s.parent is not None and s.parent.span_id == span.context.span_id]
        assert writes
        assert all((w.attributes or {}).get("db.system.name") == "mongodb" for w in writes)

    kept = next(s for s in processed if s.resource.attributes["service.name"] == "jip-reporting")
    rendered = [
        s for s in spans if s.kind is SpanKind.SERVER and s.name == "GET /inspections/{inspection_id}/report"
    ]
    assert rendered
    # the document's render links to the trace of the event that last changed it
    assert any(
        link.context.trace_id == command.context.trace_id and link.context.span_id == kept.context.span_id
        for link in rendered[-1].links
    )

    # -- the metrics -----------------------------------------------------------------------------------
    commands = "jip.commands"
    assert observed.total("scheduling", commands, {"jip.outcome": "accepted"}) == 2
    assert (
        observed.total(
            "scheduling",
            commands,
            {
                "http.route": "/inspections",
                "jip.outcome": "rejected",
                "jip.rejection.reason": "invalid_request",
            },
        )
        == 1
    )
    assert observed.total("evidence", commands, {"jip.outcome": "accepted"}) == 2
    closure_route = {"http.route": "/inspections/{inspection_id}/closure"}
    assert observed.total("evidence", commands, closure_route | {"jip.rejection.reason": "forbidden"}) == 1
    denied = {"http.response.status_code": 403, "jip.role": "inspector"}
    assert observed.total("evidence", "jip.access.denied", closure_route | denied) == 1
    assert observed.total("evidence", commands, {"jip.rejection.reason": "invalid_request"}) == 1
    broken = [
        p.attributes
        for p in observed.points("evidence", commands)
        if (p.attributes or {}).get("jip.rejection.reason") == "rule_violation"
    ]
    assert len(broken) == 1 and broken[0]["http.route"] == "/inspections/{inspection_id}/closure"  # noqa: PT018
    assert broken[0]["jip.rule"]

    sent = "messaging.client.sent.messages"
    assert observed.total("scheduling", sent, {"jip.event.type": "scheduling.InspectionScheduled"}) == 1
    assert observed.total("scheduling", sent, {"jip.event.type": "scheduling.NotificationRecorded"}) == 1
    assert observed.total("evidence", sent) == 2  # the item, and the closure
    assert observed.total("evidence", sent, {"jip.event.type": "evidence.EvidenceItemRecorded"}) == 1

    consumed = "messaging.client.consumed.messages"
    for service in ("judgement", "lscb", "reporting"):
        assert (
            observed.total(
                service,
                consumed,
                {"jip.event.type": "evidence.EvidenceItemRecorded", "jip.outcome": "applied"},
            )
            >= 1
        )
        dead = observed.total(service, "jip.dead_letters", {"messaging.destination.name": evidence_topic})
        assert dead >= 1
        assert dead == observed.total(
            service, consumed, {"messaging.destination.name": evidence_topic, "jip.outcome": "dead-lettered"}
        )
    assert observed.total("reporting", "jip.dead_letters", {"jip.dead_letter.cause": "malformed"}) == 1

    # reporting keeps five events of this inspection: scheduled, its set-up and feedback meetings,
    # notified, the evidence item
    lag = observed.total("reporting", "jip.projection.lag")
    assert lag == observed.total("reporting", consumed, {"jip.outcome": "applied"}) == 5
    lags = observed.points("reporting", "jip.consumer.lag")
    assert {(p.attributes or {})["messaging.destination.name"] for p in lags} >= {evidence_topic}
    assert all(p.value >= 0 for p in lags)
    assert observed.total("scheduling", "http.server.request.duration", {"http.route": "/inspections"}) == 2

    # -- the logs --------------------------------------------------------------------------------------
    written = log_lines.getvalue().splitlines()
    assert written
    assert all(json.loads(line)["service"] == "e2e" for line in written)
    leaked = [json.loads(line)["logger"] for line in written if "Ayesha" in line or "stepfather" in line]
    assert not leaked, sorted(set(leaked))
    assert any("dead-lettering" in line and "trace_id" in line for line in written)
