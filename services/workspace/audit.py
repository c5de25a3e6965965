"""Journey 7, the auditor: any inspection's timeline and its export, the inspection as it stood at a chosen
time, and the verification of the whole log.

For these pages the workspace reads the event log itself, as `jip audit` does (the `audit` package, shared
with it): the events topics from their start, where `app.state.platform` says they are (JIP_KAFKA_*,
JIP_NAMESPACE). It never reads a database and never writes an event. Since no service answers these pages,
the workspace decides who sees them: an auditor only; anyone else gets "You cannot see this".

- `/audit`: the inspections (scheduling's list, as the auditor reads it), or one opened by its reference,
  and the verification of the log;
- `/audit/inspections/{id}`: the timeline (when, event, who, stream and version, what), the export as JSON
  lines (`…/export.jsonl`, the envelopes exactly as published), and the inspection as at a date and time in
  England's time: its summary, evidence, judgements, the LSCB evaluation, the report's status and its text
  then;
- `/audit/verify`: a POST starts a verification in the background (one at a time in this process: a second
  POST while one runs shows it); a GET shows the records read so far, then the result.

Each page reads the whole log from its start (and waits a second to know it has reached the end), so an
inspection's page takes a few seconds on a large log: fine for now. An index of the log by inspection is
not built."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from audit import LogUnreachable, NotYet
from audit.inspection import Published, as_of, entries, envelopes_of, jsonl
from audit.log import Verification, Verifier, verify
from shared.language.programmes import catalogue
from shared.mechanics.clock import ENGLAND
from shared.mechanics.settings import Settings

from .client import Refusal, Unavailable
from .document import reduced
from .web import REFERENCE, Again, Page, Problem, SignedIn, moment, sentence
from .words import REPORT_STATUS, agency_name, named, recipient

log = logging.getLogger(__name__)
router = APIRouter()
TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
SHOWN_PROBLEMS = 1000  # more are counted, not listed: `jip audit verify --json` lists every one
FIELDS = ("at-day", "at-month", "at-year", "at-time")


async def auditor(page: SignedIn) -> Page:
    """The auditor's pages are for auditors only: the workspace reads the log for them, so it decides."""
    if page.session.role != "auditor":
        raise Refusal(
            "workspace",
            403,
            "forbidden",
            "only an auditor reads the event log in the workspace: the inspections' own pages show what "
            "your role may read",
        )
    return page


Auditor = Annotated[Page, Depends(auditor)]


async def unreachable(page: Page, why: LogUnreachable) -> Response:
    log.warning("the auditor's page could not read the log: %s", why)
    detail = (
        "The event log cannot be read just now: the platform's message broker did not answer. Nothing is "
        "wrong with the log itself. Try again in a few minutes."
    )
    return await page.render(
        "error.html", Again(status=503), title="Sorry, there is a problem with the service", detail=detail
    )


async def not_in_the_log(page: Page, inspection_id: str) -> Response:
    detail = (
        f"No event of an inspection with the reference {inspection_id} is in the event log. Check the "
        "reference: it is the inspection's id, for example 35d6bbd8-1f0e-4c39-9d8a-0c5a2f3b7e21."
    )
    return await page.render(
        "error.html", Again(status=404), title="There is no such inspection in the log", detail=detail
    )


def platform(request: Request) -> Settings:
    settings: Settings = request.app.state.platform
    return settings


async def history(page: Page, inspection_id: str) -> list[Published]:
    """The inspection's events from the log, as published; none for a reference that cannot be one."""
    if not REFERENCE.match(inspection_id):
        return []
    return await envelopes_of(platform(page.request), inspection_id, lambda _: None)


# --- the start page ------------------------------------------------------------------------------------


@router.get("/audit")
async def start(page: Auditor, inspection: str | None = None) -> Response:
    again = Again()
    if inspection is not None:
        if REFERENCE.match(inspection.strip()):
            return page.redirect(f"/audit/inspections/{inspection.strip()}")
        problem = Problem("Enter the inspection reference, for example 35d6bbd8-…", "#inspection")
        again = Again([problem], 422, {"inspection": inspection})
    try:
        listed, programmes = await asyncio.gather(page.client.inspections(), page.client.programmes())
        titles: dict[str, str] | None = {p.id: p.title for p in programmes}
    except (Refusal, Unavailable) as exc:  # the log is still there: open an inspection by its reference
        log.warning("the auditor's start page could not list the inspections: %s", exc)
        listed, titles = [], None
    return await page.render(
        "audit.html", again, inspections=listed, programmes=titles, run=current(page.request)
    )


# --- an inspection: timeline, export, as at ------------------------------------------------------------


def _moment(values: dict[str, str]) -> tuple[datetime | None, Problem | None]:
    """The date and time asked for, in England's time; or what is wrong with them."""
    day, month, year = (values[f"at-{p}"].strip() for p in ("day", "month", "year"))
    if not (day and month and year):
        return None, Problem("Enter the date, as a day, month and year", "#at-day")
    hours, minutes, seconds = 23, 59, 59  # no time given: the end of the day
    typed = values["at-time"].strip()
    if typed:
        found = TIME.match(typed)
        if not found or int(found[1]) > 23 or int(found[2]) > 59:
            return None, Problem("Enter the time on the 24-hour clock, for example 14:30", "#at-time")
        hours, minutes, seconds = int(found[1]), int(found[2]), 0
    try:
        return datetime(int(year), int(month), int(day), hours, minutes, seconds, tzinfo=ENGLAND), None
    except ValueError:
        return None, Problem("The date must be a real date", "#at-day")


def _words(value: str) -> str:
    """ "area_for_improvement" -> "Area for improvement"."""
    return sentence(value.replace("_", " "))


def _told(notified: str) -> str:
    """ "agency_senior_leader (police)", as `as_of` says it, in words."""
    whom, _, agency = notified.partition(" (")
    return recipient(whom, agency.rstrip(")") or None)


def _view(state: dict[str, Any]) -> dict[str, Any]:
    """`as_of`'s answer in the page's words: names for ids, the report's HTML made safe for the page."""
    programme = catalogue().get(state["programme"])
    areas = {a.id: a.title for a in programme.judgement_areas} if programme else {}
    report = state["report"]
    return {
        "programme": programme.title if programme else state["programme"],
        "local_area": state["local_area"],
        "fieldwork": [datetime.fromisoformat(d).date() for d in state["fieldwork"]],
        "cancelled": state["cancelled"],
        "inspectorates": named(state["inspectorates"]),
        "notified": [_told(n) for n in state["notified"]],
        "evidence": state["evidence"],
        "shows": "; ".join(
            f"{_words(bearing)}: {count}" for bearing, count in state["evidence"]["by_bearing"].items()
        ),
        "judgements": [
            (
                f"{sentence(agency_name(j['agency']))}: {areas.get(j['area'], j['area'])}",
                _words(j["status"])
                + (f"; grade: {_words(j['grade']).lower()}" if j["grade"] else "")
                + (f"; {j['flags']} flagged for review" if j["flags"] else ""),
            )
            for j in state["judgements"]
        ],
        "lscb": {
            **state["lscb"],
            "signed_off": named(state["lscb"]["signed_off"]),
            "disputes": named(state["lscb"]["disputes"]),
        },
        "report_status": REPORT_STATUS.get(report["status"], report["status"]),
        "draft": report["draft"],
        "document": reduced(report["text"]),
    }


@router.get("/audit/inspections/{inspection_id}")
async def inspection(page: Auditor, inspection_id: str) -> Response:
    params = page.request.query_params
    values = {f: params.get(f, "") for f in FIELDS}
    try:
        found = await history(page, inspection_id)
    except LogUnreachable as why:
        return await unreachable(page, why)
    if not found:
        return await not_in_the_log(page, inspection_id)
    envelopes = [e for _, e in found]
    scheduled = next((e for e in envelopes if e.event_type == "scheduling.InspectionScheduled"), None)
    state, problems = None, []
    if any(f in params for f in FIELDS):
        at, problem = _moment(values)
        if problem or at is None:
            problems = [problem or Problem("Enter the date", "#at-day")]
        else:
            try:
                state = {"at": at, **_view(as_of(envelopes, at, "html"))}
            except NotYet:
                since = f": it was scheduled on {moment(scheduled.occurred_at)}" if scheduled else ""
                text = f"The inspection did not exist yet on {moment(at)}{since}"
                problems = [Problem(text, "#at-day")]
    programme = catalogue().get(str(scheduled.payload.get("programme"))) if scheduled else None
    return await page.render(
        "audit_inspection.html",
        Again(problems, 422 if problems else 200, values),
        inspection_id=inspection_id,
        local_area=scheduled.payload.get("local_area") if scheduled else None,
        programme=programme.title if programme else None,
        entries=entries(envelopes),
        state=state,
    )


@router.get("/audit/inspections/{inspection_id}/export.jsonl")
async def export(page: Auditor, inspection_id: str) -> Response:
    """The export, as `jip audit export` writes it: one envelope a line, exactly as published."""
    try:
        found = await history(page, inspection_id)
    except LogUnreachable as why:
        return await unreachable(page, why)
    if not found:
        return await not_in_the_log(page, inspection_id)
    disposition = f'attachment; filename="inspection-{inspection_id}.jsonl"'
    return page.respond(
        Response(
            jsonl(found).encode(),
            media_type="application/jsonl",
            headers={"Content-Disposition": disposition},
        )
    )


# --- verifying the log ---------------------------------------------------------------------------------


@dataclass
class Run:
    """One verification of the log in this process: who started it, its counts as it goes, its end."""

    by: str
    started: float = field(default_factory=time.monotonic)
    verifier: Verifier = field(default_factory=Verifier)
    result: Verification | None = None
    failure: str | None = None
    task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self.result is None and self.failure is None

    @property
    def seconds(self) -> int:
        return int(time.monotonic() - self.started)

    @property
    def shown(self) -> list[Any]:
        return self.result.problems[:SHOWN_PROBLEMS] if self.result else []

    async def go(self, settings: Settings) -> None:
        try:
            self.result = await verify(settings, lambda _: None, self.verifier)
        except LogUnreachable as why:
            log.warning("the verification could not read the log: %s", why)
            self.failure = "the event log could not be read: the platform's message broker did not answer"
        except Exception:
            log.exception("the verification failed")
            self.failure = "the verification stopped on an error of the workspace: see its log"


def current(request: Request) -> Run | None:
    run: Run | None = getattr(request.app.state, "verification", None)
    return run


@router.post("/audit/verify")
async def start_verifying(page: Auditor) -> Response:
    await page.form()
    run = current(page.request)
    if run is None or not run.running:  # one at a time: a second click shows the one running
        run = Run(by=page.session.user or "")
        run.task = asyncio.create_task(run.go(platform(page.request)))
        page.request.app.state.verification = run
    return page.redirect("/audit/verify")


@router.get("/audit/verify")
async def verification(page: Auditor) -> Response:
    return await page.render("audit_verify.html", run=current(page.request), most=SHOWN_PROBLEMS)
