"""Who reads an inspection: the inspectorates taking part in it, the chair of its area's board, and auditors.

Case text is personal data about children (domain.md Data protection), so an inspector, lead inspector or
quality assurer reads an inspection only while their inspectorate takes part in it; an auditor reads every
one; an LSCB chair reads only the inspections of their own area whose programme sends its report to the
LSCB (and, by the access tables, only their reports; reporting then shows the chair only what was sent to
the partnership, and the final report). Each service knows who takes part from the scheduling events it
already consumes (InspectionScheduled, InspectorateJoined), never from another service's database: it gives
`reads` a function that finds, in its own log or read model, who takes part in one inspection. The check
itself is here, once, for every service: `refusal`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from shared.mechanics.auth import Principal, Role, authenticated
from shared.mechanics.envelope import Inspectorate
from shared.mechanics.errors import Forbidden
from shared.mechanics.runtime import Service, ServiceDep
from shared.views.inspections import Inspection

# Case text is personal data about children: it is read by those who need it for the inspection.
READ_RULE = "domain.md Data protection"


@dataclass(frozen=True)
class TakingPart:
    """Who takes part in one inspection, as a service learnt it from scheduling's events."""

    inspection_id: str
    inspectorates: tuple[Inspectorate, ...]
    area_code: str | None  # whose LSCB chair reads its report; None where the service does not keep it
    source: str  # the programme's paragraph naming the inspectorates taking part
    # Whether the programme sends the report to the LSCB (001 Proposal four), or to an agency's senior
    # leader where no LSCB is in its scope (003), and the paragraph that says so; the participation
    # paragraph where the service does not keep it.
    report_to_lscb: bool = True
    report_source: str | None = None


def of_inspection(inspection: Inspection) -> TakingPart:
    return TakingPart(
        inspection.inspection_id,
        inspection.inspectorates,
        inspection.area_code,
        inspection.programme.participation.source,
        inspection.programme.report.draft_to.lscb,
        inspection.programme.report.draft_to.source,
    )


def refusal(reader: Principal, part: TakingPart) -> Forbidden | None:
    """Why `reader` may not read the inspection; None if they may."""
    if reader.role is Role.AUDITOR:
        return None
    if reader.role is Role.LSCB_CHAIR:
        rule = part.report_source or part.source
        if not part.report_to_lscb:
            return Forbidden(
                f"the report of inspection {part.inspection_id} goes to an agency's senior leader, not to "
                "the LSCB: its programme has no LSCB in its scope",
                rule,
            )
        if part.area_code is not None and reader.area_code == part.area_code:
            return None
        return Forbidden(
            "an LSCB chair reads and responds to the reports of inspections of their own area only", rule
        )
    if reader.inspectorate in part.inspectorates:
        return None
    return Forbidden(
        f"{reader.inspectorate} does not take part in inspection {part.inspection_id}: an inspection is read "
        "by the inspectorates taking part in it and by auditors, for its case text is personal data about "
        "children",
        f"{READ_RULE}; who takes part: {part.source}",
    )


def may_read(reader: Principal, part: TakingPart) -> bool:
    return refusal(reader, part) is None


def check(reader: Principal, part: TakingPart) -> None:
    """403, logged and counted in jip.access.denied, unless `reader` may read the inspection."""
    refused = refusal(reader, part)
    if refused is not None:
        raise refused


def check_acting(by: Inspectorate, part: TakingPart, does: str) -> None:
    """403 unless `by` takes part in the inspection: only the inspectorates taking part act on it."""
    if by not in part.inspectorates:
        raise Forbidden(
            f"{by} does not take part in inspection {part.inspection_id}: only the inspectorates taking part "
            f"{does}",
            part.source,
        )


Reader = Annotated[Principal, Depends(authenticated)]
READS = frozenset({"GET", "HEAD"})
Find = Callable[[Service, str], Awaitable[TakingPart]]


def reads(find: Find) -> Callable[..., Awaitable[None]]:
    """A router's dependency, after `authorise`: every GET of one inspection (a route with
    `{inspection_id}` in its path: lists, items, histories, views, documents) only for those who may read
    it. An inspection the service does not know is 404, as the route itself would answer."""

    async def taking_part(request: Request, service: ServiceDep, reader: Reader) -> None:
        inspection_id = request.path_params.get("inspection_id")
        if request.method not in READS or inspection_id is None or reader.role is Role.AUDITOR:
            return
        check(reader, await find(service, inspection_id))

    return taking_part
