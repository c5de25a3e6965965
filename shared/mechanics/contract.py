"""The published contract's folder, `contract/` (docs/contract.md), as the services serve it: where it is
and how its files are named. Every service answers /contract/asyncapi.json, /contract/envelope.json,
/contract/checkpoint.json and /contract/schemas/<event_type>/v<N>.json from it (shared/mechanics/runtime.py);
tooling/contract/ generates it from the catalogue and checks it."""

from __future__ import annotations

import re
from pathlib import Path

CONTRACT_DIR = Path(__file__).resolve().parents[2] / "contract"  # beside shared/, in a checkout or a wheel
ASYNCAPI = "asyncapi.json"
ENVELOPE = "envelope.json"
CHECKPOINT = "checkpoint.json"  # a signed checkpoint of the log, on its own topic (audit/checkpoints.py)
SCHEMAS = "schemas"


def schema_path(event_type: str, version: int) -> str:
    """Where a version's schema lives, relative to the contract folder (and to /contract/ over HTTP)."""
    return f"{SCHEMAS}/{event_type}/v{version}.json"


def committed_file(directory: Path, event_type: str, version: str) -> Path | None:
    """The committed schema file of `event_type` at `version` (as it appears in a URL), or None."""
    if not re.fullmatch(r"[1-9][0-9]*", version):
        return None
    for folder in (directory / SCHEMAS).iterdir() if (directory / SCHEMAS).is_dir() else ():
        if folder.name == event_type:  # only names listed in the folder: nothing from the URL is a path
            path = folder / f"v{version}.json"
            return path if path.is_file() else None
    return None
