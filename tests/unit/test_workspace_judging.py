"""Journeys 4 and 5 of the workspace without a server: what each role is offered on a judgement and on the
board's evaluation, the forms read into the services' bodies (what is missing named beside its field), the
evidence profile as checkboxes; and a graded judgement's page against stand-in services: its derived grade
and limiting rule with the paragraph, its flag for review, a proposal missing its grade asked for again
keeping what was typed, and a refusal of moderation shown with its rule; and the board's evaluation with
its criteria, a contribution missing what it shows asked for again, keeping what was typed."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.workspace import evaluation, judgements
from services.workspace.evidence_models import Triangulation
from services.workspace.judging_models import BoardEvaluation, JudgementView
from shared.language.programmes import catalogue
from tests.workspace_pages import csrf, sign_in
from tests.workspace_pages import workspace as stand_in

INTEGRATED = catalogue()["integrated-2014"].model_dump(mode="json")
CLOCK = {"environment": "rehearsal", "rehearsal": True, "now": "2026-12-03T10:00:00Z", "today": "2026-12-03"}
INSPECTION = {
    "inspection_id": "insp-1",
    "programme": "integrated-2014",
    "area_code": "E08000036",
    "local_area": "Wakefield",
    "deep_dive_theme": None,
    "announced": True,
    "fieldwork_starts": "2027-01-04",
    "fieldwork_ends": "2027-01-22",
    "notice_date": "2026-12-28",
    "inspectorates": ["ofsted", "cqc", "hmic", "hmi_probation"],
    "agencies": {"local_authority": "ofsted", "health": "cqc", "police": "hmic"},
    "version": 3,
}
PROFILE = {
    "rule": "corroborated by two inspectorates or two activities (004 §24)",
    "items": 2,
    "corroborated_findings": 1,
    "agencies": [
        {
            "agency": "local_authority",
            "items": 2,
            "corroborated_findings": 1,
            "areas": [
                {
                    "judgement_area": "help_and_protection",
                    "contested": False,
                    "findings": [
                        {
                            "bearing": "weakness",
                            "evidence_item_ids": ["ev-1", "ev-2"],
                            "inspectorates": ["ofsted", "cqc"],
                            "activities": ["case_tracking"],
                            "corroborated": True,
                        }
                    ],
                }
            ],
            "criteria": [],
            "coverage": {"criteria_without_evidence": [], "areas_without_evidence": []},
        }
    ],
}
RULE = {
    "rule_id": "help-limits-overall",
    "source": "004 §67",
    "leads_to": "inadequate",
    "because": ["help_and_protection"],
}
OVERALL = {
    "agency": "local_authority",
    "judgement_area": "overall_effectiveness",
    "title": "Overall effectiveness",
    "status": "proposed",
    "grade": "good",
    "text": "Good overall.",
    "evidence_item_ids": ["ev-1"],
    "derived": {"grade": "inadequate", "rules": [RULE]},
    "flagged": [{"reason": "a contributing judgement changed", "limiting_rules": [RULE]}],
}
HELP = {
    "agency": "local_authority",
    "judgement_area": "help_and_protection",
    "title": "Children who need help and protection",
    "status": None,
}
SCALE = ["outstanding", "good", "requires_improvement", "inadequate"]
BOARD = {
    "scale": SCALE,
    "narrative_for": [],
    "judgements": [OVERALL, HELP],
    "version": 7,
}
REFUSED = {"error": "rule_violation", "detail": "only the lead inspector may moderate", "rule": "004 §29"}


@dataclass
class Services:
    seen: list[httpx.Request] = field(default_factory=list)

    def answer(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        path = request.url.path
        if request.method == "POST" and path.endswith("/moderate"):
            return httpx.Response(422, json=REFUSED)
        answers: dict[str, Any] = {
            "/health": {"environment": "rehearsal"},
            "/clock": CLOCK,
            "/programmes/integrated-2014": INTEGRATED,
            "/inspections/insp-1": INSPECTION,
            "/inspections/insp-1/judgements": BOARD,
            "/inspections/insp-1/evidence-profile": PROFILE,
            "/inspections/insp-1/evaluation": _evaluation().model_dump(mode="json"),
        }
        return httpx.Response(200, json=answers[path])


@pytest.fixture
async def workspace(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, Services]]:
    services = Services()
    async with stand_in(tmp_path, services.answer) as browser:
        await sign_in(browser, "lead-1", "lead_inspector", "ofsted")
        yield browser, services


def _evaluation(**change: Any) -> BoardEvaluation:
    view: dict[str, Any] = {
        "programme": "integrated-2014",
        "evaluation": "graded",
        "scale": ["outstanding", "good", "requires_improvement", "inadequate"],
        "criteria": [
            {"criterion": "115a", "text": "the board coordinates", "evidence": [], "contributions": []}
        ],
        "uncovered": ["115a"],
        "evidence": [
            {
                "evidence_item_id": "ev-9",
                "inspectorate": "cqc",
                "agency": "lscb",
                "bearing": "strength",
                "criteria": ["115a"],
                "summary": "Board audits are acted on",
            }
        ],
        "contributions": [],
        "proposal": None,
        "descriptor": None,
        "signed_off": [],
        "awaiting": [],
        "disputes": [],
        "final": None,
        "version": 4,
    }
    return BoardEvaluation.model_validate(view | change)


PROPOSED = {"proposal": 1, "grade": "good", "text": "Good.", "evidence_item_ids": ["ev-9"]}


def test_the_evaluation_offers_each_role_only_its_steps() -> None:
    none_yet = _evaluation()
    assert evaluation.may(none_yet, "lead_inspector", "ofsted", "ofsted") == {"contributions", "proposal"}
    assert evaluation.may(none_yet, "lead_inspector", "cqc", "ofsted") == {"contributions"}
    assert evaluation.may(none_yet, "quality_assurer", "ofsted", "ofsted") == set()
    proposed = _evaluation(proposal=PROPOSED, awaiting=["cqc"], signed_off=["ofsted"])
    assert evaluation.may(proposed, "lead_inspector", "cqc", "ofsted") == {
        "contributions",
        "sign-off",
        "disputes",
    }
    assert "final" not in evaluation.may(proposed, "lead_inspector", "ofsted", "ofsted")  # cqc has not signed
    disputed = _evaluation(
        proposal=PROPOSED,
        awaiting=["cqc"],
        disputes=[{"inspectorate": "cqc", "proposal": 1, "reasons": "no"}],
    )
    assert evaluation.may(disputed, "lead_inspector", "cqc", "ofsted") == {"contributions", "resolution"}
    agreed = _evaluation(proposal=PROPOSED, signed_off=["ofsted", "cqc"])
    assert "final" in evaluation.may(agreed, "lead_inspector", "ofsted", "ofsted")
    final = _evaluation(proposal=PROPOSED, final={"grade": "good", "signed_off_by": ["ofsted"]})
    assert evaluation.may(final, "lead_inspector", "ofsted", "ofsted") == set()


def test_a_contribution_and_a_proposal_are_read_from_their_forms_with_what_is_missing_beside_its_field() -> (
    None
):
    view = _evaluation()
    body, problems = evaluation.contribution(
        {
            "c-criterion": "115a",
            "c-bearing": "strength",
            "c-attributed_to": "lscb",
            "c-text": " Audits ",
            "c-evidence": "ev-9",
        },
        view,
    )
    assert problems == []
    assert body == {
        "criterion": "115a",
        "bearing": "strength",
        "attributed_to": "lscb",
        "text": "Audits",
        "evidence_item_ids": ["ev-9"],
    }
    _, problems = evaluation.contribution({"c-criterion": "115z"}, view)
    assert [p.href for p in problems] == [
        "#c-criterion",
        "#c-bearing",
        "#c-attributed_to",
        "#c-text",
        "#c-evidence",
    ]
    body, problems = evaluation.proposal({"p-text": "Good.", "p-evidence": ["ev-9"]}, view)
    assert [p.href for p in problems] == ["#p-grade"]  # graded: a grade is asked for
    body, problems = evaluation.proposal(
        {"p-text": "Narrative.", "p-evidence": ["ev-9"]}, _evaluation(scale=[])
    )
    assert (body["grade"], problems) == (None, [])
    [item] = evaluation.evidence_items(view, ["ev-9"])
    assert (item["value"], item["text"], item["checked"]) == ("ev-9", "Board audits are acted on", True)
    assert "CQC" in item["hint"]["text"]


def test_findings_offer_the_programmes_kinds_and_cite_evidence_from_the_profile() -> None:
    assert list(judgements.kinds(["priority_action", "development"])) == [
        "key_strength",
        "area_for_priority_action",
        "area_for_development",
    ]
    offered = judgements.kinds(["improvement"])
    body, problems = judgements.finding(
        {"kind": "area_for_improvement", "addressed_to": "health", "text": "x", "evidence": ["ev-1", "ev-2"]},
        offered,
    )
    assert problems == []
    assert body["evidence_item_ids"] == ["ev-1", "ev-2"]
    _, problems = judgements.finding(
        {"kind": "area_for_priority_action", "addressed_to": "partnership"}, offered
    )
    assert [p.href for p in problems] == ["#kind", "#text", "#evidence"]
    items = judgements.evidence_items(Triangulation.model_validate(PROFILE), "ev-2")
    assert [(i["value"], i["checked"]) for i in items] == [("ev-1", False), ("ev-2", True)]
    assert "Weakness about the local authority" in items[0]["hint"]["text"]
    assert "corroborated" in items[0]["hint"]["text"]


def test_each_role_is_offered_its_step_of_moderation() -> None:
    proposed = JudgementView.model_validate(OVERALL)
    assert judgements.offered(proposed, "lead_inspector") == {
        "moderate": "Moderate the judgement",
        "return": "Return the judgement",
    }
    assert judgements.offered(proposed, "inspector") == {}
    moderated = proposed.model_copy(update={"status": "moderated"})
    assert list(judgements.offered(moderated, "quality_assurer")) == ["quality-assure", "return"]
    assured = proposed.model_copy(update={"status": "quality_assured"})
    assert judgements.offered(assured, "lead_inspector") == {"finalise": "Make the judgement final"}
    assert judgements.may_propose(JudgementView.model_validate(HELP), "inspector")
    assert not judgements.may_propose(proposed, "lead_inspector")
    body, problems = judgements.proposal({"text": "t", "evidence": "ev-1", "rationale": "why"}, SCALE)
    assert [p.href for p in problems] == ["#grade"]
    assert body["rationale"] == "why"


async def test_a_graded_judgement_shows_its_derived_grade_and_rule_and_its_flag_and_a_refusal_with_its_rule(
    workspace: tuple[httpx.AsyncClient, Services],
) -> None:
    browser, services = workspace
    url = "/inspections/insp-1/judgements/local_authority/overall_effectiveness"
    page = await browser.get(url)
    assert page.status_code == 200
    assert "Derived grade" in page.text
    assert "Inadequate: 004 §67, as help and protection judged inadequate" in page.text
    assert "Flagged for review: a contributing judgement changed (004 §67)" in page.text
    assert "Moderate the judgement" in page.text
    refused = await browser.post(f"{url}/moderate", data={"csrf_token": csrf(page), "version": "7"})
    assert refused.status_code == 422
    assert "Only the lead inspector may moderate" in refused.text
    assert "Rule: 004 §29" in refused.text
    assert services.seen[-1].method == "GET"  # after the refusal, the page is read again
    moderate = next(r for r in services.seen if r.method == "POST")
    assert moderate.headers["if-match"] == '"7"'

    board = await browser.get("/inspections/insp-1/judgements/local_authority/help_and_protection")
    asked = await browser.post(
        "/inspections/insp-1/judgements/local_authority/help_and_protection",
        data={
            "csrf_token": csrf(board),
            "text": "Children wait too long.",
            "evidence": "ev-2",
            "version": "7",
        },
    )
    assert asked.status_code == 422
    assert "Choose the grade" in asked.text
    assert "Children wait too long." in asked.text  # kept as typed
    assert re.search(r'value="ev-2"\s+checked', asked.text)
    assert not any(r.method == "PUT" for r in services.seen)


async def test_the_boards_evaluation_lists_its_criteria_and_a_contribution_missing_its_bearing_is_asked_again(
    workspace: tuple[httpx.AsyncClient, Services],
) -> None:
    browser, services = workspace
    page = await browser.get("/inspections/insp-1/evaluation")
    assert page.status_code == 200
    assert "115a: the board coordinates" in page.text
    assert "Not proposed yet" in page.text
    assert "Propose the evaluation" in page.text  # Ofsted leads an Integrated inspection
    asked = await browser.post(
        "/inspections/insp-1/evaluation/contributions",
        data={
            "csrf_token": csrf(page),
            "c-criterion": "115a",
            "c-text": "Audits lead to change.",
            "version": "4",
        },
    )
    assert asked.status_code == 422
    assert "Choose what the finding shows" in asked.text
    assert "Audits lead to change." in asked.text  # kept as typed
    assert re.search(r'value="115a"\s+selected', asked.text)
    assert not any(r.method == "POST" for r in services.seen if r.url.host == "lscb.test")
