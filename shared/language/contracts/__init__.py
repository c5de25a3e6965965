"""The published language: every event type on the platform's topics, in one catalogue."""

from shared.language.contracts import scheduling
from shared.language.contracts.evidence import EVIDENCE_EVENTS
from shared.language.contracts.judgement import JUDGEMENT_EVENTS
from shared.language.contracts.lscb import BOARD_EVENTS, EVALUATION_EVENTS
from shared.language.contracts.reporting import REPORTING_EVENTS
from shared.mechanics.catalogue import EventCatalogue

CATALOGUE = EventCatalogue(
    [
        scheduling.InspectionScheduled,
        scheduling.InspectorateJoined,
        scheduling.MeetingScheduled,
        scheduling.NotificationRecorded,
        scheduling.InspectionRescheduled,
        scheduling.InspectionCancelled,
        scheduling.InspectorAssigned,
        scheduling.InspectorReleased,
        scheduling.AreaBooked,
        scheduling.AreaReleased,
        scheduling.InspectorRegistered,
        scheduling.InspectorUnavailable,
        scheduling.InspectorBooked,
        scheduling.InspectorBookingReleased,
        scheduling.RoundPlanned,
        *EVIDENCE_EVENTS,
        *JUDGEMENT_EVENTS,
        *BOARD_EVENTS,
        *EVALUATION_EVENTS,
        *REPORTING_EVENTS,
    ]
)
