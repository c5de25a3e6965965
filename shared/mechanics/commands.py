"""Commands as plain data, and the one pipeline each service runs them through.

A command is a frozen dataclass holding only what the caller asked: the inspection, the item, the words,
the version it read (`If-Match`). It names what handling it answers: `RecordFinding(Command[Decided[
Findings]])`. Each service has one table, `COMMANDS = {RecordFinding: record_finding, ...}`, in its
handlers module. A handler takes the command and the Handling (what it may read and write, and who asked),
loads what the decision needs into one value, calls its domain's decide and appends
(shared/mechanics/decider.py).

An endpoint is parse → command → `handle(command, handling)`; a projection reacting to an event builds a
command the same way, with the event's CommandContext."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar, cast

from fastapi import Depends
from pymongo.asynchronous.database import AsyncDatabase

from shared.language.subjects import SubjectKeys
from shared.mechanics.auth import Principal, authenticated
from shared.mechanics.eventstore import CommandContext, StreamStore
from shared.mechanics.http import command_context
from shared.mechanics.mongo import Document
from shared.mechanics.runtime import ServiceDep

R = TypeVar("R", covariant=True)
A = TypeVar("A")


class Command(Generic[R]):
    """A command whose handling answers an R. Subclasses are frozen dataclasses."""


@dataclass(frozen=True)
class Handling:
    """What a handler may use: the service's streams, its read models and subjects' keys, and who asked
    (the command's context, and the verified caller where a rule needs more of them than the events
    record: an LSCB chair's area)."""

    store: StreamStore
    db: AsyncDatabase[Document]
    keys: SubjectKeys
    context: CommandContext
    caller: Principal | None = None

    @property
    def principal(self) -> Principal:
        """The verified caller of an HTTP command."""
        assert self.caller is not None, "this command was made by no HTTP caller"
        return self.caller


async def handling(
    service: ServiceDep,
    context: Annotated[CommandContext, Depends(command_context)],
    caller: Annotated[Principal, Depends(authenticated)],
) -> Handling:
    return Handling(service.store, service.db, service.keys, context, caller)


HandlingDep = Annotated[Handling, Depends(handling)]
Handler = Callable[[Any, Handling], Awaitable[Any]]
Commands = Mapping[type[Command[Any]], Handler]  # a service's table: each command to its handler


class Pipeline:
    """One service's commands, each to its handler: `handle(command, handling)` runs the one for its type."""

    def __init__(self, handlers: Commands) -> None:
        self.handlers = dict(handlers)

    async def handle(self, command: Command[A], handling: Handling) -> A:
        handler = self.handlers.get(type(command))
        if handler is None:
            raise TypeError(f"{type(command).__name__} is not a command of this service")
        return cast(A, await handler(command, handling))
