"""A joint targeted area inspection through the five services, each a separate process, over HTTP."""

from __future__ import annotations

import os
import re

import httpx

from embedded.demo import EVIDENCE, FINDINGS, LSCB_EVALUATION, People, play_jtai
from tests.e2e.conftest import Platform
from tests.helpers import SIGNER, agreed, auditor


def section(letter: str, heading: str) -> str:
    """The text under a level-two heading, up to the next one."""
    return letter.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]


async def test_a_jtai_flows_through_all_five_services_into_the_findings_letter(platform: Platform) -> None:
    await platform.start()
    pids = {r.pid for r in platform.supervisor.running().values()}
    assert len(pids) == 5
    assert os.getpid() not in pids

    run = await play_jtai(platform.urls, People(SIGNER), progress=lambda _: None)
    letter = run.letter

    assert letter.startswith("> **REHEARSAL — not a real inspection")  # played on a rehearsal platform
    assert (
        "\n# Joint targeted area inspection of the multi-agency response to abuse and neglect in Wakefield\n"
        in letter
    )
    assert (
        "**To:** Dr Alex Morgan, chair of the Wakefield Local Safeguarding Children Board; the Director of "
        "Children's Services in Wakefield; the Accountable Officer for health services in Wakefield; the "
        "Chief Constable of the police force for Wakefield; and the Director of probation services in "
        "Wakefield" in letter
    )
    assert run.fieldwork_starts is not None
    assert f"**Fieldwork:** Monday {run.fieldwork_starts.day} " in letter
    assert (
        "first to the chair of the LSCB, then to the senior leaders of the local authority, health services, "
        "the police and probation services." in letter
    )
    assert "It does not make a graded judgement." in letter
    assert not re.search(r"\b(outstanding|good|adequate|inadequate|requires improvement)\b", letter, re.I)
    headings = {
        "key_strength": "Key strengths",
        "area_for_priority_action": "Areas for priority action",
        "area_for_development": "Areas for development",
    }
    for finding in FINDINGS:
        kind, text = finding.kind.value, finding.text
        assert text in section(letter, headings[kind]), (kind, text)
        others = [h for k, h in headings.items() if k != kind]
        assert all(text not in section(letter, h) for h in others)
    assert (
        "(For the local partnership; 3 evidence items from Ofsted, the Care Quality Commission and HM "
        "Inspectorate of Constabulary.)" in letter
    )
    assert "(For health services; 1 evidence item from the Care Quality Commission.)" in letter
    board = section(letter, "The effectiveness of the Local Safeguarding Children Board")
    assert LSCB_EVALUATION is not None
    assert LSCB_EVALUATION.text in board
    assert "agreed by Ofsted, the Care Quality Commission, HM Inspectorate of Constabulary and HM " in board
    assert (
        f"Inspectors recorded {len(EVIDENCE)} evidence items (4 showing strengths, 6 weaknesses) from 4 "
        "children's cases." in letter
    )
    for row in (
        "| Ofsted | 4 |",
        "| The Care Quality Commission | 3 |",
        "| HM Inspectorate of Constabulary | 2 |",
        "| HM Inspectorate of Probation | 1 |",
    ):
        assert row in letter

    report = f"{platform.urls['reporting']}/inspections/{run.inspection_id}/report"
    # The first PDF a process renders loads its fonts (seconds on a busy machine): wait as a browser would.
    async with httpx.AsyncClient(headers=auditor(), timeout=30) as http:
        again = await http.get(report)
        html = await http.get(report, params={"format": "html"})
        pdf = await http.get(report, params={"format": "pdf"})
        lifecycle = (await http.get(f"{report}/lifecycle")).json()
        first_draft = await http.get(report, params={"at_step": 1})
        profile = await http.get(
            f"{platform.urls['judgement']}/inspections/{run.inspection_id}/evidence-profile"
        )
    assert again.text == letter
    assert again.headers["content-type"].startswith("text/markdown")
    # Evidence to a published letter: agreed by all, one factual-accuracy response, published by each.
    assert again.headers["x-report-status"] == "published"
    # The log renders now what was made final and published. (A rehearsal platform's documents carry its
    # marking, with the clock they are shown at, so the served bytes are not those the checksum is of.)
    assert lifecycle["final_checksum"] == lifecycle["checksum"]
    assert {p["checksum"] for p in lifecycle["published"]} == {lifecycle["final_checksum"]}
    assert sorted(p["inspectorate"] for p in lifecycle["published"]) == [
        "cqc",
        "hmi_probation",
        "hmic",
        "ofsted",
    ]
    assert lifecycle["sent"]["addressee"] == "Dr Alex Morgan"
    assert [d["decision"] for d in lifecycle["decisions"]] == ["rejected"]
    assert lifecycle["action_plan"]["led_by"] == "local_authority"

    # Nothing changed between the first draft and publication but the markings (the rehearsal clock, the
    # draft's step, the date of issue once final) and the next steps, once the action plan was asked for.
    assert agreed(first_draft.text) == agreed(letter)
    assert "Ofsted will say who leads" in section(first_draft.text, "Next steps")
    assert "Director of Children's Services in Wakefield leads" in section(letter, "Next steps")
    assert first_draft.text.splitlines()[0] != letter.splitlines()[0]  # the clock at the draft, at the final
    assert '<html lang="en-GB">' in html.text
    assert pdf.content.startswith(b"%PDF")
    # HMIC and Ofsted tracked one shared case (CASE-0102) and found the same weakness in the police's
    # work: the judgement service, another process fed only by events, shows it corroborated.
    police = next(a for a in profile.json()["agencies"] if a["agency"] == "police")
    areas = {a["judgement_area"]: a["findings"] for a in police["areas"]}
    [weakness] = areas["deep_dive"]
    assert (weakness["bearing"], weakness["inspectorates"], weakness["case_references"]) == (
        "weakness",
        ["hmic", "ofsted"],
        ["CASE-0102"],
    )
    assert weakness["corroborated"] is True
    [strength] = areas["identification_and_referral"]
    assert (strength["inspectorates"], strength["corroborated"]) == (["hmic"], False)
