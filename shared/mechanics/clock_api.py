"""The platform's clock over HTTP, on every service (shared/mechanics/runtime.py wires it in).

- `GET /clock`: the clock as this service reads it, for any valid token (like the published contract).
- `POST /clock/advance` `{"to": "YYYY-MM-DD[THH:MM]"}` or `{"days": N}`, with a `reason`: moves a rehearsal
  platform's clock forward, for a lead inspector. A production platform refuses it (409, rule
  JIP_ENVIRONMENT); a move back is refused (422, rule "rehearsal clock: forward only").
- On a rehearsal platform, `RehearsalClock` reads the shared clock document at the start of every request,
  so a move made through any service holds for the next request to every one, and stamps every answer
  with `JIP-Rehearsal-Clock: <the time it reads>`, so no page is mistaken for a real one."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pymongo.errors import PyMongoError
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.language.contracts.vocabulary import Reason
from shared.mechanics.auth import LEAD, Principal, authenticated, authorise
from shared.mechanics.clock import (
    CLOCK,
    ENGLAND,
    MAX_MOVE,
    ClockStore,
    Environment,
    NotRehearsal,
    parse_moment,
    real_now,
)
from shared.mechanics.envelope import stamp

log = logging.getLogger(__name__)

HEADER = "JIP-Rehearsal-Clock"
ADVANCE = "/clock/advance"


class PlatformClockState:
    """What a service's app knows of the clock: its environment and, on a rehearsal platform, where the
    shared document is (app.state.clock)."""

    def __init__(self, environment: Environment, store: ClockStore) -> None:
        self.environment, self.store = environment, store

    @property
    def rehearsal(self) -> bool:
        return self.environment == "rehearsal"

    async def start(self) -> None:
        """At start-up: production's clock is the real time; a rehearsal's is read from its document."""
        if self.rehearsal:
            await CLOCK.refresh(self.store)
        else:
            CLOCK.use_real_time()


class RehearsalClock:
    """ASGI middleware of a rehearsal platform only: the clock read again as each request begins (one
    find_one by _id; not for /health/live, which never waits on the database), and every answer stamped
    with it."""

    def __init__(self, app: ASGIApp, store: ClockStore) -> None:
        self.app, self.store = app, store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope.get("path") != "/health/live":
            try:
                await CLOCK.refresh(self.store)
            except PyMongoError as exc:  # the request's own reads answer 503 if the database is down
                log.warning("the rehearsal clock could not be read (%s): as last read", type(exc).__name__)

        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append(HEADER, stamp(CLOCK.now()))
            await send(message)

        await self.app(scope, receive, stamped)


class ClockView(BaseModel):
    """The clock as one service reads it."""

    environment: Literal["production", "rehearsal"]
    rehearsal: bool
    now: datetime
    today: date  # in England
    set_to: datetime | None = Field(None, description="the moment the rehearsal clock was last set to")
    set_at: datetime | None = Field(None, description="the real time it was set at")
    set_by: dict[str, Any] | None = None
    reason: str | None = None


class Advance(BaseModel):
    """Move a rehearsal clock forward: to a moment (England's time unless a zone is given; a date alone is
    the start of that day), or by a number of days; and why."""

    model_config = ConfigDict(extra="forbid")

    to: datetime | None = Field(
        None, description="YYYY-MM-DD or YYYY-MM-DDTHH:MM (England's time), or with a zone"
    )
    days: int | None = Field(None, ge=1, le=MAX_MOVE.days)
    reason: Reason | None = None

    @field_validator("to", mode="before")
    @classmethod
    def _moment(cls, value: Any) -> Any:
        if isinstance(value, str):
            return parse_moment(value)
        return value

    @model_validator(mode="after")
    def _one_of(self) -> Advance:
        if (self.to is None) == (self.days is None):
            raise ValueError('give "to" (a date or time) or "days": one of the two')
        return self


def view(state: PlatformClockState) -> ClockView:
    now = CLOCK.now() if state.rehearsal else real_now()
    setting = CLOCK.setting if state.rehearsal else None
    return ClockView(
        environment=state.environment,
        rehearsal=state.rehearsal,
        now=now,
        today=now.astimezone(ENGLAND).date(),
        set_to=setting.reads if setting else None,
        set_at=setting.at if setting else None,
        set_by=setting.set_by if setting else None,
        reason=setting.reason if setting else None,
    )


async def clock_of(request: Request) -> PlatformClockState:
    state: PlatformClockState = request.app.state.clock
    return state


Clock = Annotated[PlatformClockState, Depends(clock_of)]
router = APIRouter(tags=["clock"])


@router.get(
    "/clock",
    dependencies=[Depends(authenticated)],
    summary="The platform's clock as this service reads it: real time, or a rehearsal platform's",
)
async def read_clock(clock: Clock) -> ClockView:
    return view(clock)


@router.post(
    ADVANCE,
    summary="Move a rehearsal platform's clock forward (refused in production, and backwards)",
)
async def advance(
    body: Advance,
    clock: Clock,
    principal: Annotated[Principal, Depends(authorise({("POST", ADVANCE): LEAD}))],
) -> ClockView:
    if not clock.rehearsal:
        raise NotRehearsal()
    setting = await clock.store.advance(
        to=body.to, days=body.days, set_by=principal.actor.model_dump(mode="json"), reason=body.reason or ""
    )
    CLOCK.use(setting)
    return view(clock)
