"""The Rasa-side NLU components, run on real rasa Message objects."""

import pytest
from rasa.shared.nlu.training_data.message import Message

from assistant.components import SafetyNet, TextGuard, TopicGate


def _message(text, intent="faq", confidence=0.9, faq_ranking=None):
    message = Message({"text": text})
    message.set("intent", {"name": intent, "confidence": confidence}, add_to_output=True)
    message.set("intent_ranking", [{"name": intent, "confidence": confidence}], add_to_output=True)
    ranking = faq_ranking or [("recovery_time", 0.8), ("bed_rest", 0.1), ("hernia", 0.1)]
    top, top_confidence = ranking[0]
    message.set(
        "response_selector",
        {
            "faq": {
                "response": {
                    "responses": None,
                    "confidence": top_confidence,
                    "intent_response_key": f"faq/{top}",
                    "utter_action": f"utter_faq/{top}",
                },
                "ranking": [{"confidence": c, "intent_response_key": f"faq/{t}"} for t, c in ranking],
            },
            "all_retrieval_intents": ["faq"],
        },
        add_to_output=True,
    )
    return message


@pytest.fixture
def gate():
    return TopicGate({"retrieval_intent": "faq", "threshold": 0.35})


@pytest.mark.parametrize("payload, topic", [("/faq/bed_rest", "bed_rest"), (" /faq/hernia ", "hernia")])
def test_faq_payload_selects_its_topic_whatever_the_classifier_said(gate, payload, topic):
    message = _message(payload, intent="out_of_scope", confidence=0.7)
    gate.process([message])
    assert message.get("intent") == {"name": "faq", "confidence": 1.0}
    selected = message.get("response_selector")["faq"]["response"]
    assert selected["utter_action"] == f"utter_faq/{topic}" and selected["confidence"] == 1.0


def test_unknown_faq_payload_is_not_forced(gate):
    message = _message("/faq/does_not_exist", intent="out_of_scope", confidence=0.7)
    gate.process([message])
    assert message.get("intent")["name"] == "out_of_scope"


@pytest.mark.parametrize(
    "selector_confidence, expected", [(0.2, "nlu_fallback"), (0.34, "nlu_fallback"), (0.35, "faq"), (0.9, "faq")]
)
def test_low_faq_answer_confidence_goes_to_the_fallback(gate, selector_confidence, expected):
    message = _message("iets over rug", faq_ranking=[("recovery_time", selector_confidence), ("hernia", 0.1)])
    gate.process([message])
    assert message.get("intent")["name"] == expected


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂", "???", "123"])
def test_text_without_letters_goes_to_the_fallback(gate, text):
    message = _message(text, intent="greet")
    gate.process([message])
    assert message.get("intent")["name"] == "nlu_fallback"


@pytest.mark.parametrize(
    "text, intent",
    [
        ("ik kan mijn plas niet ophouden", "red_flag_emergency"),
        ("ik heb koorts", "red_flag_today"),
        ("ik heb kanker gehad", "red_flag_soon"),
        ("ik wil niet meer leven", "crisis"),
    ],
)
def test_safety_net_overrides_the_classifier(text, intent):
    message = _message(text, intent="faq", confidence=0.99)
    SafetyNet().process([message])
    assert message.get("intent") == {"name": intent, "confidence": 1.0}
    assert message.get("intent_ranking")[0]["name"] == intent


def test_safety_net_keeps_a_more_urgent_classifier_tier():
    message = _message("ik heb koorts en voel mijn benen bijna niet", intent="red_flag_emergency", confidence=0.8)
    SafetyNet().process([message])
    assert message.get("intent")["name"] == "red_flag_emergency"


def test_safety_net_leaves_ordinary_messages_alone():
    message = _message("ik heb geen koorts, alleen een stijve rug", intent="faq", confidence=0.9)
    SafetyNet().process([message])
    assert message.get("intent")["name"] == "faq"


def test_text_guard_cuts_long_text_and_markup_but_keeps_the_original():
    guard = TextGuard({"max_characters": 100})
    raw = "<script>alert(1)</script> " + "rugpijn " * 1000 + "plas niet ophouden"
    message = Message({"text": raw})
    guard.process([message])
    assert len(message.get("text")) <= 100 and "<script>" not in message.get("text")
    assert message.get("original_text") == raw
    SafetyNet().process([message])
    assert message.get("intent")["name"] == "red_flag_emergency"


@pytest.mark.parametrize(
    "text", ["geen koorts hoor, gewoon pijn na het tillen", "nooit kanker gehad, hoe lang duurt dit"]
)
def test_safety_net_undoes_a_classifier_alarm_on_a_denied_sign(text):
    message = _message(text, intent="red_flag_today", confidence=0.98)
    message.set(
        "intent_ranking",
        [{"name": "red_flag_today", "confidence": 0.98}, {"name": "faq", "confidence": 0.02}],
        add_to_output=True,
    )
    SafetyNet().process([message])
    assert message.get("intent")["name"] == "faq"


def test_safety_net_keeps_a_classifier_alarm_without_any_denial():
    message = _message("mijn rug voelt heel raar en ik ben bang", intent="red_flag_emergency", confidence=0.9)
    SafetyNet().process([message])
    assert message.get("intent")["name"] == "red_flag_emergency"
