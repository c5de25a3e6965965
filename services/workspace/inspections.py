"""Journey 1, the lead inspector: the inspections you may read, scheduling one of any programme (the form
offers what the programme allows), and an inspection's page: its task list, its notification plan with the
next notification to record (in the plan's order, by the inspectorate whose turn it is), and its team per
week (register an inspector of your inspectorate, assign them for the weeks its phase is on site)."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from .client import Client, Refusal
from .models import Area, Inspection, Inspector, Programme
from .tasks import Reads, task_list
from .web import FIRST, Again, Page, Problem, SignedIn

router = APIRouter()

DONE = {
    "scheduled": "The inspection is scheduled.",
    "notified": "The notification is recorded.",
    "registered": "The inspector is registered: you can now assign them.",
    "assigned": "The inspector is assigned.",
}


@router.get("/inspections")
async def inspections(page: SignedIn) -> Response:
    if page.session.role == "lscb_chair":
        return page.redirect("/reports")
    found = await page.client.inspections()
    programmes = {p.id: p.title for p in await page.client.programmes()}
    return await page.render("inspections.html", inspections=found, programmes=programmes)


def _fieldwork_date(values: dict[str, Any]) -> tuple[date | None, Problem | None]:
    parts = [str(values.get(f"fieldwork_starts-{p}", "")).strip() for p in ("day", "month", "year")]
    if not all(parts):
        return None, Problem(
            "Enter the date fieldwork starts, as a day, month and year", "#fieldwork_starts-day"
        )
    try:
        day, month, year = (int(p) for p in parts)
        return date(year, month, day), None
    except ValueError:
        return None, Problem("The date fieldwork starts must be a real date", "#fieldwork_starts-day")


def _start_hint(programme: Programme) -> str:
    notice = programme.notice
    when = (
        f"Notice is given {notice.working_days} working days before, on the notice date"
        if notice.announced
        else "Unannounced: nobody is told before inspectors arrive"
    )
    return f"A Monday, for example 4 1 2027. {when} ({notice.source})."


async def _schedule_form(page: Page, programme: Programme | None, again: Again) -> Response:
    values = again.values
    programmes = await page.client.programmes()
    areas = await _areas_today(page.client) if programme else []
    return await page.render(
        "schedule.html",
        again,
        programme=programme,
        programme_items=[
            {
                "value": p.id,
                "text": p.title,
                "hint": {"text": f"{p.id}: {_start_hint(p)}"},
                "checked": p.id == values.get("programme"),
            }
            for p in programmes
        ],
        area_options={a.code: a.name for a in sorted(areas, key=lambda a: a.name)},
        theme_options={t.id: t.title for t in programme.deep_dive_themes} if programme else {},
        start_hint=_start_hint(programme) if programme else "",
    )


async def _areas_today(client: Client) -> list[Area]:
    """The areas existing on the platform's today, as the register has them (Cumberland and Westmorland
    and Furness, not Cumbria, since 1 April 2023): an inspection is for an area as it is at fieldwork."""
    return await client.areas(on=(await client.clock()).today)


@router.get("/inspections/new")
async def schedule_page(page: SignedIn, programme: str | None = None) -> Response:
    chosen = await page.client.programme(programme) if programme else None
    return await _schedule_form(page, chosen, Again(values={"programme": programme or ""}))


@router.post("/inspections")
async def schedule(page: SignedIn) -> Response:
    values = await page.form()
    programme = await page.client.programme(str(values.get("programme", "")))
    starts, problem = _fieldwork_date(values)
    problems = [problem] if problem else []
    if not values.get("area"):
        problems.insert(0, Problem("Choose the area to inspect", "#area"))
    if programme.deep_dive_themes and not values.get("deep_dive_theme"):
        problems.append(Problem("Choose the deep-dive theme", "#deep_dive_theme"))
    if problems or starts is None:
        return await _schedule_form(page, programme, Again(problems, 422, values))
    try:
        scheduled = await page.client.schedule(
            programme.id, str(values["area"]), starts, str(values.get("deep_dive_theme") or "") or None
        )
    except Refusal as refused:
        return await _schedule_form(page, programme, Again.refused(refused, values))
    return page.redirect(f"/inspections/{scheduled.inspection_id}?done=scheduled")


def _weeks(inspection: Inspection, programme: Programme, names: dict[str, str]) -> list[dict[str, Any]]:
    """Each week of fieldwork: who is on site by the programme, and who is assigned."""
    return [
        {
            "week": phase.week,
            "inspectorates": phase.inspectorates,
            "team": [
                {"name": names.get(a.inspector_id, a.inspector_id), "inspectorate": a.inspectorate}
                for a in inspection.team
                if phase.week in a.weeks
            ],
        }
        for phase in sorted(programme.fieldwork.phases, key=lambda p: p.week)
    ]


async def reads_of(client: Client, inspection_id: str) -> tuple[Reads, list[Inspector]]:
    """What the task list is derived from, read from the five services at once, and the inspectors."""
    (
        (inspection, plan, clock, evidence, judgements, findings),
        (evaluation, report, inspectors),
    ) = await asyncio.gather(
        asyncio.gather(
            client.inspection(inspection_id),
            client.notification_plan(inspection_id),
            client.clock(),
            client.evidence_file(inspection_id),
            client.judgement_board(inspection_id),
            client.findings(inspection_id),
        ),
        asyncio.gather(
            client.evaluation(inspection_id),
            client.lifecycle(inspection_id),
            client.inspectors(),
        ),
    )
    programme = await client.programme(inspection.programme)
    reads = Reads(
        inspection, programme, clock.today, plan, evidence, judgements, findings, evaluation, report
    )
    return reads, inspectors


async def inspection_page(page: Page, inspection_id: str, again: Again = FIRST) -> Response:
    """The inspection page, as the services read it now (after a refusal too: a 409 shows the new state)."""
    reads, inspectors = await reads_of(page.client, inspection_id)
    inspection, programme, plan, report = reads.inspection, reads.programme, reads.plan, reads.report
    assert plan is not None
    mine = page.session.inspectorate
    next_step = plan.next_step
    theme = next((t.title for t in programme.deep_dive_themes if t.id == inspection.deep_dive_theme), None)
    done = page.request.query_params.get("done")
    return await page.render(
        "inspection.html",
        again,
        inspection=inspection,
        programme=programme,
        theme=theme,
        plan=plan,
        next_step=next_step,
        my_turn=(
            next_step is not None
            and page.session.role == "lead_inspector"
            and next_step.notified_by in (None, mine)
        ),
        tasks=task_list(reads),
        weeks=_weeks(inspection, programme, {i.inspector_id: i.name for i in inspectors}),
        my_inspectors=[i for i in inspectors if i.inspectorate == mine],
        inspector_options={i.inspector_id: i.name for i in inspectors if i.inspectorate == mine},
        my_weeks=[p.week for p in programme.fieldwork.phases if mine in p.inspectorates],
        week_options={
            str(p.week): f"Week {p.week}" for p in programme.fieldwork.phases if mine in p.inspectorates
        },
        today=reads.today,
        report=report,
        success=DONE.get(done or ""),
    )


@router.get("/inspections/{inspection_id}")
async def inspection(page: SignedIn, inspection_id: str) -> Response:
    return await inspection_page(page, inspection_id)


def _version(values: dict[str, Any]) -> int:
    try:
        return int(values.get("version", ""))
    except ValueError:
        return 0


async def _command(
    page: Page, inspection_id: str, values: dict[str, Any], href: str, done: str, call: Any
) -> Response:
    try:
        await call
    except Refusal as refused:
        return await inspection_page(page, inspection_id, Again.refused(refused, values, href))
    return page.redirect(f"/inspections/{inspection_id}?done={done}")


@router.post("/inspections/{inspection_id}/notifications")
async def notify(page: SignedIn, inspection_id: str) -> Response:
    values = await page.form()
    agency = str(values.get("agency") or "") or None
    call = page.client.notify(inspection_id, str(values.get("recipient", "")), agency, _version(values))
    return await _command(page, inspection_id, values, "#notification-plan", "notified", call)


@router.post("/inspections/{inspection_id}/inspectors")
async def register_inspector(page: SignedIn, inspection_id: str) -> Response:
    values = await page.form()
    name = str(values.get("name", "")).strip()
    if not name:
        problems = [Problem("Enter the inspector's name", "#name")]
        return await inspection_page(page, inspection_id, Again(problems, 422, values))
    call = page.client.register_inspector(name)
    return await _command(page, inspection_id, values, "#name", "registered", call)


@router.post("/inspections/{inspection_id}/team")
async def assign(page: SignedIn, inspection_id: str) -> Response:
    values = await page.form()
    weeks = values.get("weeks", [])
    chosen = [int(w) for w in ([weeks] if isinstance(weeks, str) else weeks) if str(w).isdigit()]
    problems = []
    if not values.get("inspector_id"):
        problems.append(Problem("Choose the inspector to assign", "#inspector_id"))
    if not chosen:
        problems.append(Problem("Choose the weeks they are on site", "#weeks"))
    if problems:
        return await inspection_page(page, inspection_id, Again(problems, 422, values))
    call = page.client.assign(inspection_id, str(values["inspector_id"]), chosen, _version(values))
    return await _command(page, inspection_id, values, "#inspector_id", "assigned", call)
