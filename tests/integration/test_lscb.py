"""The LSCB service over HTTP against the real broker and database: the board register, and the shared
evaluation of the board agreed by every inspectorate, with a disagreement that blocks, then resolves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from embedded.demo import first_fieldwork_week
from shared.language.workdays import today_in_england
from shared.mechanics.mongo import connect
from shared.mechanics.settings import Settings
from tests.helpers import (
    actor,
    denied,
    eventually,
    forbidden,
    ok,
    on_the_notice_date,
    refused,
    rehearsal,
    seed_integrated,
)
from tests.in_process import Platform

OFSTED = actor("ofsted", "lead_inspector")
CQC, HMIC = actor("cqc"), actor("hmic")
# Each inspectorate's lead inspector signs off, disputes and resolves for it.
CQC_LEAD, HMIC_LEAD = actor("cqc", "lead_inspector"), actor("hmic", "lead_inspector")
PROBATION_LEAD = actor("hmi_probation", "lead_inspector")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Every service of these tests on a rehearsal platform, whose clock a test moves to a notice date."""
    return rehearsal(settings)


@dataclass
class Services:
    settings: Settings
    scheduling: httpx.AsyncClient
    evidence: httpx.AsyncClient
    lscb: httpx.AsyncClient

    async def known(self, inspection_id: str) -> None:
        async def ready() -> bool:
            notice = await self.evidence.get(f"/inspections/{inspection_id}")
            board = await self.lscb.get(f"/inspections/{inspection_id}/evaluation")
            return board.status_code == 200 and notice.status_code == 200 and notice.json()["notice_started"]

        await eventually(ready)

    async def item(self, inspection_id: str, who: dict[str, str], **details: Any) -> str:
        body = {
            "agency": "lscb",
            "activity": "discussion_with_manager",
            "judgement_area": "lscb",
            "criteria": [],
            "bearing": "strength",
            "summary": "The board's audits of exploitation cases changed practice.",
        } | details
        answer = await ok(
            await self.evidence.post(f"/inspections/{inspection_id}/evidence", headers=who, json=body)
        )
        item_id = str(answer["evidence_item_id"])

        async def arrived() -> bool:
            view = await self.lscb.get(f"/inspections/{inspection_id}/evaluation")
            return item_id in {i["evidence_item_id"] for i in view.json()["evidence"]}

        await eventually(arrived)
        return item_id

    async def events(self) -> int:
        client = connect(self.settings.mongodb_uri, "test")
        try:
            return await client[self.settings.database_name("lscb")]["events"].count_documents({})
        finally:
            await client.close()


SERVICES = ("scheduling", "evidence", "lscb")  # the platform fixture's (tests/integration/conftest.py)


@pytest.fixture
def services(platform: Platform) -> Services:
    return Services(platform.settings, platform.scheduling, platform.evidence, platform.lscb)


async def test_the_shared_judgement_is_final_only_when_every_inspectorate_agrees(services: Services) -> None:
    s = services
    inspection_id = await seed_integrated(s.settings)
    await s.known(inspection_id)
    audits = await s.item(inspection_id, OFSTED, criteria=["115c"])
    police = await s.item(
        inspection_id, HMIC, agency="police", bearing="weakness", criteria=["115f"],
        summary="Police rarely bring learning from reviews to the board.",
    )  # fmt: skip
    evaluation = f"/inspections/{inspection_id}/evaluation"

    view = await ok(await s.lscb.get(evaluation), 200)
    assert view["evaluation"] == "graded"
    criteria = {c["criterion"]: c for c in view["criteria"]}
    assert sorted(criteria) == [f"115{letter}" for letter in "abcdefghijkl"]
    assert [i["evidence_item_id"] for i in criteria["115c"]["evidence"]] == [audits]
    assert [(i["evidence_item_id"], i["agency"]) for i in criteria["115f"]["evidence"]] == [
        (police, "police")
    ]
    assert "115c" not in view["uncovered"]
    assert "115a" in view["uncovered"]

    # Accountability: HMIC attributes the weakness to the police ("the contribution of partners", 004 §113).
    finding = {
        "criterion": "115f",
        "bearing": "weakness",
        "attributed_to": "police",
        "text": "Learning from reviews does not reach police practice.",
        "evidence_item_ids": [police],
    }
    view = await ok(await s.lscb.post(f"{evaluation}/contributions", headers=HMIC, json=finding))
    assert view["by_partner"] == [
        {"agency": "police", "strengths": 0, "weaknesses": 1, "areas_for_improvement": 0}
    ]
    assert [c["inspectorate"] for c in criteria_of(view)["115f"]["contributions"]] == ["hmic"]

    before = await s.events()
    await refused(
        await s.lscb.post(f"{evaluation}/contributions", headers=HMIC, json=finding | {"criterion": "116a"}),
        "004 §115",
    )
    await refused(
        await s.lscb.post(f"{evaluation}/sign-off", headers=CQC_LEAD),
        "no judgement of the board has been proposed",
    )
    await denied(await s.lscb.post(f"{evaluation}/sign-off", headers=CQC), "inspector")
    proposal = {
        "grade": "good",
        "text": "The board holds partners to account.",
        "evidence_item_ids": [audits],
    }
    await forbidden(await s.lscb.put(f"{evaluation}/proposal", headers=CQC_LEAD, json=proposal), "004 §19")
    await denied(await s.lscb.put(f"{evaluation}/proposal", headers=CQC, json=proposal), "inspector")
    await refused(
        await s.lscb.put(f"{evaluation}/proposal", headers=OFSTED, json=proposal | {"grade": "adequate"}),
        "adequate",
    )
    assert await s.events() == before

    view = await ok(await s.lscb.put(f"{evaluation}/proposal", headers=OFSTED, json=proposal), 200)
    assert view["proposal"]["proposal"] == 1
    assert view["descriptor_source"] == "004 §115 a-l"  # good is the criteria of §115
    assert view["descriptor"].startswith("a. The governance arrangements enable LSCB partners")
    before = await s.events()
    await forbidden(
        await s.lscb.post(f"{evaluation}/sign-off", headers=actor("hmi_prisons", "lead_inspector")),
        "hmi_prisons does not take part",
    )
    assert await s.events() == before
    await ok(await s.lscb.post(f"{evaluation}/sign-off", headers=OFSTED), 200)
    await ok(await s.lscb.post(f"{evaluation}/sign-off", headers=CQC_LEAD), 200)
    disputed = {"reasons": "The police's weak use of learning (115f) is not reflected in a grade of good."}
    view = await ok(await s.lscb.post(f"{evaluation}/disputes", headers=HMIC_LEAD, json=disputed), 200)
    assert [d["inspectorate"] for d in view["disputes"]] == ["hmic"]
    await ok(await s.lscb.post(f"{evaluation}/sign-off", headers=PROBATION_LEAD), 200)

    await refused(await s.lscb.post(f"{evaluation}/final", headers=OFSTED), "disputed", "115f")
    await ok(
        await s.lscb.post(
            f"{evaluation}/disputes/resolution",
            headers=HMIC_LEAD,
            json={"resolution": "The report names the weakness under 115f."},
        ),
        200,
    )
    await refused(await s.lscb.post(f"{evaluation}/final", headers=OFSTED), "awaits the sign-off of hmic")
    await ok(await s.lscb.post(f"{evaluation}/sign-off", headers=HMIC_LEAD), 200)
    await forbidden(await s.lscb.post(f"{evaluation}/final", headers=CQC_LEAD), "004 §19")
    view = await ok(await s.lscb.post(f"{evaluation}/final", headers=OFSTED), 200)
    assert (view["final"]["grade"], view["final"]["signed_off_by"]) == (
        "good",
        ["ofsted", "cqc", "hmi_probation", "hmic"],
    )
    assert view["awaiting"] == []
    # 004 §115-118: the final judgement carries the descriptor of its grade, for the combined document.
    assert view["final"]["descriptor_source"] == "004 §115 a-l"
    assert view["final"]["descriptor"].endswith(
        "custodial and detention facilities within the local authority area."
    )
    await refused(await s.lscb.put(f"{evaluation}/proposal", headers=OFSTED, json=proposal), "final")


def criteria_of(view: dict[str, Any]) -> dict[str, Any]:
    return {c["criterion"]: c for c in view["criteria"]}


async def test_a_jtai_evaluates_the_board_in_narrative_and_a_new_proposal_is_signed_off_afresh(
    services: Services,
) -> None:
    s = services
    body = {
        "area": "Wakefield",
        "deep_dive_theme": "neglect",
        "fieldwork_starts": str(first_fieldwork_week(today_in_england())),
    }
    scheduled = await ok(await s.scheduling.post("/inspections", headers=OFSTED, json=body))
    inspection_id = scheduled["inspection_id"]
    await on_the_notice_date(s.scheduling, scheduled["notice_date"])
    notify = {"recipient": "lscb_chair"}
    await ok(
        await s.scheduling.post(f"/inspections/{inspection_id}/notifications", headers=OFSTED, json=notify)
    )
    await s.known(inspection_id)
    item = await s.item(inspection_id, CQC, judgement_area="leadership_and_lscb")
    evaluation = f"/inspections/{inspection_id}/evaluation"

    graded = {"grade": "good", "text": "The board is effective.", "evidence_item_ids": [item]}
    await refused(
        await s.lscb.put(f"{evaluation}/proposal", headers=OFSTED, json=graded),
        "no grade",
        "001 Proposal one",
    )
    contribution = {
        "criterion": "115a",
        "bearing": "strength",
        "attributed_to": "health",
        "text": "The designated nurse sits on the board.",
        "evidence_item_ids": [item],
    }
    await refused(
        await s.lscb.post(f"{evaluation}/contributions", headers=CQC, json=contribution), "no board criteria"
    )
    narrative = graded | {"grade": None}
    await ok(await s.lscb.put(f"{evaluation}/proposal", headers=OFSTED, json=narrative), 200)
    await ok(await s.lscb.post(f"{evaluation}/sign-off", headers=CQC_LEAD), 200)
    view = await ok(
        await s.lscb.put(f"{evaluation}/proposal", headers=OFSTED, json=narrative | {"text": "Revised."}), 200
    )
    assert (view["proposal"]["proposal"], view["signed_off"]) == (2, [])
    assert view["awaiting"] == ["ofsted", "cqc", "hmic", "hmi_probation"]


async def test_the_board_register_keeps_officers_absences_and_partners(services: Services) -> None:
    s = services
    leeds = "/boards/Leeds"
    view = await ok(await s.lscb.get(leeds), 200)
    assert view["board"] is None
    assert "custody" in view["missing_partners"]  # HMYOI Wetherby is in Leeds (004 §41: "where relevant")
    await ok(await s.lscb.put(f"{leeds}/officers/chair", headers=OFSTED, json={"name": "Dr Jo Reed"}), 200)
    await ok(
        await s.lscb.put(f"{leeds}/officers/business_manager", headers=OFSTED, json={"name": "Kim Shaw"}), 200
    )
    view = await ok(await s.lscb.get(leeds), 200)
    assert view["first_to_notify"]["name"] == "Dr Jo Reed"

    today = today_in_england()
    away = {"absent_from": str(today), "reason": "Leave"}
    view = await ok(await s.lscb.post(f"{leeds}/officers/chair/absences", headers=OFSTED, json=away), 200)
    assert view["first_to_notify"] == {"office": "business_manager", "name": "Kim Shaw", "contact": None}
    partner = {"agency": "custody", "organisation": "HMYOI Wetherby"}
    view = await ok(await s.lscb.post(f"{leeds}/partners", headers=OFSTED, json=partner), 200)
    assert "custody" not in view["missing_partners"]
    # Its senior leader, named by joining again: the letters address them by name (001 Proposal four).
    named = partner | {"senior_leader": "Sam Okoro"}
    await forbidden(
        await s.lscb.post(f"{leeds}/partners", headers=HMIC_LEAD, json=named), "kept by the lead inspectorate"
    )
    view = await ok(await s.lscb.post(f"{leeds}/partners", headers=OFSTED, json=named), 200)
    assert view["board"]["partners"] == [named]

    before = await s.events()
    await refused(
        await s.lscb.post(f"{leeds}/partners", headers=OFSTED, json={"agency": "cps", "organisation": "CPS"}),
        "004 §41",
    )
    await refused(
        await s.lscb.post(f"{leeds}/officers/chair/absences", headers=OFSTED, json=away), "no return date"
    )
    assert (await s.lscb.get("/boards/Atlantis")).status_code == 404
    assert (
        await s.lscb.put(f"{leeds}/officers/treasurer", headers=OFSTED, json={"name": "X"})
    ).status_code == 422
    assert await s.events() == before

    async def listed() -> bool:
        return any(b["area_code"] == "E08000035" for b in (await s.lscb.get("/boards")).json())

    await eventually(listed)

    async def named_in_the_read_model() -> bool:
        by_area = {b["area_code"]: b for b in (await s.lscb.get("/boards")).json()}
        return "E08000035" in by_area and by_area["E08000035"]["partners"] == [named]

    await eventually(named_in_the_read_model)
