"""Which topics to offer as buttons when the assistant is unsure (pure functions, no rasa_sdk)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

import yaml

CATALOG_PATH = Path(__file__).parent / "catalogs" / "topic_buttons.yml"
RETRIEVAL_INTENT = "faq"


class TopicCatalogError(ValueError):
    """topic_buttons.yml is malformed."""


@lru_cache(maxsize=2)
def load_topic_buttons(path: Path = CATALOG_PATH) -> Dict[str, Any]:
    """Load and validate the topic buttons once.

    Returns:
        ``{"topics": {id: {"title", "payload"}}, "default": [ids]}``.
    """
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise TopicCatalogError(f"{path}: cannot be read: {error}") from error
    topics = (raw or {}).get("topics")
    if not isinstance(topics, dict) or not topics:
        raise TopicCatalogError(f"{path}: 'topics' must be a non-empty mapping")
    for topic, button in topics.items():
        for field in ("title", "payload"):
            if not isinstance((button or {}).get(field), str) or not button[field].strip():
                raise TopicCatalogError(f"{path}: topics.{topic}.{field} must be a non-empty text")
    default = raw.get("default") or []
    unknown = [t for t in default if t not in topics]
    if not default or unknown:
        raise TopicCatalogError(f"{path}: 'default' must list known topics (unknown: {unknown})")
    return {"topics": topics, "default": list(default)}


def likely_topics(parse_data: Mapping[str, Any], count: int = 3, catalog: Optional[Dict[str, Any]] = None) -> List[str]:
    """Rank the topics a not-understood message most likely meant.

    FAQ topics score the FAQ intent's confidence times the ResponseSelector's confidence for the
    topic; other intents that are topics score their own confidence. Topics without a button are
    skipped; when fewer than ``count`` remain, the catalog's defaults fill up the list.
    """
    catalog = catalog or load_topic_buttons()
    known = catalog["topics"]
    intents = {r.get("name"): r.get("confidence") or 0.0 for r in parse_data.get("intent_ranking") or []}
    scores: Dict[str, float] = {}
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
    for topic in catalog["default"]:
        if topic not in ranked:
            ranked.append(topic)
    return ranked[:count]


def buttons_for(topics: List[str], catalog: Optional[Dict[str, Any]] = None) -> List[Dict[str, str]]:
    """Quick-reply buttons (title and payload) for the given topic ids."""
    catalog = catalog or load_topic_buttons()
    return [dict(catalog["topics"][t]) for t in topics]
