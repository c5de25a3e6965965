"""Erasure of a child's case: its key is destroyed, and afterwards its text is gone from every read model,
view and document, while the log verifies, replays into identical read models, and rebuilds the same
documents. Five services, the real broker and database."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from audit.inspection import envelopes_of
from jip.cli import main
from services.judgement import projections as judgement_projections
from services.reporting.rebuild import rebuild
from shared.language.contracts import CATALOGUE
from shared.language.subjects import ERASED, Sealed, subject_of
from shared.mechanics.consumer import ProjectionRunner
from shared.mechanics.eventstore import EventStore
from shared.mechanics.keyring import Keyring
from shared.mechanics.mongo import Client, connect
from shared.mechanics.settings import Settings
from tests.helpers import (
    actor,
    consuming,
    eventually,
    forbidden,
    ok,
    read_topic,
    refused,
    seed_integrated,
)
from tests.in_process import Platform
from tests.integration.test_audit import use
from tests.integration.test_subject_keyring import backup, keys_in, opens, oplog

LEAD, QUALITY = actor("ofsted", "lead_inspector"), actor("ofsted", "quality_assurer")
CQC, HMIC = actor("cqc"), actor("hmic")
ERASED_CASE, KEPT_CASE = "WKF-0042", "WKF-0043"
# Every text written about the erased case, and one about another case that must survive it.
ABOUT_ERASED = {
    "sample reason": "Missing from home three times since June; deep dive cohort.",
    "summary": "The board's audit of this child's plan changed nothing for her.",
    "question": "Was the GP told of each missing episode for this child?",
    "answer": "Only of the first: the later two were not shared with the practice.",
    "conclusion": "Information about this child was not shared with primary care.",
}
ABOUT_KEPT = "The board heard this boy's case at its learning review."
NO_CASE = "Return interviews offered within 72 hours: 61% this year."


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """The tests' settings, with the subject keyring every deployment has (JIP_SUBJECT_KEYRING_FILE)."""
    return settings.model_copy(update={"subject_keyring_file": tmp_path / "keyring" / "subject-keys.json"})


def item(case: str | None, summary: str) -> dict[str, Any]:
    about_a_case = {"activity": "case_sampling", "case_reference": case}
    return {
        "agency": "lscb",
        "judgement_area": "lscb",
        "criteria": ["115a"],
        "bearing": "weakness",
        "summary": summary,
        **(about_a_case if case else {"activity": "performance_data"}),
    }


async def dump_of(client: Client, settings: Settings) -> str:
    """Every document of every database of the platform but the keys', as one text."""
    keys = settings.subject_keys()[1]
    found = []
    for name in await client.list_database_names():
        if name.startswith(f"{settings.namespace}_".replace("-", "_")) and name != keys:
            for collection in await client[name].list_collection_names():
                found += [json.dumps(d, default=str) async for d in client[name][collection].find()]
    return "\n".join(found)


def sealed_in(value: Any) -> Iterator[Sealed]:
    """Every sealed value in a record's JSON."""
    if isinstance(value, dict):
        if value.keys() == {"subject", "ciphertext"}:
            yield Sealed.model_validate(value)
        for each in value.values():
            yield from sealed_in(each)
    elif isinstance(value, list):
        for each in value:
            yield from sealed_in(each)


async def replayed(settings: Settings, client: Client, name: str) -> list[dict[str, Any]]:
    """Judgement's evidence read model rebuilt from the start of the log into a database of its own."""
    runner = ProjectionRunner(
        name,
        settings,
        client,
        CATALOGUE,
        EventStore(client, settings.database_name(name), CATALOGUE, settings.events_topic(name)),
    )
    live = client[settings.database_name("judgement")]["evidence_items"]
    copy = client[settings.database_name(name)]["evidence_items"]
    want = [d async for d in live.find().sort("_id")]
    async with consuming(runner, judgement_projections.evidence):

        async def caught_up() -> bool:
            return [d async for d in copy.find().sort("_id")] == want

        await eventually(caught_up, seconds=60)
    return want


async def test_an_erased_case_reads_erased_everywhere_and_the_log_still_verifies_replays_and_rebuilds(
    platform: Platform,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    p = platform
    inspection_id = await seed_integrated(settings)
    base = f"/inspections/{inspection_id}"

    async def known() -> bool:
        notice = await p.evidence.get(base)
        board = await p.lscb.get(f"{base}/evaluation")
        return board.status_code == 200 and notice.status_code == 200 and notice.json()["notice_started"]

    await eventually(known)

    # Text about two children and about no child, through every command that takes text about a case.
    sample = {"case_reference": ERASED_CASE, "reason": ABOUT_ERASED["sample reason"]}
    await ok(await p.evidence.post(f"{base}/samples/shared/cases", headers=LEAD, json=sample), 201)

    async def recorded(who: dict[str, str], case: str | None, summary: str) -> str:
        body = item(case, summary)
        return str(
            (await ok(await p.evidence.post(f"{base}/evidence", headers=who, json=body)))["evidence_item_id"]
        )

    erased_item = await recorded(CQC, ERASED_CASE, ABOUT_ERASED["summary"])
    kept_item = await recorded(HMIC, KEPT_CASE, ABOUT_KEPT)
    data_item = await recorded(CQC, None, NO_CASE)
    line = {"agency": "health", "case_reference": ERASED_CASE, "question": ABOUT_ERASED["question"]}
    line_id = (await ok(await p.evidence.post(f"{base}/lines-of-enquiry", headers=LEAD, json=line), 201))[
        "line_id"
    ]
    lines = f"{base}/lines-of-enquiry/{line_id}"
    answer = {"evidence_item_ids": [erased_item], "answer": ABOUT_ERASED["answer"]}
    await ok(await p.evidence.post(f"{lines}/answers", headers=CQC, json=answer), 201)
    conclusion = {"conclusion": ABOUT_ERASED["conclusion"]}
    await ok(await p.evidence.post(f"{lines}/closure", headers=LEAD, json=conclusion), 200)

    async def arrived() -> bool:
        board = (await p.lscb.get(f"{base}/evaluation")).json()
        held = await p.judgement.get(f"{base}/evidence/{data_item}")
        return len(board["evidence"]) == 3 and held.status_code == 200

    await eventually(arrived)
    # Shown to those who may read it ...
    shown = {
        i["evidence_item_id"]: i["summary"] for i in await ok(await p.evidence.get(f"{base}/evidence"), 200)
    }
    assert shown == {erased_item: ABOUT_ERASED["summary"], kept_item: ABOUT_KEPT, data_item: NO_CASE}
    board = {
        i["evidence_item_id"]: i["summary"]
        for i in (await p.lscb.get(f"{base}/evaluation")).json()["evidence"]
    }
    assert board == shown
    assert (await ok(await p.judgement.get(f"{base}/evidence/{erased_item}"), 200))[
        "summary"
    ] == ABOUT_ERASED["summary"]
    seen = await ok(await p.evidence.get(lines), 200)
    assert (seen["question"], seen["answers"][0]["answer"], seen["conclusion"]) == (
        ABOUT_ERASED["question"], ABOUT_ERASED["answer"], ABOUT_ERASED["conclusion"],
    )  # fmt: skip
    report = await p.reporting.get(f"{base}/report", params={"format": "md"}, headers=QUALITY)
    assert report.status_code == 200, report.text

    # ... but sealed wherever it is held: no read model, event store, outbox or topic has it in the clear.
    client = connect(settings.mongodb_uri, "test")
    try:
        texts = [*ABOUT_ERASED.values(), ABOUT_KEPT]
        held = await dump_of(client, settings)
        assert NO_CASE in held  # about no child: plain, as the dump would show
        assert not [t for t in texts if t in held]
        records = await read_topic(
            settings.kafka_bootstrap_servers, settings.events_topic("evidence"), at_least=9
        )
        on_kafka = b"\n".join(r.value or b"" for r in records).decode()
        assert NO_CASE in on_kafka
        assert not [t for t in texts if t in on_kafka]

        values = {v for r in records for v in sealed_in(json.loads(r.value or b"{}"))}
        subjects = [subject_of(inspection_id, ERASED_CASE), subject_of(inspection_id, KEPT_CASE)]
        erased_values = [v for v in values if v.subject == subjects[0]]
        assert len(erased_values) == len(ABOUT_ERASED)
        kept_values = [v for v in values if v.subject == subjects[1]]
        assert kept_values
        key_database = await backup(client, settings)  # as a backup taken before the erasure holds it

        # Only the lead inspectorate's lead inspector erases.
        erasure = f"{base}/cases/{ERASED_CASE}/erasure"
        body = {"basis": "subject_request"}
        await forbidden(await p.evidence.post(erasure, headers=actor("cqc", "lead_inspector"), json=body))
        assert (await p.evidence.post(erasure, headers=actor("ofsted"), json=body)).status_code == 403
        bad = await p.evidence.post(erasure, headers=LEAD, json={"basis": "the mother asked by phone"})
        assert bad.status_code == 422
        done = await ok(await p.evidence.post(erasure, headers=LEAD, json=body), 200)
        assert (done["items"], done["lines_of_enquiry"], done["samples"]) == (1, 1, ["shared"])
        await refused(
            await p.evidence.post(erasure, headers=LEAD, json=body), f"case {ERASED_CASE} is already erased"
        )

        # No copy the database kept opens the case's text again: neither the key documents that its oplog
        # keeps nor the backup, wrapped or not, with any KEK the keyring holds; the other case's still opens.
        assert settings.subject_keyring_file is not None
        keks = Keyring(settings.subject_keyring_file, settings.subject_keys()[1]).keks()
        entries = await oplog(client)
        keys_ns = f"{settings.subject_keys()[1]}.keys"
        assert [e for e in entries if (e["op"], e["ns"], e["o"].get("_id")) == ("i", keys_ns, subjects[0])]
        found = keys_in([*entries, *key_database], keks, subjects)
        assert not [v for v in erased_values if any(opens(k, v) for k in found)]
        assert all(any(opens(k, v) for k in found) for v in kept_values)

        # Every view reads [erased] for the case, and only for it, at once: its key is gone.
        shown = {
            i["evidence_item_id"]: i["summary"]
            for i in await ok(await p.evidence.get(f"{base}/evidence"), 200)
        }
        assert shown == {erased_item: ERASED, kept_item: ABOUT_KEPT, data_item: NO_CASE}
        history = await ok(await p.evidence.get(f"{base}/evidence/{erased_item}"), 200)
        assert history["item"]["summary"] == history["history"][0]["details"]["summary"] == ERASED
        seen = await ok(await p.evidence.get(lines), 200)
        assert (seen["question"], seen["answers"][0]["answer"], seen["conclusion"]) == (ERASED,) * 3
        assert {c["reason"] for c in (await ok(await p.evidence.get(f"{base}/samples"), 200))["samples"]} == {
            ERASED
        }
        case = await ok(await p.evidence.get(f"{base}/cases/{ERASED_CASE}"), 200)
        assert case["erased"] is True
        assert [i["summary"] for i in case["items"]] == [ERASED]
        assert (await ok(await p.judgement.get(f"{base}/evidence/{erased_item}"), 200))["summary"] == ERASED
        assert (await ok(await p.judgement.get(f"{base}/evidence/{kept_item}"), 200))["summary"] == ABOUT_KEPT

        # Nothing more is recorded about the case.
        again = await p.evidence.post(f"{base}/evidence", headers=CQC, json=item(ERASED_CASE, "More."))
        await refused(again, f"case {ERASED_CASE} of this inspection was erased on")

        # The read models drop even the sealed copies once the erasure reaches them.
        async def scrubbed() -> bool:
            board = {
                i["evidence_item_id"]: i["summary"]
                for i in (await p.lscb.get(f"{base}/evaluation")).json()["evidence"]
            }
            docs = client[settings.database_name("judgement")]["evidence_items"]
            doc = await docs.find_one({"_id": erased_item})
            return board[erased_item] == ERASED and doc is not None and doc["summary"] == ERASED

        await eventually(scrubbed)
        held = await dump_of(client, settings)
        assert not [t for t in texts if t in held]

        # A replay from the start of the log rebuilds the same read model: erased stays erased.
        rebuilt = await replayed(settings, client, "judgement-replay")
        assert {d["_id"]: d["summary"] for d in rebuilt}[erased_item] == ERASED
    finally:
        await client.close()

    # The log still verifies, exports and replays as at a time; the documents rebuild the same.
    use(settings, monkeypatch)
    assert await asyncio.to_thread(main, ["audit", "verify"]) == 0
    assert "the log verifies" in capsys.readouterr().out
    logged = [e for _, e in await envelopes_of(settings, inspection_id, lambda _: None)]
    assert "evidence.CaseErased" in {e.event_type for e in logged}
    assert await asyncio.to_thread(main, ["audit", "export", "--inspection", inspection_id]) == 0
    exported = capsys.readouterr().out
    assert not [t for t in texts if t in exported]
    now = datetime.now(UTC).isoformat()
    assert await asyncio.to_thread(main, ["audit", "as-of", now, "--inspection", inspection_id]) == 0
    assert json.loads(capsys.readouterr().out)["evidence"]["standing"] == 3
    after = await p.reporting.get(f"{base}/report", params={"format": "md"}, headers=QUALITY)
    assert after.content == report.content
    assert ERASED_CASE not in after.text
    assert KEPT_CASE not in after.text
    summary = await rebuild(settings, lambda _: None)
    assert summary.ok
    assert f"{base}/report" in summary.matching
