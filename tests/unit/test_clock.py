"""The platform's clock (issue 19 point 15): the offset arithmetic of a rehearsal clock, and that it only
moves forward. Pure: no database (tests/integration/test_rehearsal_clock.py has the shared document)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

import pytest

from shared.language.workdays import today_in_england
from shared.mechanics.clock import (
    CLOCK,
    COLLECTION,
    FORWARD_ONLY,
    MAX_MOVE,
    ClockSetting,
    ClockStore,
    PlatformClock,
    moved,
    parse_moment,
)
from shared.mechanics.envelope import utc_now
from shared.mechanics.errors import RuleViolation

LEAD = {"user": "lead-1", "inspectorate": "ofsted", "role": "lead_inspector"}
REAL = datetime(2026, 12, 2, 10, 15, tzinfo=UTC)


def test_a_setting_reads_the_moment_it_was_set_to_plus_the_real_time_since() -> None:
    setting = ClockSetting(datetime(2027, 3, 1, 9, tzinfo=UTC), REAL, LEAD, "fieldwork")
    assert setting.offset == datetime(2027, 3, 1, 9, tzinfo=UTC) - REAL
    assert setting.now(REAL) == datetime(2027, 3, 1, 9, tzinfo=UTC)
    assert setting.now(REAL + timedelta(minutes=90)) == datetime(2027, 3, 1, 10, 30, tzinfo=UTC)
    assert ClockSetting.of(setting.document()) == setting


def test_a_moment_without_a_zone_is_england_s_and_a_date_alone_is_the_start_of_its_day() -> None:
    assert parse_moment("2027-03-01T09:00") == datetime(2027, 3, 1, 9, tzinfo=UTC)  # GMT in March
    assert parse_moment("2027-07-01T09:00") == datetime(2027, 7, 1, 8, tzinfo=UTC)  # BST in July
    assert parse_moment("2027-07-01") == datetime(2027, 6, 30, 23, tzinfo=UTC)
    assert parse_moment("2027-07-01T09:00Z") == datetime(2027, 7, 1, 9, tzinfo=UTC)
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_moment("next monday")


def test_the_clock_moves_to_a_moment_or_by_days_from_what_it_reads() -> None:
    first = moved(None, REAL, to=datetime(2027, 3, 1, 9, tzinfo=UTC), set_by=LEAD, reason="notice")
    assert (first.reads, first.at, first.set_by, first.reason) == (
        datetime(2027, 3, 1, 9, tzinfo=UTC),
        REAL,
        LEAD,
        "notice",
    )
    later = REAL + timedelta(hours=2)  # two real hours on, the clock reads 11:00; seven days on from that
    second = moved(first, later, days=7, set_by=LEAD, reason="fieldwork")
    assert second.now(later) == datetime(2027, 3, 8, 11, tzinfo=UTC)
    assert moved(None, REAL, days=1, set_by=LEAD, reason="").now(REAL) == REAL + timedelta(days=1)


def test_the_rehearsal_clock_never_moves_back() -> None:
    set_ = moved(None, REAL, to=datetime(2027, 3, 1, 9, tzinfo=UTC), set_by=LEAD, reason="")
    with pytest.raises(RuleViolation, match="only moves forward") as refused:
        moved(set_, REAL, to=datetime(2027, 2, 1, tzinfo=UTC), set_by=LEAD, reason="")
    assert refused.value.rule == FORWARD_ONLY
    with pytest.raises(RuleViolation, match="only moves forward"):
        moved(None, REAL, to=REAL - timedelta(seconds=1), set_by=LEAD, reason="")  # before the real time
    with pytest.raises(RuleViolation, match="smaller steps"):
        moved(set_, REAL, days=MAX_MOVE.days + 1, set_by=LEAD, reason="")
    with pytest.raises(ValueError, match="one of the two"):
        moved(set_, REAL, set_by=LEAD, reason="")


def test_a_production_clock_is_the_real_time_and_a_rehearsal_clock_its_setting() -> None:
    clock = PlatformClock()
    assert not clock.rehearsal
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)
    clock.use(moved(None, datetime.now(UTC), days=100, set_by=LEAD, reason=""))
    assert clock.rehearsal
    assert abs(clock.now() - (datetime.now(UTC) + timedelta(days=100))) < timedelta(seconds=5)
    clock.use_real_time()
    assert not clock.rehearsal
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_every_now_and_today_of_the_platform_reads_the_process_clock() -> None:
    """shared/mechanics/envelope.utc_now (every event's occurred_at) and
    shared/language/workdays.today_in_england."""
    CLOCK.follow(datetime(2027, 7, 1, 23, 30, tzinfo=UTC))  # half past midnight in England, 2 July
    assert abs(utc_now() - datetime(2027, 7, 1, 23, 30, tzinfo=UTC)) < timedelta(seconds=5)
    assert utc_now().microsecond % 1000 == 0
    assert today_in_england() == date(2027, 7, 2)
    assert CLOCK.today() == date(2027, 7, 2)


class _SlowDocument:
    """The clock's document, each read taking a moment, counted."""

    def __init__(self) -> None:
        self.reads_taken = 0
        self.document: dict[str, Any] | None = None

    async def find_one(self, query: dict[str, Any]) -> dict[str, Any] | None:
        self.reads_taken += 1
        seen = self.document
        await asyncio.sleep(0.01)
        return seen


def test_requests_at_once_share_a_read_of_the_clock_that_began_after_each_of_them() -> None:
    async def scenario() -> None:
        slow = _SlowDocument()
        store = ClockStore(cast(Any, {"db": {COLLECTION: slow}}), "db")
        assert await asyncio.gather(*(store.fresh() for _ in range(16))) == [None] * 16
        assert slow.reads_taken == 1  # sixteen requests, one read

        first = asyncio.create_task(store.fresh())
        await asyncio.sleep(0.001)  # its read has begun, with the clock never moved
        moved = datetime(2026, 5, 1, 9, tzinfo=UTC)
        slow.document = ClockSetting(moved, moved, {}, "moved meanwhile").document()
        later = await asyncio.gather(*(store.fresh() for _ in range(8)))
        assert await first is None
        assert [s.reads if s else None for s in later] == [moved] * 8  # the read after the move
        assert slow.reads_taken == 3

    asyncio.run(scenario())
