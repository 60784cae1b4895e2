"""Keep what users write out of the Rasa server's logs.

Conversations about back pain are health data. At its default log level (INFO) Rasa 3.6 still
writes message text on some paths:

- structlog events such as ``message.parsing.failed`` (``user_text``, a message starting with
  "/" that is not an intent) and ``rest.message.received.failure`` / ``.timeout`` (``text``);
- Python warnings such as "Failed to parse arguments in line '<message>'" (a message starting with
  "/" that names no known intent).

``install()`` (called by ``assistant.runtime_guards`` at start-up) adds a structlog processor in
front of Rasa's processors that replaces the values of Rasa's own list of text-bearing keys with
``[redacted]`` for every event at INFO level or above, and wraps ``warnings.formatwarning`` so that
those warnings no longer quote the message. Debug events are left alone: ``--debug`` / LOG_LEVEL
DEBUG logs everything and must not be used with real users.
"""

from __future__ import annotations

import re
import warnings
from typing import Any, Dict

REDACTED = "[redacted]"
# rasa.utils.log_utils._anonymizer's keys (Rasa's list of keys that carry user data) and a few more.
SENSITIVE_KEYS = frozenset(
    {
        "text",
        "response_text",
        "user_text",
        "slot_values",
        "parse_data_text",
        "parse_data_entities",
        "prediction_events",
        "tracker_latest_message",
        "prefilled_slots",
        "message",
        "response",
        "slot_candidates",
        "rasa_event",
        "rasa_events",
        "tracker_states",
        "current_states",
        "old_states",
        "successes",
        "current_entity",
        "next_entity",
        "states",
        "entity",
        "token_text",
        "user_message",
        "json_message",
        "parse_data",
        "metadata",
        "entities",
        "slots",
    }
)
_UNPACK_WARNING = re.compile(r"Failed to parse arguments in line ")
_UNPACK_REPLACEMENT = (
    f"A user message starting with '/' could not be read as an intent; it is handled as text (message text {REDACTED})."
)

_installed = False


def redact_event_dict(_: Any, method_name: str, event_dict: Dict[str, Any]) -> Dict[str, Any]:
    """structlog processor: blank out message text in events at INFO and above."""
    if method_name == "debug":
        return event_dict
    for key in SENSITIVE_KEYS.intersection(event_dict):
        event_dict[key] = REDACTED
    return event_dict


def redact_warning_text(message: str) -> str:
    """The warning text without quoted user messages."""
    if _UNPACK_WARNING.search(message):
        return _UNPACK_REPLACEMENT
    return message


def install() -> None:
    """Install the structlog processor and the warnings formatter (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True

    import structlog

    # Rasa configured structlog at start-up; loggers created since then keep a reference to this
    # very list, so it is changed in place (a new structlog.configure() would not reach them).
    processors = structlog.get_config()["processors"]
    if redact_event_dict not in processors:
        processors.insert(0, redact_event_dict)

    original_formatwarning = warnings.formatwarning

    def formatwarning(message, category, filename, lineno, line=None):
        return original_formatwarning(redact_warning_text(str(message)), category, filename, lineno, line)

    warnings.formatwarning = formatwarning
