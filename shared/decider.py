"""Commands against one stream: fold its events into state, decide new events, append them.

Domain modules supply pure functions (no I/O): `evolve(state, event) -> state` and
`decide(state, command) -> events`; this module does the reading, appending and retrying."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Generic, TypeVar

from shared.catalogue import Event
from shared.envelope import Envelope
from shared.errors import ConcurrencyConflict
from shared.eventstore import CommandContext, EventStore, Stream

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


async def load(store: EventStore, decider: Decider[S, C], stream_id: str) -> tuple[S, int]:
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


async def execute(
    store: EventStore,
    decider: Decider[S, C],
    stream_id: str,
    command: C,
    context: CommandContext,
    *,
    expected_version: int | None = None,
    attempts: int = 3,
) -> Decided[S]:
    """Run `command` against the stream's current state (see `until_written` for conflicts)."""

    async def attempt() -> Decided[S]:
        # A caller creating a stream (expected version 0) needs nothing read: the append refuses if it exists.
        stream = Stream(stream_id, 0, [], []) if expected_version == 0 else await store.read(stream_id)
        if expected_version is not None and stream.version != expected_version:
            raise ConcurrencyConflict(stream_id, expected_version, stream.version)
        state = decider.fold(stream.events)
        events = decider.decide(state, command)
        envelopes = await store.append(stream_id, stream.version, events, context)
        return Decided(reduce(decider.evolve, events, state), stream.version + len(events), envelopes)

    return await until_written(attempt, expected_version, attempts)
