"""`jip demo --programme P`: a whole inspection of each of the five programmes, through the five services as
separate processes on a rehearsal platform, to its published document (issue 19, point 16).

The five are played one after another on one platform (one namespace, one rehearsal clock moved on by
each), as `jip demo` plays them. What each test checks, it reads from the services' APIs, not from the
demo's own bookkeeping: the document's title and status, and the dates the events were recorded on, which
must follow the inspection's order (001 Proposal two to four; 002 §34; 004 §36): notice or arrival, then
fieldwork, the evidence within it, then the draft, the sending for factual accuracy, the final report and
its publication. And the log the five wrote together, read by an auditor from its start, verifies green,
against every checkpoint taken on the way too (issue 21, point 1)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit import checkpoints
from audit.inspection import envelopes_of
from audit.log import Verifier, verify
from embedded.demo import People, Run, play
from embedded.demo.scenario import scenarios
from embedded.demo.story import RehearsalClock
from embedded.errors import StackError
from shared.language.programmes import catalogue
from shared.mechanics.clock import ENGLAND
from shared.mechanics.settings import Settings
from shared.mechanics.topics import CONTEXTS
from tests.conftest import Servers
from tests.e2e.conftest import Platform, platform_in
from tests.helpers import SIGNER, auditor, read_topic

STEP = re.compile(r"^\d+\. (\w{3} \d{1,2} \w{3} \d{4} \d\d:\d\d): ")


def day_of(moment: str) -> date:
    return datetime.fromisoformat(moment).astimezone(ENGLAND).date()


def recorded_on(history: list[dict[str, Any]], event_type: str) -> list[date]:
    return [day_of(e["occurred_at"]) for e in history if e["event_type"] == event_type]


@dataclass
class Stage:
    """One rehearsal platform the five programmes are played on in turn, and what each play left: its run
    and the story it told; and the checkpoints signed after each (as an auditor keeps them)."""

    platform: Platform
    log: Settings
    played: dict[str, tuple[Run, list[str]]] = field(default_factory=dict)
    kept: list[checkpoints.Checkpoint] = field(default_factory=list)

    async def play(self, programme: str) -> tuple[Run, list[str]]:
        lines: list[str] = []
        run = await play(self.platform.urls, People(SIGNER), programme, progress=lines.append)
        self.played[programme] = (run, lines)
        return run, lines


@pytest.fixture(scope="module")
async def stage(
    servers: Servers, public_key: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Stage]:
    """The platform of tests/e2e/conftest.py `platform`, started once for the module."""
    data_dir, namespace = tmp_path_factory.mktemp("demos"), f"t{uuid.uuid4().hex[:10]}"
    log = Settings(
        kafka_bootstrap_servers=servers.kafka_bootstrap, kafka_profile=servers.profile, namespace=namespace
    )
    with (
        pytest.MonkeyPatch.context() as patched,
        platform_in(data_dir, servers, namespace, public_key) as platform,
    ):
        patched.setenv("JIP_DATA_DIR", str(data_dir))
        await platform.start()
        yield Stage(platform, log)


@pytest.mark.parametrize("programme", list(scenarios()))
async def test_the_demo_plays_each_programme_in_date_order_to_its_published_document(
    stage: Stage, programme: str
) -> None:
    platform, log = stage.platform, stage.log
    run, lines = await stage.play(programme)
    p = catalogue()[programme]

    async with httpx.AsyncClient(timeout=30, headers=auditor()) as http:
        inspection = (await http.get(f"{platform.urls['scheduling']}/inspections/{run.inspection_id}")).json()
        evidence = (
            await http.get(f"{platform.urls['evidence']}/inspections/{run.inspection_id}/evidence")
        ).json()
        report_url = f"{platform.urls['reporting']}/inspections/{run.inspection_id}/report"
        report = await http.get(report_url)
        lifecycle = (await http.get(f"{report_url}/lifecycle")).json()

    # The published document, titled as the programme is, and what the demo printed of it.
    assert report.headers["x-report-status"] == "published", report.headers
    assert lifecycle["status"] == "published"
    [title] = [line for line in report.text.splitlines() if line.startswith("# ")]
    assert title.startswith(f"# {p.title}"), title  # a JTAI's adds what it looks at (001 Proposal one)
    assert title.endswith(f" in {run.area}"), title
    assert report.text.startswith("> **REHEARSAL — not a real inspection")  # a rehearsal platform's document
    assert report.text == run.document
    assert sorted(x["inspectorate"] for x in lifecycle["published"]) == sorted(inspection["inspectorates"])

    # The dates, as the services recorded them.
    starts, ends = (
        date.fromisoformat(inspection["fieldwork_starts"]),
        date.fromisoformat(inspection["fieldwork_ends"]),
    )
    assert (starts.weekday(), ends.weekday()) == (0, 4)  # Monday to Friday (001 Proposal two)
    told = sorted(day_of(n["notified_at"]) for n in inspection["notifications"])
    assert told, "the area was told of the inspection"
    if p.notice.announced:  # on the notice date, neither earlier nor later (001 Proposal two)
        assert told[0] == told[-1] == date.fromisoformat(inspection["notice_date"]) < starts
    else:  # unannounced: on arrival, the first day of fieldwork (002 §34)
        assert told[0] == told[-1] == starts
    recorded = sorted(day_of(item["recorded_at"]) for item in evidence)
    assert len(recorded) == len(scenarios()[programme].evidence)
    history = lifecycle["history"]
    [drafted] = recorded_on(history, "reporting.ReportDrafted")
    [sent] = recorded_on(history, "reporting.ReportSentForFactualAccuracy")
    [final] = recorded_on(history, "reporting.ReportFinalised")
    published = recorded_on(history, "reporting.ReportPublished")
    assert (
        told[-1]
        <= starts
        <= recorded[0]
        <= recorded[-1]
        <= ends
        <= drafted
        <= sent
        <= final
        <= min(published)
    )
    assert ends < drafted  # after the last day and its feedback meeting (001 Proposal three)

    # The story the demo told reads in date order, from scheduling to publication.
    dated = [datetime.strptime(m.group(1), "%a %d %b %Y %H:%M") for m in map(STEP.match, lines) if m]
    assert len(dated) >= 10
    assert dated == sorted(dated)
    assert dated[-1].date() == min(published)  # the last step: publication

    # The log the demos so far wrote, read by an auditor from its start, verifies: nothing in it was
    # touched, so `jip audit verify` must say so (issue 21, point 1).
    verified = await verify(log, lambda _: None)
    assert verified.ok, [str(problem) for problem in verified.problems]
    assert verified.events >= len(history)
    # A checkpoint of it signed and published, and the log then proven against the copy an auditor keeps.
    key = Ed25519PrivateKey.generate()
    taken, _ = await checkpoints.take(log, key, f"report published: {run.inspection_id}", lambda _: None)
    [kept], _ = await checkpoints.published(log, key.public_key())  # those signed by others refused
    assert taken == kept
    stage.kept.append(kept)
    assert any(h.stream_id == f"report-{run.inspection_id}" for h in kept.streams)
    verifier = Verifier()
    checkpoints.expect(verifier, [kept])
    against = await verify(log, lambda _: None, verifier)
    checkpoints.against(verifier, [kept])
    assert against.ok, [str(problem) for problem in against.problems]

    # The inspection's export holds exactly what audit/inspection.py says, found here by a plain read of
    # the topics: the events naming the inspection, and its area's board register (issue 21, point 5).
    exported = await envelopes_of(log, run.inspection_id, lambda _: None)
    on_the_topics = [
        json.loads(record.value)
        for context in CONTEXTS
        for record in await read_topic(log.kafka_bootstrap_servers, log.events_topic(context))
    ]
    area = next(
        e["payload"]["area_code"]
        for e in on_the_topics
        if e["event_type"] == "scheduling.InspectionScheduled" and e["inspection_id"] == run.inspection_id
    )
    about = {
        e["event_id"]: e
        for e in on_the_topics
        if e["inspection_id"] == run.inspection_id or e["stream_id"] == f"lscb-board-{area}"
    }
    assert sorted(raw["event_id"] for raw, _ in exported) == sorted(about)
    assert all(raw == about[raw["event_id"]] for raw, _ in exported)  # as published
    assert {e.stream_id for _, e in exported} >= {
        f"inspection-{run.inspection_id}",
        f"report-{run.inspection_id}",
    }


async def test_a_platform_that_has_played_every_programmes_demo_verifies_green(stage: Stage) -> None:
    """After the five (played here if they were not: run alone, this test plays them all), the whole log
    verifies with no problem and no note, and holds unchanged everything each checkpoint on the way
    covered."""
    for programme in scenarios():
        if programme not in stage.played:
            await stage.play(programme)
    verified = await verify(stage.log, lambda _: None)
    assert verified.ok, [str(problem) for problem in verified.problems]
    assert verified.notes == []

    verifier = Verifier()
    checkpoints.expect(verifier, stage.kept)
    against = await verify(stage.log, lambda _: None, verifier)
    checkpoints.against(verifier, stage.kept)
    assert against.ok, [str(problem) for problem in against.problems]
    assert against.notes == []
    assert (against.events, against.streams) == (verified.events, verified.streams)
    # The log read holds every programme's inspection to its report.
    reports = {f"report-{run.inspection_id}" for run, _ in stage.played.values()}
    assert len(reports) == len(scenarios())
    assert reports <= set(verifier.links)


async def test_the_demo_stops_on_a_production_platform_whose_clock_cannot_move(platform: Platform) -> None:
    """A production platform's clock is the real time (JIP_ENVIRONMENT=production): before it schedules
    anything, the demo says to play it on a rehearsal platform, and moves nothing."""
    await platform.start("scheduling", JIP_ENVIRONMENT="production")
    async with httpx.AsyncClient(base_url=platform.urls["scheduling"], headers=auditor()) as http:
        clock = RehearsalClock(http, platform.urls["scheduling"], People(SIGNER).lead)
        with pytest.raises(StackError, match=r"`jip stack up --rehearsal`"):
            await clock.rehearsal()
        after = (await http.get("/clock")).json()
        assert (after["environment"], after["set_to"]) == ("production", None)
        assert (await http.get("/inspections")).json() == []  # nothing scheduled
