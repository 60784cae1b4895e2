"""Start-up guards for the Rasa server: no silent data loss, no silence towards the user.

``install()`` runs once per process, when Rasa loads ``assistant.tracker_store.StrictSQLTrackerStore``
from the endpoints file (the first code of ours that ``rasa run`` imports). It

1. stops Rasa from wrapping that store in its ``FailSafeTrackerStore`` (which would swallow the
   store's errors and continue in memory, rasa#3243);
2. wraps ``Agent.handle_message``: when the tracker store or the lock store fails, the turn is
   abandoned, the error is logged, and the user gets the Dutch apology ``utter_storage_unavailable``
   (a domain response; a built-in text until the model's domain has it) instead of an answer that
   would not be remembered. Answers already collected for the REST channel are withdrawn;
3. installs ``assistant.action_endpoint`` (action-server timeout and apology) and
   ``assistant.log_redaction`` (no message text in the logs).

These are patches of Rasa 3.6 internals (``Agent._create_tracker_store`` and
``Agent.handle_message``); tests/test_outages.py proves them against real servers, so a Rasa
upgrade that changes these internals fails the tests instead of failing silently.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Set

logger = logging.getLogger(__name__)

STORAGE_RESPONSE = "utter_storage_unavailable"
# Used until the trained model's domain has the response (the domain text is the one to edit).
STORAGE_FALLBACK_TEXT = (
    "Sorry, er gaat bij mij iets mis: ik kan je bericht nu niet verwerken en ons gesprek niet bewaren. "
    "Probeer het over een paar minuten opnieuw. Worden je klachten snel erger, neem dan contact op met "
    "je huisarts of de huisartsenpost (in België: 1733). Bel bij een noodsituatie 112."
)


class StorageUnavailable(Exception):
    """The conversation could not be read or written: the turn must not continue."""


@dataclass
class Turn:
    """What happened while one user message was handled (one per ``Agent.handle_message``)."""

    apologies: Set[str] = field(default_factory=set)


_TURN: ContextVar[Optional[Turn]] = ContextVar("assistant_turn", default=None)
_installed = False


def current_turn() -> Optional[Turn]:
    return _TURN.get()


async def render_response(
    nlg: Any, domain: Any, name: str, fallback_text: str, sender_id: str, channel_name: Optional[str]
) -> Dict[str, Any]:
    """The domain response `name` as a bot message, or `fallback_text` when the domain lacks it."""
    from rasa.shared.core.trackers import DialogueStateTracker

    message: Optional[Dict[str, Any]] = None
    if domain is not None and name in domain.responses and nlg is not None:
        try:
            tracker = DialogueStateTracker(sender_id, domain.slots)
            message = await nlg.generate(name, tracker, channel_name)
        except Exception:  # the apology must never fail because of the apology
            logger.exception(f"Could not render the response '{name}'; using the built-in text.")
    if not message or not (message.get("text") or message.get("buttons")):
        message = {"text": fallback_text}
    message = dict(message)
    message["utter_action"] = name
    return message


def _storage_errors() -> tuple:
    from rasa.core.lock_store import LockError

    errors: List[type] = [StorageUnavailable, LockError]
    try:
        import redis.exceptions

        errors.append(redis.exceptions.RedisError)
    except ImportError:  # pragma: no cover - redis is a Rasa dependency
        pass
    return tuple(errors)


def _install_cached_response_validator() -> None:
    """Check action-server replies against Rasa's schema with a validator built once.

    Rasa 3.6 calls ``jsonschema.validate`` for every reply, which first re-checks the schema itself: 25 ms per
    custom action and 10-16 % of the server's busy time under load (py-spy, ``make bench``); 1 ms this way.
    Invalid replies still raise the same ``ValidationError``.
    """
    from jsonschema import ValidationError
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator = validator_for(schema)(schema)

    def _validate_action_result(self, result):
        try:
            validator.validate(result)
            return True
        except ValidationError as error:
            error.message += (
                ". Failed to validate Action server response from API, make sure your response from the Action "
                f"endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
            )
            raise error

    RemoteAction._validate_action_result = _validate_action_result


def install() -> None:
    """Install the guards (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True

    from rasa.core.agent import Agent
    from rasa.core.channels.channel import CollectingOutputChannel

    from assistant import action_endpoint, log_redaction

    log_redaction.install()
    action_endpoint.install()
    _install_cached_response_validator()

    original_create_tracker_store = Agent._create_tracker_store

    def _create_tracker_store(store, domain):
        from assistant.tracker_store import StrictSQLTrackerStore

        if isinstance(store, StrictSQLTrackerStore):
            store.domain = domain
            return store  # no FailSafeTrackerStore: its errors must reach handle_message
        return original_create_tracker_store(store, domain)

    Agent._create_tracker_store = staticmethod(_create_tracker_store)

    original_handle_message = Agent.handle_message
    storage_errors = _storage_errors()

    async def handle_message(self, message):
        token = _TURN.set(Turn())
        try:
            return await original_handle_message(self, message)
        except storage_errors as error:
            logger.error(
                f"The conversation could not be read or stored ({type(error).__name__}: {error}); "
                f"the user got '{STORAGE_RESPONSE}' and this message was not handled."
            )
            channel = message.output_channel
            if isinstance(channel, CollectingOutputChannel):
                channel.messages.clear()  # answers of a turn that was not stored are withdrawn
            apology = await render_response(
                self.nlg,
                self.domain,
                STORAGE_RESPONSE,
                STORAGE_FALLBACK_TEXT,
                message.sender_id,
                channel.name() if channel else None,
            )
            if channel is not None:
                await channel.send_response(message.sender_id, apology)
            if isinstance(channel, CollectingOutputChannel):
                return channel.messages
            return None
        finally:
            _TURN.reset(token)

    Agent.handle_message = handle_message
    logger.debug("Installed the assistant's runtime guards.")
