"""Every programme's documents, rebuilt from events alone, as Markdown, HTML (also in large print) and PDF.

Reporting's templates (`templates/`, beside this package) say what each kind of document says: the programme's
`report.kind` picks one (findings letter, combined report, single report, report), and the overview of a JTAI
round has its own. The JTAI findings letter (001 Proposal four) is the Markdown of `render_report` for a JTAI.
Markdown is the source: HTML is made from it, and the PDF (`pdf`: tagged, with an embedded Unicode font) from
that HTML. Pure functions: apart from reading the templates and the bundled fonts, no I/O, and the same events
give the same bytes in every format (a PDF's creation date is fixed by its content, or given).

Markings, on every page of every format: at the top and foot of the Markdown and the HTML page, in the
HTML's and the PDF's title, and in the header of every PDF page. A document that is not final is marked
`DRAFT — not for publication` with the step its lifecycle has reached (`issue`, given by the caller, who
reads the lifecycle). On a rehearsal platform (JIP_ENVIRONMENT=rehearsal, issue 19 point 15) the caller
passes `rehearsal`, the rehearsal clock's reading, so that nobody mistakes a rehearsal's document for a
real inspection's. Without either, nothing is added."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from shared.language.programmes import catalogue
from shared.mechanics.catalogue import Event

from . import model
from .issue import Issue, frame
from .pdf import render_pdf
from .words import moment

if TYPE_CHECKING:  # jinja2 and markdown-it are imported when a document is first rendered: not at start-up
    from jinja2 import Environment
    from markdown_it import MarkdownIt

TEMPLATES = Path(__file__).parent.parent / "templates"
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
    issue: Issue | None = None,
) -> bytes:
    """The inspection's document in `fmt`. `events`: every event reporting holds for one inspection, then
    its area's board register, each stream in order. `as_at` only sets a PDF's creation date; without it
    the date is the last day of fieldwork. `rehearsal`: on a rehearsal platform, marks every page.
    `issue`: where the document stands in its report's lifecycle (a draft marked as such on every page; a
    final one with its date of issue and next steps); without it, the content alone, as the lifecycle's
    steps apply to it by checksum. A ValueError if there is no InspectionScheduled."""
    report = model.build(events)
    document = "letter" if report.kind == "findings_letter" else "report"
    framed = frame(issue, catalogue()[report.programme_id], report.area, document)
    markdown = _markdown(f"{report.kind}.md.j2", r=report, f=framed)
    markings = [m for m in (rehearsal.words() if rehearsal else "", issue.marking() if issue else "") if m]
    return _emit(markdown, fmt, as_at or _midnight(report.fieldwork_end_date), markings)


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
    return _emit(markdown, fmt, created, [rehearsal.words()] if rehearsal else [])


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


# Markdown, from the templates.


def _capital(text: str) -> str:
    return model.capital(text)


def _plural(count: int, noun: str, nouns: str | None = None) -> str:
    return model.plural(count, noun, nouns)


@cache
def _environment(html: bool) -> Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

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
    from markdown_it import MarkdownIt

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


def _html(body: str, title: str, large_print: bool, markings: Sequence[str]) -> str:
    template = _environment(True).get_template("document.html.j2")
    notes = [("rehearsal" if m.startswith("REHEARSAL") else "draft", m) for m in markings]
    return template.render(body=Markup(body), title=title, large_print=large_print, markings=notes)


def _marked(markdown: str, markings: Sequence[str]) -> str:
    """The Markdown with each marking above its title and below its last line."""
    lines = "".join(f"> **{m}**\n" for m in markings)
    return f"{lines}\n{markdown.rstrip(chr(10))}\n\n{lines}"


def _title(title: str, markings: Sequence[str]) -> str:
    """ "REHEARSAL: DRAFT: Joint targeted area inspection …": each marking's first word, then the title."""
    return "".join(f"{m.split(' ', 1)[0]}: " for m in markings) + title


def _emit(markdown: str, fmt: Format, created: datetime, markings: Sequence[str] = ()) -> bytes:
    """The Markdown in `fmt`, with every marking at the top and foot of the document and, in a PDF, in the
    header of every page."""
    if fmt is Format.MARKDOWN:
        return (_marked(markdown, markings) if markings else markdown).encode()
    body, title = _body(markdown)
    title = _title(title, markings)
    if fmt is Format.PDF:
        return render_pdf(_html(body, title, False, markings), title, created, markings)
    return _html(body, title, large_print=fmt is Format.LARGE_PRINT, markings=markings).encode()
