"""The PDF as its readers' tools see it: Poppler's `pdftotext`, `pdfinfo` and `pdffonts` (Debian's
poppler-utils; `bin/jip test` installs it), run on a document's bytes. A test that needs them fails, saying
how to install them, rather than passing without looking."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

TOOLS = ("pdftotext", "pdfinfo", "pdffonts")


def _run(tool: str, pdf: bytes, *args: str) -> str:
    if shutil.which(tool) is None:
        pytest.fail(
            f"{tool} is missing: install poppler-utils (apt-get install poppler-utils), or run bin/jip test"
        )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        done = subprocess.run(
            [tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
    return done.stdout


def text(pdf: bytes, page: int | None = None, raw: bool = False, layout: bool = False) -> str:
    """The text a reader copies out of the PDF (one page of it, if `page`), as pdftotext extracts it;
    `raw`: in the order it was written, with a word broken at its own hyphen kept as it is (pdftotext's
    reading order takes such a hyphen off as if it were a hyphenation); `layout`: as laid out on the page."""
    pages = ["-f", str(page), "-l", str(page)] if page is not None else []
    modes = [*(["-raw"] if raw else []), *(["-layout"] if layout else [])]
    return _run("pdftotext", pdf, "-enc", "UTF-8", *pages, *modes)


def pages(pdf: bytes) -> list[str]:
    """The text of each page, in order."""
    return [text(pdf, n) for n in range(1, int(info(pdf)["Pages"]) + 1)]


def info(pdf: bytes) -> dict[str, str]:
    """pdfinfo's fields: Title, Tagged, Pages, CreationDate …"""
    fields = {}
    for line in _run("pdfinfo", pdf, "-isodates").splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return fields


def fonts(pdf: bytes) -> list[dict[str, str]]:
    """pdffonts' table, a row per font: name, type, encoding, emb, sub, uni."""
    lines = _run("pdffonts", pdf).splitlines()
    rows = []
    for line in lines[2:]:
        cells = line.split()
        # The name is first; the last five cells are emb, sub, uni, object and generation.
        rows.append({"name": cells[0], "emb": cells[-5], "sub": cells[-4], "uni": cells[-3], "line": line})
    return rows


def words(pdf: bytes, page: int) -> list[tuple[str, float, float]]:
    """Each word on a page with where it starts: (word, xMin, yMin), as pdftotext -bbox places it."""
    found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" [^>]*>([^<]*)</word>', _bbox(pdf, page))
    return [(html.unescape(w), float(x), float(y)) for x, y, w in found]


def _bbox(pdf: bytes, page: int) -> str:
    return _run("pdftotext", pdf, "-bbox", "-f", str(page), "-l", str(page))
