"""An inspection's task list (services/workspace/tasks.py), derived only from what the services' reads say
and the platform's clock: done, in progress, next, or cannot start yet with the programme's paragraph."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from services.workspace.models import (
    Evaluation,
    EvidenceFile,
    Inspection,
    JudgementBoard,
    Lifecycle,
    NotificationPlan,
    PlannedStep,
    Programme,
)
from services.workspace.tasks import Reads, Status, Task, task_list
from shared.language.programmes import catalogue

JTAI = Programme.model_validate(catalogue()["jtai-2015"].model_dump(mode="json"))
STARTS, ENDS, NOTICE = date(2027, 1, 4), date(2027, 1, 8), date(2026, 12, 18)
TOLD = datetime(2026, 12, 18, 9, tzinfo=UTC)


def inspection(**changes: Any) -> Inspection:
    return Inspection(
        inspection_id="i-1",
        programme="jtai-2015",
        area_code="E08000036",
        local_area="Wakefield",
        deep_dive_theme="cse_and_missing",
        announced=True,
        fieldwork_starts=STARTS,
        fieldwork_ends=ENDS,
        notice_date=NOTICE,
        inspectorates=["ofsted", "cqc", "hmic", "hmi_probation"],
        agencies={"local_authority": "ofsted", "police": "hmic"},
        version=1,
        **changes,
    )


def plan(told: int) -> NotificationPlan:
    steps = [
        PlannedStep(
            recipient="lscb_chair",
            agency=None,
            addressee="Dr Alex Morgan",
            notified_by="ofsted",
            notified_at=None,
        ),
        PlannedStep(
            recipient="agency_senior_leader",
            agency="police",
            addressee=None,
            notified_by="hmic",
            notified_at=None,
        ),
    ]
    done = [s.model_copy(update={"notified_at": TOLD}) for s in steps[:told]]
    return NotificationPlan(due=NOTICE, ordered=True, board_registered=True, steps=done + steps[told:])


def report(**changes: Any) -> Lifecycle:
    fields: dict[str, Any] = {
        "kind": "findings_letter",
        "status": "live",
        "edition": 1,
        "draft": None,
        "quality_assured": False,
        "agreed": [],
        "awaiting_agreement": [],
        "sent": None,
        "response": None,
        "decisions": [],
        "undecided": [],
        "final_checksum": None,
        "published": [],
        "version": 0,
    }
    return Lifecycle.model_validate(fields | changes)


def tasks(today: date, **reads: Any) -> dict[str, Task]:
    return {t.key: t for t in task_list(Reads(inspection(), JTAI, today, **reads))}


def test_before_the_notice_date_notice_cannot_start_and_says_when_and_by_which_rule() -> None:
    found = tasks(date(2026, 12, 3), plan=plan(0))
    assert found["scheduled"].status is Status.DONE
    notice = found["notice"]
    assert notice.status is Status.CANNOT_START
    assert (
        notice.hint
        == "From 18 December 2026: on the notice date, neither earlier nor later (001 Proposal two)"
    )
    assert found["fieldwork"].status is Status.CANNOT_START
    assert "Starts on Monday 4 January 2027" in found["fieldwork"].hint
    assert {found[k].status for k in ("draft", "sending", "publication")} == {Status.CANNOT_START}


def test_on_the_notice_date_notice_is_next_then_in_progress_then_done() -> None:
    assert tasks(NOTICE, plan=plan(0))["notice"].status is Status.NEXT
    started = tasks(NOTICE, plan=plan(1))["notice"]
    assert (started.status, started.hint) == (
        Status.IN_PROGRESS,
        "1 of 2 told; due 18 December 2026 (001 Proposal two)",
    )
    done = tasks(NOTICE, plan=plan(2))["notice"]
    assert (done.status, done.hint) == (Status.DONE, "2 of 2 told")


def test_in_fieldwork_evidence_is_gathered_and_closing_it_waits_for_the_last_day() -> None:
    open_file = EvidenceFile(notice_started=True, evidence_closed=False, cancelled=False)
    during = tasks(
        date(2027, 1, 6),
        plan=plan(2),
        evidence=open_file,
        judgements=JudgementBoard(judgements=[]),
        findings=0,
    )
    assert during["fieldwork"].status is Status.IN_PROGRESS
    assert during["evidence_closed"].status is Status.CANNOT_START
    assert during["judgements"].status is Status.NEXT
    last_day = tasks(ENDS, plan=plan(2), evidence=open_file)
    assert last_day["evidence_closed"].status is Status.NEXT
    closed = tasks(ENDS, plan=plan(2), evidence=open_file.model_copy(update={"evidence_closed": True}))
    assert closed["evidence_closed"].status is Status.DONE
    assert closed["fieldwork"].status is Status.DONE


def test_the_draft_is_next_once_evidence_is_closed_findings_made_and_the_board_evaluated() -> None:
    closed = EvidenceFile(notice_started=True, evidence_closed=True, cancelled=False)
    reads: dict[str, Any] = {
        "plan": plan(2),
        "evidence": closed,
        "judgements": JudgementBoard(judgements=[]),
        "findings": 3,
        "report": report(),
    }
    unevaluated = tasks(date(2027, 1, 13), **reads, evaluation=Evaluation())
    assert unevaluated["judgements"].status is Status.DONE
    assert unevaluated["lscb"].status is Status.NEXT
    assert unevaluated["draft"].status is Status.CANNOT_START
    evaluated = tasks(date(2027, 1, 13), **reads, evaluation=Evaluation(final={"text": "agreed"}))
    assert evaluated["draft"].status is Status.NEXT
    assert "(001 Proposal three)" in evaluated["draft"].hint


def test_the_reports_steps_follow_its_lifecycle() -> None:
    def steps(**lifecycle: Any) -> dict[str, Status]:
        found = tasks(date(2027, 1, 20), report=report(**lifecycle))
        return {
            k: t.status
            for k, t in found.items()
            if k in ("quality_assurance", "agreement", "sending", "factual_accuracy", "final", "publication")
        }

    drafted = steps(status="drafted", draft=1)
    assert drafted["quality_assurance"] is Status.NEXT
    assert drafted["agreement"] is Status.CANNOT_START
    agreeing = steps(
        status="quality_assured", draft=1, quality_assured=True, agreed=["ofsted"], awaiting_agreement=["cqc"]
    )
    assert agreeing["agreement"] is Status.IN_PROGRESS
    hint = tasks(
        date(2027, 1, 20), report=report(draft=1, quality_assured=True, awaiting_agreement=["cqc", "hmic"])
    )
    assert hint["agreement"].hint == "Awaiting CQC and HMIC (001 Proposal four)"
    sent = {"to": "Dr Alex Morgan, chair of the LSCB", "addressee": "Dr Alex Morgan"}
    answered = steps(
        draft=1,
        quality_assured=True,
        agreed=["ofsted"],
        sent=sent,
        response={"points": [{"point": 1, "text": "The audit was in October."}]},
        undecided=[1],
    )
    assert (answered["sending"], answered["factual_accuracy"], answered["final"]) == (
        Status.DONE,
        Status.IN_PROGRESS,
        Status.CANNOT_START,
    )
    final = steps(
        draft=1,
        quality_assured=True,
        sent=sent,
        response={"points": []},
        final_checksum="c",
        published=[{"inspectorate": "ofsted"}],
        status="final",
    )
    assert (final["final"], final["publication"]) == (Status.DONE, Status.IN_PROGRESS)
    assert (
        steps(
            draft=1,
            quality_assured=True,
            sent=sent,
            response={"points": []},
            final_checksum="c",
            status="published",
        )["publication"]
        is Status.DONE
    )


def test_a_cancelled_inspection_has_nothing_left_to_do() -> None:
    cancelled = task_list(Reads(inspection(cancelled={"reason": "The area asked to move it"}), JTAI, NOTICE))
    assert [(t.key, t.status) for t in cancelled] == [("scheduled", Status.DONE), ("cancelled", Status.DONE)]
    assert cancelled[1].hint == "The area asked to move it"
