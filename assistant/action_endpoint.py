"""Calls to the action server: a short timeout and a Dutch apology instead of silence.

Rasa 3.6 waits up to 300 s for the action server (``DEFAULT_REQUEST_TIMEOUT``, not configurable)
and, when a custom action fails, logs the error and continues as if the action had said nothing:
the user gets silence, or, in the middle of the questionnaire, a form that stops making sense.

``install()`` (called by ``assistant.runtime_guards`` at start-up) wraps
``rasa.core.actions.action.RemoteAction.run``, which every custom action and form validation goes
through:

- the call is cancelled after ``ACTION_TIMEOUT_SECONDS`` (env, default 5);
- when the action server cannot be reached, times out or answers with an error (not a rejection),
  the user gets ``utter_actions_unavailable`` (a domain response; a built-in text until the
  model's domain has it), once per message, and the error is logged:

  * an ordinary custom action: the apology, then the assistant listens again;
  * the form's validation while a question is open: the apology and the same question again, so
    the form stays where it was and the answer can be given again when the server is back;
  * the form's validation at activation (nothing to validate yet): nothing, the form asks its
    first question.

The alarm-sign safety net never calls the action server (``assistant.components.SafetyNet`` and
``assistant.policy.SafetyNetPolicy`` run inside the Rasa server), so it keeps working.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any, List

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 5.0
ACTIONS_RESPONSE = "utter_actions_unavailable"
# Used until the trained model's domain has the response (the domain text is the one to edit).
ACTIONS_FALLBACK_TEXT = (
    "Sorry, een deel van mijn systeem reageert nu even niet, waardoor ik dit op dit moment niet kan "
    "afhandelen. Probeer het over een paar minuten opnieuw. Worden je klachten snel erger, neem dan "
    "contact op met je huisarts of de huisartsenpost (in België: 1733). Bel bij een noodsituatie 112."
)
VALIDATION_PREFIX = "validate_"

_installed = False


def action_timeout() -> float:
    """Seconds to wait for the action server (env ACTION_TIMEOUT_SECONDS)."""
    try:
        value = float(os.environ.get("ACTION_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS))
    except ValueError:
        value = DEFAULT_TIMEOUT_SECONDS
    return value if value > 0 else DEFAULT_TIMEOUT_SECONDS


async def _apology_events(output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Any]:
    from rasa.core.actions.action import create_bot_utterance

    from assistant.runtime_guards import current_turn, render_response

    turn = current_turn()
    if turn is not None:
        if ACTIONS_RESPONSE in turn.apologies:
            return []
        turn.apologies.add(ACTIONS_RESPONSE)
    channel_name = output_channel.name() if output_channel is not None else None
    message = await render_response(
        nlg, domain, ACTIONS_RESPONSE, ACTIONS_FALLBACK_TEXT, tracker.sender_id, channel_name
    )
    return [create_bot_utterance(message)]


async def events_for_unavailable_action(
    action_name: str, output_channel: Any, nlg: Any, tracker: Any, domain: Any
) -> List[Any]:
    """What a custom action returns in place of the action server's answer (see module docstring)."""
    from rasa.shared.core.constants import ACTION_LISTEN_NAME, REQUESTED_SLOT
    from rasa.shared.core.events import FollowupAction, SlotSet

    if action_name.startswith(VALIDATION_PREFIX):
        requested = tracker.get_slot(REQUESTED_SLOT)
        if not requested:
            return []  # activation: nothing was asked yet, the form asks its first question
        # Setting the open question's slot to empty keeps the form on that question (and keeps Rasa
        # from rejecting the form), so it asks it again after the apology.
        return [SlotSet(requested, None)] + await _apology_events(output_channel, nlg, tracker, domain)
    return await _apology_events(output_channel, nlg, tracker, domain) + [FollowupAction(ACTION_LISTEN_NAME)]


def install() -> None:
    """Wrap RemoteAction.run (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True

    from rasa.core.actions.action import ActionExecutionRejection, RemoteAction

    original_run = RemoteAction.run

    async def run(self, output_channel, nlg, tracker, domain):
        timeout = action_timeout()
        try:
            return await asyncio.wait_for(original_run(self, output_channel, nlg, tracker, domain), timeout)
        except ActionExecutionRejection:
            raise  # a deliberate answer of the action server, handled by Rasa
        except asyncio.TimeoutError:
            reason = f"no answer within {timeout:g} s"
        except Exception as error:  # connection refused, HTTP 5xx, invalid answer, ...
            cause = error.__cause__ or error.__context__
            reason = f"{type(error).__name__}: {error}" + (f" ({type(cause).__name__})" if cause else "")
        logger.error(
            f"Custom action '{self.name()}' failed ({reason}); the user gets '{ACTIONS_RESPONSE}'. "
            f"Check the action server at '{getattr(self.action_endpoint, 'url', None)}'."
        )
        return await events_for_unavailable_action(self.name(), output_channel, nlg, tracker, domain)

    RemoteAction.run = run
    logger.debug(f"Custom actions time out after {action_timeout():g} s.")
