"""The report as a page shows it: the reporting service's accessible HTML, reduced to what a document
needs before it goes inside a workspace page.

The reporting service renders Markdown with raw HTML turned off, so what inspectors wrote is already text.
The workspace does not rely on that: it keeps only the document's `<main>`, rebuilds it from an allowed
list of elements (headings, paragraphs, lists, tables, quotations, emphasis), drops every attribute but a
header cell's `scope`, drops scripts, styles and frames with their content, and escapes all text. Headings
go down one level, so the page's own `<h1>` stays the only one, and each element gets the GOV.UK class
that styles it."""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser

# Element of the document -> (element in the page, its GOV.UK class).
ALLOWED = {
    "h1": ("h2", "govuk-heading-l"),
    "h2": ("h3", "govuk-heading-m"),
    "h3": ("h4", "govuk-heading-s"),
    "h4": ("h5", "govuk-heading-s"),
    "h5": ("h6", "govuk-heading-s"),
    "h6": ("h6", "govuk-heading-s"),
    "p": ("p", "govuk-body"),
    "ul": ("ul", "govuk-list govuk-list--bullet"),
    "ol": ("ol", "govuk-list govuk-list--number"),
    "li": ("li", ""),
    "blockquote": ("div", "govuk-inset-text"),
    "strong": ("strong", ""),
    "em": ("em", ""),
    "code": ("code", ""),
    "table": ("table", "govuk-table"),
    "thead": ("thead", "govuk-table__head"),
    "tbody": ("tbody", "govuk-table__body"),
    "tr": ("tr", "govuk-table__row"),
    "th": ("th", "govuk-table__header"),
    "td": ("td", "govuk-table__cell"),
}
VOID = {
    "br": "<br>",
    "hr": '<hr class="govuk-section-break govuk-section-break--m govuk-section-break--visible">',
}
DROPPED_WITH_CONTENT = {"script", "style", "template", "iframe", "object", "embed", "svg", "math", "noscript"}
SCOPES = {"col", "row", "colgroup", "rowgroup"}


class _Reducer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []  # the document's allowed elements open now
        self.in_main = 0
        self.skipping = 0  # inside an element dropped with its content

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.in_main += 1
            return
        if not self.in_main:
            return
        if tag in DROPPED_WITH_CONTENT:
            self.skipping += 1
            return
        if self.skipping:
            return
        if tag in VOID:
            self.out.append(VOID[tag])
        elif tag in ALLOWED:
            element, classes = ALLOWED[tag]
            attributes = f' class="{classes}"' if classes else ""
            scope = dict(attrs).get("scope")
            if tag == "th" and scope in SCOPES:
                attributes += f' scope="{scope}"'
            self.out.append(f"<{element}{attributes}>")
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.in_main and not self.skipping and tag in VOID:
            self.out.append(VOID[tag])

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self._close_to(None)
            self.in_main = max(0, self.in_main - 1)
            return
        if not self.in_main:
            return
        if tag in DROPPED_WITH_CONTENT:
            self.skipping = max(0, self.skipping - 1)
            return
        if not self.skipping and tag in self.open:
            self._close_to(tag)

    def _close_to(self, tag: str | None) -> None:
        """Close the open elements down to `tag` (all of them for None), innermost first."""
        while self.open:
            last = self.open.pop()
            self.out.append(f"</{ALLOWED[last][0]}>")
            if last == tag:
                return

    def handle_data(self, data: str) -> None:
        if self.in_main and not self.skipping:
            self.out.append(escape(data, quote=False))


def reduced(html: str) -> str:
    """The `<main>` of a rendered document, as safe markup for a page (see the module's docstring)."""
    reducer = _Reducer()
    reducer.feed(html)
    reducer.close()
    reducer._close_to(None)
    return "".join(reducer.out).strip()
