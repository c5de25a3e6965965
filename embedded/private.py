"""The embedded stack's data directory is its owner's alone.

It holds the database files, the subject keyring that unwraps the subject keys in them, the signing key of
the stack's tokens, the spans and the logs. `jip stack up` creates it 0700, and it and the components it
starts create everything in it readable by their owner only. A directory found readable by others (made
before, or opened by hand) is left as it is, with a warning that says how to close it."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

PRIVATE = 0o077  # the permission bits of everyone but the owner
Progress = Callable[[str], None]


def warn_on_stderr(message: str) -> None:
    print(f"jip: warning: {message}", file=sys.stderr)


def private_data_dir(data_dir: Path, warn: Progress = warn_on_stderr) -> None:
    """Make the data directory its owner's alone: created 0700 if new, and everything this process and the
    components it starts create from now on owner-only (umask 077). What is found readable by others is
    left as the operator set it, with a warning saying how to close it."""
    if data_dir.exists():
        wider = wider_than_owner(data_dir)
        if wider:
            examples = ", ".join(str(p) for p in wider[:3])
            warn(
                f"{len(wider)} of the files and folders in the data directory {data_dir} can be read by "
                f"users other than its owner (e.g. {examples}); it holds the databases, the subject keyring "
                f"and the signing key: close it with `chmod -R go= {data_dir}`"
            )
    else:
        data_dir.mkdir(mode=0o700, parents=True)
        data_dir.chmod(0o700)
    os.umask(PRIVATE)


def wider_than_owner(root: Path) -> list[Path]:
    """`root` and what is under it that others than its owner may read, write or enter (symlinks aside)."""
    found = [root] if root.stat().st_mode & PRIVATE else []
    for folder, folders, files in os.walk(root):
        for name in [*folders, *files]:
            path = Path(folder) / name
            mode = path.lstat().st_mode
            if not stat.S_ISLNK(mode) and mode & PRIVATE:
                found.append(path)
    return found


def private_file(path: Path, flags: int) -> BinaryIO:
    """A file of the stack's own, opened with `flags`: made readable by its owner only."""
    return os.fdopen(os.open(path, flags, 0o600), "wb")
