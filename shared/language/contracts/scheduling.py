"""Events of the scheduling context, published on jip.scheduling.events.

Streams: `inspection-{id}` (the inspection, its notifications, meetings and team), `area-{code}` (an
area's calendar: one inspection at a time), `inspector-{id}` (an inspector's diary) and `round-{id}`
(a round's picked areas with the reason for each)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.language.contracts.vocabulary import Agency, Reason, ShortText, Text
from shared.mechanics.catalogue import Event, InspectionEvent, Upcaster
from shared.mechanics.envelope import Identifier, Inspectorate

AreaCode = Annotated[str, Field(pattern=r"^E(06|07|08|09|10)\d{6}$")]


class Recipient(StrEnum):
    LSCB_CHAIR = "lscb_chair"
    LSCB_BUSINESS_MANAGER = "lscb_business_manager"  # notified when the chair is absent (001 Proposal two)
    AGENCY_SENIOR_LEADER = "agency_senior_leader"


class Period(BaseModel):
    """From the first day to the last, both included."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    starts: date
    ends: date

    def overlaps(self, other: Period) -> bool:
        return self.starts <= other.ends and other.starts <= self.ends


class InspectionScheduled(InspectionEvent):
    event_type = "scheduling.InspectionScheduled"

    programme: str  # the programme version it runs under, for good
    area_code: AreaCode
    local_area: ShortText  # the area's name
    round_id: Identifier | None = None
    deep_dive_theme: str | None  # for programmes with a deep dive (001 Proposal one)
    announced: bool
    fieldwork_starts: date
    fieldwork_ends: date
    notice_date: date  # the day the area is told: fieldwork_starts itself when unannounced
    inspectorates: list[Inspectorate]  # taking part from the start, HMI Prisons where custody is in the area
    agencies: dict[Agency, Inspectorate]  # each agency and the inspectorate that inspects it


class InspectorateJoined(InspectionEvent):
    """A conditional inspectorate joined: HMCPSI when triggered (002 §33), HMI Prisons on request
    (004 §101)."""

    event_type = "scheduling.InspectorateJoined"

    inspectorate: Inspectorate
    condition: Literal["requested", "triggered"]
    reason: Reason
    agencies: list[Agency]  # the agencies it inspects in this programme, now inspected too


class MeetingScheduled(InspectionEvent):
    """The joint set-up meeting on day 1 and the joint feedback meeting on the last day
    (001 Proposal three)."""

    event_type = "scheduling.MeetingScheduled"

    kind: Literal["joint_set_up", "joint_feedback"]
    on: date
    title: ShortText


def _addressee_always_said(payload: dict[str, Any]) -> dict[str, Any]:
    """v1 to v2: a v1 payload recorded before the LSCB register existed has no addressee; one recorded
    since names it, or null. Either way v2 says it."""
    return {**payload, "addressee": payload.get("addressee")}


class NotificationRecorded(InspectionEvent):
    """Someone was told of the inspection: the LSCB's chair (its business manager in the chair's absence)
    first, then each agency's senior leader, each by its own inspectorate (001 Proposal two).

    Version 2 always says who was addressed by name: `addressee` is the office holder the area's LSCB
    register names, or null (an agency's senior leader, or a register naming nobody). Version 1 left the
    field out where the event predates the register: it reads as null."""

    event_type = "scheduling.NotificationRecorded"
    schema_version = 2
    upcasters: ClassVar[Mapping[int, Upcaster]] = {1: _addressee_always_said}

    recipient: Recipient
    agency: Agency | None  # for an agency's senior leader
    notified_by: Inspectorate
    notified_at: AwareDatetime
    addressee: ShortText | None  # who, by name, from the area's LSCB register; null where it names nobody


class InspectionRescheduled(InspectionEvent):
    """New fieldwork dates; the team is released with it and assigned again for the new dates."""

    event_type = "scheduling.InspectionRescheduled"

    fieldwork_starts: date
    fieldwork_ends: date
    notice_date: date
    reason: Reason


class InspectionCancelled(InspectionEvent):
    event_type = "scheduling.InspectionCancelled"

    reason: Reason


class InspectorAssigned(InspectionEvent):
    """An inspector joins the inspection's team for some weeks of fieldwork (a phase, 002 §37-39)."""

    event_type = "scheduling.InspectorAssigned"

    inspector_id: Identifier
    inspectorate: Inspectorate
    weeks: list[int]
    on_site: list[Period]


class InspectorReleased(InspectionEvent):
    event_type = "scheduling.InspectorReleased"

    inspector_id: Identifier
    reason: Reason


class AreaBooked(InspectionEvent):
    """The area's calendar: it is inspected in this period (stream `area-{code}`)."""

    event_type = "scheduling.AreaBooked"
    keyed_by_stream = True  # the area's calendar

    area_code: AreaCode
    period: Period


class AreaReleased(InspectionEvent):
    event_type = "scheduling.AreaReleased"
    keyed_by_stream = True  # the area's calendar

    area_code: AreaCode
    reason: Reason


class InspectorRegistered(Event):
    event_type = "scheduling.InspectorRegistered"

    inspector_id: Identifier
    inspectorate: Inspectorate
    name: ShortText


class InspectorUnavailable(Event):
    """Leave, training or other work: the inspector cannot be assigned in this period."""

    event_type = "scheduling.InspectorUnavailable"

    inspector_id: Identifier
    period: Period
    reason: Reason


class InspectorBooked(InspectionEvent):
    """The inspector's diary: on site for this inspection on these days (stream `inspector-{id}`)."""

    event_type = "scheduling.InspectorBooked"
    keyed_by_stream = True  # the inspector's diary

    inspector_id: Identifier
    on_site: list[Period]


class InspectorBookingReleased(InspectionEvent):
    event_type = "scheduling.InspectorBookingReleased"
    keyed_by_stream = True  # the inspector's diary

    inspector_id: Identifier
    reason: Reason


class PickReason(StrEnum):
    RETURNING_AFTER_INADEQUATE = "returning_after_inadequate"
    CONCERN = "concern"
    SAMPLE = "sample"  # sampled from the rest to find good practice (004 §38; 001 Proposal five)
    UNIVERSAL_CYCLE = "universal_cycle"  # every area in the cycle (002 §9)


class Concern(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    area_code: AreaCode
    inspectorate: Inspectorate
    concern: Text


class Pick(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    area_code: AreaCode
    area_name: ShortText
    reason: PickReason
    detail: Text
    source: ShortText  # the seed paragraph of the rule that picked it


class RoundPlanned(Event):
    """A round of inspections and its areas, each with why it was picked. Re-running the selection
    with the same inputs and seed gives the same picks (`method` says how)."""

    event_type = "scheduling.RoundPlanned"

    round_id: Identifier
    programme: str
    name: ShortText
    deep_dive_theme: str | None  # shared by every inspection of the round (001 Proposal four)
    seed: ShortText
    method: Text
    returning_after_inadequate: list[AreaCode]
    concerns: list[Concern]
    eligible: int  # areas in the register
    picks: list[Pick]
