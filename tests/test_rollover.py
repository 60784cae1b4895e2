"""The bounded session (assistant/rollover.py, assistant/patches/session_rollover.py): when a long conversation
rolls over to a new session, what the new session carries, and the patch that runs it before the message.

Unit level: pure tables for the decision and the limit, real Rasa trackers and domains, and the patched
``MessageProcessor.fetch_tracker_and_update_session`` on a stand-in processor. The served conversation over REST
is in tests/test_rollover_served.py.
"""

from __future__ import annotations

import asyncio
from typing import Any, List

import pytest
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant import rollover
from assistant.rollover import SessionState, TurnLimitError, due, turn_limit
from assistant.serve import prepare
from common.safety import ALARM_SLOT

FORM = "exercise_recommendation_form"
LISTEN = ACTION_LISTEN_NAME


@pytest.fixture(scope="module", autouse=True)
def installed():
    prepare()


# ---- the limit from the environment --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, limit",
    [
        (None, rollover.DEFAULT_TURN_LIMIT),
        ("", rollover.DEFAULT_TURN_LIMIT),
        ("  ", rollover.DEFAULT_TURN_LIMIT),
        ("50", 50),
        (" 7 ", 7),
        ("1", 1),
        ("0", 0),
    ],
)
def test_the_turn_limit_comes_from_the_environment(value, limit):
    environ = {} if value is None else {"SESSION_MAX_TURNS": value}
    assert turn_limit(environ) == limit


@pytest.mark.parametrize("value", ["-1", "twenty", "2.5", "1e3", "0x10"])
def test_a_turn_limit_that_is_no_whole_number_is_refused_by_name(value):
    with pytest.raises(TurnLimitError, match="SESSION_MAX_TURNS"):
        turn_limit({"SESSION_MAX_TURNS": value})


# ---- roll over now? ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "user_turns, limit, latest, last_answer, loop, expected",
    [
        # the limit
        (19, 20, LISTEN, "utter_faq", None, False),
        (20, 20, LISTEN, "utter_faq", None, True),
        (35, 20, LISTEN, "utter_faq", None, True),  # over it after a long questionnaire
        (1, 1, LISTEN, "utter_greet", None, True),
        (500, 0, LISTEN, "utter_faq", None, False),  # 0: never
        (0, 20, LISTEN, None, None, False),
        # never during the questionnaire
        (20, 20, LISTEN, FORM, FORM, False),
        (40, 20, LISTEN, "utter_faq", FORM, False),
        # the questionnaire just ended: its recommendation was the last answer
        (20, 20, LISTEN, "action_exercise_recommendation", None, True),
        # only at the start of a turn
        (20, 20, "utter_faq", "utter_faq", None, False),
        (20, 20, None, None, None, False),
        # never between a follow-up question about an alarm sign and its answer
        (20, 20, LISTEN, "utter_red_flag_ask_trauma", None, False),
        (20, 20, LISTEN, "utter_red_flag_ask_weight_loss", None, False),
        (20, 20, LISTEN, "utter_red_flag_ask_screening", None, False),
        (20, 20, LISTEN, "utter_red_flag_ask_nothing_we_know", None, True),  # not a follow-up question
        # after the answers of an alarm sign: yes (the lock is carried, test below)
        (20, 20, LISTEN, "utter_red_flag_today", None, True),
        (20, 20, LISTEN, "utter_red_flag_settled_weight_loss", None, True),
        (20, 20, LISTEN, "utter_crisis", None, True),
    ],
)
def test_roll_over_now(user_turns, limit, latest, last_answer, loop, expected):
    assert due(SessionState(user_turns, latest, last_answer, loop), limit) is expected


# ---- what a tracker's current session is -------------------------------------------------------------------------


def _user(intent: str, text: str = "tekst") -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 1.0})


def _turns(count: int, answer: str = "utter_faq") -> List[Event]:
    events: List[Event] = []
    for number in range(count):
        events += [_user("faq", f"vraag {number}"), ActionExecuted(answer), ActionExecuted(LISTEN)]
    return events


def _session_start() -> List[Event]:
    return [ActionExecuted(ACTION_SESSION_START_NAME), SessionStarted(), ActionExecuted(LISTEN)]


def _tracker(events: List[Event], domain: Domain | None = None) -> DialogueStateTracker:
    slots = domain.slots if domain is not None else None
    return DialogueStateTracker.from_events("rollover-test", events, slots=slots)


def test_the_session_state_counts_only_the_current_session():
    tracker = _tracker([*_session_start(), *_turns(7), *_session_start(), *_turns(3)])
    assert rollover.session_state(tracker) == SessionState(3, LISTEN, "utter_faq", None)


def test_the_session_state_of_a_form_in_progress():
    events = [*_session_start(), _user("exercise_recommendation"), ActionExecuted(FORM), ActiveLoop(FORM)]
    events += [ActionExecuted(LISTEN)]
    assert rollover.session_state(_tracker(events)) == SessionState(1, LISTEN, FORM, FORM)


def test_the_session_state_of_a_tracker_without_a_session_start():
    state = rollover.session_state(_tracker(_turns(2)))
    assert state == SessionState(2, LISTEN, "utter_faq", None)
    assert rollover.session_state(_tracker([])) == SessionState(0, None, None, None)


# ---- what the new session carries -----------------------------------------------------------------------------------


def _domain() -> Domain:
    custom = [{"type": "custom"}]
    return Domain.from_dict(
        {
            "intents": ["faq", "red_flag_today", "exercise_recommendation"],
            "slots": {
                "last_topic": {"type": "text", "influence_conversation": False, "mappings": custom},
                "pijnscore_gesprek": {"type": "float", "influence_conversation": False, "mappings": custom},
                "onbegrepen_antwoorden": {
                    "type": "float",
                    "influence_conversation": False,
                    "initial_value": 0,
                    "mappings": custom,
                },
                ALARM_SLOT: {"type": "bool", "influence_conversation": False, "mappings": custom},
            },
            "responses": {"utter_red_flag_today": [{"text": "Bel vandaag de huisarts."}]},
        }
    )


def _as_dict(events: List[SlotSet]) -> dict:
    return {event.key: event.value for event in events}


def test_each_slot_is_carried_once_with_its_latest_value():
    domain = _domain()
    events = [*_session_start(), SlotSet("last_topic", "hernia"), *_turns(2), SlotSet("last_topic", "arthrosis")]
    events += [SlotSet("pijnscore_gesprek", 7.0), SlotSet("onbegrepen_antwoorden", 2.0)]
    events += [SlotSet("onbegrepen_antwoorden", 0.0)]  # back at its initial value: nothing to carry
    carried = rollover.carried_slots(_tracker(events, domain), domain, locked=False)
    assert [event.key for event in carried] == ["last_topic", "pijnscore_gesprek"]
    assert _as_dict(carried) == {"last_topic": "arthrosis", "pijnscore_gesprek": 7.0}


def test_the_lock_is_carried_as_the_alarm_slot():
    domain = _domain()
    tracker = _tracker([*_session_start(), *_turns(2)], domain)
    assert _as_dict(rollover.carried_slots(tracker, domain, locked=True)) == {ALARM_SLOT: True}
    assert rollover.carried_slots(tracker, domain, locked=False) == []


def test_what_is_carried_does_not_grow_from_rollover_to_rollover():
    domain = _domain()
    events: List[Event] = []
    sizes = []
    for session in range(5):
        tracker = _tracker(events, domain)
        carried = rollover.carried_slots(tracker, domain, locked=False)
        sizes.append(len(carried))
        events += [ActionExecuted(ACTION_SESSION_START_NAME), SessionStarted(), *carried, ActionExecuted(LISTEN)]
        for turn in range(4):
            events += [_user("faq"), SlotSet("last_topic", f"topic-{session}-{turn}"), ActionExecuted("utter_faq")]
            events += [ActionExecuted(LISTEN)]
    assert sizes == [0, 1, 1, 1, 1]


# ---- the patch: before the message, on the tracker Rasa fetched -----------------------------------------------------


class StandInProcessor:
    """What the patched fetch_tracker_and_update_session uses of a MessageProcessor, running actions for real."""

    def __init__(self, tracker: DialogueStateTracker, domain: Domain):
        self.tracker = tracker
        self.domain = domain
        self.nlg = None
        self.started: List[str] = []

    async def get_tracker(self, sender_id: str) -> DialogueStateTracker:
        return self.tracker

    async def _update_tracker_session(self, tracker: Any, output_channel: Any, metadata: Any = None) -> None:
        """Rasa's time-based check: these trackers never expire."""

    async def _run_action(self, action: Any, tracker: Any, output_channel: Any, nlg: Any, prediction: Any) -> bool:
        self.started.append(action.name())
        tracker.update(ActionExecuted(action.name()))
        tracker.update_with_events(await action.run(output_channel, nlg, tracker, self.domain), self.domain)
        return True


def _fetch(processor: StandInProcessor) -> DialogueStateTracker:
    from rasa.core.processor import MessageProcessor

    return asyncio.run(MessageProcessor.fetch_tracker_and_update_session(processor, "rollover-test"))


def _limit() -> int:
    from assistant.patches import session_rollover

    limit = session_rollover.limit()
    assert limit, "the tests run with the rollover on (SESSION_MAX_TURNS unset or above 0)"
    return limit


def test_the_patch_rolls_over_at_the_limit_and_not_before():
    domain = _domain()
    before = StandInProcessor(_tracker([*_session_start(), *_turns(_limit() - 1)], domain), domain)
    assert _fetch(before) is before.tracker and before.started == []

    events = [*_session_start(), SlotSet("last_topic", "hernia"), *_turns(_limit())]
    at = StandInProcessor(_tracker(events, domain), domain)
    tracker = _fetch(at)
    assert at.started == [ACTION_SESSION_START_NAME]
    new_session = rollover.current_session(list(tracker.events))
    assert [type(event).__name__ for event in new_session] == ["SessionStarted", "SlotSet", "ActionExecuted"]
    assert tracker.get_slot("last_topic") == "hernia" and tracker.latest_action_name == LISTEN
    assert len(tracker.events) == len(events) + 4  # the old session stays in the tracker: nothing is lost
    assert rollover.session_state(tracker).user_turns == 0


def test_the_patch_keeps_the_alarm_sign_lock_through_the_rollover():
    from assistant.policy import next_safety_action

    domain = _domain()
    events = [*_session_start(), _user("red_flag_today", "ik ben gevallen"), ActionExecuted("utter_red_flag_today")]
    events += [ActionExecuted(LISTEN), *_turns(_limit() - 1)]
    processor = StandInProcessor(_tracker(events, domain), domain)
    tracker = _fetch(processor)
    assert processor.started == [ACTION_SESSION_START_NAME] and tracker.get_slot(ALARM_SLOT) is True
    tracker.update(_user("exercise_recommendation", "welke oefeningen kan ik doen?"))
    assert next_safety_action(tracker) == "utter_red_flag_reminder"


def test_the_patch_never_cuts_the_questionnaire():
    domain = _domain()
    events = [*_session_start(), *_turns(_limit()), _user("exercise_recommendation"), ActionExecuted(FORM)]
    events += [ActiveLoop(FORM), ActionExecuted(LISTEN)]
    processor = StandInProcessor(_tracker(events, domain), domain)
    assert _fetch(processor).active_loop_name == FORM and processor.started == []


# ---- the store finds the current session without reading the whole conversation -----------------------------------


def _plan(db, sender: str) -> str:
    import sqlite3

    query = (
        "SELECT events.id FROM events, (SELECT max(timestamp) AS start FROM events WHERE sender_id = ? "
        "AND type_name = 'session_started') AS s WHERE sender_id = ? AND (timestamp >= s.start OR s.start IS NULL)"
    )
    with sqlite3.connect(db) as connection:
        return " | ".join(row[-1] for row in connection.execute(f"EXPLAIN QUERY PLAN {query}", (sender, sender)))


def test_the_store_indexes_the_session_lookup_on_new_and_existing_databases(tmp_path):
    import sqlite3

    from assistant.tracker_store import SESSION_INDEX, StrictSQLTrackerStore

    old = tmp_path / "old.db"
    StrictSQLTrackerStore(dialect="sqlite", db=str(old))
    with sqlite3.connect(old) as connection:  # as a database made before the index (or by Rasa's own store)
        connection.execute(f"DROP INDEX {SESSION_INDEX}")
    assert "COVERING INDEX" not in _plan(old, "someone")
    for db in (old, tmp_path / "new-1.db", tmp_path / "new-2.db", old):  # twice in one process, and again
        StrictSQLTrackerStore(dialect="sqlite", db=str(db))
        assert f"COVERING INDEX {SESSION_INDEX}" in _plan(db, "someone"), _plan(db, "someone")
