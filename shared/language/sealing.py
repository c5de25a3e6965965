"""A text sealed to its data subject, and its opening: the values the log holds of personal text, and what
they read as once opened (shared/language/subjects.py keeps the keys and explains why text is sealed).

Sealing is AES-SIV (RFC 5297) with a 512-bit key and the subject as associated data. It is
deterministic: the same text sealed for the same subject gives the same value, so a command retried or
an amendment that changes nothing is recognised as such without opening anything. It reveals only
that two texts about one case are identical. A sealed value moved to another subject does not open."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Any, TypeVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from pydantic import BaseModel, ConfigDict, Field

from shared.mechanics.errors import RuleViolation

log = logging.getLogger(__name__)

ERASED = "[erased]"  # what erased text reads as, wherever it is shown
UNAVAILABLE = "[sealed: key unavailable]"  # no key and no erasure recorded: the key store is not reachable
ERASURE = "domain.md Data protection: a person's data is erasable on request without rewriting history"

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


def sealed_in(value: object) -> Iterator[Sealed]:
    """Every sealed text in `value`: a model, or a list or dict of them, however nested."""
    if isinstance(value, Sealed):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from sealed_in(getattr(value, name))
    elif isinstance(value, list | tuple):
        for each in value:
            yield from sealed_in(each)
    elif isinstance(value, dict):
        for each in value.values():
            yield from sealed_in(each)


def opened_with(value: Any, opener: Opener) -> Any:
    """`value` with every sealed text in it opened by `opener`, which holds the keys of `sealed_in(value)`."""
    if isinstance(value, Sealed):
        return opener(value)
    if isinstance(value, BaseModel):
        return value.model_copy(
            update={name: opened_with(getattr(value, name), opener) for name in type(value).model_fields}
        )
    if isinstance(value, list | tuple):
        return type(value)(opened_with(each, opener) for each in value)
    if isinstance(value, dict):
        return {k: opened_with(each, opener) for k, each in value.items()}
    return value
