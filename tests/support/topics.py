"""The topic contract's names (contract/topics.yml)."""

from __future__ import annotations

import re
from typing import List, Optional


def topic_of(name: str, topic_ids: List[str]) -> Optional[str]:
    """The topic id a response or action name carries, per the contract in topics.yml."""
    hits = [t for t in topic_ids if re.search(rf"(^|[_/.]){re.escape(t)}($|[_/.])", name)]
    return max(hits, key=len) if hits else None
