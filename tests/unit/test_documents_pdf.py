"""The PDF of every document, read with the tools its readers use (issue 22 point 3): Poppler's `pdffonts`
(every font embedded, with a Unicode map, and the bundled one), `pdfinfo` (tagged, titled, dated by its
content) and `pdftotext` (every name reads back as it was recorded, a draft says so on every page, a table
is on one page with its header row, whose cells start where their columns do)."""

from __future__ import annotations

import logging
import re
import zlib
from datetime import UTC, datetime

import pytest

from services.reporting.rendering import pdf as pdf_module
from services.reporting.rendering.documents import Format, render_report
from services.reporting.rendering.issue import LIVE
from shared.language.contracts.judgement import FindingKind, FindingRecorded
from shared.language.contracts.vocabulary import Agency
from tests import poppler
from tests.unit.test_documents_render import ISSUES, NAMES, events, render, text

NAME = "Łukasz Wróbel-Nguyễn"


def flat(words: str) -> str:
    """Text with its lines joined, as a reader reads it across line breaks."""
    return re.sub(r"\s+", " ", words.replace("-\n", "-")).strip()


@pytest.mark.parametrize("name", NAMES)
def test_every_font_is_the_bundled_one_embedded_with_a_unicode_map(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        fonts = poppler.fonts(render(name, Format.PDF))
    assert not caplog.records, [r.getMessage() for r in caplog.records]  # every bundled font loaded
    assert fonts
    for font in fonts:
        assert font["emb"] == "yes", font["line"]
        assert font["uni"] == "yes", font["line"]
        assert "DejaVu-Sans" in font["name"], font["line"]  # services/reporting/fonts, not the machine's


@pytest.mark.parametrize("name", NAMES)
def test_the_pdf_is_tagged_and_titled_like_its_html_page(name: str) -> None:
    document = render(name, Format.PDF)
    info = poppler.info(document)
    assert info["Tagged"] == "yes"
    title = re.search(r"<title>(.*?)</title>", text(name, Format.HTML), re.DOTALL)
    assert title is not None
    assert info["Title"] == title.group(1).replace("&#39;", "'")
    streams = [document]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", document, re.DOTALL):
        try:
            streams.append(zlib.decompress(stream))
        except zlib.error:
            continue
    structure = b"\n".join(streams)
    assert b"/Lang (en-GB)" in structure
    for tag in (b"/S /H1", b"/S /H2", b"/S /P", b"/S /Table", b"/S /TH", b"/S /TD"):
        assert tag in structure, tag
    if name != "overview":
        assert b"/S /L" in structure
        assert b"/S /LI" in structure


def test_a_pdf_is_the_same_every_time_and_dated_by_its_content() -> None:
    decoded = events("combined_report")
    first, second = render_report(decoded, Format.PDF), render_report(decoded, Format.PDF)
    assert first == second
    assert first.startswith(b"%PDF-")
    assert poppler.info(first)["CreationDate"].startswith("2026-10-02T00:00:00")  # the last day of fieldwork
    dated = render_report(decoded, Format.PDF, as_at=datetime(2026, 11, 1, 12, tzinfo=UTC))
    assert dated != first
    assert poppler.info(dated)["CreationDate"].startswith("2026-11-01T12:00:00")


def test_every_name_reads_back_as_it_was_recorded() -> None:
    letter = flat(poppler.text(render("findings_letter", Format.PDF), raw=True))
    markdown = text("findings_letter")
    to = re.search(r"\*\*To:\*\* (.*?)  \n", markdown)
    assert to is not None
    assert flat(f"To: {to.group(1)}") in letter
    signatories = [line[2:] for line in markdown.split("Yours sincerely,\n\n", 1)[1].splitlines()]
    assert (
        f"Lead inspector for the Care Quality Commission: {NAME}, children's services inspector"
        in signatories
    )
    for signatory in signatories:
        assert flat(signatory) in letter, signatory
    targeted = flat(poppler.text(render("targeted_letter", Format.PDF), raw=True))
    assert (
        f"To: {NAME}, chair of the Wakefield Local Safeguarding Children Board; and the Director" in targeted
    )


def test_a_draft_says_so_on_every_page_and_a_final_document_on_none() -> None:
    combined = ISSUES["combined_report"]
    pages = poppler.pages(render("combined_report", Format.PDF))
    assert len(pages) > 1
    for page in pages:
        assert flat(page).startswith(combined.marking()), page[:200]
    assert flat(pages[0]).count(combined.marking()) == 2  # the page's header, then the document's top
    final = poppler.text(render("findings_letter", Format.PDF))
    assert "DRAFT" not in final
    assert "Date of issue: Friday 10 April 2026" in final


def test_table_header_cells_start_where_their_columns_do() -> None:
    document = render("findings_letter", Format.PDF)
    page = next(n for n, p in enumerate(poppler.pages(document), 1) if "Evidence items" in p)
    placed = poppler.words(document, page)
    said = [w for w, _, _ in placed]
    header = next(i for i in range(len(said) - 2) if said[i : i + 3] == ["Inspectorate", "Evidence", "items"])
    first, second = placed[header][1], placed[header + 1][1]
    after = said.index("Next", header)  # the table ends where the next section starts
    rows = [(w, x) for w, x, _ in placed[header + 3 : after]]
    counts = [x for w, x in rows if w.isdigit()]
    names = [x for w, x in rows if w in ("Ofsted", "The", "HM")]
    assert len(counts) == 4
    assert {round(x, 1) for x in counts} == {round(second, 1)}
    assert {round(x, 1) for x in names} == {round(first, 1)}


def _padded(lines: int) -> bytes:
    """The JTAI letter with `lines` more findings, pushing its evidence table down the pages."""
    decoded = events("findings_letter")
    more = [
        FindingRecorded(
            inspection_id="jtai-wakefield",
            finding_id=f"f-pad-{n}",
            kind=FindingKind.AREA_FOR_DEVELOPMENT,
            addressed_to=Agency.POLICE,
            text="Record the reasons for each decision about a child who goes missing, and review them.",
            evidence_item_ids=["ev-4"],
        )
        for n in range(lines)
    ]
    return render_report([*decoded, *more], Format.PDF, issue=LIVE)


@pytest.mark.parametrize("lines", range(6, 14))
def test_no_page_holds_only_the_tail_of_a_table(lines: int) -> None:
    pages = [flat(p) for p in poppler.pages(_padded(lines))]
    header = [n for n, p in enumerate(pages) if "Inspectorate Evidence items" in p]
    assert len(header) == 1
    rows = ("Ofsted 3", "The Care Quality Commission 1", "HM Inspectorate of Constabulary 2")
    on_page = pages[header[0]]
    for row in rows:
        assert row in on_page, (lines, row)
    for page in pages[1:]:
        assert not page.removeprefix(LIVE.marking()).strip().startswith("HM Inspectorate of Probation 0")


def test_nothing_but_the_bundled_fonts_is_fetched() -> None:
    with pytest.raises(ValueError, match="nothing but its bundled fonts"):
        pdf_module.bundled("https://example.invalid/tracker.png")
    with pytest.raises(ValueError, match="nothing but its bundled fonts"):
        pdf_module.bundled("file:///etc/passwd")
    pictured = FindingRecorded(
        inspection_id="jtai-wakefield",
        finding_id="f-image",
        kind=FindingKind.KEY_STRENGTH,
        addressed_to=Agency.POLICE,
        text="See ![the chart](https://example.invalid/chart.png) for the trend.",
        evidence_item_ids=["ev-4"],
    )
    document = render_report([*events("findings_letter"), pictured], Format.PDF)
    assert "for the trend." in flat(poppler.text(document))
