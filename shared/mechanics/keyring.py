"""The key-encryption keys (KEKs) that wrap the data subjects' keys, kept in one file outside the database.

Every subject key is stored in the subject-keys database wrapped under the current KEK
(shared/language/subjects.py). The database keeps copies of what it was given: its oplog (`local.oplog.rs`),
its journal and every backup of it. Erasing a subject therefore re-wraps the surviving keys under a new KEK
and then destroys the old KEK here, so the erased key's wrapped copies, wherever they were kept, can never be
unwrapped again.

The file is JSON readable by its owner only, `{"database": ..., "keks": {"<generation>": "<base64>"}}`,
tied to the one subject-keys database it serves. It is rewritten whole (a temporary file, fsync, rename,
fsync of the folder) under an exclusive lock on `<file>.lock`, so the processes sharing it (the services
and their replicas) never read half a file. A process keeps what it read until the file changes (its inode,
size or modification time), so a key operation costs one stat, and a destroyed KEK is forgotten at the
next operation of every process after the rotation."""

from __future__ import annotations

import base64
import fcntl
import json
import logging
import os
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESSIV

log = logging.getLogger(__name__)

KEK_BITS = 512  # AES-256-SIV (RFC 5297), deterministic authenticated key wrapping
_THREADS: dict[str, threading.Lock] = {}  # one per keyring file, for the threads of this process


class KeyringError(RuntimeError):
    """The keyring file cannot be used as it is: an operator must act (restore it, or fix its owner)."""


class Keyring:
    """The KEKs in `path` by generation, for the subject-keys database `database`."""

    def __init__(self, path: Path, database: str) -> None:
        self.path = path
        self.database = database
        self._keks: dict[int, bytes] = {}
        self._seen: tuple[int, int, int] | None = None  # inode, size, mtime of what _keks was read from

    # --- reading ---------------------------------------------------------------------------------------
    def keks(self) -> dict[int, bytes]:
        """The KEKs the file holds now (none if it does not exist yet)."""
        try:
            found = self.path.stat()
        except FileNotFoundError:
            self._keks, self._seen = {}, None
            return {}
        seen = (found.st_ino, found.st_size, found.st_mtime_ns)
        if seen != self._seen:
            if stat.S_IMODE(found.st_mode) & 0o077:
                log.warning("the subject keyring file is readable by others than its owner: chmod 600 it")
            self._keks, self._seen = self._parse(self.path.read_bytes()), seen
        return self._keks

    def kek(self, generation: int) -> bytes | None:
        """The KEK of `generation`, reading the file again if this process has not seen it yet."""
        found = self.keks().get(generation)
        return found if found is not None else self._read().get(generation)

    def _parse(self, raw: bytes) -> dict[int, bytes]:
        try:
            data = json.loads(raw)
            database, keks = data["database"], data["keks"]
            parsed = {int(g): base64.b64decode(k, validate=True) for g, k in keks.items()}
        except (ValueError, KeyError, TypeError, AttributeError):
            raise KeyringError(f"the subject keyring file {self.path} is not a keyring: restore it") from None
        if database != self.database:
            raise KeyringError(
                f"the subject keyring file {self.path} serves the key database {database!r}, not "
                f"{self.database!r}: give each key database a keyring file of its own"
            )
        if any(len(k) != KEK_BITS // 8 for k in parsed.values()):
            raise KeyringError(f"the subject keyring file {self.path} holds a KEK of the wrong length")
        return parsed

    # --- changing (each under the lock, re-reading the file first) ---------------------------------------
    def first(self) -> tuple[int, bytes]:
        """The newest generation and its KEK, making generation 1 if the file holds none (a new platform)."""
        with self._locked():
            keks = self._read()
            if not keks:
                keks = {1: AESSIV.generate_key(KEK_BITS)}
                self._write(keks)
            return max(keks), keks[max(keks)]

    def add(self, generation: int) -> bytes:
        """The KEK of `generation`, made if there is none."""
        with self._locked():
            keks = self._read()
            if generation not in keks:
                keks[generation] = AESSIV.generate_key(KEK_BITS)
                self._write(keks)
            return keks[generation]

    def destroy_before(self, generation: int) -> list[int]:
        """Destroy every KEK older than `generation`: what was wrapped under them no longer opens."""
        with self._locked():
            keks = self._read()
            old = sorted(g for g in keks if g < generation)
            if old:
                self._write({g: k for g, k in keks.items() if g >= generation})
            return old

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Between processes, a POSIX lock (which NFS honours too); within one, where POSIX locks do not
        exclude each other, a thread lock for the file."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with _THREADS.setdefault(str(self.path.resolve()), threading.Lock()):
            descriptor = os.open(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.lockf(descriptor, fcntl.LOCK_EX)
                yield
            finally:
                os.close(descriptor)  # releases the lock

    def _read(self) -> dict[int, bytes]:
        self._seen = None  # read the file itself, not what this process remembers
        return dict(self.keks())

    def _write(self, keks: dict[int, bytes]) -> None:
        data = {
            "database": self.database,
            "keks": {str(g): base64.b64encode(k).decode() for g, k in keks.items()},
        }
        for left in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            left.unlink()  # left by a write cut short: it may hold KEKs destroyed since
        staging = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with os.fdopen(os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
            os.fchmod(out.fileno(), 0o600)  # a staging file left by a crash may have been wider
            out.write(json.dumps(data, indent=1).encode())
            out.flush()
            os.fsync(out.fileno())
        staging.replace(self.path)
        folder = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)  # the rename itself is durable: the old KEKs do not come back after a crash
        finally:
            os.close(folder)
        self._seen = None


def wrap(kek: bytes, generation: int, subject: str, key: bytes) -> bytes:
    """`key` wrapped under the KEK of `generation`, bound to its subject: it unwraps for no other."""
    return AESSIV(kek).encrypt(key, _bound(generation, subject))


def unwrap(kek: bytes, generation: int, subject: str, wrapped: bytes) -> bytes:
    """Raises cryptography's InvalidTag if `wrapped` was not wrapped under this KEK for this subject."""
    return AESSIV(kek).decrypt(wrapped, _bound(generation, subject))


def check(kek: bytes, generation: int) -> bytes:
    """What the database records of the current KEK, so a process whose keyring file holds another KEK
    for that generation (a copy of its own, not the file the services share) is refused: it reveals
    nothing of the KEK."""
    return wrap(kek, generation, "keyring check", bytes(16))


def _bound(generation: int, subject: str) -> list[bytes]:
    return [subject.encode(), str(generation).encode()]
