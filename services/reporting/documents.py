"""Every programme's documents, rebuilt from events alone, as Markdown, HTML (also in large print) and PDF.

The templates in `templates/` say what each kind of document says: the programme's `report.kind` picks
one (findings letter, combined report, single report, report), and the overview of a JTAI round has its
own. Markdown is the source: HTML is made from it, and the PDF from that HTML. Pure functions: apart from
reading the templates, no I/O, and the same events give the same bytes in every format (a PDF's creation
date is fixed by its content, or given).

On a rehearsal platform (JIP_ENVIRONMENT=rehearsal, issue 19 point 15) the caller passes `rehearsal`, the
rehearsal clock's reading, and every page of every format says so: at the top and foot of the Markdown
and the HTML page (and of every printed page of it), in the HTML's title, and in the header and footer of
every PDF page, so that nobody mistakes a rehearsal's document for a real inspection's. Without it, a
production document, nothing is added."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from fpdf import FPDF
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markdown_it import MarkdownIt
from markupsafe import Markup

from shared.catalogue import Event

from . import model
from .words import moment

TEMPLATES = Path(__file__).parent / "templates"
KINDS = ("findings_letter", "combined_report", "single_report", "report")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # the creation date of an overview with no inspection in it


class Format(StrEnum):
    MARKDOWN = "md"
    HTML = "html"
    LARGE_PRINT = "html-large"
    PDF = "pdf"


MEDIA_TYPES: dict[Format, str] = {
    Format.MARKDOWN: "text/markdown; charset=utf-8",
    Format.HTML: "text/html; charset=utf-8",
    Format.LARGE_PRINT: "text/html; charset=utf-8",
    Format.PDF: "application/pdf",
}


@dataclass(frozen=True)
class Rehearsal:
    """The marking of a rehearsal platform's documents: "REHEARSAL — not a real inspection; clock at …".
    `clock` is the rehearsal clock's reading the document is shown at (for a document frozen at a step,
    the moment it was frozen, so that its bytes stay the same)."""

    clock: datetime

    def words(self) -> str:
        return f"REHEARSAL — not a real inspection; clock at {moment(self.clock)}"


def render_report(
    events: Sequence[Event],
    fmt: Format,
    *,
    as_at: datetime | None = None,
    rehearsal: Rehearsal | None = None,
) -> bytes:
    """The inspection's document in `fmt`. `events`: every event reporting holds for one inspection, then
    its area's board register, each stream in order. `as_at` only sets a PDF's creation date; without it
    the date is the last day of fieldwork. `rehearsal`: on a rehearsal platform, marks every page. A
    ValueError if there is no InspectionScheduled."""
    report = model.build(events)
    markdown = _markdown(f"{report.kind}.md.j2", r=report)
    return _emit(markdown, fmt, as_at or _midnight(report.fieldwork_end_date), rehearsal)


def render_overview(
    round_id: str,
    inspections: Sequence[Sequence[Event]],
    fmt: Format,
    *,
    theme_title: str | None = None,
    round_name: str | None = None,
    as_at: datetime | None = None,
    rehearsal: Rehearsal | None = None,
) -> bytes:
    """The overview report of a JTAI round (001 Proposal four): per area, its strengths and lessons, and
    across the round the findings by whom they are addressed to, headed by `round_name` (the name the
    round was planned with, scheduling.RoundPlanned). `inspections`: the events of each inspection
    included, as for `render_report`; their order does not matter. Without `theme_title` the theme is the
    inspections' own. `as_at` only sets a PDF's creation date; without it the date is the last day of
    fieldwork in the round. A ValueError if an inspection has no InspectionScheduled, belongs to another
    round or theme, or runs under a programme with no overview per round."""
    overview = model.overview(round_id, theme_title, inspections, round_name)
    markdown = _markdown("overview.md.j2", o=overview)
    created = as_at or (_midnight(overview.last_date) if overview.last_date else EPOCH)
    return _emit(markdown, fmt, created, rehearsal)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


# Markdown, from the templates.


def _capital(text: str) -> str:
    return model.capital(text)


def _plural(count: int, noun: str, nouns: str | None = None) -> str:
    return model.plural(count, noun, nouns)


@cache
def _environment(html: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=html,
    )
    env.filters["capital"] = _capital
    env.filters["plural"] = _plural
    env.filters["listing"] = model.listing
    env.filters["lower_first"] = model.lower_first
    return env


def _markdown(template: str, **context: Any) -> str:
    return _environment(False).get_template(template).render(**context)


# HTML and PDF, from the Markdown.


@cache
def _parser() -> MarkdownIt:
    # No raw HTML: what inspectors wrote is shown as text, never as markup.
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def _body(markdown: str) -> tuple[str, str]:
    """The Markdown as an HTML fragment, and the text of its one H1 (the document's title)."""
    parser = _parser()
    tokens = parser.parse(markdown)
    title = ""
    for opening, inline in pairwise(tokens):
        if opening.type == "heading_open" and opening.tag == "h1":
            title = "".join(c.content for c in inline.children or [] if c.type in ("text", "code_inline"))
            break
    body = parser.renderer.render(tokens, parser.options, {})
    return body.replace("<th>", '<th scope="col">'), title


def _html(body: str, title: str, large_print: bool, marking: str) -> str:
    template = _environment(True).get_template("document.html.j2")
    return template.render(body=Markup(body), title=title, large_print=large_print, rehearsal=marking)


def _marked(markdown: str, marking: str) -> str:
    """The Markdown with the rehearsal marking above its title and below its last line."""
    line = f"> **{marking}**\n"
    return f"{line}\n{markdown.rstrip(chr(10))}\n\n{line}"


def _emit(markdown: str, fmt: Format, created: datetime, rehearsal: Rehearsal | None = None) -> bytes:
    marking = rehearsal.words() if rehearsal is not None else ""
    if fmt is Format.MARKDOWN:
        return (_marked(markdown, marking) if marking else markdown).encode()
    body, title = _body(markdown)
    if marking:
        title = f"REHEARSAL: {title}"
    if fmt is Format.PDF:
        return _pdf(body, title, created, marking)
    return _html(body, title, large_print=fmt is Format.LARGE_PRINT, marking=marking).encode()


# The PDF's core font is Latin-1: typographic characters are replaced by their plain forms.
_PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u2022": "-",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u200b": "",
    }
)


def latin1(text: str) -> str:
    """`text` with every character the PDF's core font lacks replaced: by its plain form, else by its
    letters without accents, else by "?"."""
    out = []
    for char in text.translate(_PLAIN):
        if ord(char) < 256:
            out.append(char)
            continue
        plain = "".join(c for c in unicodedata.normalize("NFKD", char) if ord(c) < 256 and c.isprintable())
        out.append(plain or "?")
    return "".join(out)


class _Pdf(FPDF):
    marking = ""  # the rehearsal marking, on every page; "" for a production document

    def header(self) -> None:
        if self.marking:
            self._mark(8)

    def footer(self) -> None:
        if self.marking:
            self._mark(-22)
        self.set_y(-15)
        self.set_font("helvetica", size=9)
        self.cell(0, 10, f"Page {self.page_no()} of {{nb}}", align="C")

    def _mark(self, y: float) -> None:
        """The marking in bold red, boxed, at `y`; the page's text position and colour kept."""
        x, at, colour = self.get_x(), self.get_y(), self.text_color
        self.set_y(y)
        self.set_font("helvetica", style="B", size=10)
        self.set_text_color(180, 0, 0)
        self.cell(0, 7, latin1(self.marking), border=1, align="C")
        self.text_color = colour
        self.set_xy(x, at)


def _pdf(body: str, title: str, created: datetime, marking: str = "") -> bytes:
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    pdf = _Pdf(format="A4")
    pdf.marking = marking
    pdf.set_creation_date(created)
    pdf.set_title(title)
    pdf.set_lang("en-GB")
    pdf.set_creator("Joint Inspections Platform")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=30 if marking else 20)
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.write_html(latin1(body))
    return bytes(pdf.output())
