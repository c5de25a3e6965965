"""The workspace's pages in one process, for the unit tests of its pages: the app as `jip stack up` builds it,
its five services stood in for by a function answering each request (`answer`), and a client that plays
the browser (from loopback, as the embedded stack serves it), optionally signed in."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from services.workspace.app import build
from services.workspace.settings import WorkspaceSettings
from shared.mechanics.settings import Settings
from tests.helpers import SIGNER


def csrf(page: httpx.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, "every form carries the session's CSRF token"
    return found[1]


async def sign_in(browser: httpx.AsyncClient, user: str, role: str, inspectorate: str) -> httpx.Response:
    form = await browser.get("/sign-in")
    data = {"csrf_token": csrf(form), "user": user, "role": role, "inspectorate": inspectorate}
    return await browser.post("/sign-in", data=data)


@asynccontextmanager
async def workspace(
    tmp_path: Path,
    answer: Callable[[httpx.Request], httpx.Response] | httpx.AsyncBaseTransport,
    platform: Settings | None = None,
) -> AsyncIterator[httpx.AsyncClient]:
    """The workspace signing users in with the tests' key; the client the browser plays (signed out).
    `answer` stands in for the services, or is a transport to real ones; `platform` says where the event log
    is (the auditor's pages read it)."""
    SIGNER.save(tmp_path / "auth")
    settings = WorkspaceSettings(
        workspace_signing_key_file=tmp_path / "auth" / "signing-key.pem",
        scheduling_url="http://scheduling.test",
        evidence_url="http://evidence.test",
        judgement_url="http://judgement.test",
        lscb_url="http://lscb.test",
        reporting_url="http://reporting.test",
    )
    app = build(settings, platform)
    services = answer if isinstance(answer, httpx.AsyncBaseTransport) else httpx.MockTransport(answer)
    app.state.http = httpx.AsyncClient(transport=services)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:18110") as browser:
            yield browser
    finally:
        await app.state.http.aclose()
