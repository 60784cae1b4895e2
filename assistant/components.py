"""Custom NLU components that run inside the Rasa server's pipeline.

- ``TextGuard`` (first in the pipeline) keeps very long or markup-laden input from slowing the
  classifiers down; the full original text stays available to the safety net.
- ``TopicGate`` (after the FallbackClassifier) makes ``/faq/<id>`` button payloads reach their
  FAQ answer deterministically (rasa#5576), sends FAQ answers whose own ResponseSelector confidence is
  low to the fallback (Rasa has no threshold for that, rasa#9751), and sends text without any letters
  (empty, emoji only) to the fallback.
- ``SafetyNet`` (last) puts the alarm signs that the lexicon in ``alarm_signs.yml`` finds into the parse
  data (``alarm``: tier, signs, ask, crisis) and forces the safety intent, whatever the classifiers said.
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

from assistant.alarm_signs import MAX_CHARACTERS, Assessment, assess, load_lexicon, normalise
from common.safety import (
    ALARM_PARSE_KEY,
    CRISIS,
    MEDICAL_TIERS,
    RED_FLAG_EMERGENCY,
    RED_FLAG_INTENTS,
    SAFETY_INTENTS,
    TIER_CRISIS,
    TIER_INTENTS,
)

FALLBACK_INTENT = "nlu_fallback"
# The parse-data key of assistant.alarm_opinion.AlarmOpinion (defined here: that module imports this one).
OPINION_KEY = "alarm_opinion"
RESPONSE_SELECTOR = "response_selector"
ORIGINAL_TEXT = "original_text"

_Component = TypeVar("_Component", bound="_ConfiguredComponent")
_TAG = re.compile(r"<[^>]{0,200}>")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def selected_response(key: str, confidence: float) -> dict[str, Any]:
    """A ResponseSelector's ``response`` entry for the answer ``key`` (``faq/<topic>``); Rasa's retrieval action
    reads only its ``utter_action``."""
    return {"responses": None, "confidence": confidence, "intent_response_key": key, "utter_action": f"utter_{key}"}


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
        selector["response"] = selected_response(key, 1.0)
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
    """Puts the alarm signs of a message into its parse data (``alarm``) and forces the safety intent.

    Runs last in the NLU pipeline so it overrides every classifier and the fallback. It reads the original
    text (at most ``assistant.alarm_signs.MAX_CHARACTERS`` characters of it) and sets, with
    ``add_to_output``::

        alarm = {"tier": "emergency" | "today" | "soon" | None,
                 "signs": [{"sign": ..., "tier": ..., "nts": "U1".."U5"}, ...],
                 "ask": <sign> | None, "crisis": bool}

    The intent becomes the red-flag intent of ``alarm.tier``; else ``crisis`` when ``alarm.crisis``; else,
    when only ``ask`` is set, the red-flag intent of the more urgent tier that sign could have (so anything
    that ignores ``ask`` still gives the safe answer). The net never lowers a more urgent alarm the
    classifier found on its own (``alarm.tier`` then says the classifier's tier, and no question is asked); only
    when the lexicon's tier was set by a fact of the message (an age or a risk factor: a context choice's
    qualifier, ``SignFound.settled_by``), or the second opinion (below) sides with it, does that tier stand. It only
    undoes a classifier alarm that rests on a sign the user denied ("geen koorts hoor, gewoon spit"), never
    an emergency or crisis one, and never when the denial is followed by "maar ..." (another complaint).

    With ``assistant.alarm_opinion.AlarmOpinion`` before it (parse data ``alarm_opinion``: a classifier of its own,
    trained with near misses, reading the text without its denied clauses), a message in which the lexicon finds
    nothing is decided by two learned opinions instead of DIET's alone:

    - a classifier alarm stands only when the opinion gives a medical tier at least ``confirm_at``; a crisis stands
      always, an emergency alarm is undone only when the message denies a sign (it rests on denied words);
    - when no classifier raised an alarm, an opinion of at least ``raise_at`` raises its own most likely tier, in a
      message of at least ``raise_min_words`` words (fewer are too little for a bag of n-grams: "ik denk het niet"
      read as a crisis; the short alarms, "ik wil dood", are the lexicon's); a shorter message (a questionnaire
      answer) only when the opinion is at least ``raise_short_at`` sure of a medical tier, never of a crisis; a crisis
      it raises only from ``raise_crisis_at`` (None: ``raise_at``), since its crisis examples are many and varied.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "confirm_at": 0.4,
            "raise_at": 0.5,
            "raise_min_words": 5,
            "raise_short_at": 0.8,
            "raise_crisis_at": None,
        }

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        config = {**self.get_default_config(), **(config or {})}
        if config["raise_crisis_at"] is None:
            config["raise_crisis_at"] = config["raise_at"]
        for key in ("confirm_at", "raise_at", "raise_short_at", "raise_crisis_at"):
            value = config[key]
            if not isinstance(value, (int, float)) or not 0 <= float(value) <= 1:
                raise ValueError(
                    f"config.yml: assistant.components.SafetyNet.{key}: a number from 0 to 1, got {value!r}"
                )
        self.confirm_at = float(config["confirm_at"])
        self.raise_at = float(config["raise_at"])
        self.raise_short_at = float(config["raise_short_at"])
        self.raise_crisis_at = float(config["raise_crisis_at"])
        words = config["raise_min_words"]
        if not isinstance(words, int) or isinstance(words, bool) or words < 1:
            raise ValueError(
                f"config.yml: assistant.components.SafetyNet.raise_min_words: a whole number from 1, got {words!r}"
            )
        self.raise_min_words = words

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyNet:
        load_lexicon()  # fail at start-up, with the file and field named, if the lexicon is broken
        return cls(config)

    @staticmethod
    def _demote(message: Message) -> None:
        """Replace a safety intent by the best non-safety intent of the ranking (or the fallback)."""
        ranking = message.get(INTENT_RANKING_KEY) or []
        others = [r for r in ranking if r.get(INTENT_NAME_KEY) not in SAFETY_INTENTS]
        if others and others[0].get(INTENT_NAME_KEY) != FALLBACK_INTENT:
            _force_intent(message, others[0][INTENT_NAME_KEY], others[0].get(PREDICTED_CONFIDENCE_KEY) or 0.0)
        else:
            _force_intent(message, FALLBACK_INTENT, 0.0)

    @staticmethod
    def _only_a_denial(text: str, found: Assessment) -> bool:
        """The message denies a sign and brings up nothing else that could be one ("geen koorts, maar ...")."""
        return bool(found.negated) and not _CONTRAST.search(normalise(text[:MAX_CHARACTERS]))

    def _overruled(self, intent: str, found: Assessment, opinion: dict[str, Any]) -> bool:
        """The classifier's alarm, with no lexicon sign behind it, is not confirmed by the second opinion: a medical
        alarm by the opinion's medical probability (its crisis share is no evidence of a medical sign)."""
        if intent == CRISIS or opinion.get("medical", 0.0) >= self.confirm_at:
            return False
        return intent != RED_FLAG_EMERGENCY or bool(found.negated)

    def _raises(self, text: str, opinion: dict[str, Any]) -> bool:
        """The second opinion is sure enough to raise its own alarm in a message the lexicon and DIET let pass."""
        alarm = opinion.get("alarm", 0.0)
        if len(text[:MAX_CHARACTERS].split()) >= self.raise_min_words:
            if opinion.get("best_alarm") == TIER_CRISIS:
                return alarm >= self.raise_crisis_at
            return alarm >= self.raise_at
        return alarm >= self.raise_short_at and opinion.get("best_alarm") in MEDICAL_TIERS

    def alarm(self, message: Message) -> dict[str, Any]:
        """Assess the message, force its intent and return the ``alarm`` parse data."""
        text = message.get(ORIGINAL_TEXT) or message.get(TEXT) or ""
        found = assess(text)
        current = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        classifier_tier = _INTENT_TIERS.get(current) if current in RED_FLAG_INTENTS else None
        tier, ask, crisis = found.tier, found.ask, found.crisis or current == CRISIS

        if found.tier is None and not found.crisis and found.ask is None:
            if current in SAFETY_INTENTS and current not in (CRISIS, RED_FLAG_EMERGENCY):
                if self._only_a_denial(text, found):
                    # The classifier reacted to an alarm word that the user denied ("geen koorts").
                    self._demote(message)
                    return _alarm(None, found, None, False)
            opinion = message.get(OPINION_KEY)
            if opinion is not None:
                if current in SAFETY_INTENTS and self._overruled(current, found, opinion):
                    self._demote(message)
                    return _alarm(None, found, None, False)
                if current not in SAFETY_INTENTS and self._raises(text, opinion):
                    raised = opinion.get("best_alarm")
                    if raised == TIER_CRISIS:
                        _force_intent(message, CRISIS, 1.0)
                        return _alarm(None, found, None, True)
                    if raised in TIER_INTENTS:
                        _force_intent(message, TIER_INTENTS[raised], 1.0)
                        return _alarm(raised, found, None, False)
        provisional = tier or found.ask_tier
        if classifier_tier is not None and _urgency(classifier_tier) < _urgency(provisional):
            if not (
                found.tier is not None
                and (_settled_by_a_fact(found) or _sides_with_lexicon(message.get(OPINION_KEY), classifier_tier))
            ):
                tier, ask = classifier_tier, None  # never lower the classifier's more urgent alarm alone
        if tier is not None:
            forced = TIER_INTENTS[tier]
        elif crisis:
            forced = CRISIS
        elif ask is not None and found.ask_tier is not None:
            forced = TIER_INTENTS[found.ask_tier]
        else:
            forced = None
        if forced is not None and forced != current:
            _force_intent(message, forced, 1.0)
        return _alarm(tier, found, ask, crisis)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            message.set(ALARM_PARSE_KEY, self.alarm(message), add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


_CONTRAST = re.compile(r"\b(maar|wel|echter|alleen|behalve|daarentegen)\b")
_INTENT_TIERS = {intent: tier for tier, intent in TIER_INTENTS.items()}


def _sides_with_lexicon(opinion: dict[str, Any] | None, classifier_tier: str) -> bool:
    """The second opinion's likeliest alarm is a less urgent medical tier than the classifier's: two of the three
    mechanisms then agree that the lexicon's (guideline) tier is not too low ("mijn beide benen tintelen": today)."""
    best = (opinion or {}).get("best_alarm")
    return best in MEDICAL_TIERS and _urgency(best) > _urgency(classifier_tier)


def _settled_by_a_fact(found: Assessment) -> bool:
    """Every sign of the lexicon's tier got that tier from a fact of the message (an age, a risk factor: "ik ben 23
    en hard op mijn rug gevallen" is soon), which the classifier cannot weigh."""
    top = [sign for sign in found.signs if sign.tier == found.tier]
    return bool(top) and all(sign.settled_by is not None for sign in top)


def _urgency(tier: str | None) -> int:
    return MEDICAL_TIERS.index(tier) if tier in MEDICAL_TIERS else len(MEDICAL_TIERS)


def _alarm(tier: str | None, found: Assessment, ask: str | None, crisis: bool) -> dict[str, Any]:
    alarm = found.as_parse_data()
    alarm.update({"tier": tier, "ask": ask, "crisis": crisis})
    return alarm
