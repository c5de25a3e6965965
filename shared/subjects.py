"""Personal text sealed to its data subject, so a subject can be erased without rewriting the log.

Free text about a child's case is personal data (domain.md, Data protection). Each case of an inspection is
a data subject with its own key. Text about the case is sealed with that key before it is written to
any event; a key lives only in the subject-keys database, apart from the log and from the read models.
Erasing the subject destroys its key: every copy of the text, in the log, on Kafka, in read models and
in backups, can no longer be opened, while the events themselves stay as they were written, so the
hash chain still verifies and every replay still works. Where the text would be shown, it reads
"[erased]".

Sealing is AES-SIV (RFC 5297) with a 512-bit key and the subject as associated data. It is
deterministic: the same text sealed for the same subject gives the same value, so a command retried or
an amendment that changes nothing is recognised as such without opening anything. It reveals only
that two texts about one case are identical. A sealed value moved to another subject does not open."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Annotated, Any, TypeVar

from bson.binary import Binary
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from pydantic import BaseModel, ConfigDict, Field
from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from shared.envelope import utc_now
from shared.errors import RuleViolation
from shared.mongo import Client, Document

log = logging.getLogger(__name__)

ERASED = "[erased]"  # what erased text reads as, wherever it is shown
UNAVAILABLE = "[sealed: key unavailable]"  # no key and no erasure recorded: the key store is not reachable
ERASURE = "domain.md Data protection: a person's data is erasable on request without rewriting history"
KEY_BITS = 512

# A case of one inspection: the inspection's id and the area's pseudonymous reference for the case.
SubjectId = Annotated[str, Field(pattern=r"^[A-Za-z0-9._:-]{1,128}/[A-Z0-9][A-Z0-9-]{2,31}$")]


def subject_of(inspection_id: str, case_reference: str) -> str:
    return f"{inspection_id}/{case_reference}"


class Sealed(BaseModel):
    """Text sealed to its subject's key: `ciphertext` is base64 of AES-SIV's tag and ciphertext."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    subject: SubjectId
    ciphertext: Annotated[str, Field(pattern=r"^[A-Za-z0-9+/]+={0,2}$", min_length=24, max_length=22000)]


T = TypeVar("T")
# A text field of an event: sealed where it is about a case, plain where no child is its subject (or
# written before sealing existed). `Held[CaseText]` is what the log holds of a CaseText.
Held = Annotated[Sealed | T, Field(union_mode="left_to_right")]


def seal_with(key: bytes, subject: str, text: str) -> Sealed:
    sealed = AESSIV(key).encrypt(text.encode(), [subject.encode()])
    return Sealed(subject=subject, ciphertext=base64.b64encode(sealed).decode())


class SubjectErased(RuleViolation):
    def __init__(self, subject: str, erased_at: datetime) -> None:
        super().__init__(
            f"case {subject.split('/', 1)[1]} of this inspection was erased on {erased_at:%Y-%m-%d}: "
            "nothing more is recorded about it",
            ERASURE,
        )


class Opener:
    """Opens sealed values with the keys fetched for them; plain values pass through unchanged."""

    def __init__(self, keys: dict[str, bytes | None]) -> None:
        self._keys = keys  # subject -> key, or None once erased; absent: not found in the key store

    def __call__(self, value: Sealed | T) -> str | T:
        if not isinstance(value, Sealed):
            return value
        if value.subject not in self._keys:
            log.warning("no key for a sealed value: the subject-keys database holds none for its subject")
            return UNAVAILABLE
        key = self._keys[value.subject]
        if key is None:
            return ERASED
        try:
            return AESSIV(key).decrypt(base64.b64decode(value.ciphertext), [value.subject.encode()]).decode()
        except InvalidTag:
            log.warning("a sealed value does not open with its subject's key: it was altered or moved")
            return UNAVAILABLE


class SubjectKeys:
    """The key store: one document per subject, `{_id: subject, key, created_at}`; erasure removes the
    key and keeps `erased_at`, so nothing is sealed for the subject again."""

    def __init__(self, client: Client, database: str) -> None:
        self.keys: AsyncCollection[Document] = client[database]["keys"]

    async def seal(self, subject: str, text: str) -> Sealed:
        return seal_with(await self._key_for(subject), subject, text)

    async def _key_for(self, subject: str) -> bytes:
        doc = await self.keys.find_one({"_id": subject})
        if doc is None:
            try:
                doc = {"_id": subject, "key": Binary(AESSIV.generate_key(KEY_BITS)), "created_at": utc_now()}
                await self.keys.insert_one(doc)
            except DuplicateKeyError:  # made at the same moment by another command
                doc = await self.keys.find_one({"_id": subject})
                assert doc is not None
        if "key" not in doc:
            raise SubjectErased(subject, doc["erased_at"])
        return bytes(doc["key"])

    async def opener(self, values: Iterable[object]) -> Opener:
        """An opener for `values`: the keys of the subjects they are sealed to, fetched at once."""
        subjects = {v.subject for v in values if isinstance(v, Sealed)}
        found: dict[str, bytes | None] = {}
        if subjects:
            async for doc in self.keys.find({"_id": {"$in": sorted(subjects)}}):
                found[doc["_id"]] = bytes(doc["key"]) if "key" in doc else None
        return Opener(found)

    async def held(self, inspection_id: str, case_reference: str | None, text: str) -> Sealed | str:
        """Text as the log is to hold it: sealed to the case it is about, plain where it is about none."""
        if case_reference is None:
            return text
        return await self.seal(subject_of(inspection_id, case_reference), text)

    async def erase(self, subject: str) -> datetime:
        """Destroy the subject's key (recording that it was, even if none was ever made); idempotent."""
        now = utc_now()
        doc = await self.keys.find_one_and_update(
            {"_id": subject},
            {"$unset": {"key": ""}, "$min": {"erased_at": now}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        assert doc is not None
        erased_at: datetime = doc["erased_at"]
        return erased_at


async def opened(keys: SubjectKeys, value: T) -> T:
    """`value` (a model, or a list or dict of them) with every sealed text in it opened, for showing."""
    opener = await keys.opener(_sealed_in(value))
    shown: T = _opened(value, opener)
    return shown


def _sealed_in(value: object) -> Iterator[Sealed]:
    if isinstance(value, Sealed):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _sealed_in(getattr(value, name))
    elif isinstance(value, list | tuple):
        for each in value:
            yield from _sealed_in(each)
    elif isinstance(value, dict):
        for each in value.values():
            yield from _sealed_in(each)


def _opened(value: Any, opener: Opener) -> Any:
    if isinstance(value, Sealed):
        return opener(value)
    if isinstance(value, BaseModel):
        return value.model_copy(
            update={name: _opened(getattr(value, name), opener) for name in type(value).model_fields}
        )
    if isinstance(value, list | tuple):
        return type(value)(_opened(each, opener) for each in value)
    if isinstance(value, dict):
        return {k: _opened(each, opener) for k, each in value.items()}
    return value
