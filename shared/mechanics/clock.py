"""The platform's one clock: what every service and `jip` take "now" and "today" to be.

In production (`JIP_ENVIRONMENT=production`, the default) the clock is the real time, and nothing here
touches a database. On a rehearsal platform (`JIP_ENVIRONMENT=rehearsal`), where inspectorates train
inspectors and rehearse programme versions on a copy of the platform, the clock reads the real time plus
an offset, so a whole inspection (notice, fieldwork, feedback, publication) can be played in one sitting.
The offset is held in ONE document shared by every service: collection `clock` of the database
`{namespace}_platform` (Settings.platform_database). The document records the moment the clock was set to
(`reads`), the real time it was set at (`at`), who set it and why; the clock then reads
`reads + (real now - at)`, running on from where it was set.

The rehearsal clock only moves forward: every event's `occurred_at` is stamped with it, and a log whose
times go back would not say what happened in which order. Each process keeps the offset it last read
(`CLOCK`), and reads the document again at start-up, at the start of every HTTP request
(shared/mechanics/clock_api.py) and of every consumer batch (shared/mechanics/consumer.py), so an advance made
through any service is seen by all of them at their next request or batch.

The arithmetic (`ClockSetting`, `moved`, `parse_moment`) is pure; `ClockStore` is the document's I/O."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from pymongo.errors import DuplicateKeyError

from shared.mechanics.errors import RuleViolation

if TYPE_CHECKING:
    from pymongo.asynchronous.collection import AsyncCollection

    from shared.mechanics.mongo import Client, Document

log = logging.getLogger(__name__)

Environment = Literal["production", "rehearsal"]
ENGLAND = ZoneInfo("Europe/London")  # a date or time given without a zone is the inspectors' own
COLLECTION = "clock"
DOCUMENT_ID = "clock"
# The rules a move of the clock can break, named as errors name them.
REHEARSAL_ONLY = "JIP_ENVIRONMENT"
FORWARD_ONLY = "rehearsal clock: forward only"
NOT_REHEARSAL = f"{REHEARSAL_ONLY}: the clock moves only on a rehearsal platform"
# The furthest one move may take the clock: beyond any inspection's timetable, and within datetime's range.
MAX_MOVE = timedelta(days=3660)


class NotRehearsal(RuleViolation):
    """A move of the clock asked of a platform that is not a rehearsal one: answered 409."""

    def __init__(self) -> None:
        super().__init__(
            f"{NOT_REHEARSAL}; this platform's JIP_ENVIRONMENT is production, so its clock is the real "
            "time (set JIP_ENVIRONMENT=rehearsal on a copy of the platform, or `jip stack up --rehearsal`)",
            REHEARSAL_ONLY,
        )


def _millis(moment: datetime) -> datetime:
    """To the millisecond, in UTC: as MongoDB keeps a time, so a setting reads back exactly as written."""
    moment = moment.astimezone(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _utc(moment: datetime) -> datetime:
    """A time read back from MongoDB: UTC, aware (a client without tz_aware reads it naive)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def real_now() -> datetime:
    """The real time, whatever the platform's clock reads: for token expiry, leases, timeouts, metrics."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class ClockSetting:
    """Where the rehearsal clock was last set: to `reads`, at the real time `at`, by `set_by`, because of
    `reason`. From then on it reads `reads` plus the real time that has passed since `at`."""

    reads: datetime
    at: datetime
    set_by: dict[str, Any]
    reason: str

    @property
    def offset(self) -> timedelta:
        return self.reads - self.at

    def now(self, real: datetime) -> datetime:
        return real + self.offset

    def document(self) -> dict[str, Any]:
        return {"reads": self.reads, "at": self.at, "set_by": self.set_by, "reason": self.reason}

    @classmethod
    def of(cls, document: dict[str, Any]) -> ClockSetting:
        return cls(
            reads=_utc(document["reads"]),
            at=_utc(document["at"]),
            set_by=dict(document.get("set_by") or {}),
            reason=str(document.get("reason") or ""),
        )


def parse_moment(text: str) -> datetime:
    """`YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS]` or the same with a zone (`Z`, `+01:00`). Without a zone it is
    England's time, as inspectors read it; a date alone is the start of that day."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a date or time: give YYYY-MM-DD or YYYY-MM-DDTHH:MM") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ENGLAND)
    return moment.astimezone(UTC)


def moved(
    current: ClockSetting | None,
    real: datetime,
    *,
    to: datetime | None = None,
    days: int | None = None,
    set_by: dict[str, Any],
    reason: str,
) -> ClockSetting:
    """The clock set forward, at the real time `real`: to the moment `to`, or `days` days on from what it
    reads now. Refused, naming the rule, if that would take it back or more than MAX_MOVE on."""
    if (to is None) == (days is None):
        raise ValueError("give the moment to move the clock to, or the days to move it by: one of the two")
    reading = current.now(real) if current is not None else real
    target = to if to is not None else reading + timedelta(days=days or 0)
    if target < reading:
        raise RuleViolation(
            f"the rehearsal clock only moves forward: it reads {_shown(reading)}, and {_shown(target)} is "
            "before that (every event is stamped with the clock, so the log's times never go back)",
            FORWARD_ONLY,
        )
    if target - reading > MAX_MOVE:
        raise RuleViolation(
            f"{_shown(target)} is more than {MAX_MOVE.days} days after what the clock reads "
            f"({_shown(reading)}): move it in smaller steps",
            FORWARD_ONLY,
        )
    return ClockSetting(_millis(target), _millis(real), set_by, reason)


def _shown(moment: datetime) -> str:
    return moment.astimezone(ENGLAND).strftime("%Y-%m-%d %H:%M %Z")


class PlatformClock:
    """The clock as this process last read it: process-wide, one per process (`CLOCK`)."""

    def __init__(self) -> None:
        self.environment: Environment = "production"
        self.setting: ClockSetting | None = None

    @property
    def rehearsal(self) -> bool:
        return self.environment == "rehearsal"

    def now(self) -> datetime:
        real = real_now()
        return real if self.setting is None else self.setting.now(real)

    def today(self) -> date:
        """Today in England, by this clock."""
        return self.now().astimezone(ENGLAND).date()

    def use_real_time(self) -> None:
        """Production: the real time, with no offset (and nothing read from any database)."""
        self.environment, self.setting = "production", None

    def use(self, setting: ClockSetting | None) -> None:
        """Rehearsal: the clock as the shared document sets it (the real time while it was never moved)."""
        self.environment, self.setting = "rehearsal", setting

    def follow(self, reads: datetime, real: datetime | None = None) -> None:
        """Rehearsal, in a process that reads the clock from a service (`jip`): it reads `reads` now."""
        real = real or real_now()
        self.use(ClockSetting(reads, real, {}, "as a service reported it"))

    async def refresh(self, store: ClockStore) -> None:
        """Rehearsal: read the shared document again (one find_one by _id, shared by callers at once)."""
        self.use(await store.fresh())


CLOCK = PlatformClock()


class ClockStore:
    """The one document of the rehearsal clock, in the platform's own database (never in production)."""

    def __init__(self, client: Client, database: str) -> None:
        self.documents: AsyncCollection[Document] = client[database][COLLECTION]
        self._next: asyncio.Future[ClockSetting | None] | None = None  # the read callers now wait for
        self._reading: asyncio.Task[None] | None = None

    async def read(self) -> ClockSetting | None:
        found = await self.documents.find_one({"_id": DOCUMENT_ID})
        return ClockSetting.of(found) if found is not None else None

    async def fresh(self) -> ClockSetting | None:
        """As `read`, by a read that begins after this call does, shared with the callers that wait for
        the same one: a burst of requests reads the document once or twice, not once each."""
        loop = asyncio.get_running_loop()
        if self._reading is None or self._reading.get_loop() is not loop:
            self._next, self._reading = None, None  # left by another event loop (tests run several)
        if self._next is None:
            self._next = loop.create_future()
            if self._reading is None or self._reading.done():
                self._reading = asyncio.create_task(self._read_on(), name="rehearsal clock read")
        return await asyncio.shield(self._next)

    async def _read_on(self) -> None:
        """Reads while callers wait, each read for those that came before it began."""
        while (answer := self._next) is not None:
            self._next = None
            try:
                answer.set_result(await self.read())
            except Exception as exc:
                answer.set_exception(exc)

    async def advance(
        self,
        *,
        to: datetime | None = None,
        days: int | None = None,
        set_by: dict[str, Any],
        reason: str,
        attempts: int = 3,
    ) -> ClockSetting:
        """Move the clock forward (`moved`), only from the setting read: a move made meanwhile by another
        process is read again and the request judged against it, so two moves never take it back."""
        for _ in range(attempts):
            found = await self.documents.find_one({"_id": DOCUMENT_ID})
            current = ClockSetting.of(found) if found is not None else None
            setting = moved(current, real_now(), to=to, days=days, set_by=set_by, reason=reason)
            if found is None:
                try:
                    await self.documents.insert_one({"_id": DOCUMENT_ID, **setting.document(), "version": 1})
                except DuplicateKeyError:  # set meanwhile by another process
                    continue
                written = True
            else:
                version = int(found.get("version", 0))
                result = await self.documents.update_one(
                    {"_id": DOCUMENT_ID, "version": version},
                    {"$set": {**setting.document(), "version": version + 1}},
                )
                written = result.matched_count == 1
            if written:
                log.info(
                    "rehearsal clock moved to %s by %s: %s",
                    setting.reads.isoformat(),
                    setting.set_by.get("user", "?"),
                    reason or "no reason given",
                )
                return setting
        raise RuleViolation(
            "the rehearsal clock was being moved by someone else at the same time: read it and try again",
            FORWARD_ONLY,
        )
