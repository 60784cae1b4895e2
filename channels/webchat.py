"""Rasa's socket.io channel for the website widget, with two fixes for Rasa 3.6.21.

1. Allowed origins. Rasa creates its `AsyncServer` with `cors_allowed_origins=[]`, which switches python-engineio's
   origin check off: any web page could open a socket to the assistant in a visitor's browser. Here the allowed
   origins come from credentials.yml (`cors_allowed_origins`, a list or a string of origins separated by spaces or
   commas). `*` is refused. Without the key, only the server's own origin is accepted (engineio's default).
2. The room join. With `session_persistence`, every socket joins the room named after its session id, and the
   assistant's answers are emitted to that room. Rasa calls `sio.enter_room(...)` without `await`; python-socketio
   5.10+ made it a coroutine, so the join silently never happens there (no answers arrive). The handler is replaced
   by one that awaits it when it is awaitable (python-socketio 5.9, pinned in requirements.txt, returns None).
   (rasa#13027: "await" is missing.) A message is only accepted for the session its socket joined.
3. Session ids minted by the server (channels/sessions.py): 128 random bits, HMAC-signed with WEBCHAT_SESSION_KEY;
   an id the server did not sign gets a fresh one in `session_confirm`. The tracker id and the room are a one-way
   hash of the session id (the code the page shows), so a conversation code cannot be used to join the live chat.
4. The input rules of the REST channel (channels/guard.py): a message that is not a string or not valid Unicode gets
   a Dutch answer (channels/messages.yml), never silence; commands the assistant does not offer are read as text;
   messages are cut to the same limit; no caller metadata is stored; a failure gets the apology, logged without
   text. engineio's `max_http_buffer_size` is the same 64 KB budget as a REST body.

Both are done through public points: the channel's `blueprint()`, python-socketio's `sio.on(...)` (which replaces
Rasa's handler of the same event) and engineio's documented `cors_allowed_origins` setting.
"""

from __future__ import annotations

import inspect
import logging
import re
import time
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Union
from urllib.parse import urlsplit

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from rasa.core.channels.socketio import SocketIOOutput
from rasa.shared.exceptions import RasaException
from sanic import Blueprint

from channels.guard import REQUEST_MAX_BYTES, agent_domain, is_valid_unicode, messages, offered_commands, visitor_text
from channels.rest import handle
from channels.sessions import SessionIds, conversation_id, session_key

logger = logging.getLogger(__name__)


class OriginConfigurationError(RasaException):
    """The allowed origins in credentials.yml are not usable."""


def parse_origins(value: Union[None, str, Iterable[str]]) -> Optional[List[str]]:
    """The allowed origins from configuration: a list, or a string separated by spaces or commas.

    Returns None when nothing is configured (engineio then accepts only the server's own origin).
    Raises OriginConfigurationError for `*`, for anything that is not `scheme://host[:port]`.
    """
    if value is None:
        return None
    items = re.split(r"[\s,]+", value) if isinstance(value, str) else [str(item) for item in value]
    origins = []
    for item in (item.strip() for item in items):
        if not item:
            continue
        if "*" in item:
            raise OriginConfigurationError(
                "socketio: cors_allowed_origins may not contain '*': name the page's origin, "
                "e.g. https://www.example-shop.nl"
            )
        parts = urlsplit(item)
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or parts.path not in ("", "/")
            or parts.query
            or parts.fragment
            or parts.username
        ):
            raise OriginConfigurationError(
                f"socketio: {item!r} is not an origin (scheme://host[:port], without a path)"
            )
        origins.append(f"{parts.scheme}://{parts.netloc}".lower())
    return origins or None


class SocketIOInput(RasaSocketIOInput):
    """Rasa's socket.io channel with configured CORS origins, an awaited room join, signed sessions, checked input."""

    def __init__(self, *args: Any, cors_allowed_origins: Union[None, str, List[str]] = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cors_allowed_origins = parse_origins(cors_allowed_origins)
        self.sanic_app: Any = None

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> SocketIOInput:
        credentials = credentials or {}
        channel = super().from_credentials(credentials)
        channel.cors_allowed_origins = parse_origins(credentials.get("cors_allowed_origins"))
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio
        # Rasa passed cors_allowed_origins=[] (check off); engineio reads the attribute on every handshake.
        sio.eio.cors_allowed_origins = self.cors_allowed_origins
        logger.info("socketio: allowed origins %s", self.cors_allowed_origins or "(the server's own origin only)")

        # Rasa passed engineio's default of 1 MB per message; the same budget as a REST body.
        sio.eio.max_http_buffer_size = REQUEST_MAX_BYTES
        session_ids = SessionIds(session_key())
        output = SocketIOOutput(sio, self.bot_message_evt)

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Optional[Dict]) -> None:
            data = data if isinstance(data, dict) else {}
            session_id = data.get("session_id")
            if not session_ids.signed(session_id):
                session_id = session_ids.mint()
            if self.session_persistence:
                joined = sio.enter_room(sid, conversation_id(session_id), namespace=self.namespace)
                if inspect.isawaitable(joined):
                    await joined
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        # Replaces Rasa's handler of the same event (python-socketio keeps one handler per event): the same
        # message, but only for the session this socket joined, checked as the REST channel checks it.
        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any) -> None:
            if not isinstance(data, dict):
                await output.send_text_message(sid, messages().invalid_message)
                return
            if self.session_persistence:
                session_id = data.get("session_id")
                if not session_ids.signed(session_id) or conversation_id(session_id) not in sio.rooms(
                    sid, namespace=self.namespace
                ):
                    logger.warning("socketio: message for a session this socket did not join: ignored")
                    return
                sender_id = conversation_id(session_id)
            else:
                sender_id = sid
            message = data.get("message")
            if not isinstance(message, str):
                await output.send_text_message(sender_id, messages().invalid_message)
                return
            if not is_valid_unicode(message):
                await output.send_text_message(sender_id, messages().invalid_encoding)
                return
            text = visitor_text(message, offered_commands(agent_domain(self.sanic_app)))
            # No caller metadata (customData) is stored: only the receive time, for the insights report's latency.
            received = {"received_at": time.time()}
            user_message = UserMessage(text, output, sender_id, input_channel=self.name(), metadata=received)
            if not await handle(on_new_message, user_message, self.name()):
                await output.send_text_message(sender_id, messages().failure)

        @socketio_webhook.listener("before_server_start")
        async def remember_app(app: Any, _: Any) -> None:
            self.sanic_app = app  # its agent's domain names the commands a visitor may send

        return socketio_webhook
