"""Similar questions together: the questions behind the fallback, `not_covered` and `out_of_scope`, and the inbox.

Pure functions. Two messages are the same question when their normalised texts are equal (case, accents,
punctuation and spacing ignored); similar when their character trigrams overlap enough (Jaccard similarity at
least ``threshold``; typos and small rewordings stay together, different questions do not). Greedy and
deterministic: the most frequent text starts a group, every next text joins the first group it is similar to.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, Iterable, List, Tuple

DEFAULT_THRESHOLD = 0.5
WORD = re.compile(r"[^\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """Lower case, no accents, punctuation or extra spaces: ``"Wát is  een hernia?!"`` -> ``"wat is een hernia"``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(WORD.findall(plain))


def trigrams(normalised: str) -> FrozenSet[str]:
    """The character trigrams of a normalised text, with its word boundaries (a short text: the text itself)."""
    padded = f" {normalised} "
    if len(padded) < 4:
        return frozenset({padded})
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def similarity(a: FrozenSet[str], b: FrozenSet[str]) -> float:
    """Jaccard similarity of two trigram sets."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass
class Group:
    """Similar messages: the most frequent text first, with how often each was sent."""

    texts: List[Tuple[str, int]] = field(default_factory=list)
    grams: FrozenSet[str] = frozenset()

    @property
    def count(self) -> int:
        return sum(count for _, count in self.texts)

    @property
    def text(self) -> str:
        return self.texts[0][0]


def group(messages: Iterable[str], threshold: float = DEFAULT_THRESHOLD) -> List[Group]:
    """Group ``messages`` (texts, one per message sent), most frequent group first.

    Within a group the texts are ordered by count, then alphabetically; groups by count, then by their first text.
    The text kept for equal normalised forms is the most frequent spelling (alphabetically first on a tie).
    """
    spellings: Dict[str, Counter] = {}
    for message in messages:
        key = normalise(message)
        if key:
            spellings.setdefault(key, Counter())[message] += 1

    def spelling(counts: Counter) -> str:
        return min(counts.items(), key=lambda item: (-item[1], item[0]))[0]

    distinct = sorted(
        ((sum(c.values()), spelling(c), key) for key, c in spellings.items()), key=lambda item: (-item[0], item[1])
    )
    groups: List[Group] = []
    index: Dict[str, List[int]] = {}  # trigram -> groups having it, so only candidates are compared
    for count, text, key in distinct:
        grams = trigrams(key)
        candidates = sorted({g for gram in grams for g in index.get(gram, ())})
        target = next((g for g in candidates if similarity(grams, groups[g].grams) >= threshold), None)
        if target is None:
            target = len(groups)
            groups.append(Group(grams=grams))
            for gram in grams:
                index.setdefault(gram, []).append(target)
        groups[target].texts.append((text, count))
    for item in groups:
        item.texts.sort(key=lambda pair: (-pair[1], pair[0]))
    return sorted(groups, key=lambda item: (-item.count, item.text))
