"""uvicorn's server, waking once a second rather than ten times while idle, and at once when a signal tells
it to stop: every HTTP process of the platform (the services, the workspace, the checkpointer and the
embedded stack's object store) serves with it, so an idle one sleeps. Only asyncio and uvicorn are
imported, so the object store starts as quickly as before."""

from __future__ import annotations

import asyncio
import contextlib
from types import FrameType

import uvicorn

TICK_SECONDS = 1.0


class Server(uvicorn.Server):
    """uvicorn's server, waking once a second rather than ten times (what it does on a tick, the Date
    header, changes once a second), and at once when a signal tells it to stop: an idle service's
    process sleeps."""

    _stop: asyncio.Event | None = None
    _loop: asyncio.AbstractEventLoop | None = None

    async def main_loop(self) -> None:
        self._stop, self._loop = asyncio.Event(), asyncio.get_running_loop()
        counter = 0
        should_exit = await self.on_tick(counter)
        while not should_exit:
            counter = (counter + 10) % 864000  # uvicorn counts tenths of a second
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), TICK_SECONDS)
            should_exit = await self.on_tick(counter)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
