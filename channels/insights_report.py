"""The maintainers' insights report (`make report`), served by the Rasa server behind the HTTP API's token.

credentials.yml:

    channels.insights_report.InsightsReport:
      path: /insights       # GET /insights/ the HTML report, GET /insights/report.json its numbers

Every request needs the API token (``RASA_AUTH_TOKEN``, else ``build/rasa_token``, as ``assistant/serve.py``):
``Authorization: Bearer <token>``, or HTTP Basic with the token as password (any user name), so a browser can ask
for it. Never in the URL: a ``?token=`` is refused like a missing token. Without a token configured nothing is
served. The files are the ones `make report` wrote (``INSIGHTS_REPORT_DIR``, default ``reports/insights``), read
as they are on every request: building the report never runs on a request. The page has a Content-Security-Policy
that allows only its own inline style and data: images (its plots), and is never cached.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
import os
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.serve import auth_token

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIRECTORY = ROOT / "reports" / "insights"
FILES = {"": ("report.html", "text/html; charset=utf-8"), "report.json": ("report.json", "application/json")}
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
CHALLENGE = {"WWW-Authenticate": 'Basic realm="insights", charset="UTF-8"', "Cache-Control": "no-store"}


def presented_token(authorization: Optional[str]) -> Optional[str]:
    """The token in an Authorization header: ``Bearer <token>`` or Basic with it as the password; else None."""
    if not authorization:
        return None
    scheme, _, value = authorization.strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and value:
        return value
    if scheme.lower() == "basic" and value:
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        _, colon, password = decoded.partition(":")
        return password if colon and password else None
    return None


def authorised(authorization: Optional[str], token: Optional[str]) -> bool:
    """True only when a token is configured and the header presents exactly it (compared in constant time)."""
    presented = presented_token(authorization)
    if not token or presented is None:
        return False
    return hmac.compare_digest(presented.encode("utf-8"), token.encode("utf-8"))


class InsightsReport(InputChannel):
    """Serves the written report at <path>/ and <path>/report.json to whoever has the API token."""

    @classmethod
    def name(cls) -> str:
        return "insights_report"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InsightsReport:
        credentials = credentials or {}
        return cls(path=credentials.get("path") or "/insights")

    def __init__(self, path: str = "/insights", directory: Optional[str] = None) -> None:
        self.path = "/" + path.strip("/")
        chosen = directory or os.environ.get("INSIGHTS_REPORT_DIR")
        self.directory = Path(chosen).resolve() if chosen else DEFAULT_DIRECTORY

    def url_prefix(self) -> str:
        return self.path  # absolute: not under /webhooks/

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        page = Blueprint("insights_report", __name__)
        token = auth_token(os.environ)
        if not token:
            logger.warning("insights report: no API token configured (RASA_AUTH_TOKEN), so it is not served")

        async def send(request: Request, name: str) -> HTTPResponse:
            if "token" in request.args or not authorised(request.headers.get("authorization"), token):
                return response.text("authentication required", status=401, headers=CHALLENGE)
            filename, content_type = FILES[name]
            path = self.directory / filename
            if not path.is_file():
                return response.text("no report yet: run `make report`", status=404, headers=HEADERS)
            return response.raw(path.read_bytes(), headers=HEADERS, content_type=content_type)

        @page.route("/", methods=["GET"], strict_slashes=True)
        async def index(request: Request) -> HTTPResponse:
            return await send(request, "")

        @page.route("", methods=["GET"], strict_slashes=True)
        async def without_slash(_: Request) -> HTTPResponse:
            return response.redirect(f"{self.path}/")

        @page.route("/report.json", methods=["GET"])
        async def numbers(request: Request) -> HTTPResponse:
            return await send(request, "report.json")

        return page
