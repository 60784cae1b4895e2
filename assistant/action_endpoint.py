"""What a custom action does when the action server fails: a short timeout and an apology instead of silence.

Rasa 3.6 waits up to 300 s for the action server (``DEFAULT_REQUEST_TIMEOUT``, not configurable) and, when a
custom action fails, logs the error and continues as if the action had said nothing: the user gets silence, or,
in the middle of the questionnaire, a form that stops making sense. ``assistant.patches.action_server`` wraps
``RemoteAction.run`` (which every custom action and form validation goes through) with the rules below:

- the call is cancelled after :func:`action_timeout` seconds (env ``ACTION_TIMEOUT_SECONDS``, default 5);
- when the action server cannot be reached, times out or answers with an error (not a rejection), the user gets
  the domain response ``utter_actions_unavailable``, once per message, and the error is logged:

  * an ordinary custom action: the apology, then the assistant listens again;
  * the form's validation while a question is open: the apology and the same question again, so the form stays
    where it was and the answer can be given again when the server is back;
  * the form's validation at activation (nothing to validate yet): nothing, the form asks its first question.

The alarm-sign safety net never calls the action server (``assistant.components.SafetyNet`` and
``assistant.policy.SafetyNetPolicy`` run inside the Rasa server), so it keeps working.
"""

from __future__ import annotations

import os
from typing import Any, List

from assistant.failures import ACTIONS_RESPONSE, current_turn, render_response

DEFAULT_TIMEOUT_SECONDS = 5.0
VALIDATION_PREFIX = "validate_"


def action_timeout() -> float:
    """Seconds to wait for the action server (env ACTION_TIMEOUT_SECONDS)."""
    try:
        value = float(os.environ.get("ACTION_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS))
    except ValueError:
        value = DEFAULT_TIMEOUT_SECONDS
    return value if value > 0 else DEFAULT_TIMEOUT_SECONDS


async def _apology_events(output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Any]:
    from rasa.core.actions.action import create_bot_utterance

    turn = current_turn()
    if turn is not None:
        if ACTIONS_RESPONSE in turn.apologies:
            return []
        turn.apologies.add(ACTIONS_RESPONSE)
    channel_name = output_channel.name() if output_channel is not None else None
    message = await render_response(nlg, domain, ACTIONS_RESPONSE, tracker.sender_id, channel_name)
    return [create_bot_utterance(message)] if message else []


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
