"""Events of the scheduling context, published on jip.scheduling.events."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import AwareDatetime

from shared.catalogue import Event
from shared.contracts.vocabulary import Agency, ShortText
from shared.envelope import Inspectorate


class Recipient(StrEnum):
    LSCB_CHAIR = "lscb_chair"
    LSCB_BUSINESS_MANAGER = "lscb_business_manager"  # notified when the chair is absent (001 Proposal two)
    AGENCY_SENIOR_LEADER = "agency_senior_leader"


class InspectionScheduled(Event):
    event_type = "scheduling.InspectionScheduled"

    programme: str
    local_area: ShortText
    deep_dive_theme: str
    fieldwork_starts: date
    fieldwork_ends: date
    notice_date: date
    inspectorates: list[Inspectorate]
    agencies: dict[Agency, Inspectorate]  # each agency and the inspectorate that inspects it


class NotificationRecorded(Event):
    event_type = "scheduling.NotificationRecorded"

    recipient: Recipient
    agency: Agency | None  # for an agency's senior leader
    notified_by: Inspectorate
    notified_at: AwareDatetime
