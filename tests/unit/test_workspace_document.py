"""The report inside a workspace page (services/workspace/document.py): only the document's `<main>`, only
the elements a document needs, no script, style or attribute but a header cell's scope, text escaped."""

from __future__ import annotations

from services.workspace.document import reduced


def page(main: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><title>T</title><style>body{}</style></head><body>'
        f'<a class="skip-link" href="#content">Skip</a><main id="content">{main}</main></body></html>'
    )


def test_the_documents_elements_are_kept_headings_one_level_down_with_govuk_classes() -> None:
    html = page(
        "<h1>Letter</h1><p>To: <strong>the chair</strong></p><h2>Key strengths</h2><ol><li>One</li></ol>"
        '<table><thead><tr><th scope="col">Inspectorate</th></tr></thead><tbody><tr><td>Ofsted</td></tr>'
        "</tbody></table>"
    )
    assert reduced(html) == (
        '<h2 class="govuk-heading-l">Letter</h2><p class="govuk-body">To: <strong>the chair</strong></p>'
        '<h3 class="govuk-heading-m">Key strengths</h3><ol class="govuk-list govuk-list--number"><li>One</li>'
        '</ol><table class="govuk-table"><thead class="govuk-table__head"><tr class="govuk-table__row">'
        '<th class="govuk-table__header" scope="col">Inspectorate</th></tr></thead><tbody '
        'class="govuk-table__body"><tr class="govuk-table__row"><td class="govuk-table__cell">Ofsted</td>'
        "</tr></tbody></table>"
    )


def test_scripts_styles_frames_attributes_and_unknown_elements_do_not_pass() -> None:
    html = page(
        '<p onclick="steal()" style="color:red" class="x">Hi<script>alert(1)</script></p>'
        '<iframe src="https://evil.example"><p>inside</p></iframe><img src=x onerror="steal()">'
        '<a href="javascript:steal()">link text</a><svg><script>alert(2)</script></svg>'
        '<th scope="evil">cell</th>'
    )
    out = reduced(html)
    assert out == ('<p class="govuk-body">Hi</p>link text<th class="govuk-table__header">cell</th>')
    for banned in ("script", "onclick", "style", "iframe", "inside", "img", "href", "svg", "evil"):
        assert banned not in out


def test_text_is_escaped_and_nothing_outside_main_is_shown() -> None:
    html = page("<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co</p>") + "<p>after main</p>"
    assert reduced(html) == '<p class="govuk-body">&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co</p>'
    assert reduced("<p>no main at all</p>") == ""


def test_unclosed_elements_are_closed_and_stray_end_tags_ignored() -> None:
    assert reduced("<main><ul><li>one<li>two</main>") == (
        '<ul class="govuk-list govuk-list--bullet"><li>one<li>two</li></li></ul>'
    )
    assert reduced("<main></p><p>x</div></p></main>") == '<p class="govuk-body">x</p>'
