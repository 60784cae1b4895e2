"""Custom NLU components that run inside the Rasa server's pipeline.

- ``TextGuard`` (first in the pipeline) keeps very long or markup-laden input from slowing the
  classifiers down; the full original text stays available to the safety net.
- ``TopicGate`` (after the FallbackClassifier) makes ``/faq/<id>`` button payloads reach their
  FAQ answer deterministically (rasa#5576), sends FAQ answers whose own ResponseSelector confidence is
  low to the fallback (Rasa has no threshold for that, rasa#9751), and sends text without any letters
  (empty, emoji only) to the fallback.
- ``SafetyNet`` (last) forces the red-flag or crisis intent when the lexicon in ``alarm_signs.yml``
  finds a non-negated alarm sign, whatever the classifiers said.
"""

from __future__ import annotations

import html
import re
from typing import Any, TypeVar

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.alarm_signs import detect, load_lexicon, mentions_negated_sign
from common.safety import SAFETY_INTENTS, TIER_INTENTS

FALLBACK_INTENT = "nlu_fallback"
RESPONSE_SELECTOR = "response_selector"
ORIGINAL_TEXT = "original_text"

_Component = TypeVar("_Component", bound="_ConfiguredComponent")
_TAG = re.compile(r"<[^>]{0,200}>")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def _force_intent(message: Message, name: str, confidence: float) -> None:
    """Make ``name`` the message's intent and put it on top of the ranking."""
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != name]
    top = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
    message.set(INTENT, dict(top), add_to_output=True)
    message.set(INTENT_RANKING_KEY, [dict(top)] + ranking, add_to_output=True)


class _ConfiguredComponent(GraphComponent):
    """A component built from its config alone (nothing trained, nothing stored)."""

    def __init__(self, config: dict[str, Any]) -> None:
        raise NotImplementedError

    @classmethod
    def create(
        cls: type[_Component],
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> _Component:
        return cls(config)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class TextGuard(_ConfiguredComponent):
    """Strips markup and cuts very long messages before tokenisation.

    The untouched text is kept under ``original_text`` for the safety net; the conversation
    tracker always stores what the user really sent.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"max_characters": 1500}

    def __init__(self, config: dict[str, Any]) -> None:
        self.max_characters = int(config["max_characters"])

    def clean(self, text: str) -> str:
        """Return the text the classifiers should see."""
        cleaned = _TAG.sub(" ", html.unescape(text or ""))
        cleaned = re.sub(r"\s+", " ", cleaned).strip()
        return cleaned[: self.max_characters]

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if text is None:
                continue
            message.set(ORIGINAL_TEXT, text)
            message.set(TEXT, self.clean(text))
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class TopicGate(_ConfiguredComponent):
    """Deterministic FAQ payloads and a confidence floor for FAQ answers."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"retrieval_intent": "faq", "threshold": 0.4}

    def __init__(self, config: dict[str, Any]) -> None:
        self.retrieval_intent = config["retrieval_intent"]
        self.threshold = float(config["threshold"])
        self.payload = re.compile(rf"^\s*/{re.escape(self.retrieval_intent)}/([a-z0-9_]+)\s*$")

    def _selector(self, message: Message) -> dict[str, Any] | None:
        return (message.get(RESPONSE_SELECTOR) or {}).get(self.retrieval_intent)

    def _force_topic(self, message: Message, topic: str) -> bool:
        """Select the FAQ answer for ``topic`` with full confidence; False if no such topic."""
        selector = self._selector(message)
        if not selector:
            return False
        key = f"{self.retrieval_intent}/{topic}"
        known = {r.get("intent_response_key") for r in selector.get("ranking") or []}
        if key not in known:
            return False
        selector["response"] = {
            "responses": None,
            "confidence": 1.0,
            "intent_response_key": key,
            "utter_action": f"utter_{key}",
        }
        selector["ranking"] = [{"confidence": 1.0, "intent_response_key": key}] + [
            r for r in selector["ranking"] if r.get("intent_response_key") != key
        ]
        _force_intent(message, self.retrieval_intent, 1.0)
        return True

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(ORIGINAL_TEXT) or message.get(TEXT) or ""
            match = self.payload.match(text)
            if match and self._force_topic(message, match.group(1)):
                continue
            if not _LETTER.search(text):
                _force_intent(message, FALLBACK_INTENT, self.threshold)
                continue
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            selector = self._selector(message)
            if intent == self.retrieval_intent and selector:
                confidence = (selector.get("response") or {}).get("confidence") or 0.0
                if confidence < self.threshold:
                    _force_intent(message, FALLBACK_INTENT, self.threshold)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyNet(GraphComponent):
    """Forces the red-flag or crisis intent when a non-negated alarm sign is mentioned.

    Runs last in the NLU pipeline so it overrides every classifier and the fallback. When the
    classifiers already chose a more urgent safety intent than the lexicon found, that one stays.
    When the classifiers chose a safety intent only because of a sign the user denied ("geen koorts,
    gewoon pijn na het tillen"), the best non-safety intent is used instead.
    """

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyNet:
        load_lexicon()  # fail at start-up, with the file and field named, if the lexicon is broken
        return cls()

    @staticmethod
    def _urgency(intent: str | None) -> int:
        return SAFETY_INTENTS.index(intent) if intent in SAFETY_INTENTS else len(SAFETY_INTENTS)

    @staticmethod
    def _demote(message: Message) -> None:
        """Replace a safety intent by the best non-safety intent of the ranking (or the fallback)."""
        ranking = message.get(INTENT_RANKING_KEY) or []
        others = [r for r in ranking if r.get(INTENT_NAME_KEY) not in SAFETY_INTENTS]
        if others and others[0].get(INTENT_NAME_KEY) != FALLBACK_INTENT:
            _force_intent(message, others[0][INTENT_NAME_KEY], others[0].get(PREDICTED_CONFIDENCE_KEY) or 0.0)
        else:
            _force_intent(message, FALLBACK_INTENT, 0.0)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(ORIGINAL_TEXT) or message.get(TEXT) or ""
            match = detect(text)
            if match is None:
                current = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
                if current in SAFETY_INTENTS and mentions_negated_sign(text):
                    # The classifier reacted to an alarm word that the user denied ("geen koorts").
                    self._demote(message)
                continue
            forced = TIER_INTENTS[match.tier]
            current = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if current is not None and self._urgency(current) < self._urgency(forced):
                forced = current
            _force_intent(message, forced, 1.0)
            message.set("safety_net", {"tier": match.tier, "sign": match.sign})
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
