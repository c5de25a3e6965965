"""A final judgement flagged for review when evidence it cites is withdrawn: the evidence service's event
crosses the broker to the judgement service, whose flag reaches reporting. Five separate processes."""

from __future__ import annotations

from typing import Any

import httpx

from shared.mongo import connect
from shared.settings import Settings
from tests.e2e.conftest import Platform
from tests.helpers import actor, eventually, ok, refused, seed_integrated

OFSTED = actor("ofsted", "lead_inspector")
CQC = actor("cqc")


async def test_withdrawing_evidence_flags_the_final_judgement_citing_it(
    platform: Platform, settings: Settings
) -> None:
    await platform.start()
    urls = platform.urls
    async with (
        httpx.AsyncClient(base_url=urls["evidence"], timeout=10) as evidence,
        httpx.AsyncClient(base_url=urls["judgement"], timeout=10) as judgement,
    ):
        inspection_id = await seed_integrated(settings)
        base = f"/inspections/{inspection_id}"

        async def notice_started() -> bool:
            response = await evidence.get(base)
            return response.status_code == 200 and bool(response.json()["notice_started"])

        await eventually(notice_started)

        async def record(summary: str) -> str:
            body = {
                "agency": "health",
                "activity": "case_audit",
                "judgement_area": "help_and_protection",
                "criteria": ["68q"],
                "bearing": "strength",
                "case_reference": "WKF-0042",
                "summary": summary,
            }
            item_id = str(
                (await ok(await evidence.post(f"{base}/evidence", headers=CQC, json=body)))[
                    "evidence_item_id"
                ]
            )

            async def arrived() -> bool:
                return (await judgement.get(f"{base}/evidence/{item_id}")).status_code == 200

            await eventually(arrived)
            return item_id

        cited = await record("Health visitors shared concerns with children's social care the same day.")
        at = f"{base}/judgements/health/help_and_protection"
        proposal: dict[str, Any] = {
            "grade": "good",
            "text": "Risks are identified early.",
            "evidence_item_ids": [cited],
        }
        await ok(await judgement.put(at, headers=CQC, json=proposal), 200)
        for step, who in (("moderate", OFSTED), ("quality-assure", OFSTED), ("finalise", CQC)):
            await ok(await judgement.post(f"{at}/{step}", headers=who), 200)

        await ok(
            await evidence.post(
                f"{base}/evidence/{cited}/withdrawal",
                headers=CQC,
                json={"reason": "Recorded against the wrong case."},
            ),
            200,
        )

        async def flagged() -> Any:
            view = (await judgement.get(at)).json()
            return view if view["flagged"] else None

        view = await eventually(flagged)
        assert view["status"] == "final"  # still the judgement of record, until revised
        [flag] = view["flagged"]
        assert flag["evidence_item_id"] == cited
        assert "wrong case" in flag["reason"]

        revision = proposal | {"reason": "The withdrawn audit is replaced by the case it belonged to."}
        await refused(await judgement.post(f"{at}/revise", headers=CQC, json=revision), cited, "004 §48")
        replacement = await record("Health visitors saw the child weekly and escalated promptly.")
        revised = await ok(
            await judgement.post(
                f"{at}/revise", headers=CQC, json=revision | {"evidence_item_ids": [replacement]}
            ),
            200,
        )
        assert (revised["status"], revised["flagged"], revised["revisions"]) == ("proposed", [], 1)

    client = connect(settings.mongodb_uri, "test")
    try:
        sources = client[settings.database_name("reporting")]["sources"]

        async def reporting_has_the_flag() -> bool:
            found = await sources.count_documents(
                {"inspection_id": inspection_id, "envelope.event_type": "judgement.JudgementFlaggedForReview"}
            )
            return found == 1

        await eventually(reporting_has_the_flag)
    finally:
        await client.close()
