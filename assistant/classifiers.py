"""Rasa's LogisticRegressionClassifier, able to read a message without features (issue 12, item 4).

Rasa 3.6's ``LogisticRegressionClassifier`` builds each message's row from its sentence features; a message that
yields none (only an emoji, only punctuation, empty after the guard) gives a row of width 0, and scikit-learn
raises ``ValueError: Found array with 0 feature(s)``: the whole parse fails instead of ending in the fallback.
``FeatureSafeLogisticRegressionClassifier`` gives such a message an all-zero row of the trained width, so it gets
the classifier's prior (a low confidence the FallbackClassifier turns into "please rephrase"). Everything else is
Rasa's class unchanged; configure it like it::

    - name: assistant.classifiers.FeatureSafeLogisticRegressionClassifier
      max_iter: 200
      random_state: 42
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import csr_matrix, hstack, vstack


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class FeatureSafeLogisticRegressionClassifier(LogisticRegressionClassifier):
    """LogisticRegressionClassifier whose featureless messages get a zero row (see module docstring)."""

    def _create_X(self, messages: List[Message]) -> csr_matrix:
        width = getattr(self.clf, "n_features_in_", None)
        rows = []
        for message in messages:
            # As Rasa's: the sentence features (sparse, then dense) of the text, side by side.
            sparse = message.get_sparse_features(attribute=TEXT)[1]
            dense = message.get_dense_features(attribute=TEXT)[1]
            row = hstack([csr_matrix(sparse.features if sparse else []), csr_matrix(dense.features if dense else [])])
            if row.shape[1] == 0 and width:
                row = csr_matrix((1, width))
            rows.append(row)
        return vstack(rows).tocsr()
