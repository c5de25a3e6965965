"""MongoDB access through pymongo's AsyncMongoClient (motor is deprecated)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import ConnectionFailure, OperationFailure, PyMongoError
from pymongo.monitoring import CommandListener

Document = dict[str, Any]
Client = AsyncMongoClient[Document]


def connect(uri: str, app_name: str, listeners: Sequence[CommandListener] = ()) -> Client:
    return AsyncMongoClient(
        uri, appname=app_name, tz_aware=True, serverSelectionTimeoutMS=5000, event_listeners=listeners
    )


@asynccontextmanager
async def transaction(client: Client) -> AsyncIterator[AsyncClientSession]:
    """A multi-document transaction: committed when the block ends, aborted if it raises."""
    async with client.start_session() as session, await session.start_transaction():
        yield session


def is_transient(exc: BaseException) -> bool:
    """Worth retrying: the database is unreachable or a transaction lost a write conflict."""
    if isinstance(exc, ConnectionFailure):
        return True
    if isinstance(exc, OperationFailure):
        return exc.has_error_label("TransientTransactionError") or exc.has_error_label(
            "UnknownTransactionCommitResult"
        )
    return isinstance(exc, PyMongoError) and exc.has_error_label("TransientTransactionError")
