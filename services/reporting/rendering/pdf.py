"""A document's PDF: its accessible HTML page, printed by WeasyPrint as a tagged PDF (PDF/UA-1).

What a screen reader needs is in the structure tree: the headings, lists, tables with their header cells, the
document's language (en-GB) and its title, shown as the window title. The text is set in DejaVu Sans, bundled
in reporting's `fonts/` with its licence (Debian's fonts-dejavu-core 2.37, Bitstream Vera licence), embedded
and subset with a Unicode map, so that every name reads and copies as it was recorded ("Łukasz
Wróbel-Nguyễn"), whatever fonts the machine has.

Every page carries its number, and any marking the document must show on each page (a draft's, a
rehearsal's) in its running header, outside the tagged content: the marking is in the tagged text once,
at the top of the document, as the HTML page has it. A table's header row repeats on each page it runs
onto, a row is never split, a short table is kept on one page, and a heading stays with what follows it.

Deterministic: the same HTML and creation date give the same bytes. Nothing is fetched but the bundled
fonts (the Markdown has no raw HTML, and an image or stylesheet named in it is refused)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

FONTS = Path(__file__).parent.parent / "fonts"
FAMILY = "JIP DejaVu Sans"
FACES = {
    ("normal", "normal"): "DejaVuSans.ttf",
    ("bold", "normal"): "DejaVuSans-Bold.ttf",
    ("normal", "italic"): "DejaVuSans-Oblique.ttf",
    ("bold", "italic"): "DejaVuSans-BoldOblique.ttf",
}
CREATOR = "Joint Inspections Platform"


def _quoted(text: str) -> str:
    """`text` as a CSS string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


@cache
def _fonts_css() -> str:
    faces = [
        f"@font-face {{ font-family: {_quoted(FAMILY)}; font-weight: {weight}; font-style: {style}; "
        f"src: url({(FONTS / file).as_uri()}); }}"
        for (weight, style), file in FACES.items()
    ]
    return "\n".join(faces)


def _print_css(markings: Sequence[str]) -> str:
    """The page: A4, numbered; each marking in the running header of every page, in bold, boxed in red."""
    header = "\\A ".join(m.replace("\\", "\\\\").replace('"', '\\"') for m in markings)
    top = (
        f'@top-center {{ content: "{header}"; white-space: pre-wrap; font-weight: bold; font-size: 9pt; '
        f"font-family: {_quoted(FAMILY)}; color: #0b0c0c; border: 2pt solid #d4351c; background: #fcd6d0; "
        "padding: 2pt 6pt; }"
        if markings
        else ""
    )
    return f"""
{_fonts_css()}
@page {{
  size: A4;
  font-family: {_quoted(FAMILY)};
  margin: {"28mm" if markings else "20mm"} 20mm 20mm 20mm;
  {top}
  @bottom-center {{
    content: "Page " counter(page) " of " counter(pages); font-family: {_quoted(FAMILY)}; font-size: 9pt;
  }}
}}
html {{ font-size: 10.5pt; }}
body, h1, h2, h3, h4, h5, h6, th, td, p, li, strong, em {{ font-family: {_quoted(FAMILY)}; }}
main {{ max-width: none; padding: 0; }}
.skip-link {{ display: none; }}
h1, h2, h3, h4, h5, h6 {{ break-after: avoid; }}
p, li {{ orphans: 2; widows: 2; }}
thead {{ display: table-header-group; }}
tr {{ break-inside: avoid; }}
table {{ break-inside: avoid; width: 100%; }}
th, td {{ text-align: left; vertical-align: top; }}
"""


def bundled(url: str) -> Path:
    """The bundled font file `url` names; a ValueError for anything else: nothing named in a document is
    fetched."""
    for file in FACES.values():
        if url == (FONTS / file).as_uri():
            return FONTS / file
    raise ValueError(f"a document's PDF fetches nothing but its bundled fonts, not {url}")


@cache
def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class BundledFonts(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            return URLFetcherResponse(
                url, body=bundled(url).read_bytes(), headers={"Content-Type": "font/ttf"}
            )

    return BundledFonts(allowed_protocols=("file",))


def render_pdf(html: str, title: str, created: datetime, markings: Sequence[str] = ()) -> bytes:
    """The tagged PDF of the HTML page `html`, titled `title`, created at `created` (UTC if naive), with
    each of `markings` in the header of every page."""
    from weasyprint import CSS, HTML

    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    document = HTML(string=html, url_fetcher=_fetcher()).render(
        stylesheets=[CSS(string=_print_css(markings), url_fetcher=_fetcher())],
        pdf_variant="pdf/ua-1",
        pdf_tags=True,
    )
    stamp = created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    document.metadata.title = title
    document.metadata.lang = "en-GB"
    document.metadata.created = stamp
    document.metadata.modified = stamp
    document.metadata.generator = CREATOR
    pdf = document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    assert pdf is not None
    return bytes(pdf)
