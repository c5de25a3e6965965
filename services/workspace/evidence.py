"""Journey 2, an inspector of any inspectorate: the inspection's evidence items (filtered, as the
triangulation board drills into them), recording one (the agency, judgement area and criteria offered from
the programme, the case chosen from the inspection's samples), amending or withdrawing one with a reason,
and the samples: the shared one and each inspectorate's own, to which a case is added with its reason."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from shared.programmes import Programme, catalogue

from .client import Refusal
from .evidence_models import EvidenceItem, KnownInspection, Samples
from .web import FIRST, Again, Page, Problem, SignedIn, sentence
from .words import agency_name, inspectorate_name

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
ALWAYS_ABOUT = ("lscb", "partnership")  # evidence may be about the board or the partnership as a whole
DONE = {
    "recorded": "The evidence item is recorded.",
    "amended": "The evidence item is amended.",
    "withdrawn": "The evidence item is withdrawn: it no longer counts, and its history stays.",
    "added": "The case is added to the sample.",
}


@dataclass(frozen=True)
class Offer:
    """What the evidence forms offer for one inspection, from the programme's own data."""

    programme: Programme
    agencies: dict[str, str]
    areas: dict[str, str]
    criteria: dict[str, str]  # id -> "68q (local authority): text"
    cases: dict[str, str]  # case reference -> it, and the samples it is in

    @property
    def area_titles(self) -> dict[str, str]:
        return {a.id: a.title for a in self.programme.judgement_areas}


def offer_of(known: KnownInspection, samples: Samples, inspectorate: str | None) -> Offer:
    """The agencies the inspection is about (and the board, the partnership), the programme's areas that
    evidence is gathered for (not the cumulative ones), its criteria, and the cases of the shared sample and
    of the user's own inspectorate's."""
    programme = catalogue()[known.programme]
    about = [*known.agencies, *(a for a in ALWAYS_ABOUT if a not in known.agencies)]
    if programme.lscb is None:
        about.remove("lscb")
    cases: dict[str, list[str]] = {}
    for case in samples.samples:
        if case.sample in ("shared", inspectorate):
            name = "shared sample" if case.sample == "shared" else f"{inspectorate_name(case.sample)} sample"
            cases.setdefault(case.case_reference, []).append(name)
    return Offer(
        programme=programme,
        agencies={a: sentence(agency_name(a)) for a in about},
        areas={a.id: a.title for a in programme.judgement_areas if not a.derived_from},
        criteria={
            c.id: f"{c.id} ({agency_name(c.agency)}): {c.text}"
            for c in programme.criteria
            if c.agency.value in about
        },
        cases={ref: f"{ref} ({', '.join(names)})" for ref, names in sorted(cases.items())},
    )


def listed(value: Any) -> list[str]:
    """A form field that may be sent once, many times or not at all, as a list."""
    if isinstance(value, list):
        return [str(v) for v in value if v]
    return [str(value)] if value else []


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
    mine = page.session.inspectorate
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
    page: Page, inspection_id: str, again: Again = FIRST, item: EvidenceItem | None = None
) -> Response:
    """The form that records an item, or amends `item` (with the reason)."""
    known, _, offer = await offer_for(page, inspection_id)
    return await page.render(
        "evidence_record.html",
        again,
        known=known,
        offer=offer,
        item=item,
        activity_options=ACTIVITIES,
        bearing_options=BEARINGS,
        meeting_options=MEETINGS,
    )


@router.get("/inspections/{inspection_id}/evidence/new")
async def new_item(page: SignedIn, inspection_id: str) -> Response:
    return await record_page(page, inspection_id, Again(values={"criteria": []}))


@router.post("/inspections/{inspection_id}/evidence")
async def record(page: SignedIn, inspection_id: str) -> Response:
    values = await page.form()
    details, problems = details_of(values)
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
