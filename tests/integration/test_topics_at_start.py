"""Every service makes the namespace's missing topics as it starts (shared/mechanics/topics.py
`ensure_topics`), and `jip stack up` starts them all at once, so several processes create the same topics
together. Whichever loses the race must start anyway, taking a topic another made as made: tansu answers it
TOPIC_ALREADY_EXISTS (in 5 rounds of 8 at once, 559 of 639 answers; the rest made the topic). The -1 it
once answered in such a race is looked at again by `ensure_topics`; no test here can make tansu give it."""

from __future__ import annotations

import asyncio
import uuid

from aiokafka.admin import AIOKafkaAdminClient

from shared.mechanics.topics import all_topics, ensure_topics
from tests.conftest import Servers


async def test_services_starting_together_each_find_every_topic_made(servers: Servers) -> None:
    for _ in range(3):  # a race: three fresh namespaces, six services starting at once in each
        namespace = f"t{uuid.uuid4().hex[:10]}"
        made = await asyncio.gather(*(ensure_topics(servers.kafka_bootstrap, namespace, 1) for _ in range(6)))
        wanted = set(all_topics(namespace))
        assert set().union(*map(set, made)) == wanted  # each topic made by one of them at least
        admin = AIOKafkaAdminClient(bootstrap_servers=servers.kafka_bootstrap)
        await admin.start()
        try:
            assert wanted <= set(await admin.list_topics())
        finally:
            await admin.close()
        assert await ensure_topics(servers.kafka_bootstrap, namespace, 1) == []  # a restart makes none
