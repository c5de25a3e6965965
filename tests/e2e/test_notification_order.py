"""A change to an area's LSCB register reaches scheduling's notification order: the lscb and scheduling
services as separate processes, talking only through the broker (001 Proposal two: the chair of the LSCB
is told first, the business manager when the chair is absent)."""

from __future__ import annotations

from typing import Any

import httpx

from embedded.demo import first_fieldwork_week
from shared.language.workdays import today_in_england
from tests.e2e.conftest import Platform
from tests.helpers import actor, auditor, eventually, ok, on_the_notice_date, refused

OFSTED = actor("ofsted", "lead_inspector")
AREA = "Leeds"  # the only test here to use Leeds' register


async def test_the_chairs_absence_puts_the_business_manager_first(platform: Platform) -> None:
    await platform.start("scheduling", "lscb")
    urls = platform.urls
    async with (
        httpx.AsyncClient(base_url=urls["scheduling"], timeout=10, headers=auditor()) as scheduling,
        httpx.AsyncClient(base_url=urls["lscb"], timeout=10, headers=auditor()) as lscb,
    ):
        body = {
            "area": AREA,
            "deep_dive_theme": "neglect",
            "fieldwork_starts": str(first_fieldwork_week(today_in_england())),
        }
        inspection = await ok(await scheduling.post("/inspections", headers=OFSTED, json=body))
        plan_url = f"/inspections/{inspection['inspection_id']}/notification-plan"
        plan = await ok(await scheduling.get(plan_url), 200)
        assert (plan["board_registered"], plan["steps"][0]["recipient"]) == (False, "lscb_chair")
        assert (plan["ordered"], plan["order_source"]) == (True, "001 Proposal two")  # a JTAI cites its order

        board = f"/boards/{AREA}/officers"
        await ok(await lscb.put(f"{board}/chair", headers=OFSTED, json={"name": "Dr Jo Reed"}), 200)
        await ok(await lscb.put(f"{board}/business_manager", headers=OFSTED, json={"name": "Kim Shaw"}), 200)

        async def first_step(recipient: str, addressee: str) -> Any:
            async def arrived() -> Any:
                step = (await scheduling.get(plan_url)).json()["steps"][0]
                return step if (step["recipient"], step["addressee"]) == (recipient, addressee) else None

            return await eventually(arrived)

        await first_step("lscb_chair", "Dr Jo Reed")

        # The chair is away from today, return not yet known: the change reaches scheduling over the broker.
        away = {"absent_from": str(today_in_england()), "reason": "Annual leave"}
        await ok(await lscb.post(f"{board}/chair/absences", headers=OFSTED, json=away), 200)
        step = await first_step("lscb_business_manager", "Kim Shaw")
        assert step["notified_by"] == "ofsted"

        notifications = f"/inspections/{inspection['inspection_id']}/notifications"
        await on_the_notice_date(scheduling, inspection["notice_date"])  # not earlier (001 Proposal two)
        await refused(
            await scheduling.post(notifications, headers=OFSTED, json={"recipient": "lscb_chair"}),
            "Annual leave",
            "notify the business manager, Kim Shaw",
            "001 Proposal two",
        )
        done = await ok(
            await scheduling.post(notifications, headers=OFSTED, json={"recipient": "lscb_business_manager"})
        )
        assert done["notifications"][0]["addressee"] == "Kim Shaw"
