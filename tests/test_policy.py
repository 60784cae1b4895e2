"""SafetyNetPolicy: the safety answer comes first, also in the middle of a form."""

import pytest
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.policy import next_safety_action

FORM = "exercise_recommendation_form"


def _user(intent):
    return UserUttered("tekst", {"name": intent, "confidence": 1.0})


def _tracker(*events):
    return DialogueStateTracker.from_events("test", [ActionExecuted("action_listen"), *events])


@pytest.mark.parametrize(
    "intent, response",
    [
        ("red_flag_emergency", "utter_red_flag_emergency"),
        ("red_flag_today", "utter_red_flag_today"),
        ("red_flag_soon", "utter_red_flag_soon"),
        ("crisis", "utter_crisis"),
    ],
)
def test_safety_response_first_then_listen(intent, response):
    assert next_safety_action(_tracker(_user(intent))) == response
    assert next_safety_action(_tracker(_user(intent), ActionExecuted(response))) == "action_listen"


def test_in_a_form_the_alarm_answers_first_and_ends_the_form():
    events = [
        _user("exercise_recommendation"),
        ActionExecuted(FORM),
        ActiveLoop(FORM),
        ActionExecuted("action_listen"),
        _user("red_flag_emergency"),
    ]
    assert next_safety_action(_tracker(*events)) == "utter_red_flag_emergency"
    events.append(ActionExecuted("utter_red_flag_emergency"))
    assert next_safety_action(_tracker(*events)) == "action_deactivate_loop"
    events += [ActionExecuted("action_deactivate_loop"), ActiveLoop(None)]
    assert next_safety_action(_tracker(*events)) == "action_listen"


@pytest.mark.parametrize("intent", ["exercise_recommendation", "product_recommendation"])
def test_no_exercises_or_products_after_an_alarm_in_the_session(intent):
    events = [
        _user("red_flag_today"),
        ActionExecuted("utter_red_flag_today"),
        ActionExecuted("action_listen"),
        _user(intent),
    ]
    assert next_safety_action(_tracker(*events)) == "utter_red_flag_reminder"


def test_a_new_session_forgets_the_alarm():
    events = [
        _user("red_flag_today"),
        ActionExecuted("utter_red_flag_today"),
        ActionExecuted("action_listen"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        _user("exercise_recommendation"),
    ]
    assert next_safety_action(_tracker(*events)) is None


@pytest.mark.parametrize("intent", ["faq", "greet", "exercise_recommendation", "nlu_fallback"])
def test_other_intents_are_left_to_the_other_policies(intent):
    assert next_safety_action(_tracker(_user(intent))) is None
