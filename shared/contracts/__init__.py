"""The published language: every event type on the platform's topics, in one catalogue."""

from shared.catalogue import EventCatalogue
from shared.contracts.evidence import EvidenceItemRecorded
from shared.contracts.judgement import FindingRecorded
from shared.contracts.lscb import LscbEvaluationRecorded
from shared.contracts.scheduling import InspectionScheduled, NotificationRecorded

CATALOGUE = EventCatalogue(
    [
        InspectionScheduled,
        NotificationRecorded,
        EvidenceItemRecorded,
        FindingRecorded,
        LscbEvaluationRecorded,
    ]
)
