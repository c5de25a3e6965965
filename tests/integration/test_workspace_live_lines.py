"""Live lines of enquiry through a real broker (services/workspace/live.py): the workspace served by uvicorn,
its five services stood in for, the evidence events topic on the test session's broker. A page listening
on an inspection hears of a line raised there, and of nothing else on the topic (malformed records, other
events, other inspections); a user the evidence service does not let read the lines is refused the
stream; a page that may have missed a change is told to fetch itself again, and one made from the lines as
they still are is not; and the topic is read only while someone listens."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from services.workspace import live
from services.workspace.app import build
from services.workspace.settings import WorkspaceSettings
from shared.mechanics.envelope import Actor, Envelope, Inspectorate
from shared.mechanics.settings import Settings
from tests.helpers import SIGNER
from tests.helpers import served as serving
from tests.workspace_pages import sign_in

INSPECTION, HIDDEN = "insp-live-1", "insp-hidden"


def answer(request: httpx.Request) -> httpx.Response:
    """The evidence service lets the user read the lines of INSPECTION, and of no other."""
    if request.url.path == f"/inspections/{INSPECTION}/lines-of-enquiry":
        return httpx.Response(200, json=[])
    if request.url.path == f"/inspections/{HIDDEN}/lines-of-enquiry":
        return httpx.Response(403, json={"detail": "Your inspectorate does not take part in this inspection"})
    return httpx.Response(404, json={"detail": "not here"})


@pytest.fixture
async def served(tmp_path: Path, settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, live.Tail]]:
    """The workspace on a loopback port, and a browser signed in to it as a CQC inspector."""
    SIGNER.save(tmp_path / "auth")
    app = build(WorkspaceSettings(workspace_signing_key_file=tmp_path / "auth" / "signing-key.pem"), settings)
    app.state.http = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    try:
        async with (
            serving(app, timeout_graceful_shutdown=1) as base,
            httpx.AsyncClient(base_url=base, timeout=30) as browser,
        ):
            await sign_in(browser, "inspector-cqc", "inspector", "cqc")
            yield browser, app.state.tail
    finally:
        await app.state.tail.stop()


def envelope(event_type: str, inspection_id: str, payload: dict[str, Any]) -> bytes:
    return Envelope(
        event_id=str(uuid.uuid4()),
        event_type=event_type,
        schema_version=2,
        stream_id=f"lines-{inspection_id}",
        stream_version=1,
        inspection_id=inspection_id,
        occurred_at=datetime.now(UTC),
        actor=Actor(inspectorate=Inspectorate.HMIC, role="inspector", user="inspector-hmic"),
        correlation_id="t",
        payload=payload,
    ).to_json()


RAISED = {"line_id": "line-7", "raised_by": "hmic", "agency": "police", "question": "Who visits?"}


async def publish(settings: Settings, *values: bytes) -> None:
    producer = AIOKafkaProducer(**settings.producer_options())
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(settings.events_topic("evidence"), value, key=INSPECTION.encode())
    finally:
        await producer.stop()


async def messages(stream: httpx.Response) -> AsyncIterator[dict[str, str]]:
    """The server-sent events of a stream, each as its fields (comments and the retry line left out)."""
    fields: dict[str, str] = {}
    async for line in stream.aiter_lines():
        if not line:
            if "event" in fields:
                yield fields
            fields = {}
        elif not line.startswith(":"):
            name, _, value = line.partition(": ")
            fields[name] = value


async def test_a_line_raised_by_another_inspectorate_reaches_the_page_listening_and_nothing_else_does(
    served: tuple[httpx.AsyncClient, live.Tail], settings: Settings
) -> None:
    browser, tail = served
    rendered = live.now_ms()  # made before the reader started, from lines that are not those there now
    url = f"/inspections/{INSPECTION}/lines-of-enquiry/live?since={rendered}&seen=0123456789abcdef"
    async with browser.stream("GET", url) as stream:
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        heard = messages(stream)
        first = await asyncio.wait_for(anext(heard), 20)
        assert first["event"] == "line"
        assert json.loads(first["data"])["words"] == "The lines of enquiry have changed."

        await publish(
            settings,
            b"\xff\xfe",  # not an envelope
            envelope("evidence.EvidenceItemRecorded", INSPECTION, {"evidence_item_id": "e1"}),
            envelope("evidence.LineOfEnquiryRaised", "another-inspection", RAISED),
            envelope("evidence.LineOfEnquiryRaised", INSPECTION, RAISED),
        )
        change = await asyncio.wait_for(anext(heard), 20)
        assert change["event"] == "line"
        assert json.loads(change["data"]) == {"line_id": "line-7", "words": "HMIC raised a line of enquiry."}
        assert int(change["id"]) > rendered
        assert "Who visits?" not in json.dumps(change)  # the text is read from the service, as its user

    # Coming back with the last id it heard, the page has missed nothing; with an older one, it has.
    assert not tail.missed(INSPECTION, int(change["id"]))
    assert tail.missed(INSPECTION, rendered)


async def test_a_page_made_from_the_lines_as_they_still_are_is_told_only_of_a_real_change(
    served: tuple[httpx.AsyncClient, live.Tail], settings: Settings
) -> None:
    browser, tail = served
    seen = live.seen_of([])  # the lines the evidence service shows: none yet
    url = f"/inspections/{INSPECTION}/lines-of-enquiry/live?since={live.now_ms()}&seen={seen}"
    async with browser.stream("GET", url) as stream:
        heard = messages(stream)
        await asyncio.wait_for(tail.ready.wait(), 20)  # the reader started after the page was made
        await publish(settings, envelope("evidence.LineOfEnquiryRaised", INSPECTION, RAISED))
        first = await asyncio.wait_for(anext(heard), 20)
        assert json.loads(first["data"]) == {"line_id": "line-7", "words": "HMIC raised a line of enquiry."}


async def test_a_user_who_may_not_read_the_lines_is_refused_the_stream(
    served: tuple[httpx.AsyncClient, live.Tail],
) -> None:
    browser, tail = served
    refused = await browser.get(f"/inspections/{HIDDEN}/lines-of-enquiry/live")
    assert refused.status_code == 403
    assert "does not take part" in refused.text
    assert not tail.listeners


async def test_the_topic_is_read_only_while_a_page_listens(
    served: tuple[httpx.AsyncClient, live.Tail], monkeypatch: pytest.MonkeyPatch
) -> None:
    browser, tail = served
    monkeypatch.setattr(live, "LINGER_SECONDS", 0.5)
    async with browser.stream("GET", f"/inspections/{INSPECTION}/lines-of-enquiry/live") as stream:
        await asyncio.wait_for(anext(messages(stream)), 20)
        assert tail.ready.is_set()
    for _ in range(100):  # the reader stops once nobody has listened for LINGER_SECONDS
        if not tail.ready.is_set() and tail._task is not None and tail._task.done():
            break
        await asyncio.sleep(0.1)
    assert tail._task is not None
    assert tail._task.done()
    assert not tail.ready.is_set()
