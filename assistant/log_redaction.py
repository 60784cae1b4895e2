"""Keep what users write out of the Rasa server's logs.

Conversations about back pain are health data. At its default log level (INFO) Rasa 3.6 still
writes message text on some paths:

- structlog events such as ``message.parsing.failed`` (``user_text``, a message starting with
  "/" that is not an intent) and ``rest.message.received.failure`` / ``.timeout`` (``text``);
- Python warnings such as "Failed to parse arguments in line '<message>'" (a message starting with
  "/" that names no known intent).

``assistant.patches.log_redaction`` puts :func:`redact_event_dict` in front of Rasa's structlog
processors (it replaces the values of Rasa's own list of text-bearing keys with ``[redacted]`` for every
event at INFO level or above) and passes warnings through :func:`redact_warning_text`, so that those
warnings no longer quote the message. Debug events are left alone: ``--debug`` / LOG_LEVEL
DEBUG logs everything and must not be used with real users.
"""

from __future__ import annotations

import re
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
