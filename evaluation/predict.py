"""Predictions of a trained Rasa model through its NLU pipeline as served.

The model is loaded with Rasa's public `Agent.load` in this process and every message goes through
`Agent.parse_message`: the whole NLU pipeline of the model, the project's own components included (TextGuard,
FallbackClassifier, TopicGate, SafetyNet), exactly what the served assistant acts on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evaluation.sets import FALLBACK, full_label

if TYPE_CHECKING:
    from rasa.core.agent import Agent


@dataclass(frozen=True)
class Alarm:
    """The `alarm` key that assistant.components.SafetyNet adds to a parsed message (the interface of issue 10).

    tier: the medical tier answered now (emergency | today | soon) or None; signs: every non-negated sign found;
    ask: the sign whose tier needs one follow-up question, or None; crisis: thoughts of suicide or acute distress.
    """

    tier: str | None = None
    signs: tuple[str, ...] = ()
    ask: str | None = None
    crisis: bool = False


@dataclass(frozen=True)
class Prediction:
    """What one parsed message means for the measures.

    intent: what the assistant acts on (fallback, safety net and gates included: the user's view);
    intent_clf: the same with the fallback undone (the classifier's best real intent, as `rasa test nlu` counts);
    key: the FAQ answer the response selector picked, whatever the intent (`faq/<id>`, or None);
    confidence: of `intent`;
    alarm: the safety net's `alarm` output, or None for a model (or baseline) without it.
    """

    intent: str | None
    intent_clf: str | None
    key: str | None = None
    confidence: float | None = None
    alarm: Alarm | None = None

    @property
    def answered(self) -> str:
        """The label of the answer the user gets: `faq/<id>` for an FAQ answer, else the intent."""
        return full_label(self.intent, self.key)


def prediction_from_parse(parse: dict[str, Any]) -> Prediction:
    """A Prediction from the output of `Agent.parse_message` (Rasa's public parse result)."""
    intent = (parse.get("intent") or {}).get("name")
    intent_clf = intent
    if intent == FALLBACK:
        others = [r.get("name") for r in parse.get("intent_ranking") or [] if r.get("name") != FALLBACK]
        intent_clf = others[0] if others else FALLBACK
    selectors = parse.get("response_selector") or {}
    # ResponseSelector with retrieval_intent: faq answers under "faq"; without it (rasa init default) under "default".
    selector = selectors.get("faq") or selectors.get("default") or {}
    key = (selector.get("response") or {}).get("intent_response_key")
    confidence = (parse.get("intent") or {}).get("confidence")
    return Prediction(intent, intent_clf, key, confidence, alarm_from_parse(parse))


def alarm_from_parse(parse: dict[str, Any]) -> Alarm | None:
    """The `alarm` key of a parse result, or None when the model's pipeline does not emit it."""
    alarm = parse.get("alarm")
    if not isinstance(alarm, dict):
        return None
    signs = tuple(str(s["sign"]) for s in alarm.get("signs") or [] if isinstance(s, dict) and s.get("sign"))
    return Alarm(alarm.get("tier") or None, signs, alarm.get("ask") or None, bool(alarm.get("crisis")))


def prepare_rasa() -> None:
    """Make Rasa in this process behave as the served assistant does, before any model is loaded.

    The project's entry point for in-process users: installs the patches of assistant/patches/ once, and
    refuses (raises) when the installed Rasa is not the version they were written for.
    """
    from assistant.serve import prepare

    prepare()


def load_agent(model: Path) -> Agent:
    """The trained model as the server loads it (in-memory tracker store, no action server: nothing is written)."""
    prepare_rasa()
    from rasa.core.agent import Agent

    return Agent.load(str(model))


async def _parse_all(agent: Agent, texts: Sequence[str]) -> list[Prediction]:
    return [prediction_from_parse(await agent.parse_message(text)) for text in texts]


def predict(agent: Agent, texts: Sequence[str]) -> list[Prediction]:
    """Parse every text with the loaded agent, in order."""
    return asyncio.run(_parse_all(agent, texts))
