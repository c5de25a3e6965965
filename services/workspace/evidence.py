"""Journey 2, an inspector of any inspectorate: the inspection's evidence items (filtered, as the
triangulation board drills into them), recording one (the agency, judgement area and criteria offered from
the programme, the case chosen from the inspection's samples), amending or withdrawing one with a reason,
and the samples: the shared one and each inspectorate's own, to which a case is added with its reason.

Where the programme's criteria belong to an agency and a judgement area (Integrated 2014), recording is in
two steps, one thing per page: the agency and the area first, then only the criteria of that pair (and the
board's, under its own area), as the evidence service checks them; a criterion of another pair is refused
beside the field."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from .client import Refusal
from .evidence_models import EvidenceItem, KnownInspection, Samples

# Re-exported: lines.py reads its forms with `listed`, and the tests build an offer.
from .evidence_offer import Offer
from .evidence_offer import offer_of as offer_of
from .web import FIRST, Again, Page, Problem, SignedIn
from .web import listed as listed
from .words import inspectorate_name

router = APIRouter()

ACTIVITIES = {
    "case_tracking": "Case tracking",
    "case_sampling": "Case sampling",
    "practice_observation": "Observation of practice",
    "meeting_observation": "Observation of a meeting",
    "discussion_with_child": "Discussion with a child or young person",
    "discussion_with_family": "Discussion with a family",
    "discussion_with_practitioner": "Discussion with a practitioner",
    "discussion_with_manager": "Discussion with a manager",
    "case_audit": "Case audit",
    "joint_audit": "The area's joint audit of deep-dive cases",
    "performance_data": "Performance data",
}
BEARINGS = {"strength": "Strength", "weakness": "Weakness", "area_for_improvement": "Area for improvement"}
MEETINGS = {
    "strategy_meeting": "Strategy meeting",
    "child_protection_conference": "Child protection conference",
    "marac": "MARAC",
    "mappa": "MAPPA meeting",
}
DONE = {
    "recorded": "The evidence item is recorded.",
    "amended": "The evidence item is amended.",
    "withdrawn": "The evidence item is withdrawn: it no longer counts, and its history stays.",
    "added": "The case is added to the sample.",
    "closed": "Evidence gathering is closed: nothing more is recorded, amended or withdrawn.",
}


def details_of(values: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """The item as the evidence service asks for it, from the form; what is missing, beside its field.
    The service checks the rest (the area judged on the agency, the case in a sample) and cites its rule."""
    problems = []
    required = [
        ("agency", "Choose the agency the evidence is about"),
        ("judgement_area", "Choose the judgement area it bears on"),
        ("bearing", "Choose what the evidence shows"),
        ("activity", "Choose how the evidence was gathered"),
        ("summary", "Enter a summary of the evidence"),
    ]
    for name, words in required:
        if not str(values.get(name, "")).strip():
            problems.append(Problem(words, f"#{name}"))
    activity = str(values.get("activity", ""))
    meeting = str(values.get("meeting", "")) or None
    if activity == "meeting_observation" and meeting is None:
        problems.append(Problem("Choose the meeting observed", "#meeting"))
    details: dict[str, Any] = {
        "agency": values.get("agency", ""),
        "activity": activity,
        "judgement_area": values.get("judgement_area", ""),
        "criteria": listed(values.get("criteria")),
        "bearing": values.get("bearing", ""),
        "summary": str(values.get("summary", "")).strip(),
    }
    if activity == "meeting_observation":
        details["meeting"] = meeting
    if values.get("case_reference"):
        details["case_reference"] = str(values["case_reference"])
    return details, problems


def values_of(item: EvidenceItem) -> dict[str, Any]:
    """An item as its form shows it, to amend it."""
    return {
        "agency": item.agency,
        "judgement_area": item.judgement_area,
        "criteria": item.criteria,
        "bearing": item.bearing,
        "activity": item.activity,
        "meeting": item.meeting or "",
        "case_reference": item.case_reference or "",
        "summary": item.summary,
    }


def matches(item: EvidenceItem, filters: dict[str, str]) -> bool:
    """Whether an item is one the page was asked for: by agency, area, criterion, bearing, inspectorate."""
    return all(
        not wanted
        or (wanted in item.criteria if key == "criterion" else str(getattr(item, key, "")) == wanted)
        for key, wanted in filters.items()
    )


FILTERS = ("agency", "judgement_area", "criterion", "bearing", "inspectorate")


async def offer_for(page: Page, inspection_id: str) -> tuple[KnownInspection, Samples, Offer]:
    known, samples = await asyncio.gather(
        page.client.known(inspection_id), page.client.samples(inspection_id)
    )
    return known, samples, offer_of(known, samples, page.session.inspectorate)


async def evidence_page(page: Page, inspection_id: str, again: Again = FIRST) -> Response:
    """The items (as filtered), and the samples with the form that adds a case."""
    (known, samples, offer), items = await asyncio.gather(
        offer_for(page, inspection_id), page.client.evidence_items(inspection_id, withdrawn="true")
    )
    query = page.request.query_params
    filters = {k: query.get(k, "") for k in FILTERS if query.get(k)}
    mine, lead = page.session.inspectorate, offer.programme.participation.lead_inspectorate.value
    return await page.render(
        "evidence.html",
        again,
        known=known,
        offer=offer,
        items=[i for i in items if matches(i, filters)],
        filters=filters,
        # An inspector sees the shared sample and their own inspectorate's; an auditor, every one.
        samples=[c for c in samples.samples if mine is None or c.sample in ("shared", mine)],
        sample_options={
            "shared": "The shared sample, all inspectorates track together",
            **({mine: f"{inspectorate_name(mine)}'s own sample"} if mine else {}),
        },
        ACTIVITIES=ACTIVITIES,
        BEARINGS=BEARINGS,
        # The lead inspectorate's lead inspector closes it (the service decides: on its last day).
        may_close=not known.evidence_closed and page.session.role == "lead_inspector" and mine == lead,
        success=DONE.get(query.get("done") or ""),
    )


@router.get("/inspections/{inspection_id}/evidence")
async def evidence(page: SignedIn, inspection_id: str) -> Response:
    return await evidence_page(page, inspection_id)


@router.post("/inspections/{inspection_id}/samples")
async def add_case(page: SignedIn, inspection_id: str) -> Response:
    values = await page.form()
    reference = str(values.get("case_reference", "")).strip().upper()
    reason = str(values.get("reason", "")).strip()
    problems = []
    if not values.get("sample"):
        problems.append(Problem("Choose the sample", "#sample"))
    if not reference:
        problems.append(Problem("Enter the case reference the area issued", "#case_reference"))
    if not reason:
        problems.append(Problem("Enter why this case is sampled", "#reason"))
    if problems:
        return await evidence_page(page, inspection_id, Again(problems, 422, values))
    try:
        await page.client.add_case(inspection_id, str(values["sample"]), reference, reason)
    except Refusal as refused:
        return await evidence_page(page, inspection_id, Again.refused(refused, values, "#case_reference"))
    return page.redirect(f"/inspections/{inspection_id}/evidence?done=added#samples")


async def record_page(
    page: Page,
    inspection_id: str,
    again: Again = FIRST,
    item: EvidenceItem | None = None,
    choosing: bool = False,
) -> Response:
    """The form that records an item, or amends `item` (with the reason); `choosing`: its first step, the
    agency and area, where the criteria depend on them."""
    known, _, offer = await offer_for(page, inspection_id)
    pair = offer.pair(again.values)
    return await page.render(
        "evidence_record.html",
        again,
        known=known,
        offer=offer,
        item=item,
        choosing=choosing,
        fixed=pair is not None and item is None and offer.in_two_steps,
        criteria=offer.criteria_of(*pair) if pair else {},
        activity_options=ACTIVITIES,
        bearing_options=BEARINGS,
        meeting_options=MEETINGS,
    )


@router.post("/inspections/{inspection_id}/evidence/closure")
async def close(page: SignedIn, inspection_id: str) -> Response:
    values = await page.form()
    reason = str(values.get("reason", "")).strip()
    if not reason:
        problem = Problem("Enter why evidence gathering is closed now", "#closure-reason")
        return await evidence_page(page, inspection_id, Again([problem], 422, values))
    try:
        await page.client.close_evidence(inspection_id, reason)
    except Refusal as refused:
        return await evidence_page(page, inspection_id, Again.refused(refused, values, "#closure-reason"))
    return page.redirect(f"/inspections/{inspection_id}/evidence?done=closed")


@router.get("/inspections/{inspection_id}/evidence/new")
async def new_item(
    page: SignedIn, inspection_id: str, agency: str | None = None, judgement_area: str | None = None
) -> Response:
    """The form; where the criteria depend on the agency and area, those first (asked again if missing)."""
    values: dict[str, Any] = {"criteria": []}
    if agency is None and judgement_area is None:
        _, _, offer = await offer_for(page, inspection_id)
        return await record_page(page, inspection_id, Again(values=values), choosing=offer.in_two_steps)
    values |= {"agency": agency or "", "judgement_area": judgement_area or ""}
    problems = [
        Problem(words, f"#{name}")
        for name, words in (
            ("agency", "Choose the agency the evidence is about"),
            ("judgement_area", "Choose the judgement area it bears on"),
        )
        if not values[name]
    ]
    if problems or page.request.query_params.get("change"):
        again = Again(problems, 422 if problems else 200, values)
        return await record_page(page, inspection_id, again, choosing=True)
    return await record_page(page, inspection_id, Again(values=values))


@router.post("/inspections/{inspection_id}/evidence")
async def record(page: SignedIn, inspection_id: str) -> Response:
    values = await page.form()
    details, problems = details_of(values)
    _, _, offer = await offer_for(page, inspection_id)
    problems += offer.problems_of(values)
    if problems:
        return await record_page(page, inspection_id, Again(problems, 422, values))
    try:
        item = await page.client.record_evidence(inspection_id, details)
    except Refusal as refused:
        return await record_page(page, inspection_id, Again.refused(refused, values))
    return page.redirect(f"/inspections/{inspection_id}/evidence/{item.evidence_item_id}?done=recorded")


async def item_page(page: Page, inspection_id: str, item_id: str, again: Again = FIRST) -> Response:
    (known, _, offer), history = await asyncio.gather(
        offer_for(page, inspection_id), page.client.evidence_item(inspection_id, item_id)
    )
    return await page.render(
        "evidence_item.html",
        again,
        known=known,
        offer=offer,
        item=history.item,
        history=history.history,
        mine=history.item.inspectorate == page.session.inspectorate,
        ACTIVITIES=ACTIVITIES,
        BEARINGS=BEARINGS,
        MEETINGS=MEETINGS,
        success=DONE.get(page.request.query_params.get("done") or ""),
    )


@router.get("/inspections/{inspection_id}/evidence/{item_id}")
async def item(page: SignedIn, inspection_id: str, item_id: str) -> Response:
    return await item_page(page, inspection_id, item_id)


@router.get("/inspections/{inspection_id}/evidence/{item_id}/amend")
async def amend_page(page: SignedIn, inspection_id: str, item_id: str) -> Response:
    history = await page.client.evidence_item(inspection_id, item_id)
    values = {**values_of(history.item), "version": history.item.version}
    return await record_page(page, inspection_id, Again(values=values), history.item)


def _version(values: dict[str, Any]) -> int:
    try:
        return int(values.get("version", ""))
    except ValueError:
        return 0


@router.post("/inspections/{inspection_id}/evidence/{item_id}/amendments")
async def amend(page: SignedIn, inspection_id: str, item_id: str) -> Response:
    values = await page.form()
    details, problems = details_of(values)
    reason = str(values.get("reason", "")).strip()
    if not reason:
        problems.insert(0, Problem("Enter why the item is amended", "#reason"))
    current = (await page.client.evidence_item(inspection_id, item_id)).item
    _, _, offer = await offer_for(page, inspection_id)
    problems += offer.problems_of(values)
    if problems:
        return await record_page(page, inspection_id, Again(problems, 422, values), current)
    body = {"reason": reason, "details": details}
    try:
        await page.client.correct_evidence(inspection_id, item_id, "amendments", body, _version(values))
    except Refusal as refused:
        return await record_page(page, inspection_id, Again.refused(refused, values), current)
    return page.redirect(f"/inspections/{inspection_id}/evidence/{item_id}?done=amended")


@router.post("/inspections/{inspection_id}/evidence/{item_id}/withdrawal")
async def withdraw(page: SignedIn, inspection_id: str, item_id: str) -> Response:
    values = await page.form()
    reason = str(values.get("reason", "")).strip()
    if not reason:
        problems = [Problem("Enter why the item is withdrawn", "#reason")]
        return await item_page(page, inspection_id, item_id, Again(problems, 422, values))
    body = {"reason": reason}
    try:
        await page.client.correct_evidence(inspection_id, item_id, "withdrawal", body, _version(values))
    except Refusal as refused:
        return await item_page(page, inspection_id, item_id, Again.refused(refused, values, "#reason"))
    return page.redirect(f"/inspections/{inspection_id}/evidence/{item_id}?done=withdrawn")
