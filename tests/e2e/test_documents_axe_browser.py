"""The reporting service's own documents in a real browser: every kind the golden tests render (findings
letters and reports, tests/unit/test_documents_render.py), in standard and large-print HTML, loaded into
Debian's chromium driven by Playwright with every request to any server refused (a document stands alone:
its style is inline and its fonts are the reader's own), and checked with axe-core against WCAG 2.2 A and
AA, the tags the workspace's browser tests use: zero violations (issue 22). One browser for the module."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from html import unescape
from typing import Any

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Route, async_playwright

from services.reporting.rendering.documents import Format
from tests.e2e.test_workspace_browser import ARGS, CHROMIUM, WCAG_22_AA
from tests.unit.test_documents_render import NAMES, render

AXE = Axe()
DOCUMENTS = [
    pytest.param(name, fmt, id=f"{name}-{fmt.value}")
    for name in NAMES
    for fmt in (Format.HTML, Format.LARGE_PRINT)
]


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    """Debian's chromium, started once for every document; if it is missing the tests fail (never skip)."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"the browser tests drive Debian's chromium at {CHROMIUM}, which is not installed: "
            "`apt-get install chromium` (`bin/jip test` installs it when run as root)"
        )
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield launched
        finally:
            await launched.close()


def described(violations: list[dict[str, Any]]) -> str:
    """Each violation as axe-core gives it: its rule, its impact and the nodes it was found on."""
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} [{violation['helpUrl']}]"
        )
        lines.extend(f"    {node['target']}: {node['html']}" for node in violation["nodes"])
    return "\n".join(lines)


@pytest.mark.parametrize(("name", "fmt"), DOCUMENTS)
async def test_each_document_in_html_and_large_print_has_no_wcag_2_2_aa_violation(
    browser: Browser, name: str, fmt: Format
) -> None:
    document = render(name, fmt).decode()
    requested: list[str] = []

    async def refused(route: Route) -> None:  # as with no internet: a document must not need it
        requested.append(route.request.url)
        await route.abort("internetdisconnected")

    context = await browser.new_context()
    try:
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.route("**/*", refused)
        await page.set_content(document, wait_until="load")
        title = await page.title()
        results = await AXE.run(page, options=WCAG_22_AA)
    finally:
        await context.close()

    violations: list[dict[str, Any]] = results.response["violations"]
    assert not violations, (
        f"{name}.{fmt.value}: {len(violations)} WCAG 2.2 AA violations\n{described(violations)}"
    )
    assert title, f"{name}.{fmt.value}: the page has no title"  # the document was loaded, not a blank page
    assert f"<title>{title}</title>" in unescape(document)
    assert not requested, f"{name}.{fmt.value} asked for {requested}"
    assert not errors, errors
    assert results.response["passes"], "axe-core ran no rule on the document"  # the check was not vacuous
    # A table whose headers became plain cells breaks no rule axe runs by default (its td-has-header is
    # experimental, and skips small tables), so each table's header cells are checked here.
    for table in re.findall(r"<table\b.*?</table>", document, flags=re.S):
        assert re.search(r"<th\b[^>]*\bscope=", table), f"{name}.{fmt.value}: a table without header cells"
