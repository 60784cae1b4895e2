"""Deterministic detection of alarm signs and crisis language in Dutch text.

Pure functions over the lexicon in ``alarm_signs.yml``; no Rasa imports, so the rules can be
tested with plain tables. The Rasa side lives in ``assistant.components.SafetyNet``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Pattern, Tuple

import yaml

LEXICON_PATH = Path(__file__).parent / "alarm_signs.yml"

# Most urgent first: the first tier with a sign in the message wins.
TIER_ORDER = ("crisis", "emergency", "today", "soon")


class LexiconError(ValueError):
    """The alarm-sign lexicon file is malformed."""


@dataclass(frozen=True)
class AlarmMatch:
    """An alarm sign found in a message.

    Attributes:
        tier: urgency tier (``crisis``, ``emergency``, ``today`` or ``soon``).
        sign: id of the sign within the tier, e.g. ``fever``.
        response: name of the response that answers this tier.
    """

    tier: str
    sign: str
    response: str


@dataclass(frozen=True)
class _Sign:
    tier: str
    sign: str
    response: str
    keywords: Tuple[str, ...]
    patterns: Tuple[Pattern, ...]


@dataclass(frozen=True)
class Lexicon:
    """Compiled lexicon: signs in tier order plus the negation rules."""

    signs: Tuple[_Sign, ...]
    negation_cues: frozenset
    not_before: frozenset
    clause_breaks: frozenset


def normalise(text: str) -> str:
    """Lowercase, strip accents, keep letters and digits separated by single spaces."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"\bsnachts\b", "s nachts", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    text = re.sub(r"\bnie\b", "niet", text)  # Flemish
    return text.strip()


def _parts(text: str) -> List[str]:
    """Split raw text into sentence parts at punctuation, then normalise each."""
    parts = re.split(r"[;:!?()\[\]\n\r\u2014\u2013]+|[.,](?=\s|$)|\s-\s", text or "")
    return [p for p in (normalise(part) for part in parts) if p]


def _within_one_edit(word: str, keyword: str) -> bool:
    """True when ``word`` differs from ``keyword`` by at most one edit (incl. a swap)."""
    if word == keyword:
        return True
    lw, lk = len(word), len(keyword)
    if abs(lw - lk) > 1:
        return False
    if lw == lk:
        diffs = [i for i in range(lw) if word[i] != keyword[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and word[diffs[0]] == keyword[diffs[1]]
            and word[diffs[1]] == keyword[diffs[0]]
        )
    shorter, longer = (word, keyword) if lw < lk else (keyword, word)
    for i in range(len(longer)):
        if longer[:i] + longer[i + 1 :] == shorter:
            return True
    return False


def _keyword_hit(token: str, keyword: str) -> bool:
    if token.startswith(keyword):
        return True
    if len(keyword) >= 6 and len(token) >= len(keyword) - 1:
        # A typo in the word itself, or in its stem followed by an inflection ("koortig", "koorsig").
        if _within_one_edit(token, keyword):
            return True
        for cut in (len(keyword) - 1, len(keyword), len(keyword) + 1):
            if cut <= len(token) and _within_one_edit(token[:cut], keyword):
                return True
    return False


def _is_negated(part: str, start: int, lexicon: Lexicon) -> bool:
    """True when a negation cue stands before position ``start`` in the same clause."""
    before = part[:start].split()
    for index in range(len(before) - 1, -1, -1):
        word = before[index]
        if word in lexicon.clause_breaks:
            return False
        if word in lexicon.negation_cues:
            following = before[index + 1] if index + 1 < len(before) else None
            if following not in lexicon.not_before:
                return True
    return False


def _find_in_part(part: str, sign: _Sign, lexicon: Lexicon) -> Optional[bool]:
    """True: the sign is mentioned; False: only mentioned negated; None: not mentioned."""
    negated = False
    for pattern in sign.patterns:
        for match in pattern.finditer(part):
            if not _is_negated(part, match.start(), lexicon):
                return True
            negated = True
    position = 0
    for token in part.split(" "):
        start = part.index(token, position)
        position = start + len(token)
        if any(_keyword_hit(token, keyword) for keyword in sign.keywords):
            if not _is_negated(part, start, lexicon):
                return True
            negated = True
    return False if negated else None


def detect(text: str, lexicon: Optional[Lexicon] = None) -> Optional[AlarmMatch]:
    """Return the most urgent alarm sign mentioned (and not negated) in ``text``, or None."""
    lexicon = lexicon or load_lexicon()
    parts = _parts(text)
    for sign in lexicon.signs:
        if any(_find_in_part(part, sign, lexicon) for part in parts):
            return AlarmMatch(tier=sign.tier, sign=sign.sign, response=sign.response)
    return None


def mentions_negated_sign(text: str, lexicon: Optional[Lexicon] = None) -> bool:
    """True when ``text`` names an alarm sign only to deny it ("geen koorts", "nooit kanker gehad")."""
    lexicon = lexicon or load_lexicon()
    parts = _parts(text)
    return any(_find_in_part(part, sign, lexicon) is False for sign in lexicon.signs for part in parts)


def _require(condition: bool, path: Path, where: str, problem: str) -> None:
    if not condition:
        raise LexiconError(f"{path}: {where}: {problem}")


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    """Load and compile the lexicon once; raise LexiconError naming the bad field."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise LexiconError(f"{path}: cannot be read: {error}") from error
    _require(isinstance(raw, dict), path, "top level", "must be a mapping")
    negation = raw.get("negation") or {}
    tiers: Dict = raw.get("tiers") or {}
    _require(set(tiers) == set(TIER_ORDER), path, "tiers", f"must be exactly {list(TIER_ORDER)}")
    signs: List[_Sign] = []
    for tier in TIER_ORDER:
        entry = tiers[tier]
        where = f"tiers.{tier}"
        _require(isinstance(entry, dict), path, where, "must be a mapping")
        response = entry.get("response")
        _require(
            isinstance(response, str) and response.startswith("utter_"),
            path,
            f"{where}.response",
            "must name a response (utter_...)",
        )
        _require(
            isinstance(entry.get("signs"), dict) and entry["signs"],
            path,
            f"{where}.signs",
            "must be a non-empty mapping",
        )
        for sign_id, sign in entry["signs"].items():
            sign_where = f"{where}.signs.{sign_id}"
            keywords = sign.get("keywords") or []
            patterns = sign.get("patterns") or []
            _require(bool(keywords or patterns), path, sign_where, "needs keywords or patterns")
            for keyword in keywords:
                _require(
                    isinstance(keyword, str) and keyword == normalise(keyword) and " " not in keyword,
                    path,
                    f"{sign_where}.keywords",
                    f"{keyword!r} must be one normalised word",
                )
            compiled = []
            for pattern in patterns:
                try:
                    compiled.append(re.compile(pattern))
                except re.error as error:
                    raise LexiconError(f"{path}: {sign_where}.patterns: {pattern!r}: {error}") from error
            signs.append(_Sign(tier, sign_id, response, tuple(keywords), tuple(compiled)))
    return Lexicon(
        signs=tuple(signs),
        negation_cues=frozenset(negation.get("cues") or []),
        not_before=frozenset(negation.get("not_before") or []),
        clause_breaks=frozenset(negation.get("clause_breaks") or []),
    )
