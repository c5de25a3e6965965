"""A service's /docs (Swagger UI) and /redoc (ReDoc) in a real browser with no internet: Debian's chromium
loads each page from the service on a loopback port, every request to any other server refused, and the
page shows the service's operations (shared/mechanics/openapi.py). Before, both pages were blank offline:
their scripts came from a CDN."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Route, async_playwright

from services.evidence.app import build
from shared.mechanics.settings import Settings
from tests.helpers import served as serving

CHROMIUM = Path("/usr/bin/chromium")  # Debian's package: never a browser downloaded at run time
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


@pytest.fixture
async def served(public_key: Path) -> AsyncIterator[str]:
    """The evidence service's HTTP API on a loopback port (no database needed for its pages)."""
    app = build(Settings(auth_public_key_file=public_key)).app
    async with serving(app) as base:
        yield base


@pytest.mark.timeout(180)
async def test_swagger_ui_and_redoc_show_the_operations_with_no_internet(served: str) -> None:
    if not CHROMIUM.exists():  # noqa: ASYNC240 (one stat, before the browser starts)
        pytest.fail(f"this test drives Debian's chromium at {CHROMIUM}: `apt-get install chromium`")
    own = urlsplit(served).netloc
    elsewhere: list[str] = []
    errors: list[str] = []
    refused: list[str] = []  # what the pages' Content Security Policy kept them from fetching

    async def only_the_service(route: Route) -> None:
        if urlsplit(route.request.url).netloc == own:
            await route.continue_()
        else:  # as with no internet: the page must not need it
            elsewhere.append(route.request.url)
            await route.abort("internetdisconnected")

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = await browser.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on(
                "console",
                lambda message: (
                    refused.append(message.text) if "Content Security Policy" in message.text else None
                ),
            )
            await page.route("**/*", only_the_service)

            await page.goto(f"{served}/docs")
            await page.locator(".opblock").first.wait_for(timeout=60_000)
            operations = await page.locator(".opblock").count()
            assert operations >= 20  # the evidence service's operations, each its own block
            assert await page.get_by_text(
                "Record an evidence item for the inspector's own inspectorate"
            ).count()

            await page.goto(f"{served}/redoc")
            await page.get_by_role("heading", name="JIP evidence service").first.wait_for(timeout=60_000)
            assert await page.get_by_text(
                "Record an evidence item for the inspector's own inspectorate"
            ).count()
        finally:
            await browser.close()
    assert elsewhere == []
    assert errors == []
    # Only ReDoc's footer logo, an image on cdn.redoc.ly, is refused: never a script, style or font.
    assert all("img-src" in text and "cdn.redoc.ly" in text for text in refused), refused
