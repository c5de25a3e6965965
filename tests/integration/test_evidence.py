"""The evidence service over HTTP against the real broker and database: one test per rule of issue 4.

JTAI inspections are scheduled and notified through the scheduling service's API, on the notice date: the
platform is a rehearsal one, whose clock is moved on to that day (001 Proposal two). An integrated
inspection (the programme with numbered criteria) is unannounced, so its notice starts on its first day
of fieldwork, which scheduling never allows in the past: its history is written to scheduling's own log,
exactly as scheduling writes it, and reaches the evidence service over the broker like any other."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from embedded.demo import first_fieldwork_week
from services.judgement.app import build as judgement
from shared.language.workdays import today_in_england
from shared.mechanics.mongo import connect
from shared.mechanics.settings import Settings
from tests.helpers import (
    actor,
    eventually,
    forbidden,
    ok,
    on_the_notice_date,
    refused,
    rehearsal,
    running,
    seed_integrated,
)
from tests.in_process import Platform

LEAD = actor("ofsted", "lead_inspector")
SERVICES = ("scheduling", "evidence")  # the platform fixture's (tests/integration/conftest.py)
DATA_PROTECTION = "domain.md Data protection"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Every service of these tests on a rehearsal platform, whose clock a test moves to a notice date."""
    return rehearsal(settings)


async def events_written(settings: Settings) -> int:
    client = connect(settings.mongodb_uri, "test")
    try:
        return await client[settings.database_name("evidence")]["events"].count_documents({})
    finally:
        await client.close()


async def known_to_evidence(evidence_api: httpx.AsyncClient, inspection_id: str, notified: bool) -> None:
    async def ready() -> bool:
        response = await evidence_api.get(f"/inspections/{inspection_id}")
        return response.status_code == 200 and response.json()["notice_started"] is notified

    await eventually(ready)


async def jtai(scheduler: httpx.AsyncClient, evidence_api: httpx.AsyncClient, notify: bool = True) -> str:
    body = {"area": "Wakefield", "deep_dive_theme": "neglect"}
    body["fieldwork_starts"] = str(first_fieldwork_week(today_in_england()))
    scheduled = await ok(await scheduler.post("/inspections", headers=LEAD, json=body))
    inspection_id = str(scheduled["inspection_id"])
    if notify:
        await on_the_notice_date(scheduler, scheduled["notice_date"])
        await ok(
            await scheduler.post(
                f"/inspections/{inspection_id}/notifications", headers=LEAD, json={"recipient": "lscb_chair"}
            )
        )
    await known_to_evidence(evidence_api, inspection_id, notify)
    return inspection_id


async def integrated(settings: Settings, evidence_api: httpx.AsyncClient) -> str:
    """An integrated inspection of Wakefield in its second week of fieldwork, the area told on day one."""
    inspection_id = await seed_integrated(settings)
    await known_to_evidence(evidence_api, inspection_id, True)
    return inspection_id


def item(**changes: Any) -> dict[str, Any]:
    return {
        "agency": "health",
        "activity": "case_audit",
        "judgement_area": "help_and_protection",
        "criteria": ["68q"],
        "bearing": "strength",
        "case_reference": "WKF-0042",
        "summary": "Health visitors saw the child weekly and shared concerns promptly.",
    } | changes


async def test_evidence_is_accepted_from_the_start_of_notice_until_the_lead_closes_it(
    platform: Platform, settings: Settings
) -> None:
    scheduler, evidence_api = platform.scheduling, platform.evidence
    inspection_id = await jtai(scheduler, evidence_api, notify=False)
    url = f"/inspections/{inspection_id}/evidence"
    body = item(judgement_area="deep_dive", criteria=[], activity="case_sampling")

    await refused(await evidence_api.post(url, headers=actor("cqc"), json=body), "notice has not started")
    assert await events_written(settings) == 0

    scheduled = await ok(await scheduler.get(f"/inspections/{inspection_id}"), 200)
    await on_the_notice_date(scheduler, scheduled["notice_date"])
    await ok(
        await scheduler.post(
            f"/inspections/{inspection_id}/notifications", headers=LEAD, json={"recipient": "lscb_chair"}
        )
    )
    await known_to_evidence(evidence_api, inspection_id, True)
    recorded = await ok(await evidence_api.post(url, headers=actor("cqc"), json=body))

    closure = f"/inspections/{inspection_id}/closure"
    reason = {"reason": "Fieldwork is over."}
    # Closing is the lead inspector's work (the role), and only the lead inspectorate's (the rule).
    by_inspector = await evidence_api.post(closure, headers=actor("cqc"), json=reason)
    assert by_inspector.status_code == 403, by_inspector.text
    assert "the inspector role may not do this" in by_inspector.json()["detail"]
    await forbidden(
        await evidence_api.post(closure, headers=actor("cqc", "lead_inspector"), json=reason), "only the lead"
    )
    still_open = await ok(await evidence_api.get(f"/inspections/{inspection_id}"), 200)
    assert still_open["evidence_closed"] is False  # neither refusal closed anything
    closed = await ok(await evidence_api.post(closure, headers=LEAD, json=reason), 200)
    assert closed["closed"] is True
    assert closed["closed_by"] == "ofsted"
    written = await events_written(settings)

    await refused(
        await evidence_api.post(url, headers=actor("cqc"), json=body), "evidence gathering is closed"
    )
    withdrawal = f"{url}/{recorded['evidence_item_id']}/withdrawal"
    await refused(await evidence_api.post(withdrawal, headers=actor("cqc"), json=reason), "closed")
    await refused(await evidence_api.post(closure, headers=LEAD, json=reason), "already closed")
    assert await events_written(settings) == written
    assert (await ok(await evidence_api.get(f"/inspections/{inspection_id}"), 200))["evidence_closed"] is True


async def test_bad_input_is_refused_naming_the_rule_and_nothing_is_written(
    platform: Platform, settings: Settings
) -> None:
    evidence_api = platform.evidence
    inspection_id = await integrated(settings, evidence_api)
    url = f"/inspections/{inspection_id}/evidence"
    cases: list[tuple[Any, ...]] = [  # headers, body, and words the refusal must hold
        (actor("cqc"), item(criteria=["68zz"]), "criteria"),  # not a criterion id at all
        (actor("cqc"), item(criteria=["99a"]), "criterion 99a is not in"),
        (actor("cqc"), item(criteria=["75a"], judgement_area="overall_effectiveness"), "is about police"),
        (actor("cqc"), item(judgement_area="leadership"), "is under 'help_and_protection'"),
        (actor("cqc"), item(agency="custody"), "custody is not inspected"),
        (actor("cqc"), item(case_reference="943 476 5919"), "looks like an NHS number", DATA_PROTECTION),
        (actor("cqc"), item(case_reference="9434765919"), "looks like an NHS number", DATA_PROTECTION),
        (actor("cqc"), item(case_reference="JANE-SMITH"), "looks like a name", DATA_PROTECTION),
        (actor("cqc"), item(child_name="Jane Smith"), "child_name: personal details", DATA_PROTECTION),
        (actor("cqc"), item(summary="Seen at clinic, NHS no 943 476 5919."), "NHS number", DATA_PROTECTION),
        (actor("cqc"), item(summary="x" * 4001), "summary: String should have at most 4000 characters"),
        (actor("cqc"), item(activity="meeting_observation"), "meeting: name the meeting"),
        (actor("cqc"), item(activity="case_tracking"), "add it to a sample before tracking it"),
        (actor("cqc"), item(activity="joint_audit"), "no deep dive"),
    ]
    for headers, body, *words in cases:
        await refused(await evidence_api.post(url, headers=headers, json=body), *words)
    for outsider in ("hmcpsi", "hmi_prisons"):  # inspectorates that do not take part: forbidden
        await forbidden(
            await evidence_api.post(url, headers=actor(outsider), json=item()),
            f"{outsider} does not take part",
        )
    assert await events_written(settings) == 0

    # The same item, put right, is accepted: a health criterion of 004 §68 and one of the board's (§115).
    accepted = await ok(await evidence_api.post(url, headers=actor("cqc"), json=item()))
    assert accepted["criteria"] == ["68q"]
    assert accepted["inspector"] == "test-cqc"
    board = item(agency="police", judgement_area="lscb", criteria=["115a"], activity="practice_observation")
    await ok(await evidence_api.post(url, headers=actor("hmic"), json=board))


async def test_shared_and_own_samples_decide_which_cases_are_tracked(
    platform: Platform, settings: Settings
) -> None:
    scheduler, evidence_api = platform.scheduling, platform.evidence
    inspection_id = await jtai(scheduler, evidence_api)
    samples = f"/inspections/{inspection_id}/samples"
    tracking = item(agency="police", activity="case_tracking", judgement_area="deep_dive", criteria=[])
    url = f"/inspections/{inspection_id}/evidence"

    # A JTAI's teams "jointly track and sample cases" (001 Proposal three): the shared sample only.
    await refused(await evidence_api.post(url, headers=actor("hmic"), json=tracking), "001 Proposal three")
    case = {"case_reference": "WKF-0042", "reason": "Deep-dive cohort: neglect, known to four agencies"}
    await ok(await evidence_api.post(f"{samples}/shared/cases", headers=actor("cqc"), json=case))
    await refused(await evidence_api.post(f"{samples}/shared/cases", headers=LEAD, json=case), "already in")
    await ok(await evidence_api.post(url, headers=actor("hmic"), json=tracking))
    await ok(await evidence_api.post(url, headers=LEAD, json=tracking | {"agency": "local_authority"}))
    own = {"case_reference": "WKF-0077", "reason": "Police protection powers used twice"}
    await refused(
        await evidence_api.post(f"{samples}/hmic/cases", headers=actor("hmic"), json=own),
        "track and sample cases together",
        "001 Proposal three",
    )

    # The area's joint audit of the deep-dive cases during notice (001 Proposal two): shared cases only.
    audit = tracking | {"activity": "joint_audit", "agency": "partnership"}
    await refused(
        await evidence_api.post(url, headers=LEAD, json=audit | {"case_reference": "WKF-0077"}), "shared"
    )
    await ok(await evidence_api.post(url, headers=LEAD, json=audit))
    shared_case = await ok(await evidence_api.get(f"/inspections/{inspection_id}/cases/WKF-0042"), 200)
    assert shared_case["samples"] == ["shared"]
    assert shared_case["inspectorates"] == ["hmic", "ofsted"]

    # Each inspectorate's own sample where the programme has one (Integrated 2014: 004 §35, §82): its own
    # to change and to track.
    integrated_id = await integrated(settings, evidence_api)
    samples = f"/inspections/{integrated_id}/samples"
    url = f"/inspections/{integrated_id}/evidence"
    tracking = item(
        agency="police", activity="case_tracking", judgement_area="help_and_protection", criteria=[]
    )
    await forbidden(await evidence_api.post(f"{samples}/hmic/cases", headers=LEAD, json=own), "004 §35, §82")
    unchanged = await ok(await evidence_api.get(samples), 200)
    assert unchanged["samples"] == []
    await ok(await evidence_api.post(f"{samples}/hmic/cases", headers=actor("hmic"), json=own))
    theirs = tracking | {"case_reference": "WKF-0077"}
    await refused(
        await evidence_api.post(url, headers=actor("cqc"), json=theirs | {"agency": "health"}), "sample"
    )
    await ok(await evidence_api.post(url, headers=actor("hmic"), json=theirs))
    removal = {"reason": "Not in scope after all"}
    await ok(
        await evidence_api.post(
            f"{samples}/hmic/cases/WKF-0077/removal", headers=actor("hmic"), json=removal
        ),
        200,
    )
    view = await ok(await evidence_api.get(samples), 200)
    assert view["samples"] == []


async def test_a_line_of_enquiry_is_seen_by_all_at_once_answered_with_evidence_and_closed(
    platform: Platform,
) -> None:
    scheduler, evidence_api = platform.scheduling, platform.evidence
    inspection_id = await jtai(scheduler, evidence_api)
    lines = f"/inspections/{inspection_id}/lines-of-enquiry"
    question = {"agency": "police", "case_reference": "WKF-0042", "question": "Were missing episodes shared?"}

    await forbidden(
        await evidence_api.post(lines, headers=actor("hmi_prisons"), json=question), "does not take part"
    )
    await refused(
        await evidence_api.post(lines, headers=actor("cqc"), json=question | {"agency": "cps"}), "cps"
    )
    line = await ok(await evidence_api.post(lines, headers=actor("cqc"), json=question))
    # Visible at once: read straight after, with no waiting, whoever asks.
    [listed] = await ok(await evidence_api.get(lines, params={"status": "open"}), 200)
    assert (listed["line_id"], listed["raised_by"], listed["status"]) == (line["line_id"], "cqc", "open")

    body = item(
        agency="police", activity="case_sampling", judgement_area="deep_dive", criteria=[], bearing="weakness"
    )
    evidence_id = (
        await ok(
            await evidence_api.post(
                f"/inspections/{inspection_id}/evidence", headers=actor("hmic"), json=body
            )
        )
    )["evidence_item_id"]
    one = f"{lines}/{line['line_id']}"
    await refused(
        await evidence_api.post(
            f"{one}/answers", headers=actor("hmic"), json={"evidence_item_ids": ["nope"], "answer": "x"}
        ),
        "nope: not recorded for this inspection",
    )
    answer = {"evidence_item_ids": [evidence_id, evidence_id], "answer": "No: two episodes were not shared."}
    answered = await ok(await evidence_api.post(f"{one}/answers", headers=actor("hmic"), json=answer))
    assert answered["answers"][0]["evidence_item_ids"] == [evidence_id]

    conclusion = {"conclusion": "Police do not share missing episodes with health: a weakness."}
    await forbidden(
        await evidence_api.post(f"{one}/closure", headers=actor("hmi_probation"), json=conclusion),
        "who raised it",
    )
    closed = await ok(await evidence_api.post(f"{one}/closure", headers=LEAD, json=conclusion), 200)
    assert (closed["status"], closed["closed_by"], closed["conclusion"]) == (
        "closed",
        "ofsted",
        conclusion["conclusion"],
    )
    await refused(await evidence_api.post(f"{one}/answers", headers=actor("hmic"), json=answer), "is closed")
    assert await ok(await evidence_api.get(lines, params={"status": "open"}), 200) == []


async def test_corrections_keep_the_history_and_reach_the_judgement_service(
    platform: Platform, settings: Settings
) -> None:
    evidence_api = platform.evidence
    inspection_id = await integrated(settings, evidence_api)
    url = f"/inspections/{inspection_id}/evidence"
    async with running(judgement(settings)) as judgement_api:
        recorded = await evidence_api.post(url, headers=actor("cqc"), json=item())
        item_id = (await ok(recorded))["evidence_item_id"]
        assert recorded.headers["ETag"] == '"1"'
        one = f"{url}/{item_id}"
        corrected = item(bearing="weakness", summary="Health visits were fortnightly, not weekly.")
        amendment = {"reason": "The visit log shows fortnightly visits.", "details": corrected}

        await forbidden(
            await evidence_api.post(f"{one}/amendments", headers=actor("hmic"), json=amendment), "only cqc"
        )
        unchanged = {"reason": "No change at all.", "details": item()}
        await refused(
            await evidence_api.post(f"{one}/amendments", headers=actor("cqc"), json=unchanged),
            "changes nothing",
        )
        stale = await evidence_api.post(
            f"{one}/amendments", headers=actor("cqc") | {"If-Match": '"0"'}, json=amendment
        )
        assert stale.status_code == 409
        amended = await evidence_api.post(
            f"{one}/amendments", headers=actor("cqc") | {"If-Match": '"1"'}, json=amendment
        )
        assert (await ok(amended, 200))["bearing"] == "weakness"

        async def judgement_sees(bearing: str, withdrawn: bool) -> bool:
            response = await judgement_api.get(f"/inspections/{inspection_id}/evidence/{item_id}")
            return response.status_code == 200 and (
                response.json()["bearing"],
                response.json()["withdrawn"],
            ) == (
                bearing,
                withdrawn,
            )

        await eventually(lambda: judgement_sees("weakness", False))
        withdrawn = await ok(
            await evidence_api.post(
                f"{one}/withdrawal", headers=actor("cqc"), json={"reason": "Wrong child's record."}
            ),
            200,
        )
        assert withdrawn["withdrawn"] is True
        assert withdrawn["version"] == 3
        await refused(
            await evidence_api.post(f"{one}/withdrawal", headers=actor("cqc"), json={"reason": "again"}),
            "withdrawn",
        )

        history = await ok(await evidence_api.get(one), 200)
        assert [(h["event_type"], h["reason"]) for h in history["history"]] == [
            ("evidence.EvidenceItemRecorded", None),
            ("evidence.EvidenceItemAmended", "The visit log shows fortnightly visits."),
            ("evidence.EvidenceItemWithdrawn", "Wrong child's record."),
        ]
        assert history["history"][0]["details"]["bearing"] == "strength"
        assert await ok(await evidence_api.get(url), 200) == []
        assert len(await ok(await evidence_api.get(url, params={"withdrawn": "true"}), 200)) == 1

        await eventually(lambda: judgement_sees("weakness", True))
        profile = await ok(await judgement_api.get(f"/inspections/{inspection_id}/evidence-profile"), 200)
        assert profile["items"] == 0


async def test_triangulation_shows_corroboration_per_agency_and_criterion_and_what_has_no_evidence(
    platform: Platform, settings: Settings
) -> None:
    evidence_api = platform.evidence
    inspection_id = await integrated(settings, evidence_api)
    url = f"/inspections/{inspection_id}/evidence"
    view_url = f"/inspections/{inspection_id}/triangulation"

    await ok(await evidence_api.post(url, headers=actor("cqc"), json=item()))
    health = (await ok(await evidence_api.get(view_url, params={"agency": "health"}), 200))["agencies"][0]
    [criterion] = health["criteria"]
    assert criterion["criterion"] == "68q"
    assert criterion["findings"][0]["corroborated"] is False
    assert "68q" not in health["coverage"]["criteria_without_evidence"]
    assert "68a" in health["coverage"]["criteria_without_evidence"]
    assert health["coverage"]["areas_without_evidence"] == [
        "looked_after",
        "achieving_permanence",
        "adoption_performance",
        "care_leavers",
        "leadership",
    ]

    # Ofsted, looking at the same case from its side, supports the same strength: two inspectorates.
    await ok(await evidence_api.post(url, headers=LEAD, json=item(activity="discussion_with_practitioner")))
    # A weakness on the same criterion makes it contested: a line to pursue.
    await ok(
        await evidence_api.post(
            url, headers=actor("cqc"), json=item(bearing="weakness", case_reference="WKF-0043")
        )
    )
    view = await ok(await evidence_api.get(view_url), 200)
    health = next(a for a in view["agencies"] if a["agency"] == "health")
    [criterion] = health["criteria"]
    strength, weakness = criterion["findings"]
    assert (strength["bearing"], strength["inspectorates"], strength["corroborated"]) == (
        "strength",
        ["cqc", "ofsted"],
        True,
    )
    assert strength["activities"] == ["case_audit", "discussion_with_practitioner"]
    assert (weakness["bearing"], weakness["corroborated"]) == ("weakness", False)
    assert criterion["contested"] is True
    assert view["corroborated_findings"] == 1
    assert view["items"] == 3
    police = next(a for a in view["agencies"] if a["agency"] == "police")
    assert police["items"] == 0
    assert len(police["coverage"]["criteria_without_evidence"]) == 40
