"""The shop's demo page with the chat widget, served by the Rasa server itself.

Serving the page from the same server as the socket.io channel keeps the page and the socket on one origin, so the
socket.io channel's default allowed origins (http://127.0.0.1:<port> and http://localhost:<port>) fit, and
`make run` needs no second web server. The page and its scripts come from `web/`; the widget is the UMD bundle of
the npm package rasa-webchat installed by `npm ci` in `web/` (nothing from a CDN: the page works offline).

credentials.yml:

    channels.demo_page.DemoPage:
      path: /demo          # the page is served at http://<host>:<port>/demo/

The widget's stylesheet imports its font from Google Fonts; that `@import` is left out when the bundle is served,
and the page is sent with a Content-Security-Policy that allows only the server's own origin (and data: URIs), so
the page makes no third-party requests: visitors' health questions are nobody else's business.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional, Tuple

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

WEB = Path(__file__).resolve().parent.parent / "web"
WIDGET_BUNDLE = Path("node_modules") / "rasa-webchat" / "lib" / "index.js"

# URL name -> (file below web/, content type). Nothing else is served (no directory listing, no node_modules).
FILES = {
    "index.html": ("index.html", "text/html; charset=utf-8"),
    "style.css": ("style.css", "text/css; charset=utf-8"),
    "chat.js": ("chat.js", "text/javascript; charset=utf-8"),
    "webchat.js": (str(WIDGET_BUNDLE), "text/javascript; charset=utf-8"),
}

# The one third-party request in rasa-webchat 1.0.1's bundle (its CSS, repeated per component).
GOOGLE_FONT_IMPORT = b"@import url(https://fonts.googleapis.com/css?family=Inter:400,500,700&display=swap);"

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


class DemoPage(InputChannel):
    """Serves web/index.html at <path>/ and its assets at <path>/<file>. Receives no messages itself."""

    @classmethod
    def name(cls) -> str:
        return "demo_page"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> DemoPage:
        credentials = credentials or {}
        return cls(path=credentials.get("path") or "/demo", directory=credentials.get("directory"))

    def __init__(self, path: str = "/demo", directory: Optional[str] = None) -> None:
        self.path = "/" + path.strip("/")
        self.directory = Path(directory).resolve() if directory else WEB
        self._bundle_cache: Tuple[Optional[float], bytes] = (None, b"")

    def _bundle(self, path: Path) -> bytes:
        """The widget's bundle without the Google Fonts import (read again when the file changes)."""
        mtime = path.stat().st_mtime
        if self._bundle_cache[0] != mtime:
            self._bundle_cache = (mtime, path.read_bytes().replace(GOOGLE_FONT_IMPORT, b""))
        return self._bundle_cache[1]

    def url_prefix(self) -> str:
        # Absolute, so Rasa's urljoin("/webhooks/", prefix) keeps it: the page is not under /webhooks/.
        return self.path

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        page = Blueprint("demo_page", __name__)
        if not (self.directory / WIDGET_BUNDLE).is_file():
            logger.warning(
                "demo page: %s is missing, run `make setup` (npm ci in web/)", self.directory / WIDGET_BUNDLE
            )

        async def send(name: str) -> HTTPResponse:
            relative, content_type = FILES[name]
            path = self.directory / relative
            if not path.is_file():
                return response.text("not found", status=404, headers=SECURITY_HEADERS)
            if name == "webchat.js":
                return response.raw(self._bundle(path), headers=SECURITY_HEADERS, content_type=content_type)
            return await response.file(path, headers=SECURITY_HEADERS, mime_type=content_type)

        @page.route("/", methods=["GET"], strict_slashes=True)
        async def index(_: Request) -> HTTPResponse:
            return await send("index.html")

        @page.route("", methods=["GET"], strict_slashes=True)
        async def without_slash(_: Request) -> HTTPResponse:  # the page's relative links need the slash
            return response.redirect(f"{self.path}/")

        @page.route("/<name:str>", methods=["GET"])
        async def asset(_: Request, name: str) -> HTTPResponse:
            if name not in FILES:
                return response.text("not found", status=404, headers=SECURITY_HEADERS)
            return await send(name)

        return page
