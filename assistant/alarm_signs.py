"""Deterministic detection of alarm signs and crisis language in Dutch and Flemish text.

Pure functions over the lexicon and tier table in ``alarm_signs.yml``; no Rasa imports, so the rules can be
tested with plain tables. The Rasa side lives in ``assistant.components.SafetyNet``, which puts
:meth:`Assessment.as_parse_data` into the parse data as ``alarm``.

``assess(text)`` reads at most the first :data:`MAX_CHARACTERS` characters of the text, and every pattern
has bounded gaps, so the check stays linear and cheap on a 1 MB message.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pydantic

from common.data_files import Problem, Schema, checked, load_data_file, one_of, regular_expression, text
from common.safety import ALARM_SIGNS, MEDICAL_TIERS, NTS_CATEGORIES, TIER_CRISIS

LEXICON_PATH = Path(__file__).parent / "alarm_signs.yml"
# Only the start of a message is read: a sign is told in the first few thousand characters, and the check
# must not take seconds on a pasted 1 MB text.
MAX_CHARACTERS = 10_000

TIER_NONE = "none"  # a context choice: not an alarm after all ("ineens pijn toen ik bukte")
TIER_ASK = "ask"  # a context choice: the message lacks the fact that sets the tier
OTHERWISE = "otherwise"
_CHOICE_TIERS = (*MEDICAL_TIERS, TIER_NONE, TIER_ASK)


# --------------------------------------------------------------------------- #
# The schema of alarm_signs.yml


def _normalised_word(keyword: Any) -> str:
    if not isinstance(keyword, str) or keyword != normalise(keyword) or " " in keyword:
        raise ValueError(f"{keyword!r} must be one normalised word (lowercase, no accents, no spaces)")
    return keyword


class Wording(Schema):
    """How users word something: single keywords and phrase patterns."""

    keywords: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    _keyword = checked("keywords", "exclude", check=_normalised_word, each_item=True)
    _pattern = checked("patterns", check=regular_expression, each_item=True)


class Qualifier(Wording):
    """A fact that sets the tier of a context-dependent sign (an age range and/or wording)."""

    min_age: int | None = None
    max_age: int | None = None

    @pydantic.root_validator(skip_on_failure=True)
    def _something_to_find(cls, values: dict[str, Any]) -> dict[str, Any]:
        if not (values.get("keywords") or values.get("patterns") or values.get("min_age") or values.get("max_age")):
            raise ValueError("needs keywords, patterns, min_age or max_age")
        return values


class Choice(Schema):
    """One context choice of a sign: when the qualifier is found, the sign gets this tier."""

    when: str
    tier: str
    nts: str

    _tier = checked("tier", check=one_of(_CHOICE_TIERS))
    _nts = checked("nts", check=one_of(NTS_CATEGORIES))


class SignEntry(Wording):
    """One row of the tier table: a sign's wording with a fixed tier or a context that sets it."""

    sign: str
    what: str
    nts: str
    source: str
    tier: str | None = None
    context: tuple[Choice, ...] = ()
    negation_window: int | None = None

    _sign = checked("sign", check=one_of(ALARM_SIGNS))
    _nts = checked("nts", check=one_of(NTS_CATEGORIES))
    _texts = checked("what", "source", check=text)

    @pydantic.validator("tier")
    def _a_tier(cls, tier: str | None) -> str | None:
        if tier is not None and tier not in (*MEDICAL_TIERS, TIER_CRISIS):
            raise ValueError(f"must be one of {', '.join((*MEDICAL_TIERS, TIER_CRISIS))}, got {tier!r}")
        return tier

    @pydantic.root_validator(skip_on_failure=True)
    def _tier_or_context(cls, values: dict[str, Any]) -> dict[str, Any]:
        if not values.get("keywords") and not values.get("patterns"):
            raise ValueError("needs keywords or patterns")
        if (values.get("tier") is None) == (not values.get("context")):
            raise ValueError("needs exactly one of tier and context")
        context = values.get("context") or ()
        if context and context[-1].when != OTHERWISE:
            raise ValueError(f"the last context choice must be 'when: {OTHERWISE}'")
        return values


class Negation(Schema):
    """When a sign counts as denied ("geen koorts", "koorts heb ik niet")."""

    cues: tuple[str, ...] = ()
    window_before: int = 3
    adjacent_cues: tuple[str, ...] = ()
    not_before: tuple[str, ...] = ()
    not_after: tuple[str, ...] = ()
    window_after: int = 4
    after_verbs: tuple[str, ...] = ()
    after_blockers: tuple[str, ...] = ()
    after_tail: tuple[str, ...] = ()
    clause_breaks: tuple[str, ...] = ()


class Questions(Schema):
    """A clause that asks about a sign in general ("Wat is het caudasyndroom?") is not an alarm."""

    starts: tuple[str, ...] = ()
    conditional: tuple[str, ...] = ()
    hypothetical: tuple[str, ...] = ()
    personal: tuple[str, ...] = ()


class LexiconFile(Schema):
    """The schema of ``alarm_signs.yml``."""

    negation: Negation = Negation()
    questions: Questions = Questions()
    ages: tuple[str, ...] = ()
    qualifiers: dict[str, Qualifier] = {}
    signs: tuple[SignEntry, ...]

    _ages = checked("ages", check=regular_expression, each_item=True)

    def cross_checks(self) -> Iterable[Problem]:
        problems: list[Problem] = []
        for position, age in enumerate(self.ages):
            if "(?P<age>" not in age:
                problems.append((f"ages[{position}]", "needs a named group (?P<age>...)"))
        for index, entry in enumerate(self.signs):
            for number, choice in enumerate(entry.context):
                if choice.when != OTHERWISE and choice.when not in self.qualifiers:
                    problems.append((f"signs[{index}].context[{number}].when", f"names no qualifier: {choice.when!r}"))
        missing = sorted(set(ALARM_SIGNS) - {entry.sign for entry in self.signs})
        if missing:
            problems.append(("signs", f"lacks the signs {missing} (common.safety.ALARM_SIGNS)"))
        return problems


# --------------------------------------------------------------------------- #
# Compiled lexicon


@dataclass(frozen=True)
class _Wording:
    keywords: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    exclude: tuple[str, ...]
    negation_window: int | None = None


@dataclass(frozen=True)
class _Qualifier:
    wording: _Wording
    min_age: int | None
    max_age: int | None


@dataclass(frozen=True)
class _Entry:
    sign: str
    tier: str | None
    nts: str
    context: tuple[Choice, ...]
    wording: _Wording


@dataclass(frozen=True)
class Lexicon:
    """Compiled lexicon: the sign entries, the qualifiers and the negation rules."""

    entries: tuple[_Entry, ...]
    qualifiers: dict[str, _Qualifier]
    ages: tuple[re.Pattern[str], ...]
    negation: Negation
    questions: Questions


# --------------------------------------------------------------------------- #
# Results


@dataclass(frozen=True)
class SignFound:
    """A sign found in a message, with the tier and NTS category it gets there."""

    sign: str
    tier: str
    nts: str


@dataclass(frozen=True)
class Assessment:
    """What the safety net found in one message (the ``alarm`` of the parse data).

    Attributes:
        tier: the most urgent medical tier of the signs found (``emergency``, ``today``, ``soon``) or None.
        signs: every non-negated sign whose tier is settled, most urgent first (crisis included).
        ask: a sign whose tier the message does not settle (one follow-up question), only when no other sign
            with a settled tier (crisis included) was found; next to a crisis the sign gets its more urgent
            tier instead.
        ask_tier: the more urgent tier the ``ask`` sign could have: what to answer if the question is
            ignored.
        crisis: thoughts of suicide or acute distress were found.
    """

    tier: str | None = None
    signs: tuple[SignFound, ...] = ()
    ask: str | None = None
    ask_tier: str | None = None
    crisis: bool = False
    negated: tuple[str, ...] = field(default=())

    def as_parse_data(self) -> dict[str, Any]:
        """The ``alarm`` entry of the parse data, exactly as the SafetyNet interface defines it."""
        return {
            "tier": self.tier,
            "signs": [{"sign": s.sign, "tier": s.tier, "nts": s.nts} for s in self.signs],
            "ask": self.ask,
            "crisis": self.crisis,
        }


def _urgency(tier: str | None) -> int:
    order = (TIER_CRISIS, *MEDICAL_TIERS)
    return order.index(tier) if tier in order else len(order)


# --------------------------------------------------------------------------- #
# Text handling


def normalise(text: str) -> str:
    """Lowercase, strip accents, keep letters and digits separated by single spaces."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"\bsnachts\b", "s nachts", text)
    text = re.sub(r"\bsmorgens\b", "s morgens", text)
    text = re.sub(r"\bsochtends\b", "s ochtends", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    text = re.sub(r"\bnie\b", "niet", text)  # Flemish
    text = re.sub(r"\bhooi koorts\b", "hooikoorts", text)  # "hooi-koorts" is hay fever
    return text.strip()


@dataclass(frozen=True)
class _Part:
    text: str
    question: bool


_SPLIT = re.compile(r"([;:!?()\[\]\n\r\u2014\u2013]+|[.,](?=\s|$)|\s-\s)")
# Sentences: split as clauses but not at commas ("kan niet meer naar het toilet, er komt niks").
_SENTENCE_SPLIT = re.compile(r"([;:!?()\[\]\n\r\u2014\u2013]+|[.](?=\s|$)|\s-\s)")


def _parts(raw: str, split: re.Pattern[str] = _SPLIT) -> list[_Part]:
    """Split raw text into clauses at punctuation, normalise each and remember which ended in '?'."""
    pieces = split.split(raw or "")
    parts: list[_Part] = []
    for index in range(0, len(pieces), 2):
        delimiter = pieces[index + 1] if index + 1 < len(pieces) else ""
        normalised = normalise(pieces[index])
        if normalised:
            parts.append(_Part(normalised, "?" in delimiter))
    return parts


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
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


@lru_cache(maxsize=65536)
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


# --------------------------------------------------------------------------- #
# Negation


def _negated_before(words: list[str], wording: _Wording, negation: Negation) -> bool:
    """A cue shortly before the sign (``words`` are the clause's words before it)."""
    window = negation.window_before if wording.negation_window is None else wording.negation_window
    if words and words[-1] in negation.adjacent_cues:
        return True
    for distance, index in enumerate(range(len(words) - 1, -1, -1)):
        word = words[index]
        if word in negation.clause_breaks or distance >= window:
            return False
        if word in negation.cues and not _cue_softened(words, index, negation):
            return True
    return False


def _cue_softened(words: list[str], index: int, negation: Negation) -> bool:
    """ "ik weet niet of ...", "bijna niet uit bed": the cue at ``index`` denies nothing."""
    following = words[index + 1] if index + 1 < len(words) else None
    preceding = words[index - 1] if index > 0 else None
    return following in negation.not_before or preceding in negation.not_after


def _negated_after(words: list[str], negation: Negation) -> bool:
    """ "koorts heb ik niet": a cue after the sign, after a verb like "heb", at the end of the clause."""
    for index, word in enumerate(words[: negation.window_after + 1]):
        if word in negation.clause_breaks:
            return False
        if word in negation.cues:
            between, rest = words[:index], words[index + 1 :]
            return (
                any(w in negation.after_verbs for w in between)
                and not any(w in negation.after_blockers for w in between)
                and all(w in negation.after_tail for w in rest[:4])
                and len(rest) <= 4
            )
    return False


def _negated_inside(matched: str, pattern: re.Pattern[str], negation: Negation) -> bool:
    """ "mijn been is niet slap": a cue inside the match that the pattern does not need."""
    words = matched.split(" ")
    for index, word in enumerate(words):
        if (
            word in negation.cues
            and not _cue_softened(words, index, negation)
            and not any(w in negation.clause_breaks for w in words[index + 1 :])
        ):
            if pattern.fullmatch(" ".join(words[:index] + words[index + 1 :])):
                return True
    return False


def _is_negated(part: str, start: int, end: int, wording: _Wording, negation: Negation) -> bool:
    before = part[:start].split()
    after = part[end:].split()
    return _negated_before(before, wording, negation) or _negated_after(after, negation)


# --------------------------------------------------------------------------- #
# Finding wordings


def _find(part: str, wording: _Wording, negation: Negation) -> bool | None:
    """True: mentioned; False: only mentioned negated; None: not mentioned."""
    negated = False
    for pattern in wording.patterns:
        for match in pattern.finditer(part):
            if _negated_inside(match.group(0), pattern, negation) or _is_negated(
                part, match.start(), match.end(), wording, negation
            ):
                negated = True
                continue
            return True
    if wording.keywords:
        position = 0
        for token in part.split(" "):
            start = part.index(token, position)
            position = start + len(token)
            if any(token.startswith(word) for word in wording.exclude):
                continue
            if any(_keyword_hit(token, keyword) for keyword in wording.keywords):
                if not _is_negated(part, start, position, wording, negation):
                    return True
                negated = True
    return False if negated else None


def _asks_about(part: _Part, questions: Questions) -> bool:
    """A general or hypothetical question about a sign ("Is een scheurtje gevaarlijk?"), not a report of one."""
    if not part.question:
        return False
    words = part.text.split(" ")
    if words[0] not in questions.starts:
        return False
    rest = words[1:]
    hypothetical = any(w in questions.conditional for w in rest) and any(w in questions.hypothetical for w in rest)
    return hypothetical or not any(w in questions.personal for w in words)


def _ages(text: str, lexicon: Lexicon) -> list[int]:
    return [int(m.group("age")) for pattern in lexicon.ages for m in pattern.finditer(text)]


def _qualifier_holds(name: str, parts: list[_Part], ages: list[int], lexicon: Lexicon) -> bool:
    qualifier = lexicon.qualifiers[name]
    low = qualifier.min_age if qualifier.min_age is not None else 0
    high = qualifier.max_age if qualifier.max_age is not None else 200
    if (qualifier.min_age is not None or qualifier.max_age is not None) and any(
        low <= age <= high and age >= 10 for age in ages
    ):
        return True
    return any(_find(part.text, qualifier.wording, lexicon.negation) for part in parts)


def assess(raw_text: str, lexicon: Lexicon | None = None) -> Assessment:
    """Find every alarm sign and crisis wording in a message and the tier it gets there.

    Reads at most the first :data:`MAX_CHARACTERS` characters of ``raw_text`` (the original text, before
    any cutting for the classifiers).
    """
    lexicon = lexicon or load_lexicon()
    head = (raw_text or "")[:MAX_CHARACTERS]
    parts = _parts(head)
    reported = [part for part in parts if not _asks_about(part, lexicon.questions)]
    # A phrase a comma cuts in two ("ik ben er klaar mee, met alles") is looked for in the whole sentence,
    # by its patterns only, when no clause mentions the sign at all (not even negated).
    sentences = [
        part
        for part in _parts(head, _SENTENCE_SPLIT)
        if not _asks_about(part, lexicon.questions) and part.text not in {p.text for p in parts}
    ]
    ages = _ages(normalise(head), lexicon)  # across punctuation: "mijn vader (67) is gevallen"

    found: dict[str, SignFound] = {}
    asks: list[tuple[str, str]] = []
    negated: list[str] = []
    for entry in lexicon.entries:
        results = [_find(part.text, entry.wording, lexicon.negation) for part in reported]
        if not any(results) and False not in results and entry.wording.patterns:
            patterns_only = _Wording((), entry.wording.patterns, (), entry.wording.negation_window)
            results += [_find(part.text, patterns_only, lexicon.negation) for part in sentences]
        if not any(results):
            if False in results:
                negated.append(entry.sign)
            continue
        tier, nts = entry.tier, entry.nts
        if entry.context:
            for choice in entry.context:
                if choice.when == OTHERWISE or _qualifier_holds(choice.when, reported, ages, lexicon):
                    tier, nts = choice.tier, choice.nts
                    break
        if tier == TIER_NONE or tier is None:
            continue
        if tier == TIER_ASK:
            urgent = min((c.tier for c in entry.context if c.tier in MEDICAL_TIERS), key=_urgency)
            asks.append((entry.sign, urgent))
            continue
        known = found.get(entry.sign)
        if known is None or _urgency(tier) < _urgency(known.tier):
            found[entry.sign] = SignFound(entry.sign, tier, nts)

    signs = tuple(sorted(found.values(), key=lambda s: (_urgency(s.tier), s.nts)))
    medical = [s for s in signs if s.tier in MEDICAL_TIERS]
    tier = medical[0].tier if medical else None
    ask, ask_tier = None, None
    crisis = TIER_CRISIS in {s.tier for s in signs}
    if tier is None and asks:
        ask, ask_tier = min(asks, key=lambda a: _urgency(a[1]))
        if crisis:
            # No question next to a crisis answer: the unsettled sign gets its more urgent tier at once.
            tier, ask = ask_tier, None
    # A sign whose tier depends on context and was asked about is not "negated" either.
    asked = {a for a, _ in asks}
    return Assessment(
        tier=tier,
        signs=signs,
        ask=ask,
        ask_tier=ask_tier,
        crisis=crisis,
        negated=tuple(s for s in dict.fromkeys(negated) if s not in found and s not in asked),
    )


def tier_table(lexicon_file: Path = LEXICON_PATH) -> list[dict[str, str]]:
    """The rows of the tier table (sign, what, tier, NTS category, source), as the README shows them."""
    data = load_data_file(lexicon_file, LexiconFile)
    rows = []
    for entry in data.signs:
        if entry.tier is not None:
            tier = entry.tier
        else:
            tier = "; ".join(
                f"{choice.tier} ({choice.nts})" + ("" if choice.when == OTHERWISE else f" if {choice.when}")
                for choice in entry.context
            )
        rows.append({"sign": entry.sign, "what": entry.what, "tier": tier, "nts": entry.nts, "source": entry.source})
    return rows


def tier_table_markdown(lexicon_file: Path = LEXICON_PATH) -> str:
    """The tier table as the README's safety section shows it (``python -m assistant.alarm_signs``)."""
    lines = ["| sign | what | tier (NTS) | source |", "|---|---|---|---|"]
    for row in tier_table(lexicon_file):
        tier = row["tier"] if ";" in row["tier"] else f"{row['tier']} ({row['nts']})"
        lines.append(f"| `{row['sign']}` | {row['what']} | {tier} | {row['source']} |")
    return "\n".join(lines)


def _compile(wording: Wording, negation_window: int | None = None) -> _Wording:
    return _Wording(
        keywords=wording.keywords,
        patterns=tuple(re.compile(pattern) for pattern in wording.patterns),
        exclude=wording.exclude,
        negation_window=negation_window,
    )


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    """Load and compile the lexicon once.

    Raises:
        DataFileError: The file is missing or invalid (the message names the file and the field).
    """
    data = load_data_file(path, LexiconFile)
    entries = tuple(
        _Entry(entry.sign, entry.tier, entry.nts, entry.context, _compile(entry, entry.negation_window))
        for entry in data.signs
    )
    qualifiers = {
        name: _Qualifier(_compile(qualifier), qualifier.min_age, qualifier.max_age)
        for name, qualifier in data.qualifiers.items()
    }
    return Lexicon(
        entries=entries,
        qualifiers=qualifiers,
        ages=tuple(re.compile(pattern) for pattern in data.ages),
        negation=data.negation,
        questions=data.questions,
    )


if __name__ == "__main__":
    print(tier_table_markdown())
