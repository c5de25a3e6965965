"""Journey 5, the evaluation of the Local Safeguarding Children Board: the inspectorates' contributions
(against the board's criteria where the programme has them, 004 §115 a-l in Integrated 2014), the shared
judgement proposed by the lead inspectorate (a grade on the programme's scale, or a narrative), signed off or
disputed by each inspectorate taking part, a dispute resolved, and the signed-off proposal made final by the
lead inspectorate. The lscb service decides every step; this page offers only what the user may take."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from .client import Refusal
from .judging_models import BoardEvaluation
from .web import FIRST, Again, Page, Problem, SignedIn, ticked, typed
from .words import AGENCIES, inspectorate_name

router = APIRouter()

BEARINGS = {
    "strength": "A strength",
    "weakness": "A weakness",
    "area_for_improvement": "An area for improvement",
}
DONE = {
    "contributed": "Your contribution is recorded.",
    "proposed": "The evaluation is proposed: every inspectorate signs it off afresh.",
    "signed-off": "Your inspectorate signs the evaluation off.",
    "disputed": "Your inspectorate's dispute is recorded: the evaluation cannot be made final until it is "
    "resolved.",
    "resolved": "Your inspectorate's dispute is withdrawn.",
    "final": "The evaluation of the board is final.",
}
STEPS = {  # the form's step -> (the lscb service's path and method, what is done)
    "contributions": ("/contributions", "POST", "contributed"),
    "proposal": ("/proposal", "PUT", "proposed"),
    "sign-off": ("/sign-off", "POST", "signed-off"),
    "disputes": ("/disputes", "POST", "disputed"),
    "resolution": ("/disputes/resolution", "POST", "resolved"),
    "final": ("/final", "POST", "final"),
}


def words(value: str | None) -> str:
    """A grade or bearing id in words: "requires_improvement" -> "Requires improvement"."""
    text = (value or "").replace("_", " ")
    return text[:1].upper() + text[1:]


def may(view: BoardEvaluation, role: str | None, inspectorate: str | None, lead: str) -> set[str]:
    """The steps this user may take now: the lscb service decides, this only offers."""
    if view.final is not None or inspectorate is None:
        return set()
    steps: set[str] = set()
    if role in ("lead_inspector", "inspector"):
        steps.add("contributions")
    if role != "lead_inspector":
        return steps
    disputing = {d.inspectorate for d in view.disputes}
    if inspectorate == lead:
        steps.add("proposal")
        if view.proposal is not None and not view.awaiting and not view.disputes:
            steps.add("final")
    if view.proposal is not None and inspectorate in view.awaiting and inspectorate not in disputing:
        steps |= {"sign-off", "disputes"}
    if inspectorate in disputing:
        steps.add("resolution")
    return steps


def contribution(values: dict[str, Any], view: BoardEvaluation) -> tuple[dict[str, Any], list[Problem]]:
    """The contribution as typed, and what is missing from it."""
    problems = []
    criterion = typed(values, "c-criterion")
    if view.criteria and criterion not in {c.criterion for c in view.criteria}:
        problems.append(Problem("Choose the criterion the finding is against", "#c-criterion"))
    if typed(values, "c-bearing") not in BEARINGS:
        problems.append(Problem("Choose what the finding shows", "#c-bearing"))
    if typed(values, "c-attributed_to") not in AGENCIES:
        problems.append(Problem("Choose where in the partnership it lies", "#c-attributed_to"))
    if not typed(values, "c-text"):
        problems.append(Problem("Enter the finding", "#c-text"))
    if not ticked(values, "c-evidence"):
        problems.append(Problem("Choose the evidence the finding cites", "#c-evidence"))
    body = {
        "criterion": criterion or None,
        "bearing": typed(values, "c-bearing"),
        "attributed_to": typed(values, "c-attributed_to"),
        "text": typed(values, "c-text"),
        "evidence_item_ids": ticked(values, "c-evidence"),
    }
    return body, problems


def proposal(values: dict[str, Any], view: BoardEvaluation) -> tuple[dict[str, Any], list[Problem]]:
    """The proposed judgement as typed, and what is missing from it."""
    problems = []
    grade = typed(values, "p-grade")
    if view.scale and grade not in view.scale:
        problems.append(Problem("Choose the grade proposed", "#p-grade"))
    if not typed(values, "p-text"):
        problems.append(Problem("Enter the evaluation of the board", "#p-text"))
    if not ticked(values, "p-evidence"):
        problems.append(Problem("Choose the evidence the evaluation cites", "#p-evidence"))
    body = {
        "grade": grade if view.scale else None,
        "text": typed(values, "p-text"),
        "evidence_item_ids": ticked(values, "p-evidence"),
    }
    return body, problems


def evidence_items(view: BoardEvaluation, chosen: Any) -> list[dict[str, Any]]:
    """The board's evidence as checkbox items: its summary, whose it is and what it shows; the chosen
    ones checked."""
    picked = {chosen} if isinstance(chosen, str) else set(chosen or [])
    return [
        {
            "value": e.evidence_item_id,
            "text": e.summary,
            "hint": {
                "text": f"{e.evidence_item_id}: {words(e.bearing)}, about {AGENCIES.get(e.agency, e.agency)} "
                f"({inspectorate_name(e.inspectorate)})"
            },
            "checked": e.evidence_item_id in picked,
        }
        for e in view.evidence
    ]


async def evaluation_page(page: Page, inspection_id: str, again: Again = FIRST) -> Response:
    inspection, view = await asyncio.gather(
        page.client.inspection(inspection_id), page.client.board_evaluation(inspection_id)
    )
    programme = await page.client.programme(inspection.programme)
    lead = programme.participation.lead_inspectorate
    attributable = dict.fromkeys(["lscb", "partnership", *inspection.agencies])
    return await page.render(
        "evaluation.html",
        again,
        inspection=inspection,
        programme=programme,
        view=view,
        steps=may(view, page.session.role, page.session.inspectorate, lead),
        lead=lead,
        bearings=BEARINGS,
        grades={g: words(g) for g in view.scale},
        agencies={a: words(AGENCIES.get(a, a)) for a in attributable},
        criteria={c.criterion: f"{c.criterion}: {c.text}" for c in view.criteria},
        proposal_evidence=evidence_items(
            view, again.values.get("p-evidence", view.proposal.evidence_item_ids if view.proposal else [])
        ),
        contribution_evidence=evidence_items(view, again.values.get("c-evidence", [])),
        words=words,
        success=DONE.get(page.request.query_params.get("done") or ""),
    )


@router.get("/inspections/{inspection_id}/evaluation")
async def evaluation(page: SignedIn, inspection_id: str) -> Response:
    return await evaluation_page(page, inspection_id)


def _version(values: dict[str, Any]) -> int | None:
    raw = str(values.get("version", ""))
    return int(raw) if raw.isdigit() else None


@router.post("/inspections/{inspection_id}/evaluation/{step}")
async def take_step(page: SignedIn, inspection_id: str, step: str) -> Response:
    values = await page.form()
    if step not in STEPS:
        problems = [Problem("There is no such step")]
        return await evaluation_page(page, inspection_id, Again(problems, 404, values))
    path, method, done = STEPS[step]
    body: Any = None
    href = "#evaluation-steps"
    if step in ("contributions", "proposal"):
        view = await page.client.board_evaluation(inspection_id)
        body, problems = (contribution if step == "contributions" else proposal)(values, view)
        if problems:
            return await evaluation_page(page, inspection_id, Again(problems, 422, values))
        href = "#c-text" if step == "contributions" else "#p-text"
    elif step in ("disputes", "resolution"):
        field = "reasons" if step == "disputes" else "resolution"
        if not typed(values, field):
            what = "why your inspectorate does not agree" if step == "disputes" else "how it was resolved"
            problem = Problem(f"Enter {what}", f"#{field}")
            return await evaluation_page(page, inspection_id, Again([problem], 422, values))
        body, href = {field: typed(values, field)}, f"#{field}"
    try:
        await page.client.evaluation_step(inspection_id, path, method, body, _version(values))
    except Refusal as refused:
        return await evaluation_page(page, inspection_id, Again.refused(refused, values, href))
    return page.redirect(f"/inspections/{inspection_id}/evaluation?done={done}")
