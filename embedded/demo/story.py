"""The demo's story, told in date order on a rehearsal platform's clock.

An inspection takes weeks: notice, fieldwork, feedback, drafting, the factual-accuracy round, publication.
The platform has one clock (shared/mechanics/clock.py), which only a rehearsal platform (`jip stack up
--rehearsal`) lets a lead inspector move forward (`POST /clock/advance`). Each step of the story moves it to
the moment the step happens, then says so: a numbered line that starts with the day and time the clock reads,
so the events the services record, stamped with that clock, happen in their order and on their dates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import httpx

from embedded.errors import StackError
from shared.mechanics.clock import ENGLAND

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Reading:
    """The platform's clock as a service reads it (`GET /clock`)."""

    rehearsal: bool
    now: datetime
    today: date  # in England


def shown(moment: datetime) -> str:
    """A moment as the story shows it, in England's time: "Tue 12 May 2026 09:00"."""
    local = moment.astimezone(ENGLAND)
    return f"{local:%a} {local.day} {local:%b %Y %H:%M}"


class RehearsalClock:
    """The platform's clock through one service: read it, and move a rehearsal platform's forward."""

    def __init__(self, http: httpx.AsyncClient, url: str, lead: dict[str, str]) -> None:
        self.http, self.url, self.lead = http, url, lead

    async def read(self) -> Reading:
        response = await self.http.get(f"{self.url}/clock")
        if response.status_code != 200:
            raise StackError(f"GET {self.url}/clock answered {response.status_code}: {response.text}")
        answer = response.json()
        return Reading(
            bool(answer["rehearsal"]),
            datetime.fromisoformat(answer["now"]),
            date.fromisoformat(answer["today"]),
        )

    async def rehearsal(self) -> Reading:
        """The clock, on a rehearsal platform; a production platform stops the demo, saying why."""
        reading = await self.read()
        if not reading.rehearsal:
            raise StackError(
                "the demo plays a whole inspection, from notice to publication, in one sitting by moving the "
                "platform's clock forward, which only a rehearsal platform allows: this one's is the real "
                "time (JIP_ENVIRONMENT=production). Start a rehearsal platform with `jip stack up "
                "--rehearsal` (on its own data directory: never on a real inspection's)"
            )
        return reading

    async def move_to(self, moment: datetime, reason: str) -> datetime:
        """Move the clock on to `moment` (England's time) unless it reads that already; what it reads."""
        reading = await self.read()
        if reading.now >= moment:
            return reading.now
        to = moment.astimezone(ENGLAND).strftime("%Y-%m-%dT%H:%M")
        moved = await self.http.post(
            f"{self.url}/clock/advance", headers=self.lead, json={"to": to, "reason": f"jip demo: {reason}"}
        )
        if moved.status_code != 200:
            raise StackError(
                f"the rehearsal clock could not be moved to {to} ({moved.status_code}: {moved.text}): "
                "play the demo on a rehearsal platform, `jip stack up --rehearsal`"
            )
        return datetime.fromisoformat(moved.json()["now"])


class Story:
    """Numbered steps, each dated by the clock it moved; the lines under a step are indented."""

    def __init__(self, clock: RehearsalClock, progress: Progress) -> None:
        self.clock, self.progress, self.number = clock, progress, 0

    async def step(self, text: str, at: datetime | None = None) -> datetime:
        """A new step, at `at` (the clock moved on to it) or now; the moment the clock reads."""
        now = await self.clock.move_to(at, text) if at is not None else (await self.clock.read()).now
        self.number += 1
        self.progress(f"{self.number}. {shown(now)}: {text}")
        return now

    def line(self, text: str) -> None:
        self.progress(f"   {text}")
