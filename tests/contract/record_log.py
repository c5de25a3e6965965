"""Builds tests/contract/log-2026-11.jsonl: the platform's events as published in November 2026, one
envelope per line (`Envelope.to_json()`), for tests/unit/test_recorded_log.py to replay.

Every event type of the catalogue appears at its schema version of the time, with the payloads the
services wrote: a round of joint targeted area inspections and its Wakefield inspection from notice to the
action plan, an integrated inspection of Leeds (moved once, graded judgements returned, flagged and
revised, the LSCB judgement disputed then agreed), a targeted inspection of Calderdale cancelled before
notice, and an earlier joint inspection of Bradford that still holds events of older versions (a
NotificationRecorded v1 written before the LSCB register named anyone, and an LscbEvaluationRecorded).
Wakefield's narrative LSCB judgement and Leeds's first flag for review are version 1 events, written before
a final judgement carried its descriptor and a flag could be raised by a limiting rule; Leeds's graded LSCB
judgement carries its descriptor (004 §117), and its police leadership, revised after the police's overall
judgement was final, flags that one for review (004 §79): both version 2, appended last (`leeds_revised`).
Wakefield's partners joined the board at version 1, before the register named senior leaders; the council
joins again with its senior leader named, version 2, appended last of all (`wakefield_leader`).
Scheduling's own decisions (dates, meetings, bookings, the round's picks) come from its domain functions;
the other events are written as the services write them. Each stream's envelopes chain by digest.

Run by hand only, never to make a failing test pass: the log is history, and a test that fails on it has
found a change that reads old events differently.

    uv run python tests/contract/record_log.py
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from services.evidence.domain import evidence_file, evidence_item, lines_of_enquiry
from services.judgement.domain import findings, judgements
from services.lscb.domain import board_register as board
from services.lscb.domain import evaluation
from services.reporting.domain import lifecycle
from services.reporting.projections import KEPT_TYPES
from services.reporting.rendering.documents import Format, render_report
from services.scheduling.domain import inspection, team
from services.scheduling.domain.area_calendar import Calendar, area_stream, evolve_calendar
from services.scheduling.domain.inspection import (
    Cancel,
    Changes,
    Reschedule,
    ScheduleInspection,
    cancel,
    evolve,
    inspection_stream,
    reschedule,
    schedule,
)
from services.scheduling.domain.inspector_diary import Diary, evolve_diary, inspector_stream
from services.scheduling.domain.round import PlanRound, Round, evolve_round, plan, round_stream
from services.scheduling.domain.team import Assign
from shared.language.areas import find, register
from shared.language.contracts.evidence import (
    Activity,
    Bearing,
    EvidenceGatheringClosed,
    EvidenceItemAmended,
    EvidenceItemRecorded,
    EvidenceItemWithdrawn,
    LineOfEnquiryAnswered,
    LineOfEnquiryClosed,
    LineOfEnquiryRaised,
    Meeting,
    SampleCaseAdded,
    SampleCaseRemoved,
)
from shared.language.contracts.judgement import (
    FindingKind,
    FindingRecorded,
    JudgementFinalised,
    JudgementFlaggedForReview,
    JudgementModerated,
    JudgementProposed,
    JudgementQualityAssured,
    JudgementReturned,
    JudgementRevised,
    JudgementStatus,
)
from shared.language.contracts.lscb import (
    BoardOfficerAbsent,
    BoardOfficerAppointed,
    BoardOfficerLeft,
    BoardOfficerReturned,
    BoardPartnerJoined,
    BoardPartnerLeft,
    LscbDisputeResolved,
    LscbEvaluationRecorded,
    LscbFindingContributed,
    LscbJudgementDisputed,
    LscbJudgementFinalised,
    LscbJudgementProposed,
    LscbJudgementSignedOff,
    Office,
)
from shared.language.contracts.reporting import (
    ActionPlanProgressRecorded,
    ActionPlanReceived,
    ActionPlanRequested,
    Decision,
    FactualAccuracyPointDecided,
    FactualAccuracyResponseReceived,
    Point,
    ReportAgreed,
    ReportDrafted,
    ReportFinalised,
    ReportPublished,
    ReportQualityAssured,
    ReportSentToLscb,
)
from shared.language.contracts.scheduling import (
    Concern,
    InspectionScheduled,
    InspectorateJoined,
    InspectorRegistered,
    InspectorUnavailable,
    NotificationRecorded,
    Period,
    Recipient,
)
from shared.language.contracts.vocabulary import Agency, Grade
from shared.language.programmes import catalogue
from shared.mechanics.catalogue import Event
from shared.mechanics.decider import fold
from shared.mechanics.envelope import Actor, Envelope, Inspectorate
from shared.views.cited_evidence import CitedItem
from shared.views.inspections import Inspection

OUT = Path(__file__).with_name("log-2026-11.jsonl")
WAKEFIELD_DCS = "Marcus Bell"  # Wakefield's Director of Children's Services, as the register names him
IDS = uuid.UUID("5d1c3c55-6f1e-4c3b-9a57-0b1d2c3e4f50")  # names every id below, so the log is the same

OFSTED, CQC, HMIC = Inspectorate.OFSTED, Inspectorate.CQC, Inspectorate.HMIC
HMIP, PRISONS, HMCPSI = Inspectorate.HMI_PROBATION, Inspectorate.HMI_PRISONS, Inspectorate.HMCPSI
LA, HEALTH, POLICE, PROBATION = Agency.LOCAL_AUTHORITY, Agency.HEALTH, Agency.POLICE, Agency.PROBATION
CUSTODY, CPS, LSCB, PARTNERSHIP = Agency.CUSTODY, Agency.CPS, Agency.LSCB, Agency.PARTNERSHIP

LEAD = Actor(inspectorate=OFSTED, role="lead_inspector", user="ofsted-lead-jw")
ADMIN = Actor(inspectorate=OFSTED, role="register_administrator", user="ofsted-admin-2")
PLATFORM = Actor(inspectorate=None, role="platform", user="judgement-service")
INSPECTORS = {
    OFSTED: Actor(inspectorate=OFSTED, role="inspector", user="ofsted-hm-14"),
    CQC: Actor(inspectorate=CQC, role="inspector", user="cqc-7"),
    HMIC: Actor(inspectorate=HMIC, role="inspector", user="hmic-3"),
    HMIP: Actor(inspectorate=HMIP, role="inspector", user="probation-11"),
    PRISONS: Actor(inspectorate=PRISONS, role="inspector", user="prisons-4"),
    HMCPSI: Actor(inspectorate=HMCPSI, role="inspector", user="hmcpsi-1"),
}


def ident(name: str) -> str:
    return str(uuid.uuid5(IDS, name))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


class Log:
    """Envelopes as the event store writes them: numbered per stream, each naming its predecessor's digest."""

    def __init__(self, ids: str = "event") -> None:
        self.ids = ids  # names the event ids: another log names its own apart
        self.published: list[tuple[Envelope, Event]] = []
        self.heads: dict[str, Envelope] = {}

    def __call__(
        self,
        when: datetime,
        stream: str,
        events: Event | Iterable[Event],
        actor: Actor,
        *,
        cause: Envelope | None = None,
        older: tuple[int, dict[str, Any]] | None = None,
    ) -> Envelope:
        """Append `events` to `stream`; `older` writes the one event as an earlier schema version did
        (its version and payload). Returns the last envelope."""
        batch = [events] if isinstance(events, Event) else list(events)
        assert older is None or len(batch) == 1
        correlation = ident(f"command:{stream}:{when.isoformat()}")
        for event in batch:
            previous = self.heads.get(stream)
            version, payload = older or (event.schema_version, event.model_dump(mode="json"))
            envelope = Envelope(
                event_id=ident(f"{self.ids}:{len(self.published)}"),
                event_type=event.event_type,
                schema_version=version,
                stream_id=stream,
                stream_version=previous.stream_version + 1 if previous else 1,
                inspection_id=getattr(event, "inspection_id", None),
                occurred_at=when,
                actor=actor,
                correlation_id=cause.correlation_id if cause else correlation,
                causation_id=cause.event_id if cause else None,
                previous_hash=previous.digest() if previous else None,
                payload=payload,
            )
            self.published.append((envelope, event))
            self.heads[stream] = envelope
        return self.heads[stream]

    def changes(self, when: datetime, changes: Changes, actor: Actor, iid: str, code: str) -> None:
        """Scheduling's decision: the inspection's stream, then the area's calendar, then the diaries."""
        if changes.inspection:
            self(when, inspection_stream(iid), changes.inspection, actor)
        if changes.area:
            self(when, area_stream(code), changes.area, actor)
        for inspector, diary in changes.diaries.items():
            self(when, inspector_stream(inspector), diary, actor)

    def events_of(self, stream: str) -> list[Event]:
        return [e for env, e in self.published if env.stream_id == stream]

    def checksum(self, iid: str, code: str, until: datetime) -> str:
        """Of the Markdown the reporting service renders from the events it keeps (handlers.events_of) as at
        `until`: what a step of the report's lifecycle then applies to."""
        kept = [
            (env, e) for env, e in self.published if env.event_type in KEPT_TYPES and env.occurred_at <= until
        ]
        ordered = sorted(
            (x for x in kept if x[0].inspection_id == iid),
            key=lambda x: (x[0].stream_id, x[0].stream_version),
        )
        ordered += [x for x in kept if x[0].inspection_id is None and x[0].payload.get("area_code") == code]
        markdown = render_report([e for _, e in ordered], Format.MARKDOWN)
        return hashlib.sha256(markdown).hexdigest()

    def lines(self) -> str:
        for stream in self.heads:
            times = [env.occurred_at for env, _ in self.published if env.stream_id == stream]
            assert times == sorted(times), f"{stream}: appended out of time order"
        published = sorted(self.published, key=lambda x: x[0].occurred_at)  # stable: streams keep order
        return "".join(env.to_json().decode() + "\n" for env, _ in published)


def item(
    log: Log,
    when: datetime,
    iid: str,
    name: str,
    by: Inspectorate,
    agency: Agency,
    area: str,
    bearing: Bearing,
    summary: str,
    *,
    case: str | None = None,
    activity: Activity = Activity.CASE_TRACKING,
    criteria: Sequence[str] = (),
    meeting: Meeting | None = None,
) -> str:
    item_id = ident(f"item:{iid}:{name}")
    recorded = EvidenceItemRecorded(
        inspection_id=iid,
        evidence_item_id=item_id,
        inspectorate=by,
        inspector=INSPECTORS[by].user,
        agency=agency,
        activity=activity,
        meeting=meeting,
        judgement_area=area,
        criteria=list(criteria),
        bearing=bearing,
        case_reference=case,
        summary=summary,
    )
    log(when, evidence_item.item_stream(item_id), recorded, INSPECTORS[by])
    return item_id


def judged(
    log: Log,
    when: datetime,
    iid: str,
    agency: Agency,
    area: str,
    grade: Grade | None,
    text: str,
    cited: list[str],
    *,
    steps: int = 3,
    by: Inspectorate = OFSTED,
    **content: Any,
) -> None:
    """Proposed by the judging inspectorate, then moderated, quality-assured and finalised an hour apart."""
    stream = judgements.stream_id(iid)
    proposed = JudgementProposed(
        inspection_id=iid,
        agency=agency,
        judgement_area=area,
        grade=grade,
        text=text,
        evidence_item_ids=cited,
        **content,
    )
    log(when, stream, proposed, INSPECTORS[by])
    advance(log, when, iid, agency, area, steps, by)


def advance(
    log: Log, when: datetime, iid: str, agency: Agency, area: str, steps: int, by: Inspectorate
) -> None:
    stream = judgements.stream_id(iid)
    kinds = (JudgementModerated, JudgementQualityAssured, JudgementFinalised)
    actors = (LEAD, LEAD, INSPECTORS[by])
    for n, (kind, actor) in enumerate(zip(kinds[:steps], actors, strict=False), start=1):
        log(
            when + timedelta(hours=n),
            stream,
            kind(inspection_id=iid, agency=agency, judgement_area=area),
            actor,
        )


def record_items(log: Log, iid: str, start: date, rows: Sequence[tuple[Any, ...]]) -> dict[str, str]:
    """Each row: name, days from `start`, hour, inspectorate, agency, judgement area, bearing, text, case
    reference, then optionally the activity (a tracked case), criteria (none) and meeting (none)."""
    found = {}
    for name, days, hour, by, agency, area, bearing, text, case, *more in rows:
        given = [*more, *[Activity.CASE_TRACKING, [], None][len(more) :]]
        activity, criteria, meeting = given[0], given[1], given[2]
        when = at(start + timedelta(days=days), hour)
        found[name] = item(
            log, when, iid, name, by, agency, area, bearing, text,
            case=case, activity=activity, criteria=criteria, meeting=meeting,
        )  # fmt: skip
    return found


WAKEFIELD_ITEMS: tuple[tuple[Any, ...], ...] = (
    ("joint-audit", -6, 14, OFSTED, PARTNERSHIP, "deep_dive", Bearing.AREA_FOR_IMPROVEMENT,
     "The area's joint audit of the deep-dive cases found return home interviews offered in half of them.",
     "WKF-0101", Activity.JOINT_AUDIT),
    ("front-door-la", 0, 11, OFSTED, LA, "identification_and_referral", Bearing.STRENGTH,
     "Referrals about children missing from home are screened the same day, with police checks.", "WKF-0101"),
    ("front-door-police", 0, 14, HMIC, POLICE, "identification_and_referral", Bearing.STRENGTH,
     "Officers in the multi-agency hub share missing-person reports with social care within hours.",
     "WKF-0101"),
    ("front-door-health", 1, 10, CQC, HEALTH, "identification_and_referral", Bearing.STRENGTH,
     "The hub's health practitioner adds the child's health history to every strategy discussion.", None,
     Activity.PRACTICE_OBSERVATION),
    ("police-risk", 1, 15, HMIC, POLICE, "deep_dive", Bearing.WEAKNESS,
     "Risk assessments after the child's last two missing episodes did not consider sexual exploitation.",
     "WKF-0102"),
    ("la-return-interviews", 2, 10, OFSTED, LA, "deep_dive", Bearing.WEAKNESS,
     "No return home interview was offered after the child's last missing episode.", "WKF-0102"),
    ("health-chronology", 2, 14, CQC, HEALTH, "assessment_and_decision_making", Bearing.STRENGTH,
     "Sexual health services' chronology was shared at the strategy meeting.", "WKF-0102",
     Activity.MEETING_OBSERVATION, [], Meeting.STRATEGY_MEETING),
    ("probation", 3, 11, HMIP, PROBATION, "deep_dive", Bearing.STRENGTH,
     "The offender manager of a suspected perpetrator shared licence conditions with the hub.", "WKF-0102",
     Activity.CASE_SAMPLING),
    ("board", 3, 15, OFSTED, LSCB, "leadership_and_lscb", Bearing.STRENGTH,
     "The board's exploitation subgroup tracks every child missing three times or more.", None,
     Activity.DISCUSSION_WITH_MANAGER),
)  # fmt: skip


# --- before the register: Bradford, a joint inspection of 2012's framework --------------------------


def bradford(log: Log) -> None:
    programme, area = catalogue()["macp-2012"], find("Bradford")
    assert area is not None
    iid = ident("inspection:bradford")
    day = date(2026, 4, 20)
    changes = schedule(
        Calendar(),
        ScheduleInspection(iid, programme, area, None, date(2026, 5, 11), OFSTED, day),
    )
    log.changes(at(day, 10), changes, LEAD, iid, area.code)
    # Written by a scheduling service of the time: NotificationRecorded v1, no addressee.
    told = NotificationRecorded(
        inspection_id=iid,
        recipient=Recipient.LSCB_CHAIR,
        agency=None,
        notified_by=OFSTED,
        notified_at=at(date(2026, 5, 11), 8, 30),
        addressee=None,
    )
    v1 = {k: v for k, v in told.model_dump(mode="json").items() if k != "addressee"}
    log(at(date(2026, 5, 11), 8, 31), inspection_stream(iid), told, LEAD, older=(1, v1))
    first = item(
        log,
        at(date(2026, 5, 12), 11),
        iid,
        "strategy",
        OFSTED,
        PARTNERSHIP,
        "help_and_protection",
        Bearing.STRENGTH,
        "Strategy discussions in the cases tracked were held within a day and included the police and "
        "health practitioners.",
        case="BFD-3001",
    )
    board_item = item(
        log,
        at(date(2026, 5, 13), 15),
        iid,
        "board",
        OFSTED,
        LSCB,
        "leadership",
        Bearing.WEAKNESS,
        "The board's multi-agency audits have not looked at neglect for two years.",
        activity=Activity.PERFORMANCE_DATA,
    )
    joined = InspectorateJoined(
        inspection_id=iid,
        inspectorate=HMCPSI,
        condition="triggered",
        reason="Charging decisions in two tracked cases took more than six months",
        agencies=[CPS],
    )
    log(at(date(2026, 5, 14), 9), inspection_stream(iid), joined, LEAD)
    judged(
        log,
        at(date(2026, 5, 26), 10),
        iid,
        PARTNERSHIP,
        "help_and_protection",
        Grade.GOOD,
        "Children in need of help and protection get it quickly, from agencies that work together.",
        [first],
    )
    recorded = LscbEvaluationRecorded(
        inspection_id=iid,
        summary="The board knows the area's strengths but has not tested the quality of practice in neglect.",
        evidence_item_ids=[board_item],
    )
    log(at(date(2026, 5, 29), 12), evaluation.stream_id(iid), recorded, LEAD)


# --- the JTAI round and its Wakefield inspection, from notice to the action plan ----------------------


def round_and_inspectors(log: Log) -> tuple[str, dict[str, str]]:
    jtai, wakefield = catalogue()["jtai-2015"], find("Wakefield")
    assert wakefield is not None
    concern = Concern(
        area_code=wakefield.code, inspectorate=HMIC, concern="Children repeatedly missing from home"
    )
    planned = plan(
        register(),
        PlanRound(
            ident("round:cse"),
            jtai,
            "JTAI 2026-27: child sexual exploitation and missing",
            4,
            "cse_and_missing",
            "jtai-2026-27",
            (),
            (concern,),
        ),
    )
    log(at(date(2026, 6, 1), 14), round_stream(planned.round_id), planned, LEAD)
    inspectors = {"ofsted": ident("inspector:ofsted"), "cqc": ident("inspector:cqc")}
    for key, by, name in (("ofsted", OFSTED, "Jo Whitfield HMI"), ("cqc", CQC, "Priya Natarajan")):
        registered = InspectorRegistered(inspector_id=inspectors[key], inspectorate=by, name=name)
        log(at(date(2026, 6, 15), 9), inspector_stream(inspectors[key]), registered, LEAD)
    away = InspectorUnavailable(
        inspector_id=inspectors["cqc"],
        period=Period(starts=date(2026, 8, 3), ends=date(2026, 8, 14)),
        reason="Annual leave",
    )
    log(at(date(2026, 6, 16), 9), inspector_stream(inspectors["cqc"]), away, INSPECTORS[CQC])
    return planned.round_id, inspectors


def wakefield_register(log: Log) -> None:
    """Wakefield's register as written in June and July 2026: its partners joined at version 1, before the
    register could name their senior leaders."""
    area = find("Wakefield")
    assert area is not None
    stream, common = board.stream_id(area.code), {"area_code": area.code, "local_area": area.name}
    when = at(date(2026, 6, 20), 10)
    log(
        when,
        stream,
        [
            BoardOfficerAppointed(
                **common, office=Office.CHAIR, name="Dr Alex Morgan", contact="chair@wakefield-lscb.example"
            ),
            BoardOfficerAppointed(
                **common,
                office=Office.BUSINESS_MANAGER,
                name="Sam Patel",
                contact="business.manager@wakefield-lscb.example",
            ),
        ],
        ADMIN,
    )
    for partner in (
        BoardPartnerJoined(**common, agency=LA, organisation="Wakefield Council"),
        BoardPartnerJoined(
            **common, agency=HEALTH, organisation="NHS Wakefield Clinical Commissioning Group"
        ),
        BoardPartnerJoined(**common, agency=POLICE, organisation="West Yorkshire Police"),
        BoardPartnerJoined(**common, agency=PROBATION, organisation="National Probation Service"),
    ):
        joined_v1(log, when, stream, partner)
    when = at(date(2026, 7, 1), 9)
    left = BoardPartnerLeft(
        **common,
        agency=HEALTH,
        organisation="NHS Wakefield Clinical Commissioning Group",
        reason="Replaced by the integrated care board",
    )
    log(when, stream, left, ADMIN)
    joined_v1(
        log,
        when,
        stream,
        BoardPartnerJoined(**common, agency=HEALTH, organisation="NHS West Yorkshire Integrated Care Board"),
    )


def joined_v1(log: Log, when: datetime, stream: str, partner: BoardPartnerJoined) -> None:
    """A partner joining as version 1 wrote it: no senior leader's name."""
    v1 = partner.model_dump(mode="json", exclude={"senior_leader"})
    log(when, stream, partner, ADMIN, older=(1, v1))


def wakefield_leader(log: Log) -> None:
    """The register names the council's senior leader: Wakefield Council joins again, its Director of
    Children's Services named (BoardPartnerJoined v2, 001 Proposal four), appended last."""
    area = find("Wakefield")
    assert area is not None
    named = BoardPartnerJoined(
        area_code=area.code,
        local_area=area.name,
        agency=LA,
        organisation="Wakefield Council",
        senior_leader=WAKEFIELD_DCS,
    )
    log(at(date(2026, 11, 27), 10), board.stream_id(area.code), named, ADMIN)


def wakefield(log: Log, round_id: str, inspectors: dict[str, str]) -> None:
    programme, area = catalogue()["jtai-2015"], find("Wakefield")
    assert area is not None
    iid, code = ident("inspection:wakefield"), area.code
    rounds = log.events_of(round_stream(round_id))
    planned = fold(evolve_round, Round(), rounds).planned
    day = date(2026, 7, 1)
    command = ScheduleInspection(
        iid, programme, area, "cse_and_missing", date(2026, 9, 14), OFSTED, day, planned
    )
    log.changes(at(day, 11), schedule(Calendar(), command), LEAD, iid, code)
    for key, by, when in (("ofsted", OFSTED, at(day, 15)), ("cqc", CQC, at(date(2026, 7, 2), 10))):
        state = fold(evolve, inspection.Inspection(), log.events_of(f"inspection-{iid}"))
        diary = fold(
            evolve_diary,
            Diary(),
            log.events_of(inspector_stream(inspectors[key])),
        )
        assigned = team.assign(state, diary, Assign(programme, inspectors[key], (1,), by))
        log.changes(when, assigned, INSPECTORS[by], iid, code)

    # Notice: the chair first, by name from the register, then each agency's senior leader (001 Proposal two).
    stream = inspection_stream(iid)
    notice = date(2026, 9, 2)
    leaders: list[tuple[Recipient, Agency | None, Inspectorate, str | None]] = [
        (Recipient.LSCB_CHAIR, None, OFSTED, "Dr Alex Morgan")
    ]
    leaders += [
        (Recipient.AGENCY_SENIOR_LEADER, agency, by, None)
        for agency, by in ((LA, OFSTED), (HEALTH, CQC), (POLICE, HMIC), (PROBATION, HMIP))
    ]
    for minute, (recipient, agency, by, name) in enumerate(leaders):
        told = NotificationRecorded(
            inspection_id=iid,
            recipient=recipient,
            agency=agency,
            notified_by=by,
            notified_at=at(notice, 9, 10 * minute),
            addressee=name,
        )
        log(at(notice, 9, 10 * minute + 1), stream, told, INSPECTORS[by] if by is not OFSTED else LEAD)

    # The deep-dive cases, chosen during notice (001 Proposal two), one of them dropped.
    file = evidence_file.file_stream(iid)
    for n, (case, reason) in enumerate(
        (
            ("WKF-0101", "Deep-dive cohort: missing from home three times this year"),
            ("WKF-0102", "Deep-dive cohort: at risk of sexual exploitation, known to the police"),
            ("WKF-0103", "Deep-dive cohort: missing from a children's home placement"),
        )
    ):
        added = SampleCaseAdded(
            inspection_id=iid, sample="shared", case_reference=case, added_by=OFSTED, reason=reason
        )
        log(at(date(2026, 9, 3), 10, n), file, added, LEAD)
    removed = SampleCaseRemoved(
        inspection_id=iid,
        sample="shared",
        case_reference="WKF-0103",
        removed_by=OFSTED,
        reason="The child moved to another area's care before fieldwork",
    )
    log(at(date(2026, 9, 4), 9), file, removed, LEAD)
    # The area's joint audit during notice, then fieldwork, 14 to 18 September.
    week = date(2026, 9, 14)
    items = record_items(log, iid, week, WAKEFIELD_ITEMS)
    health, probation = items["health-chronology"], items["probation"]
    amended = EvidenceItemAmended(
        inspection_id=iid,
        evidence_item_id=health,
        inspectorate=CQC,
        inspector=INSPECTORS[CQC].user,
        agency=HEALTH,
        activity=Activity.MEETING_OBSERVATION,
        meeting=Meeting.STRATEGY_MEETING,
        judgement_area="assessment_and_decision_making",
        bearing=Bearing.AREA_FOR_IMPROVEMENT,
        case_reference="WKF-0102",
        summary="Sexual health services' chronology reached the strategy meeting only on the day, unread.",
        reason="The chronology was tabled, not shared beforehand",
    )
    log(at(week + timedelta(days=3), 9), evidence_item.item_stream(health), amended, INSPECTORS[CQC])
    withdrawn = EvidenceItemWithdrawn(
        inspection_id=iid,
        evidence_item_id=probation,
        inspectorate=HMIP,
        inspector=INSPECTORS[HMIP].user,
        reason="Recorded against the wrong case: the licence was another offender's",
    )
    log(at(week + timedelta(days=3), 12), evidence_item.item_stream(probation), withdrawn, INSPECTORS[HMIP])
    police_risk, la_risk, audit, board_item = (
        items["police-risk"], items["la-return-interviews"], items["joint-audit"], items["board"]
    )  # fmt: skip
    front_door = [items["front-door-la"], items["front-door-police"], items["front-door-health"]]

    line = ident(f"line:{iid}:police")
    raised = LineOfEnquiryRaised(
        inspection_id=iid,
        line_id=line,
        raised_by=CQC,
        agency=POLICE,
        case_reference="WKF-0102",
        question="Did the police consider exploitation when the child was found with older adults?",
    )
    log(at(week + timedelta(days=2), 16), lines_of_enquiry.line_stream(line), raised, INSPECTORS[CQC])
    answered = LineOfEnquiryAnswered(
        inspection_id=iid,
        line_id=line,
        answered_by=HMIC,
        evidence_item_ids=[police_risk],
        answer="No: the risk assessments recorded the child as a runaway only.",
    )
    log(at(week + timedelta(days=3), 10), lines_of_enquiry.line_stream(line), answered, INSPECTORS[HMIC])
    closed = LineOfEnquiryClosed(
        inspection_id=iid,
        line_id=line,
        closed_by=CQC,
        conclusion="Confirmed, and put to the police at the feedback meeting.",
    )
    log(at(week + timedelta(days=4), 9), lines_of_enquiry.line_stream(line), closed, INSPECTORS[CQC])
    close = EvidenceGatheringClosed(inspection_id=iid, closed_by=OFSTED, reason="Fieldwork is over")
    log(at(week + timedelta(days=4), 16), file, close, LEAD)

    # Findings (001 Proposal four: no graded judgement) and the board's narrative, agreed by all.
    found = findings.stream_id(iid)
    for n, (kind, to, text, cited) in enumerate(
        (
            (
                FindingKind.KEY_STRENGTH,
                PARTNERSHIP,
                "Agencies at the front door share information about children who go missing quickly and "
                "decide what to do the same day.",
                front_door,
            ),
            (
                FindingKind.AREA_FOR_PRIORITY_ACTION,
                POLICE,
                "Consider sexual exploitation in every risk assessment of a child who goes missing.",
                [police_risk],
            ),
            (
                FindingKind.AREA_FOR_PRIORITY_ACTION,
                LA,
                "Offer every child who goes missing a return home interview.",
                [la_risk, audit],
            ),
            (
                FindingKind.AREA_FOR_DEVELOPMENT,
                HEALTH,
                "Share health chronologies before strategy meetings, not at them.",
                [health],
            ),
        )
    ):
        finding = FindingRecorded(
            inspection_id=iid,
            finding_id=ident(f"finding:{iid}:{n}"),
            kind=kind,
            addressed_to=to,
            text=text,
            evidence_item_ids=cited,
        )
        log(at(date(2026, 9, 21), 10 + n), found, finding, LEAD)

    lscb_stream = evaluation.stream_id(iid)
    contributed = LscbFindingContributed(
        inspection_id=iid,
        contribution_id=ident(f"contribution:{iid}"),
        inspectorate=OFSTED,
        criterion=None,
        bearing=Bearing.STRENGTH,
        attributed_to=LSCB,
        text="The board's exploitation subgroup knows every child missing three times or more.",
        evidence_item_ids=[board_item],
    )
    log(at(date(2026, 9, 22), 10), lscb_stream, contributed, LEAD)
    narrative = (
        "The board holds partners to account for children who go missing through its exploitation subgroup."
    )
    proposed = LscbJudgementProposed(
        inspection_id=iid, proposal=1, grade=None, text=narrative, evidence_item_ids=[board_item]
    )
    log(at(date(2026, 9, 22), 11), lscb_stream, proposed, LEAD)
    taking_part = [OFSTED, CQC, HMIC, HMIP]
    for n, by in enumerate(taking_part):
        signed = LscbJudgementSignedOff(inspection_id=iid, inspectorate=by, proposal=1)
        log(at(date(2026, 9, 23), 9 + n), lscb_stream, signed, INSPECTORS[by])
    final = LscbJudgementFinalised(
        inspection_id=iid,
        proposal=1,
        grade=None,
        text=narrative,
        evidence_item_ids=[board_item],
        signed_off_by=taking_part,
    )
    v1 = final.model_dump(mode="json", exclude={"descriptor", "descriptor_source"})
    log(at(date(2026, 9, 24), 10), lscb_stream, final, LEAD, older=(1, v1))

    # The register: the chair away for a fortnight in October, so the draft goes to the business manager.
    common = {"area_code": code, "local_area": area.name}
    register_stream = board.stream_id(code)
    absent = BoardOfficerAbsent(
        **common, office=Office.CHAIR, absent_from=date(2026, 10, 5), absent_until=None, reason="Sick leave"
    )
    log(at(date(2026, 10, 2), 16), register_stream, absent, ADMIN)

    # The findings letter's lifecycle (001 Proposal four).
    report = lifecycle.stream_id(iid)
    checksum = log.checksum(iid, code, at(date(2026, 9, 28), 10))
    drafted = ReportDrafted(inspection_id=iid, draft=1, kind=programme.report.kind, checksum=checksum)
    log(at(date(2026, 9, 28), 10), report, drafted, LEAD)
    log(
        at(date(2026, 9, 30), 10),
        report,
        ReportQualityAssured(inspection_id=iid, draft=1, checksum=checksum),
        LEAD,
    )
    for n, by in enumerate(taking_part):
        agreed = ReportAgreed(inspection_id=iid, draft=1, inspectorate=by, checksum=checksum)
        log(at(date(2026, 10, 1), 10 + n), report, agreed, INSPECTORS[by] if by is not OFSTED else LEAD)
    sent = ReportSentToLscb(
        inspection_id=iid,
        draft=1,
        addressee="Sam Patel",
        office="business_manager",
        checksum=log.checksum(iid, code, at(date(2026, 10, 6), 9)),
    )
    log(at(date(2026, 10, 6), 9), report, sent, LEAD)
    back = BoardOfficerReturned(**common, office=Office.CHAIR, returned_on=date(2026, 10, 19))
    log(at(date(2026, 10, 19), 8), register_stream, back, ADMIN)
    response = FactualAccuracyResponseReceived(
        inspection_id=iid,
        responder="Sam Patel, on behalf of the Wakefield LSCB",
        points=[
            Point(point=1, section="Areas for priority action", text="The council offers return interviews."),
            Point(point=2, section=None, text="The exploitation subgroup was set up in 2025, not 2026."),
        ],
    )
    log(at(date(2026, 10, 13), 15), report, response, LEAD)
    for point, decision, reason in (
        (1, Decision.REJECTED, "The case records show no interview was offered after the last episode"),
        (2, Decision.ACCEPTED, "The letter does not date the subgroup: nothing to correct"),
    ):
        decided = FactualAccuracyPointDecided(
            inspection_id=iid, point=point, decision=decision, reason=reason, checksum=None
        )
        v1 = decided.model_dump(mode="json", exclude={"checksum"})
        log(at(date(2026, 10, 20), 10 + point), report, decided, LEAD, older=(1, v1))
    final_checksum = log.checksum(iid, code, at(date(2026, 10, 26), 10))
    log(at(date(2026, 10, 26), 10), report, ReportFinalised(inspection_id=iid, checksum=final_checksum), LEAD)
    for n, by in enumerate(taking_part):
        published = ReportPublished(inspection_id=iid, inspectorate=by, checksum=final_checksum)
        log(at(date(2026, 11, 2), 9, n), report, published, INSPECTORS[by] if by is not OFSTED else LEAD)
    requested = ActionPlanRequested(inspection_id=iid, led_by=LA, due_on=date(2027, 2, 1))
    log(at(date(2026, 11, 2), 11), report, requested, LEAD)
    log(
        at(date(2026, 11, 16), 10),
        report,
        ActionPlanReceived(inspection_id=iid, received_on=date(2026, 11, 16)),
        LEAD,
    )
    progress = ActionPlanProgressRecorded(
        inspection_id=iid,
        on=date(2026, 11, 20),
        note="Return home interviews are now commissioned from a single provider across the area.",
    )
    log(at(date(2026, 11, 20), 15), report, progress, LEAD)

    # The business manager leaves; a successor is appointed.
    left = BoardOfficerLeft(**common, office=Office.BUSINESS_MANAGER, reason="Moved to another authority")
    log(at(date(2026, 11, 6), 17), register_stream, left, ADMIN)
    successor = BoardOfficerAppointed(
        **common,
        office=Office.BUSINESS_MANAGER,
        name="Jo Reid",
        contact="business.manager@wakefield-lscb.example",
    )
    log(at(date(2026, 11, 9), 9), register_stream, successor, ADMIN)


# --- Leeds: an integrated inspection, moved once, graded ----------------------------------------------


# The Leeds inspection's evidence: name, days into fieldwork, hour, inspectorate, agency, area, bearing,
# text, and the case reference, activity and criteria where they differ from a tracked case.
LEEDS_ITEMS: tuple[tuple[Any, ...], ...] = (
    ("la-help", 0, 14, OFSTED, LA, "help_and_protection", Bearing.STRENGTH,
     "Child protection plans are reviewed on time and children's circumstances improve.", "LDS-2001"),
    ("la-care", 1, 10, OFSTED, LA, "looked_after", Bearing.WEAKNESS,
     "Care plans for children looked after were reviewed late in four of the six cases sampled.", "LDS-2002",
     Activity.CASE_SAMPLING),
    ("health-help", 2, 10, CQC, HEALTH, "help_and_protection", Bearing.STRENGTH,
     "Health visitors recognise neglect early and refer it.", "LDS-2003", Activity.CASE_TRACKING, ["68a"]),
    ("police-help", 7, 10, HMIC, POLICE, "help_and_protection", Bearing.WEAKNESS,
     "Officers attending domestic abuse incidents did not record the children present.", "LDS-2004"),
    ("police-help-2", 7, 15, HMIC, POLICE, "help_and_protection", Bearing.WEAKNESS,
     "A referral about a child at a domestic abuse incident was not made for a week.", "LDS-2005"),
    ("police-leadership", 8, 11, HMIC, POLICE, "leadership", Bearing.STRENGTH,
     "Senior officers have commissioned training on the voice of the child.", None,
     Activity.DISCUSSION_WITH_MANAGER),
    ("custody", 15, 10, PRISONS, CUSTODY, "looked_after", Bearing.STRENGTH,
     "Children placed at the young offender institution keep their looked-after reviews.", "LDS-2006"),
    ("lscb-115a", 16, 10, OFSTED, LSCB, "lscb", Bearing.STRENGTH,
     "The board's priorities are built into one delivery plan with measures.", None,
     Activity.PERFORMANCE_DATA, ["115a"]),
    ("lscb-115c", 16, 14, CQC, LSCB, "lscb", Bearing.WEAKNESS,
     "Health partners are rarely challenged at the board about late health assessments.", None,
     Activity.DISCUSSION_WITH_MANAGER, ["115c"]),
)  # fmt: skip


def leeds(log: Log, inspectors: dict[str, str]) -> None:
    programme, area = catalogue()["integrated-2014"], find("Leeds")
    assert area is not None
    iid, code = ident("inspection:leeds"), area.code
    stream = inspection_stream(iid)
    common = {"area_code": code, "local_area": area.name}
    chair = BoardOfficerAppointed(**common, office=Office.CHAIR, name="Bernadette Shaw", contact=None)
    log(at(date(2026, 6, 22), 10), board.stream_id(code), chair, ADMIN)
    day = date(2026, 7, 6)
    command = ScheduleInspection(iid, programme, area, None, date(2026, 9, 28), OFSTED, day)
    log.changes(at(day, 10), schedule(Calendar(), command), LEAD, iid, code)

    def state() -> inspection.Inspection:
        return fold(evolve, inspection.Inspection(), log.events_of(stream))

    def diary() -> Diary:
        events = log.events_of(inspector_stream(inspectors["cqc"]))
        return fold(evolve_diary, Diary(), events)

    # The CQC inspector on site for the first fortnight; the inspection moved a week, and assigned again.
    cqc = INSPECTORS[CQC]
    assign = Assign(programme, inspectors["cqc"], (1, 2), CQC)
    log.changes(at(date(2026, 7, 7), 10), team.assign(state(), diary(), assign), cqc, iid, code)
    calendar = fold(evolve_calendar, Calendar(), log.events_of(area_stream(code)))
    why = "The council asked for a week after its restructure"
    move = Reschedule(programme, area, date(2026, 10, 5), why, OFSTED, date(2026, 7, 20))
    log.changes(at(date(2026, 7, 20), 11), reschedule(state(), calendar, move), LEAD, iid, code)
    log.changes(at(date(2026, 7, 21), 9), team.assign(state(), diary(), assign), cqc, iid, code)
    told = NotificationRecorded(
        inspection_id=iid,
        recipient=Recipient.LSCB_CHAIR,
        agency=None,
        notified_by=OFSTED,
        notified_at=at(date(2026, 10, 5), 8),
        addressee="Bernadette Shaw",
    )
    log(at(date(2026, 10, 5), 8, 1), stream, told, LEAD)

    items = record_items(log, iid, date(2026, 10, 5), LEEDS_ITEMS)

    # Graded judgements moderated to final (004 §41), in the order the judgement stream has them.
    good, ri, inadequate = Grade.GOOD, Grade.REQUIRES_IMPROVEMENT, Grade.INADEQUATE
    judgement_stream = judgements.stream_id(iid)
    monday, tuesday, wednesday = date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4)
    judged(
        log, at(monday, 9), iid, LA, "help_and_protection", good,
        "Children who need help and protection are identified early and helped well.", [items["la-help"]],
    )  # fmt: skip
    judged(
        log, at(monday, 13), iid, LA, "looked_after", good,
        "Children looked after are well cared for.", [items["la-care"]], steps=1,
    )  # fmt: skip
    judged(
        log, at(monday, 15), iid, HEALTH, "help_and_protection", good,
        "Health practitioners recognise risk to children well.", [items["health-help"]], by=CQC,
    )  # fmt: skip
    judged(
        log, at(tuesday, 9), iid, POLICE, "help_and_protection", inadequate,
        "Risk to children at domestic abuse incidents is missed.",
        [items["police-help"], items["police-help-2"]], by=HMIC,
    )  # fmt: skip
    judged(
        log, at(tuesday, 13), iid, POLICE, "leadership", ri,
        "Police leaders understand the weaknesses and have begun to address them.",
        [items["police-leadership"]], by=HMIC, derived_grade=inadequate, leaders_understand_failure=True,
    )  # fmt: skip
    judged(
        log, at(tuesday, 17), iid, CUSTODY, "looked_after", None,
        "Children placed in custody keep their looked-after status and reviews.", [items["custody"]],
        by=PRISONS,
    )  # fmt: skip
    returned = JudgementReturned(
        inspection_id=iid,
        agency=LA,
        judgement_area="looked_after",
        returned_from=JudgementStatus.MODERATED,
        reason="The evidence cited shows weaknesses in care planning: reconsider the grade",
    )
    log(at(wednesday, 9), judgement_stream, returned, LEAD)
    judged(
        log, at(wednesday, 10), iid, LA, "looked_after", ri,
        "Care plans for children looked after are not always reviewed on time.", [items["la-care"]],
    )  # fmt: skip

    # An item the police judgement cites is withdrawn: the platform flags it, HMIC revises it.
    second = items["police-help-2"]
    misread = "The referral was made on time: the date was misread"
    withdrawn = EvidenceItemWithdrawn(
        inspection_id=iid, evidence_item_id=second, inspectorate=HMIC, inspector=INSPECTORS[HMIC].user,
        reason=misread,
    )  # fmt: skip
    cause = log(at(date(2026, 11, 9), 10), evidence_item.item_stream(second), withdrawn, INSPECTORS[HMIC])
    flagged = JudgementFlaggedForReview(
        inspection_id=iid, agency=POLICE, judgement_area="help_and_protection", evidence_item_id=second,
        reason=f"evidence item {second} was withdrawn by hmic: {misread}",
    )  # fmt: skip
    v1 = flagged.model_dump(mode="json", exclude={"limiting_rules"})
    log(at(date(2026, 11, 9), 10, 1), judgement_stream, flagged, PLATFORM, cause=cause, older=(1, v1))
    revised = JudgementRevised(
        inspection_id=iid, agency=POLICE, judgement_area="help_and_protection", grade=inadequate,
        text="Risk to children at domestic abuse incidents is missed: the children present go unrecorded.",
        evidence_item_ids=[items["police-help"]],
        reason="One cited item was withdrawn; the grade stands on the other",
    )  # fmt: skip
    log(at(date(2026, 11, 10), 9), judgement_stream, revised, INSPECTORS[HMIC])
    advance(log, at(date(2026, 11, 10), 9), iid, POLICE, "help_and_protection", 3, HMIC)

    # The joint LSCB judgement (004 §113): disputed by HMIC, resolved, then agreed by every inspectorate.
    lscb_stream = evaluation.stream_id(iid)
    contributions = (
        (OFSTED, "115a", Bearing.STRENGTH, LSCB, "The board's priorities drive a clear delivery plan.",
         items["lscb-115a"]),
        (CQC, "115c", Bearing.WEAKNESS, HEALTH, "Health partners are not challenged about late assessments.",
         items["lscb-115c"]),
    )  # fmt: skip
    for n, (by, criterion, bearing, to, finding, about) in enumerate(contributions):
        contributed = LscbFindingContributed(
            inspection_id=iid, contribution_id=ident(f"contribution:{iid}:{n}"), inspectorate=by,
            criterion=criterion, bearing=bearing, attributed_to=to, text=finding, evidence_item_ids=[about],
        )  # fmt: skip
        log(at(date(2026, 11, 5), 10 + n), lscb_stream, contributed, INSPECTORS[by])
    text = "The board requires improvement: its monitoring of front-line practice is not yet effective."
    cited = [items["lscb-115a"], items["lscb-115c"]]
    proposal = LscbJudgementProposed(
        inspection_id=iid, proposal=1, grade=ri, text=text, evidence_item_ids=cited
    )
    log(at(date(2026, 11, 6), 10), lscb_stream, proposal, LEAD)
    everyone = [OFSTED, CQC, HMIC, HMIP, PRISONS]
    signed = LscbJudgementSignedOff(inspection_id=iid, inspectorate=OFSTED, proposal=1)
    log(at(date(2026, 11, 6), 14), lscb_stream, signed, LEAD)
    reasons = "The police's challenge at the board is not reflected."
    disputed = LscbJudgementDisputed(inspection_id=iid, inspectorate=HMIC, proposal=1, reasons=reasons)
    log(at(date(2026, 11, 9), 11), lscb_stream, disputed, INSPECTORS[HMIC])
    resolution = "The overview now names the police's challenge at the board; the grade stands"
    resolved = LscbDisputeResolved(inspection_id=iid, inspectorate=HMIC, proposal=1, resolution=resolution)
    log(at(date(2026, 11, 11), 10), lscb_stream, resolved, INSPECTORS[HMIC])
    for n, by in enumerate(everyone[1:]):
        signed = LscbJudgementSignedOff(inspection_id=iid, inspectorate=by, proposal=1)
        log(at(date(2026, 11, 12), 9 + n), lscb_stream, signed, INSPECTORS[by])
    descriptor, descriptor_source = programme.descriptor(LSCB, "lscb", ri) or (None, None)  # 004 §117
    final = LscbJudgementFinalised(
        inspection_id=iid, proposal=1, grade=ri, text=text, evidence_item_ids=cited, signed_off_by=everyone,
        descriptor=descriptor, descriptor_source=descriptor_source,
    )  # fmt: skip
    log(at(date(2026, 11, 13), 10), lscb_stream, final, LEAD)


def leeds_revised(log: Log) -> None:
    """The police's overall effectiveness, made final as requires improvement with a rationale though help
    and protection is inadequate (004 §79); then police leadership is revised to inadequate, and the
    judgement service flags the final overall judgement for review: a limiting rule now derives inadequate
    from two judgements, and its rationale answered one (JudgementFlaggedForReview v2)."""
    programme, iid = catalogue()["integrated-2014"], ident("inspection:leeds")
    scheduled = next(e for e in log.events_of(inspection_stream(iid)) if isinstance(e, InspectionScheduled))
    inspection = Inspection(
        iid,
        programme,
        tuple(scheduled.agencies),
        tuple(scheduled.inspectorates),
        area_code=scheduled.area_code,
    )
    stream = judgements.stream_id(iid)
    rows = {row[0]: row for row in LEEDS_ITEMS}

    def cited(*names: str) -> tuple[CitedItem, ...]:
        return tuple(CitedItem(ident(f"item:{iid}:{n}"), rows[n][4], rows[n][6]) for n in names)

    def decide(when: datetime, command: judgements.Command, actor: Actor) -> None:
        state = judgements.judgements.fold(log.events_of(stream))
        log(when, stream, judgements.judgements.decide(state, command), actor)

    overall = judgements.Propose(
        inspection, POLICE, "overall_effectiveness", Grade.REQUIRES_IMPROVEMENT,
        "The force is not yet good: children at domestic abuse incidents go unrecorded; its leaders know.",
        cited("police-help", "police-leadership"), (), HMIC,
        rationale="Leaders have begun to put the failure right: recording is now audited weekly",
    )  # fmt: skip
    decide(at(date(2026, 11, 16), 9), overall, INSPECTORS[HMIC])
    steps = ((judgements.Step.MODERATE, OFSTED, LEAD), (judgements.Step.QUALITY_ASSURE, OFSTED, LEAD),
             (judgements.Step.FINALISE, HMIC, INSPECTORS[HMIC]))  # fmt: skip
    for n, (step, by, actor) in enumerate(steps, start=1):
        advanced = judgements.Advance(inspection, POLICE, "overall_effectiveness", step, by)
        decide(at(date(2026, 11, 16), 9 + n), advanced, actor)
    leadership = judgements.Propose(
        inspection, POLICE, "leadership", Grade.INADEQUATE,
        "Leaders did not act on their own audit of domestic abuse incidents until inspectors raised it.",
        cited("police-help", "police-leadership"), (), HMIC,
        reason="The weekly audit was found to have started after the inspection",
    )  # fmt: skip
    decide(at(date(2026, 11, 17), 10), leadership, INSPECTORS[HMIC])


# --- Calderdale: a targeted inspection cancelled before notice -----------------------------------------


def calderdale(log: Log, inspectors: dict[str, str]) -> None:
    programme, area = catalogue()["targeted-2015"], find("Calderdale")
    assert area is not None
    iid, code = ident("inspection:calderdale"), area.code
    day = date(2026, 10, 1)
    command = ScheduleInspection(iid, programme, area, "neglect", date(2026, 12, 7), OFSTED, day)
    log.changes(at(day, 10), schedule(Calendar(), command), LEAD, iid, code)
    stream = inspection_stream(iid)
    state = fold(evolve, inspection.Inspection(), log.events_of(stream))
    diary_events = log.events_of(inspector_stream(inspectors["ofsted"]))
    diary = fold(evolve_diary, Diary(), diary_events)
    assigned = team.assign(state, diary, Assign(programme, inspectors["ofsted"], (1,), OFSTED))
    log.changes(at(day, 15), assigned, LEAD, iid, code)
    state = fold(evolve, inspection.Inspection(), log.events_of(stream))
    reason = "The area's services are to be inspected under the new single inspection framework instead"
    cancelled = cancel(state, Cancel(programme, reason, OFSTED, date(2026, 11, 18)))
    log.changes(at(date(2026, 11, 18), 12), cancelled, LEAD, iid, code)


def build() -> str:
    log = Log()
    bradford(log)
    round_id, inspectors = round_and_inspectors(log)
    wakefield_register(log)
    wakefield(log, round_id, inspectors)
    leeds(log, inspectors)
    calderdale(log, inspectors)
    leeds_revised(log)
    wakefield_leader(log)
    return log.lines()


if __name__ == "__main__":
    OUT.write_text(build())
    print(f"wrote {OUT} ({len(OUT.read_text().splitlines())} envelopes)")
