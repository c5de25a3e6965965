"""Subject keys wrapped under a key-encryption key held outside the database, against the real database.

Erasure must not be undone from what the database keeps: its oplog (`local.oplog.rs`) keeps every key
document as it was inserted, and a backup keeps the key database as it was. These tests read both after
an erasure, try every key found there, wrapped or not, with every KEK the keyring holds, and show that
none opens the erased case's text, while the other case's still opens."""

from __future__ import annotations

import asyncio
import base64
import shutil
import stat
import sys
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from shared.language.subjects import ERASED, UNAVAILABLE, Sealed, SubjectKeys, subject_of
from shared.mechanics.keyring import Keyring, KeyringError, unwrap, wrap
from shared.mechanics.mongo import Client, Document, connect
from shared.mechanics.settings import Settings

ERASED_CASE, KEPT_CASE = subject_of("insp-1", "WKF-0042"), subject_of("insp-1", "WKF-0043")
ABOUT_ERASED = [
    "Missing from home three times since June.",
    "The plan was not updated after the second visit.",
    "Was the GP told of each missing episode?",
    "Only of the first.",
    "Information was not shared with primary care.",
    "Seen at home twice.",
]
ABOUT_KEPT = "The board heard this boy's case at its learning review."
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[Client]:
    client: Client = connect(settings.mongodb_uri, "test")
    yield client
    await client.close()


@pytest.fixture
def keyring_file(tmp_path: Path) -> Path:
    return tmp_path / "keyring" / "subject-keys.json"


def store(client: Client, settings: Settings, keyring_file: Path | None) -> SubjectKeys:
    """A key store as one service process has it: each call is another process, with its own memory."""
    return SubjectKeys(client, settings.subject_keys()[1], keyring_file)


def binaries(value: Any) -> Iterator[bytes]:
    """Every binary value anywhere in a document (an oplog entry's inserted document or update diff)."""
    if isinstance(value, bytes):  # Binary is a bytes
        yield bytes(value)
    elif isinstance(value, dict):
        for each in value.values():
            yield from binaries(each)
    elif isinstance(value, list):
        for each in value:
            yield from binaries(each)


def keys_in(docs: Iterable[Document], keks: dict[int, bytes], subjects: Iterable[str]) -> set[bytes]:
    """Every key that can be had from `docs` with the KEKs `keks`: each 512-bit value as a key kept as it
    is, and each value unwrapped under every KEK for every subject."""
    found: set[bytes] = set()
    for blob in binaries(list(docs)):
        if len(blob) == 64:
            found.add(blob)
        for generation, kek in keks.items():
            for subject in subjects:
                with suppress(InvalidTag, ValueError):
                    found.add(unwrap(kek, generation, subject, blob))
    return found


def opens(key: bytes, value: Sealed) -> bool:
    try:
        AESSIV(key).decrypt(base64.b64decode(value.ciphertext), [value.subject.encode()])
    except InvalidTag:
        return False
    return True


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def oplog(client: Client) -> list[Document]:
    return [entry async for entry in client.local["oplog.rs"].find({})]


async def backup(client: Client, settings: Settings) -> list[Document]:
    """The key database as a backup would hold it: every document of every collection."""
    db = client[settings.subject_keys()[1]]
    return [doc for name in await db.list_collection_names() async for doc in db[name].find()]


async def test_keys_are_kept_wrapped_under_the_current_kek_in_an_owner_only_keyring_file(
    client: Client, settings: Settings, keyring_file: Path
) -> None:
    keys = store(client, settings, keyring_file)
    sealed = await keys.seal(KEPT_CASE, ABOUT_KEPT)
    doc = await keys.keys.find_one({"_id": KEPT_CASE})
    assert doc is not None
    assert "key" not in doc
    assert doc["kek"] == 1
    assert len(doc["wrapped"]) == 80  # AES-SIV's 16-byte tag and the 64-byte key
    assert (mode(keyring_file), mode(keyring_file.parent)) == (0o600, 0o700)
    keks = Keyring(keyring_file, settings.subject_keys()[1]).keks()
    assert list(keks) == [1]
    assert not opens(bytes(doc["wrapped"])[16:], sealed)  # the stored value is not the key itself
    [key] = keys_in([doc], keks, [KEPT_CASE])
    assert opens(key, sealed)
    assert (await store(client, settings, keyring_file).opener([sealed]))(sealed) == ABOUT_KEPT


async def test_no_key_in_the_oplog_or_a_backup_taken_before_an_erasure_opens_the_erased_case(
    client: Client, settings: Settings, keyring_file: Path
) -> None:
    keys = store(client, settings, keyring_file)
    erased = [await keys.seal(ERASED_CASE, text) for text in ABOUT_ERASED]
    kept = await keys.seal(KEPT_CASE, ABOUT_KEPT)
    copy = await backup(client, settings)  # taken before the erasure, as a nightly backup would be
    keyring_before = Keyring(keyring_file, settings.subject_keys()[1]).keks()

    await keys.erase(ERASED_CASE)

    subjects = [ERASED_CASE, KEPT_CASE]
    entries = await oplog(client)
    # The database did keep the erased case's key: inserted wrapped, in the oplog and in the backup ...
    keys_ns = f"{settings.subject_keys()[1]}.keys"
    inserted = [
        e["o"] for e in entries if (e["op"], e["ns"], e["o"].get("_id")) == ("i", keys_ns, ERASED_CASE)
    ]
    assert inserted
    assert all("wrapped" in o and "key" not in o for o in inserted)
    assert any(d["_id"] == ERASED_CASE and "wrapped" in d for d in copy)
    # ... and with the KEK it was wrapped under, those copies would still open every text about the case.
    with_old_kek = keys_in([*entries, *copy], keyring_before, subjects)
    assert all(any(opens(k, value) for k in with_old_kek) for value in erased)
    # But that KEK is destroyed: with what the keyring holds now, no copy opens any of them.
    keks_now = Keyring(keyring_file, settings.subject_keys()[1]).keks()
    assert list(keks_now) == [2]
    assert not set(keks_now.values()) & set(keyring_before.values())
    found = keys_in([*entries, *copy, *await backup(client, settings)], keks_now, subjects)
    assert found, "the oplog holds the other case's key, re-wrapped under the new KEK"
    assert not [(k, v) for k in found for v in erased if opens(k, v)]
    # The other case still opens, for the platform and from the keys found.
    assert any(opens(k, kept) for k in found)
    opener = await store(client, settings, keyring_file).opener([*erased, kept])
    assert [opener(v) for v in erased] == [ERASED] * len(erased)
    assert opener(kept) == ABOUT_KEPT


async def test_another_process_forgets_the_erased_key_and_the_old_kek_and_follows_the_new_one(
    client: Client, settings: Settings, keyring_file: Path
) -> None:
    evidence, judgement = store(client, settings, keyring_file), store(client, settings, keyring_file)
    erased, kept = (
        await evidence.seal(ERASED_CASE, ABOUT_ERASED[0]),
        await evidence.seal(KEPT_CASE, ABOUT_KEPT),
    )
    opener = await judgement.opener([erased, kept])
    assert (opener(erased), opener(kept)) == (ABOUT_ERASED[0], ABOUT_KEPT)
    assert judgement.keyring is not None
    assert list(judgement.keyring.keks()) == [1]

    await evidence.erase(ERASED_CASE)
    opener = await judgement.opener([erased, kept])  # at once: no process keeps unwrapped keys
    assert (opener(erased), opener(kept)) == (ERASED, ABOUT_KEPT)
    assert list(judgement.keyring.keks()) == [2]  # the destroyed KEK is gone from its memory too


async def test_keys_made_while_erasures_rotate_the_kek_are_never_left_under_a_destroyed_one(
    client: Client, settings: Settings, keyring_file: Path
) -> None:
    processes = [store(client, settings, keyring_file) for _ in range(3)]
    cases = [subject_of("insp-2", f"WKF-{n:04d}") for n in range(30)]
    erasures = [subject_of("insp-2", f"ERA-{n:04d}") for n in range(4)]
    for subject in erasures:
        await processes[0].seal(subject, "to be erased")

    async def sealed(n: int, subject: str) -> Sealed:
        return await processes[n % 3].seal(subject, f"about {subject}")

    made = await asyncio.gather(
        *(sealed(n, s) for n, s in enumerate(cases)),
        *(processes[n % 3].erase(s) for n, s in enumerate(erasures)),
    )
    values = [m for m in made if isinstance(m, Sealed)]
    fresh = store(client, settings, keyring_file)
    opener = await fresh.opener(values)
    assert [opener(v) for v in values] == [f"about {s}" for s in cases]
    current = await fresh.generations.find_one({"_id": "current"})
    assert current is not None
    assert current["generation"] >= 1 + len(erasures)
    assert fresh.keyring is not None
    assert list(fresh.keyring.keks()) == [current["generation"]]  # every older KEK destroyed
    assert (
        await fresh.keys.count_documents({"kek": {"$ne": current["generation"]}, "wrapped": {"$exists": 1}})
        == 0
    )


# One service process: seals text about ten cases of its own, erasing every fifth, and prints what it sealed.
WORKER = """
import asyncio, sys
from pathlib import Path
from shared.mechanics.mongo import connect
from shared.language.subjects import SubjectKeys

async def main(uri: str, database: str, keyring: str, name: str) -> None:
    client = connect(uri, name)
    keys = SubjectKeys(client, database, Path(keyring))
    for n in range(10):
        subject = f"insp-3/{name}-{n:04d}"
        print((await keys.seal(subject, f"about {subject}")).model_dump_json(), flush=True)
        if n % 5 == 4:
            await keys.erase(subject)
    await client.close()

asyncio.run(main(*sys.argv[1:]))
"""


async def test_processes_sealing_and_erasing_at_once_leave_every_key_under_the_one_kek_left(
    client: Client, settings: Settings, keyring_file: Path
) -> None:
    database = settings.subject_keys()[1]
    workers = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            WORKER,
            settings.mongodb_uri,
            database,
            str(keyring_file),
            name,
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
        )
        for name in ("EVA", "EVB", "EVC")
    ]
    outputs = [await worker.communicate() for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0, 0]
    values = [Sealed.model_validate_json(line) for out, _ in outputs for line in out.decode().splitlines()]
    assert len(values) == 30
    fresh = store(client, settings, keyring_file)
    opener = await fresh.opener(values)
    erased = {v.subject for v in values if v.subject.endswith(("-0004", "-0009"))}
    assert [opener(v) for v in values] == [
        ERASED if v.subject in erased else f"about {v.subject}" for v in values
    ]
    current = await fresh.generations.find_one({"_id": "current"})
    assert current is not None
    assert current["generation"] > len(erased)  # a rotation for each erasure, each making a generation
    assert list(Keyring(keyring_file, database).keks()) == [current["generation"]]
    assert await fresh.keys.count_documents({"wrapped": {"$exists": 1}}) == 30 - len(erased)
    assert await fresh.keys.count_documents({"kek": current["generation"]}) == 30 - len(erased)


async def test_keys_kept_unwrapped_from_before_the_keyring_are_wrapped_and_still_open(
    client: Client, settings: Settings, keyring_file: Path
) -> None:
    before = store(client, settings, None)
    kept = await before.seal(KEPT_CASE, ABOUT_KEPT)
    erased = await before.seal(ERASED_CASE, ABOUT_ERASED[0])
    legacy = await before.keys.find_one({"_id": KEPT_CASE})
    assert legacy is not None
    assert isinstance(legacy["key"], bytes)

    after = store(client, settings, keyring_file)  # the same platform, now given a keyring
    opener = await after.opener([kept, erased])
    assert (opener(kept), opener(erased)) == (ABOUT_KEPT, ABOUT_ERASED[0])
    migrated = await after.keys.find_one({"_id": KEPT_CASE})
    assert migrated is not None
    assert "key" not in migrated
    assert migrated["kek"] == 1
    assert await after.seal(KEPT_CASE, ABOUT_KEPT) == kept  # the same key, so the same sealed value

    await after.erase(ERASED_CASE)
    assert (await after.opener([kept, erased]))(erased) == ERASED
    assert (await store(client, settings, keyring_file).opener([kept]))(kept) == ABOUT_KEPT


async def test_a_keyring_file_is_refused_for_another_key_database_or_without_its_current_kek(
    client: Client, settings: Settings, keyring_file: Path, tmp_path: Path
) -> None:
    keys = store(client, settings, keyring_file)
    sealed = await keys.seal(KEPT_CASE, ABOUT_KEPT)
    with pytest.raises(KeyringError, match="serves the key database"):
        Keyring(keyring_file, "another_subject_keys").keks()
    # A keyring file lost (or swapped for an old copy) opens nothing, and says so; nothing is made anew.
    elsewhere = tmp_path / "lost" / "subject-keys.json"
    shutil.copytree(keyring_file.parent, elsewhere.parent)
    await store(client, settings, keyring_file).erase(ERASED_CASE)  # the lost copy lacks generation 2
    stale = store(client, settings, elsewhere)
    assert (await stale.opener([sealed]))(sealed) == UNAVAILABLE
    with pytest.raises(KeyringError, match="does not hold KEK generation 2"):
        await stale.seal(subject_of("insp-1", "NEW-0001"), "text")
    assert list(Keyring(elsewhere, settings.subject_keys()[1]).keks()) == [1]


async def test_a_keyring_file_of_its_own_is_refused_before_any_key_is_wrapped_under_it(
    client: Client, settings: Settings, keyring_file: Path, tmp_path: Path
) -> None:
    sealed = await store(client, settings, keyring_file).seal(KEPT_CASE, ABOUT_KEPT)
    own = (
        tmp_path / "own" / "subject-keys.json"
    )  # e.g. a replica given a folder of its own, not the shared one
    Keyring(own, settings.subject_keys()[1]).first()  # generation 1 too, but another KEK
    apart = store(client, settings, own)
    with pytest.raises(
        KeyringError, match="does not hold KEK generation 1, the current one \\(or holds another\\)"
    ):
        await apart.seal(ERASED_CASE, ABOUT_ERASED[0])
    assert (await apart.opener([sealed]))(sealed) == UNAVAILABLE
    assert await apart.keys.count_documents({"_id": ERASED_CASE}) == 0


async def test_a_rotation_that_meets_a_key_no_kek_opens_stops_and_destroys_nothing(
    client: Client, settings: Settings, keyring_file: Path
) -> None:
    keys = store(client, settings, keyring_file)
    await keys.seal(ERASED_CASE, ABOUT_ERASED[0])
    kept = await keys.seal(KEPT_CASE, ABOUT_KEPT)
    altered = await keys.keys.find_one({"_id": KEPT_CASE})
    assert altered is not None
    await keys.keys.update_one({"_id": KEPT_CASE}, {"$set": {"wrapped": bytes(80)}})
    with pytest.raises(KeyringError, match="a subject key opens under no KEK"):
        await keys.erase(ERASED_CASE)
    assert list(Keyring(keyring_file, settings.subject_keys()[1]).keks()) == [1, 2]  # nothing destroyed
    # Put right, the erasure asked for again finishes the rotation.
    await keys.keys.update_one({"_id": KEPT_CASE}, {"$set": {"wrapped": altered["wrapped"]}})
    await keys.erase(ERASED_CASE)
    assert list(Keyring(keyring_file, settings.subject_keys()[1]).keks()) == [3]
    assert (await keys.opener([kept]))(kept) == ABOUT_KEPT


def test_a_wrapped_key_is_bound_to_its_subject_and_generation() -> None:
    kek, key = AESSIV.generate_key(512), AESSIV.generate_key(512)
    wrapped = wrap(kek, 3, KEPT_CASE, key)
    assert unwrap(kek, 3, KEPT_CASE, wrapped) == key
    for generation, subject in ((3, ERASED_CASE), (4, KEPT_CASE)):
        with pytest.raises(InvalidTag):
            unwrap(kek, generation, subject, wrapped)
