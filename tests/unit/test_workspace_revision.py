"""Revising a final judgement in the workspace (issue 20): a lead inspector is offered "Revise this judgement"
on a final judgement (nobody else, and not before it is final); the form asks for the new grade or
narrative as a proposal does and the reason, what is missing named beside its field; the judgement
service's refusal is shown as a GOV.UK error summary with its rule, the form keeping what was typed; and a
409 shows the judgement as it now stands. Against stand-in services."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.workspace.judgements import may_revise, revision
from services.workspace.judging_models import JudgementView
from tests.unit.test_workspace_judging import CLOCK, INSPECTION, INTEGRATED, PROFILE, SCALE
from tests.workspace_pages import csrf, sign_in
from tests.workspace_pages import workspace as stand_in

URL = "/inspections/insp-1/judgements/local_authority/help_and_protection"
FINAL = {
    "agency": "local_authority",
    "judgement_area": "help_and_protection",
    "title": "Children who need help and protection",
    "status": "final",
    "grade": "good",
    "text": "Children are seen quickly.",
    "evidence_item_ids": ["ev-1"],
}
REVISED = {**FINAL, "status": "proposed", "grade": "requires_improvement", "text": "Some children wait."}
FOUND_AFTER = "Found after the letter: two referrals waited a week."
TYPED = {
    "grade": "requires_improvement",
    "text": "Some children wait.",
    "evidence": ["ev-1", "ev-2"],
    "reason": FOUND_AFTER,
    "version": "7",
}


def board(judgement: dict[str, Any], version: int) -> dict[str, Any]:
    return {"scale": SCALE, "narrative_for": [], "judgements": [judgement], "version": version}


@dataclass
class Judgement:
    """The judgement service as the stand-in answers it: the board, and what a revision gets."""

    current: dict[str, Any] = field(default_factory=lambda: board(FINAL, 7))
    revise: tuple[int, dict[str, Any]] = (200, REVISED)
    seen: list[httpx.Request] = field(default_factory=list)

    def answer(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        path = request.url.path
        if request.method == "POST":
            assert path == f"{URL}/revise", path
            return httpx.Response(self.revise[0], json=self.revise[1])
        answers: dict[str, Any] = {
            "/health": {"environment": "rehearsal"},
            "/clock": CLOCK,
            "/programmes/integrated-2014": INTEGRATED,
            "/inspections/insp-1": INSPECTION,
            "/inspections/insp-1/judgements": self.current,
            "/inspections/insp-1/evidence-profile": PROFILE,
        }
        return httpx.Response(200, json=answers[path])


@pytest.fixture
def service() -> Judgement:
    return Judgement()


@pytest.fixture
async def lead(tmp_path: Path, service: Judgement) -> AsyncIterator[httpx.AsyncClient]:
    async with stand_in(tmp_path, service.answer) as browser:
        await sign_in(browser, "lead-1", "lead_inspector", "ofsted")
        yield browser


def test_only_a_lead_inspector_revises_and_only_a_final_judgement() -> None:
    final = JudgementView.model_validate(FINAL)
    assert may_revise(final, "lead_inspector")
    assert not any(may_revise(final, role) for role in ("inspector", "quality_assurer", "auditor"))
    assert not may_revise(final.model_copy(update={"status": "moderated"}), "lead_inspector")


def test_a_revision_is_a_proposal_with_its_reason() -> None:
    body, problems = revision({**TYPED, "evidence": "ev-1"}, SCALE)
    assert (problems, body["grade"], body["reason"], body["evidence_item_ids"]) == (
        [],
        "requires_improvement",
        FOUND_AFTER,
        ["ev-1"],
    )
    _, missing = revision({"text": "x", "evidence": "ev-1", "reason": " "}, SCALE)
    assert [p.href for p in missing] == ["#grade", "#reason"]


async def test_the_lead_revises_a_final_judgement_which_is_then_moderated_again(
    lead: httpx.AsyncClient, service: Judgement
) -> None:
    page = await lead.get(URL)
    assert f'href="{URL}/revision"' in page.text
    assert "Revise this judgement" in page.text
    form = await lead.get(f"{URL}/revision")
    assert form.status_code == 200
    assert "Why the judgement is revised" in form.text
    assert re.search(r'value="good"\s+checked', form.text)  # the grade as it stands, to change
    answer = await lead.post(f"{URL}/revision", data={"csrf_token": csrf(form), **TYPED})
    assert (answer.status_code, answer.headers["location"]) == (303, f"{URL}?done=revised")
    sent = next(r for r in service.seen if r.method == "POST")
    assert sent.headers["if-match"] == '"7"'
    assert httpx.Response(200, content=sent.content).json() == {
        "grade": "requires_improvement",
        "text": "Some children wait.",
        "evidence_item_ids": ["ev-1", "ev-2"],
        "leaders_understand_failure": False,
        "reason": FOUND_AFTER,
    }
    service.current = board(REVISED, 8)
    done = await lead.get(answer.headers["location"])
    assert "The judgement is revised. It is moderated again before it is final." in done.text
    assert "Revise this judgement" not in done.text  # no longer final


async def test_an_inspector_is_not_offered_the_revision(tmp_path: Path, service: Judgement) -> None:
    async with stand_in(tmp_path, service.answer) as browser:
        await sign_in(browser, "insp-1", "inspector", "cqc")
        page = await browser.get(URL)
        assert "Revise this judgement" not in page.text
        form = await browser.get(f"{URL}/revision")
        assert "Only a final judgement is revised, by a lead inspector" in form.text
        assert 'id="revise"' not in form.text


async def test_a_revision_without_its_reason_is_asked_again_keeping_what_was_typed(
    lead: httpx.AsyncClient, service: Judgement
) -> None:
    form = await lead.get(f"{URL}/revision")
    asked = await lead.post(f"{URL}/revision", data={"csrf_token": csrf(form), **TYPED, "reason": ""})
    assert asked.status_code == 422
    assert 'href="#reason"' in asked.text
    assert "Enter why the judgement is revised" in asked.text
    assert "Some children wait." in asked.text
    assert re.search(r'value="requires_improvement"\s+checked', asked.text)
    assert not any(r.method == "POST" for r in service.seen)


async def test_a_refused_revision_shows_the_rule_and_keeps_what_was_typed(
    lead: httpx.AsyncClient, service: Judgement
) -> None:
    rule = {"error": "rule_violation", "detail": "the report is being corrected", "rule": "004 §70"}
    service.revise = (422, rule)
    form = await lead.get(f"{URL}/revision")
    refused = await lead.post(f"{URL}/revision", data={"csrf_token": csrf(form), **TYPED})
    assert refused.status_code == 422
    assert "govuk-error-summary" in refused.text
    assert "The report is being corrected" in refused.text
    assert "Rule: 004 §70" in refused.text
    assert FOUND_AFTER in refused.text  # the reason kept as typed
    assert re.search(r'value="ev-2"\s+checked', refused.text)


async def test_a_conflict_shows_the_judgement_as_it_now_stands(
    lead: httpx.AsyncClient, service: Judgement
) -> None:
    form = await lead.get(f"{URL}/revision")
    service.revise = (409, {"error": "conflict", "detail": "the judgement is at version 8, not 7"})
    service.current = board({**FINAL, "text": "Revised by someone else."}, 8)
    answer = await lead.post(f"{URL}/revision", data={"csrf_token": csrf(form), **TYPED})
    assert answer.status_code == 409
    assert "Someone else changed this since you opened the page" in answer.text
    stands = answer.text[answer.text.index('id="as-it-stands"') : answer.text.index('id="revise"')]
    assert "Revised by someone else." in stands
    assert 'name="version" value="8"' in answer.text  # trying again is against the new state
    assert FOUND_AFTER in answer.text
