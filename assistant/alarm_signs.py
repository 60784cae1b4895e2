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
from typing import Any

import pydantic

from common.data_files import Problem, Schema, checked, load_data_file, non_empty_mapping, regular_expression
from common.safety import SAFETY_RESPONSES, TIER_INTENTS, TIER_ORDER

LEXICON_PATH = Path(__file__).parent / "alarm_signs.yml"


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
    keywords: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Lexicon:
    """Compiled lexicon: signs in tier order plus the negation rules."""

    signs: tuple[_Sign, ...]
    negation_cues: frozenset[str]
    not_before: frozenset[str]
    clause_breaks: frozenset[str]


# --------------------------------------------------------------------------- #
# The schema of alarm_signs.yml


def _normalised_word(keyword: Any) -> str:
    if not isinstance(keyword, str) or keyword != normalise(keyword) or " " in keyword:
        raise ValueError(f"{keyword!r} must be one normalised word (lowercase, no accents, no spaces)")
    return keyword


class SignWording(Schema):
    """How users word one alarm sign: single keywords and phrase patterns."""

    keywords: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()

    _keyword = checked("keywords", check=_normalised_word, each_item=True)
    _pattern = checked("patterns", check=regular_expression, each_item=True)

    @pydantic.root_validator(skip_on_failure=True)
    def _keywords_or_patterns(cls, values: dict[str, Any]) -> dict[str, Any]:
        if not values.get("keywords") and not values.get("patterns"):
            raise ValueError("needs keywords or patterns")
        return values


class Tier(Schema):
    """An urgency tier: the response that answers it and its signs."""

    response: str
    signs: dict[str, SignWording]

    _signs = checked("signs", check=non_empty_mapping)

    @pydantic.validator("response", pre=True)
    def _names_a_response(cls, response: Any) -> str:
        if not isinstance(response, str) or not response.startswith("utter_"):
            raise ValueError(f"must name a response (utter_...), got {response!r}")
        return response


class Negation(Schema):
    """When a sign counts as denied ("geen koorts")."""

    cues: tuple[str, ...] = ()
    not_before: tuple[str, ...] = ()
    clause_breaks: tuple[str, ...] = ()


class LexiconFile(Schema):
    """The schema of ``alarm_signs.yml``."""

    negation: Negation = Negation()
    tiers: dict[str, Tier]

    @pydantic.validator("tiers", pre=True)
    def _exactly_the_tiers(cls, tiers: Any) -> Any:
        if not isinstance(tiers, dict) or set(tiers) != set(TIER_ORDER):
            raise ValueError(f"must be exactly {list(TIER_ORDER)}, got {list(tiers or [])}")
        return tiers

    def cross_checks(self) -> list[Problem]:
        problems: list[Problem] = []
        for tier_name, tier in self.tiers.items():
            expected = SAFETY_RESPONSES[TIER_INTENTS[tier_name]]
            if tier.response != expected:
                problems.append(
                    (f"tiers.{tier_name}.response", f"must be {expected} (common.safety), got {tier.response}")
                )
        return problems


def normalise(text: str) -> str:
    """Lowercase, strip accents, keep letters and digits separated by single spaces."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"\bsnachts\b", "s nachts", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    text = re.sub(r"\bnie\b", "niet", text)  # Flemish
    return text.strip()


def _parts(text: str) -> list[str]:
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


def _find_in_part(part: str, sign: _Sign, lexicon: Lexicon) -> bool | None:
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


def detect(text: str, lexicon: Lexicon | None = None) -> AlarmMatch | None:
    """Return the most urgent alarm sign mentioned (and not negated) in ``text``, or None."""
    lexicon = lexicon or load_lexicon()
    parts = _parts(text)
    for sign in lexicon.signs:
        if any(_find_in_part(part, sign, lexicon) for part in parts):
            return AlarmMatch(tier=sign.tier, sign=sign.sign, response=sign.response)
    return None


def mentions_negated_sign(text: str, lexicon: Lexicon | None = None) -> bool:
    """True when ``text`` names an alarm sign only to deny it ("geen koorts", "nooit kanker gehad")."""
    lexicon = lexicon or load_lexicon()
    parts = _parts(text)
    return any(_find_in_part(part, sign, lexicon) is False for sign in lexicon.signs for part in parts)


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    """Load and compile the lexicon once.

    Raises:
        DataFileError: The file is missing or invalid (the message names the file and the field).
    """
    data = load_data_file(path, LexiconFile)
    signs = [
        _Sign(
            tier_name,
            sign_id,
            tier.response,
            wording.keywords,
            tuple(re.compile(pattern) for pattern in wording.patterns),
        )
        for tier_name in TIER_ORDER
        for tier in [data.tiers[tier_name]]
        for sign_id, wording in tier.signs.items()
    ]
    return Lexicon(
        signs=tuple(signs),
        negation_cues=frozenset(data.negation.cues),
        not_before=frozenset(data.negation.not_before),
        clause_breaks=frozenset(data.negation.clause_breaks),
    )
