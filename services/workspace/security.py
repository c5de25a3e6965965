"""The headers every answer of the workspace carries.

The Content-Security-Policy allows scripts, styles, fonts and images from the workspace itself only: no
inline script or style at all (the pages have none: the GOV.UK template's inline line that marks the body
`js-enabled` is done by static/workspace.mjs instead), no plugin, no frame of it on another site, no form
posted elsewhere. Pages hold case text and personal data, so they are not stored by the browser or any
cache (`no-store`); the static assets may be."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


class SecurityHeaders:
    """ASGI middleware: the headers above on every answer; `Cache-Control: no-store` on all but the
    static assets."""

    def __init__(self, app: ASGIApp, static_prefixes: tuple[str, ...] = ("/static/", "/assets/")) -> None:
        self.app, self.static_prefixes = app, static_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith(self.static_prefixes)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers[name] = value
                if not static:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, with_headers)
