"""Schema evolution against a recorded log: the events published by November 2026, replayed through every
fold of the platform, must keep telling the same story.

tests/contract/log-2026-11.jsonl holds one envelope per line as it was published (tests/contract/
record_log.py made it once; it is history and is not re-recorded to make a test pass). It covers every
event type of the catalogue at its schema version of the time, plus a NotificationRecorded of version 1,
written before the LSCB register named anyone. The log is read the way a consumer reads the topics
(`parse_envelope`, then `CATALOGUE.decode`, which upcasts older versions), so when an event's schema moves
on, these tests show the old log still loads, and still means what it meant."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

import pytest

from services.evidence.domain.evidence_file import evidence_file
from services.judgement.domain import judgements
from services.judgement.domain.judgements import Judgements
from services.lscb.domain import evaluation
from services.reporting.domain import lifecycle
from services.reporting.projections import KEPT_TYPES
from services.reporting.rendering.documents import Format, render_report
from services.scheduling.domain.area_calendar import Calendar, area_stream, evolve_calendar
from services.scheduling.domain.inspection import Inspection, evolve, inspection_stream
from services.scheduling.domain.inspector_diary import Diary, evolve_diary
from services.scheduling.domain.round import Round, evolve_round
from shared.language.contracts import CATALOGUE
from shared.language.contracts.judgement import JudgementRevised, JudgementStatus
from shared.language.contracts.lscb import LscbEvaluationRecorded, LscbJudgementFinalised
from shared.language.contracts.reporting import Decision
from shared.language.contracts.scheduling import (
    InspectionScheduled,
    NotificationRecorded,
    Period,
    PickReason,
    Recipient,
)
from shared.language.contracts.vocabulary import Agency, Grade
from shared.language.subjects import ERASED, UNAVAILABLE, Opener, Sealed
from shared.mechanics import contract
from shared.mechanics.catalogue import Event, parse_envelope
from shared.mechanics.decider import fold
from shared.mechanics.envelope import Envelope, Inspectorate, digest_of
from shared.views import boards, evidence_items

LOG = Path(__file__).resolve().parents[1] / "contract" / "log-2026-11.jsonl"
# The evidence events from their version 2 on, text about a case sealed to it, and an erasure.
SEALED_LOG = LOG.with_name("log-2026-11-sealed.jsonl")
SEALED_FROM_V2 = (
    "EvidenceItemRecorded",
    "EvidenceItemAmended",
    "SampleCaseAdded",
    "SampleCaseRemoved",
    "LineOfEnquiryRaised",
    "LineOfEnquiryAnswered",
    "LineOfEnquiryClosed",
)
OFSTED, CQC, HMIC = Inspectorate.OFSTED, Inspectorate.CQC, Inspectorate.HMIC
HMIP, PRISONS, HMCPSI = Inspectorate.HMI_PROBATION, Inspectorate.HMI_PRISONS, Inspectorate.HMCPSI
LA, HEALTH, POLICE = Agency.LOCAL_AUTHORITY, Agency.HEALTH, Agency.POLICE


@cache
def lines() -> tuple[bytes, ...]:
    return tuple(LOG.read_bytes().splitlines())


@cache
def envelopes() -> tuple[Envelope, ...]:
    return tuple(parse_envelope(line) for line in lines())


@cache
def sealed_lines() -> tuple[bytes, ...]:
    return tuple(SEALED_LOG.read_bytes().splitlines())


@cache
def sealed_envelopes() -> tuple[Envelope, ...]:
    return tuple(parse_envelope(line) for line in sealed_lines())


def editions_envelopes() -> tuple[Envelope, ...]:
    editions = LOG.with_name("log-2026-12-report-editions.jsonl")
    return tuple(parse_envelope(line) for line in editions.read_bytes().splitlines())


def both_logs() -> zip[tuple[bytes, Envelope]]:
    return zip((*lines(), *sealed_lines()), (*envelopes(), *sealed_envelopes()), strict=True)


@cache
def decoded() -> tuple[tuple[Event, Envelope], ...]:
    return tuple((CATALOGUE.decode(e), e) for e in envelopes())


@cache
def inspection_ids() -> dict[str, str]:
    """Area name -> inspection id, from the InspectionScheduled events."""
    return {e.local_area: e.inspection_id for e, _ in decoded() if isinstance(e, InspectionScheduled)}


def stream(stream_id: str) -> list[Event]:
    return [e for e, env in decoded() if env.stream_id == stream_id]


def of(area: str) -> str:
    return inspection_ids()[area]


def current_version(event_type: str) -> int:
    return next(t.schema_version for t in CATALOGUE.types() if t.event_type == event_type)


def area_code(area: str) -> str:
    return next(
        e.area_code for e, _ in decoded() if isinstance(e, InspectionScheduled) and e.local_area == area
    )


# --- the log itself ----------------------------------------------------------------------------------


def test_the_log_reads_back_byte_for_byte_as_it_was_published() -> None:
    assert len(lines()) == 167
    for line, envelope in zip(lines(), envelopes(), strict=True):
        assert envelope.to_json() == line


def test_the_logs_hold_every_event_type_at_its_current_version_and_the_older_versions_published() -> None:
    logs = (*envelopes(), *sealed_envelopes(), *editions_envelopes())
    published = {(e.event_type, e.schema_version) for e in logs}
    current = {(t.event_type, t.schema_version) for t in CATALOGUE.types()}
    missing = current - published
    assert not missing, (
        f"no event of {sorted(missing)} in the logs: record one (tests/contract/record_*log.py)"
    )
    assert published - current == {
        ("scheduling.NotificationRecorded", 1),
        ("judgement.JudgementFlaggedForReview", 1),  # before a limiting rule could flag a judgement
        ("lscb.LscbJudgementFinalised", 1),  # before a final judgement carried its descriptor
        ("reporting.FactualAccuracyPointDecided", 1),  # before a decision named the report it was on
        ("lscb.BoardPartnerJoined", 1),  # before the register named a partner's senior leader
        *((f"evidence.{name}", 1) for name in SEALED_FROM_V2),
    }


def test_each_stream_is_numbered_from_one_and_chained_by_digest() -> None:
    last: dict[str, tuple[int, str]] = {}
    for line, envelope in both_logs():
        version, digest = last.get(envelope.stream_id, (0, None))
        assert envelope.stream_version == version + 1, envelope.stream_id
        assert envelope.previous_hash == digest, envelope.stream_id
        last[envelope.stream_id] = (envelope.stream_version, digest_of(json.loads(line)))
    assert len(last) == 42 + 4


def test_every_envelope_and_payload_is_valid_under_the_published_schemas() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    folder = contract.CONTRACT_DIR
    envelope_schema = json.loads((folder / contract.ENVELOPE).read_text())
    for line, envelope in both_logs():
        jsonschema.validate(json.loads(line), envelope_schema)
        path = folder / contract.schema_path(envelope.event_type, envelope.schema_version)
        jsonschema.validate(envelope.payload, json.loads(path.read_text()))


# --- an older version, upcast ------------------------------------------------------------------------


def test_a_version_1_notification_without_an_addressee_is_upcast_to_version_2() -> None:
    [old] = [
        e for e in envelopes() if e.event_type == "scheduling.NotificationRecorded" and e.schema_version == 1
    ]
    assert "addressee" not in old.payload
    event = CATALOGUE.decode(old)
    assert event == NotificationRecorded(
        inspection_id=of("Bradford"),
        recipient=Recipient.LSCB_CHAIR,
        agency=None,
        notified_by=OFSTED,
        notified_at=datetime(2026, 5, 11, 8, 30, tzinfo=UTC),
        addressee=None,
    )
    assert NotificationRecorded.schema_version == 2
    # Version 2 always names the addressee, from the register, or says there is none.
    told = [e for e in stream(inspection_stream(of("Wakefield"))) if isinstance(e, NotificationRecorded)]
    assert [n.addressee for n in told] == ["Dr Alex Morgan", None, None, None, None]


def test_version_1_evidence_events_load_as_version_2_with_their_text_plain() -> None:
    old = [
        (e, env)
        for e, env in decoded()
        if env.event_type.removeprefix("evidence.") in SEALED_FROM_V2 and env.schema_version == 1
    ]
    assert {env.event_type.removeprefix("evidence.") for _, env in old} == set(SEALED_FROM_V2)
    for event, envelope in old:
        assert event.schema_version == 2
        assert event.model_dump(mode="json") == envelope.payload  # nothing moved, nothing sealed


# --- text sealed to its case, and an erasure ---------------------------------------------------------


def test_the_sealed_log_keeps_each_text_about_the_case_sealed_and_data_about_no_case_plain() -> None:
    events = [CATALOGUE.decode(e) for e in sealed_envelopes()]
    texts = [
        getattr(e, name)
        for e in events
        for name in ("summary", "reason", "question", "answer", "conclusion")
        if hasattr(e, name)
    ]
    plain = [t for t in texts if not isinstance(t, Sealed)]
    assert plain == [
        "Return interviews offered within 72 hours: 61% this year.",  # performance data: no case
        "Recorded before the case notes were read in full",  # why a record changed: about the record
    ]
    sealed = [t for t in texts if isinstance(t, Sealed)]
    assert len(sealed) == 7
    assert {t.subject for t in sealed} == {f"{sealed_envelopes()[0].inspection_id}/KRK-0007"}
    # The keys were never kept: the texts open for nobody, and read as such rather than failing.
    assert {Opener({})(t) for t in sealed} == {UNAVAILABLE}
    assert {Opener({t.subject: None for t in sealed})(t) for t in sealed} == {ERASED}


def test_the_sealed_log_folds_like_any_other() -> None:
    pairs = [(CATALOGUE.decode(e), e) for e in sealed_envelopes()]
    items = evidence_items.fold(pairs)
    assert len(items) == 2
    assert sorted(i.version for i in items.values()) == [1, 2]
    events = [e for e, env in pairs if env.stream_id.startswith("evidence-file-")]
    file = evidence_file.fold(events)
    assert list(file.erased) == ["KRK-0007"]
    assert file.erased["KRK-0007"].basis == "subject_request"
    assert file.samples == {"shared": {}}


# --- replayed through every fold ---------------------------------------------------------------------


def test_the_evidence_items_fold() -> None:
    items = evidence_items.fold((e, env) for e, env in decoded())
    per_inspection: dict[str, list[evidence_items.ItemView]] = defaultdict(list)
    for view in items.values():
        per_inspection[view.inspection_id].append(view)
    counts = {area: len(per_inspection[iid]) for area, iid in inspection_ids().items()}
    assert counts == {"Bradford": 2, "Wakefield": 9, "Leeds": 9, "Calderdale": 0}
    withdrawn = {area: [v.judgement_area for v in per_inspection[of(area)] if v.withdrawn] for area in counts}
    assert withdrawn == {
        "Bradford": [],
        "Wakefield": ["deep_dive"],
        "Leeds": ["help_and_protection"],
        "Calderdale": [],
    }
    [amended] = [v for v in items.values() if v.version == 2 and not v.withdrawn]
    assert (amended.agency, amended.bearing, amended.meeting) == (
        HEALTH,
        "area_for_improvement",
        "strategy_meeting",
    )
    assert amended.correction == "The chronology was tabled, not shared beforehand"
    assert amended.recorded_at == datetime(2026, 9, 16, 14, tzinfo=UTC)


def test_the_board_registers_fold() -> None:
    wakefield = boards.fold(stream(f"lscb-board-{area_code('Wakefield')}"))
    assert wakefield is not None
    assert wakefield.version == 13
    assert wakefield.chair is not None
    assert wakefield.chair.name == "Dr Alex Morgan"
    [absence] = wakefield.chair.absences
    assert (absence.absent_from, absence.absent_until) == (date(2026, 10, 5), date(2026, 10, 18))
    assert wakefield.business_manager is not None
    assert wakefield.business_manager.name == "Jo Reid"
    # Joined at version 1 with no senior leader named; the council joined again at version 2, naming its
    # Director of Children's Services, and keeps its place.
    assert [(p.agency, p.organisation, p.senior_leader) for p in wakefield.partners] == [
        (LA, "Wakefield Council", "Marcus Bell"),
        (POLICE, "West Yorkshire Police", None),
        (Agency.PROBATION, "National Probation Service", None),
        (HEALTH, "NHS West Yorkshire Integrated Care Board", None),
    ]
    before = boards.fold(stream(f"lscb-board-{area_code('Wakefield')}")[:-1])
    assert before is not None
    assert [p.senior_leader for p in before.partners] == [None, None, None, None]
    leeds = boards.fold(stream(f"lscb-board-{area_code('Leeds')}"))
    assert leeds is not None
    assert leeds.chair is not None
    assert (leeds.chair.name, leeds.business_manager) == ("Bernadette Shaw", None)


def test_the_judgement_decider_fold() -> None:
    leeds: Judgements = judgements.judgements.fold(stream(judgements.stream_id(of("Leeds"))))
    outcome = {key: (j.status, j.grade, j.revisions, len(j.flags)) for key, j in leeds.by_key.items()}
    final = JudgementStatus.FINAL
    assert outcome == {
        (LA, "help_and_protection"): (final, Grade.GOOD, 0, 0),
        (LA, "looked_after"): (final, Grade.REQUIRES_IMPROVEMENT, 0, 0),  # returned once, proposed again
        (HEALTH, "help_and_protection"): (final, Grade.GOOD, 0, 0),
        (POLICE, "help_and_protection"): (final, Grade.INADEQUATE, 1, 0),  # flagged; the revision clears it
        # Revised after the overall judgement was final; the revision flags that one (004 §79).
        (POLICE, "leadership"): (JudgementStatus.PROPOSED, Grade.INADEQUATE, 1, 0),
        (POLICE, "overall_effectiveness"): (final, Grade.REQUIRES_IMPROVEMENT, 0, 1),
        (Agency.CUSTODY, "looked_after"): (final, None, 0, 0),
    }
    [limited] = leeds.by_key[(POLICE, "overall_effectiveness")].flags
    assert (limited.evidence_item_id, [r.source for r in limited.limiting_rules]) == (None, ["004 §79"])
    assert limited.limiting_rules[0].because == ["help_and_protection", "leadership"]
    events = stream(judgements.stream_id(of("Leeds")))
    revised = next(n for n, e in enumerate(events) if isinstance(e, JudgementRevised))
    [flag] = judgements.judgements.fold(events[:revised]).by_key[(POLICE, "help_and_protection")].flags
    assert flag.reason.endswith("was withdrawn by hmic: The referral was made on time: the date was misread")
    first = judgements.judgements.fold(events[: revised + 1]).by_key[(POLICE, "leadership")].content
    assert (first.derived_grade, first.leaders_understand_failure) == (Grade.INADEQUATE, True)
    bradford = judgements.judgements.fold(stream(judgements.stream_id(of("Bradford"))))
    assert {k: j.grade for k, j in bradford.by_key.items()} == {
        (Agency.PARTNERSHIP, "help_and_protection"): Grade.GOOD
    }


def test_the_lscb_evaluation_fold() -> None:
    leeds = evaluation.evaluation.fold(stream(evaluation.stream_id(of("Leeds"))))
    assert isinstance(leeds.final, LscbJudgementFinalised)
    assert leeds.final.grade is Grade.REQUIRES_IMPROVEMENT
    # Version 2: the descriptor of its grade (004 §117); Wakefield's, a version 1 narrative, carries none.
    assert (leeds.final.descriptor, leeds.final.descriptor_source) == (
        "It is not yet demonstrating the characteristics of good.",
        "004 §117",
    )
    assert leeds.signed_off == (OFSTED, CQC, HMIC, HMIP, PRISONS)
    assert leeds.disputes == {}
    assert [c.criterion for c in leeds.contributions] == ["115a", "115c"]
    wakefield = evaluation.evaluation.fold(stream(evaluation.stream_id(of("Wakefield"))))
    assert isinstance(wakefield.final, LscbJudgementFinalised)
    assert (wakefield.final.grade, wakefield.signed_off) == (None, (OFSTED, CQC, HMIC, HMIP))
    bradford = evaluation.evaluation.fold(stream(evaluation.stream_id(of("Bradford"))))
    assert isinstance(bradford.final, LscbEvaluationRecorded)  # recorded before the agreement flow


def test_the_report_lifecycle_fold() -> None:
    report = lifecycle.report.fold(stream(lifecycle.stream_id(of("Wakefield"))))
    assert report.status((OFSTED, CQC, HMIC, HMIP)) is lifecycle.Status.PUBLISHED
    assert report.draft is not None
    assert report.draft.draft == 1
    assert report.sent is not None
    assert (report.sent.addressee, report.sent.office) == (
        "Sam Patel",
        "business_manager",
    )
    assert {n: d.decision for n, d in report.decisions.items()} == {
        1: Decision.REJECTED,
        2: Decision.ACCEPTED,
    }
    assert report.undecided() == []
    assert report.action_plan is not None
    assert (report.action_plan.led_by, report.action_plan.due_on) == (LA, date(2027, 2, 1))
    assert report.plan_received is not None
    assert len(report.progress) == 1
    for area in ("Bradford", "Leeds", "Calderdale"):
        assert (
            lifecycle.report.fold(stream(lifecycle.stream_id(of(area)))).status(()) is lifecycle.Status.LIVE
        )


def test_the_scheduling_folds() -> None:
    leeds = fold(evolve, Inspection(), stream(inspection_stream(of("Leeds"))))
    assert leeds.window == Period(starts=date(2026, 10, 5), ends=date(2026, 10, 30))  # moved a week
    assert len(leeds.rescheduled) == 1
    assert leeds.meetings == ()  # integrated-2014 has no joint meetings
    assert [(m.inspectorate, m.weeks) for m in leeds.team] == [(CQC, [1, 2])]  # released, assigned again
    assert PRISONS in leeds.inspectorates

    wakefield = fold(evolve, Inspection(), stream(inspection_stream(of("Wakefield"))))
    assert wakefield.lscb_notified
    assert wakefield.agencies_notified() == {LA, HEALTH, POLICE, Agency.PROBATION}
    assert wakefield.notice_date == date(2026, 9, 2)
    assert [(m.kind, m.on) for m in wakefield.meetings] == [
        ("joint_set_up", date(2026, 9, 14)),
        ("joint_feedback", date(2026, 9, 18)),
    ]
    assert wakefield.scheduled is not None
    assert wakefield.scheduled.round_id is not None

    bradford = fold(evolve, Inspection(), stream(inspection_stream(of("Bradford"))))
    assert bradford.lscb_notified  # by the upcast version 1 event
    assert HMCPSI in bradford.inspectorates
    assert bradford.agencies[Agency.CPS] is HMCPSI

    calderdale = fold(evolve, Inspection(), stream(inspection_stream(of("Calderdale"))))
    assert calderdale.cancelled is not None
    assert calderdale.team == ()
    calendar = fold(evolve_calendar, Calendar(), stream(area_stream(area_code("Calderdale"))))
    assert calendar.bookings == {}

    [round_planned] = [e for e, _ in decoded() if e.event_type == "scheduling.RoundPlanned"]
    planned = fold(evolve_round, Round(), [round_planned]).planned
    assert planned is not None
    assert wakefield.scheduled.round_id == planned.round_id
    assert (area_code("Wakefield"), PickReason.CONCERN) in [(p.area_code, p.reason) for p in planned.picks]

    diaries = {
        env.stream_id: fold(evolve_diary, Diary(), stream(env.stream_id))
        for e, env in decoded()
        if e.event_type == "scheduling.InspectorRegistered"
    }
    booked = {d.registered.name: sorted(d.bookings) for d in diaries.values() if d.registered is not None}
    assert booked == {
        "Jo Whitfield HMI": [of("Wakefield")],  # Calderdale released
        "Priya Natarajan": sorted([of("Wakefield"), of("Leeds")]),
    }


# --- the documents -----------------------------------------------------------------------------------


def sources(area: str) -> list[Event]:
    """What the reporting service keeps of an inspection, then its area's register (handlers.events_of)."""
    kept = [(e, env) for e, env in decoded() if env.event_type in KEPT_TYPES]
    inspection = [e for e, env in kept if env.inspection_id == of(area)]
    register = [
        e for e, env in kept if env.inspection_id is None and env.payload.get("area_code") == area_code(area)
    ]
    return inspection + register


def markdown(area: str) -> str:
    return render_report(sources(area), Format.MARKDOWN).decode()


def test_the_wakefield_findings_letter() -> None:
    letter = markdown("Wakefield")
    assert "**To:** Dr Alex Morgan, chair of the Wakefield Local Safeguarding Children Board" in letter
    # The council's leader by name and role, as the register names him (v2); the others by role (v1).
    assert (
        "; Marcus Bell, Director of Children's Services, Wakefield Council; the Accountable Officer for "
        "health services, NHS West Yorkshire Integrated Care Board; the Chief Constable, West Yorkshire "
        "Police;" in letter
    )
    assert (
        "Notice of the inspection was given on Wednesday 2 September 2026, first to the chair of the LSCB"
        in letter
    )
    priority = letter.split("## Areas for priority action\n\n", 1)[1].split("\n\n## ", 1)[0]
    assert priority.startswith("1. Consider sexual exploitation in every risk assessment")
    assert "\n2. Offer every child who goes missing a return home interview." in priority
    assert (
        "Inspectors recorded 8 evidence items (4 showing strengths, 2 weaknesses, 2 areas for improvement) "
        "from 2 children's cases." in letter
    )
    assert "WKF-" not in letter


def test_the_leeds_combined_report() -> None:
    report = markdown("Leeds")
    assert "**Fieldwork:** Monday 5 October 2026 to Friday 30 October 2026" in report
    assert (
        "- **The experiences and progress of children who need help and protection: Inadequate.** Risk to "
        "children at domestic abuse incidents is missed: the children present go unrecorded." in report
    )
    assert (
        "## The joint report on the Local Safeguarding Children Board\n\n**Requires improvement.**" in report
    )
    assert (
        "Inspectors recorded 8 evidence items (5 showing strengths, 3 weaknesses) from 5 children's cases."
        in report
    )


def test_the_bradford_single_report_reads_the_older_events() -> None:
    report = markdown("Bradford")
    # An unannounced inspection (001 Proposal two): the report says when each inspectorate arrived, not
    # when the version 1 notification told the chair.
    assert (
        "The inspection was unannounced: inspectors from Ofsted and HM Inspectorate of Constabulary arrived "
        "on Monday 11 May 2026" in report
    )
    assert "Notice of the inspection" not in report
    assert (
        "The board knows the area's strengths but has not tested the quality of practice in neglect."
        in report
    )
    assert "- **The effectiveness of help and protection: Good.**" in report
    assert "HM Crown Prosecution Service Inspectorate" in report


def test_the_cancelled_calderdale_inspection_renders_empty() -> None:
    letter = markdown("Calderdale")
    assert "Inspectors recorded 0 evidence items" in letter
    assert "## Key strengths\n\nNone identified." in letter


@pytest.mark.parametrize("area", ["Bradford", "Wakefield", "Leeds", "Calderdale"])
def test_each_document_renders_in_every_format(area: str) -> None:
    events: Sequence[Event] = sources(area)
    for fmt in Format:
        assert render_report(events, fmt)
