"""The running platform as the demo reaches it: the five services over HTTP, and the people who act, each
with a token issued with the stack's key (`jip token`). Every command says who makes it; reads are made as
an auditor, who may read everything and change nothing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx

from embedded.errors import StackError
from shared.mechanics.auth import Role, Signer
from shared.mechanics.envelope import Inspectorate

Headers = dict[str, str]


@dataclass(frozen=True)
class People:
    """Who acts in the demo, each sending a token issued with the stack's key (`jip token`): the user is
    `demo-<inspectorate>-<role>`."""

    signer: Signer

    def of(self, inspectorate: str, role: str = "inspector") -> Headers:
        token = self.signer.issue(f"demo-{inspectorate}-{role}", role, inspectorate, ttl=timedelta(hours=1))
        return {"Authorization": f"Bearer {token}"}

    def lead_inspector(self, inspectorate: Inspectorate | str) -> Headers:
        """The inspectorate's lead inspector: schedules, moderates, signs off and publishes for it."""
        return self.of(str(inspectorate), "lead_inspector")

    def quality_assurer(self, inspectorate: Inspectorate | str) -> Headers:
        return self.of(str(inspectorate), "quality_assurer")

    @property
    def lead(self) -> Headers:
        """Ofsted's lead inspector: Ofsted leads every programme the platform runs."""
        return self.lead_inspector(Inspectorate.OFSTED)

    @property
    def quality(self) -> Headers:
        return self.quality_assurer(Inspectorate.OFSTED)

    def chair(self, area_code: str) -> Headers:
        """The chair of the area's LSCB, who sends the partnership's one factual-accuracy response."""
        token = self.signer.issue("demo-chair", Role.LSCB_CHAIR, area_code=area_code, ttl=timedelta(hours=1))
        return {"Authorization": f"Bearer {token}"}

    @property
    def auditor(self) -> Headers:
        return {"Authorization": f"Bearer {self.signer.issue('demo-auditor', Role.AUDITOR)}"}


async def call(http: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> Any:
    """The answer's JSON (or text); a refusal stops the demo with the service's own words and rule."""
    response = await http.request(method, url, **kwargs)
    if response.status_code >= 400:
        raise StackError(f"{method} {url} answered {response.status_code}: {response.text}")
    return response.json() if "json" in response.headers.get("content-type", "") else response.text


async def eventually(check: Callable[[], Awaitable[bool]], what: str, seconds: float = 30.0) -> None:
    """Wait for an event to reach another service (the platform is eventually consistent)."""
    deadline = time.monotonic() + seconds
    while not await check():
        if time.monotonic() > deadline:
            raise StackError(
                f"timed out after {seconds:.0f} s waiting for {what}; check `jip stack status` "
                "and `jip stack logs NAME`"
            )
        await asyncio.sleep(0.1)


class Platform:
    """The five services' URLs and one HTTP client whose reads are an auditor's."""

    def __init__(self, http: httpx.AsyncClient, urls: Mapping[str, str], people: People) -> None:
        self.http, self.urls, self.people = http, urls, people

    async def answering(self) -> None:
        for name, url in self.urls.items():
            try:
                (await self.http.get(f"{url}/health")).raise_for_status()
            except httpx.HTTPError:
                raise StackError(
                    f"the {name} service at {url} is not answering: start the platform with "
                    "`jip stack up --rehearsal`"
                ) from None

    def url(self, service: str, path: str) -> str:
        return f"{self.urls[service]}{path}"

    async def get(self, service: str, path: str) -> Any:
        return await call(self.http, "GET", self.url(service, path))

    async def send(self, method: str, service: str, path: str, who: Headers, body: Any | None = None) -> Any:
        """A command, made by `who`."""
        return await call(self.http, method, self.url(service, path), headers=who, json=body)

    async def post(self, service: str, path: str, who: Headers, body: Any | None = None) -> Any:
        return await self.send("POST", service, path, who, body)

    async def put(self, service: str, path: str, who: Headers, body: Any | None = None) -> Any:
        return await self.send("PUT", service, path, who, body)
