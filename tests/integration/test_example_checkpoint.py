"""An inspectorate checks the platform's signed checkpoint against its own copy of the events, with the
example's checker (examples/inspectorate_consumer/checkpoint.py) run as its own process: nothing of the
platform's code, only the kept checkpoint, the key's public half and the consumer's SQLite file."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit import checkpoints
from shared.mechanics.settings import Settings
from tests.integration.test_audit import cancellations, chained, produce
from tests.integration.test_example_consumer import consume

CHECKER = Path(__file__).parents[2] / "examples" / "inspectorate_consumer" / "checkpoint.py"


async def check(kept: Path, database: Path, public: Path) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(CHECKER),
        str(kept),
        *("--database", str(database), "--public-key", str(public)),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None, err.decode()
    return process.returncode, out.decode()


async def test_the_inspectorate_proves_its_copy_against_a_kept_checkpoint_and_names_what_differs(
    settings: Settings, tmp_path: Path
) -> None:
    first, second = (
        chained("inspection-a", cancellations("a", 3), "a"),
        chained("inspection-b", cancellations("b", 2), "b"),
    )
    topic = settings.events_topic("scheduling")
    await produce(settings, topic, [e.to_json() for e in first], key=b"a")
    await produce(settings, topic, [e.to_json() for e in second], key=b"b")
    database = tmp_path / "ofsted.sqlite3"
    assert (await consume(settings, database, f"{settings.namespace}-ofsted"))["stored"] == 5

    key = Ed25519PrivateKey.generate()
    taken, result = await checkpoints.take(settings, key, "interval", lambda _: None)
    assert taken is not None, result.problems
    kept, public = tmp_path / "kept.jsonl", tmp_path / "checkpoint-public-key.pem"
    kept.write_text(taken.to_json() + "\n")
    public.write_bytes(checkpoints.public_pem(key.public_key()))

    code, out = await check(kept, database, public)
    assert (code, out.splitlines()[-1]) == (0, "1 checkpoint(s), 2 stream head(s): 0 problem(s)"), out

    # The copy's last event of a stream is not the one signed: named, with where it was.
    with sqlite3.connect(database) as db:
        db.execute("UPDATE events SET digest = ? WHERE event_id = ?", ("0" * 64, first[2].event_id))
    code, out = await check(kept, database, public)
    assert code == 1
    assert out.startswith(f"changed: inspection-a v3 at {topic}[")

    # A checkpoint changed by someone without the key is refused.
    forged = json.loads(kept.read_text())
    forged["streams"] = forged["streams"][1:]
    kept.write_text(json.dumps(forged) + "\n")
    code, out = await check(kept, database, public)
    assert code == 1
    assert out.startswith("refused: checkpoint 1 (")
    assert "its signature does not match its content" in out
