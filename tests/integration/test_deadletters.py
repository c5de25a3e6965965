"""`jip deadletters` against the real broker and a running consumer: what could not be applied is listed
with where it came from and why, shown whole, and replayed once the cause is fixed, idempotently."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest

from jip.cli import main
from shared.language.contracts import CATALOGUE
from shared.language.contracts.evidence import EvidenceItemRecorded
from shared.mechanics.consumer import Projection, ProjectionRunner, Tx
from shared.mechanics.envelope import Envelope
from shared.mechanics.eventstore import EventStore
from shared.mechanics.mongo import Client, connect
from shared.mechanics.settings import Settings
from tests.helpers import consuming, eventually
from tests.integration.test_audit import use
from tests.integration.test_projections import count, counted, envelope, produce


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[Client]:
    client = connect(settings.mongodb_uri, "test")
    yield client
    await client.close()


async def jip(*argv: str) -> int:
    return await asyncio.to_thread(main, list(argv))


async def test_dead_letters_are_listed_shown_and_replayed_once_the_cause_is_fixed(
    settings: Settings, client: Client, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bug = {"present": True}
    fragile = Projection("fragile", ["evidence"])

    @fragile.on(EvidenceItemRecorded)
    async def apply(event: EvidenceItemRecorded, envelope: Envelope, tx: Tx) -> None:
        if bug["present"] and event.summary == "poison":
            raise ValueError("cannot file this one")
        await count(event, envelope, tx)

    poison = envelope(envelope().payload | {"summary": "poison"})
    after = envelope(after=poison)  # waits for the poison: its stream stays in order
    stream = poison.stream_id
    await produce(settings, [(e.to_json(), b"insp-1", []) for e in (poison, after, envelope())])
    store = EventStore(
        client, settings.database_name("judgement"), CATALOGUE, settings.events_topic("judgement")
    )
    use(settings, monkeypatch)

    runner = ProjectionRunner("judgement", settings, client, CATALOGUE, store)
    async with consuming(runner, fragile) as [subscription]:

        async def the_good_one_applied() -> bool:
            return await counted(client, settings) == 1

        await eventually(the_good_one_applied)

        async def both_dead_lettered() -> list[dict[str, object]]:
            assert await jip("deadletters", "list", "--service", "judgement", "--json") == 0
            found: list[dict[str, object]] = json.loads(capsys.readouterr().out)
            return found if len(found) == 2 else []

        listed = await eventually(both_dead_lettered)
        assert [(d["stream_version"], d["cause"], d["replayed"]) for d in listed] == [
            (1, "projection_failed", False),
            (2, "out_of_order", False),
        ]
        assert listed[0]["reason"] == "projection failed: ValueError: cannot file this one"
        assert listed[0]["source"] == f"{settings.events_topic('evidence')}[0]@0"
        assert listed[0]["consumer"] == f"{settings.namespace}.judgement.fragile"

        async def found(*where: str) -> list[int]:
            """The source offsets of the dead letters `list` gives with these filters."""
            assert await jip("deadletters", "list", "--json", *where) == 0
            return [int(str(d["source"]).rsplit("@", 1)[1]) for d in json.loads(capsys.readouterr().out)]

        evidence, group = settings.events_topic("evidence"), f"{settings.namespace}.judgement.fragile"
        assert await found("--topic", evidence) == [0, 1]
        assert await found("--topic", settings.events_topic("scheduling")) == []
        assert await found("--topic", evidence, "--partition", "0", "--offset", "1") == [1]
        assert await found("--partition", "1") == []
        assert await found("--consumer", group) == [0, 1]
        assert await found("--consumer", f"{settings.namespace}.judgement.other") == []

        assert await jip("deadletters", "list", "--cause", "out_of_order") == 0
        table = capsys.readouterr().out.splitlines()
        assert len(table) == 2
        assert "evidence.EvidenceItemRecorded v2" in table[1]

        assert await jip("deadletters", "show", str(listed[0]["id"])) == 0
        shown = capsys.readouterr().out
        assert "jip-dead-letter-cause: projection_failed" in shown
        assert f'"stream_id": "{stream}"' in shown

        bug["present"] = False  # the fix is deployed
        assert await jip("deadletters", "replay", "--service", "judgement") == 0
        assert "replayed 2 dead letter(s)" in capsys.readouterr().out

        async def both_applied() -> bool:
            return await counted(client, settings) == 3

        await eventually(both_applied)
        assert await jip("deadletters", "list", "--json") == 0
        assert [d["replayed"] for d in json.loads(capsys.readouterr().out)] == [True, True]

        assert await jip("deadletters", "replay", "--all") == 0  # nothing left that was not replayed
        assert "replayed 0 dead letter(s)" in capsys.readouterr().out
        assert await jip("deadletters", "replay", "--all", "--again") == 0  # idempotent like any delivery
        assert "replayed 2 dead letter(s)" in capsys.readouterr().out

        async def replays_read() -> bool:  # the consumer has read the replay topic to its end
            return subscription.progress.lag == 0 and subscription.progress.state == "ok"

        await asyncio.sleep(1)
        await eventually(replays_read)
        assert await counted(client, settings) == 3


async def test_replay_needs_to_be_told_what(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use(settings, monkeypatch)
    assert await jip("deadletters", "replay") == 1
    assert "say what to replay" in capsys.readouterr().err
