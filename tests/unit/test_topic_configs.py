"""The settings every topic is created with (shared/mechanics/topics.py): the log kept forever, and on a
replicated cluster a write acknowledged once it is on all replicas but one (issue 22 point 12)."""

from __future__ import annotations

import pytest

from shared.mechanics.topics import (
    CHECKPOINT_BYTES,
    KEEP_FOREVER,
    all_topics,
    checkpoints_topic,
    events_topic,
    new_topic,
    topic_configs,
)


@pytest.mark.parametrize(("replicas", "in_sync"), [(2, "1"), (3, "2"), (5, "4")])
def test_a_replicated_topic_acknowledges_a_write_on_all_replicas_but_one(replicas: int, in_sync: str) -> None:
    assert topic_configs(replicas) == KEEP_FOREVER | {"min.insync.replicas": in_sync}


def test_a_single_replica_topic_is_kept_forever_and_asks_for_nothing_more() -> None:
    assert topic_configs(1) == KEEP_FOREVER
    assert KEEP_FOREVER["retention.ms"] == "-1"


def test_the_checkpoints_topic_is_one_partition_with_room_for_a_checkpoint_and_among_all_topics() -> None:
    """Issue 21: the signed checkpoints stay in order (one partition), are made with the other topics, and a
    checkpoint of many streams fits in one record."""
    topic = checkpoints_topic("jip")
    assert topic in all_topics("jip")
    made = new_topic(topic, 3, 3)
    assert made.num_partitions == 1
    assert made.topic_configs == topic_configs(3) | {"max.message.bytes": str(CHECKPOINT_BYTES)}
    events = new_topic(events_topic("jip", "evidence"), 3, 3)
    assert (events.num_partitions, events.topic_configs) == (3, topic_configs(3))
