"""The settings every topic is created with (shared/topics.py): the log kept forever, and on a replicated
cluster a write acknowledged once it is on all replicas but one (issue 22 point 12)."""

from __future__ import annotations

import pytest

from shared.topics import KEEP_FOREVER, topic_configs


@pytest.mark.parametrize(("replicas", "in_sync"), [(2, "1"), (3, "2"), (5, "4")])
def test_a_replicated_topic_acknowledges_a_write_on_all_replicas_but_one(replicas: int, in_sync: str) -> None:
    assert topic_configs(replicas) == KEEP_FOREVER | {"min.insync.replicas": in_sync}


def test_a_single_replica_topic_is_kept_forever_and_asks_for_nothing_more() -> None:
    assert topic_configs(1) == KEEP_FOREVER
    assert KEEP_FOREVER["retention.ms"] == "-1"
