"""The subject-keys store against the real database: sealing, opening and erasing a case's text, with the
keys wrapped under a keyring's KEK (as every deployment has them) and kept unwrapped (without a keyring).
tests/integration/test_subject_keyring.py covers the keyring itself."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from shared.language.subjects import (
    ERASED,
    UNAVAILABLE,
    Sealed,
    SubjectErased,
    SubjectKeys,
    opened,
    subject_of,
)
from shared.mechanics.mongo import Client, connect
from shared.mechanics.settings import Settings

CHILD, OTHER = subject_of("insp-1", "WKF-0042"), subject_of("insp-1", "WKF-0043")
TEXT = "Seen at home twice; the plan was not updated after the second visit."


@pytest.fixture(params=["wrapped", "unwrapped"])
async def keys(
    settings: Settings, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[SubjectKeys]:
    client: Client = connect(settings.mongodb_uri, "test")
    uri, database = settings.subject_keys()
    assert uri == settings.mongodb_uri
    assert database == f"{settings.namespace}_subject_keys".replace("-", "_")
    yield SubjectKeys(
        client, database, tmp_path / "subject-keys.json" if request.param == "wrapped" else None
    )
    await client.close()


async def test_text_sealed_to_a_case_opens_with_its_key_and_the_log_holds_no_trace_of_it(
    keys: SubjectKeys,
) -> None:
    sealed = await keys.seal(CHILD, TEXT)
    assert sealed.subject == CHILD
    assert TEXT.encode() not in base64.b64decode(sealed.ciphertext)
    assert TEXT not in sealed.model_dump_json()
    assert (await keys.opener([sealed]))(sealed) == TEXT
    # Deterministic: the same text for the same case seals the same, so a repeat is seen as one.
    assert await keys.seal(CHILD, TEXT) == sealed
    assert (await keys.seal(OTHER, TEXT)).ciphertext != sealed.ciphertext
    # Plain text (about no case) passes through; held() seals only text about a case.
    assert (await keys.opener(["plain"]))("plain") == "plain"
    assert await keys.held("insp-1", None, "about no case") == "about no case"
    assert await keys.held("insp-1", "WKF-0042", TEXT) == sealed


async def test_a_sealed_value_moved_to_another_case_or_altered_does_not_open(keys: SubjectKeys) -> None:
    sealed = await keys.seal(CHILD, TEXT)
    await keys.seal(OTHER, "another child")
    moved = Sealed(subject=OTHER, ciphertext=sealed.ciphertext)
    raw = bytearray(base64.b64decode(sealed.ciphertext))
    raw[-1] ^= 1
    altered = Sealed(subject=CHILD, ciphertext=base64.b64encode(bytes(raw)).decode())
    never_keyed = Sealed(subject=subject_of("insp-9", "ABC-001"), ciphertext=sealed.ciphertext)
    opener = await keys.opener([moved, altered, never_keyed])
    assert [opener(moved), opener(altered), opener(never_keyed)] == [UNAVAILABLE] * 3


async def test_erasure_destroys_the_key_so_every_copy_reads_erased_and_nothing_more_is_sealed(
    keys: SubjectKeys,
) -> None:
    copies = [await keys.seal(CHILD, TEXT), await keys.seal(CHILD, "a second note")]
    kept = await keys.seal(OTHER, "another child")
    erased_at = await keys.erase(CHILD)
    opener = await keys.opener([*copies, kept])
    assert [opener(c) for c in copies] == [ERASED, ERASED]
    assert opener(kept) == "another child"
    doc = await keys.keys.find_one({"_id": CHILD})
    assert doc is not None
    assert not {"key", "wrapped", "kek"} & set(doc)
    with pytest.raises(SubjectErased, match="case WKF-0042 of this inspection was erased on"):
        await keys.seal(CHILD, TEXT)
    assert await keys.erase(CHILD) == erased_at  # again: the first erasure's time stands
    # A case erased before anything was sealed to it can have nothing sealed to it later.
    never = subject_of("insp-1", "WKF-0099")
    await keys.erase(never)
    with pytest.raises(SubjectErased):
        await keys.seal(never, TEXT)


async def test_the_first_key_made_for_a_case_is_the_only_one_even_when_made_at_once(
    keys: SubjectKeys,
) -> None:
    sealed = await asyncio.gather(*(keys.seal(CHILD, TEXT) for _ in range(8)))
    assert len(set(sealed)) == 1
    assert await keys.keys.count_documents({"_id": CHILD}) == 1


class Note(BaseModel):
    text: Sealed | str
    notes: list[Sealed | str] = []
    by_case: dict[str, Sealed | str] = {}


async def test_opened_opens_every_sealed_text_in_a_model_list_or_dict_with_one_lookup(
    keys: SubjectKeys,
) -> None:
    a, b = await keys.seal(CHILD, "first"), await keys.seal(OTHER, "second")
    await keys.erase(OTHER)
    note = Note(text=a, notes=[b, "plain", a], by_case={"x": b})
    shown = await opened(keys, [note, note])
    assert shown[0] == Note(text="first", notes=[ERASED, "plain", "first"], by_case={"x": ERASED})
    assert shown[1] == shown[0]
    assert note.text == a  # the original is left as it was


def test_a_sealed_value_names_a_case_of_an_inspection_and_carries_base64() -> None:
    with pytest.raises(ValidationError):
        Sealed(subject="WKF-0042", ciphertext="A" * 24)
    with pytest.raises(ValidationError):
        Sealed(subject=CHILD, ciphertext="not base64!" * 3)
