"""FeatureSafeLogisticRegressionClassifier: trained for real on sparse sentence features, then asked about a message
that has none (an emoji only): Rasa's class raises there, ours answers with a low confidence."""

from __future__ import annotations

import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.classifiers import FeatureSafeLogisticRegressionClassifier

TRAINING = [
    ("hoe lang duurt het", "faq", [1, 0, 0]),
    ("hoe lang nog", "faq", [1, 1, 0]),
    ("hallo", "greet", [0, 0, 1]),
    ("hoi daar", "greet", [0, 1, 1]),
]


def _message(text, intent=None, vector=None) -> Message:
    message = Message(data={TEXT: text, **({"intent": intent} if intent else {})})
    if vector is not None:
        features = scipy.sparse.coo_matrix([vector])
        message.add_features(Features(features, FEATURE_TYPE_SENTENCE, TEXT, "test"))
    return message


def _trained(cls, tmp_path):
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    classifier = cls.create({**cls.get_default_config(), "random_state": 42}, storage, Resource("lr"), context)
    classifier.train(TrainingData([_message(t, i, v) for t, i, v in TRAINING]))
    return classifier


def test_rasas_own_classifier_raises_on_a_message_without_features(tmp_path):
    classifier = _trained(LogisticRegressionClassifier, tmp_path)
    with pytest.raises(ValueError, match="0 feature"):
        classifier.process([_message("🙂")])


def test_a_message_without_features_gets_a_low_confidence_and_the_others_their_intent(tmp_path):
    classifier = _trained(FeatureSafeLogisticRegressionClassifier, tmp_path)
    emoji, question = classifier.process([_message("🙂"), _message("hoe lang", vector=[1, 0, 0])])
    assert question.get("intent")["name"] == "faq"
    assert emoji.get("intent")["confidence"] < question.get("intent")["confidence"]
    assert emoji.get("intent")["confidence"] < 0.6  # two intents: the prior, near 0.5, not a confident answer
