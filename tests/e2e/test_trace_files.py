"""The embedded default's telemetry: five service processes write their spans to files, and one trace
is followed across all of them from those files, by hand and with `jip traces`."""

from __future__ import annotations

import asyncio
import contextlib
import io
from pathlib import Path
from typing import Any

import httpx

from jip.cli import main
from shared.telemetry import read_spans
from tests.e2e.conftest import Platform
from tests.e2e.test_faults import LEAD, schedule_body
from tests.helpers import actor, auditor, eventually


def spans_in(directory: Path) -> list[dict[str, Any]]:
    return read_spans(sorted(directory.glob("traces-*.jsonl")))


async def test_one_trace_is_followed_across_five_processes_from_their_span_files(
    platform: Platform, tmp_path: Path
) -> None:
    telemetry = tmp_path / "telemetry"
    # The batch processor's delay down from 5 s, so the spans reach the files while the test waits.
    await platform.start(JIP_TELEMETRY_DIR=str(telemetry), OTEL_BSP_SCHEDULE_DELAY="100")
    urls = platform.urls
    async with httpx.AsyncClient(headers=auditor()) as http:
        created = await http.post(f"{urls['scheduling']}/inspections", headers=LEAD, json=schedule_body())
        inspection_id = created.json()["inspection_id"]
        notify = {"recipient": "lscb_chair"}
        notified = await http.post(
            f"{urls['scheduling']}/inspections/{inspection_id}/notifications", headers=LEAD, json=notify
        )
        assert notified.status_code == 201

        async def notice_started() -> bool:
            got = await http.get(f"{urls['evidence']}/inspections/{inspection_id}")
            return got.status_code == 200 and got.json()["notice_started"]

        await eventually(notice_started)
        item = {
            "agency": "police",
            "activity": "case_sampling",
            "judgement_area": "deep_dive",
            "criteria": [],
            "bearing": "strength",
            "case_reference": "WKF-0007",
            "summary": "Officers shared concerns with children's social care the same day.",
        }
        recorded = await http.post(
            f"{urls['evidence']}/inspections/{inspection_id}/evidence", headers=actor("hmic"), json=item
        )
        assert recorded.status_code == 201

    def evidence_trace() -> list[dict[str, Any]] | None:
        spans = spans_in(telemetry)
        command = [
            s
            for s in spans
            if s["name"] == "POST /inspections/{inspection_id}/evidence" and s["kind"] == "SpanKind.SERVER"
        ]
        if not command:
            return None
        trace_id = command[0]["context"]["trace_id"]
        found = [s for s in spans if s["context"]["trace_id"] == trace_id]
        processed = {
            s["resource"]["attributes"]["service.name"] for s in found if s["kind"] == "SpanKind.CONSUMER"
        }
        return found if {"jip-judgement", "jip-lscb", "jip-reporting"} <= processed else None

    async def whole() -> list[dict[str, Any]] | None:
        return evidence_trace()

    spans = await eventually(whole)
    send = next(s for s in spans if s["kind"] == "SpanKind.PRODUCER")
    assert send["resource"]["attributes"]["service.name"] == "jip-evidence"
    consumers = [s for s in spans if s["kind"] == "SpanKind.CONSUMER"]
    assert {s["parent_id"] for s in consumers} == {send["context"]["span_id"]}
    assert all(s["attributes"]["jip.event.type"] == "evidence.EvidenceItemRecorded" for s in consumers)

    trace_id = send["context"]["trace_id"].removeprefix("0x")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = await asyncio.to_thread(main, ["traces", "show", trace_id[:12], "--data-dir", str(tmp_path)])
    assert code == 0
    tree = out.getvalue().splitlines()
    assert tree[0].startswith(f"trace {trace_id}:")
    assert tree[1].startswith("POST /inspections/{inspection_id}/evidence  [jip-evidence, server")
    topic = f"{platform.env['JIP_NAMESPACE']}.evidence.events"
    assert any(line.startswith(f"  send {topic}  [jip-evidence, producer") for line in tree)
    for service in ("judgement", "lscb", "reporting"):
        assert any(line.startswith(f"    process {topic}  [jip-{service}, consumer") for line in tree), (
            service
        )

    listing = io.StringIO()
    with contextlib.redirect_stdout(listing):
        assert await asyncio.to_thread(main, ["traces", "list", "--data-dir", str(tmp_path)]) == 0
    assert trace_id in listing.getvalue()
