"""Journey 2, lines of enquiry: every line of the inspection, raised by any inspectorate about an agency or
a case; raising one; answering one with the evidence items that answer it; closing one with its conclusion
(who raised it, or the lead inspectorate). Both pages update themselves when another inspectorate raises,
answers or closes a line (live.py); without JavaScript, when they are opened again."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from .client import Refusal
from .evidence import BEARINGS, listed, offer_for
from .evidence_models import EvidenceItem, Line
from .live import now_ms, seen_of
from .web import FIRST, Again, Page, Problem, SignedIn

router = APIRouter()

DONE = {
    "raised": "The line of enquiry is raised: every inspectorate sees it.",
    "answered": "Your answer is recorded.",
    "closed": "The line of enquiry is closed.",
}


def raise_body(values: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """A new line as the evidence service asks for it; what is missing, beside its field."""
    problems = []
    if not values.get("agency"):
        problems.append(Problem("Choose the agency the line is about", "#agency"))
    question = str(values.get("question", "")).strip()
    if not question:
        problems.append(Problem("Enter the question to pursue", "#question"))
    body: dict[str, Any] = {"agency": values.get("agency", ""), "question": question}
    if values.get("case_reference"):
        body["case_reference"] = str(values["case_reference"])
    if criteria := listed(values.get("criteria")):
        body["criteria"] = criteria
    return body, problems


def citable(items: list[EvidenceItem], line: Line) -> dict[str, str]:
    """The standing items an answer may cite, those about the line's agency (and its case) first."""

    def first(item: EvidenceItem) -> tuple[bool, bool]:
        return item.agency != line.agency, item.case_reference != line.case_reference

    return {
        i.evidence_item_id: f"{BEARINGS.get(i.bearing, i.bearing)} ({i.inspectorate}"
        + (f", case {i.case_reference}" if i.case_reference else "")
        + f"): {i.summary[:100]}"
        for i in sorted((i for i in items if not i.withdrawn), key=first)
    }


async def lines_page(page: Page, inspection_id: str, again: Again = FIRST) -> Response:
    rendered = now_ms()  # before the lines are read: a change after it reaches the page live
    (known, _, offer), lines = await asyncio.gather(
        offer_for(page, inspection_id), page.client.lines(inspection_id)
    )
    return await page.render(
        "lines.html",
        again,
        known=known,
        offer=offer,
        lines=lines,
        rendered=rendered,
        seen=seen_of(lines),
        success=DONE.get(page.request.query_params.get("done") or ""),
    )


@router.get("/inspections/{inspection_id}/lines-of-enquiry")
async def lines(page: SignedIn, inspection_id: str) -> Response:
    return await lines_page(page, inspection_id)


@router.post("/inspections/{inspection_id}/lines-of-enquiry")
async def raise_line(page: SignedIn, inspection_id: str) -> Response:
    values = await page.form()
    body, problems = raise_body(values)
    if problems:
        return await lines_page(page, inspection_id, Again(problems, 422, values))
    try:
        raised = await page.client.line_step(inspection_id, "", body)
    except Refusal as refused:
        return await lines_page(page, inspection_id, Again.refused(refused, values))
    return page.redirect(f"/inspections/{inspection_id}/lines-of-enquiry/{raised.line_id}?done=raised")


async def line_page(page: Page, inspection_id: str, line_id: str, again: Again = FIRST) -> Response:
    rendered = now_ms()
    (known, _, offer), line, items, lines = await asyncio.gather(
        offer_for(page, inspection_id),
        page.client.line(inspection_id, line_id),
        page.client.evidence_items(inspection_id),
        page.client.lines(inspection_id),  # what the page knew, for its live updates (live.py)
    )
    lead = offer.programme.participation.lead_inspectorate.value
    mine = page.session.inspectorate
    return await page.render(
        "line.html",
        again,
        known=known,
        offer=offer,
        line=line,
        items={i.evidence_item_id: i for i in items},
        item_options=citable(items, line),
        may_answer=line.status == "open" and mine in known.inspectorates,
        may_close=line.status == "open" and mine in (line.raised_by, lead),
        rendered=rendered,
        seen=seen_of(lines),
        success=DONE.get(page.request.query_params.get("done") or ""),
    )


@router.get("/inspections/{inspection_id}/lines-of-enquiry/{line_id}")
async def line(page: SignedIn, inspection_id: str, line_id: str) -> Response:
    return await line_page(page, inspection_id, line_id)


@router.post("/inspections/{inspection_id}/lines-of-enquiry/{line_id}/answers")
async def answer(page: SignedIn, inspection_id: str, line_id: str) -> Response:
    values = await page.form()
    cited, words = listed(values.get("evidence_item_ids")), str(values.get("answer", "")).strip()
    problems = []
    if not cited:
        problems.append(Problem("Choose the evidence items that answer it", "#evidence_item_ids"))
    if not words:
        problems.append(Problem("Enter your answer", "#answer"))
    if problems:
        return await line_page(page, inspection_id, line_id, Again(problems, 422, values))
    body = {"evidence_item_ids": cited, "answer": words}
    try:
        await page.client.line_step(inspection_id, f"{line_id}/answers", body)
    except Refusal as refused:
        return await line_page(page, inspection_id, line_id, Again.refused(refused, values, "#answer"))
    return page.redirect(f"/inspections/{inspection_id}/lines-of-enquiry/{line_id}?done=answered")


@router.post("/inspections/{inspection_id}/lines-of-enquiry/{line_id}/closure")
async def close(page: SignedIn, inspection_id: str, line_id: str) -> Response:
    values = await page.form()
    conclusion = str(values.get("conclusion", "")).strip()
    if not conclusion:
        problems = [Problem("Enter the conclusion", "#conclusion")]
        return await line_page(page, inspection_id, line_id, Again(problems, 422, values))
    try:
        await page.client.line_step(inspection_id, f"{line_id}/closure", {"conclusion": conclusion})
    except Refusal as refused:
        return await line_page(page, inspection_id, line_id, Again.refused(refused, values, "#conclusion"))
    return page.redirect(f"/inspections/{inspection_id}/lines-of-enquiry/{line_id}?done=closed")
