"""What storage and action-server failures have in common: the shared names everybody imports from.

The tracker store raises :class:`StorageUnavailable`; the patches in ``assistant.patches`` turn it (and an
unreachable action server) into an apology. The apologies are domain responses (``domain.yml``), never text in
Python: :func:`render_response` renders them, and ``assistant.patches`` refuses to serve a model whose domain
lacks them (:data:`REQUIRED_RESPONSES`).

This module imports nothing of the assistant, so it cannot be part of an import circle.
"""

from __future__ import annotations

import contextlib
import logging
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional, Set

logger = logging.getLogger(__name__)

STORAGE_RESPONSE = "utter_storage_unavailable"
ACTIONS_RESPONSE = "utter_actions_unavailable"
REQUIRED_RESPONSES = (STORAGE_RESPONSE, ACTIONS_RESPONSE)


class StorageUnavailable(Exception):
    """The conversation could not be read or written: the turn must not continue."""


@dataclass
class Turn:
    """What happened while one user message was handled (one per ``Agent.handle_message``)."""

    apologies: Set[str] = field(default_factory=set)


_TURN: ContextVar[Optional[Turn]] = ContextVar("assistant_turn", default=None)


def current_turn() -> Optional[Turn]:
    """The turn being handled in this task, or None outside ``Agent.handle_message``."""
    return _TURN.get()


@contextlib.contextmanager
def turn() -> Iterator[Turn]:
    """Mark the handling of one user message (the apologies are said at most once inside it)."""
    token = _TURN.set(Turn())
    try:
        yield _TURN.get()  # type: ignore[misc]
    finally:
        _TURN.reset(token)


def storage_errors() -> tuple:
    """The exceptions that mean the conversation could not be read or written."""
    from rasa.core.lock_store import LockError

    errors: List[type] = [StorageUnavailable, LockError]
    try:
        import redis.exceptions

        errors.append(redis.exceptions.RedisError)
    except ImportError:  # pragma: no cover - redis is a Rasa dependency
        pass
    return tuple(errors)


def missing_responses(domain: Any) -> List[str]:
    """The names of :data:`REQUIRED_RESPONSES` that `domain` has no text for."""
    responses = getattr(domain, "responses", None) or {}
    return [
        name
        for name in REQUIRED_RESPONSES
        if not any(isinstance(variant, dict) and variant.get("text") for variant in responses.get(name) or [])
    ]


async def render_response(
    nlg: Any, domain: Any, name: str, sender_id: str, channel_name: Optional[str]
) -> Optional[Dict[str, Any]]:
    """The domain response `name` as a bot message (None, logged, when the domain has no text for it).

    When the response generator fails, the domain's first text is sent as it is: the apology must never fail
    because of the apology.
    """
    from rasa.shared.core.trackers import DialogueStateTracker

    variants = [v for v in (getattr(domain, "responses", None) or {}).get(name) or [] if isinstance(v, dict)]
    if not any(variant.get("text") for variant in variants):
        logger.error(f"The domain has no response '{name}': the user gets no apology.")
        return None
    message: Optional[Dict[str, Any]] = None
    if nlg is not None:
        try:
            message = await nlg.generate(name, DialogueStateTracker(sender_id, domain.slots), channel_name)
        except Exception:
            logger.exception(f"Could not render the response '{name}'; sending its text unrendered.")
    if not message or not (message.get("text") or message.get("buttons")):
        message = {"text": next(variant["text"] for variant in variants if variant.get("text"))}
    message = dict(message)
    message["utter_action"] = name
    return message
