"""Every programme's documents, rendered from recorded event logs, compared with golden files.

Each kind of document has a recorded log in tests/golden/<kind>.events.jsonl: envelopes, as the reporting
service holds them, in the order `handlers.events_of` gives them. The builders below made those logs;
`UPDATE_GOLDEN=1 uv run pytest tests/unit/test_documents_render.py` writes the logs and the expected
documents again (review the diff before committing it)."""

from __future__ import annotations

import itertools
import os
import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path

import pytest

from services.reporting.rendering import model
from services.reporting.rendering.documents import (
    MEDIA_TYPES,
    Format,
    render_overview,
    render_report,
)
from services.reporting.rendering.issue import LIVE, ActionPlan, Issue
from services.reporting.rendering.redaction import WITHHELD, case_references
from shared.language.contracts import CATALOGUE
from shared.language.contracts.evidence import (
    Activity,
    Bearing,
    EvidenceItemAmended,
    EvidenceItemRecorded,
    EvidenceItemWithdrawn,
    SampleCaseAdded,
)
from shared.language.contracts.judgement import (
    AppliedRule,
    FindingKind,
    FindingRecorded,
    JudgementFinalised,
    JudgementFlaggedForReview,
    JudgementModerated,
    JudgementProposed,
    JudgementQualityAssured,
    JudgementRevised,
)
from shared.language.contracts.lscb import (
    BoardOfficerAppointed,
    BoardPartnerJoined,
    LscbFindingContributed,
    LscbJudgementFinalised,
    LscbJudgementProposed,
    LscbJudgementSignedOff,
    Office,
)
from shared.language.contracts.scheduling import (
    InspectionScheduled,
    InspectorAssigned,
    InspectorateJoined,
    InspectorRegistered,
    NotificationRecorded,
    Period,
    Recipient,
)
from shared.language.contracts.vocabulary import Agency, Grade
from shared.mechanics.catalogue import Event
from shared.mechanics.envelope import Actor, Envelope, Inspectorate
from tests import poppler
from tests.domain import recorded_item

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
ROUND = "round-cse-2026"
ROUND_NAME = "Joint targeted area inspections, spring 2026: sexual exploitation and missing children"
OFSTED, CQC, HMIC, HMIP, HMIPR = (
    Inspectorate.OFSTED,
    Inspectorate.CQC,
    Inspectorate.HMIC,
    Inspectorate.HMI_PROBATION,
    Inspectorate.HMI_PRISONS,
)
LA, HEALTH, POLICE, PROBATION, YOT, CUSTODY, PARTNERSHIP, LSCB = (
    Agency.LOCAL_AUTHORITY,
    Agency.HEALTH,
    Agency.POLICE,
    Agency.PROBATION,
    Agency.YOUTH_OFFENDING_TEAM,
    Agency.CUSTODY,
    Agency.PARTNERSHIP,
    Agency.LSCB,
)
# The marking that opens the combined report: a draft, quality-assured, to be agreed (ISSUES below).
DRAFTED = (
    "> **DRAFT — not for publication: draft 1, quality-assured, to be agreed by every inspectorate taking "
    "part**\n\n"
)


# Recording event logs.


class Log:
    """One inspection's events as envelopes, numbered and timed deterministically."""

    def __init__(self, inspection_id: str, started: datetime) -> None:
        self.inspection_id = inspection_id
        self.started = started
        self.recorded: list[Envelope] = []
        self.versions: Counter[str] = Counter()

    def __call__(
        self, stream: str, event: Event, by: Inspectorate | None = OFSTED, role: str = "inspector"
    ) -> None:
        self.versions[stream] += 1
        number = len(self.recorded) + 1
        self.recorded.append(
            Envelope(
                event_id=f"{self.inspection_id}-{number:04d}",
                event_type=event.event_type,
                schema_version=event.schema_version,
                stream_id=stream,
                stream_version=self.versions[stream],
                inspection_id=getattr(event, "inspection_id", None),
                occurred_at=self.started + timedelta(minutes=7 * number),
                actor=Actor(inspectorate=by, role=role, user=f"{by or 'platform'}-{role}"),
                correlation_id=f"{self.inspection_id}-correlation",
                payload=event.model_dump(mode="json"),
            )
        )

    def envelopes(self) -> list[Envelope]:
        """As `handlers.events_of` orders them: the inspection's streams, then the board register."""
        order: Callable[[Envelope], tuple[str, int]] = lambda e: (e.stream_id, e.stream_version)  # noqa: E731
        inspection = sorted((e for e in self.recorded if e.inspection_id is not None), key=order)
        register = sorted((e for e in self.recorded if e.inspection_id is None), key=order)
        return inspection + register

    # Helpers for each context's streams.

    def scheduled(self, **fields: object) -> None:
        self(f"inspection-{self.inspection_id}", InspectionScheduled.model_validate(fields))

    def item(
        self,
        item_id: str,
        by: Inspectorate,
        agency: Agency,
        area: str,
        bearing: Bearing,
        case: str | None,
        criteria: Sequence[str] = (),
    ) -> None:
        recorded = recorded_item(
            item_id, by, agency, area, bearing, case, inspection_id=self.inspection_id, criteria=criteria
        )
        self(f"evidence-item-{item_id}", recorded, by)

    def finding(self, finding_id: str, kind: FindingKind, to: Agency, text: str, ids: list[str]) -> None:
        self(
            f"findings-{self.inspection_id}",
            FindingRecorded(
                inspection_id=self.inspection_id,
                finding_id=finding_id,
                kind=kind,
                addressed_to=to,
                text=text,
                evidence_item_ids=ids,
            ),
        )

    def propose(
        self, agency: Agency, area: str, grade: Grade | None, text: str, ids: list[str], **derived: object
    ) -> None:
        """`derived`: what the limiting rules derive, and the rationale for departing from it."""
        self(
            f"judgements-{self.inspection_id}",
            JudgementProposed.model_validate(
                {
                    "inspection_id": self.inspection_id,
                    "agency": agency,
                    "judgement_area": area,
                    "grade": grade,
                    "text": text,
                    "evidence_item_ids": ids,
                    **derived,
                }
            ),
        )

    def step(
        self,
        agency: Agency,
        area: str,
        *steps: type[JudgementModerated | JudgementQualityAssured | JudgementFinalised],
    ) -> None:
        for kind in steps:
            self(
                f"judgements-{self.inspection_id}",
                kind(inspection_id=self.inspection_id, agency=agency, judgement_area=area),
            )

    def final(
        self, agency: Agency, area: str, grade: Grade | None, text: str, ids: list[str], **derived: object
    ) -> None:
        self.propose(agency, area, grade, text, ids, **derived)
        self.step(agency, area, JudgementModerated, JudgementQualityAssured, JudgementFinalised)

    def lscb(self, event: Event, by: Inspectorate = OFSTED) -> None:
        self(f"lscb-evaluation-{self.inspection_id}", event, by)

    def team(self, *lead: tuple[str, Inspectorate, str], weeks: Sequence[int] = (1,)) -> None:
        """Each inspector registered by name, then assigned to the inspection, in this order."""
        for inspector_id, by, name in lead:
            self(
                f"inspector-{inspector_id}",
                InspectorRegistered(inspector_id=inspector_id, inspectorate=by, name=name),
                by,
                "scheduler",
            )
        scheduled = next(e for e in self.recorded if e.event_type == InspectionScheduled.event_type)
        starts = date.fromisoformat(str(scheduled.payload["fieldwork_starts"]))
        for inspector_id, by, _ in lead:
            self(
                f"inspection-{self.inspection_id}",
                InspectorAssigned(
                    inspection_id=self.inspection_id,
                    inspector_id=inspector_id,
                    inspectorate=by,
                    weeks=list(weeks),
                    on_site=[Period(starts=starts, ends=starts + timedelta(days=4))],
                ),
                by,
                "scheduler",
            )

    def board(self, event: Event) -> None:
        assert isinstance(event, BoardOfficerAppointed | BoardPartnerJoined)
        self(f"lscb-board-{event.area_code}", event, None, "lscb_register")


def jtai_log(inspection_id: str = "jtai-wakefield", second: bool = False) -> list[Envelope]:
    """A joint targeted area inspection in Wakefield (or, `second`, Leeds) on the round's theme."""
    area, code, starts = (
        ("Leeds", "E08000035", date(2026, 3, 16)) if second else ("Wakefield", "E08000036", date(2026, 3, 9))
    )
    log = Log(inspection_id, datetime(2026, 2, 20, 9, tzinfo=UTC))
    prefix = "LDS" if second else "WKF"
    log.scheduled(
        inspection_id=inspection_id,
        programme="jtai-2015",
        area_code=code,
        local_area=area,
        round_id=ROUND,
        deep_dive_theme="cse_and_missing",
        announced=True,
        fieldwork_starts=starts,
        fieldwork_ends=starts + timedelta(days=4),
        notice_date=starts - timedelta(days=12),
        inspectorates=[OFSTED, CQC, HMIC, HMIP],
        agencies={LA: OFSTED, HEALTH: CQC, POLICE: HMIC, PROBATION: HMIP},
    )
    log.team(
        (f"{prefix}-ofsted-1", OFSTED, "Ruth Okafor HMI"),
        (f"{prefix}-ofsted-2", OFSTED, "James Whitfield HMI"),
        (f"{prefix}-cqc-1", CQC, "Łukasz Wróbel-Nguyễn, children's services inspector"),
        (f"{prefix}-hmic-1", HMIC, "David Lowe, HM Inspector of Constabulary"),
    )
    notified = datetime.combine(starts - timedelta(days=12), datetime.min.time(), UTC) + timedelta(hours=9)
    for minute, (recipient, agency, by) in enumerate(
        [
            (Recipient.LSCB_CHAIR, None, OFSTED),
            (Recipient.AGENCY_SENIOR_LEADER, POLICE, HMIC),
            (Recipient.AGENCY_SENIOR_LEADER, LA, OFSTED),
        ]
    ):
        log(
            f"inspection-{inspection_id}",
            NotificationRecorded(
                inspection_id=inspection_id,
                recipient=recipient,
                agency=agency,
                notified_by=by,
                notified_at=notified + timedelta(minutes=minute),
                addressee=None,
            ),
            by,
        )
    log.item("ev-1", OFSTED, LA, "identification_and_referral", Bearing.STRENGTH, f"{prefix}-0101")
    log.item("ev-2", HMIC, POLICE, "identification_and_referral", Bearing.STRENGTH, f"{prefix}-0101")
    log.item("ev-3", OFSTED, LA, "deep_dive", Bearing.WEAKNESS, f"{prefix}-0102")
    log.item("ev-4", HMIC, POLICE, "deep_dive", Bearing.WEAKNESS, f"{prefix}-0102")
    log.item("ev-5", CQC, HEALTH, "assessment_and_decision_making", Bearing.WEAKNESS, f"{prefix}-0103")
    log.item("ev-6", OFSTED, LSCB, "leadership_and_lscb", Bearing.STRENGTH, None)
    log.item("ev-7", HMIP, PROBATION, "deep_dive", Bearing.STRENGTH, f"{prefix}-0104")
    log(
        "evidence-item-ev-7",
        EvidenceItemWithdrawn(
            inspection_id=inspection_id,
            evidence_item_id="ev-7",
            inspectorate=HMIP,
            inspector="p-1",
            reason="recorded twice",
        ),
        HMIP,
    )
    log(
        f"evidence-file-{inspection_id}",
        SampleCaseAdded(
            inspection_id=inspection_id,
            sample="shared",
            case_reference=f"{prefix}-0105",
            added_by=OFSTED,
            reason="Deep-dive cohort: missing three times",
        ),
    )
    there = "in Leeds " if second else ""
    log.finding(
        "f-1",
        FindingKind.KEY_STRENGTH,
        PARTNERSHIP,
        f"Agencies at the front door {there}share information quickly and make timely decisions "
        "about referrals.",
        ["ev-1", "ev-2"],
    )
    log.finding(
        "f-2",
        FindingKind.AREA_FOR_PRIORITY_ACTION,
        POLICE,
        "Consider exploitation in every risk assessment of a child who goes missing.",
        ["ev-4", "ev-3"],
    )
    log.finding(
        "f-3",
        FindingKind.AREA_FOR_DEVELOPMENT,
        HEALTH,
        "Health partners should share chronologies with the front door.",
        ["ev-5"],
    )
    if second:
        log.finding(
            "f-4",
            FindingKind.AREA_FOR_DEVELOPMENT,
            LA,
            "Offer every child who goes missing a return home interview within three days.",
            ["ev-3"],
        )
    text = "The board holds partners to account through its sexual exploitation subgroup."
    log.lscb(
        LscbJudgementProposed(
            inspection_id=inspection_id, proposal=1, grade=None, text=text, evidence_item_ids=["ev-6"]
        )
    )
    for by in (OFSTED, CQC, HMIC, HMIP):
        log.lscb(LscbJudgementSignedOff(inspection_id=inspection_id, inspectorate=by, proposal=1), by)
    log.lscb(
        LscbJudgementFinalised(
            inspection_id=inspection_id,
            proposal=1,
            grade=None,
            text=text,
            evidence_item_ids=["ev-6"],
            signed_off_by=[OFSTED, CQC, HMIC, HMIP],
        )
    )
    log.board(
        BoardOfficerAppointed(
            area_code=code, local_area=area, office=Office.CHAIR, name=f"Dr A. Chair of {area}"
        )
    )
    return log.envelopes()


def integrated_log() -> list[Envelope]:
    """An integrated inspection with the joint LSCB inspection in Leeds (004)."""
    iid = "integrated-leeds"
    log = Log(iid, datetime(2026, 9, 7, 8, tzinfo=UTC))
    log.scheduled(
        inspection_id=iid,
        programme="integrated-2014",
        area_code="E08000035",
        local_area="Leeds",
        deep_dive_theme=None,
        announced=False,
        fieldwork_starts=date(2026, 9, 7),
        fieldwork_ends=date(2026, 10, 2),
        notice_date=date(2026, 9, 7),
        inspectorates=[OFSTED, CQC, HMIC, HMIP],
        agencies={LA: OFSTED, HEALTH: CQC, POLICE: HMIC, PROBATION: HMIP, YOT: HMIP},
    )
    log(
        f"inspection-{iid}",
        InspectorateJoined(
            inspection_id=iid,
            inspectorate=HMIPR,
            condition="requested",
            reason="advice on children placed in custody outside the area",
            agencies=[CUSTODY],
        ),
    )
    log.item("la-1", OFSTED, LA, "help_and_protection", Bearing.STRENGTH, "LDS-2001")
    log.item("la-2", OFSTED, LA, "looked_after", Bearing.WEAKNESS, "LDS-2002")
    log.item("la-3", OFSTED, LA, "adoption_performance", Bearing.STRENGTH, None)
    log.item("he-1", CQC, HEALTH, "help_and_protection", Bearing.STRENGTH, "LDS-2001", ["68a"])
    log.item("he-2", CQC, HEALTH, "looked_after", Bearing.AREA_FOR_IMPROVEMENT, "LDS-2003")
    log.item("po-1", HMIC, POLICE, "help_and_protection", Bearing.WEAKNESS, "LDS-2002")
    log.item("po-2", HMIC, POLICE, "leadership", Bearing.STRENGTH, None)
    log.item("pr-1", HMIP, PROBATION, "help_and_protection", Bearing.STRENGTH, "LDS-2004")
    log.item("pr-2", HMIP, PROBATION, "leadership", Bearing.STRENGTH, None, ["89a", "90b"])
    log.item("yo-1", HMIP, YOT, "leadership", Bearing.WEAKNESS, "LDS-2005")
    log.item("cu-1", HMIPR, CUSTODY, "looked_after", Bearing.STRENGTH, "LDS-2006")
    log.item("ls-1", OFSTED, LSCB, "lscb", Bearing.STRENGTH, None, ["115a"])
    log.item("ls-2", CQC, LSCB, "lscb", Bearing.WEAKNESS, None, ["115c"])
    log(
        "evidence-item-he-2",
        EvidenceItemAmended(
            inspection_id=iid,
            evidence_item_id="he-2",
            inspectorate=CQC,
            inspector="cqc-inspector",
            agency=HEALTH,
            activity=Activity.CASE_TRACKING,
            judgement_area="looked_after",
            bearing=Bearing.WEAKNESS,
            case_reference="LDS-2007",
            summary="An amended inspector's account (evidence text)",
            reason="wrong case",
        ),
        CQC,
    )
    log.finding(
        "f-1",
        FindingKind.KEY_STRENGTH,
        PARTNERSHIP,
        "Partners share a clear understanding of thresholds for help and protection.",
        ["la-1", "he-1"],
    )
    log.finding(
        "f-2",
        FindingKind.KEY_STRENGTH,
        POLICE,
        "Senior police leaders give child protection a high and visible priority.",
        ["po-2"],
    )
    log.finding(
        "f-3",
        FindingKind.AREA_FOR_IMPROVEMENT,
        LA,
        "Make sure that care plans for children looked after are reviewed on time.",
        ["la-2"],
    )
    log.finding(
        "f-4",
        FindingKind.AREA_FOR_IMPROVEMENT,
        HEALTH,
        "Complete initial health assessments for children coming into care within 28 days.",
        ["he-2"],
    )
    log.finding(
        "f-5",
        FindingKind.AREA_FOR_IMPROVEMENT,
        POLICE,
        "Record the voice of the child in every domestic abuse incident attended.",
        ["po-1"],
    )
    good, ri, inadequate = Grade.GOOD, Grade.REQUIRES_IMPROVEMENT, Grade.INADEQUATE
    log.final(LA, "help_and_protection", good, "Children who need help are identified early.", ["la-1"])
    log.final(
        LA, "looked_after", ri, "Care plans for children looked after are not always reviewed.", ["la-2"]
    )
    log.final(LA, "achieving_permanence", good, "Children achieve permanence without delay.", ["la-3"])
    log.propose(LA, "adoption_performance", Grade.OUTSTANDING, "Adoption text not yet agreed.", ["la-3"])
    log.step(LA, "adoption_performance", JudgementModerated)
    log.final(LA, "care_leavers", good, "Care leavers are well supported into adulthood.", ["la-2"])
    log.final(LA, "leadership", good, "Leaders know their services well.", ["la-1", "la-2"])
    log.final(
        LA, "overall_effectiveness", ri, "Services for children require improvement to be good.", ["la-1"]
    )
    log.final(HEALTH, "help_and_protection", good, "Health practitioners recognise risk well.", ["he-1"])
    log.final(HEALTH, "looked_after", ri, "Health assessments of children in care are late.", ["he-2"])
    log.final(HEALTH, "leadership", good, "Designated professionals lead safeguarding well.", ["he-1"])
    log.final(
        HEALTH, "overall_effectiveness", good, "Health services for children are good.", ["he-1", "he-2"]
    )
    log.final(
        POLICE,
        "help_and_protection",
        inadequate,
        "Risk to children at domestic abuse incidents is missed.",
        ["po-1"],
    )
    log.final(
        POLICE,
        "leadership",
        ri,
        "Police leaders have begun to address the weaknesses.",
        ["po-2"],
        derived_grade=inadequate,
        limiting_rules=[
            AppliedRule(
                rule_id="police-leadership",
                source="004 §81",
                leads_to=inadequate,
                because=["help_and_protection"],
            )
        ],
        rationale=(
            "Leaders found the failure themselves and a new triage of domestic abuse incidents is in place"
        ),
    )
    # Revised after it was final: the report keeps the final content until the revision is final too.
    log(
        f"judgements-{iid}",
        JudgementRevised(
            inspection_id=iid,
            agency=POLICE,
            judgement_area="leadership",
            grade=Grade.GOOD,
            text="Revised police leadership text awaiting moderation.",
            evidence_item_ids=["po-2"],
            reason="new evidence from the force",
        ),
    )
    log.step(POLICE, "leadership", JudgementModerated)
    log.final(
        POLICE, "overall_effectiveness", inadequate, "Police services for children are inadequate.", ["po-1"]
    )
    log.final(
        PROBATION, "help_and_protection", None, "Offender managers share information promptly.", ["pr-1"]
    )
    log.final(
        PROBATION,
        "leadership",
        None,
        "Managers check every case with a child at risk, and leaders sit on the board.",
        ["pr-2"],
    )
    log.propose(YOT, "leadership", None, "Youth offending team narrative not yet agreed.", ["yo-1"])
    log.final(
        CUSTODY, "looked_after", None, "Children placed in custody keep their looked-after status.", ["cu-1"]
    )
    log.lscb(
        LscbFindingContributed(
            inspection_id=iid,
            contribution_id="c-1",
            inspectorate=OFSTED,
            criterion="115a",
            bearing=Bearing.STRENGTH,
            attributed_to=LSCB,
            text="The board's priorities are built into a clear delivery plan.",
            evidence_item_ids=["ls-1"],
        )
    )
    log.lscb(
        LscbFindingContributed(
            inspection_id=iid,
            contribution_id="c-2",
            inspectorate=CQC,
            criterion="115c",
            bearing=Bearing.WEAKNESS,
            attributed_to=HEALTH,
            text="Health partners are rarely challenged at the board about late health assessments.",
            evidence_item_ids=["ls-2"],
        ),
        CQC,
    )
    log.lscb(
        LscbFindingContributed(
            inspection_id=iid,
            contribution_id="c-3",
            inspectorate=HMIC,
            criterion="115c",
            bearing=Bearing.STRENGTH,
            attributed_to=POLICE,
            text="The police hold other partners to account at the board.",
            evidence_item_ids=["po-2"],
        ),
        HMIC,
    )
    log.lscb(
        LscbFindingContributed(
            inspection_id=iid,
            contribution_id="c-4",
            inspectorate=HMIP,
            criterion=None,
            bearing=Bearing.AREA_FOR_IMPROVEMENT,
            attributed_to=PARTNERSHIP,
            text="Probation is not yet represented on the board's audit subgroup.",
            evidence_item_ids=["pr-1"],
        ),
        HMIP,
    )
    text = "The board requires improvement: its monitoring of front-line practice is not yet effective."
    log.lscb(
        LscbJudgementProposed(
            inspection_id=iid,
            proposal=1,
            grade=Grade.REQUIRES_IMPROVEMENT,
            text=text,
            evidence_item_ids=["ls-1", "ls-2"],
        )
    )
    for by in (OFSTED, CQC, HMIC, HMIP, HMIPR):
        log.lscb(LscbJudgementSignedOff(inspection_id=iid, inspectorate=by, proposal=1), by)
    log.lscb(
        LscbJudgementFinalised(
            inspection_id=iid,
            proposal=1,
            grade=Grade.REQUIRES_IMPROVEMENT,
            text=text,
            evidence_item_ids=["ls-1", "ls-2"],
            signed_off_by=[OFSTED, CQC, HMIC, HMIP, HMIPR],
        )
    )
    log.board(
        BoardOfficerAppointed(
            area_code="E08000035", local_area="Leeds", office=Office.CHAIR, name="Ms B. Chair"
        )
    )
    log.board(
        BoardPartnerJoined(
            area_code="E08000035",
            local_area="Leeds",
            agency=POLICE,
            organisation="West Yorkshire Police",
            senior_leader="Jane Smith",  # the report names her (001 Proposal four; 004 §41)
        )
    )
    return log.envelopes()


def macp_log() -> list[Envelope]:
    """A joint inspection of multi-agency arrangements for the protection of children in Bradford (002)."""
    iid = "macp-bradford"
    log = Log(iid, datetime(2026, 5, 11, 8, tzinfo=UTC))
    log.scheduled(
        inspection_id=iid,
        programme="macp-2012",
        area_code="E08000032",
        local_area="Bradford",
        deep_dive_theme=None,
        announced=False,
        fieldwork_starts=date(2026, 5, 11),
        fieldwork_ends=date(2026, 5, 22),
        notice_date=date(2026, 5, 11),
        inspectorates=[OFSTED, CQC, HMIC, HMIP],
        agencies={LA: OFSTED, HEALTH: CQC, POLICE: HMIC, PROBATION: HMIP, YOT: HMIP},
    )
    # Unannounced (002 §34): the chair is told as inspectors arrive; that is no notice of the inspection.
    log(
        f"inspection-{iid}",
        NotificationRecorded(
            inspection_id=iid,
            recipient=Recipient.LSCB_CHAIR,
            agency=None,
            notified_by=OFSTED,
            notified_at=datetime(2026, 5, 11, 8, 30, tzinfo=UTC),
            addressee=None,
        ),
    )
    # HMCPSI's triggered activity on the CPS's part in two cases (002 §33).
    log(
        f"inspection-{iid}",
        InspectorateJoined(
            inspection_id=iid,
            inspectorate=Inspectorate.HMCPSI,
            condition="triggered",
            reason="concerns about charging decisions in two cases",
            agencies=[Agency.CPS],
        ),
    )
    log.item("m-1", OFSTED, PARTNERSHIP, "help_and_protection", Bearing.STRENGTH, "BFD-3001")
    log.item("m-7", Inspectorate.HMCPSI, Agency.CPS, "quality_of_practice", Bearing.WEAKNESS, "BFD-3001")
    log.item("m-2", HMIC, POLICE, "quality_of_practice", Bearing.WEAKNESS, "BFD-3001")
    log.item("m-3", CQC, HEALTH, "quality_of_practice", Bearing.STRENGTH, "BFD-3002")
    log.item("m-4", HMIP, PROBATION, "help_and_protection", Bearing.STRENGTH, None)
    log.item("m-5", OFSTED, LSCB, "leadership", Bearing.WEAKNESS, None)
    log.item("m-6", OFSTED, LA, "leadership", Bearing.STRENGTH, None)
    adequate, good = Grade.ADEQUATE, Grade.GOOD
    log.final(
        PARTNERSHIP, "help_and_protection", good, "Children get the right help at the right time.", ["m-1"]
    )
    log.final(
        PARTNERSHIP,
        "quality_of_practice",
        adequate,
        "The quality of practice varies between agencies.",
        ["m-2", "m-3"],
    )
    log.final(PARTNERSHIP, "leadership", adequate, "Partnership governance is developing.", ["m-5", "m-6"])
    # An item the leadership judgement cites is withdrawn: flagged, it stays the judgement of record.
    log(
        "evidence-item-m-6",
        EvidenceItemWithdrawn(
            inspection_id=iid,
            evidence_item_id="m-6",
            inspectorate=OFSTED,
            inspector="o-1",
            reason="wrong area",
        ),
    )
    log(
        f"judgements-{iid}",
        JudgementFlaggedForReview(
            inspection_id=iid,
            agency=PARTNERSHIP,
            judgement_area="leadership",
            evidence_item_id="m-6",
            reason="cited evidence withdrawn",
        ),
        None,
        "platform",
    )
    log.final(
        PARTNERSHIP,
        "overall_effectiveness",
        adequate,
        "Arrangements to protect children are adequate.",
        ["m-1", "m-2"],
    )
    log.final(LA, "help_and_protection", None, "Social workers know their children well.", ["m-1"])
    log.final(HEALTH, "quality_of_practice", None, "Health visitors identify risk early.", ["m-3"])
    log.final(POLICE, "quality_of_practice", None, "Officers do not always refer concerns promptly.", ["m-2"])
    log.propose(PROBATION, "help_and_protection", None, "Probation commentary not yet agreed.", ["m-4"])
    log.final(
        Agency.CPS,
        "quality_of_practice",
        None,
        "Charging decisions in cases of children as victims are sometimes delayed.",
        ["m-7"],
    )
    log.finding(
        "f-1",
        FindingKind.KEY_STRENGTH,
        PARTNERSHIP,
        "Strategy discussions happen promptly and include every agency.",
        ["m-1"],
    )
    log.finding(
        "f-2",
        FindingKind.AREA_FOR_IMPROVEMENT,
        POLICE,
        "Refer every child protection concern on the day it arises.",
        ["m-2"],
    )
    text = "The board's oversight of multi-agency audit is not yet effective."
    log.lscb(
        LscbJudgementProposed(inspection_id=iid, proposal=1, grade=None, text=text, evidence_item_ids=["m-5"])
    )
    for by in (OFSTED, CQC, HMIC, HMIP):
        log.lscb(LscbJudgementSignedOff(inspection_id=iid, inspectorate=by, proposal=1), by)
    log.lscb(
        LscbJudgementFinalised(
            inspection_id=iid,
            proposal=1,
            grade=None,
            text=text,
            evidence_item_ids=["m-5"],
            signed_off_by=[OFSTED, CQC, HMIC, HMIP],
        )
    )
    return log.envelopes()


def cla_log() -> list[Envelope]:
    """An inspection of services for children looked after and care leavers in Kent (003)."""
    iid = "cla-kent"
    log = Log(iid, datetime(2026, 6, 8, 8, tzinfo=UTC))
    log.scheduled(
        inspection_id=iid,
        programme="cla-2012",
        area_code="E10000016",
        local_area="Kent",
        deep_dive_theme=None,
        announced=False,
        fieldwork_starts=date(2026, 6, 8),
        fieldwork_ends=date(2026, 6, 19),
        notice_date=date(2026, 6, 8),
        inspectorates=[OFSTED, CQC],
        agencies={LA: OFSTED, HEALTH: CQC},
    )
    log.team(("knt-ofsted-1", OFSTED, "Gillian Marsh HMI"), ("knt-cqc-1", CQC, "Aisha Rahman"), weeks=(1, 2))
    log.item("k-1", OFSTED, LA, "outcomes", Bearing.STRENGTH, "KNT-4001")
    log.item("k-2", OFSTED, LA, "adoption_performance", Bearing.WEAKNESS, "KNT-4002")
    log.item("k-3", CQC, HEALTH, "outcomes", Bearing.STRENGTH, "KNT-4003")
    log.item("k-4", OFSTED, LA, "leadership", Bearing.STRENGTH, None)
    log.item("k-5", CQC, HEALTH, "outcomes", Bearing.WEAKNESS, "KNT-4004")
    good, adequate = Grade.GOOD, Grade.ADEQUATE
    log.final(LA, "outcomes", good, "Children looked after do well at school.", ["k-1", "k-3"])
    log.final(LA, "quality_of_practice", good, "Social workers visit children regularly.", ["k-1"])
    log.final(LA, "achieving_permanence", good, "Most children find permanent homes quickly.", ["k-1"])
    log.final(LA, "adoption_performance", adequate, "Adoption takes longer than it should.", ["k-2"])
    log.final(LA, "leadership", good, "Corporate parenting is taken seriously.", ["k-4"])
    log.propose(LA, "overall_effectiveness", good, "Overall text still in moderation.", ["k-1"])
    log.finding(
        "f-1",
        FindingKind.KEY_STRENGTH,
        LA,
        "Children looked after are listened to and their views change plans.",
        ["k-1"],
    )
    log.finding(
        "f-2",
        FindingKind.AREA_FOR_IMPROVEMENT,
        LA,
        "Reduce the time children wait to be matched for adoption.",
        ["k-2"],
    )
    # CQC's part: the health services for children looked after (003), in narrative, with findings.
    log.final(
        HEALTH,
        "outcomes",
        None,
        "Initial health assessments are timely, but care leavers leave care without their health history.",
        ["k-3", "k-5"],
    )
    log.finding(
        "f-3",
        FindingKind.KEY_STRENGTH,
        HEALTH,
        "Every child coming into care has an initial health assessment within 20 working days.",
        ["k-3"],
    )
    log.finding(
        "f-4",
        FindingKind.AREA_FOR_IMPROVEMENT,
        HEALTH,
        "Give every care leaver a summary of their health history.",
        ["k-5"],
    )
    return log.envelopes()


def targeted_log() -> list[Envelope]:
    """Ofsted's targeted inspection of the local authority and the LSCB in Wakefield (001 Part 2)."""
    iid = "targeted-wakefield"
    log = Log(iid, datetime(2026, 10, 14, 9, tzinfo=UTC))
    starts = date(2026, 11, 2)
    log.scheduled(
        inspection_id=iid,
        programme="targeted-2015",
        area_code="E08000036",
        local_area="Wakefield",
        deep_dive_theme="neglect",
        announced=True,
        fieldwork_starts=starts,
        fieldwork_ends=starts + timedelta(days=4),
        notice_date=date(2026, 10, 21),
        inspectorates=[OFSTED],
        agencies={LA: OFSTED},
    )
    for minute, (recipient, agency) in enumerate(
        [(Recipient.LSCB_CHAIR, None), (Recipient.AGENCY_SENIOR_LEADER, LA)]
    ):
        log(
            f"inspection-{iid}",
            NotificationRecorded(
                inspection_id=iid,
                recipient=recipient,
                agency=agency,
                notified_by=OFSTED,
                notified_at=datetime(2026, 10, 21, 9, minute, tzinfo=UTC),
                addressee=None,
            ),
        )
    log.item("t-1", OFSTED, LA, "identification_and_referral", Bearing.STRENGTH, "WKF-5001")
    log.item("t-2", OFSTED, LA, "deep_dive", Bearing.WEAKNESS, "WKF-5002")
    log.item("t-3", OFSTED, LSCB, "leadership_and_lscb", Bearing.WEAKNESS, None)
    log.finding(
        "f-1",
        FindingKind.KEY_STRENGTH,
        LA,
        "Referrals about neglect are screened on the day they arrive.",
        ["t-1"],
    )
    log.finding(
        "f-2",
        FindingKind.AREA_FOR_PRIORITY_ACTION,
        LA,
        "Use a tool that measures the cumulative effect of neglect in every assessment.",
        ["t-2"],
    )
    log.finding(
        "f-3",
        FindingKind.AREA_FOR_DEVELOPMENT,
        LSCB,
        "Audit how well neglect is recognised before children are referred.",
        ["t-3"],
    )
    text = "The board has made neglect a priority but does not yet know whether its strategy works."
    log.lscb(
        LscbJudgementProposed(inspection_id=iid, proposal=1, grade=None, text=text, evidence_item_ids=["t-3"])
    )
    log.lscb(LscbJudgementSignedOff(inspection_id=iid, inspectorate=OFSTED, proposal=1))
    log.lscb(
        LscbJudgementFinalised(
            inspection_id=iid,
            proposal=1,
            grade=None,
            text=text,
            evidence_item_ids=["t-3"],
            signed_off_by=[OFSTED],
        )
    )
    log.board(
        BoardOfficerAppointed(
            area_code="E08000036",
            local_area="Wakefield",
            office=Office.CHAIR,
            name="Łukasz Wróbel-Nguyễn",
        )
    )
    log.board(
        BoardPartnerJoined(
            area_code="E08000036", local_area="Wakefield", agency=LA, organisation="Wakefield Council"
        )
    )
    return log.envelopes()


def overview_log() -> list[Envelope]:
    """Two inspections of one JTAI round."""
    return [*jtai_log("jtai-leeds", second=True), *jtai_log()]


BUILDERS: dict[str, Callable[[], list[Envelope]]] = {
    "findings_letter": jtai_log,
    "combined_report": integrated_log,
    "single_report": macp_log,
    "report": cla_log,
    "targeted_letter": targeted_log,
    "overview": overview_log,
}
NAMES = list(BUILDERS)
# A PDF's golden file is its pages as a reader sees them (pdftotext -layout): headers, page breaks and
# tables show in the diff. That its bytes are the same every time is tested in test_documents_pdf.py.
FORMATS = {Format.MARKDOWN: "md", Format.HTML: "html", Format.PDF: "pdf.txt"}


@cache
def recorded(name: str) -> tuple[Envelope, ...]:
    path = GOLDEN / f"{name}.events.jsonl"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text("".join(e.model_dump_json() + "\n" for e in BUILDERS[name]()))
    if not path.exists():
        pytest.fail(f"{path} is missing: run UPDATE_GOLDEN=1 uv run pytest {Path(__file__).name}")
    return tuple(Envelope.model_validate_json(line) for line in path.read_text().splitlines() if line)


def events(name: str) -> list[Event]:
    return [CATALOGUE.decode(e) for e in recorded(name)]


def inspections_of(envelopes: Sequence[Envelope]) -> list[list[Event]]:
    """Each inspection's events, then its area's register, as `handlers.events_of` gives them."""
    by_inspection: dict[str, list[Event]] = defaultdict(list)
    register: dict[str, list[Event]] = defaultdict(list)
    inspectors: list[Event] = []
    for envelope in envelopes:
        if envelope.event_type == InspectorRegistered.event_type:
            inspectors.append(CATALOGUE.decode(envelope))
        elif envelope.inspection_id is None:
            register[str(envelope.payload["area_code"])].append(CATALOGUE.decode(envelope))
        else:
            by_inspection[envelope.inspection_id].append(CATALOGUE.decode(envelope))
    result = []
    for found in by_inspection.values():
        code = next(e.area_code for e in found if isinstance(e, InspectionScheduled))
        result.append([*found, *register[code], *inspectors])
    return result


# Where each golden document stands in its report's lifecycle, as the reporting service reads it
# (services/reporting/rendering/issue.py): the JTAI letter published with its action plan asked for, the
# CLA report made final, the others drafts at a step of their lifecycle, marked as such on every page.
ISSUES: dict[str, Issue] = {
    "findings_letter": Issue(
        final=True,
        step="",
        issued_on=date(2026, 4, 10),
        action_plan=ActionPlan(led_by=LA, due_on=date(2026, 7, 17)),
    ),
    "report": Issue(final=True, step="", issued_on=date(2026, 7, 24)),
    "combined_report": Issue(
        final=False, step="draft 1, quality-assured, to be agreed by every inspectorate taking part"
    ),
    "single_report": LIVE,
    "targeted_letter": Issue(
        final=False,
        step="draft 1, sent to Łukasz Wróbel-Nguyễn, chair of the LSCB, for factual accuracy",
    ),
}


def render(name: str, fmt: Format) -> bytes:
    if name == "overview":
        return render_overview(ROUND, inspections_of(recorded(name)), fmt, round_name=ROUND_NAME)
    return render_report(events(name), fmt, issue=ISSUES[name])


def text(name: str, fmt: Format = Format.MARKDOWN) -> str:
    return render(name, fmt).decode()


def pdf_text(pdf: bytes) -> bytes:
    """The text of the PDF, as a reader copies it out (pdftotext)."""
    return poppler.text(pdf).encode()


def section(document: str, heading: str) -> str:
    """The text from `heading` to the next heading of the same or a higher level."""
    level = heading.split(" ", 1)[0]
    start = document.index(heading + "\n") + len(heading) + 1
    higher = re.compile(rf"^#{{1,{len(level)}}} ", re.MULTILINE)
    ends = [m.start() for m in higher.finditer(document[start:])]
    return document[start : start + ends[0]] if ends else document[start:]


# Golden files.


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("name", NAMES)
def test_each_kind_renders_as_its_golden_file(name: str, fmt: Format) -> None:
    rendered = render(name, fmt)
    if fmt is Format.PDF:
        rendered = poppler.text(rendered, layout=True).encode()
    path = GOLDEN / f"{name}.{FORMATS[fmt]}"
    if UPDATE:
        path.write_bytes(rendered)
    assert rendered == path.read_bytes(), f"{path.name} differs: UPDATE_GOLDEN=1 rewrites it, review the diff"


def test_the_jtai_golden_letter_is_the_findings_letter_with_what_its_lifecycle_adds() -> None:
    content = render_report(events("findings_letter"), Format.MARKDOWN).decode()
    golden = (GOLDEN / "findings_letter.md").read_text()
    issued = "**Date of issue:** Friday 10 April 2026  \n"
    steps = golden[golden.index("## Next steps\n") : golden.index("Yours sincerely,")]
    assert issued in golden
    assert "leads the written statement of proposed action" in steps
    assert golden.replace(issued, "").replace(steps, "") == content


def test_every_format_has_a_media_type() -> None:
    assert set(MEDIA_TYPES) == set(Format)
    assert MEDIA_TYPES[Format.MARKDOWN] == "text/markdown; charset=utf-8"
    assert MEDIA_TYPES[Format.LARGE_PRINT] == MEDIA_TYPES[Format.HTML] == "text/html; charset=utf-8"
    assert MEDIA_TYPES[Format.PDF] == "application/pdf"


# Data protection (domain.md).


@pytest.mark.parametrize("name", NAMES)
def test_no_case_reference_and_no_evidence_text_appears_in_any_format(name: str) -> None:
    decoded = events(name)
    references = case_references(decoded)
    summaries = [str(e.summary) for e in decoded if isinstance(e, EvidenceItemRecorded | EvidenceItemAmended)]
    assert references
    assert summaries
    for fmt in Format:
        rendered = render(name, fmt)
        searched = pdf_text(rendered) if fmt is Format.PDF else rendered
        for secret in [*references, *summaries]:
            assert secret.encode() not in searched, (fmt, secret)
    assert b"evidence text" not in pdf_text(render(name, Format.PDF))


def test_a_case_reference_quoted_in_a_finding_is_withheld() -> None:
    decoded = events("findings_letter")
    quoted = FindingRecorded(
        inspection_id="jtai-wakefield",
        finding_id="f-q",
        kind=FindingKind.KEY_STRENGTH,
        addressed_to=POLICE,
        text="In WKF-0102 the officer acted quickly; compare WKF-01020.",
        evidence_item_ids=["ev-2"],
    )
    for fmt in Format:
        rendered = render_report([*decoded, quoted], fmt)
        searched = pdf_text(rendered) if fmt is Format.PDF else rendered
        assert b"WKF-0102 " not in searched
    letter = render_report([*decoded, quoted], Format.MARKDOWN).decode()
    assert f"In {WITHHELD} the officer acted quickly; compare WKF-01020." in letter


# Accessible HTML.


@pytest.mark.parametrize("name", NAMES)
def test_the_html_is_an_accessible_page_with_one_h1(name: str) -> None:
    html = text(name, Format.HTML)
    markdown = text(name)
    assert html.startswith('<!DOCTYPE html>\n<html lang="en-GB">')
    h1 = next(line for line in markdown.splitlines() if line.startswith("# ")).removeprefix("# ")
    draft = name in ISSUES and not ISSUES[name].final
    assert f"<title>{'DRAFT: ' if draft else ''}{h1}</title>" in html
    assert html.count("<h1>") == 1
    assert html.count("<h1") == 1
    assert '<a class="skip-link" href="#content">' in html
    assert '<main id="content" tabindex="-1">' in html
    assert html.index('class="skip-link"') < html.index("<main")
    assert "<script" not in html


@pytest.mark.parametrize("name", NAMES)
def test_every_heading_hierarchy_has_one_h1_and_skips_no_level(name: str) -> None:
    levels = [len(m.group(1)) for m in re.finditer(r"^(#{1,6}) ", text(name), re.MULTILINE)]
    assert levels[0] == 1
    assert levels.count(1) == 1
    for above, below in itertools.pairwise(levels):
        assert below <= above + 1, levels


@pytest.mark.parametrize("name", NAMES)
def test_large_print_differs_only_in_its_style(name: str) -> None:
    standard, large = text(name, Format.HTML), text(name, Format.LARGE_PRINT)
    style = re.compile(r"<style>.*?</style>", re.DOTALL)
    assert standard != large
    assert style.sub("", standard) == style.sub("", large)
    assert "font-size: 150%" in large
    assert "font-size: 100%" in standard


def test_markup_that_an_inspector_typed_is_shown_as_text() -> None:
    decoded = events("findings_letter")
    typed = FindingRecorded(
        inspection_id="jtai-wakefield",
        finding_id="f-x",
        kind=FindingKind.KEY_STRENGTH,
        addressed_to=POLICE,
        text="Officers <script>alert(1)</script> respond well.",
        evidence_item_ids=["ev-2"],
    )
    html = render_report([*decoded, typed], Format.HTML).decode()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# Determinism.


def _interleave(envelopes: Sequence[Envelope], seed: int) -> list[Event]:
    """The events in another arrival order: streams interleaved at random, each stream kept in order."""
    streams: dict[str, list[Envelope]] = defaultdict(list)
    for envelope in envelopes:
        streams[envelope.stream_id].append(envelope)
    queues = [list(s) for s in streams.values()]
    rng = random.Random(seed)
    merged: list[Event] = []
    while any(queues):
        queue = rng.choice([q for q in queues if q])
        merged.append(CATALOGUE.decode(queue.pop(0)))
    return merged


@pytest.mark.parametrize("name", [n for n in NAMES if n != "overview"])
def test_the_same_events_in_another_arrival_order_give_the_same_bytes(name: str) -> None:
    expected = {fmt: render(name, fmt) for fmt in Format}
    for seed in range(5):
        reordered = _interleave(recorded(name), seed)
        assert reordered != events(name)
        for fmt in Format:
            assert render_report(reordered, fmt, issue=ISSUES[name]) == expected[fmt], (seed, fmt)


def test_the_overview_does_not_depend_on_the_order_of_its_inspections() -> None:
    inspections = inspections_of(recorded("overview"))
    for fmt in Format:
        assert render_overview(ROUND, inspections[::-1], fmt, round_name=ROUND_NAME) == render(
            "overview", fmt
        )


# Judgements: only final content is published.


def test_a_judgement_not_yet_final_is_not_shown_as_final() -> None:
    report = text("combined_report")
    assert "Adoption performance" not in section(report, "## Reports on each agency").split("\n\nOfsted's")[0]
    assert (
        "Ofsted's judgement on adoption performance is still to be made final, and will appear here when "
        "it is." in section(report, "### The local authority")
    )
    assert "Adoption text not yet agreed." not in report
    assert "Outstanding" not in report
    cla = text("report")
    assert "**Overall effectiveness" not in cla
    assert "Ofsted's judgement on overall effectiveness is still to be made final" in cla
    assert "Overall text still in moderation." not in cla


def test_a_judgement_revised_after_it_was_final_shows_its_final_content_until_final_again() -> None:
    decoded = events("combined_report")
    before = render_report(decoded, Format.MARKDOWN).decode()
    police = section(before, "### The police")
    assert (
        "**Leadership, management and governance: Requires improvement.** Police leaders have begun" in police
    )
    assert "Revised police leadership text" not in before
    refinalised = [
        *decoded,
        JudgementQualityAssured(inspection_id="integrated-leeds", agency=POLICE, judgement_area="leadership"),
        JudgementFinalised(inspection_id="integrated-leeds", agency=POLICE, judgement_area="leadership"),
    ]
    after = section(render_report(refinalised, Format.MARKDOWN).decode(), "### The police")
    assert "**Leadership, management and governance: Good.** Revised police leadership text" in after
    assert "Police leaders have begun" not in after


def test_a_judgement_flagged_for_review_still_shows_its_final_content() -> None:
    report = text("single_report")
    assert (
        "**Leadership, governance and partnership: Adequate.** Partnership governance is developing."
        in report
    )


def test_judgement_folding_keeps_the_content_that_was_finalised() -> None:
    records = model.fold_judgements(events("combined_report"))
    leadership = records[(POLICE, "leadership")]
    assert leadership.final is not None
    assert leadership.final.text.startswith("Police leaders")
    assert leadership.latest.text.startswith("Revised police leadership")
    assert records[(LA, "adoption_performance")].final is None
    flagged = model.fold_judgements(events("single_report"))[(PARTNERSHIP, "leadership")]
    assert flagged.flagged
    assert flagged.final is not None


# What each kind says.


def test_the_combined_report_summarises_findings_by_agency_and_makes_no_aggregate_judgement() -> None:
    report = text("combined_report")
    assert report.removeprefix(DRAFTED).startswith(
        "# Integrated inspection of services for children in need of help and protection"
    )
    assert "There is no aggregate judgement of the area" in report
    together = section(report, "### How well agencies work together")
    assert "1. Partners share a clear understanding of thresholds" in together
    strengths = section(report, "### Key strengths of each agency")
    assert "#### For the police" in strengths
    assert "For the local partnership" not in strengths  # how agencies work together, above
    improvements = section(report, "### Areas for improvement of each agency")
    for heading in ("#### For the local authority", "#### For health services", "#### For the police"):
        assert heading in improvements
    assert (
        "**To:** Ms B. Chair, chair of the Leeds Local Safeguarding Children Board; the Director of "
        "Children's Services in Leeds;" in report
    )
    # by name and role, as the board register names her (001 Proposal four)
    assert "; Jane Smith, Chief Constable, West Yorkshire Police;" in report


def test_the_combined_report_has_each_agency_in_the_programme_order_with_sub_judgements_indented() -> None:
    report = text("combined_report")
    agencies = [
        "### The local authority",
        "### Health services",
        "### The police",
        "### Probation services",
        "### The youth offending team",
        "### Custodial establishments",
    ]
    assert [report.index(h) for h in agencies] == sorted(report.index(h) for h in agencies)
    local = section(report, "### The local authority")
    lines = [line for line in local.splitlines() if line.lstrip().startswith("- **")]
    titles = [line.split("**")[1].split(":")[0] for line in lines]
    assert titles == [
        "The overall effectiveness of services and arrangements for children",
        "The experiences and progress of children who need help and protection",
        "The experiences and progress of children looked after and care leavers",
        "Achieving permanence",
        "The experiences and progress of care leavers",
        "Leadership, management and governance",
    ]  # adoption performance is not final: left out of the list
    assert [line.startswith("  - ") for line in lines] == [False, False, False, True, True, False]
    assert "A cumulative judgement, drawn from the judgements on the experiences and progress" in lines[0]
    assert "Requires improvement" in lines[0]
    police = section(report, "### The police")
    assert "children looked after" not in police  # the police are not judged on it (004 §41)
    assert "help and protection and leadership, management and governance." in police


def test_the_combined_report_gives_the_narrative_of_ungraded_agencies() -> None:
    report = text("combined_report")
    probation = section(report, "### Probation services")
    assert (
        "Reported by HM Inspectorate of Probation against the criteria, in narrative, with no grade."
        in probation
    )
    assert "Offender managers share information promptly." in probation
    youth = section(report, "### The youth offending team")
    assert (
        "HM Inspectorate of Probation's commentary on leadership, management and governance is still to be "
        "made final, and will appear here when it is." in youth
    )
    assert "not yet agreed" not in youth
    custody = section(report, "### Custodial establishments")
    assert "Reported by HM Inspectorate of Prisons" in custody


def test_the_joint_lscb_report_shows_the_shared_grade_who_agreed_and_findings_by_criterion() -> None:
    report = text("combined_report")
    board = section(report, "## The joint report on the Local Safeguarding Children Board")
    assert board.startswith("\n**Requires improvement.** The board requires improvement")
    assert (
        "agreed by Ofsted, the Care Quality Commission, HM Inspectorate of Constabulary, HM Inspectorate "
        in board
    )
    criterion = section(report, "#### Criterion 115 c")
    assert "> Partners hold each other to account" in criterion
    assert "- **Weakness**, attributed to health services: Health partners are rarely challenged" in criterion
    assert "- **Strength**, attributed to the police: The police hold other partners" in criterion
    assert "Contributed by HM Inspectorate of Constabulary" in criterion
    other = section(report, "#### Other findings about the board")
    assert "attributed to the local partnership" in other
    assert "No findings have been contributed" not in board
    assert "115 b" not in board  # a criterion with nothing contributed is left out


def test_the_single_report_has_the_shared_judgements_sections_from_each_inspectorate_and_findings() -> None:
    report = text("single_report")
    shared = section(report, "## The shared judgements")
    for line in (
        "- **Overall effectiveness of multi-agency work to protect children and young people: Adequate.**",
        "- **The effectiveness of help and protection: Good.**",
        "- **The quality of practice: Adequate.**",
    ):
        assert line in shared
    order = ["## The shared judgements", "## Short sections from each inspectorate", "## Key strengths"]
    assert [report.index(h) for h in order] == sorted(report.index(h) for h in order)
    sections = section(report, "## Short sections from each inspectorate")
    assert (
        "### Ofsted\n\n#### The local authority\n\n- **The effectiveness of help and protection.** Social"
        in sections
    )
    assert "Officers do not always refer concerns promptly." in section(report, "#### The police")
    assert (
        "HM Inspectorate of Probation's commentary on the effectiveness of help and protection is still to "
        "be made final, and will appear here when it is." in sections
    )
    assert (
        "HM Inspectorate of Probation has made no separate commentary on the youth offending team."
        in sections
    )
    assert "1. Refer every child protection concern" in section(report, "## Areas for improvement")
    assert "It makes no separate judgement on any one agency." in report
    board = section(report, "## The effectiveness of the Local Safeguarding Children Board")
    assert "part of the judgement on leadership, governance and partnership" in board


def test_the_cla_report_has_five_judgements_and_the_adoption_sub_judgement() -> None:
    report = text("report")
    judgements = section(report, "## The judgements")
    assert "  - **Adoption performance: Adequate.** Adoption takes longer than it should." in judgements
    assert judgements.index("- **Achieving permanence for children: Good.**") < judgements.index(
        "  - **Adoption"
    )
    assert judgements.count("\n- **") == 4  # overall effectiveness is not final yet
    # To the local authority and its health partners: the board is not in a CLA inspection's scope (003).
    assert (
        "**To:** the Director of Children's Services in Kent and the Accountable Officer for health services "
        "in Kent  \n" in report
    )
    assert "Local Safeguarding Children Board" not in report


def test_grades_are_shown_as_words() -> None:
    for name in ("combined_report", "single_report", "report"):
        report = text(name)
        assert not re.search(r"requires_improvement|\b(good|adequate|inadequate|outstanding)\.\*\*", report)
    assert "Requires improvement" in text("combined_report")


def test_a_targeted_inspection_by_ofsted_alone_is_a_letter_that_does_not_say_together() -> None:
    scheduled = InspectionScheduled(
        inspection_id="targeted-1",
        programme="targeted-2015",
        area_code="E08000036",
        local_area="Wakefield",
        deep_dive_theme="neglect",
        announced=True,
        fieldwork_starts=date(2026, 3, 9),
        fieldwork_ends=date(2026, 3, 13),
        notice_date=date(2026, 2, 25),
        inspectorates=[OFSTED],
        agencies={LA: OFSTED},
    )
    letter = render_report([scheduled], Format.MARKDOWN).decode()
    assert (
        "Ofsted inspected the local authority's response to all forms of abuse and neglect in Wakefield"
        in letter
    )
    assert "together" not in letter
    assert "deep dive into the experiences of child neglect." in letter


# The overview of a round.


def test_the_overview_gives_each_area_its_strengths_and_lessons() -> None:
    overview = text("overview")
    assert overview.startswith(f"# {ROUND_NAME}\n")
    assert overview.index("## Wakefield") < overview.index("## Leeds")  # by fieldwork date
    leeds = section(overview, "## Leeds")
    assert "Agencies at the front door in Leeds share information" in section(leeds, "### Key strengths")
    assert "Offer every child who goes missing" in section(leeds, "### Areas for development")
    assert "Consider exploitation" in section(leeds, "### Areas for priority action")
    assert "| Leeds | Monday 16 March 2026 to Friday 20 March 2026 | 1 | 1 | 2 |" in overview


def test_the_overview_draws_out_lessons_on_the_deep_dive_and_groups_findings_by_addressee() -> None:
    overview = text("overview")
    deep = section(overview, "## Lessons specific to the deep-dive theme")
    assert "- **Wakefield, area for priority action:** Consider exploitation" in deep
    assert "- **Leeds, area for development:** Offer every child" in deep
    assert "Health partners should share" not in deep  # stands on no deep-dive evidence
    assert "front door" not in deep  # a strength, not a lesson
    addressed = section(overview, "## Findings across the round, by whom they are addressed to")
    police = section(addressed, "### For the police")
    assert "- **Wakefield:** Consider exploitation" in police
    assert "- **Leeds:** Consider exploitation" in police
    assert addressed.index("### For the local partnership") < addressed.index("### For the local authority")


def test_the_overview_refuses_inspections_it_cannot_cover() -> None:
    inspections = inspections_of(recorded("overview"))
    with pytest.raises(ValueError, match="belongs to round"):
        render_overview("another-round", inspections, Format.MARKDOWN)
    with pytest.raises(ValueError, match="no overview report per round"):
        render_overview(ROUND, [events("combined_report")], Format.MARKDOWN)
    with pytest.raises(ValueError, match="InspectionScheduled"):
        render_overview(
            ROUND, [[e for e in inspections[0] if not isinstance(e, InspectionScheduled)]], Format.MARKDOWN
        )
    empty = render_overview(ROUND, [], Format.MARKDOWN, theme_title="child neglect").decode()
    assert "No inspection of this round is included in the overview yet." in empty
    assert render_overview(ROUND, [], Format.PDF, theme_title="child neglect").startswith(b"%PDF-")


# No inspection, no document.


@pytest.mark.parametrize("fmt", list(Format))
def test_without_an_inspection_scheduled_there_is_no_document(fmt: Format) -> None:
    without = [e for e in events("combined_report") if not isinstance(e, InspectionScheduled)]
    with pytest.raises(ValueError, match="no InspectionScheduled"):
        render_report(without, fmt)
