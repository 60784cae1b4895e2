"""An ensemble of intent classifiers, from Rasa's public component interface (issue 12, item 4).

Every intent classifier in a Rasa pipeline overwrites the ``intent`` and ``intent_ranking`` of the one before
it, so two classifiers in a row are not an ensemble: the last one wins. Put ``IntentRankingSnapshot`` after each
classifier but the last, and ``IntentRankingEnsemble`` after the last one::

    - name: DIETClassifier
      ranking_length: 0                     # the whole ranking, or an intent can be missing from the mean
    - name: assistant.ensemble.IntentRankingSnapshot
    - name: LogisticRegressionClassifier
      ranking_length: 0
    - name: assistant.ensemble.IntentRankingEnsemble
      weights: [0.5, 0.5]                   # snapshots in pipeline order, then the last classifier

The ensemble's confidence of an intent is the weighted mean of the classifiers' confidences (an intent a
classifier did not rank counts 0 for it); the FallbackClassifier after it sees that mean. Snapshots are kept in
the message only (not in the parse output).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.components import _ConfiguredComponent

SNAPSHOTS = "intent_ranking_snapshots"
OUTPUT_RANKING_LENGTH = 10


def combine_rankings(rankings: Sequence[Sequence[dict[str, Any]]], weights: Sequence[float]) -> list[dict[str, Any]]:
    """The weighted mean of several intent rankings, most confident first (pure; ties keep first-seen order)."""
    if len(rankings) != len(weights):
        raise ValueError(f"{len(rankings)} rankings but {len(weights)} weights")
    total = sum(weights)
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights):
        for entry in ranking:
            name = entry[INTENT_NAME_KEY]
            scores[name] = scores.get(name, 0.0) + weight * float(entry.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
    combined = [{INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: score / total} for name, score in scores.items()]
    return sorted(combined, key=lambda entry: -entry[PREDICTED_CONFIDENCE_KEY])


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class IntentRankingSnapshot(_ConfiguredComponent):
    """Keeps the intent ranking of the classifier before it, for ``IntentRankingEnsemble``."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            ranking = [dict(entry) for entry in message.get(INTENT_RANKING_KEY) or []]
            message.set(SNAPSHOTS, [*(message.get(SNAPSHOTS) or []), ranking])
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class IntentRankingEnsemble(_ConfiguredComponent):
    """Replaces the intent and ranking by the weighted mean of the snapshots and the last classifier's."""

    def __init__(self, config: dict[str, Any]) -> None:
        weights = config.get("weights")
        if not isinstance(weights, list) or len(weights) < 2 or any(float(w) < 0 for w in weights) or not sum(weights):
            raise ValueError(
                f"config.yml: IntentRankingEnsemble.weights: two or more non-negative numbers, got {weights!r}"
            )
        self.weights = [float(w) for w in weights]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"weights": [0.5, 0.5]}

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            rankings = [*(message.get(SNAPSHOTS) or []), message.get(INTENT_RANKING_KEY) or []]
            if len(rankings) != len(self.weights):
                raise ValueError(
                    f"config.yml: IntentRankingEnsemble.weights has {len(self.weights)} weights for "
                    f"{len(rankings)} classifiers (one IntentRankingSnapshot after each but the last)"
                )
            combined = combine_rankings(rankings, self.weights)
            if combined:
                message.set(INTENT, dict(combined[0]), add_to_output=True)
                message.set(INTENT_RANKING_KEY, combined[:OUTPUT_RANKING_LENGTH], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
