"""Commands against streams: fold each stream's events into state, decide new events, append them.

Domain modules supply pure functions (no I/O): `evolve(state, event) -> state` and
`decide(state, command) -> events`; this module does the reading, appending and retrying. A command on
one stream runs through `execute`; one whose rule spans streams (an inspector on one inspection at a
time) reads each stream it needs through a `Streams` and appends what it decided to all of them at once,
each at the version it read (`across`). The caller's expected version is checked in one place,
`Streams.fold`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Generic, TypeVar

from shared.mechanics.catalogue import Event
from shared.mechanics.envelope import Envelope
from shared.mechanics.errors import ConcurrencyConflict
from shared.mechanics.eventstore import CommandContext, StreamStore, Write

S = TypeVar("S")
C = TypeVar("C")
T = TypeVar("T")


def fold(evolve: Callable[[S, Event], S], initial: S, events: Iterable[Event]) -> S:
    """The state a stream's events lead to from `initial`, one event at a time."""
    return reduce(evolve, events, initial)


@dataclass(frozen=True)
class Decider(Generic[S, C]):
    initial: S
    evolve: Callable[[S, Event], S]
    decide: Callable[[S, C], Sequence[Event]]

    def fold(self, events: Sequence[Event]) -> S:
        return reduce(self.evolve, events, self.initial)


@dataclass(frozen=True)
class Decided(Generic[S]):
    state: S
    version: int
    envelopes: list[Envelope]


async def load(store: StreamStore, decider: Decider[S, C], stream_id: str) -> tuple[S, int]:
    stream = await store.read(stream_id)
    return decider.fold(stream.events), stream.version


async def until_written(
    attempt: Callable[[], Awaitable[T]], expected_version: int | None = None, attempts: int = 3
) -> T:
    """Run `attempt` (read, decide, append). When the caller names the version it decided on, a newer
    stream is a conflict for the caller to resolve; otherwise a write lost to a concurrent one is
    decided again on fresh state, up to `attempts` times."""
    for n in range(1, attempts + 1):
        try:
            return await attempt()
        except ConcurrencyConflict:
            if expected_version is not None or n == attempts:
                raise
    raise AssertionError("unreachable")


class Streams:
    """The streams one attempt at a command read, each at the version it read: what it decides for them
    is appended together, all or nothing, and only if none has moved since (the unit of work)."""

    def __init__(self, store: StreamStore) -> None:
        self.store = store
        self.read_at: dict[str, int] = {}

    async def fold(
        self,
        decider: Decider[S, C],
        stream_id: str,
        expected_version: int | None = None,
        *,
        creating: bool = False,
    ) -> S:
        """The stream's state. A caller that names the version it decided on (`If-Match`) meets a
        ConcurrencyConflict if the stream has moved since; a command creating the stream reads nothing, as
        the append refuses a stream that exists."""
        if creating:
            self.read_at[stream_id] = 0
            return decider.initial
        stream = await self.store.read(stream_id)
        if expected_version is not None and stream.version != expected_version:
            raise ConcurrencyConflict(stream_id, expected_version, stream.version)
        self.read_at[stream_id] = stream.version
        return decider.fold(stream.events)

    async def append(self, decided: Mapping[str, Sequence[Event]], context: CommandContext) -> list[Envelope]:
        """Append each stream's decided events at the version it was read (a stream not read is new)."""
        return await self.store.append_streams(
            [
                Write(stream_id, self.read_at.get(stream_id, 0), events)
                for stream_id, events in decided.items()
            ],
            context,
        )


async def across(
    store: StreamStore,
    attempt: Callable[[Streams], Awaitable[T]],
    expected_version: int | None = None,
    attempts: int = 3,
) -> T:
    """Run `attempt` (read what it needs through its Streams, decide, append), again on fresh state if a
    concurrent write wins (see `until_written`)."""
    return await until_written(lambda: attempt(Streams(store)), expected_version, attempts)


async def execute(
    store: StreamStore,
    decider: Decider[S, C],
    stream_id: str,
    command: C,
    context: CommandContext,
    *,
    expected_version: int | None = None,
    creating: bool = False,
    attempts: int = 3,
) -> Decided[S]:
    """Run `command` against the stream's current state (see `until_written` for conflicts); one
    `creating` the stream decides on its initial state and is refused if the stream exists."""

    async def attempt(streams: Streams) -> Decided[S]:
        state = await streams.fold(decider, stream_id, expected_version, creating=creating)
        events = decider.decide(state, command)
        envelopes = await streams.append({stream_id: events}, context)
        version = streams.read_at[stream_id] + len(events)
        return Decided(reduce(decider.evolve, events, state), version, envelopes)

    return await across(store, attempt, 0 if creating else expected_version, attempts)
