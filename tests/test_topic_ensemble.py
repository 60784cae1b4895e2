"""TfidfTopicEnsemble: the blend of DIET x ResponseSelector with a TF-IDF classifier over flat labels, as plain
tables, and the component trained for real, stored and loaded, on a handful of Dutch messages."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.topic_ensemble import (
    TfidfTopicEnsemble,
    blend,
    decide,
    flat_distribution,
    surer_when_agreeing,
    training_pairs,
)


def _ranking(**confidences):
    return [{"name": name, "confidence": value} for name, value in confidences.items()]


def _topics(**confidences):
    return [{"intent_response_key": f"faq/{name}", "confidence": value} for name, value in confidences.items()]


@pytest.mark.parametrize(
    "intents, topics, expected",
    [
        # faq's 0.8 shared out over its topics in proportion; other intents keep theirs
        (
            _ranking(faq=0.8, greet=0.2),
            _topics(hernia=0.75, surgery=0.25),
            {"greet": 0.2, "faq/hernia": 0.6, "faq/surgery": 0.2},
        ),
        # the selector's confidences are normalised first
        (
            _ranking(faq=0.5, thanks=0.5),
            _topics(hernia=1.0, surgery=1.0),
            {"thanks": 0.5, "faq/hernia": 0.25, "faq/surgery": 0.25},
        ),
        # no selector ranking: only the intents
        (_ranking(faq=0.9, greet=0.1), [], {"greet": 0.1}),
    ],
)
def test_diet_and_the_selector_as_one_flat_distribution(intents, topics, expected):
    assert flat_distribution(intents, topics, "faq") == pytest.approx(expected)


def test_blend_is_the_weighted_mean_and_a_missing_label_counts_zero():
    assert blend({"a": 1.0}, {"a": 0.5, "b": 0.5}, 0.5) == pytest.approx({"a": 0.75, "b": 0.25})
    assert blend({"a": 1.0}, {"b": 1.0}, 0.0) == pytest.approx({"a": 1.0, "b": 0.0})


@pytest.mark.parametrize(
    "blended, intent, confidence, topic",
    [
        # a topic wins: the intent is faq with all topics' share, the topic keeps its share of faq
        ({"faq/hernia": 0.5, "faq/surgery": 0.2, "greet": 0.3}, "faq", 0.7, "faq/hernia"),
        # a flat label beats every single topic, though the topics together have more
        ({"faq/hernia": 0.3, "faq/surgery": 0.3, "thanks": 0.4}, "thanks", 0.4, "faq/hernia"),
        # a safety intent is never made the intent: the best other label is taken
        ({"red_flag_emergency": 0.9, "faq/hernia": 0.06, "greet": 0.04}, "faq", 0.06, "faq/hernia"),
    ],
)
def test_the_best_label_that_is_not_a_safety_intent_decides(blended, intent, confidence, topic):
    decision = decide(blended, "faq")
    assert decision["intent"]["name"] == intent
    assert decision["intent"]["confidence"] == pytest.approx(confidence)
    assert decision["topic"] == topic
    assert decision["intent_ranking"][0]["name"] == intent


def test_the_topic_confidence_is_its_share_of_the_faq_part():
    decision = decide({"faq/hernia": 0.3, "faq/surgery": 0.1, "greet": 0.6}, "faq")
    assert decision["topic_ranking"][0] == {"intent_response_key": "faq/hernia", "confidence": pytest.approx(0.75)}


def test_only_safety_labels_decide_nothing():
    assert decide({"crisis": 1.0}, "faq") is None


@pytest.mark.parametrize(
    "config, field",
    [
        ({"weight": 1.5}, "weight"),
        ({"weight": "half"}, "weight"),
        ({"char_ngrams": [2]}, "char_ngrams"),
        ({"C": 0}, "C"),
    ],
)
def test_a_wrong_setting_is_refused_naming_the_field(tmp_path, config, field):
    storage = LocalModelStorage(tmp_path)
    with pytest.raises(ValueError, match=rf"TfidfTopicEnsemble\.{field}:"):
        TfidfTopicEnsemble({**TfidfTopicEnsemble.get_default_config(), **config}, storage, Resource("x"))


TRAINING = [
    ("hoe lang duurt een hernia", "faq", "faq/hernia"),
    ("wat is een hernia precies", "faq", "faq/hernia"),
    ("hernia wat is dat", "faq", "faq/hernia"),
    ("moet ik geopereerd worden", "faq", "faq/surgery"),
    ("is een operatie nodig voor mijn rug", "faq", "faq/surgery"),
    ("wanneer kom ik onder het mes", "faq", "faq/surgery"),
    ("hallo", "greet", None),
    ("goedemorgen", "greet", None),
    ("hoi daar", "greet", None),
    ("mijn benen zijn ineens slap en ik kan niet plassen", "red_flag_emergency", None),
]


def _message(text, intent=None, key=None, diet=None, selector=None) -> Message:
    data = {TEXT: text}
    if intent:
        data[INTENT] = intent
    if key:
        data[INTENT_RESPONSE_KEY] = key
    message = Message(data=data)
    if diet:
        message.set(INTENT, {"name": max(diet, key=diet.get), "confidence": max(diet.values())})
        message.set("intent_ranking", _ranking(**diet))
    if selector:
        response = {
            "intent_response_key": f"faq/{max(selector, key=selector.get)}",
            "confidence": max(selector.values()),
        }
        message.set("response_selector", {"faq": {"response": response, "ranking": _topics(**selector)}})
    return message


def test_training_pairs_label_faq_examples_by_their_topic():
    pairs = training_pairs([_message(t, i, k) for t, i, k in TRAINING[:1] + TRAINING[6:7]] + [_message("")])
    assert pairs == [("hoe lang duurt een hernia", "faq/hernia"), ("hallo", "greet")]


@pytest.fixture
def trained_ensemble(tmp_path):
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    config = TfidfTopicEnsemble.get_default_config()
    resource = Resource("ensemble")
    TfidfTopicEnsemble.create(config, storage, resource, context).train(
        TrainingData([_message(t, i, k) for t, i, k in TRAINING])
    )
    return TfidfTopicEnsemble.load(config, storage, resource, context)


def test_a_stored_ensemble_corrects_a_diet_topic_the_words_contradict(trained_ensemble):
    # DIET x selector lean to surgery (0.55 x 0.6 = 0.33 vs 0.22); the TF-IDF classifier is sure it is hernia
    (message,) = trained_ensemble.process(
        [_message("wat is een hernia", diet={"faq": 0.55, "greet": 0.45}, selector={"surgery": 0.6, "hernia": 0.4})]
    )
    assert message.get(INTENT)["name"] == "faq"
    selected = message.get("response_selector")["faq"]["response"]
    assert selected["intent_response_key"] == "faq/hernia"
    assert selected["utter_action"] == "utter_faq/hernia"


def test_a_diet_safety_intent_is_left_alone(trained_ensemble):
    (message,) = trained_ensemble.process(
        [_message("hallo", diet={"red_flag_emergency": 0.6, "greet": 0.4}, selector={"hernia": 1.0})]
    )
    assert message.get(INTENT) == {"name": "red_flag_emergency", "confidence": 0.6}


def test_an_empty_message_gets_an_answer_not_an_error(trained_ensemble):
    (message,) = trained_ensemble.process([_message("", diet={"greet": 0.5, "faq": 0.5}, selector={"hernia": 1.0})])
    assert message.get(INTENT)["name"] in {"greet", "faq"}


@pytest.mark.parametrize(
    "chosen, blended, earlier, expected",
    [
        ("deny", 0.4, {"name": "deny", "confidence": 0.9}, 0.9),  # agreeing: DIET's surer 0.9 stays
        ("deny", 0.95, {"name": "deny", "confidence": 0.9}, 0.95),
        ("stop", 0.4, {"name": "deny", "confidence": 0.9}, 0.4),  # disagreeing: the blend's own
        ("deny", 0.4, None, 0.4),
    ],
)
def test_an_answer_the_blend_agrees_on_is_never_less_sure_than_diet_made_it(chosen, blended, earlier, expected):
    assert surer_when_agreeing(chosen, blended, earlier, "name") == expected


def test_agreeing_with_a_sure_diet_keeps_its_confidence_in_the_parse(trained_ensemble):
    (message,) = trained_ensemble.process(
        [_message("hallo", diet={"greet": 0.97, "faq": 0.03}, selector={"hernia": 0.9, "surgery": 0.1})]
    )
    assert message.get(INTENT) == {"name": "greet", "confidence": 0.97}


def test_the_fast_scorer_gives_scikit_learns_probabilities(trained_ensemble):
    texts = ["wat is een hernia", "hoi", "", "moet ik onder het mes 🙂"]
    fast = trained_ensemble.scorer.probabilities(texts)
    assert fast == pytest.approx(trained_ensemble.model.predict_proba(texts), abs=1e-9)
    assert trained_ensemble.scorer.classes == list(trained_ensemble.model.classes_)
