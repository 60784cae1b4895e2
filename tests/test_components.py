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
        ("ik heb tien jaar geleden kanker gehad", "red_flag_soon"),
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


def _net(text, intent="faq", confidence=0.9, ranking=None):
    message = _message(text, intent=intent, confidence=confidence)
    if ranking is not None:
        message.set("intent_ranking", [{"name": n, "confidence": c} for n, c in ranking], add_to_output=True)
    SafetyNet().process([message])
    return message


@pytest.mark.parametrize(
    "text, intent, alarm",
    [
        pytest.param(
            "ik kan mijn plas niet ophouden",
            "red_flag_emergency",
            {"tier": "emergency", "signs": [{"sign": "cauda_equina", "tier": "emergency", "nts": "U2"}]},
            id="emergency",
        ),
        pytest.param(
            "ik ben wanhopig, ik kan mijn plas niet ophouden",
            "red_flag_emergency",
            {
                "tier": "emergency",
                "signs": [
                    {"sign": "crisis", "tier": "crisis", "nts": "U2"},
                    {"sign": "cauda_equina", "tier": "emergency", "nts": "U2"},
                ],
                "crisis": True,
            },
            id="crisis-and-medical-sign-both",
        ),
        pytest.param(
            "ik zie het niet meer zitten",
            "crisis",
            {"signs": [{"sign": "crisis", "tier": "crisis", "nts": "U2"}], "crisis": True},
            id="crisis-only",
        ),
        pytest.param("ik ben van de trap gevallen", "red_flag_today", {"ask": "trauma"}, id="ask-fall-forces-today"),
        pytest.param(
            "plotseling hevige rugpijn",
            "red_flag_emergency",
            {"ask": "sudden_severe"},
            id="ask-sudden-forces-emergency",
        ),
        pytest.param("ik ben 6 kilo afgevallen", "red_flag_soon", {"ask": "weight_loss"}, id="ask-weight-forces-soon"),
        pytest.param(
            "mijn moeder van 82 is gevallen",
            "red_flag_today",
            {"tier": "today", "signs": [{"sign": "trauma", "tier": "today", "nts": "U3"}]},
            id="fall-at-82-settled",
        ),
        pytest.param("hoe lang duurt rugpijn", "faq", {}, id="nothing"),
    ],
)
def test_safety_net_puts_the_alarm_into_the_parse_data_and_forces_its_intent(text, intent, alarm):
    message = _net(text)
    expected = {"tier": None, "signs": [], "ask": None, "crisis": False} | alarm
    assert message.get("alarm") == expected
    assert message.get("intent")["name"] == intent
    assert "alarm" in message.as_dict(only_output_properties=True)


def test_safety_net_never_lowers_an_emergency_the_classifier_found():
    message = _net("ik ben van de trap gevallen en voel mijn benen bijna niet", intent="red_flag_emergency")
    assert message.get("intent")["name"] == "red_flag_emergency"
    assert message.get("alarm")["tier"] == "emergency" and message.get("alarm")["ask"] is None


def test_a_denied_sign_does_not_cancel_a_classifier_alarm_on_another_complaint():
    message = _net(
        "geen koorts, maar ik voel me heel raar in mijn onderlijf",
        intent="red_flag_today",
        ranking=[("red_flag_today", 0.8), ("faq", 0.2)],
    )
    assert message.get("intent")["name"] == "red_flag_today"
    assert message.get("alarm")["tier"] == "today"


def test_a_denied_sign_never_cancels_an_emergency_classifier_alarm():
    message = _net(
        "geen koorts hoor, het is gewoon heel erg", intent="red_flag_emergency", ranking=[("red_flag_emergency", 0.9)]
    )
    assert message.get("intent")["name"] == "red_flag_emergency"
    assert message.get("alarm")["tier"] == "emergency"


def test_a_classifier_crisis_is_kept_and_reported():
    message = _net("het heeft allemaal geen zin", intent="crisis", confidence=0.8)
    assert message.get("intent")["name"] == "crisis"
    assert message.get("alarm")["crisis"] is True and message.get("alarm")["tier"] is None


def test_a_question_about_a_sign_is_not_an_alarm():
    message = _net("Wat is het caudasyndroom?", intent="faq")
    assert message.get("intent")["name"] == "faq"
    assert message.get("alarm") == {"tier": None, "signs": [], "ask": None, "crisis": False}
