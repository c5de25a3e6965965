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
from shared.mechanics.telemetry import read_spans
from tests.e2e.conftest import Platform
from tests.e2e.test_faults import LEAD, schedule_body
from tests.helpers import actor, auditor, eventually, on_the_notice_date


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
        async with httpx.AsyncClient(base_url=urls["scheduling"]) as scheduler:
            await on_the_notice_date(
                scheduler, created.json()["notice_date"]
            )  # not earlier (001 Proposal two)
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


CASE = "CASE-0101"


def holding(directory: Path, text: str) -> dict[str, list[str]]:
    """Every line of every file under `directory` that holds `text`, by file name."""
    found: dict[str, list[str]] = {}
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        lines = [line for line in path.read_text(errors="replace").splitlines() if text in line]
        around = [line[max(0, line.index(text) - 160) : line.index(text) + 40] for line in lines]
        if around:
            found[str(path.relative_to(directory))] = around
    return found


async def test_no_telemetry_file_or_log_holds_a_case_reference_from_a_path_or_a_query(
    platform: Platform, tmp_path: Path
) -> None:
    """Case references travel in paths (`/cases/CASE-0101/erasure`) and queries (`?case_reference=`):
    spans carry the route template instead, so nothing that outlives an erasure holds the reference."""
    telemetry = tmp_path / "telemetry"
    await platform.start(
        "scheduling",
        "evidence",
        JIP_TELEMETRY_DIR=str(telemetry),
        OTEL_BSP_SCHEDULE_DELAY="100",
        OTEL_METRIC_EXPORT_INTERVAL="500",
    )
    scheduling, evidence = platform.urls["scheduling"], platform.urls["evidence"]
    async with httpx.AsyncClient(headers=auditor()) as http:
        created = await http.post(f"{scheduling}/inspections", headers=LEAD, json=schedule_body())
        inspection_id = created.json()["inspection_id"]
        async with httpx.AsyncClient(base_url=scheduling) as scheduler:
            await on_the_notice_date(
                scheduler, created.json()["notice_date"]
            )  # not earlier (001 Proposal two)
        notify = {"recipient": "lscb_chair"}
        notified = await http.post(
            f"{scheduling}/inspections/{inspection_id}/notifications", headers=LEAD, json=notify
        )
        assert notified.status_code == 201, notified.text

        async def notice_started() -> bool:
            got = await http.get(f"{evidence}/inspections/{inspection_id}")
            return got.status_code == 200 and got.json()["notice_started"]

        await eventually(notice_started)
        inspection = f"{evidence}/inspections/{inspection_id}"
        sampled = await http.post(
            f"{inspection}/samples/shared/cases",
            headers=LEAD,
            json={"case_reference": CASE, "reason": "Deep-dive cohort: missing three times"},
        )
        assert sampled.status_code == 201, sampled.text
        item = {
            "agency": "police",
            "activity": "case_tracking",
            "judgement_area": "deep_dive",
            "bearing": "weakness",
            "case_reference": CASE,
            "summary": "Risk assessments do not consider exploitation.",
        }
        recorded = await http.post(f"{inspection}/evidence", headers=actor("hmic"), json=item)
        assert recorded.status_code == 201, recorded.text
        by_query = await http.get(f"{inspection}/evidence", params={"case_reference": CASE})
        assert by_query.status_code == 200, by_query.text
        assert len(by_query.json()) == 1
        by_path = await http.get(f"{inspection}/cases/{CASE}")
        assert by_path.status_code == 200, by_path.text
        erased = await http.post(
            f"{inspection}/cases/{CASE}/erasure", headers=LEAD, json={"basis": "subject_request"}
        )
        assert erased.status_code == 200, erased.text
        unmatched = await http.get(f"{inspection}/cases/{CASE}/no-such-view")
        assert unmatched.status_code == 404, unmatched.text

    routes = {
        "POST /inspections/{inspection_id}/samples/{sample}/cases",
        "GET /inspections/{inspection_id}/evidence",
        "GET /inspections/{inspection_id}/cases/{case_reference}",
        "POST /inspections/{inspection_id}/cases/{case_reference}/erasure",
    }

    async def served() -> list[dict[str, Any]] | None:
        spans = [s for s in spans_in(telemetry) if s["kind"] == "SpanKind.SERVER"]
        return spans if routes <= {s["name"] for s in spans} else None

    server_spans = await eventually(served)
    platform.supervisor.stop(progress=lambda _: None)  # each service flushes what it still holds

    # The spans are there, each naming its route by its template.
    for span in server_spans:
        if span["name"] in routes:
            assert span["attributes"]["http.route"] == span["name"].split(" ", 1)[1], span
    assert any(p.name.startswith("metrics-") for p in telemetry.iterdir())
    assert (tmp_path / "logs" / "evidence.log").stat().st_size > 0
    # And not one line of any telemetry file or log holds the case reference.
    assert holding(telemetry, CASE) == {}
    assert holding(tmp_path / "logs", CASE) == {}
