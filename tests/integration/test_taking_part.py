"""Inside a role, the inspection decides who reads it and who acts on it (issue 18, points 5 to 7).

- Reads are scoped: an inspector, lead inspector or quality assurer reads an inspection only if their
  inspectorate takes part in it; an auditor reads everything; an LSCB chair only their own area's report.
  Every GET of one inspection in every service is called, and the lists leave out the others' inspections.
- An area's board register is kept by the lead inspectorate's lead inspector, not any lead inspector.
- Acting outside one's own inspectorate (another's evidence item or line of enquiry, the lead's round, an
  inspection one's inspectorate does not take part in) is 403, not 422.

Every refusal writes nothing and is counted in `jip.access.denied`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from embedded.demo import first_fieldwork_week
from shared.language.workdays import today_in_england
from shared.mechanics.runtime import Service
from shared.mechanics.settings import Settings
from tests.helpers import Observed, actor, auditor, chair, eventually, forbidden, ok, seed_integrated
from tests.in_process import Platform
from tests.integration.test_access import events_written

WAKEFIELD = "E08000036"
CASE = "WKF-0042"
SUMMARY = "Officers did not consider exploitation when the child went missing for the third time."
QUESTION = "Was the child's return home interview offered within 72 hours?"
LEAD = actor("ofsted", "lead_inspector")
# HMI Prisons does not take part in the seeded inspection, in any role.
OUTSIDERS = {role: actor("hmi_prisons", role) for role in ("inspector", "lead_inspector", "quality_assurer")}
READ_RULE = "domain.md Data protection"


def denied(observed: Observed, service: str, **wanted: object) -> float:
    """How many of the service's requests were refused and counted in jip.access.denied."""
    return observed.total(service, "jip.access.denied", {"http.response.status_code": 403} | wanted)


@dataclass(frozen=True)
class Seeded:
    inspection_id: str
    item_id: str  # HMIC's item about the case, its summary sealed
    line_id: str  # CQC's line of enquiry about the case


async def seeded(settings: Settings, p: Platform) -> Seeded:
    """An integrated inspection of Wakefield in fieldwork (Ofsted, CQC, HMIC, HMI Probation), with an
    evidence item and a line of enquiry about a child's case, known to every service."""
    inspection_id = await seed_integrated(settings)
    base = f"/inspections/{inspection_id}"

    async def notified() -> bool:
        got = await p.evidence.get(base)
        return got.status_code == 200 and got.json()["notice_started"]

    await eventually(notified)
    item = {
        "agency": "police",
        "activity": "case_sampling",
        "judgement_area": "help_and_protection",
        "bearing": "weakness",
        "case_reference": CASE,
        "summary": SUMMARY,
    }
    item_id = (await ok(await p.evidence.post(f"{base}/evidence", headers=actor("hmic"), json=item)))[
        "evidence_item_id"
    ]
    line = {"agency": "police", "case_reference": CASE, "question": QUESTION}
    line_id = (await ok(await p.evidence.post(f"{base}/lines-of-enquiry", headers=actor("cqc"), json=line)))[
        "line_id"
    ]

    async def everywhere() -> bool:
        answers = [
            await p.judgement.get(f"{base}/evidence/{item_id}"),
            await p.lscb.get(f"{base}/evaluation"),
            await p.reporting.get(f"{base}/report/lifecycle"),
        ]
        return all(a.status_code == 200 for a in answers)

    await eventually(everywhere)
    return Seeded(inspection_id, item_id, line_id)


def one_inspection_reads(service: Service, seed: Seeded) -> list[str]:
    """Every GET of one inspection the service offers (its path names the inspection), filled in."""
    values = {
        "inspection_id": seed.inspection_id,
        "evidence_item_id": seed.item_id,
        "line_id": seed.line_id,
        "case_reference": CASE,
        "agency": "police",
        "area": "help_and_protection",
    }
    return [
        re.sub(r"{(\w+)}", lambda m: values[m[1]], path)
        for path, item in service.app.openapi()["paths"].items()
        if "get" in item and "{inspection_id}" in path
    ]


# -- point 5: reads are scoped to the inspectorates taking part ---------------------------------------


async def test_an_inspection_is_read_only_by_the_inspectorates_taking_part_auditors_and_its_areas_chair(
    settings: Settings, platform: Platform, observed: Observed
) -> None:
    seed = await seeded(settings, platform)
    written = await events_written(settings)
    checked = 0
    for name, client in platform.clients.items():
        reads = one_inspection_reads(platform.services[name], seed)
        for path in reads:
            checked += 1
            for who, headers in (("cqc", actor("cqc")), ("auditor", auditor())):
                answer = await client.get(path, headers=headers)
                assert answer.status_code == 200, f"{name} {path} as {who}: {answer.text}"
            for headers in OUTSIDERS.values():
                answer = await client.get(path, headers=headers)
                await forbidden(answer, "hmi_prisons does not take part", READ_RULE, "004 §19-22")
                assert SUMMARY not in answer.text
                assert QUESTION not in answer.text
            if name == "reporting":  # the chair reads the report of their own area's inspection only,
                # and only once a draft has been sent to the partnership (001 Proposal four)
                own = await client.get(path, headers=chair(WAKEFIELD))
                await forbidden(own, "nothing has been sent to the partnership yet")
                await forbidden(await client.get(path, headers=chair("E08000035")), "their own area")
        # One refusal per read and role, each counted by the service that made it.
        for role in OUTSIDERS:
            assert denied(observed, name, **{"jip.role": role}) == len(reads), (name, role)
    assert checked >= 18  # scheduling 2, evidence 8, judgement 5, lscb 1, reporting 2
    assert denied(observed, "reporting", **{"jip.role": "lscb_chair"}) == 4

    # What today showed an outsider: the evidence with its sealed summary opened.
    listed = await ok(await platform.evidence.get(f"/inspections/{seed.inspection_id}/evidence"), 200)
    assert [i["summary"] for i in listed] == [SUMMARY]  # as an auditor
    assert await events_written(settings) == written  # reading wrote nothing


async def test_lists_leave_out_inspections_taken_no_part_in_until_the_inspectorate_joins(
    settings: Settings, platform: Platform
) -> None:
    seed = await seeded(settings, platform)
    prisons = OUTSIDERS["inspector"]

    async def listed(headers: dict[str, str]) -> tuple[set[str], set[str]]:
        inspections = await ok(await platform.scheduling.get("/inspections", headers=headers), 200)
        documents = await ok(await platform.reporting.get("/documents", headers=headers), 200)
        return {i["inspection_id"] for i in inspections}, {d["inspection_id"] for d in documents}

    assert await listed(actor("cqc", "quality_assurer")) == ({seed.inspection_id}, {seed.inspection_id})
    assert await listed(auditor()) == ({seed.inspection_id}, {seed.inspection_id})
    assert await listed(prisons) == (set(), set())

    # HMI Prisons joins on request (004 §29): each service learns it from InspectorateJoined.
    joining = {"inspectorate": "hmi_prisons", "condition": "requested", "reason": "Advice on custody."}
    await ok(
        await platform.scheduling.post(
            f"/inspections/{seed.inspection_id}/participants", headers=LEAD, json=joining
        )
    )
    base = f"/inspections/{seed.inspection_id}"

    async def readable() -> bool:
        answers = [
            await platform.evidence.get(f"{base}/evidence", headers=prisons),
            await platform.judgement.get(f"{base}/evidence-profile", headers=prisons),
            await platform.lscb.get(f"{base}/evaluation", headers=prisons),
            await platform.reporting.get(f"{base}/report", headers=prisons),
        ]
        return all(a.status_code == 200 for a in answers)

    await eventually(readable)
    assert (await platform.scheduling.get(base, headers=prisons)).status_code == 200
    assert await listed(prisons) == ({seed.inspection_id}, {seed.inspection_id})
    assert SUMMARY in (await platform.evidence.get(f"{base}/evidence", headers=prisons)).text


async def test_a_rounds_overview_is_read_by_the_inspectorates_taking_part_in_the_round(
    platform: Platform,
) -> None:
    round_ = {
        "programme": "jtai-2015",
        "name": "JTAI neglect",
        "size": 152,  # every area, Wakefield among them
        "seed": "t",
        "deep_dive_theme": "neglect",
    }
    round_id = (await ok(await platform.scheduling.post("/rounds", headers=LEAD, json=round_)))["round_id"]
    body = {
        "area": "Wakefield",
        "deep_dive_theme": "neglect",
        "fieldwork_starts": str(first_fieldwork_week(today_in_england())),
        "round_id": round_id,
    }
    await ok(await platform.scheduling.post("/inspections", headers=LEAD, json=body))
    overview = f"/rounds/{round_id}/overview"

    async def arrived() -> bool:
        answer = await platform.reporting.get(overview)
        return answer.status_code == 200 and "# JTAI neglect\n" in answer.text

    await eventually(arrived)  # headed by the round's name as it was planned, not its id
    assert (await platform.reporting.get(overview, headers=actor("cqc"))).status_code == 200
    await forbidden(await platform.reporting.get(overview, headers=OUTSIDERS["inspector"]), "no inspection")
    documents = await ok(await platform.reporting.get("/documents", headers=OUTSIDERS["inspector"]), 200)
    assert documents == []
    documents = await ok(await platform.reporting.get("/documents", headers=actor("hmi_probation")), 200)
    assert {d["document"] for d in documents} >= {overview}


# -- point 6: the board register is the lead inspectorate's -------------------------------------------


async def test_only_the_lead_inspectorates_lead_inspector_keeps_an_areas_board_register(
    settings: Settings, platform: Platform, observed: Observed
) -> None:
    board = "/boards/Wakefield"
    commands: list[tuple[str, str, dict[str, Any]]] = [
        ("PUT", f"{board}/officers/chair", {"name": "Dr Alex Morgan", "contact": "chair@example.org"}),
        ("POST", f"{board}/officers/chair/vacancy", {"reason": "Stood down."}),
        ("POST", f"{board}/officers/chair/absences", {"absent_from": "2031-01-06", "reason": "Leave"}),
        ("POST", f"{board}/officers/chair/return", {"returned_on": "2031-01-20"}),
        ("POST", f"{board}/partners", {"agency": "police", "organisation": "West Yorkshire Police"}),
        (
            "POST",
            f"{board}/partners/leaving",
            {"agency": "police", "organisation": "West Yorkshire Police", "reason": "Merged."},
        ),
    ]
    refused = 0
    for inspectorate in ("cqc", "hmic", "hmi_probation", "hmi_prisons", "hmcpsi"):
        for method, path, body in commands:
            answer = await platform.lscb.request(
                method, path, headers=actor(inspectorate, "lead_inspector"), json=body
            )
            await forbidden(answer, "kept by the lead inspectorate, ofsted", f"not by {inspectorate}")
            assert "001 Part 1" in answer.json()["rule"]
            refused += 1
    assert await events_written(settings) == 0
    untouched = await ok(await platform.lscb.get(board), 200)
    assert (untouched["board"], untouched["version"]) == (None, 0)
    assert denied(observed, "lscb", **{"jip.role": "lead_inspector"}) == refused

    kept = await ok(
        await platform.lscb.put(f"{board}/officers/chair", headers=LEAD, json=commands[0][2]), 200
    )
    assert kept["board"]["chair"]["name"] == "Dr Alex Morgan"
    assert denied(observed, "lscb", **{"jip.role": "lead_inspector"}) == refused


# -- point 7: acting outside one's own inspectorate is 403 --------------------------------------------


async def test_acting_on_another_inspectorates_work_is_forbidden_counted_and_writes_nothing(
    settings: Settings, platform: Platform, observed: Observed
) -> None:
    seed = await seeded(settings, platform)
    base = f"/inspections/{seed.inspection_id}"
    item = f"{base}/evidence/{seed.item_id}"
    written = await events_written(settings)

    # HMIC recorded the item: CQC may neither amend nor withdraw it.
    amended = {
        "reason": "The record shows more.",
        "details": {
            "agency": "police",
            "activity": "case_sampling",
            "judgement_area": "help_and_protection",
            "bearing": "weakness",
            "case_reference": CASE,
            "summary": f"{SUMMARY} The custody record confirms it.",
        },
    }
    await forbidden(
        await platform.evidence.post(f"{item}/amendments", headers=actor("cqc"), json=amended),
        "was recorded by hmic: only hmic corrects it",
    )
    await forbidden(
        await platform.evidence.post(
            f"{item}/withdrawal", headers=actor("cqc"), json={"reason": "Not ours."}
        ),
        "only hmic corrects it",
    )
    # CQC raised the line: HMIC, neither its raiser nor the lead inspectorate, may not close it.
    await forbidden(
        await platform.evidence.post(
            f"{base}/lines-of-enquiry/{seed.line_id}/closure",
            headers=actor("hmic"),
            json={"conclusion": "Yes."},
        ),
        "who raised it, or the lead inspectorate, ofsted",
    )
    # A round is the lead inspectorate's to plan.
    round_ = {"programme": "integrated-2014", "name": "Integrated 2015-16", "size": 20, "seed": "s"}
    await forbidden(
        await platform.scheduling.post("/rounds", headers=actor("cqc", "lead_inspector"), json=round_),
        "planned by the lead inspectorate, ofsted",
    )
    # HMI Prisons takes no part in the inspection, so records no finding in it.
    finding = {
        "kind": "area_for_improvement",
        "addressed_to": "police",
        "text": "Consider exploitation in every missing-person risk assessment.",
        "evidence_item_ids": [seed.item_id],
    }
    await forbidden(
        await platform.judgement.post(f"{base}/findings", headers=OUTSIDERS["inspector"], json=finding),
        "hmi_prisons does not take part",
    )

    assert await events_written(settings) == written
    standing = await ok(await platform.evidence.get(item), 200)
    assert (standing["item"]["version"], standing["item"]["withdrawn"]) == (1, False)
    line = await ok(await platform.evidence.get(f"{base}/lines-of-enquiry/{seed.line_id}"), 200)
    assert line["status"] == "open"
    assert await ok(await platform.judgement.get(f"{base}/findings"), 200) == []
    for route in (
        "/inspections/{inspection_id}/evidence/{evidence_item_id}/amendments",
        "/inspections/{inspection_id}/evidence/{evidence_item_id}/withdrawal",
        "/inspections/{inspection_id}/lines-of-enquiry/{line_id}/closure",
    ):
        assert denied(observed, "evidence", **{"http.route": route}) == 1, route
    assert denied(observed, "scheduling", **{"http.route": "/rounds"}) == 1
    assert denied(observed, "judgement", **{"http.route": "/inspections/{inspection_id}/findings"}) == 1
    refused = {"jip.outcome": "rejected", "jip.rejection.reason": "forbidden", "jip.rule": "004 §19-22"}
    assert observed.total("scheduling", "jip.commands", refused) == 1  # the rule it broke

    # Their own inspectorates may.
    await ok(await platform.evidence.post(f"{item}/amendments", headers=actor("hmic"), json=amended), 200)
    await ok(await platform.judgement.post(f"{base}/findings", headers=actor("hmic"), json=finding))
