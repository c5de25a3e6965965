"""Personal text sealed to its data subject, so a subject can be erased without rewriting the log.

Free text about a child's case is personal data (domain.md, Data protection). Each case of an inspection is
a data subject with its own key. Text about the case is sealed with that key before it is written to
any event; a key lives only in the subject-keys database, apart from the log and from the read models,
wrapped under a key-encryption key (KEK) that lives outside every database (shared/mechanics/keyring.py).
Erasing the subject destroys its key: every copy of the text, in the log, on Kafka, in read models and
in backups, can no longer be opened, while the events themselves stay as they were written, so the
hash chain still verifies and every replay still works. Where the text would be shown, it reads
"[erased]". The database keeps copies of the key too (its oplog, journal and backups), so erasure also
re-wraps the other subjects' keys under a new KEK and destroys the old one, under which those copies lie.

Here, the key store; the sealed values, their sealing (AES-SIV) and their opening are in
shared/language/sealing.py, and are importable from here too."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Iterable
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from bson.binary import Binary
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from pymongo import ReturnDocument, UpdateOne
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError, PyMongoError

from shared.language.sealing import (
    ERASED,
    ERASURE,
    UNAVAILABLE,
    Held,
    Opener,
    Sealed,
    SubjectErased,
    SubjectId,
    opened_with,
    seal_with,
    sealed_in,
    subject_of,
)
from shared.mechanics.envelope import utc_now
from shared.mechanics.keyring import Keyring, KeyringError, check, unwrap, wrap
from shared.mechanics.mongo import Client, Document, is_transient, transaction

__all__ = [
    "ERASED",
    "ERASURE",
    "UNAVAILABLE",
    "Held",
    "Opener",
    "Sealed",
    "SubjectErased",
    "SubjectId",
    "SubjectKeys",
    "opened",
    "seal_with",
    "subject_of",
]

log = logging.getLogger(__name__)

KEY_BITS = 512
T = TypeVar("T")


class SubjectKeys:
    """The key store: one document per subject. With a keyring file (JIP_SUBJECT_KEYRING_FILE) it is
    `{_id: subject, wrapped, kek, created_at}`, the key wrapped under the KEK of generation `kek`; without
    one, `{_id: subject, key, created_at}`, the key as it is. Erasure removes the key and keeps `erased_at`,
    so nothing is sealed for the subject again, then rotates the KEK (`rotate`).

    The current generation is the `keyring` collection's document `{_id: "current", generation, allocated}`.
    Every write of a wrapped key runs in a transaction that also writes one of STRIPES guard documents
    (`{_id: "current/N", writes}`, chosen at random) and reads the generation there; a rotation changes
    the generation and writes every guard in one transaction, so it conflicts with each write under way,
    which is tried again under the new generation: nothing is ever wrapped under a KEK that a rotation has
    left behind. Writes of keys to different cases rarely meet on one guard, so they do not queue on it.
    Unwrapped keys are never cached: each opening reads the keys it needs, so an erasure made by any process
    holds at once in every other."""

    def __init__(self, client: Client, database: str, keyring_file: Path | None = None) -> None:
        self.client = client
        self.keys: AsyncCollection[Document] = client[database]["keys"]
        self.generations: AsyncCollection[Document] = client[database]["keyring"]
        self.keyring = Keyring(keyring_file, database) if keyring_file is not None else None
        self._prepared = asyncio.Event()
        self._preparing: asyncio.Lock | None = None

    async def seal(self, subject: str, text: str) -> Sealed:
        return seal_with(await self._key_for(subject), subject, text)

    async def _key_for(self, subject: str) -> bytes:
        await self._prepare()
        for _ in range(3):
            doc = await self.keys.find_one({"_id": subject})
            if doc is None:
                made = await self._make(subject)
                if made is not None:
                    return made
                continue  # made at the same moment by another command: use that one
            if not _holds_key(doc):
                raise SubjectErased(subject, doc["erased_at"])
            key = self._unwrapped(doc)
            if key is not None:
                return key
            # Unwrapped under a KEK this process cannot find: a rotation may have re-wrapped it since.
        raise KeyringError(
            f"a case's key is wrapped under a KEK that {self._where()} does not hold: restore it"
        )

    async def _make(self, subject: str) -> bytes | None:
        """A new key for `subject`, or None if another command made one first."""
        key, now = AESSIV.generate_key(KEY_BITS), utc_now()
        try:
            if self.keyring is None:
                _unwrapped_warning()
                await self.keys.insert_one({"_id": subject, "key": Binary(key), "created_at": now})
                return key

            async def insert(session: AsyncClientSession, generation: int, kek: bytes) -> int:
                wrapped = Binary(wrap(kek, generation, subject, key))
                doc = {"_id": subject, "wrapped": wrapped, "kek": generation, "created_at": now}
                await self.keys.insert_one(doc, session=session)
                return 1

            await self._under_current(insert)
        except DuplicateKeyError:
            return None
        return key

    def _unwrapped(self, doc: Document) -> bytes | None:
        """The key a document holds, or None where its KEK cannot be found (or it does not unwrap)."""
        if "key" in doc:
            return bytes(doc["key"])  # kept unwrapped from before the keyring: wrapped at the next rotation
        if self.keyring is None:
            log.error("a subject key is wrapped, but JIP_SUBJECT_KEYRING_FILE names no keyring to unwrap it")
            return None
        try:
            kek = self.keyring.kek(doc["kek"])
        except KeyringError as exc:
            log.error("%s", exc)
            return None
        if kek is None:
            return None
        try:
            return unwrap(kek, doc["kek"], doc["_id"], bytes(doc["wrapped"]))
        except InvalidTag:
            log.warning("a subject key does not unwrap with its KEK: it was altered or moved")
            return None

    async def opener(self, values: Iterable[object]) -> Opener:
        """An opener for `values`: the keys of the subjects they are sealed to, fetched at once."""
        subjects = sorted({v.subject for v in values if isinstance(v, Sealed)})
        found: dict[str, bytes | None] = {}
        if not subjects:
            return Opener(found)
        try:
            await self._prepare()
        except KeyringError as exc:
            log.error("%s", exc)  # what cannot be unwrapped reads "[sealed: key unavailable]"
        for _ in range(2):  # read again once what did not unwrap: a rotation may have re-wrapped it since
            docs = [d async for d in self.keys.find({"_id": {"$in": subjects}})]
            found |= {d["_id"]: self._unwrapped(d) if _holds_key(d) else None for d in docs}
            subjects = [d["_id"] for d in docs if _holds_key(d) and found[d["_id"]] is None]
            if not subjects:
                break
        if subjects:
            log.warning("%d subject keys are under KEKs that %s does not hold", len(subjects), self._where())
        for subject in subjects:
            del found[subject]  # reads "[sealed: key unavailable]"
        return Opener(found)

    async def held(self, inspection_id: str, case_reference: str | None, text: str) -> Sealed | str:
        """Text as the log is to hold it: sealed to the case it is about, plain where it is about none."""
        if case_reference is None:
            return text
        return await self.seal(subject_of(inspection_id, case_reference), text)

    async def erase(self, subject: str) -> datetime:
        """Destroy the subject's key (recording that it was, even if none was ever made), then rotate the
        KEK, so no copy of the key that the database kept (oplog, journal, backups) opens; idempotent, and
        asked again after a failure, it finishes the rotation."""
        now = utc_now()
        doc = await self.keys.find_one_and_update(
            {"_id": subject},
            {"$unset": {"key": "", "wrapped": "", "kek": ""}, "$min": {"erased_at": now}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        assert doc is not None
        if self.keyring is not None:
            await self.rotate()
        erased_at: datetime = doc["erased_at"]
        return erased_at

    async def rotate(self) -> int:
        """Make a new KEK current, re-wrap every key under it, then destroy every older KEK; returns the
        generation now current. Rotations may run at once in several processes: the database allocates
        each its generation, the newest wins, and each destroys only what is older than the current one."""
        assert self.keyring is not None
        await self._prepare()
        allocated = await self.generations.find_one_and_update(
            {"_id": CURRENT}, {"$inc": {"allocated": 1}}, return_document=ReturnDocument.AFTER
        )
        assert allocated is not None
        generation: int = allocated["allocated"]
        kek = await asyncio.to_thread(self.keyring.add, generation)
        await self._make_current(generation, kek)
        return await self._rewrap_and_destroy()

    async def _make_current(self, generation: int, kek: bytes) -> None:
        """`generation` current (unless a newer one already is), every guard written in the same
        transaction: a key write under way under the old generation conflicts with it and is tried again."""
        changes = {
            "$set": {"generation": generation, "check": check(kek, generation), "rotated_at": utc_now()}
        }

        async def make_current() -> None:
            async with transaction(self.client) as session:
                made = await self.generations.update_one(
                    {"_id": CURRENT, "generation": {"$lt": generation}}, changes, session=session
                )
                if made.modified_count:
                    await self.generations.update_many(
                        {"_id": {"$in": GUARDS}}, {"$inc": {"writes": 1}}, session=session
                    )

        await _retried(make_current)

    async def _prepare(self) -> None:
        """Once per process, at its first use of the keys: the first KEK of a new platform; the keys kept
        unwrapped from before the keyring wrapped; and a rotation cut short (by a crash) finished."""
        if self.keyring is None or self._prepared.is_set():
            return
        self._preparing = self._preparing or asyncio.Lock()
        async with self._preparing:
            if self._prepared.is_set():
                return
            if await self.generations.find_one({"_id": CURRENT}) is None:
                first, kek = await asyncio.to_thread(self.keyring.first)
                made = {"generation": first, "allocated": first, "writes": 0, "check": check(kek, first)}
                with suppress(DuplicateKeyError):  # made by another process at the same moment
                    await self.generations.insert_one({"_id": CURRENT, **made})
            await self._guarded()
            await self._rewrap_and_destroy()
            self._prepared.set()

    async def _guarded(self) -> None:
        """Every guard document there (a key store made before they were has none), made in a transaction
        that writes the current generation's document, so a rotation under way cannot pass them by. Other
        processes starting at the same moment make them too: their write conflicts are tried again."""

        async def make_guards() -> None:
            have = {d["_id"] async for d in self.generations.find({"_id": {"$in": GUARDS}}, {"_id": 1})}
            missing = [g for g in GUARDS if g not in have]
            if not missing:
                return
            with suppress(DuplicateKeyError):  # made by another process at the same moment
                async with transaction(self.client) as session:
                    await self.generations.update_one(
                        {"_id": CURRENT}, {"$inc": {"writes": 1}}, session=session
                    )
                    await self.generations.insert_many(
                        [{"_id": g, "writes": 0} for g in missing], session=session
                    )

        await _retried(make_guards)

    async def _rewrap_and_destroy(self) -> int:
        """Re-wrap, in batches, every key not under the current KEK (or not wrapped at all) under it; then
        destroy the KEKs older than it. Once a generation is current no transaction can commit a key under
        an older one (it would have written a guard that the rotation wrote too), so none is left there."""
        assert self.keyring is not None
        while True:
            generation, moved = await self._under_current(self._rewrap_batch)
            if not moved:
                break
        destroyed = await asyncio.to_thread(self.keyring.destroy_before, generation)
        if destroyed:
            log.info(
                "subject keys re-wrapped under KEK generation %d; KEKs %s destroyed", generation, destroyed
            )
        return generation

    async def _rewrap_batch(self, session: AsyncClientSession, generation: int, kek: bytes) -> int:
        stale = {"$or": [{"kek": {"$lt": generation}}, {"key": {"$exists": True}}]}
        changes = []
        async for doc in self.keys.find(stale, session=session).limit(REWRAP_BATCH):
            key = self._unwrapped(doc)
            if key is None:
                raise _Moved  # its KEK was destroyed after this snapshot (re-wrapped since), or is lost
            wrapped = Binary(wrap(kek, generation, doc["_id"], key))
            changes.append(
                UpdateOne(
                    {"_id": doc["_id"]},
                    {"$set": {"wrapped": wrapped, "kek": generation}, "$unset": {"key": ""}},
                )
            )
        if changes:
            await self.keys.bulk_write(changes, session=session)
        return len(changes)

    async def _under_current(self, write: KeyWrite) -> tuple[int, int]:
        """`write(session, generation, kek)` in a transaction that also writes a guard (so a rotation and it
        do not pass each other); tried again when a rotation or another write wins. Returns the generation
        and what `write` returned."""
        assert self.keyring is not None
        moved, outage = 0, None
        for attempt in range(WRITE_ATTEMPTS):
            try:
                async with transaction(self.client) as session:
                    guard = random.choice(GUARDS)
                    await self.generations.update_one(
                        {"_id": guard}, {"$inc": {"writes": 1}}, session=session
                    )
                    current = await self.generations.find_one({"_id": CURRENT}, session=session)
                    if current is None:
                        raise KeyringError("the subject-keys database records no current KEK generation")
                    generation: int = current["generation"]
                    kek = self.keyring.kek(generation)
                    if kek is None or current.get("check", check(kek, generation)) != check(kek, generation):
                        raise KeyringError(
                            f"{self._where()} does not hold KEK generation {generation}, the current one "
                            "(or holds another): restore the file the services share"
                        )
                    return generation, await write(session, generation, kek)
            except _Moved:
                moved += 1
                if moved == 3:  # no rotation passing by: the key opens under no KEK there is
                    raise KeyringError(
                        f"a subject key opens under no KEK of {self._where()}: it was altered, or the file "
                        "is not the one the services share; the rotation stops, destroying nothing"
                    ) from None
            except PyMongoError as exc:
                if not is_transient(exc):
                    raise
                outage = exc
            await asyncio.sleep(random.uniform(0.002, 0.02) * (1 + attempt))
        if outage is not None:  # the database, not the keyring: answered as an outage (503)
            raise outage
        raise KeyringError(
            f"subject keys could not be written under the current KEK in {WRITE_ATTEMPTS} tries"
        )

    def _where(self) -> str:
        if self.keyring is None:
            return "the key store (JIP_SUBJECT_KEYRING_FILE is not set)"
        return f"the keyring file {self.keyring.path}"


KeyWrite = Callable[[AsyncClientSession, int, bytes], Awaitable[int]]
CURRENT = "current"  # the `keyring` collection's document of the current generation
STRIPES = 128  # 16 commands making keys at once meet on one in ~1 of 9 writes
GUARDS = [f"{CURRENT}/{n}" for n in range(STRIPES)]  # a key write writes one, a rotation every one
REWRAP_BATCH = 500  # keys re-wrapped in one transaction
WRITE_ATTEMPTS = 50


class _Moved(Exception):
    """A key read in a transaction's snapshot is under a KEK this process cannot find."""


def _holds_key(doc: Document) -> bool:
    return "key" in doc or "wrapped" in doc


_warned: list[bool] = []


def _unwrapped_warning() -> None:
    if not _warned:
        _warned.append(True)
        log.warning(
            "JIP_SUBJECT_KEYRING_FILE is not set: subject keys are kept unwrapped, so an erased case's key "
            "survives in the database's oplog and backups and its text can be opened again"
        )


async def opened(keys: SubjectKeys, value: T) -> T:
    """`value` (a model, or a list or dict of them) with every sealed text in it opened, for showing."""
    opener = await keys.opener(sealed_in(value))
    shown: T = opened_with(value, opener)
    return shown


async def _retried(attempt: Callable[[], Awaitable[None]]) -> None:
    """`attempt`, a transaction, tried again after a transient fault (a write conflict with another
    process's, or a moment's outage), up to WRITE_ATTEMPTS times, with a short random pause between."""
    for n in range(WRITE_ATTEMPTS):
        try:
            await attempt()
            return
        except PyMongoError as exc:
            if not is_transient(exc) or n == WRITE_ATTEMPTS - 1:
                raise
        await asyncio.sleep(random.uniform(0.002, 0.02) * (1 + n))
