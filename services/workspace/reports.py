"""Journey 6, the report: the document as the reporting service renders it (its accessible HTML, reduced
to safe markup: document.py), its lifecycle as a task list, each step as a button for whoever may take it
(draft, quality-assure, agree, send, decide each point of the response, make final, publish), and the PDF.

The LSCB chair reads the draft sent to their area and submits the partnership's one factual-accuracy
response, point by point. The reporting service shows a chair only the draft as it was sent to them, and
refuses them anything before it is sent; its list of documents shows a chair exactly the reports of their
own area sent to the partnership, with where each stands, and `/reports` lists them (anyone else: the
reports of the inspections they take part in), keeping the inspection's reference as a way in besides."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from shared.language.programmes import catalogue

from .client import Refusal
from .document import reduced
from .inspections import reads_of
from .models import Lifecycle, ReportEntry
from .tasks import Reads, Status, task_list
from .web import FIRST, REFERENCE, Again, Page, Problem, SignedIn

router = APIRouter()

REPORT_STEPS = (
    "draft",
    "quality_assurance",
    "agreement",
    "sending",
    "factual_accuracy",
    "final",
    "publication",
)
BUTTONS = {  # step -> (the reporting service's path, the button's words)
    "draft": ("draft", "Draft the report"),
    "quality_assurance": ("quality-assurance", "Quality-assure the draft"),
    "agreement": ("agreement", "Agree the draft"),
    "sending": ("sending", "Send the draft for factual accuracy"),
    "final": ("final", "Make the report final"),
    "publication": ("publication", "Publish the report"),
}
DONE = {
    "draft": "The report is drafted.",
    "quality-assurance": "The draft is quality-assured.",
    "agreement": "Your inspectorate agrees the draft.",
    "sending": "The draft is sent for factual accuracy.",
    "final": "The report is final.",
    "publication": "Your inspectorate has published the report.",
    "decided": "The point is decided.",
    "responded": "Your factual-accuracy response is sent.",
}
MAX_POINTS = 20


def actions(reads: Reads, role: str | None, inspectorate: str | None) -> list[dict[str, str]]:
    """The steps this user may take now, each a button: the services decide, this only offers."""
    lead = reads.programme.participation.lead_inspectorate
    report = reads.report
    open_steps = {t.key for t in task_list(reads) if t.status in (Status.NEXT, Status.IN_PROGRESS)}
    offered = []
    for step in open_steps & set(BUTTONS):
        if step == "quality_assurance":
            may = role == "quality_assurer" and inspectorate == lead
        elif step == "agreement":
            may = (
                role == "lead_inspector" and report is not None and inspectorate in report.awaiting_agreement
            )
        elif step == "publication":
            published = {p.inspectorate for p in report.published} if report else set()
            may = role == "lead_inspector" and inspectorate not in published
        else:
            may = role == "lead_inspector" and inspectorate == lead
        if may:
            path, words = BUTTONS[step]
            offered.append({"step": step, "path": path, "words": words})
    return sorted(offered, key=lambda a: REPORT_STEPS.index(a["step"]))


async def _document(page: Page, inspection_id: str) -> str:
    return reduced((await page.client.report(inspection_id, "html")).text)


async def report_page(page: Page, inspection_id: str, again: Again = FIRST) -> Response:
    if page.session.role == "lscb_chair":
        return await chair_page(page, inspection_id, again)
    (reads, _), document = await asyncio.gather(
        reads_of(page.client, inspection_id), _document(page, inspection_id)
    )
    tasks = [t for t in task_list(reads) if t.key in REPORT_STEPS]
    report = reads.report
    lead = reads.programme.participation.lead_inspectorate
    deciding = (
        report is not None
        and report.response is not None
        and bool(report.undecided)
        and page.session.role == "lead_inspector"
        and page.session.inspectorate == lead
    )
    return await page.render(
        "report.html",
        again,
        inspection=reads.inspection,
        programme=reads.programme,
        report=report,
        tasks=tasks,
        actions=actions(reads, page.session.role, page.session.inspectorate),
        deciding=deciding,
        document=document,
        success=DONE.get(page.request.query_params.get("done") or ""),
    )


@router.get("/inspections/{inspection_id}/report")
async def report(page: SignedIn, inspection_id: str) -> Response:
    return await report_page(page, inspection_id)


@router.get("/inspections/{inspection_id}/report.pdf")
async def report_pdf(page: SignedIn, inspection_id: str) -> Response:
    answer = await page.client.report(inspection_id, "pdf")
    disposition = answer.headers.get("content-disposition", f'inline; filename="report-{inspection_id}.pdf"')
    return page.respond(
        Response(answer.content, media_type="application/pdf", headers={"Content-Disposition": disposition})
    )


def _version(values: dict[str, Any]) -> int | None:
    raw = str(values.get("version", ""))
    return int(raw) if raw.isdigit() else None


async def _step(
    page: Page, inspection_id: str, values: dict[str, Any], path: str, body: Any, done: str
) -> Response:
    try:
        await page.client.report_step(inspection_id, path, _version(values), body)
    except Refusal as refused:
        return await report_page(page, inspection_id, Again.refused(refused, values, "#report-steps"))
    return page.redirect(f"/inspections/{inspection_id}/report?done={done}")


@router.post("/inspections/{inspection_id}/report/decisions")
async def decide(page: SignedIn, inspection_id: str) -> Response:
    values = await page.form()
    problems = []
    if values.get("decision") not in ("accepted", "rejected"):
        problems.append(Problem("Choose whether the point is accepted or rejected", "#decision"))
    if len(str(values.get("reason", "")).strip()) < 3:
        problems.append(Problem("Enter what was corrected, or why the point is not accepted", "#reason"))
    if not str(values.get("point", "")).isdigit():
        problems.append(Problem("Choose the point to decide", "#decision"))
    if problems:
        return await report_page(page, inspection_id, Again(problems, 422, values))
    body = {
        "point": int(values["point"]),
        "decision": values["decision"],
        "reason": str(values["reason"]).strip(),
    }
    return await _step(page, inspection_id, values, "factual-accuracy-decisions", body, "decided")


# --- the LSCB chair --------------------------------------------------------------------------------------


async def reports_page(page: Page, again: Again = FIRST) -> Response:
    """The reports this user may read, each with its area, programme, fieldwork and where it stands; if
    the reporting service refuses the list, the reference box alone, and why."""
    entries: list[ReportEntry] | None
    try:
        entries = await page.client.reports()
        unlisted = None
    except Refusal as refused:
        entries, unlisted = None, refused.detail
    titles = {p.id: p.title for p in catalogue().values()}
    return await page.render(
        "reports.html",
        again,
        entries=entries,
        unlisted=unlisted,
        titles=titles,
        chair=page.session.role == "lscb_chair",
    )


@router.get("/reports")
async def reports(page: SignedIn, inspection: str | None = None) -> Response:
    """The chair's start: the reports sent to them, or one opened by the inspection's reference."""
    if inspection is not None:
        if REFERENCE.match(inspection.strip()):
            return page.redirect(f"/inspections/{inspection.strip()}/report")
        problems = [Problem("Enter the inspection reference given with the draft", "#inspection")]
        return await reports_page(page, Again(problems, 422, {"inspection": inspection}))
    return await reports_page(page)


def _count(values: dict[str, Any]) -> int:
    """How many point rows the form shows: three at first, one more for each "Add another point"."""
    raw = str(values.get("count", ""))
    return min(MAX_POINTS, max(3, int(raw))) if raw.isdigit() else 3


def _points(values: dict[str, Any], count: int) -> list[dict[str, Any]]:
    """The response's points as typed, numbered in order; a row with no text is left out."""
    points: list[dict[str, Any]] = []
    for n in range(1, count + 1):
        text = str(values.get(f"point-{n}-text", "")).strip()
        section = str(values.get(f"point-{n}-section", "")).strip()
        if text:
            points.append(
                {"point": len(points) + 1, "text": text, **({"section": section} if section else {})}
            )
    return points


async def chair_page(page: Page, inspection_id: str, again: Again = FIRST) -> Response:
    lifecycle, document = await asyncio.gather(
        page.client.read(Lifecycle, "reporting", f"/inspections/{inspection_id}/report/lifecycle"),
        _document(page, inspection_id),
    )
    count = _count(again.values)
    return await page.render(
        "chair.html",
        again,
        inspection_id=inspection_id,
        report=lifecycle,
        document=document,
        rows=list(range(1, count + 1)),
        count=count,
        success=DONE.get(page.request.query_params.get("done") or ""),
    )


@router.post("/inspections/{inspection_id}/report/response")
async def respond(page: SignedIn, inspection_id: str) -> Response:
    values = await page.form()
    count = _count(values)
    if values.get("action") == "add":  # another row, keeping what was typed (no script needed)
        more = {**values, "count": str(min(MAX_POINTS, count + 1))}
        return await chair_page(page, inspection_id, Again(values=more))
    points = _points(values, count)
    if not points:
        problem = Problem("Enter at least one point", "#point-1-text")
        return await chair_page(page, inspection_id, Again([problem], 422, values))
    try:
        await page.client.report_step(
            inspection_id, "factual-accuracy-response", _version(values), {"points": points}
        )
    except Refusal as refused:
        return await chair_page(page, inspection_id, Again.refused(refused, values, "#point-1-text"))
    return page.redirect(f"/inspections/{inspection_id}/report?done=responded")


# Last: the other POSTs under /report/ (decisions, response) are matched first.
@router.post("/inspections/{inspection_id}/report/{step}")
async def take_step(page: SignedIn, inspection_id: str, step: str) -> Response:
    values = await page.form()
    if step not in {path for path, _ in BUTTONS.values()}:
        return await report_page(page, inspection_id, Again([Problem("There is no such step")], 404, values))
    return await _step(page, inspection_id, values, step, None, step)
