"""How the `jip` commands show what the services answer: aligned tables, times in England, shortened and
wrapped text, a whole answer as JSON, and progress lines on stderr (kept apart from what is printed)."""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from shared.language.workdays import ENGLAND

NONE = "—"  # an empty cell: not given, nobody, no grade
EXCERPT = 48  # the width a text is shortened to in a table


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """The lines of a table, its columns as wide as their widest cell."""
    widths = [max([len(h), *(len(row[i]) for row in rows)]) for i, h in enumerate(headers)]
    return [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in [headers, *rows]
    ]


def when(timestamp: str) -> str:
    """A moment the service gives (UTC, ISO 8601) as the time in England, to the minute."""
    try:
        moment = datetime.fromisoformat(timestamp)
    except ValueError:
        return timestamp
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ENGLAND).strftime("%Y-%m-%d %H:%M")


def excerpt(text: str, width: int = EXCERPT) -> str:
    """The text on one line, shortened to `width` with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


def wrapped(label: str, text: str, indent: str = "  ") -> list[str]:
    """`label` and the text after it, wrapped at 100 columns under the text's start."""
    return textwrap.wrap(
        " ".join(text.split()),
        width=100,
        initial_indent=f"{indent}{label}",
        subsequent_indent=indent + " " * len(label),
    )


def dump(answer: Any) -> int:
    """A service's whole answer as JSON (--json); the command's exit status, 0."""
    print(json.dumps(answer, indent=2))
    return 0


def progress(line: str) -> None:
    """A line saying how a long command is getting on, on stderr."""
    print(line, file=sys.stderr, flush=True)
