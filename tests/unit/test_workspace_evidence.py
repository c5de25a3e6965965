"""Journeys 2 and 3 of the workspace without a server: the evidence form's fields offered from the programme
and turned into the evidence service's body, the lines of enquiry's bodies, the triangulation board's rows
and their drill-downs, and the pages against a stand-in evidence service (a refusal shown with its rule,
the form keeping what was typed; the board's counts and corroboration)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from services.workspace.evidence import details_of, matches, offer_of, values_of
from services.workspace.evidence_models import EvidenceItem, KnownInspection, Line, Samples, Triangulation
from services.workspace.lines import citable, raise_body
from services.workspace.triangulation import board_of
from shared.language.contracts.vocabulary import Agency
from shared.language.programmes import catalogue
from tests.domain import item_view
from tests.workspace_pages import csrf, sign_in
from tests.workspace_pages import workspace as stand_in

ID = "insp-1"
KNOWN = {
    "inspection_id": ID,
    "programme": "jtai-2015",
    "inspectorates": ["ofsted", "cqc", "hmic", "hmi_probation"],
    "agencies": ["local_authority", "health", "police", "probation"],
    "judgement_areas": [a.id for a in catalogue()["jtai-2015"].judgement_areas],
    "criteria": 0,
    "notice_started": True,
    "evidence_closed": False,
    "cancelled": False,
}
SAMPLES = {
    "inspection_id": ID,
    "samples": [
        {"sample": "shared", "case_reference": "WKF-C-0101", "added_by": "ofsted", "reason": "deep dive"},
        {"sample": "cqc", "case_reference": "WKF-C-0202", "added_by": "cqc", "reason": "health visit"},
        {"sample": "hmic", "case_reference": "WKF-C-0303", "added_by": "hmic", "reason": "custody"},
    ],
    "closed": False,
    "closed_by": None,
    "version": 3,
}


def item(item_id: str = "item-1", **change: Any) -> dict[str, Any]:
    """An evidence item as the evidence service answers it: tests/domain.py's, about a case of the shared
    sample, on identification and referral."""
    view = item_view(item_id, **{"area": "identification_and_referral", "case": "WKF-C-0101", **change})
    return view.model_dump(mode="json")


def finding(bearing: str, ids: list[str], inspectorates: list[str]) -> dict[str, Any]:
    return {
        "bearing": bearing,
        "evidence_item_ids": ids,
        "inspectorates": inspectorates,
        "activities": ["case_tracking"],
        "case_references": [],
        "corroborated": len(inspectorates) >= 2,
    }


BOARD = {
    "inspection_id": ID,
    "programme": "jtai-2015",
    "rule": "001 Proposal three: two inspectorates or two activities",
    "items": 3,
    "corroborated_findings": 1,
    "agencies": [
        {
            "agency": "health",
            "items": 3,
            "corroborated_findings": 1,
            "areas": [
                {
                    "judgement_area": "identification_and_referral",
                    "findings": [
                        finding("strength", ["item-1", "item-2"], ["cqc", "hmic"]),
                        finding("weakness", ["item-3"], ["cqc"]),
                    ],
                    "contested": True,
                }
            ],
            "criteria": [],
            "coverage": {
                "criteria_without_evidence": [],
                "areas_without_evidence": ["assessment_and_decision_making", "deep_dive"],
            },
        }
    ],
}


def test_the_form_offers_the_programmes_areas_the_inspections_agencies_and_the_users_samples() -> None:
    offer = offer_of(KnownInspection.model_validate(KNOWN), Samples.model_validate(SAMPLES), "cqc")
    assert list(offer.agencies) == ["local_authority", "health", "police", "probation", "lscb", "partnership"]
    assert offer.agencies["health"] == "Health services"
    assert "identification_and_referral" in offer.areas
    assert offer.criteria == {}  # the JTAI has no numbered criteria
    assert offer.cases == {
        "WKF-C-0101": "WKF-C-0101 (shared sample)",
        "WKF-C-0202": "WKF-C-0202 (CQC sample)",
    }  # not HMIC's own
    integrated = offer_of(
        KnownInspection.model_validate({**KNOWN, "programme": "integrated-2014"}),
        Samples.model_validate(SAMPLES),
        "cqc",
    )
    assert integrated.criteria
    assert all(re.match(r"^\d{1,3}[a-z]$", c) for c in integrated.criteria)
    assert "overall_effectiveness" not in integrated.areas  # cumulative: derived from the others


def test_the_items_details_are_the_services_body_and_what_is_missing_is_asked_for_beside_its_field() -> None:
    details, problems = details_of({"activity": "meeting_observation", "criteria": "68q"})
    assert [p.href for p in problems] == ["#agency", "#judgement_area", "#bearing", "#summary", "#meeting"]
    assert details["criteria"] == ["68q"]
    values = {**values_of(EvidenceItem.model_validate(item())), "criteria": ["1a", "2b"], "meeting": "marac"}
    details, problems = details_of(values)
    assert not problems
    assert details == {
        "agency": "health",
        "activity": "case_sampling",
        "judgement_area": "identification_and_referral",
        "criteria": ["1a", "2b"],
        "bearing": "strength",
        "summary": "Evidence item-1.",
        "case_reference": "WKF-C-0101",
    }  # no meeting but for a meeting observation


def test_the_items_shown_are_those_the_board_drilled_into() -> None:
    shown = EvidenceItem.model_validate(item(criteria=["68q"]))
    assert matches(shown, {"agency": "health", "judgement_area": "identification_and_referral"})
    assert matches(shown, {"criterion": "68q", "bearing": "strength"})
    assert not matches(shown, {"agency": "police"})
    assert not matches(shown, {"criterion": "69a"})


def test_a_line_of_enquirys_body_and_the_items_its_answer_may_cite() -> None:
    body, problems = raise_body({"agency": "", "question": " "})
    assert [p.href for p in problems] == ["#agency", "#question"]
    body, problems = raise_body({"agency": "health", "question": " Why? ", "case_reference": "WKF-C-0101"})
    assert (body, problems) == ({"agency": "health", "question": "Why?", "case_reference": "WKF-C-0101"}, [])
    line = Line.model_validate(
        {
            "line_id": "l-1",
            "raised_by": "cqc",
            "raised_at": datetime(2026, 12, 3, tzinfo=UTC),
            "agency": "health",
            "case_reference": "WKF-C-0101",
            "question": "Why?",
            "status": "open",
        }
    )
    items = [
        EvidenceItem.model_validate(item("police", agency=Agency.POLICE)),
        EvidenceItem.model_validate(item("gone", withdrawn=True)),
        EvidenceItem.model_validate(item("health")),
    ]
    assert list(citable(items, line)) == ["health", "police"]  # the line's agency first; never withdrawn


def test_the_board_counts_each_bearing_says_if_it_is_corroborated_and_drills_into_its_items() -> None:
    titles = {a.id: a.title for a in catalogue()["jtai-2015"].judgement_areas}
    [health] = board_of(ID, Triangulation.model_validate(BOARD), titles)
    [row] = health.areas
    assert row.title == titles["identification_and_referral"]
    assert row.contested
    assert [c.words for c in row.cells] == ["2, corroborated", "1, single source", "None"]
    query = parse_qs(urlsplit(row.cells[0].href).query)
    assert query == {
        "agency": ["health"],
        "judgement_area": ["identification_and_referral"],
        "bearing": ["strength"],
    }
    assert health.gaps == [titles["assessment_and_decision_making"], titles["deep_dive"]]


# --- the pages, against a stand-in evidence service ---------------------------------------------------

REFUSED = {
    "error": "rule_violation",
    "detail": "case WKF-C-0999 is in neither the shared sample nor cqc's own: add it to a sample first",
    "rule": "002 §43; 002 §44",
}


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, list[httpx.Request]]]:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        path = request.url.path
        if request.method == "POST":
            return httpx.Response(422, json=REFUSED)
        answers: dict[str, Any] = {
            "/health": {"environment": "rehearsal"},
            "/clock": {
                "environment": "rehearsal",
                "rehearsal": True,
                "now": "2026-12-03T10:00:00Z",
                "today": "2026-12-03",
            },
            f"/inspections/{ID}": KNOWN,
            f"/inspections/{ID}/samples": SAMPLES,
            f"/inspections/{ID}/evidence": [item()],
            f"/inspections/{ID}/triangulation": BOARD,
        }
        return httpx.Response(200, json=answers[path])

    async with stand_in(tmp_path, answer) as client:
        signed = await sign_in(client, "insp-cqc", "inspector", "cqc")
        assert signed.status_code == 303
        yield client, seen


async def test_recording_an_item_refused_shows_the_rule_and_keeps_what_was_typed(
    browser: tuple[httpx.AsyncClient, list[httpx.Request]],
) -> None:
    client, seen = browser
    form = await client.get(f"/inspections/{ID}/evidence/new")
    assert form.status_code == 200
    assert '<option value="WKF-C-0101">WKF-C-0101 (shared sample)</option>' in form.text
    assert "WKF-C-0303" not in form.text  # HMIC's own sample is not CQC's
    typed = {
        "csrf_token": csrf(form),
        "agency": "health",
        "judgement_area": "identification_and_referral",
        "bearing": "strength",
        "activity": "case_tracking",
        "case_reference": "WKF-C-0101",
        "summary": "Shared the same day",
    }
    answer = await client.post(f"/inspections/{ID}/evidence", data=typed)
    assert answer.status_code == 422
    assert "Case WKF-C-0999 is in neither the shared sample" in answer.text
    assert '<span class="app-rule">Rule: 002 §43; 002 §44</span>' in answer.text
    assert re.search(r'<option value="health" selected>', answer.text)
    assert re.search(r'value="strength" checked', answer.text)
    assert "Shared the same day</textarea>" in answer.text
    [sent] = [r for r in seen if r.method == "POST" and r.url.host == "evidence.test"]
    assert sent.url.path == f"/inspections/{ID}/evidence"

    missing = await client.post(f"/inspections/{ID}/evidence", data={"csrf_token": csrf(form)})
    assert missing.status_code == 422
    assert 'href="#agency"' in missing.text
    forged = await client.post(f"/inspections/{ID}/evidence", data={**typed, "csrf_token": "made-up"})
    assert forged.status_code == 403
    assert len([r for r in seen if r.method == "POST" and r.url.host == "evidence.test"]) == 1


async def test_the_board_and_the_evidence_it_drills_into(
    browser: tuple[httpx.AsyncClient, list[httpx.Request]],
) -> None:
    client, _ = browser
    board = await client.get(f"/inspections/{ID}/triangulation")
    assert board.status_code == 200
    assert "2, corroborated" in board.text
    assert "1, single source" in board.text
    assert "Contested" in board.text
    drilled = await client.get(
        f"/inspections/{ID}/evidence", params={"agency": "police", "judgement_area": "deep_dive"}
    )
    assert drilled.status_code == 200
    assert "No evidence is recorded here yet." in drilled.text
    every = await client.get(f"/inspections/{ID}/evidence")
    assert "Evidence item-1." in every.text
    assert "WKF-C-0101" in every.text
    assert "WKF-C-0202" in every.text  # CQC's own sample ...
    assert "WKF-C-0303" not in every.text  # ... but not HMIC's


async def test_the_lead_inspector_closes_evidence_gathering_with_a_reason_and_a_refusal_shows_its_rule(
    tmp_path: Path,
) -> None:
    sent: list[httpx.Request] = []
    too_early = {
        "error": "rule_violation",
        "detail": "not before the last day of fieldwork",
        "rule": "001 §9",
    }

    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            sent.append(request)
            if len(sent) == 1:
                return httpx.Response(422, json=too_early)
            return httpx.Response(200, json={**SAMPLES, "closed": True, "closed_by": "ofsted"})
        answers: dict[str, Any] = {
            f"/inspections/{ID}": KNOWN,
            f"/inspections/{ID}/samples": SAMPLES,
            f"/inspections/{ID}/evidence": [item()],
        }
        path = request.url.path
        return httpx.Response(200, json=answers[path]) if path in answers else httpx.Response(404, json={})

    async with stand_in(tmp_path, answer) as client:
        await sign_in(client, "insp-cqc", "lead_inspector", "cqc")
        page = await client.get(f"/inspections/{ID}/evidence")
        assert "Close evidence gathering" not in page.text  # only the lead inspectorate's lead closes it
    async with stand_in(tmp_path, answer) as client:
        await sign_in(client, "lead-1", "lead_inspector", "ofsted")
        page = await client.get(f"/inspections/{ID}/evidence")
        assert 'action="/inspections/insp-1/evidence/closure"' in page.text
        url = f"/inspections/{ID}/evidence/closure"
        missing = await client.post(url, data={"csrf_token": csrf(page), "reason": " "})
        assert missing.status_code == 422
        assert 'href="#closure-reason"' in missing.text
        assert not sent  # nothing asked of the service
        typed = {"csrf_token": csrf(page), "reason": "Fieldwork is over."}
        refused = await client.post(url, data=typed)
        assert refused.status_code == 422
        assert '<span class="app-rule">Rule: 001 §9</span>' in refused.text
        assert "Fieldwork is over.</textarea>" in refused.text  # kept as typed
        closed = await client.post(url, data=typed)
        assert (closed.status_code, closed.headers["location"]) == (
            303,
            f"/inspections/{ID}/evidence?done=closed",
        )
    assert [(r.url.path, r.content) for r in sent] == [
        (f"/inspections/{ID}/closure", b'{"reason":"Fieldwork is over."}')
    ] * 2
