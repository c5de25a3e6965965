"""Reporting's HTTP API: documents rendered from the log (views.py, shelf.py), and each report's lifecycle:
every step is parse → command (commands.py) → the service's pipeline (handlers.handle)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.language.contracts.reporting import Decision, Point, PointId
from shared.language.contracts.vocabulary import Agency, Reason, ShortText, Text
from shared.mechanics.auth import CHAIR, DOCUMENT_READERS, LEAD, QUALITY, Role, authorise
from shared.mechanics.commands import Command, HandlingDep
from shared.mechanics.http import Paged, expected_version, set_version
from shared.mechanics.runtime import ServiceDep
from shared.views.taking_part import Reader, reads

from . import handlers, reading, shelf, views
from .commands import (
    AgreeReport,
    DecideFactualAccuracyPoint,
    DraftReport,
    FinaliseReport,
    PublishReport,
    QualityAssureReport,
    ReceiveActionPlan,
    RecordActionPlanProgress,
    RecordFactualAccuracyResponse,
    RequestActionPlan,
    SendReport,
)
from .rendering.documents import Format
from .views import LifecycleView

REPORT = "/inspections/{inspection_id}/report"
# Who may call each command (shared/mechanics/auth.py); reads are for READERS, of the inspections their
# inspectorate takes part in, and a report for its area's LSCB chair too (shared/views/taking_part.py), once
# it is sent to them; the chair's list of documents holds only those reports (shelf.py). The chair submits the
# factual-accuracy response and nothing else; where the programme sends the draft to an agency's senior
# leader instead (003), the lead inspectorate records the response they send.
ACCESS = {
    ("GET", "/documents"): DOCUMENT_READERS,
    ("GET", REPORT): DOCUMENT_READERS,
    ("GET", f"{REPORT}/lifecycle"): DOCUMENT_READERS,
    ("POST", f"{REPORT}/draft"): LEAD,
    ("POST", f"{REPORT}/quality-assurance"): QUALITY,
    ("POST", f"{REPORT}/agreement"): LEAD,
    ("POST", f"{REPORT}/sending"): LEAD,
    ("POST", f"{REPORT}/factual-accuracy-response"): CHAIR | LEAD,
    ("POST", f"{REPORT}/factual-accuracy-decisions"): LEAD,
    ("POST", f"{REPORT}/final"): LEAD,
    ("POST", f"{REPORT}/publication"): LEAD,
    ("POST", f"{REPORT}/action-plan"): LEAD,
    ("POST", f"{REPORT}/action-plan/receipt"): LEAD,
    ("POST", f"{REPORT}/action-plan/progress"): LEAD,
}
router = APIRouter(
    tags=["reporting"], dependencies=[Depends(authorise(ACCESS)), Depends(reads(reading.taking_part))]
)
Version = Annotated[int | None, Depends(expected_version)]

FormatQuery = Annotated[
    Format, Query(alias="format", description="md, html, html-large (large print) or pdf")
]
AsAt = Annotated[
    AwareDatetime | None,
    Query(description="the document as it stood at this time, e.g. 2026-12-08T12:00:00Z"),
]
EXTENSIONS = {Format.MARKDOWN: "md", Format.HTML: "html", Format.LARGE_PRINT: "html", Format.PDF: "pdf"}


def _document(rendered: views.Rendered, name: str, fmt: Format) -> Response:
    headers = {
        "X-Checksum": rendered.checksum,
        "X-Report-Status": rendered.status.value,
        "X-Report-Edition": str(rendered.edition),
        "Content-Disposition": f'inline; filename="{name}.{EXTENSIONS[fmt]}"',
    }
    if rendered.content_as_at is not None:
        headers["X-Content-As-At"] = rendered.content_as_at.isoformat()
    return Response(rendered.content, media_type=rendered.media_type, headers=headers)


@router.get(
    "/documents",
    summary="Every document reporting can render, with where its report stands: for an inspectorate, those "
    "of the inspections it takes part in; for an LSCB chair, the reports of their own area sent to the "
    "partnership (001 Proposal four)",
)
async def documents(service: ServiceDep, reader: Reader, paged: Paged) -> list[shelf.DocumentEntry]:
    return paged.of(await shelf.listing(service.store, service.db, reader))


@router.get(
    REPORT,
    response_class=Response,
    responses={200: {"content": {"text/markdown": {}, "text/html": {}, "application/pdf": {}}}},
    summary="The inspection's report (the findings letter of a JTAI), rebuilt from the event log: as it "
    "stands, as published once final, or as it stood at a time, lifecycle step or edition. The LSCB chair "
    "reads only the draft as it was sent to them, then the report as made final (001 Proposal four)",
)
async def report(
    inspection_id: str,
    service: ServiceDep,
    reader: Reader,
    fmt: FormatQuery = Format.MARKDOWN,
    as_at: AsAt = None,
    at_step: Annotated[int | None, Query(ge=1, description="as at this step of its lifecycle")] = None,
    edition: Annotated[
        int | None, Query(ge=1, description="as this edition was made final: 1, then each correction")
    ] = None,
) -> Response:
    rendered = await views.render(
        service.store,
        service.db,
        inspection_id,
        fmt,
        as_at=as_at,
        at_step=at_step,
        edition=edition,
        partnership=reader.role is Role.LSCB_CHAIR,
    )
    return _document(rendered, f"report-{inspection_id}", fmt)


@router.get(
    "/rounds/{round_id}/overview",
    response_class=Response,
    responses={200: {"content": {"text/markdown": {}, "text/html": {}, "application/pdf": {}}}},
    summary="The overview of a round sharing a deep-dive theme: strengths and lessons across the areas whose "
    "reports are final (001 Proposal four)",
)
async def overview(
    round_id: str, service: ServiceDep, reader: Reader, fmt: FormatQuery = Format.MARKDOWN, as_at: AsAt = None
) -> Response:
    rendered = await shelf.overview(service.store, service.db, round_id, fmt, as_at, reader)
    return _document(rendered, f"overview-{round_id}", fmt)


@router.get(
    f"{REPORT}/lifecycle",
    summary="Where the report stands: every step, agreement and response, to whom it was sent, and each "
    "edition as published",
)
async def report_lifecycle(
    inspection_id: str, service: ServiceDep, reader: Reader, response: Response
) -> LifecycleView:
    partnership = reader.role is Role.LSCB_CHAIR
    view = await views.report_lifecycle(service.store, service.db, inspection_id, partnership)
    set_version(response, view.version)
    return view


async def _handled(
    command: Command[LifecycleView], handling: HandlingDep, response: Response
) -> LifecycleView:
    view = await handlers.handle(command, handling)
    set_version(response, view.version)
    return view


def _route(
    segment: str,
    command: type[QualityAssureReport | AgreeReport | FinaliseReport | PublishReport],
    summary: str,
) -> None:
    """A step the caller asks with nothing but the inspection (and the version it read)."""

    async def endpoint(
        inspection_id: str, handling: HandlingDep, response: Response, version: Version
    ) -> LifecycleView:
        return await _handled(command(inspection_id, expected_version=version), handling, response)

    router.post(f"{REPORT}/{segment}", summary=summary, name=segment)(endpoint)


class Drafting(BaseModel):
    model_config = ConfigDict(extra="forbid")

    correction: Reason | None = Field(
        default=None,
        description="after publication only: what changed and when (a judgement revised, say); the "
        "corrected report is the next edition, agreed by every inspectorate and published again",
    )


@router.post(
    f"{REPORT}/draft",
    summary="The lead inspectorate drafts the report (again) once fieldwork is over and every judgement it "
    "reports is final: quality assurance and agreement start afresh. After publication, a correction",
)
async def draft(
    inspection_id: str,
    handling: HandlingDep,
    response: Response,
    version: Version,
    body: Drafting | None = None,
) -> LifecycleView:
    correction = body.correction if body else None
    return await _handled(DraftReport(inspection_id, correction, version), handling, response)


_route("quality-assurance", QualityAssureReport, "Ofsted quality-assures the draft (001 Proposal four)")
_route("agreement", AgreeReport, "Your inspectorate agrees the quality-assured draft")
_route(
    "final",
    FinaliseReport,
    "The lead inspectorate makes the report final once every point of the factual-accuracy response is "
    "decided, on the content every inspectorate agreed (or a correction every inspectorate agreed)",
)
_route("publication", PublishReport, "Your inspectorate publishes the final report")


class Sending(BaseModel):
    model_config = ConfigDict(extra="forbid")

    addressee: ShortText | None = Field(
        default=None,
        description="the agency senior leader the draft goes to, by name, where the programme sends it to "
        "one (CLA 2012: the local authority's); none where the LSCB's register names its chair",
    )


@router.post(
    f"{REPORT}/sending",
    summary="The lead inspectorate sends the agreed draft to whoever the programme says coordinates one "
    "factual-accuracy response: the chair of the LSCB (the business manager in the chair's absence), or "
    "an agency's senior leader; the answer's `sent` says who",
)
async def send(
    inspection_id: str,
    handling: HandlingDep,
    response: Response,
    version: Version,
    body: Sending | None = None,
) -> LifecycleView:
    addressee = body.addressee if body else None
    return await _handled(SendReport(inspection_id, addressee, version), handling, response)


class FactualAccuracyResponse(BaseModel):
    model_config = ConfigDict(extra="forbid")

    points: Annotated[list[Point], Field(max_length=500)]


@router.post(
    f"{REPORT}/factual-accuracy-response",
    summary="Record the one coordinated factual-accuracy response, point by point: the LSCB chair's, or, "
    "where the draft went to an agency's senior leader, theirs as the lead inspectorate received it",
)
async def respond(
    inspection_id: str,
    body: FactualAccuracyResponse,
    handling: HandlingDep,
    response: Response,
    version: Version,
) -> LifecycleView:
    command = RecordFactualAccuracyResponse(inspection_id, tuple(body.points), version)
    return await _handled(command, handling, response)


class PointDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    point: PointId
    decision: Decision
    reason: Reason = Field(description="what was corrected, or why the point was not accepted")


@router.post(
    f"{REPORT}/factual-accuracy-decisions",
    summary="The lead inspectorate accepts or rejects one point of the response, with the reason",
)
async def decide_point(
    inspection_id: str, body: PointDecision, handling: HandlingDep, response: Response, version: Version
) -> LifecycleView:
    command = DecideFactualAccuracyPoint(inspection_id, body.point, body.decision, body.reason, version)
    return await _handled(command, handling, response)


class ActionPlan(BaseModel):
    model_config = ConfigDict(extra="forbid")

    led_by: Agency = Field(description="the agency that leads it, with the others (001)")
    due_on: date


@router.post(
    f"{REPORT}/action-plan",
    summary="Ofsted says who leads the post-inspection action plan, and when it is due",
)
async def request_plan(
    inspection_id: str, body: ActionPlan, handling: HandlingDep, response: Response, version: Version
) -> LifecycleView:
    command = RequestActionPlan(inspection_id, body.led_by, body.due_on, version)
    return await _handled(command, handling, response)


class Receipt(BaseModel):
    model_config = ConfigDict(extra="forbid")

    received_on: date


@router.post(f"{REPORT}/action-plan/receipt", summary="The action plan was received")
async def receive_plan(
    inspection_id: str, body: Receipt, handling: HandlingDep, response: Response, version: Version
) -> LifecycleView:
    command = ReceiveActionPlan(inspection_id, body.received_on, version)
    return await _handled(command, handling, response)


class Progress(BaseModel):
    model_config = ConfigDict(extra="forbid")

    on: date
    note: Text


@router.post(f"{REPORT}/action-plan/progress", summary="Track the action plan: progress seen on a day")
async def plan_progress(
    inspection_id: str, body: Progress, handling: HandlingDep, response: Response, version: Version
) -> LifecycleView:
    command = RecordActionPlanProgress(inspection_id, body.on, body.note, version)
    return await _handled(command, handling, response)
