"""What every input channel does with a visitor's input before Rasa sees it: one budget, one set of rules.

- **Budget.** A request body may be at most :data:`REQUEST_MAX_BYTES` (64 KB; Sanic's limit, set by
  ``assistant/serve.py`` before Rasa builds its app, and engineio's ``max_http_buffer_size`` for the widget's
  socket), and a message is cut to :data:`MAX_MESSAGE_CHARACTERS`, the same limit the NLU pipeline's ``TextGuard``
  cuts to for the classifiers (``config.yml``; ``tests/test_bad_input.py`` checks that the two agree). So no message
  can hold the event loop much longer than an ordinary one.
- **Conversation ids** (REST ``sender``) are ``[A-Za-z0-9_-]{1,64}``: reachable through the HTTP API and
  ``scripts/privacy.py``.
- **Text only.** A message must be a string of valid Unicode (a lone UTF-16 surrogate crashes spaCy); control
  characters other than tab and newline become spaces (PostgreSQL cannot store NUL).
- **Commands.** Rasa reads a message starting with ``/`` as an intent (``/restart``, ``/session_start``,
  ``/faq{"x":1}``, ...), after the whole NLU pipeline, so it would override the safety net. Only the payloads the
  assistant itself offers (the buttons of the model's domain, the action server's catalogs and the widget's
  ``initPayload``) pass as commands; anything else that starts with ``/`` loses its slashes and is read as text.

The Dutch refusals are in ``channels/messages.yml`` (no user-facing text in Python).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path
from typing import Any, FrozenSet, Iterable, Iterator, Optional, TypeGuard

import yaml

from common.data_files import Schema, checked, load_data_file, text

REQUEST_MAX_BYTES = 64 * 1024
MAX_MESSAGE_CHARACTERS = 1500
SENDER_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
COMMAND_PREFIX = "/"
# Commands the widget itself sends (web/chat.js: initPayload) and Telegram's /start maps to.
CLIENT_COMMANDS = frozenset({"/greet"})

HERE = Path(__file__).resolve().parent
MESSAGES_FILE = HERE / "messages.yml"
CATALOGS = HERE.parent / "actions" / "catalogs"
_KEPT_CONTROLS = {"\n", "\t"}


class ChannelMessages(Schema):
    """channels/messages.yml: what a visitor gets instead of an answer when the input cannot be passed on."""

    too_large: str
    invalid_body: str
    invalid_sender: str
    invalid_message: str
    invalid_encoding: str
    failure: str
    unavailable: str

    _texts = checked(
        "too_large",
        "invalid_body",
        "invalid_sender",
        "invalid_message",
        "invalid_encoding",
        "failure",
        "unavailable",
        check=text,
    )


def messages() -> ChannelMessages:
    """The channels' Dutch messages, loaded and validated once."""
    return load_data_file(MESSAGES_FILE, ChannelMessages)


def valid_sender(sender: Any) -> TypeGuard[str]:
    """True for a conversation id the HTTP API and scripts/privacy.py can reach."""
    return isinstance(sender, str) and SENDER_ID.fullmatch(sender) is not None


def is_valid_unicode(value: str) -> bool:
    """False when ``value`` holds a lone surrogate (it cannot be encoded as UTF-8)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _payloads(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "payload" and isinstance(value, str):
                yield value
            else:
                yield from _payloads(value)
    elif isinstance(node, list):
        for item in node:
            yield from _payloads(item)


@functools.cache
def catalog_payloads() -> FrozenSet[str]:
    """The button payloads of the action server's catalogs (actions/catalogs/*.yml), read once."""
    found: set[str] = set()
    for path in sorted(CATALOGS.glob("*.yml")):
        found.update(_payloads(yaml.safe_load(path.read_text(encoding="utf-8"))))
    return frozenset(payload for payload in found if payload.startswith(COMMAND_PREFIX))


def domain_payloads(domain: Any) -> FrozenSet[str]:
    """The button payloads of a Rasa domain's responses that are commands (start with ``/``)."""
    found: set[str] = set()
    for variations in (getattr(domain, "responses", None) or {}).values():
        found.update(_payloads(variations))
    return frozenset(payload for payload in found if payload.startswith(COMMAND_PREFIX))


def offered_commands(domain: Any, extra: Iterable[str] = ()) -> FrozenSet[str]:
    """Every command a visitor may send: the payloads the assistant itself offers."""
    return domain_payloads(domain) | catalog_payloads() | CLIENT_COMMANDS | frozenset(extra)


def visitor_text(message: str, commands: FrozenSet[str]) -> str:
    """The message as Rasa should get it: controls replaced, commands not offered turned into text, cut.

    Args:
        message: a valid Unicode string (check with :func:`is_valid_unicode` first).
        commands: the commands the visitor may send (:func:`offered_commands`).
    """
    cleaned = "".join(
        " " if unicodedata.category(char) == "Cc" and char not in _KEPT_CONTROLS else char for char in message
    )
    stripped = cleaned.strip()
    if stripped in commands:
        return stripped
    while stripped.startswith(COMMAND_PREFIX):  # Rasa strips whitespace before it looks for "/"
        stripped = stripped[len(COMMAND_PREFIX) :].strip()
        cleaned = stripped
    return cleaned[:MAX_MESSAGE_CHARACTERS]


def agent_domain(app: Any) -> Optional[Any]:
    """The domain of the model the Sanic app serves (Rasa keeps the agent in ``app.ctx.agent``), or None."""
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    return getattr(agent, "domain", None)
