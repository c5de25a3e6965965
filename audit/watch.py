"""The platform's checkpointer: a signed checkpoint (audit/checkpoints.py) when it starts, whenever a report
is made final or published, and at intervals while the log grows.

It follows the reporting topic itself, batch by batch (audit/batches.py, from where its last look ended),
and on seeing `reporting.ReportFinalised` or `reporting.ReportPublished` takes a checkpoint whose reason
names the inspections: so the checksum of every letter an area received is covered by a checkpoint taken
when it was final. Between reports, a checkpoint every `every` seconds (one that covers no more than the
last still proves the log as it stood then).
A log that does not verify is not checkpointed (a signature vouches for a log with no problem in it): its
problems are reported, and the next look tries again. It keeps nothing but its key: a restart reads the
reporting topic from its start once, and takes a checkpoint then.

`jip audit checkpoint watch` runs it; the embedded stack and the deployments can run it beside the
services, with the checkpoint key mounted only there."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared.mechanics.settings import Settings

from .answers import Reading
from .batches import read
from .checkpoints import Checkpoint, take
from .log import Progress

FINAL = ("reporting.ReportFinalised", "reporting.ReportPublished")


@dataclass
class Watch:
    """What the checkpointer has seen: where its look at the reporting topic ended, and its checkpoints."""

    position: dict[tuple[str, int], int] = field(default_factory=dict)
    taken: list[Checkpoint] = field(default_factory=list)
    last: float = 0.0  # time.monotonic() of the last checkpoint
    # Why no checkpoint was taken when one was due (the log has problems), and why the last look could not
    # read the log: the checkpointer's /health says either (services/checkpointer).
    trouble: str = ""
    unreadable: str = ""


async def finalised(settings: Settings, watch: Watch) -> list[str]:
    """The inspections whose report was made final or published since the last look, in log order."""
    reading = Reading()
    found: list[str] = []
    async for batch in read(settings, [settings.events_topic("reporting")], reading, watch.position):
        for record in batch:
            try:
                event = json.loads(record.value or b"")
            except ValueError:
                continue  # verify names it
            if isinstance(event, dict) and event.get("event_type") in FINAL:
                inspection = str(event.get("inspection_id"))
                if inspection not in found:
                    found.append(inspection)
    watch.position.update(reading.ends)
    return found


async def look(
    settings: Settings, key: Ed25519PrivateKey, every: float, watch: Watch, progress: Progress
) -> None:
    """One look: a checkpoint if a report was made final or published, if `every` seconds have passed, or
    if none was taken yet."""
    reports = await finalised(settings, watch)
    if watch.taken and not reports and time.monotonic() - watch.last < every:
        return
    reason = "report final or published: " + ", ".join(reports) if reports else "interval"
    if not watch.taken:
        reason = "checkpointer started" + (f"; {reason}" if reports else "")
    checkpoint, result = await take(settings, key, reason, lambda _: None)
    watch.last = time.monotonic()
    if checkpoint is None:
        first = result.problems[0]
        watch.trouble = (
            f"no checkpoint ({reason}): the log has {len(result.problems)} problem(s), the first: {first}"
        )
        progress(watch.trouble)
        return
    watch.trouble = ""
    watch.taken.append(checkpoint)
    progress(f"checkpoint of {checkpoint.taken_at} ({reason}): {len(checkpoint.streams):,} stream heads")


async def watch(
    settings: Settings,
    key: Ed25519PrivateKey,
    every: float,
    progress: Progress,
    *,
    poll: float = 5.0,
    stop: asyncio.Event | None = None,
    state: Watch | None = None,
) -> Watch:
    """Look every `poll` seconds until `stop` is set."""
    stop = stop or asyncio.Event()
    state = state or Watch()
    while not stop.is_set():
        try:
            await look(settings, key, every, state, progress)
        except Exception as exc:  # a broker restarting, say: the next look tries again, nothing is lost
            state.unreadable = f"the log could not be read ({type(exc).__name__}: {exc})"
            progress(f"no checkpoint: {state.unreadable}; trying again")
        else:
            state.unreadable = ""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), poll)
    return state
