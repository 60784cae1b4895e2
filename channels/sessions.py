"""The widget's session ids, minted and signed by the server, and the conversation id derived from them.

A session id is 128 random bits and an HMAC-SHA256 of them (cut to 128 bits) with the key ``WEBCHAT_SESSION_KEY``
(from the environment; ``scripts/run.sh`` generates one into ``build/webchat_session_key`` when it is unset), both
as hex: ``<32 hex>-<32 hex>``. Only the widget that received it in ``session_confirm`` knows it (rasa-webchat keeps
it in the tab's sessionStorage). The conversation id - the tracker's sender id, the socket.io room the answers are
sent to, and the "gesprekscode" the page shows the visitor for privacy requests - is a one-way hash of the session
id (:func:`conversation_id`; ``web/chat.js`` computes the same hash). Knowing a conversation code therefore does
not let anyone join the live chat or write into it: joining needs the session id, and a session id the server did
not sign gets a fresh one.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path
from typing import Mapping, Optional, TypeGuard

from rasa.shared.exceptions import RasaException

KEY_ENV = "WEBCHAT_SESSION_KEY"
KEY_FILE = Path(__file__).resolve().parent.parent / "build" / "webchat_session_key"
MIN_KEY_CHARACTERS = 32
SESSION_ID = re.compile(r"([0-9a-f]{32})-([0-9a-f]{32})")
# Prefix of the hashed text; web/chat.js uses the same one.
CONVERSATION_PREFIX = "rugpijn-gesprek:"
CONVERSATION_ID_LENGTH = 32


class SessionKeyError(RasaException):
    """No usable WEBCHAT_SESSION_KEY: the widget's channel cannot sign session ids."""


def session_key(environ: Mapping[str, str] = os.environ, key_file: Path = KEY_FILE) -> bytes:
    """The signing key: WEBCHAT_SESSION_KEY, else the contents of ``key_file`` (made by scripts/run.sh).

    Raises:
        SessionKeyError: there is none, or it is shorter than 32 characters.
    """
    key = (environ.get(KEY_ENV) or "").strip()
    if not key and key_file.is_file():
        key = key_file.read_text(encoding="utf-8").strip()
    if len(key) < MIN_KEY_CHARACTERS:
        raise SessionKeyError(
            f"socketio: {KEY_ENV} is {'too short' if key else 'not set'}: the widget's session ids are signed with "
            f"it. Set it to at least {MIN_KEY_CHARACTERS} random characters, or start with scripts/run.sh, which "
            f"makes one in {KEY_FILE.parent.name}/{KEY_FILE.name}."
        )
    return key.encode("utf-8")


def conversation_id(session_id: str) -> str:
    """The tracker's sender id and socket.io room of a session: a one-way hash of the session id."""
    digest = hashlib.sha256((CONVERSATION_PREFIX + session_id).encode("utf-8")).hexdigest()
    return digest[:CONVERSATION_ID_LENGTH]


class SessionIds:
    """Mints session ids and recognises the ones this server (its key) signed."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def _signature(self, token: str) -> str:
        return hmac.new(self._key, token.encode("ascii"), hashlib.sha256).hexdigest()[:32]

    def mint(self) -> str:
        """A new session id: 128 random bits and their signature."""
        token = secrets.token_hex(16)
        return f"{token}-{self._signature(token)}"

    def signed(self, session_id: Optional[object]) -> TypeGuard[str]:
        """True when ``session_id`` is one this key signed."""
        if not isinstance(session_id, str):
            return False
        match = SESSION_ID.fullmatch(session_id)
        return match is not None and hmac.compare_digest(self._signature(match.group(1)), match.group(2))
