"""A MongoDB database in memory, holding just what the read models ask of one (`find_one`, `replace_one`,
`find(...).to_list()`): the read models of unit tests, beside the in-memory event store
(shared/mechanics/memory_store.py). A collection springs into being when first named, as MongoDB's do."""

from __future__ import annotations

from typing import Any

from shared.mechanics.mongo import Document


class Collection:
    """Just what the read models ask of a MongoDB collection, in memory."""

    def __init__(self) -> None:
        self.docs: dict[str, Document] = {}

    async def find_one(self, query: Document, session: Any = None) -> Document | None:
        found = self.docs.get(query["_id"])
        return None if found is None else {"_id": query["_id"], **found}

    async def replace_one(self, query: Document, doc: Document, upsert: bool, session: Any = None) -> None:
        assert upsert
        self.docs[query["_id"]] = dict(doc)

    def find(self, query: Document, session: Any = None) -> Collection.Found:
        return Collection.Found(
            [{"_id": k, **d} for k, d in self.docs.items() if all(d.get(f) == v for f, v in query.items())]
        )

    class Found:
        def __init__(self, docs: list[Document]) -> None:
            self.docs = docs

        async def to_list(self) -> list[Document]:
            return self.docs


class Database(dict[str, Collection]):
    def __missing__(self, name: str) -> Collection:
        self[name] = Collection()
        return self[name]
