"""A learned second opinion on alarm signs for the SafetyNet (issue 10, item 1: "detection that does not depend on
one mechanism").

The lexicon of ``assistant/alarm_signs.yml`` is precise on wordings it knows and blind to the ones it does not; on
the third clinical bank, written blind, it missed a fifth of the alarm signs. DIET's own red-flag intents were the
second opinion until now, but DIET shares its training data with the FAQ answers, so near misses could not be added
to it without costing the FAQ selection, and it reads "geen pijn op de borst, alleen mijn onderrug" as chest pain.

``AlarmOpinion`` is a classifier of its own: TF-IDF over words and character n-grams with logistic regression
(the pipeline of ``assistant.topic_ensemble.tfidf_pipeline``), trained inside the Rasa model on five labels --
``emergency``, ``today``, ``soon``, ``crisis`` and ``none`` -- from

- the NLU training data: a ``red_flag_*`` example is its tier, a ``crisis`` example is ``crisis``, every other
  example (FAQ questions, near misses, chit-chat) is ``none``;
- ``assistant/alarm_opinion_examples.yml``: alarm signs and near misses written for this classifier alone, so
  that they train the second opinion without touching the FAQ classifier.

It reads the visitor's original text, as the lexicon does, with the clauses the lexicon found to be denials left
out ("geen koorts, ..."): what is denied is not evidence. Its verdict goes into the parse data under
``alarm_opinion`` (``tier``: the most likely safety label or None, ``alarm``: the probability of any safety
label); ``assistant.components.SafetyNet`` decides with it (see there).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.alarm_signs import _SPLIT, MAX_CHARACTERS, assess, normalise
from assistant.components import OPINION_KEY, ORIGINAL_TEXT
from assistant.topic_ensemble import FastScorer, fit_and_store, load_stored
from common.data_files import Schema, checked, load_data_file, non_empty_list, one_of
from common.data_files import text as non_empty_text
from common.safety import ALARM_SIGNS, CRISIS, TIER_CRISIS, TIER_EMERGENCY, TIER_INTENTS, TIER_SOON, TIER_TODAY

EXAMPLES_PATH = Path(__file__).parent / "alarm_opinion_examples.yml"
MODEL_FILE = "alarm_opinion.joblib"
NONE = "none"
LABELS = (TIER_EMERGENCY, TIER_TODAY, TIER_SOON, TIER_CRISIS, NONE)
_INTENT_LABELS = {intent: tier for tier, intent in TIER_INTENTS.items()} | {CRISIS: TIER_CRISIS}


class OpinionExample(Schema):
    text: str
    tier: str
    sign: str

    _text = checked("text", check=non_empty_text)
    _tier = checked("tier", check=one_of(LABELS))
    _sign = checked("sign", check=one_of((*ALARM_SIGNS, "other")))


class OpinionExamplesFile(Schema):
    """The schema of ``assistant/alarm_opinion_examples.yml``."""

    examples: list[OpinionExample]

    _examples = checked("examples", check=non_empty_list)

    def cross_checks(self) -> Iterable[tuple[str | None, str]]:
        seen: dict[str, int] = {}
        for index, example in enumerate(self.examples):
            key = normalise(example.text)
            if key in seen:
                yield f"examples[{index}].text", f"the same text as examples[{seen[key]}]"
            seen.setdefault(key, index)


def load_examples(path: Path = EXAMPLES_PATH) -> list[tuple[str, str]]:
    """The (text, label) pairs of the examples file, validated (errors name the file and the field)."""
    return [(example.text, example.tier) for example in load_data_file(path, OpinionExamplesFile).examples]


def label_of_intent(intent: str | None) -> str:
    """The opinion's label of an NLU training example: its tier for a safety intent, ``none`` otherwise."""
    return _INTENT_LABELS.get(intent or "", NONE)


def training_pairs(intent_examples: Iterable[Message], extra: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(text, label) pairs: every NLU example labelled by its intent, then the opinion's own examples."""
    pairs = [(m.get(TEXT) or "", label_of_intent(m.get(INTENT))) for m in intent_examples if m.get(TEXT)]
    return pairs + list(extra)


def without_denials(text: str) -> str:
    """The text with every clause left out whose only alarm words the lexicon reads as denied ("geen koorts")."""
    pieces = _SPLIT.split(text[:MAX_CHARACTERS])
    kept = []
    for piece in pieces[::2]:
        found = assess(piece)
        if found.negated and found.tier is None and found.ask is None and not found.crisis:
            continue
        kept.append(piece)
    return " ".join(kept)


def prepared(text: str) -> str:
    """What the classifier reads, in training and at inference alike: lower case, accents and punctuation gone."""
    return normalise(text[:MAX_CHARACTERS])


def opinion_of(probabilities: Mapping[str, float]) -> dict[str, Any]:
    """The verdict of one message: ``tier``, the most likely label when it is a safety label (None when ``none``
    wins); ``alarm``, the probability of any safety label; ``medical``, of a medical tier (crisis left out);
    ``best_alarm``, the likeliest safety label."""
    alarms = {label: p for label, p in probabilities.items() if label != NONE}
    best_alarm = max(alarms, key=lambda label: alarms[label]) if alarms else None
    alarm = sum(alarms.values())
    tier = best_alarm if best_alarm is not None and alarms[best_alarm] > probabilities.get(NONE, 0.0) else None
    medical = sum(p for label, p in alarms.items() if label != TIER_CRISIS)
    return {
        "tier": tier,
        "alarm": round(float(alarm), 4),
        "medical": round(float(medical), 4),
        "best_alarm": best_alarm,
    }


@cache
def _examples_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "missing"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class AlarmOpinion(GraphComponent):
    """The learned second opinion on alarm signs (module docstring); it changes no intent itself."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"word_ngrams": [1, 2], "char_ngrams": [2, 5], "C": 10.0, "max_iter": 3000, "random_seed": 42}

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Retrain when the examples file changes (Rasa's fingerprint sees only the NLU data and the config)."""
        return _examples_digest(EXAMPLES_PATH)

    def __init__(
        self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource, model: Any = None
    ) -> None:
        self.config = config
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
    ) -> AlarmOpinion:
        load_examples()  # fail at the start of training, with the file and field named, if the file is broken
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        pairs = [
            (prepared(text), label) for text, label in training_pairs(training_data.intent_examples, load_examples())
        ]
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
    ) -> AlarmOpinion:
        missing = "AlarmOpinion: no trained classifier in the model; the lexicon and DIET decide alone"
        return cls(config, model_storage, resource, load_stored(model_storage, resource, MODEL_FILE, missing))

    def opinions(self, texts: list[str]) -> list[dict[str, Any]]:
        """The verdict of each text (the original text; denied clauses are left out here)."""
        if self.scorer is None:
            return [{"tier": None, "alarm": 0.0, "medical": 0.0, "best_alarm": None} for _ in texts]
        rows = self.scorer.probabilities([prepared(without_denials(text)) for text in texts])
        classes = list(self.scorer.classes)
        return [opinion_of({label: float(p) for label, p in zip(classes, row)}) for row in rows]

    def process(self, messages: list[Message]) -> list[Message]:
        texts = [message.get(ORIGINAL_TEXT) or message.get(TEXT) or "" for message in messages]
        for message, opinion in zip(messages, self.opinions(texts)):
            message.set(OPINION_KEY, opinion, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
