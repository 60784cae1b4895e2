"""LanguageGate: a message in English, German, French or Danish gets its reply in that language (issue 12 item 7).

A thin NLU component over :func:`assistant.language_id.identify`. For a foreign message it sets the intent to
``out_of_scope`` (the topic id the reply carries) and adds the entity ``language`` (en, de, fr, da), which fills the
slot ``language``; the rules in ``data/rules/languages.yml`` answer with ``utter_out_of_scope_<code>``: that the
assistant speaks Dutch (and Flemish), is not a doctor, and 112. A rule and a response: it works with the action
server down.

Why a component and not only training examples: DIET reads character n-grams of a few words and has seen Dutch
almost only, so a short foreign message ("my back hurts", "jeg har ondt i ryggen") looks like a back-pain question
to it; word lists decide such messages deterministically and are checked on every Dutch training example
(tests/test_language_id.py). The component runs before ``SafetyNet``: an alarm sign that the Dutch lexicon finds
still wins. An alarm the Dutch lexicon cannot read ("I can't feel my legs", "ich habe Fieber und
Rückenschmerzen") gets the language reply, which carries 112.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.components import ORIGINAL_TEXT, _force_intent
from assistant.language_id import Languages, identify, load_languages

LANGUAGE_ENTITY = "language"
OUT_OF_SCOPE = "out_of_scope"


def language_entity(text: str, code: str) -> dict[str, Any]:
    """The ``language`` entity of a whole message."""
    return {
        ENTITY_ATTRIBUTE_TYPE: LANGUAGE_ENTITY,
        ENTITY_ATTRIBUTE_VALUE: code,
        ENTITY_ATTRIBUTE_START: 0,
        ENTITY_ATTRIBUTE_END: len(text),
        EXTRACTOR: LanguageGate.__name__,
    }


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class LanguageGate(GraphComponent):
    """Sets ``out_of_scope`` and the ``language`` entity on a message in another language."""

    def __init__(self, languages: Languages) -> None:
        self.languages = languages

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageGate:
        return cls(load_languages())  # fails at start-up, naming the file and field, if the lists are broken

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            # The text as the visitor sent it: the entity spans all of it, whatever later components see.
            text = message.get(ORIGINAL_TEXT) or message.get(TEXT) or ""
            code = identify(text, self.languages)
            if code is None:
                continue
            _force_intent(message, OUT_OF_SCOPE, 1.0)
            others = [e for e in message.get(ENTITIES) or [] if e.get(ENTITY_ATTRIBUTE_TYPE) != LANGUAGE_ENTITY]
            message.set(ENTITIES, [*others, language_entity(text, code)], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
