"""The services' HTTP server (shared/mechanics/server.py) wakes once a second while idle, and at once when
a signal tells it to stop: with its tick made a minute long here, a stop that waited for the tick would
not end within the test's bound."""

from __future__ import annotations

import asyncio
import signal
import socket

import pytest
from fastapi import FastAPI

from shared.mechanics import idle_server, server
from shared.mechanics.settings import Settings


async def test_a_signal_stops_the_server_at_once_whatever_its_tick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(idle_server, "TICK_SECONDS", 60.0)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    settings = Settings(http_host="127.0.0.1", http_port=port)
    serving = idle_server.Server(server.config(FastAPI(), settings, lifespan="off"))
    task = asyncio.create_task(serving.serve())
    for _ in range(200):
        if serving.started:
            break
        await asyncio.sleep(0.05)
    assert serving.started
    ticks = 0
    on_tick = serving.on_tick

    async def counted(counter: int) -> bool:
        nonlocal ticks
        ticks += 1
        return await on_tick(counter)

    monkeypatch.setattr(serving, "on_tick", counted)
    await asyncio.sleep(0.5)
    assert ticks == 0  # uvicorn's own loop would have ticked five times
    serving.handle_exit(signal.SIGTERM, None)
    serving._captured_signals.clear()  # uvicorn raises a caught signal again once stopped: not in pytest
    await asyncio.wait_for(task, 10)
    assert ticks == 1  # woken by the signal, not by the tick
