"""The field set's measures: the topic that answered, by the topic contract, against the topic expected.

Pure functions of the set's items and the predictions. The topic of an answer follows contract/topics.yml as the
served assistant names its answers: an FAQ answer (`faq` + the selector's key `faq/<id>`) is `<id>`; every
red_flag_* intent (and a follow-up question `utter_red_flag_ask_<sign>`) is `red_flag`; `crisis` is `crisis`;
`nlu_fallback` is `fallback`; any other intent is its own id (an intent that is no topic id is simply wrong).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from common.safety import RED_FLAG_INTENTS
from evaluation.metrics import share
from evaluation.predict import Prediction
from evaluation.sets import FALLBACK, FieldItem

FALLBACK_TOPIC = "fallback"
NOT_COVERED = "not_covered"
RED_FLAG_TOPIC = "red_flag"
SAFETY_TOPICS = (RED_FLAG_TOPIC, "crisis")


def topic_of(prediction: Prediction) -> str:
    """The topic id of the answer the assistant gives (see the module's docstring)."""
    label = prediction.answered
    if label.startswith("faq/"):
        return label.split("/", 1)[1]
    if label in RED_FLAG_INTENTS or (prediction.alarm is not None and prediction.alarm.ask):
        return RED_FLAG_TOPIC
    if label == FALLBACK:
        return FALLBACK_TOPIC
    return label


def _group(items: Sequence[FieldItem], topics: Sequence[str], faq_topics: frozenset[str]) -> dict[str, Any]:
    n = len(items)
    right = sum(item.topic == topic for item, topic in zip(items, topics))
    fallback = sum(topic == FALLBACK_TOPIC for topic in topics)
    # Wrong with an answer of substance: neither "please rephrase" nor the honest "the article does not cover it".
    confident = [item.topic != t and t not in (FALLBACK_TOPIC, NOT_COVERED) for item, t in zip(items, topics)]
    covered = [i for i, item in enumerate(items) if item.topic != NOT_COVERED]
    ordinary = [i for i, item in enumerate(items) if item.topic not in SAFETY_TOPICS]
    false_alarms = sum(topics[i] in SAFETY_TOPICS for i in ordinary)
    faq = [i for i, item in enumerate(items) if item.topic in faq_topics]
    return {
        "n": n,
        "answered_correctly": share(right, n),
        "fallback_rate": share(fallback, n),
        "confidently_wrong_rate": share(sum(confident), n),
        "not_covered_rate": share(sum(topics[i] == NOT_COVERED for i in covered), len(covered)),
        "n_covered": len(covered),
        "false_alarm_rate": share(false_alarms, len(ordinary)),
        "false_alarms": false_alarms,
        "n_other": len(ordinary),
        "n_faq": len(faq),
        "faq_answered_correctly": share(sum(topics[i] == items[i].topic for i in faq), len(faq)),
        "faq_confidently_wrong_rate": share(sum(confident[i] for i in faq), len(faq)),
    }


def field_measures(
    items: Sequence[FieldItem], predictions: Sequence[Prediction], faq_topics: Sequence[str]
) -> dict[str, Any]:
    """Every measure of one system on a field set: overall, per topic and per kind, and the commonest mix-ups.

    answered_correctly: the topic that answered is the one expected; fallback_rate: "please rephrase";
    confidently_wrong_rate: another topic answered, neither the fallback nor `not_covered`; not_covered_rate: on
    questions the article does cover (or that are not about it), the share answered `not_covered`;
    false_alarm_rate: questions not about an alarm sign or a crisis answered `red_flag` or `crisis`;
    faq_*: the same on the questions whose topic is an article topic (`faq_topics`).
    """
    if len(items) != len(predictions):
        raise ValueError(f"{len(items)} items but {len(predictions)} predictions")
    topics = [topic_of(p) for p in predictions]
    faq = frozenset(faq_topics)
    per: dict[str, dict[str, list[int]]] = {"topic": defaultdict(list), "kind": defaultdict(list)}
    for index, item in enumerate(items):
        per["topic"][item.topic].append(index)
        per["kind"][item.kind].append(index)
    grouped = {
        key: {
            name: _group([items[i] for i in indexes], [topics[i] for i in indexes], faq)
            for name, indexes in sorted(groups.items())
        }
        for key, groups in per.items()
    }
    mixups = Counter((item.topic, topic) for item, topic in zip(items, topics) if item.topic != topic)
    return {
        **_group(items, topics, faq),
        "per_topic": grouped["topic"],
        "per_kind": grouped["kind"],
        "mixups": [[expected, answered, count] for (expected, answered), count in mixups.most_common(10)],
    }
