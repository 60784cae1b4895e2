"""The REST channel (``POST /webhooks/rest/webhook``): Rasa's ``RestInput`` with the rules of ``channels/guard.py``.

Rasa 3.6.21's own REST channel passes on whatever the body holds: a missing ``sender`` becomes the shared
conversation ``default``, a ``message`` that is a number or a list crashes the pipeline (an empty ``200 []``, and with
``?stream=true`` a response that never ends), ``/restart`` typed by a visitor restarts the conversation, the caller
chooses ``input_channel`` and stores any ``metadata`` in the tracker, and a failure is logged with the message text.
This channel, configured in credentials.yml as ``channels.rest.RestInput`` under the same name (``rest``) and URL:

- reads the body itself: it must be a JSON object (else 400); ``sender`` must be 1-64 letters, digits, ``-`` or ``_``
  (else 400); ``message`` must be a string (else 400) of valid Unicode (else 400). Every refusal is
  ``{"error": <key>, "message": <Dutch text of channels/messages.yml>}``; a body over 64 KB gets 413 the same way
  (Sanic's limit, ``assistant/serve.py``);
- turns commands the assistant does not offer into text and cuts the message (``channels.guard.visitor_text``);
- stores ``input_channel: rest`` and no caller metadata (the event's timestamp says when it was received);
- answers a failure of the assistant with the apology ``failure`` (200), in the stream too, and always ends the
  stream; logs only the kind of failure and where it happened, never the text or the sender.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import traceback
from pathlib import Path
from typing import Any, Awaitable, Callable, Coroutine, Dict, Tuple

import rasa.utils.endpoints
from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.channels.rest import QueueOutputChannel
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.guard import (
    REQUEST_MAX_BYTES,
    agent_domain,
    is_valid_unicode,
    messages,
    offered_commands,
    valid_sender,
    visitor_text,
)

logger = logging.getLogger(__name__)
_DONE = object()


class Refusal(Exception):
    """A request the channel does not pass on: its HTTP status and the key of its Dutch message."""

    def __init__(self, status: int, key: str) -> None:
        super().__init__(key)
        self.status = status
        self.key = key

    def response(self) -> HTTPResponse:
        return response.json({"error": self.key, "message": getattr(messages(), self.key)}, status=self.status)


def read_request(body: bytes) -> Tuple[str, str]:
    """The sender and message of a request body, or :class:`Refusal`."""
    if not body or not body.strip():
        raise Refusal(400, "invalid_body")
    try:
        data = json.loads(body)
    except UnicodeDecodeError:
        raise Refusal(400, "invalid_encoding") from None
    except (ValueError, RecursionError):
        raise Refusal(400, "invalid_body") from None
    if not isinstance(data, dict):
        raise Refusal(400, "invalid_body")
    sender = data.get("sender")
    if not valid_sender(sender):
        raise Refusal(400, "invalid_sender")
    message = data.get("message")
    if not isinstance(message, str):
        raise Refusal(400, "invalid_message")
    if not is_valid_unicode(message):
        raise Refusal(400, "invalid_encoding")
    return sender, message


def failure_location(error: BaseException) -> str:
    """Where an exception was raised (file and line), for a log line that carries no message text."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return "unknown"
    frame = frames[-1]
    return f"{Path(frame.filename).name}:{frame.lineno}"


def log_failure(channel: str, error: BaseException) -> None:
    """Log a failure to handle a message: its kind and place only (text and sender are health data)."""
    logger.error(
        "%s: the assistant failed to handle a message: %s at %s (message text not logged)",
        channel,
        type(error).__name__,
        failure_location(error),
    )


def apology(sender: str) -> Dict[str, Any]:
    """The apology for a failure, as a bot message of the REST channel."""
    return {"recipient_id": sender, "text": messages().failure}


async def handle(on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage, channel: str) -> bool:
    """Pass ``message`` on; False (logged without text) when the assistant failed."""
    try:
        await on_new_message(message)
    except asyncio.CancelledError as error:
        log_failure(channel, error)
        return False
    except Exception as error:  # any failure of the pipeline: the visitor gets the apology, never silence
        log_failure(channel, error)
        return False
    return True


class RestInput(RasaRestInput):
    """Rasa's REST channel with a validated sender and message, commands as text, a stream that always ends."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def user_message(self, text: str, output: OutputChannel, sender: str) -> UserMessage:
        """The message as stored: our channel name, no caller metadata; the receive time for `make report`."""
        return UserMessage(text, output, sender, input_channel=self.name(), metadata={"received_at": time.time()})

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Any:
            try:
                sender, text = read_request(request.body)
            except Refusal as refusal:
                logger.info("rest: refused a request (%s)", refusal.key)
                return refusal.response()
            text = visitor_text(text, offered_commands(agent_domain(request.app)))
            if rasa.utils.endpoints.bool_arg(request, "stream", default=False):
                return response.stream(self.streamed(on_new_message, text, sender), content_type="text/event-stream")
            collector = CollectingOutputChannel()
            if not await handle(on_new_message, self.user_message(text, collector, sender), self.name()):
                collector.messages.append(apology(sender))
            return response.json(collector.messages)

        @webhook.exception(PayloadTooLarge)
        async def too_large(request: Request, _: Exception) -> HTTPResponse:
            logger.info("rest: refused a request body over %d bytes", REQUEST_MAX_BYTES)
            return Refusal(413, "too_large").response()

        return webhook

    def streamed(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]], text: str, sender: str
    ) -> Callable[[Any], Coroutine[Any, Any, None]]:
        """The answers, one JSON line each; ends also when the assistant fails (after the apology)."""

        async def stream(resp: Any) -> None:
            queue: asyncio.Queue = asyncio.Queue()

            async def run() -> None:
                try:
                    ok = await handle(
                        on_new_message, self.user_message(text, QueueOutputChannel(queue), sender), "rest"
                    )
                    if not ok:
                        await queue.put(apology(sender))
                finally:
                    await queue.put(_DONE)

            task = asyncio.ensure_future(run())
            while True:
                item = await queue.get()
                if item is _DONE:
                    break
                await resp.write(json.dumps(item) + "\n")
            await task

        return stream
