"""Which Rasa worker gets a request: sticky for socket.io sessions, by conversation for the rest.

- An Engine.IO handshake (a socket.io request without ``sid``) goes to the next worker in turn; the worker's
  answer names the new session (``0{"sid": ...}``), which the router remembers.
- A later request of that session (a poll, a post, the websocket upgrade) carries ``sid=...``: it goes to the
  worker that opened it. The router keeps at most ``max_sessions`` sessions (the least recently used are
  forgotten) and forgets a session whose websocket closed.
- A REST message goes to the worker chosen by its ``sender``, a Telegram update by its chat, an HTTP API call on
  ``/conversations/<id>/`` by ``<id>``: the same conversation, the same worker, so its turns do not wait for
  another process's lock. Any worker could answer them correctly (shared conversation and lock stores), except
  that a Telegram update delivered twice is recognised only by the worker that saw it (channels/telegram.py).
- Everything else goes to the next worker in turn.
"""

from __future__ import annotations

import itertools
import json
import re
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Mapping, Optional, Sequence, Tuple

SOCKETIO_PREFIX = "/socket.io"
REST_WEBHOOK = "/webhooks/rest/webhook"
TELEGRAM_WEBHOOK = "/webhooks/telegram/webhook"
# The first bytes of an Engine.IO handshake answer hold the session id (EIO 4: `0{"sid":"..."}`, EIO 3 polling
# prefixes a length: `96:0{"sid":"..."}`).
_OPEN_PACKET_SID = re.compile(rb'"sid"\s*:\s*"([A-Za-z0-9_\-.=]{1,128})"')
_OPEN_PACKET_HEAD = 512
_CONVERSATION_PATH = re.compile(r"^/conversations/([^/]+)(?:/|$)")
DEFAULT_MAX_SESSIONS = 100_000


@dataclass(frozen=True)
class Worker:
    """One Rasa worker, on a loopback port."""

    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @classmethod
    def parse(cls, address: str) -> Worker:
        """``127.0.0.1:5101`` -> Worker; a ValueError names what is wrong."""
        host, separator, port = address.rpartition(":")
        if not separator or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"worker address {address!r}: expected host:port, e.g. 127.0.0.1:5101")
        return cls(host, int(port))


def is_socketio(path: str) -> bool:
    return path == SOCKETIO_PREFIX or path.startswith(SOCKETIO_PREFIX + "/")


def session_of(query: Mapping[str, str]) -> Optional[str]:
    """The Engine.IO session a socket.io request belongs to (``sid=``), None for a handshake."""
    return query.get("sid") or None


def opened_session(answer: bytes) -> Optional[str]:
    """The session id in a worker's answer to a handshake, None when the answer opened none."""
    found = _OPEN_PACKET_SID.search(answer[:_OPEN_PACKET_HEAD])
    return found.group(1).decode("ascii") if found else None


def _json_object(body: Optional[bytes]) -> Optional[dict]:
    if not body:
        return None
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, or nested too deep: the worker refuses it
        return None
    return document if isinstance(document, dict) else None


def _telegram_chat(update: dict) -> Optional[str]:
    """The chat of a Telegram update: the conversation id channels/telegram.py gives it."""
    callback = update.get("callback_query")
    message = callback.get("message") if isinstance(callback, dict) else None
    message = message or update.get("message") or update.get("edited_message")
    chat = message.get("chat") if isinstance(message, dict) else None
    chat_id = chat.get("id") if isinstance(chat, dict) else None
    return str(chat_id) if isinstance(chat_id, (int, str)) and not isinstance(chat_id, bool) else None


def conversation_of(path: str, body: Optional[bytes]) -> Optional[str]:
    """The conversation a request is about: ``/conversations/<id>/...``, a REST message's ``sender``, a
    Telegram update's chat (so an update Telegram delivers twice reaches the worker that saw it first)."""
    found = _CONVERSATION_PATH.match(path)
    if found:
        return found.group(1)
    route = path.rstrip("/")
    if route == REST_WEBHOOK:
        sender = (_json_object(body) or {}).get("sender")
        return sender if isinstance(sender, str) and sender else None
    if route == TELEGRAM_WEBHOOK:
        update = _json_object(body)
        return _telegram_chat(update) if update else None
    return None


class Router:
    """Picks a worker index for each request (see module docstring)."""

    def __init__(self, workers: Sequence[Worker], max_sessions: int = DEFAULT_MAX_SESSIONS) -> None:
        if not workers:
            raise ValueError("the gateway needs at least one worker")
        self.workers = tuple(workers)
        self.max_sessions = max_sessions
        self._sessions: OrderedDict[str, int] = OrderedDict()
        self._turn = itertools.cycle(range(len(self.workers)))

    def next_in_turn(self) -> int:
        return next(self._turn)

    def for_conversation(self, conversation_id: str) -> int:
        """The same worker for the same conversation (stable across restarts: CRC-32, not Python's hash)."""
        return zlib.crc32(conversation_id.encode("utf-8", "surrogatepass")) % len(self.workers)

    def remember(self, session: str, index: int) -> None:
        self._sessions[session] = index
        self._sessions.move_to_end(session)
        while len(self._sessions) > self.max_sessions:
            self._sessions.popitem(last=False)

    def forget(self, session: str) -> None:
        self._sessions.pop(session, None)

    def session_worker(self, session: str) -> Optional[int]:
        index = self._sessions.get(session)
        if index is not None:
            self._sessions.move_to_end(session)
        return index

    @property
    def sessions(self) -> int:
        return len(self._sessions)

    def route(self, path: str, query: Mapping[str, str], body: Optional[bytes]) -> Tuple[int, bool]:
        """(worker index, whether the answer opens a socket.io session the router should learn)."""
        if is_socketio(path):
            session = session_of(query)
            if session is None:
                return self.next_in_turn(), True
            known = self.session_worker(session)
            # An unknown session (forgotten, or from before a restart): any worker answers "unknown session"
            # and the widget opens a new one.
            return (self.next_in_turn() if known is None else known), False
        conversation = conversation_of(path, body)
        if conversation is not None:
            return self.for_conversation(conversation), False
        return self.next_in_turn(), False
