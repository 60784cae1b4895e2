"""A long conversation rolls over to a new session at the start of a turn, so a turn's cost stops growing.

Rasa issue: none fixed; Rasa's sessions expire by time only (``session_expiration_time``), and every message loads
and replays the whole current session (the growth measured in issue 14 of this project: the last ten turns of a
400-turn conversation ×12 the first ten). Written for Rasa 3.6.21.

Wraps ``MessageProcessor.fetch_tracker_and_update_session``, the one place where Rasa fetches the tracker for a
message and starts a session when the old one expired. Every channel passes through it (REST, socket.io and
Telegram through ``Agent.handle_message``; the HTTP API's ``execute`` and ``trigger_intent``), always under the lock
store's lock of the conversation, and it already holds the tracker: deciding here costs no extra read of the
conversation (a wrapper before ``Agent.handle_message`` would load the session twice per turn). After Rasa's own
time-based check, when :func:`assistant.rollover.due` says so, it runs Rasa's ``action_session_start`` on the same
tracker, the way Rasa runs it on expiry, with the slots and the alarm-sign lock carried over
(:func:`assistant.rollover.carried_slots`). The limit is read once at install from ``SESSION_MAX_TURNS``
(:func:`assistant.rollover.turn_limit`); a value that is not a whole number of at least 0 stops the server.
"""

from __future__ import annotations

import logging
from typing import Any, List, Optional

from assistant.patches import PatchError, Target

logger = logging.getLogger(__name__)

TARGETS = (
    Target(
        "rasa.core.processor",
        "MessageProcessor.fetch_tracker_and_update_session",
        ("self", "sender_id", "output_channel", "metadata"),
    ),
    Target(
        "rasa.core.processor",
        "MessageProcessor._run_action",
        ("self", "action", "tracker", "output_channel", "nlg", "prediction"),
    ),
    Target(
        "rasa.core.actions.action", "ActionSessionStart.run", ("self", "output_channel", "nlg", "tracker", "domain")
    ),
)

_limit: Optional[int] = None


def limit() -> Optional[int]:
    """The user turns per session this process rolls over at (None before install, 0: never)."""
    return _limit


def install() -> None:
    from rasa.core.actions.action import ActionSessionStart
    from rasa.core.policies.policy import PolicyPrediction
    from rasa.core.processor import MessageProcessor
    from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
    from rasa.shared.core.events import ActionExecuted, Event, SessionStarted

    from assistant import rollover
    from assistant.policy import alarm_locked

    global _limit
    try:
        _limit = rollover.limit_from_environment()
    except rollover.TurnLimitError as error:
        raise PatchError(
            "the patch assistant.patches.session_rollover", str(error), "assistant/patches/session_rollover.py"
        ) from None

    class RolloverSessionStart(ActionSessionStart):
        """Rasa's session start (same name, same events), carrying each slot once and the alarm-sign lock."""

        async def run(self, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Event]:
            carried = rollover.carried_slots(tracker, domain, locked=alarm_locked(tracker))
            return [SessionStarted(), *carried, ActionExecuted(ACTION_LISTEN_NAME)]

    original = MessageProcessor.fetch_tracker_and_update_session

    async def fetch_tracker_and_update_session(
        self: Any, sender_id: str, output_channel: Any = None, metadata: Optional[dict] = None
    ) -> Any:
        tracker = await original(self, sender_id, output_channel, metadata)
        if _limit and rollover.due(rollover.session_state(tracker), _limit):
            logger.debug(f"A new session after {_limit} user turns (assistant.rollover).")
            await self._run_action(
                RolloverSessionStart(),
                tracker,
                output_channel,
                self.nlg,
                PolicyPrediction.for_action_name(self.domain, ACTION_SESSION_START_NAME),
            )
        return tracker

    fetch_tracker_and_update_session.__doc__ = original.__doc__
    MessageProcessor.fetch_tracker_and_update_session = fetch_tracker_and_update_session
