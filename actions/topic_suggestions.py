"""Which topics to offer as buttons when the assistant is unsure (pure functions, no rasa_sdk)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from common.data_files import Problem, Schema, checked, load_data_file, non_empty_list, non_empty_mapping, text

CATALOG_PATH = Path(__file__).parent / "catalogs" / "topic_buttons.yml"
RETRIEVAL_INTENT = "faq"


class TopicButton(Schema):
    """A quick-reply button that leads to a topic."""

    title: str
    payload: str

    _texts = checked("title", "payload", check=text)


class TopicButtons(Schema):
    """The schema of ``topic_buttons.yml``: a button per topic, and the topics offered when nothing is likely."""

    topics: dict[str, TopicButton]
    default: tuple[str, ...]

    _topics = checked("topics", check=non_empty_mapping)
    _default = checked("default", check=non_empty_list)

    def cross_checks(self) -> list[Problem]:
        return [
            (f"default[{index}]", f"unknown topic {topic!r}: it has no button under 'topics'")
            for index, topic in enumerate(self.default)
            if topic not in self.topics
        ]


def load_topic_buttons(path: Path = CATALOG_PATH) -> TopicButtons:
    """Load and validate the topic buttons once.

    Raises:
        DataFileError: The file is missing or invalid (the message names the file and the field).
    """
    return load_data_file(path, TopicButtons)


def likely_topics(parse_data: Mapping[str, Any], count: int = 3, catalog: TopicButtons | None = None) -> list[str]:
    """Rank the topics a not-understood message most likely meant.

    FAQ topics score the FAQ intent's confidence times the ResponseSelector's confidence for the
    topic; other intents that are topics score their own confidence. Topics without a button are
    skipped; when fewer than ``count`` remain, the catalog's defaults fill up the list.
    """
    catalog = catalog or load_topic_buttons()
    known = catalog.topics
    intents = {r.get("name"): r.get("confidence") or 0.0 for r in parse_data.get("intent_ranking") or []}
    scores: dict[str, float] = {}
    faq_confidence = intents.get(RETRIEVAL_INTENT, 0.0)
    selector = (parse_data.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}
    for entry in selector.get("ranking") or []:
        key = entry.get("intent_response_key") or ""
        topic = key.split("/", 1)[1] if key.startswith(RETRIEVAL_INTENT + "/") else None
        if topic in known:
            scores[topic] = max(scores.get(topic, 0.0), faq_confidence * (entry.get("confidence") or 0.0))
    for name, confidence in intents.items():
        if name in known:
            scores[name] = max(scores.get(name, 0.0), confidence)
    ranked = [t for t, s in sorted(scores.items(), key=lambda item: -item[1]) if s > 0.0]
    for topic in catalog.default:
        if topic not in ranked:
            ranked.append(topic)
    return ranked[:count]


def buttons_for(topics: list[str], catalog: TopicButtons | None = None) -> list[dict[str, str]]:
    """Quick-reply buttons (title and payload) for the given topic ids."""
    catalog = catalog or load_topic_buttons()
    return [catalog.topics[t].dict() for t in topics]
