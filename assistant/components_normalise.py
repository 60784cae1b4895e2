"""``TextNormaliser``: the glossary and text normalisation of ``assistant.normalise`` in the NLU pipeline.

Placed right after ``TextGuard`` in ``config.yml``, it rewrites the ``text`` that the tokenizer, featurizers and
classifiers read, the same way at training (``process_training_data``) and at inference (``process``):

- ``mode: replace``: the text becomes the normalised text (accents, shouting, stretched letters, punctuation,
  glossary variants -> canonical terms);
- ``mode: append``: the text stays as it came, and the canonical terms of the glossary variants in it are added
  at the end as extra words.

The visitor's original text is never touched: ``TextGuard`` keeps it under ``original_text`` (and when no
``TextGuard`` ran before, this component keeps it there itself), and the safety net and ``TopicGate`` read that.

``TextRestorer``, last in the pipeline, puts the text back as it was before the normaliser once every classifier
has run: Rasa's parse data (``tracker.latest_message["text"]``) carries the message's final ``text``, and the
action server's free-text parsers (``actions/parsing.py``: "rugoperatie", "straalt uit tot in mijn kuit") must
read what the visitor wrote, not the classifiers' canonical terms.
"""

from __future__ import annotations

import hashlib
import inspect
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant import normalise
from assistant.components import ORIGINAL_TEXT, _ConfiguredComponent
from assistant.normalise import GLOSSARY_PATH, MODE_REPLACE, MODES, Glossary, for_classifiers, load_glossary

# The text as it was before the normaliser rewrote it (inference only), for TextRestorer.
TEXT_BEFORE_NORMALISING = "text_before_normalising"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class TextNormaliser(_ConfiguredComponent):
    """Normalises the text the classifiers read; the original stays under ``original_text``."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"mode": MODE_REPLACE}

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """The glossary and the normaliser's code: a change to either retrains what depends on the text."""
        digest = hashlib.sha256(GLOSSARY_PATH.read_bytes())
        digest.update(inspect.getsource(normalise).encode("utf-8"))
        return digest.hexdigest()

    def __init__(self, config: dict[str, Any], glossary: Glossary | None = None) -> None:
        mode = config.get("mode")
        if mode not in MODES:
            raise ValueError(f"TextNormaliser: mode must be one of {', '.join(MODES)}, got {mode!r}")
        self.mode = str(mode)
        self.glossary = glossary if glossary is not None else load_glossary()

    def normalised(self, text: str) -> str:
        """The text the classifiers read, in this component's mode."""
        return for_classifiers(text, self.glossary, self.mode)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text:
                continue
            if message.get(ORIGINAL_TEXT) is None:
                message.set(ORIGINAL_TEXT, text)
            message.set(TEXT_BEFORE_NORMALISING, text)
            message.set(TEXT, self.normalised(text))
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            text = example.get(TEXT)
            # Entity annotations are character offsets into the text: such an example keeps its text.
            if not isinstance(text, str) or not text or example.get(ENTITIES):
                continue
            example.set(TEXT, self.normalised(text))
        return training_data


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class TextRestorer(_ConfiguredComponent):
    """Last in the pipeline: the message's ``text`` becomes again what it was before ``TextNormaliser``."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    def __init__(self, config: dict[str, Any]) -> None:
        pass

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            before = message.get(TEXT_BEFORE_NORMALISING)
            if isinstance(before, str):
                message.set(TEXT, before)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
