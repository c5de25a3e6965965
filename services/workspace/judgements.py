"""Journey 4, judgements and findings: the judgement board of the inspection's programme (graded or in
narrative) as the judgement service reads it, with each judgement's derived grade and the limiting rule that
derives it (with its paragraph) and any flag for review; the findings, and recording one of a kind the
programme makes, citing evidence picked from the evidence profile; and one judgement's page, where it is
proposed citing evidence, moderated, quality-assured, returned or made final by whoever may, and a final
one revised by a lead inspector (a new grade or narrative, with the reason; it is then moderated again).
The judgement service decides every step; the pages offer only what the user's role may take."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from .client import Refusal
from .evidence_models import Triangulation
from .judging_models import Board, JudgementView
from .web import FIRST, Again, Page, Problem, SignedIn, ticked, typed
from .words import AGENCIES, inspectorate_name

router = APIRouter()

KINDS = {  # the programme's `recommendations` -> the finding kind
    "priority_action": "area_for_priority_action",
    "development": "area_for_development",
    "improvement": "area_for_improvement",
}
KIND_WORDS = {
    "key_strength": "Key strength",
    "area_for_priority_action": "Area for priority action",
    "area_for_development": "Area for development",
    "area_for_improvement": "Area for improvement",
}
STATUS_WORDS = {
    None: "Not proposed",
    "proposed": "Proposed",
    "moderated": "Moderated",
    "quality_assured": "Quality-assured",
    "final": "Final",
    "returned": "Returned",
}
STEPS = {  # step -> (button words, the statuses it is taken from, the roles offered it)
    "moderate": ("Moderate the judgement", ("proposed",), ("lead_inspector",)),
    "quality-assure": ("Quality-assure the judgement", ("moderated",), ("quality_assurer",)),
    "finalise": ("Make the judgement final", ("quality_assured",), ("lead_inspector",)),
}
DONE = {
    "recorded": "The finding is recorded.",
    "proposed": "The judgement is proposed.",
    "moderate": "The judgement is moderated.",
    "quality-assure": "The judgement is quality-assured.",
    "finalise": "The judgement is final.",
    "return": "The judgement is returned, to be proposed again.",
    "revised": "The judgement is revised. It is moderated again before it is final.",
}


def words(value: str | None) -> str:
    text = (value or "").replace("_", " ")
    return text[:1].upper() + text[1:]


def kinds(recommendations: list[str]) -> dict[str, str]:
    """The kinds of finding the programme makes: key strengths, and its kinds of recommendation."""
    offered = ["key_strength", *(KINDS[r] for r in recommendations if r in KINDS)]
    return {k: KIND_WORDS[k] for k in offered}


def evidence_items(profile: Triangulation, chosen: Any) -> list[dict[str, Any]]:
    """Every item of the evidence profile once, as a checkbox: what it shows, about whom, in which area,
    by whom, and whether it is corroborated; the chosen ones checked."""
    picked = {chosen} if isinstance(chosen, str) else set(chosen or [])
    seen: dict[str, dict[str, Any]] = {}
    for agency in profile.agencies:
        for area in agency.areas:
            for found in area.findings:
                by = ", ".join(inspectorate_name(i) for i in found.inspectorates)
                about = AGENCIES.get(agency.agency, agency.agency)
                corroborated = "corroborated" if found.corroborated else "not corroborated"
                for item in found.evidence_item_ids:
                    seen.setdefault(
                        item,
                        {
                            "value": item,
                            "text": item,
                            "hint": {
                                "text": f"{words(found.bearing)} about {about}"
                                f", {words(area.judgement_area).lower()} ({by}; {corroborated})"
                            },
                            "checked": item in picked,
                        },
                    )
    return list(seen.values())


def finding(values: dict[str, Any], offered: dict[str, str]) -> tuple[dict[str, Any], list[Problem]]:
    """The finding as typed, and what is missing from it."""
    problems = []
    if typed(values, "kind") not in offered:
        problems.append(Problem("Choose the kind of finding", "#kind"))
    if typed(values, "addressed_to") not in AGENCIES:
        problems.append(Problem("Choose whom the finding is addressed to", "#addressed_to"))
    if not typed(values, "text"):
        problems.append(Problem("Enter the finding", "#text"))
    if not ticked(values, "evidence"):
        problems.append(Problem("Choose the evidence the finding cites", "#evidence"))
    body = {
        "kind": typed(values, "kind"),
        "addressed_to": typed(values, "addressed_to"),
        "text": typed(values, "text"),
        "evidence_item_ids": ticked(values, "evidence"),
    }
    return body, problems


def proposal(values: dict[str, Any], scale: list[str]) -> tuple[dict[str, Any], list[Problem]]:
    """The judgement as proposed, and what is missing from it: a grade where it is graded."""
    problems = []
    grade = typed(values, "grade")
    if scale and grade not in scale:
        problems.append(Problem("Choose the grade", "#grade"))
    if not typed(values, "text"):
        problems.append(Problem("Enter the judgement", "#text"))
    if not ticked(values, "evidence"):
        problems.append(Problem("Choose the evidence the judgement cites", "#evidence"))
    body: dict[str, Any] = {
        "grade": grade if scale else None,
        "text": typed(values, "text"),
        "evidence_item_ids": ticked(values, "evidence"),
        "leaders_understand_failure": values.get("leaders_understand_failure") == "yes",
    }
    if typed(values, "rationale"):
        body["rationale"] = typed(values, "rationale")
    return body, problems


def offered(judgement: JudgementView, role: str | None) -> dict[str, str]:
    """The steps of moderation this user's role may take on the judgement now: path -> button words."""
    steps = {
        path: button
        for path, (button, before, roles) in STEPS.items()
        if judgement.status in before and role in roles
    }
    if role in ("lead_inspector", "quality_assurer") and judgement.status in ("proposed", "moderated"):
        steps["return"] = "Return the judgement"
    return steps


def may_propose(judgement: JudgementView, role: str | None) -> bool:
    return role in ("lead_inspector", "inspector") and judgement.status in (None, "returned")


def may_revise(judgement: JudgementView, role: str | None) -> bool:
    """A final judgement is revised by a lead inspector, with the reason; the service decides the rest."""
    return role == "lead_inspector" and judgement.status == "final"


def revision(values: dict[str, Any], scale: list[str]) -> tuple[dict[str, Any], list[Problem]]:
    """The judgement as revised, with the reason it changes, and what is missing from it."""
    body, problems = proposal(values, scale)
    if len(typed(values, "reason")) < 3:
        problems.append(Problem("Enter why the judgement is revised", "#reason"))
    return {**body, "reason": typed(values, "reason")}, problems


def _graded(board: Board, judgement: JudgementView) -> list[str]:
    return [] if judgement.agency in board.narrative_for else board.scale


async def board_page(page: Page, inspection_id: str, again: Again = FIRST) -> Response:
    inspection, board, found, profile = await asyncio.gather(
        page.client.inspection(inspection_id),
        page.client.board(inspection_id),
        page.client.recorded_findings(inspection_id),
        page.client.evidence_profile(inspection_id),
    )
    programme, rules = await asyncio.gather(
        page.client.programme(inspection.programme), page.client.findings_rules(inspection.programme)
    )
    addressed = dict.fromkeys(["partnership", *inspection.agencies])
    return await page.render(
        "judgements.html",
        again,
        inspection=inspection,
        programme=programme,
        rules=rules,
        board=board,
        findings=found,
        kinds=kinds(rules.recommendations),
        kind_words=KIND_WORDS,
        addressees={a: words(AGENCIES.get(a, a)) for a in addressed},
        evidence=evidence_items(profile, again.values.get("evidence", [])),
        profile=profile,
        recording=page.session.role in ("lead_inspector", "inspector"),
        status_words=STATUS_WORDS,
        words=words,
        success=DONE.get(page.request.query_params.get("done") or ""),
    )


@router.get("/inspections/{inspection_id}/judgements")
async def judgements(page: SignedIn, inspection_id: str) -> Response:
    return await board_page(page, inspection_id)


@router.post("/inspections/{inspection_id}/findings")
async def record(page: SignedIn, inspection_id: str) -> Response:
    values = await page.form()
    inspection = await page.client.inspection(inspection_id)
    rules = await page.client.findings_rules(inspection.programme)
    body, problems = finding(values, kinds(rules.recommendations))
    if problems:
        return await board_page(page, inspection_id, Again(problems, 422, values))
    try:
        await page.client.record_finding(inspection_id, body)
    except Refusal as refused:
        return await board_page(page, inspection_id, Again.refused(refused, values, "#text"))
    return page.redirect(f"/inspections/{inspection_id}/judgements?done=recorded#findings")


def _one(board: Board, agency: str, area: str) -> JudgementView:
    for j in board.judgements:
        if j.agency == agency and j.judgement_area == area:
            return j
    raise Refusal("judgement", 404, "not_found", f"the programme makes no judgement of {area} for {agency}")


async def judgement_page(
    page: Page,
    inspection_id: str,
    agency: str,
    area: str,
    again: Again = FIRST,
    template: str = "judgement.html",
) -> Response:
    """The judgement's page, or (`template`) the form revising it, as the services read it now: after a
    refusal too, so a 409 shows the judgement as it now stands."""
    inspection, board, profile = await asyncio.gather(
        page.client.inspection(inspection_id),
        page.client.board(inspection_id),
        page.client.evidence_profile(inspection_id),
    )
    programme = await page.client.programme(inspection.programme)
    judgement = _one(board, agency, area)
    scale = _graded(board, judgement)
    role = page.session.role
    chosen = again.values.get("evidence", judgement.evidence_item_ids)
    return await page.render(
        template,
        again,
        inspection=inspection,
        programme=programme,
        board=board,
        judgement=judgement,
        grades={g: words(g) for g in scale},
        evidence=evidence_items(profile, chosen),
        proposing=may_propose(judgement, role),
        revising=may_revise(judgement, role),
        steps=offered(judgement, role),
        status_words=STATUS_WORDS,
        words=words,
        success=DONE.get(page.request.query_params.get("done") or ""),
    )


JUDGEMENT = "/inspections/{inspection_id}/judgements/{agency}/{area}"


@router.get(JUDGEMENT)
async def judgement(page: SignedIn, inspection_id: str, agency: str, area: str) -> Response:
    return await judgement_page(page, inspection_id, agency, area)


def _version(values: dict[str, Any]) -> int | None:
    raw = str(values.get("version", ""))
    return int(raw) if raw.isdigit() else None


@router.post(JUDGEMENT)
async def propose(page: SignedIn, inspection_id: str, agency: str, area: str) -> Response:
    values = await page.form()
    board = await page.client.board(inspection_id)
    body, problems = proposal(values, _graded(board, _one(board, agency, area)))
    if problems:
        return await judgement_page(page, inspection_id, agency, area, Again(problems, 422, values))
    return await _step(page, inspection_id, agency, area, values, ("", "PUT", body, "proposed"))


@router.get(JUDGEMENT + "/revision")
async def revision_form(page: SignedIn, inspection_id: str, agency: str, area: str) -> Response:
    return await judgement_page(page, inspection_id, agency, area, template="judgement_revision.html")


@router.post(JUDGEMENT + "/revision")
async def revise(page: SignedIn, inspection_id: str, agency: str, area: str) -> Response:
    values = await page.form()
    board = await page.client.board(inspection_id)
    body, problems = revision(values, _graded(board, _one(board, agency, area)))
    if problems:
        again = Again(problems, 422, values)
        return await judgement_page(page, inspection_id, agency, area, again, "judgement_revision.html")
    try:
        at = f"{agency}/{area}/revise"
        await page.client.judgement_step(inspection_id, at, "POST", body, _version(values))
    except Refusal as refused:
        again = Again.refused(refused, values, "#reason")
        return await judgement_page(page, inspection_id, agency, area, again, "judgement_revision.html")
    return page.redirect(f"/inspections/{inspection_id}/judgements/{agency}/{area}?done=revised")


@router.post(JUDGEMENT + "/{step}")
async def take_step(page: SignedIn, inspection_id: str, agency: str, area: str, step: str) -> Response:
    values = await page.form()
    call: tuple[str, str, Any, str]
    if step == "return":
        if not typed(values, "reason"):
            problems = [Problem("Enter why the judgement is returned", "#reason")]
            return await judgement_page(page, inspection_id, agency, area, Again(problems, 422, values))
        call = ("/return", "POST", {"reason": typed(values, "reason")}, "return")
    elif step in STEPS:
        call = (f"/{step}", "POST", None, step)
    else:
        problems = [Problem("There is no such step")]
        return await judgement_page(page, inspection_id, agency, area, Again(problems, 404, values))
    return await _step(page, inspection_id, agency, area, values, call)


async def _step(
    page: Page,
    inspection_id: str,
    agency: str,
    area: str,
    values: dict[str, Any],
    call: tuple[str, str, Any, str],
) -> Response:
    path, method, body, done = call
    try:
        await page.client.judgement_step(
            inspection_id, f"{agency}/{area}{path}", method, body, _version(values)
        )
    except Refusal as refused:
        again = Again.refused(refused, values, "#text" if done == "proposed" else "#judgement-steps")
        return await judgement_page(page, inspection_id, agency, area, again)
    return page.redirect(f"/inspections/{inspection_id}/judgements/{agency}/{area}?done={done}")
