"""SafetyNetPolicy: the safety answer comes first, also in the middle of a form.

The trackers carry the parse data that assistant.components.SafetyNet puts into a message (the
``alarm`` key), written inline, and the user's real text: the follow-up answers are read from it.
"""

import pytest
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.policy import next_safety_action

FORM = "exercise_recommendation_form"
TIER_INTENT = {"emergency": "red_flag_emergency", "today": "red_flag_today", "soon": "red_flag_soon"}
URGENT_OF_ASK = {"trauma": "today", "weight_loss": "soon", "cancer": "today", "sudden_severe": "emergency"}


def _user(intent, text="tekst", alarm=None):
    parse_data = {"alarm": alarm} if alarm is not None else None
    return UserUttered(text, {"name": intent, "confidence": 1.0}, parse_data=parse_data)


def _alarm_message(text, tier=None, ask=None, crisis=False, signs=()):
    """A message as the safety net leaves it: the intent it forces and the alarm key."""
    alarm = {
        "tier": tier,
        "signs": [{"sign": s, "tier": tier, "nts": "U3"} for s in signs],
        "ask": ask,
        "crisis": crisis,
    }
    if tier:
        intent = TIER_INTENT[tier]
    elif crisis:
        intent = "crisis"
    elif ask:
        intent = TIER_INTENT[URGENT_OF_ASK[ask]]
    else:
        intent = "inform"
    return _user(intent, text, alarm)


def _tracker(*events):
    return DialogueStateTracker.from_events("test", [ActionExecuted("action_listen"), *events])


def _replies(*events):
    """Every action the policy insists on for the last turn, up to action_listen."""
    events = list(events)
    replies = []
    for _ in range(6):
        action = next_safety_action(_tracker(*events))
        if action is None:
            break
        replies.append(action)
        if action == "action_listen":
            break
        events.append(ActionExecuted(action))
        if action == "action_deactivate_loop":
            events.append(ActiveLoop(None))
    return replies, events


def _asked(sign, question_text, answer_text, **answer_alarm):
    """A conversation: a message whose sign needs a question, the question, then the answer."""
    events = [
        _alarm_message(question_text, ask=sign, signs=[sign]),
        ActionExecuted(f"utter_red_flag_ask_{sign}"),
        ActionExecuted("action_listen"),
        _alarm_message(answer_text, **answer_alarm),
    ]
    return events


# --- one tier, and the old models' intents without the alarm key ---------------------------------------


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


@pytest.mark.parametrize("tier", ["emergency", "today", "soon"])
def test_the_alarm_key_tier_is_answered(tier):
    replies, _ = _replies(_alarm_message("tekst", tier=tier, signs=["fever"]))
    assert replies == [f"utter_red_flag_{tier}", "action_listen"]


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


# --- both answers -------------------------------------------------------------------------------------


def test_a_crisis_with_a_medical_sign_gets_both_answers_medical_first():
    message = _alarm_message(
        "Ik ben wanhopig, ik kan mijn plas niet ophouden", tier="emergency", crisis=True, signs=["cauda_equina"]
    )
    replies, _ = _replies(message)
    assert replies == ["utter_red_flag_emergency", "utter_crisis", "action_listen"]


def test_both_answers_in_the_middle_of_the_questionnaire_then_the_form_ends():
    message = _alarm_message("ik heb koorts en wil niet meer leven", tier="today", crisis=True, signs=["fever"])
    replies, _ = _replies(_user("exercise_recommendation"), ActionExecuted(FORM), ActiveLoop(FORM), message)
    assert replies == ["utter_red_flag_today", "utter_crisis", "action_deactivate_loop", "action_listen"]


def test_a_crisis_alone_gets_the_crisis_answer():
    replies, _ = _replies(_alarm_message("ik zie het niet meer zitten", crisis=True))
    assert replies == ["utter_crisis", "action_listen"]


def test_a_crisis_with_a_sign_that_needs_asking_is_not_delayed_by_a_question():
    message = _alarm_message("ik ben gevallen en ik wil er niet meer zijn", ask="trauma", crisis=True)
    message.intent["name"] = "crisis"
    replies, _ = _replies(message)
    assert replies == ["utter_red_flag_today", "utter_crisis", "action_listen"]


# --- asking instead of guessing -----------------------------------------------------------------------


@pytest.mark.parametrize("sign", ["trauma", "weight_loss", "cancer", "sudden_severe"])
def test_a_sign_that_needs_a_fact_is_asked_about_first(sign):
    replies, _ = _replies(_alarm_message("tekst", ask=sign, signs=[sign]))
    assert replies == [f"utter_red_flag_ask_{sign}", "action_listen"]


def test_the_question_in_the_middle_of_the_questionnaire_ends_the_form():
    message = _alarm_message("ik ben gisteren van de trap gevallen", ask="trauma", signs=["trauma"])
    replies, events = _replies(_user("exercise_recommendation"), ActionExecuted(FORM), ActiveLoop(FORM), message)
    assert replies == ["utter_red_flag_ask_trauma", "action_deactivate_loop", "action_listen"]
    events += [ActionExecuted("action_listen"), _alarm_message("ik ben 72")]
    replies, _ = _replies(*events)
    assert replies == ["utter_red_flag_today", "action_listen"]


@pytest.mark.parametrize(
    "sign, answer, first_reply",
    [
        ("trauma", "ja ik ben 67", "utter_red_flag_today"),
        ("trauma", "nee ik ben 30", "utter_red_flag_soon"),
        ("trauma", "ik heb botontkalking", "utter_red_flag_today"),
        ("trauma", "geen idee eigenlijk", "utter_red_flag_today"),
        ("weight_loss", "ja bewust, ik lijn", "utter_red_flag_settled_weight_loss"),
        ("weight_loss", "nee vanzelf", "utter_red_flag_soon"),
        ("cancer", "vorig jaar borstkanker gehad, nu schoon", "utter_red_flag_soon"),
        ("cancer", "ik ben nog in behandeling", "utter_red_flag_today"),
        ("sudden_severe", "gebeurde bij het tillen", "utter_red_flag_settled_sudden_severe"),
        ("sudden_severe", "ineens, en ik zweet en heb buikpijn", "utter_red_flag_emergency"),
        ("sudden_severe", "weet ik niet meer", "utter_red_flag_emergency"),
    ],
)
def test_the_answer_sets_the_tier(sign, answer, first_reply):
    replies, _ = _replies(*_asked(sign, "tekst", answer))
    assert replies == [first_reply, "action_listen"]


def test_a_new_alarm_sign_in_the_answer_wins():
    events = _asked(
        "trauma",
        "ik ben gevallen",
        "nee ik ben 30, maar ik voel mijn billen niet meer",
        tier="emergency",
        signs=["cauda_equina"],
    )
    replies, _ = _replies(*events)
    assert replies == ["utter_red_flag_emergency", "action_listen"]


def test_a_tier_only_the_classifier_heard_in_the_answer_does_not_undo_a_settled_no():
    # The classifier hears "afgevallen" again; the lexicon found no sign in the answer.
    events = _asked("weight_loss", "ik ben afgevallen", "ja, bewust afgevallen met een dieet")
    events[-1].parse_data["alarm"]["tier"] = "soon"
    replies, _ = _replies(*events)
    assert replies == ["utter_red_flag_settled_weight_loss", "action_listen"]


def test_an_emergency_only_the_classifier_heard_in_the_answer_still_wins():
    events = _asked("sudden_severe", "opeens enorme pijn", "gebeurde bij het tillen, nu zie ik zwart")
    events[-1].parse_data["alarm"]["tier"] = "emergency"
    replies, _ = _replies(*events)
    assert replies == ["utter_red_flag_emergency", "action_listen"]


def test_a_settled_no_next_to_a_new_sign_gives_that_sign():
    events = _asked(
        "weight_loss", "ik ben afgevallen", "ja bewust, maar ik heb nu wel koorts", tier="today", signs=["fever"]
    )
    replies, _ = _replies(*events)
    assert replies == ["utter_red_flag_today", "action_listen"]


def test_a_crisis_in_the_answer_gets_its_answer_too():
    events = _asked("cancer", "ik heb kanker gehad", "ik ben nog in behandeling en ik wil niet meer", crisis=True)
    replies, _ = _replies(*events)
    assert replies == ["utter_red_flag_today", "utter_crisis", "action_listen"]


def test_another_sign_to_ask_about_in_the_answer_is_read_from_the_same_answer():
    events = _asked("trauma", "ik viel", "ik ben 40, maar ik ben ook 8 kilo afgevallen zonder dieet", ask="weight_loss")
    replies, _ = _replies(*events)
    assert replies == ["utter_red_flag_soon", "action_listen"]


def test_an_answer_long_after_another_turn_is_not_read_as_the_answer():
    events = [
        *_asked("weight_loss", "afgevallen", "ja bewust, ik lijn")[:3],
        _user("faq", "wat is een hernia?", {"tier": None, "signs": [], "ask": None, "crisis": False}),
        ActionExecuted("utter_faq"),
        ActionExecuted("action_listen"),
        _user("greet", "hallo", {"tier": None, "signs": [], "ask": None, "crisis": False}),
    ]
    assert next_safety_action(_tracker(*events)) is None


# --- the lock: no exercises or products after a medical tier ------------------------------------------


@pytest.mark.parametrize("intent", ["exercise_recommendation", "product_recommendation"])
def test_no_exercises_or_products_after_an_alarm_in_the_session(intent):
    events = [
        _user("red_flag_today"),
        ActionExecuted("utter_red_flag_today"),
        ActionExecuted("action_listen"),
        _user(intent),
    ]
    assert next_safety_action(_tracker(*events)) == "utter_red_flag_reminder"


def test_a_fall_settled_within_days_still_locks():
    _, events = _replies(*_asked("trauma", "ik ben van de fiets gevallen", "nee ik ben 30"))
    events.append(_user("exercise_recommendation", "welke oefeningen kan ik doen?"))
    assert next_safety_action(_tracker(*events)) == "utter_red_flag_reminder"


def test_weight_loss_on_purpose_does_not_lock():
    replies, events = _replies(*_asked("weight_loss", "ik ben 5 kilo afgevallen", "ja bewust, ik lijn"))
    assert replies == ["utter_red_flag_settled_weight_loss", "action_listen"]
    events.append(_user("exercise_recommendation", "welke oefeningen kan ik doen?"))
    assert next_safety_action(_tracker(*events)) is None


def test_a_crisis_answer_alone_does_not_lock():
    events = [
        _user("crisis"),
        ActionExecuted("utter_crisis"),
        ActionExecuted("action_listen"),
        _user("exercise_recommendation"),
    ]
    assert next_safety_action(_tracker(*events)) is None


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


# --- the questionnaire's screening question -------------------------------------------------------------


def _screening_yes(answer=None):
    events = [
        _user("exercise_recommendation"),
        ActionExecuted(FORM),
        ActiveLoop(FORM),
        ActionExecuted("action_listen"),
        _user("affirm", "ja, een of meer daarvan"),
        ActionExecuted(FORM),
        SlotSet("alarm_check", True),
        ActiveLoop(None),
        SlotSet("requested_slot", None),
    ]
    return events


def test_a_yes_on_the_screening_question_asks_which_sign():
    replies, _ = _replies(*_screening_yes())
    assert replies == ["utter_red_flag_ask_screening", "action_listen"]


@pytest.mark.parametrize(
    "answer, first_reply",
    [
        ("ik heb 38,5 koorts", "utter_red_flag_today"),
        ("ik heb tien jaar geleden kanker gehad", "utter_red_flag_soon"),
        ("ik kan mijn plas niet ophouden", "utter_red_flag_emergency"),
        ("weet ik niet precies", "utter_red_flag_emergency"),
    ],
)
def test_the_sign_named_after_the_screening_yes_sets_the_tier(answer, first_reply):
    events = [*_screening_yes(), ActionExecuted("utter_red_flag_ask_screening"), ActionExecuted("action_listen")]
    events.append(_alarm_message(answer))
    replies, _ = _replies(*events)
    assert replies == [first_reply, "action_listen"]


def test_a_no_on_the_screening_question_is_left_to_the_rules():
    events = _screening_yes()
    events[6] = SlotSet("alarm_check", False)
    assert next_safety_action(_tracker(*events)) is None


@pytest.mark.parametrize("intent", ["faq", "greet", "exercise_recommendation", "nlu_fallback"])
def test_other_intents_are_left_to_the_other_policies(intent):
    assert next_safety_action(_tracker(_user(intent))) is None
    no_alarm = {"tier": None, "signs": [], "ask": None, "crisis": False}
    assert next_safety_action(_tracker(_user(intent, "tekst", no_alarm))) is None


def test_without_the_alarm_key_the_text_is_read_with_the_same_lexicon():
    # As `rasa test core --e2e` rebuilds a story's message: the story's intent, no SafetyNet output.
    replies, _ = _replies(_user("red_flag_today", "gisteren viel ik hard op mijn stuit"))
    assert replies == ["utter_red_flag_ask_trauma", "action_listen"]
    replies, _ = _replies(_user("red_flag_emergency", "Ik ben wanhopig, ik kan mijn plas niet ophouden"))
    assert replies == ["utter_red_flag_emergency", "utter_crisis", "action_listen"]
