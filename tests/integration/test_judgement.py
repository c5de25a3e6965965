"""The judgement service over HTTP against the real broker and database: judgements on an integrated
inspection's evidence, the limiting rules, moderation to final, and bad input writing nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from embedded.demo import first_fieldwork_week
from shared.language.workdays import today_in_england
from shared.mechanics.mongo import connect
from shared.mechanics.settings import Settings
from tests.helpers import actor, denied, eventually, forbidden, ok, refused, seed_integrated
from tests.in_process import Platform

OFSTED = actor("ofsted", "lead_inspector")
OFSTED_QA = actor("ofsted", "quality_assurer")
CQC = actor("cqc")
CQC_LEAD = actor("cqc", "lead_inspector")
HMIC = actor("hmic")


@dataclass
class Services:
    settings: Settings
    scheduling: httpx.AsyncClient
    evidence: httpx.AsyncClient
    judgement: httpx.AsyncClient

    async def inspection(self) -> str:
        inspection_id = await seed_integrated(self.settings)

        async def known() -> bool:
            board = await self.judgement.get(f"/inspections/{inspection_id}/judgements")
            notice = await self.evidence.get(f"/inspections/{inspection_id}")
            return board.status_code == 200 and notice.status_code == 200 and notice.json()["notice_started"]

        await eventually(known)
        return inspection_id

    async def item(self, inspection_id: str, who: dict[str, str], **details: Any) -> str:
        body = {
            "agency": "health",
            "activity": "case_audit",
            "judgement_area": "help_and_protection",
            "criteria": [],
            "bearing": "strength",
            "case_reference": "WKF-0042",
            "summary": "Health visitors saw the child weekly and shared concerns promptly.",
        } | details
        answer = await ok(
            await self.evidence.post(f"/inspections/{inspection_id}/evidence", headers=who, json=body)
        )
        item_id = str(answer["evidence_item_id"])

        async def arrived() -> bool:
            found = await self.judgement.get(f"/inspections/{inspection_id}/evidence/{item_id}")
            return found.status_code == 200

        await eventually(arrived)
        return item_id

    async def events(self) -> int:
        client = connect(self.settings.mongodb_uri, "test")
        try:
            return await client[self.settings.database_name("judgement")]["events"].count_documents({})
        finally:
            await client.close()


SERVICES = ("scheduling", "evidence", "judgement")  # the platform fixture's (tests/integration/conftest.py)


@pytest.fixture
def services(platform: Platform) -> Services:
    return Services(platform.settings, platform.scheduling, platform.evidence, platform.judgement)


def path(inspection_id: str, agency: str, area: str, step: str = "") -> str:
    return f"/inspections/{inspection_id}/judgements/{agency}/{area}" + (f"/{step}" if step else "")


def proposal(grade: str | None, *items: str, **more: Any) -> dict[str, Any]:
    return {
        "grade": grade,
        "text": "Children are protected promptly.",
        "evidence_item_ids": list(items),
    } | more


async def test_a_judgement_moves_from_proposed_to_final_each_step_by_its_inspectorate(
    services: Services,
) -> None:
    s = services
    inspection_id = await s.inspection()
    strength = await s.item(inspection_id, CQC)
    at = path(inspection_id, "health", "help_and_protection")

    proposed = await ok(await s.judgement.put(at, headers=CQC, json=proposal("good", strength)), 200)
    assert (proposed["status"], proposed["grade"], proposed["kind"]) == ("proposed", "good", "graded")

    before = await s.events()
    await refused(
        await s.judgement.post(f"{at}/quality-assure", headers=OFSTED_QA),
        "must be moderated",
        "domain.md People",  # 004 is silent on quality assurance: the domain brief, never 001's paragraph
    )
    await denied(await s.judgement.post(f"{at}/quality-assure", headers=OFSTED), "lead_inspector")
    await forbidden(
        await s.judgement.post(f"{at}/moderate", headers=CQC_LEAD), "lead inspectorate", "004 §19"
    )
    await denied(await s.judgement.post(f"{at}/moderate", headers=CQC), "inspector")
    assert await s.events() == before  # a refused command writes nothing

    await ok(await s.judgement.post(f"{at}/moderate", headers=OFSTED), 200)
    returned = await ok(
        await s.judgement.post(f"{at}/return", headers=OFSTED, json={"reason": "Cite the case audit too."}),
        200,
    )
    assert returned["status"] == "returned"
    await refused(await s.judgement.post(f"{at}/moderate", headers=OFSTED), "propose it again")

    weakness = await s.item(inspection_id, CQC, bearing="area_for_improvement")
    await ok(await s.judgement.put(at, headers=CQC, json=proposal("good", strength, weakness)), 200)
    await ok(await s.judgement.post(f"{at}/moderate", headers=OFSTED), 200)
    await ok(await s.judgement.post(f"{at}/quality-assure", headers=OFSTED_QA), 200)
    await forbidden(
        await s.judgement.post(f"{at}/finalise", headers=OFSTED), "signed off as final by cqc", "004 §40"
    )
    await denied(await s.judgement.post(f"{at}/finalise", headers=CQC), "inspector")
    response = await s.judgement.post(f"{at}/finalise", headers=CQC_LEAD)
    final = await ok(response, 200)
    assert final["status"] == "final"
    version = int(response.headers["ETag"].strip('"'))

    await refused(await s.judgement.put(at, headers=CQC, json=proposal("outstanding", strength)), "revision")
    stale = {**CQC_LEAD, "If-Match": f'"{version - 1}"'}
    revision = proposal("outstanding", strength) | {"reason": "Quality assurance found further evidence."}
    assert (await s.judgement.post(f"{at}/revise", headers=stale, json=revision)).status_code == 409
    current = {**CQC_LEAD, "If-Match": f'"{version}"'}
    revised = await ok(await s.judgement.post(f"{at}/revise", headers=current, json=revision), 200)
    assert (revised["status"], revised["grade"], revised["revisions"]) == ("proposed", "outstanding", 1)

    history = await ok(await s.judgement.get(at), 200)
    assert [e["event_type"].removeprefix("judgement.") for e in history["history"]] == [
        "JudgementProposed",
        "JudgementModerated",
        "JudgementReturned",
        "JudgementProposed",
        "JudgementModerated",
        "JudgementQualityAssured",
        "JudgementFinalised",
        "JudgementRevised",
    ]
    assert history["history"][1]["actor"]["inspectorate"] == "ofsted"


async def test_the_limiting_rules_derive_the_police_judgements_and_a_departure_needs_a_rationale(
    services: Services,
) -> None:
    s = services
    inspection_id = await s.inspection()
    weakness = await s.item(inspection_id, HMIC, agency="police", bearing="weakness")
    strength = await s.item(inspection_id, HMIC, agency="police")
    police = {area: path(inspection_id, "police", area) for area in ("help_and_protection", "leadership")}
    overall = path(inspection_id, "police", "overall_effectiveness")

    await refused(
        await s.judgement.put(overall, headers=HMIC, json=proposal("good", strength)), "cumulative", "004 §41"
    )
    await ok(
        await s.judgement.put(
            police["help_and_protection"], headers=HMIC, json=proposal("inadequate", weakness)
        ),
        200,
    )
    await refused(
        await s.judgement.put(police["leadership"], headers=HMIC, json=proposal("good", strength)),
        "likely to be inadequate",
        "004 §81",
    )
    understood = proposal("requires_improvement", strength, leaders_understand_failure=True)
    await ok(await s.judgement.put(police["leadership"], headers=HMIC, json=understood), 200)

    await refused(
        await s.judgement.put(overall, headers=HMIC, json=proposal("requires_improvement", strength)),
        "004 §79",
    )
    departing = proposal(
        "requires_improvement", strength, rationale="The failures were isolated and put right."
    )
    accepted = await ok(await s.judgement.put(overall, headers=HMIC, json=departing), 200)
    assert accepted["derived"]["grade"] == "inadequate"
    assert [r["source"] for r in accepted["derived"]["rules"]] == ["004 §79"]

    board = await ok(await s.judgement.get(f"/inspections/{inspection_id}/judgements"), 200)
    assert board["scale"] == ["outstanding", "good", "requires_improvement", "inadequate"]
    slots = {(j["agency"], j["judgement_area"]): j for j in board["judgements"]}
    assert ("police", "looked_after") not in slots  # 004 §71
    assert slots[("health", "looked_after")]["status"] is None
    assert slots[("local_authority", "adoption_performance")]["part_of"] == "looked_after"
    assert slots[("police", "overall_effectiveness")]["derived_from"] == ["help_and_protection", "leadership"]
    assert slots[("police", "overall_effectiveness")]["rationale"].startswith("The failures")


async def test_bad_input_names_the_rule_and_writes_no_event(services: Services) -> None:
    s = services
    inspection_id = await s.inspection()
    strength = await s.item(inspection_id, CQC)
    withdrawn = await s.item(inspection_id, CQC)
    await ok(
        await s.evidence.post(
            f"/inspections/{inspection_id}/evidence/{withdrawn}/withdrawal",
            headers=CQC,
            json={"reason": "Recorded against the wrong case."},
        ),
        200,
    )

    async def gone() -> bool:
        found = await s.judgement.get(f"/inspections/{inspection_id}/evidence/{withdrawn}")
        return bool(found.json()["withdrawn"])

    await eventually(gone)
    health = path(inspection_id, "health", "help_and_protection")
    before = await s.events()
    cases = [
        (health, CQC, proposal("adequate", strength), ["adequate is not on", "§29"]),
        (path(inspection_id, "police", "looked_after"), HMIC, proposal("good", strength),
         ["police", "§71"]),
        (path(inspection_id, "health", "safeguarding"), CQC, proposal("good", strength), ["safeguarding"]),
        (health, CQC, proposal("good", withdrawn), [withdrawn, "004 §24, §48"]),
        (health, CQC, proposal("inadequate", strength), ["weakness", "004 §24, §48"]),
        (path(inspection_id, "probation", "help_and_protection"), actor("hmi_probation"),
         proposal("good", strength), ["narrative", "§29"]),
    ]  # fmt: skip
    for at, who, body, words in cases:
        await refused(await s.judgement.put(at, headers=who, json=body), *words)
    # Another inspectorate's agency: forbidden, not merely invalid (004 §40).
    await forbidden(
        await s.judgement.put(health, headers=HMIC, json=proposal("good", strength)), "cqc", "004 §40"
    )
    uncited = await s.judgement.put(health, headers=CQC, json=proposal("good"))
    assert uncited.status_code == 422
    assert "evidence_item_ids" in uncited.text
    assert (
        await s.judgement.put(
            path(inspection_id, "nobody", "leadership"), headers=CQC, json=proposal("good", strength)
        )
    ).status_code == 422
    assert await s.events() == before


async def test_a_jtai_makes_no_graded_judgement_but_records_findings(services: Services) -> None:
    s = services
    body = {
        "area": "Wakefield",
        "deep_dive_theme": "neglect",
        "fieldwork_starts": str(first_fieldwork_week(today_in_england())),
    }
    inspection_id = (await ok(await s.scheduling.post("/inspections", headers=OFSTED, json=body)))[
        "inspection_id"
    ]

    async def known() -> bool:
        return (await s.judgement.get(f"/inspections/{inspection_id}/judgements")).status_code == 200

    await eventually(known)
    board = await ok(await s.judgement.get(f"/inspections/{inspection_id}/judgements"), 200)
    assert (board["scale"], board["judgements"]) == ([], [])
    await refused(
        await s.judgement.put(
            path(inspection_id, "partnership", "deep_dive"), headers=OFSTED, json=proposal("good", "ev-1")
        ),
        "no graded judgement",
        "001 Proposal four",
    )
    improvement = {"kind": "area_for_improvement", "text": "Improve.", "evidence_item_ids": ["ev-1"]}
    await refused(
        await s.judgement.post(f"/inspections/{inspection_id}/findings", headers=OFSTED, json=improvement),
        "area for improvement",
    )
