"""A bounded session: a long conversation rolls over to a new session, so a turn costs the same at turn 400 as at 4.

Rasa loads and replays every event of the current session on every message (the SQL store's ``retrieve``, then
the policies' ``past_states`` over the whole session), so without a bound a turn's cost grows with the length of
the conversation (issue 14: ×12 at turn 400). Rasa's own session expiry is time-only. Here, at the start of a
turn, after :data:`DEFAULT_TURN_LIMIT` user turns in the current session (``SESSION_MAX_TURNS``; ``0`` switches
it off), the conversation gets a new session through Rasa's own ``action_session_start``
(``assistant.patches.session_rollover`` runs it before the message, under the lock store's lock), but never when
the visitor would notice:

- never during an active form (the exercise questionnaire goes on to its end);
- never while the assistant waits for the answer to a follow-up question about an alarm sign
  (``utter_red_flag_ask_*``: the answer is read against the question, which must be in the same session);
- only when the tracker waits for a message (its latest action is ``action_listen``).

The new session starts with the values of the slots that differ from their initial value, one ``SlotSet`` each
(Rasa's own carry-over copies every ``SlotSet`` of the session, so what is carried would grow with every
rollover), and with the alarm-sign lock (``common.safety.ALARM_SLOT``) set when exercises and products are locked
in the old session: the lock holds after a rollover as it did before. The 60-minute expiry of ``domain.yml``
stays as it was (a new session there starts without slots). The history stays whole in the database: the
tracker API (``retrieve_full_tracker``), ``scripts/privacy.py`` and the insights report read every session.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, List, Mapping, Optional

from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME, REQUESTED_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.triage_followup import asked_sign
from common.safety import ALARM_SLOT

TURN_LIMIT_VARIABLE = "SESSION_MAX_TURNS"
# Chosen by measurement (README "How well it understands, and how fast it answers"; `python -m benchmark --only
# long-conversation`): within a session a turn still costs more the more events the session has (the policies'
# past_states), so the bound must be small for the last turns of a long conversation to cost about what the
# first ones do; in process, CPU per turn of a 400-turn conversation, last ten / first ten: 1.74 at 50, 0.93-1.49 at
# 20 (2 shared, loaded cores). A visitor notices no rollover (see above), so a small bound costs nothing.
DEFAULT_TURN_LIMIT = 20
# Slots that describe one session's mechanics, not the conversation: never carried over.
NOT_CARRIED = frozenset({REQUESTED_SLOT})


class TurnLimitError(ValueError):
    """``SESSION_MAX_TURNS`` is not a whole number of at least 0."""


def turn_limit(environ: Mapping[str, str]) -> int:
    """The user turns per session before a rollover, from ``SESSION_MAX_TURNS`` (0: never roll over).

    Raises:
        TurnLimitError: the variable is set to something else than a whole number of at least 0.
    """
    raw = (environ.get(TURN_LIMIT_VARIABLE) or "").strip()
    if not raw:
        return DEFAULT_TURN_LIMIT
    try:
        limit = int(raw)
    except ValueError:
        limit = -1
    if limit < 0:
        raise TurnLimitError(f"{TURN_LIMIT_VARIABLE}={raw!r}: expected a whole number of at least 0 (0: no rollover)")
    return limit


@dataclass(frozen=True)
class SessionState:
    """What the rollover decision reads of a tracker's current session."""

    user_turns: int
    latest_action: Optional[str]
    last_answer: Optional[str]  # the latest action that is not action_listen: what the assistant did last
    active_loop: Optional[str]


def due(state: SessionState, limit: int) -> bool:
    """Whether the conversation rolls over to a new session before the message that is coming in."""
    if limit <= 0 or state.user_turns < limit:
        return False
    if state.latest_action != ACTION_LISTEN_NAME:
        return False  # not at the start of a turn
    if state.active_loop:
        return False  # the questionnaire goes on to its end
    return asked_sign(state.last_answer) is None  # an answer to a follow-up question is read in its session


def current_session(events: List[Event]) -> List[Event]:
    """The events of the latest session (all events when none started)."""
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], SessionStarted):
            return events[index:]
    return events


def session_state(tracker: DialogueStateTracker) -> SessionState:
    """The :class:`SessionState` of the tracker's current session."""
    events = current_session(list(tracker.events))
    actions = [e.action_name for e in events if isinstance(e, ActionExecuted)]
    answers = [name for name in actions if name not in (ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME)]
    return SessionState(
        user_turns=sum(isinstance(e, UserUttered) for e in events),
        latest_action=tracker.latest_action_name,
        last_answer=answers[-1] if answers else None,
        active_loop=tracker.active_loop_name,
    )


def carried_slots(tracker: DialogueStateTracker, domain: Domain, locked: bool) -> List[SlotSet]:
    """One ``SlotSet`` per slot whose value differs from its initial value, and the alarm-sign lock when ``locked``."""
    initial = {slot.name: slot.initial_value for slot in domain.slots}
    values: dict[str, Any] = {
        name: value
        for name, value in tracker.current_slot_values().items()
        if name in initial and name not in NOT_CARRIED and value != initial[name]
    }
    if locked and ALARM_SLOT in initial:
        values[ALARM_SLOT] = True
    return [SlotSet(name, value) for name, value in values.items()]


def limit_from_environment() -> int:
    """:func:`turn_limit` of this process's environment."""
    return turn_limit(os.environ)
