"""The evidence form's criteria narrowed to the agency and judgement area (issue 20): on a programme whose
criteria belong to an agency and an area (Integrated 2014), the form asks the agency and area first (one
thing per page, no JavaScript), then offers only that pair's criteria and the board's under its own area; a
criterion of another pair is refused beside the field, before the evidence service is asked. A programme
without numbered criteria (the JTAI) keeps its one-page form."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.workspace.evidence_models import KnownInspection, Samples
from services.workspace.evidence_offer import offer_of
from shared.language.programmes import catalogue
from tests.unit.test_workspace_evidence import ID, KNOWN, SAMPLES, item
from tests.workspace_pages import csrf, sign_in
from tests.workspace_pages import workspace as stand_in

INTEGRATED = {
    **KNOWN,
    "programme": "integrated-2014",
    "agencies": ["local_authority", "health", "police", "probation"],
    "judgement_areas": [a.id for a in catalogue()["integrated-2014"].judgement_areas],
    "criteria": len(catalogue()["integrated-2014"].criteria),
}
NEW = f"/inspections/{ID}/evidence/new"
AMENDED = item("item-9", area="looked_after", criteria=["69a"])
TYPED = {
    "agency": "health",
    "judgement_area": "looked_after",
    "bearing": "strength",
    "activity": "case_tracking",
    "case_reference": "WKF-C-0101",
    "summary": "Health assessments were on time.",
}


def offer(known: dict[str, Any] = INTEGRATED) -> Any:
    return offer_of(KnownInspection.model_validate(known), Samples.model_validate(SAMPLES), "cqc")


def test_only_the_criteria_of_the_agency_and_area_chosen_are_offered() -> None:
    integrated = offer()
    assert integrated.in_two_steps
    assert list(integrated.criteria_of("health", "looked_after")) == [f"69{c}" for c in "abcdefgh"]
    assert "68q" in integrated.criteria_of("health", "help_and_protection")
    assert not any(c.startswith("69") for c in integrated.criteria_of("health", "help_and_protection"))
    # The board's criteria, under its own area, for any partner's part in it.
    assert list(integrated.criteria_of("police", "lscb")) == [f"115{c}" for c in "abcdefghijkl"]
    assert integrated.criteria_of("local_authority", "looked_after") == {}
    assert not offer(KNOWN).in_two_steps  # the JTAI has no numbered criteria


def test_a_criterion_of_another_pair_is_named_beside_the_field() -> None:
    integrated = offer()
    [problem] = integrated.problems_of({**TYPED, "criteria": ["69a", "68q", "115a"]})
    assert problem.href == "#criteria"
    assert problem.text == (
        "Criteria 68q and 115a are not among the criteria about health services under the experiences "
        "and progress of children looked after and care leavers: choose from those listed"
    )
    assert integrated.problems_of({**TYPED, "criteria": ["69a", "69h"]}) == []
    [none] = integrated.problems_of({**TYPED, "agency": "local_authority", "criteria": "69a"})
    assert none.text.startswith("There are no criteria about the local authority under")


@pytest.fixture
async def cqc(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, list[httpx.Request]]]:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        path = request.url.path
        if request.method == "POST":
            return httpx.Response(201, json=AMENDED)
        clock = {
            "environment": "rehearsal",
            "rehearsal": True,
            "now": "2026-12-03T10:00:00Z",
            "today": "2026-12-03",
        }
        answers: dict[str, Any] = {
            "/health": clock,
            "/clock": clock,
            f"/inspections/{ID}": INTEGRATED,
            f"/inspections/{ID}/samples": SAMPLES,
            f"/inspections/{ID}/evidence/item-9": {"item": AMENDED, "history": []},
        }
        return httpx.Response(200, json=answers[path])

    async with stand_in(tmp_path, answer) as client:
        await sign_in(client, "insp-cqc", "inspector", "cqc")
        yield client, seen


def offered(page: httpx.Response) -> list[str]:
    return re.findall(r'name="criteria" type="checkbox" value="([^"]+)"', page.text)


async def test_the_form_asks_the_agency_and_area_first_then_offers_only_their_criteria(
    cqc: tuple[httpx.AsyncClient, list[httpx.Request]],
) -> None:
    client, seen = cqc
    first = await client.get(NEW)
    assert first.status_code == 200
    assert '<form method="get" action="/inspections/insp-1/evidence/new"' in first.text
    assert offered(first) == []
    assert 'name="summary"' not in first.text  # one thing per page: the pair first
    asked = await client.get(NEW, params={"agency": "health", "judgement_area": ""})
    assert asked.status_code == 422
    assert 'href="#judgement_area"' in asked.text
    assert re.search(r'<option value="health" selected>', asked.text)  # kept as chosen

    second = await client.get(NEW, params={"agency": "health", "judgement_area": "looked_after"})
    assert second.status_code == 200
    assert offered(second) == [f"69{c}" for c in "abcdefgh"]
    assert '<input type="hidden" name="agency" value="health">' in second.text
    assert "change=yes&amp;agency=health&amp;judgement_area=looked_after" in second.text
    change = await client.get(
        NEW, params={"change": "yes", "agency": "health", "judgement_area": "looked_after"}
    )
    assert re.search(r'<option value="looked_after" selected>', change.text)
    assert offered(change) == []

    refused = await client.post(
        f"/inspections/{ID}/evidence", data={"csrf_token": csrf(second), **TYPED, "criteria": ["69a", "68q"]}
    )
    assert refused.status_code == 422
    assert 'href="#criteria"' in refused.text
    beside = r'id="criteria-error" class="govuk-error-message">\s*<span[^>]*>Error:</span> Criterion 68q is'
    assert re.search(beside, refused.text)
    assert re.search(r'value="69a"\s+checked', refused.text)  # what was ticked of the pair, kept
    assert offered(refused) == [f"69{c}" for c in "abcdefgh"]
    assert not any(r.method == "POST" for r in seen)

    recorded = await client.post(
        f"/inspections/{ID}/evidence", data={"csrf_token": csrf(second), **TYPED, "criteria": ["69a", "69b"]}
    )
    assert (recorded.status_code, recorded.headers["location"]) == (
        303,
        f"/inspections/{ID}/evidence/item-9?done=recorded",
    )
    [sent] = [r for r in seen if r.method == "POST"]
    assert httpx.Response(200, content=sent.content).json()["criteria"] == ["69a", "69b"]


async def test_amending_an_item_offers_the_criteria_of_its_pair_and_refuses_another_pairs(
    cqc: tuple[httpx.AsyncClient, list[httpx.Request]],
) -> None:
    client, seen = cqc
    page = await client.get(f"/inspections/{ID}/evidence/item-9/amend")
    assert page.status_code == 200
    assert offered(page) == [f"69{c}" for c in "abcdefgh"]
    assert re.search(r'value="69a"\s+checked', page.text)
    # The area changed on the form, the old pair's criterion still ticked: asked again, beside the field,
    # with the new pair's criteria offered.
    moved = {**TYPED, "judgement_area": "help_and_protection", "criteria": "69a", "reason": "Wrong area"}
    asked = await client.post(
        f"/inspections/{ID}/evidence/item-9/amendments",
        data={"csrf_token": csrf(page), **moved, "version": "1"},
    )
    assert asked.status_code == 422
    assert "Criterion 69a is not among the criteria about health services under" in asked.text
    assert "68q" in offered(asked)
    assert "69a" not in offered(asked)
    assert not any(r.method == "POST" for r in seen)
