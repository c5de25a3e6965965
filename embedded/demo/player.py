"""A whole inspection of any programme, played through the five running services over HTTP on a rehearsal
platform's clock, from scheduling to the published document.

The steps are the same for every programme; what differs (notice or none, the weeks each inspectorate is
on site, graded or narrative judgements, the LSCB, who receives the draft, the action plan) comes from the
programme's file, and what is said from its scenario (scenarios.toml). Each step moves the clock to its
day, so notice, fieldwork, feedback and publication happen in their order and on their dates, and the
story is printed step by step, each dated by the clock."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

import httpx

from embedded.demo import fieldwork, judging, publishing
from embedded.demo.inspection import Play, Run
from embedded.demo.platform import People, Platform
from embedded.demo.scenario import scenario
from embedded.demo.story import Progress, RehearsalClock, Story
from shared.language.programmes import catalogue

JTAI = "jtai-2015"
Step = Callable[[Play], Awaitable[None]]
# Everything a report is made of: notice, fieldwork, findings, judgements and the board's evaluation.
BEFORE_THE_REPORT: tuple[Step, ...] = (
    fieldwork.give_notice,
    fieldwork.choose_sample,
    fieldwork.begin_fieldwork,
    fieldwork.record_evidence,
    fieldwork.share_enquiries,
    fieldwork.close_evidence,
    judging.record_findings,
    judging.make_judgements,
    judging.evaluate_board,
)
# The report's lifecycle, from its draft to its publication and the action plan.
THE_REPORT: tuple[Step, ...] = (
    publishing.draft,
    publishing.send,
    publishing.respond,
    publishing.finalise,
    publishing.publish,
)


async def scheduled(
    http: httpx.AsyncClient,
    urls: Mapping[str, str],
    people: People,
    programme: str = JTAI,
    progress: Progress = print,
) -> Play:
    """An inspection of `programme` scheduled in its scenario's area, ready for the steps to play it. Needs a
    rehearsal platform (`jip stack up --rehearsal`): the steps move its clock forward."""
    p, s = catalogue()[programme], scenario(programme)
    clock = RehearsalClock(http, urls["scheduling"], people.lead_inspector(p.participation.lead_inspectorate))
    today = (await clock.rehearsal()).today
    progress(f"{p.title} ({p.id}) in {s.place.name}, on a rehearsal platform's clock")
    inspection = Play(p, s, Platform(http, urls, people), Story(clock, progress), Run(p.id))
    await fieldwork.schedule(inspection, today)
    return inspection


async def play(
    urls: Mapping[str, str], people: People, programme: str = JTAI, progress: Progress = print
) -> Run:
    """Play a whole inspection of `programme` in its scenario's area; the run, with the published document.
    Needs a rehearsal platform (`jip stack up --rehearsal`): the clock is moved forward step by step."""
    async with httpx.AsyncClient(timeout=30, headers=people.auditor) as http:
        await Platform(http, urls, people).answering()
        inspection = await scheduled(http, urls, people, programme, progress)
        for step in (*BEFORE_THE_REPORT, *THE_REPORT):
            await step(inspection)
    return inspection.run


async def play_jtai(urls: Mapping[str, str], people: People, progress: Progress = print) -> Run:
    """The joint targeted area inspection of Wakefield (001): `play` with jtai-2015."""
    return await play(urls, people, JTAI, progress)


async def run_demo(urls: Mapping[str, str], people: People, programmes: list[str]) -> int:
    """`jip demo`: play each programme in turn, printing its story and then its published document."""
    for n, programme in enumerate(programmes):
        if n:
            print()
        run = await play(urls, people, programme)
        url = f"{urls['reporting']}/inspections/{run.inspection_id}/report"
        kind = catalogue()[programme].report.kind.replace("_", " ")
        print(f"\n--- the published {kind}: GET {url} ---\n")
        print(run.document)
    return 0
