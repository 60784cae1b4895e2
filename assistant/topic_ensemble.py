"""A TF-IDF topic classifier blended with DIET and the ResponseSelector (issue 12, item 4: "what else you find").

On the blind field set a plain TF-IDF + logistic-regression classifier over *flat* labels (every intent, and
every FAQ topic as ``faq/<topic>``), trained on the same data, answered more questions right than DIET with the
ResponseSelector (docs/eval/pipelines.md). ``TfidfTopicEnsemble`` trains that classifier inside the Rasa model
and blends it with what DIET and the ResponseSelector said before it::

    - name: DIETClassifier
      ranking_length: 0          # the whole ranking, or an intent missing from it counts 0
    - name: ResponseSelector
      ranking_length: 0
    - name: assistant.topic_ensemble.TfidfTopicEnsemble
      weight: 0.5                # the TF-IDF classifier's share; DIET x ResponseSelector gets the rest

DIET and the ResponseSelector give a flat distribution too: p(intent) for an intent, p(faq) x p(topic | faq)
for a topic. The blend is the weighted mean of the two; its best label becomes the intent (and, for a topic,
the selected FAQ answer), with the intent's share of the blend (all topics together for ``faq``) as the
confidence the FallbackClassifier after it reads, and p(topic | faq) as the answer's confidence TopicGate reads;
where the blend chose what DIET (or the ResponseSelector) had chosen, the surer of the two confidences counts, so
the fallback thresholds, set on DIET's confidences, do not send an answer DIET was sure of to "please rephrase".

Safety stays with the classifier that the clinical banks measured: when DIET's intent is a safety intent
(red_flag_*, crisis) nothing is changed, and the blend never makes a safety intent the intent (its best other
label is taken). The SafetyNet after it decides alarms as before.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Optional

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.components import RESPONSE_SELECTOR, selected_response
from common.safety import SAFETY_INTENTS

logger = logging.getLogger(__name__)

MODEL_FILE = "tfidf_topics.joblib"
OUTPUT_RANKING_LENGTH = 10


def flat_distribution(
    intent_ranking: Iterable[Mapping[str, Any]],
    selector_ranking: Iterable[Mapping[str, Any]],
    retrieval_intent: str,
) -> dict[str, float]:
    """DIET's intents and the ResponseSelector's topics as one distribution over flat labels (pure).

    An intent keeps its confidence; the retrieval intent's confidence is shared out over its topics in
    proportion to the selector's (normalised) confidences, as ``<retrieval_intent>/<topic>`` labels.
    """
    flat: dict[str, float] = {}
    retrieval_confidence = 0.0
    for entry in intent_ranking:
        name, confidence = entry.get(INTENT_NAME_KEY), float(entry.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
        if name == retrieval_intent:
            retrieval_confidence = confidence
        elif name:
            flat[name] = confidence
    topics = [(e.get("intent_response_key"), float(e.get("confidence") or 0.0)) for e in selector_ranking]
    total = sum(confidence for key, confidence in topics if key)
    for key, confidence in topics:
        if key and total > 0:
            flat[key] = retrieval_confidence * confidence / total
    return flat


def blend(first: Mapping[str, float], second: Mapping[str, float], second_weight: float) -> dict[str, float]:
    """``(1 - w) * first + w * second`` over the union of labels (a missing label counts 0; pure)."""
    labels = dict.fromkeys([*first, *second])
    return {
        label: (1 - second_weight) * first.get(label, 0.0) + second_weight * second.get(label, 0.0) for label in labels
    }


def intent_of(label: str, retrieval_intent: str) -> str:
    return retrieval_intent if label.startswith(f"{retrieval_intent}/") else label


def decide(
    blended: Mapping[str, float], retrieval_intent: str, safety_intents: Iterable[str] = SAFETY_INTENTS
) -> Optional[dict[str, Any]]:
    """The intent, intent ranking and FAQ selection that the blend gives (pure); None for an empty blend.

    The best label that is not a safety intent wins; its intent's confidence is the intent's share of the blend
    (all topics together for the retrieval intent). Returns ``{"intent": {...}, "intent_ranking": [...],
    "topic": <label or None>, "topic_confidence": p(topic | faq), "topic_ranking": [{"intent_response_key",
    "confidence"}, ...]}``.
    """
    safety = set(safety_intents)
    candidates = [label for label in blended if intent_of(label, retrieval_intent) not in safety]
    if not candidates:
        return None
    best = max(candidates, key=lambda label: blended[label])
    marginal: dict[str, float] = {}
    for label, share in blended.items():
        name = intent_of(label, retrieval_intent)
        marginal[name] = marginal.get(name, 0.0) + share
    chosen = intent_of(best, retrieval_intent)
    others = sorted((n for n in marginal if n != chosen), key=lambda n: -marginal[n])
    ranking: list[dict[str, Any]] = [
        {INTENT_NAME_KEY: n, PREDICTED_CONFIDENCE_KEY: marginal[n]} for n in [chosen, *others]
    ]
    topics = [label for label in blended if label.startswith(f"{retrieval_intent}/")]
    topic_total = sum(blended[label] for label in topics)
    conditional = {label: blended[label] / topic_total if topic_total else 0.0 for label in topics}
    ordered = sorted(topics, key=lambda label: -conditional[label])
    topic_ranking: list[dict[str, Any]] = [
        {"intent_response_key": label, "confidence": conditional[label]} for label in ordered
    ]
    topic: Optional[str]
    if chosen == retrieval_intent:
        topic = best
    else:
        topic = ordered[0] if ordered else None
    return {
        "intent": ranking[0],
        "intent_ranking": ranking,
        "topic": topic,
        "topic_confidence": conditional[topic] if topic else None,
        "topic_ranking": topic_ranking,
    }


def surer_when_agreeing(chosen: str, confidence: float, earlier: Optional[Mapping[str, Any]], key: str) -> float:
    """The blend's confidence, or the earlier classifier's when it chose the same (pure).

    The fallback thresholds after the blend were set on DIET's and the ResponseSelector's confidences; when the
    blend agrees with them, the answer is theirs and must not become less sure than they were (a short "nee"
    that DIET reads as ``deny`` at 0.9 stays answered though the TF-IDF classifier spreads it over three intents).
    """
    if earlier and earlier.get(key) == chosen:
        return max(confidence, float(earlier.get(PREDICTED_CONFIDENCE_KEY) or 0.0))
    return confidence


def training_pairs(messages: Iterable[Message]) -> list[tuple[str, str]]:
    """(text, flat label) of every intent example: ``faq/<topic>`` for a retrieval intent's example."""
    pairs = []
    for message in messages:
        text, label = message.get(TEXT), message.get(INTENT_RESPONSE_KEY) or message.get(INTENT)
        if text and label:
            pairs.append((text, label))
    return pairs


def tfidf_pipeline(config: Mapping[str, Any]) -> Any:
    """The unfitted scikit-learn pipeline: word and character-n-gram TF-IDF, logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    words, chars = config["word_ngrams"], config["char_ngrams"]
    features = make_union(
        TfidfVectorizer(analyzer="word", ngram_range=(words[0], words[1]), sublinear_tf=True, lowercase=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(chars[0], chars[1]), sublinear_tf=True, lowercase=True),
    )
    classifier = LogisticRegression(C=config["C"], max_iter=config["max_iter"], random_state=config["random_seed"])
    return make_pipeline(features, classifier)


def fit_and_store(
    config: Mapping[str, Any],
    pairs: Sequence[tuple[str, str]],
    model_storage: ModelStorage,
    resource: Resource,
    filename: str,
    component: str,
) -> Any:
    """``tfidf_pipeline(config)`` fitted on (text, label) pairs and stored in the model as ``filename``; None, with a
    warning naming ``component``, when the pairs hold fewer than two labels (nothing to tell apart)."""
    import joblib

    if len({label for _, label in pairs}) < 2:
        logger.warning("%s: fewer than two labels in the training data, nothing trained", component)
        return None
    model = tfidf_pipeline(config).fit([text for text, _ in pairs], [label for _, label in pairs])
    with model_storage.write_to(resource) as directory:
        joblib.dump(model, directory / filename)
    return model


def load_stored(model_storage: ModelStorage, resource: Resource, filename: str, missing: str) -> Any:
    """The pipeline ``fit_and_store`` stored, or None with the warning ``missing`` when the model has none."""
    import joblib

    try:
        with model_storage.read_from(resource) as directory:
            return joblib.load(directory / filename)
    except (ValueError, FileNotFoundError):
        logger.warning(missing)
        return None


class FastScorer:
    """``predict_proba`` of the fitted pipeline, without scikit-learn's per-call overhead (same numbers).

    Multiplying a sparse row by the transposed (non-contiguous) coefficient matrix took 2 of the 4.4 ms that
    ``predict_proba`` spent on one message; with each vectorizer's block of coefficients kept contiguous, a message
    costs its two transforms and a softmax (1.3 ms). A two-class model (one coefficient row, a logistic instead of
    a softmax) is left to scikit-learn.
    """

    def __init__(self, model: Any) -> None:
        self.model = model
        self.classes = [str(label) for label in model.classes_]
        union, classifier = model.steps[0][1], model.steps[-1][1]
        self.multinomial = classifier.coef_.shape[0] > 1
        self.blocks = []
        offset = 0
        for _, vectorizer in union.transformer_list:
            width = len(vectorizer.vocabulary_)
            self.blocks.append((vectorizer, np.ascontiguousarray(classifier.coef_[:, offset : offset + width].T)))
            offset += width
        self.intercept = classifier.intercept_

    def probabilities(self, texts: list[str]) -> Any:
        if not self.multinomial:
            return self.model.predict_proba(texts)
        scores = np.tile(self.intercept, (len(texts), 1))
        for vectorizer, block in self.blocks:
            scores = scores + vectorizer.transform(texts) @ block
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        return scores / scores.sum(axis=1, keepdims=True)


def _checked(config: dict[str, Any]) -> dict[str, Any]:
    where = "config.yml: assistant.topic_ensemble.TfidfTopicEnsemble"
    weight = config.get("weight")
    if not isinstance(weight, (int, float)) or not 0 <= float(weight) <= 1:
        raise ValueError(f"{where}.weight: a number from 0 to 1 (the TF-IDF classifier's share), got {weight!r}")
    for key in ("word_ngrams", "char_ngrams"):
        value = config.get(key)
        if not (isinstance(value, Sequence) and len(value) == 2 and all(isinstance(n, int) and n > 0 for n in value)):
            raise ValueError(f"{where}.{key}: [smallest, largest] n-gram length, got {value!r}")
    if not isinstance(config.get("C"), (int, float)) or config["C"] <= 0:
        raise ValueError(f"{where}.C: a positive number, got {config.get('C')!r}")
    return config


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class TfidfTopicEnsemble(GraphComponent):
    """Blends a TF-IDF classifier over flat labels with DIET and the ResponseSelector (module docstring)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "weight": 0.5,
            "retrieval_intent": "faq",
            "word_ngrams": [1, 2],
            "char_ngrams": [2, 5],
            "C": 10.0,
            "max_iter": 3000,
            "random_seed": 42,
        }

    def __init__(
        self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource, model: Any = None
    ) -> None:
        self.config = _checked(config)
        self.weight = float(config["weight"])
        self.retrieval_intent = config["retrieval_intent"]
        self._model_storage = model_storage
        self._resource = resource
        self.model = model
        self.scorer = FastScorer(model) if model is not None else None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TfidfTopicEnsemble:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        pairs = training_pairs(training_data.intent_examples)
        model = fit_and_store(self.config, pairs, self._model_storage, self._resource, MODEL_FILE, type(self).__name__)
        if model is not None:
            self.model, self.scorer = model, FastScorer(model)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> TfidfTopicEnsemble:
        missing = "TfidfTopicEnsemble: no trained classifier in the model; DIET's intents stay"
        return cls(config, model_storage, resource, load_stored(model_storage, resource, MODEL_FILE, missing))

    def process(self, messages: list[Message]) -> list[Message]:
        if self.scorer is None or not messages:
            return messages
        classes = self.scorer.classes
        rows = self.scorer.probabilities([message.get(TEXT) or "" for message in messages])
        for message, row in zip(messages, rows):
            if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) in SAFETY_INTENTS:
                continue  # a safety intent stays DIET's (module docstring)
            selector = (message.get(RESPONSE_SELECTOR) or {}).get(self.retrieval_intent)
            ours = flat_distribution(
                message.get(INTENT_RANKING_KEY) or [], (selector or {}).get("ranking") or [], self.retrieval_intent
            )
            tfidf = {label: float(p) for label, p in zip(classes, row)}
            decision = decide(blend(ours, tfidf, self.weight), self.retrieval_intent)
            if decision is not None:
                self._apply(message, decision, selector)
        return messages

    def _apply(self, message: Message, decision: dict[str, Any], selector: Optional[dict[str, Any]]) -> None:
        intent = dict(decision["intent"])
        intent[PREDICTED_CONFIDENCE_KEY] = surer_when_agreeing(
            intent[INTENT_NAME_KEY], intent[PREDICTED_CONFIDENCE_KEY], message.get(INTENT), INTENT_NAME_KEY
        )
        message.set(INTENT, intent, add_to_output=True)
        ranking = [intent, *decision["intent_ranking"][1:OUTPUT_RANKING_LENGTH]]
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        topic = decision["topic"]
        if selector is None or topic is None:
            return
        confidence = surer_when_agreeing(
            topic, decision["topic_confidence"], selector.get("response"), "intent_response_key"
        )  # the selector's response has the same "confidence" key as an intent
        selector["response"] = selected_response(topic, confidence)
        selector["ranking"] = decision["topic_ranking"]

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
