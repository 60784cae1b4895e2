"""The learned second opinion on alarm signs (assistant/alarm_opinion.py) and how the SafetyNet decides with it."""

from __future__ import annotations

import re

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.alarm_opinion import (
    EXAMPLES_PATH,
    OPINION_KEY,
    AlarmOpinion,
    OpinionExamplesFile,
    label_of_intent,
    load_examples,
    opinion_of,
    training_pairs,
    without_denials,
)
from assistant.components import SafetyNet
from common.data_files import DataFileError, load_data_file


@pytest.mark.parametrize(
    "intent, label",
    [
        ("red_flag_emergency", "emergency"),
        ("red_flag_today", "today"),
        ("red_flag_soon", "soon"),
        ("crisis", "crisis"),
        ("faq", "none"),
        ("greet", "none"),
        (None, "none"),
    ],
)
def test_an_nlu_example_is_labelled_by_the_tier_of_its_intent(intent, label):
    assert label_of_intent(intent) == label


@pytest.mark.parametrize(
    "text, kept",
    [
        ("geen koorts, maar ik kan mijn plas niet ophouden", "maar ik kan mijn plas niet ophouden"),
        ("Geen pijn op de borst. Alleen mijn onderrug zeurt", "Alleen mijn onderrug zeurt"),
        ("Ik heb 39 graden koorts", "Ik heb 39 graden koorts"),
        ("welke oefeningen helpen bij spit?", "welke oefeningen helpen bij spit"),
    ],
)
def test_the_opinion_reads_the_text_without_its_denied_clauses(text, kept):
    assert without_denials(text).strip() == kept


def test_an_opinion_names_the_likeliest_safety_label_and_the_chance_of_any_alarm():
    assert opinion_of({"none": 0.5, "today": 0.3, "soon": 0.2}) == {
        "tier": None,
        "alarm": 0.5,
        "medical": 0.5,
        "best_alarm": "today",
    }
    crisis = opinion_of({"none": 0.1, "crisis": 0.6, "emergency": 0.3})
    assert (crisis["tier"], crisis["alarm"], crisis["medical"]) == ("crisis", 0.9, 0.3)


def test_a_medical_alarm_of_the_classifier_is_confirmed_by_the_opinion_s_medical_share_not_its_crisis_share():
    """An emotional near miss with a classifier emergency: the opinion's crisis probability is no evidence of one."""
    text = "ik ben zo moe van alles en mijn rug doet zeer"
    worried = {"tier": None, "alarm": 0.5, "medical": 0.1, "best_alarm": "crisis"}
    assert _net(text, "red_flag_today", worried).get(INTENT)["name"] != "red_flag_today"
    medical = {"tier": None, "alarm": 0.5, "medical": 0.45, "best_alarm": "today"}
    assert _net(text, "red_flag_today", medical).get(INTENT)["name"] == "red_flag_today"


def test_the_examples_file_has_alarms_of_every_tier_and_near_misses():
    labels = {label for _, label in load_examples()}
    assert labels == {"emergency", "today", "soon", "crisis", "none"}


@pytest.mark.parametrize(
    "content, message",
    [
        ("examples:\n- text: koorts\n  tier: urgent\n  sign: fever\n", "examples[0].tier"),
        ("examples:\n- text: koorts\n  tier: today\n  sign: koorts\n", "examples[0].sign"),
        ("examples:\n- text: ''\n  tier: today\n  sign: fever\n", "examples[0].text"),
        (
            "examples:\n- {text: Koorts!, tier: today, sign: fever}\n- {text: koorts, tier: today, sign: fever}\n",
            "examples[1].text: the same text as examples[0]",
        ),
    ],
)
def test_a_broken_examples_file_is_refused_naming_the_file_and_the_field(tmp_path, content, message):
    path = tmp_path / "alarm_opinion_examples.yml"
    path.write_text(content)
    with pytest.raises(DataFileError, match=re.escape(f"alarm_opinion_examples.yml: {message}")):
        load_data_file(path, OpinionExamplesFile)


def _example(text: str, intent: str) -> Message:
    return Message(data={TEXT: text, INTENT: intent})


def test_training_pairs_are_the_nlu_examples_by_tier_then_the_opinions_own():
    pairs = training_pairs(
        [_example("ik kan niet plassen", "red_flag_emergency"), _example("hoi", "greet")], [("x", "soon")]
    )
    assert pairs == [("ik kan niet plassen", "emergency"), ("hoi", "none"), ("x", "soon")]


TRAINING = [
    ("ik kan mijn plas niet ophouden", "red_flag_emergency"),
    ("mijn been wordt steeds slapper", "red_flag_emergency"),
    ("ik voel niks meer in mijn kruis", "red_flag_emergency"),
    ("ik heb 39 graden koorts en rugpijn", "red_flag_today"),
    ("koorts en rillingen met pijn in mijn rug", "red_flag_today"),
    ("ik wil niet meer leven", "crisis"),
    ("welke oefeningen helpen bij rugpijn", "faq"),
    ("hoe lang duurt spit", "faq"),
    ("is warmte goed voor mijn rug", "faq"),
    ("hallo", "greet"),
]


@pytest.fixture
def trained_opinion(tmp_path):
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    config = AlarmOpinion.get_default_config()
    resource = Resource("opinion")
    AlarmOpinion.create(config, storage, resource, context).train(
        TrainingData([_example(text, intent) for text, intent in TRAINING])
    )
    return AlarmOpinion.load(config, storage, resource, context)


def test_a_stored_opinion_sees_an_alarm_and_not_a_denied_one(trained_opinion):
    alarm, denied, question = trained_opinion.process(
        [
            Message(data={TEXT: "ik kan sinds vanmorgen mijn plas niet ophouden"}),
            Message(data={TEXT: "geen koorts. welke oefeningen helpen"}),
            Message(data={TEXT: "welke oefeningen helpen bij spit"}),
        ]
    )
    assert alarm.get(OPINION_KEY)["best_alarm"] == "emergency"
    assert alarm.get(OPINION_KEY)["alarm"] > denied.get(OPINION_KEY)["alarm"]
    assert question.get(OPINION_KEY)["tier"] is None


def test_the_examples_file_is_part_of_the_model_fingerprint():
    assert AlarmOpinion.fingerprint_addon({}) not in (None, "missing")
    assert EXAMPLES_PATH.exists()


def _net(text: str, intent: str, opinion: dict | None, config: dict | None = None) -> Message:
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": 0.9})
    message.set("intent_ranking", [{"name": intent, "confidence": 0.9}, {"name": "faq", "confidence": 0.1}])
    if opinion is not None:
        message.set(OPINION_KEY, opinion)
    SafetyNet(config).process([message])
    return message


def _opinion(alarm: float, best: str = "today") -> dict:
    medical = 0.0 if best == "crisis" else alarm
    return {"tier": best if alarm > 0.5 else None, "alarm": alarm, "medical": medical, "best_alarm": best}


@pytest.mark.parametrize(
    "text, intent, opinion, expected_intent, expected_tier, crisis",
    [
        # a classifier alarm the second opinion does not confirm is undone (the lexicon found nothing)
        (
            "Ik ben op de bank in slaap gevallen en nu is mijn rug stijf",
            "red_flag_today",
            _opinion(0.1),
            "faq",
            None,
            False,
        ),
        # ... and stands when it does
        (
            "Ik ben op de bank in slaap gevallen en nu is mijn rug stijf",
            "red_flag_today",
            _opinion(0.4),
            "red_flag_today",
            "today",
            False,
        ),
        # an emergency alarm of the classifier is undone only when it rests on a denied sign
        ("Geen pijn op de borst, alleen mijn onderrug zeurt", "red_flag_emergency", _opinion(0.1), "faq", None, False),
        (
            "Mijn rug doet zeer en ik voel me raar",
            "red_flag_emergency",
            _opinion(0.1),
            "red_flag_emergency",
            "emergency",
            False,
        ),
        # a crisis of the classifier always stands
        ("ik zie het allemaal niet meer zitten", "crisis", _opinion(0.05), "crisis", None, True),
        # the second opinion raises an alarm the lexicon and DIET missed, with its own tier
        ("mijn rug is raar sinds ik die pillen neem", "faq", _opinion(0.8, "soon"), "red_flag_soon", "soon", False),
        ("het hoeft voor mij allemaal niet meer", "faq", _opinion(0.7, "crisis"), "crisis", None, True),
        # below raise_at nothing happens, nor in a message of fewer than five words
        ("welke matras is goed voor mijn rug", "faq", _opinion(0.4, "soon"), "faq", None, False),
        ("ik denk het niet", "deny", _opinion(0.9, "crisis"), "deny", None, False),
        # a short answer only when the opinion is very sure of a medical tier
        ("ja dat klopt", "affirm", _opinion(0.85, "today"), "red_flag_today", "today", False),
        ("ja dat klopt", "affirm", _opinion(0.7, "today"), "affirm", None, False),
        # a sign the lexicon finds is decided by the lexicon, whatever the opinion says
        ("ik kan mijn plas niet ophouden", "faq", _opinion(0.0), "red_flag_emergency", "emergency", False),
    ],
)
def test_the_safety_net_decides_with_the_second_opinion_where_the_lexicon_finds_nothing(
    text, intent, opinion, expected_intent, expected_tier, crisis
):
    message = _net(text, intent, opinion)
    assert message.get(INTENT)["name"] == expected_intent
    alarm = message.get("alarm")
    assert alarm["tier"] == expected_tier
    assert alarm["crisis"] is crisis


@pytest.mark.parametrize(
    "opinion, expected_intent",
    [
        (_opinion(0.55, "crisis"), "faq"),  # a crisis needs raise_crisis_at
        (_opinion(0.65, "crisis"), "crisis"),
        (_opinion(0.55, "soon"), "red_flag_soon"),  # a medical tier still from raise_at
    ],
)
def test_the_second_opinion_raises_a_crisis_only_from_its_own_threshold(opinion, expected_intent):
    message = _net("het voelt allemaal zo zwaar de laatste tijd", "faq", opinion, {"raise_crisis_at": 0.6})
    assert message.get(INTENT)["name"] == expected_intent
    assert message.get("alarm")["crisis"] is (expected_intent == "crisis")


@pytest.mark.parametrize(
    "opinion_tier, answered",
    [
        ("today", "today"),  # the second opinion sides with the lexicon: its guideline tier stands
        ("emergency", "emergency"),  # it sides with DIET: the more urgent tier stands
        ("crisis", "emergency"),  # no medical tier of its own: DIET's more urgent tier stands
    ],
)
def test_a_more_urgent_classifier_tier_yields_to_the_lexicon_only_when_the_second_opinion_agrees(
    opinion_tier, answered
):
    message = _net(
        "Ik heb sinds een week tintelingen in allebei mijn benen", "red_flag_emergency", _opinion(0.9, opinion_tier)
    )
    assert message.get("alarm")["tier"] == answered
    assert message.get(INTENT)["name"] == f"red_flag_{answered}"


@pytest.mark.parametrize("opinion", [_opinion(0.9, "today"), None])
def test_a_tier_the_message_settles_by_a_fact_stands_against_a_more_urgent_classifier(opinion):
    """The lexicon's young-fall tier comes from the age the visitor gave, which DIET cannot weigh (NHG M54: a fall
    without risk factors is not a same-day visit)."""
    message = _net(
        "ik ben 24 en gisteren bij het voetballen op mijn rug gevallen, het doet nog pijn", "red_flag_today", opinion
    )
    assert message.get("alarm")["tier"] == "soon"
    assert message.get(INTENT)["name"] == "red_flag_soon"


def test_without_a_second_opinion_the_safety_net_decides_as_before():
    message = _net("Ik ben op de bank in slaap gevallen en nu is mijn rug stijf", "red_flag_today", None)
    assert message.get(INTENT)["name"] == "red_flag_today"


@pytest.mark.parametrize(
    "config",
    [
        {"confirm_at": 1.5},
        {"raise_at": "hoog"},
        {"raise_min_words": 0},
        {"raise_short_at": -0.1},
        {"raise_crisis_at": 2},
    ],
)
def test_a_wrong_safety_net_setting_is_refused_naming_the_field(config):
    with pytest.raises(
        ValueError, match=r"SafetyNet\.(confirm_at|raise_at|raise_min_words|raise_short_at|raise_crisis_at):"
    ):
        SafetyNet(config)
