"""The audit's batch reader when a partition's leader moves mid-reading (issue 21): the broker's "not the
leader" answers are asked again of the new leader, nothing skipped and no damage named, up to
LEADER_RETRIES times; after that, and for any other error, the partition is named unreadable."""

from __future__ import annotations

from audit.answers import LEADER_RETRIES, Partition, Reading, records_in

NOT_LEADER_OR_FOLLOWER = 6
OFFSET_OUT_OF_RANGE = 1


def test_a_moved_leader_is_asked_again_and_nothing_is_called_damaged() -> None:
    partition, reading = Partition("jip.evidence.events", 2, position=40), Reading()
    assert records_in(partition, NOT_LEADER_OR_FOLLOWER, -1, b"", reading, exhausted=False) == []
    assert (partition.position, partition.end, partition.moved) == (40, None, 1)
    assert reading.damage == []


def test_a_leader_that_never_answers_makes_the_partition_unreadable_at_last() -> None:
    partition, reading = Partition("jip.evidence.events", 2, position=40), Reading()
    for _ in range(LEADER_RETRIES):
        records_in(partition, NOT_LEADER_OR_FOLLOWER, -1, b"", reading, exhausted=False)
    assert reading.damage == []
    records_in(partition, NOT_LEADER_OR_FOLLOWER, 57, b"", reading, exhausted=False)
    [damage] = reading.damage
    assert (damage.kind, damage.first, damage.last) == ("unreadable partition", 40, 56)
    assert "NotLeaderForPartitionError" in damage.detail


def test_any_other_error_is_named_at_once() -> None:
    partition, reading = Partition("jip.evidence.events", 0, position=3), Reading()
    records_in(partition, OFFSET_OUT_OF_RANGE, 10, b"", reading, exhausted=False)
    [damage] = reading.damage
    assert (damage.kind, damage.first, damage.last, partition.moved) == ("unreadable partition", 3, 9, 0)
