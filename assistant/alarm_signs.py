"""Deterministic detection of alarm signs and crisis language in Dutch and Flemish text.

Pure functions over the lexicon and tier table in ``alarm_signs.yml``; no Rasa imports, so the rules can be
tested with plain tables. The Rasa side lives in ``assistant.components.SafetyNet``, which puts
:meth:`Assessment.as_parse_data` into the parse data as ``alarm``.

``assess(text)`` reads at most the first :data:`MAX_CHARACTERS` characters of the text, and every pattern
has bounded gaps, so the check stays linear and cheap on a 1 MB message. It runs on every message, so a
screen comes first: each pattern is compiled with the literal strings one of which every match must
contain (read from the regular expression itself), and an entry whose literals and keywords are not in the
message is skipped without running its patterns clause by clause.
"""

from __future__ import annotations

import re
import sre_parse  # the parser of the re module (Python 3.10): literal strings a pattern requires
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pydantic

from common.data_files import (
    Problem,
    Schema,
    checked,
    load_data_file,
    one_of,
    regular_expression,
    text,
    whole_number_between,
)
from common.safety import ALARM_SIGNS, MEDICAL_TIERS, NTS_CATEGORIES, TIER_CRISIS

LEXICON_PATH = Path(__file__).parent / "alarm_signs.yml"
# Only the start of a message is read: a sign is told in the first few thousand characters, and the check
# must not take seconds on a pasted 1 MB text.
MAX_CHARACTERS = 10_000
# How many words of the rest of its sentence a clause keeps (``_Part.after``): more than any resolution reads.
_AFTER_WORDS = 40

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
    # With tier none: the qualifier denies the sign ("neusspray", "mijn tante had kanker"), so the sign
    # counts as negated and a classifier alarm resting on it alone can be undone (Assessment.negated).
    denies: bool = False

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
    # Wordings that deny the sign ("temperatuur is normaal"): the sign counts as negated, so a classifier
    # alarm that rests on it alone can be undone (assistant.components.SafetyNet).
    denials: tuple[str, ...] = ()

    _denial = checked("denials", check=regular_expression, each_item=True)

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
    # Patterns that, ending right before the sign in its clause, deny it ("ik denk er niet aan om ...").
    before_patterns: tuple[str, ...] = ()

    _before = checked("before_patterns", check=regular_expression, each_item=True)


class Questions(Schema):
    """A clause that asks about a sign in general ("Wat is het caudasyndroom?") is not an alarm."""

    starts: tuple[str, ...] = ()
    conditional: tuple[str, ...] = ()
    hypothetical: tuple[str, ...] = ()
    personal: tuple[str, ...] = ()
    # A question (or a clause that starts like one) about preventing a sign ("Hoe voorkom ik osteoporose?").
    prevention: tuple[str, ...] = ()
    # A worry about the future ("bang dat ik een caudasyndroom krijg"): from the worry word to the next
    # clause break, nothing is reported when a word of `future` stands in that span.
    fears: tuple[str, ...] = ()
    future: tuple[str, ...] = ()
    # Openings that make a clause a question without a question mark ("wat is osteoporose precies").
    openers: tuple[str, ...] = ()
    # A question that asks for a threshold ("Bij hoeveel graden koorts moet ik bellen?") is general even with "ik".
    general: tuple[str, ...] = ()

    _general = checked("general", check=regular_expression, each_item=True)


class Others(Schema):
    """Signs of a pet, or of someone else when the writer sets his own complaint apart ("Zelf heb ik ...").

    A stretch of a clause (up to a clause break word) that starts with one of `pets` (always) or `people`
    (only when one of `self_markers` is in the message) and holds no word of `first_person` after that noun
    is not the writer's: it is left out before the signs are looked for.
    """

    pets: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    possessives: tuple[str, ...] = ()
    first_person: tuple[str, ...] = ()
    self_markers: tuple[str, ...] = ()

    _markers = checked("self_markers", check=regular_expression, each_item=True)


class Resolved(Schema):
    """A sign the writer says is over ("mijn been voelde even zwak, nu is het weer helemaal normaal") is not one now.

    A mention counts as denied when one of `patterns` matches within `within_words` words after it, in the same
    sentence (commas do not end it), unless one of `unless` follows there ("was weg, maar nu is het terug").
    The signs of `keep` are never denied so: a bladder, saddle, genital or chest sign that came and went still
    needs a doctor.
    """

    patterns: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    within_words: int = 14
    keep: tuple[str, ...] = ()

    _patterns = checked("patterns", check=regular_expression, each_item=True)
    _unless = checked("unless", check=regular_expression, each_item=True)
    _keep = checked("keep", check=one_of(ALARM_SIGNS), each_item=True)
    _within = checked("within_words", check=whole_number_between(1, _AFTER_WORDS))


class Numbers(Schema):
    """Number words read as digits, so "mijn oma van tachtig" has an age: tens and teens, and units that
    make compounds with a ten ("achtenvijftig" = acht + en + vijftig)."""

    tens: dict[str, int] = {}
    units: dict[str, int] = {}


class LexiconFile(Schema):
    """The schema of ``alarm_signs.yml``."""

    negation: Negation = Negation()
    questions: Questions = Questions()
    others: Others = Others()
    numbers: Numbers = Numbers()
    resolved: Resolved = Resolved()
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
    # For each pattern: strings one of which every match contains (None: the pattern has no such strings).
    literals: tuple[frozenset[str] | None, ...] = ()


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
    denials: tuple[re.Pattern[str], ...] = ()
    # Whether a mention followed by "... is weer weg" counts as denied (not for the signs of `resolved.keep`).
    resolvable: bool = False


@dataclass(frozen=True)
class _Resolution:
    patterns: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...]
    within_words: int

    def follows(self, text: str) -> bool:
        """A resolution ("dat is weer weg") within the first words of ``text``, and no relapse after it."""
        window = " ".join(text.split(" ")[: self.within_words])
        for pattern in self.patterns:
            found = pattern.search(window)
            if found is not None:
                rest = text[found.end() :]
                return not any(u.search(rest) for u in self.unless)
        return False


@dataclass(frozen=True)
class Lexicon:
    """Compiled lexicon: the sign entries, the qualifiers and the negation rules."""

    entries: tuple[_Entry, ...]
    qualifiers: dict[str, _Qualifier]
    ages: tuple[re.Pattern[str], ...]
    negation: Negation
    questions: Questions
    others: Others = Others()
    resolution: _Resolution | None = None
    # Every keyword of the entries and qualifiers.
    keywords: tuple[str, ...] = ()
    # Every pattern literal by its first three characters (shorter literals under "").
    literal_index: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Number words (whole words) and the digits they stand for.
    number_words: re.Pattern[str] | None = None
    number_values: dict[str, str] = field(default_factory=dict)
    # The keywords each word seen so far hits (a cache, emptied when it grows past 100,000 words).
    token_hits: dict[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)

    def with_digits(self, text: str) -> str:
        """``text`` with its number words written as digits ("van tachtig" -> "van 80")."""
        if self.number_words is None:
            return text
        return self.number_words.sub(lambda match: self.number_values[match.group(1)] + (match.group(2) or ""), text)


# --------------------------------------------------------------------------- #
# The screen: which entries a message can match at all

_LITERAL_CAP = 64  # at most this many alternative strings per literal set


def _best_literals(candidates: Iterable[set[str] | None]) -> set[str] | None:
    """The most selective of several literal sets: the longest shortest string, then the fewest strings."""
    best: set[str] | None = None
    score = 0
    for candidate in candidates:
        if not candidate:
            continue
        shortest = min(len(string) for string in candidate)
        if shortest > score or (shortest == score and best is not None and len(candidate) < len(best)):
            best, score = candidate, shortest
    return best


def _sequence_literals(items: Any) -> tuple[set[str] | None, set[str] | None]:
    """(every string the sequence can match, if few; strings one of which each match contains)."""
    run: set[str] = {""}
    candidates: list[set[str] | None] = []
    exact_all = True
    for op, argument in items:
        exact, required = _node_literals(op, argument)
        if exact is not None and len(run) * len(exact) <= _LITERAL_CAP:
            run = {a + b for a in run for b in exact}
            continue
        exact_all = False
        candidates += [run, exact if exact is not None else required]
        run = {""}
    candidates.append(run)
    return (run if exact_all else None), _best_literals(candidates)


def _node_literals(op: Any, argument: Any) -> tuple[set[str] | None, set[str] | None]:
    constants = sre_parse
    if op is constants.LITERAL:
        return {chr(argument)}, None
    if op is constants.IN:
        chars: set[str] = set()
        for kind, value in argument:
            if kind is constants.LITERAL:
                chars.add(chr(value))
            elif kind is constants.RANGE and value[1] - value[0] < 10:
                chars.update(chr(code) for code in range(value[0], value[1] + 1))
            else:
                return None, None
        return chars, None
    if op in (constants.AT, constants.ASSERT, constants.ASSERT_NOT):
        return {""}, None  # zero width
    if op is constants.SUBPATTERN:
        return _sequence_literals(argument[-1])
    if op is constants.BRANCH:
        results = [_sequence_literals(branch) for branch in argument[1]]
        exacts = [exact for exact, _ in results]
        if all(exact is not None for exact in exacts) and sum(len(e or ()) for e in exacts) <= _LITERAL_CAP:
            return set().union(*(e or set() for e in exacts)), None
        branches = [_best_literals([exact, req]) for exact, req in results]
        if any(branch is None for branch in branches):
            return None, None
        return None, set().union(*(branch or set() for branch in branches))
    if op in (constants.MAX_REPEAT, constants.MIN_REPEAT):
        low, high, body = argument
        exact, required = _sequence_literals(body)
        if high <= 1 and exact is not None:
            return exact | ({""} if low == 0 else set()), None
        return (None, _best_literals([exact, required])) if low >= 1 else (None, None)
    return None, None


def required_literals(pattern: str) -> frozenset[str] | None:
    """Strings one of which every match of ``pattern`` contains, or None when the pattern has none.

    >>> sorted(required_literals(r"\\b(plas|urine) (\\w+ ){0,4}niet"))
    ['plas ', 'urine ']
    """
    exact, required = _sequence_literals(sre_parse.parse(pattern))
    best = _best_literals([exact, required])
    return frozenset(best) if best else None


@dataclass(frozen=True)
class _Screen:
    """What one message can match: the pattern literals its clauses contain, the keywords its words hit."""

    literals: frozenset[str]
    keyword_hits: frozenset[str]

    @classmethod
    def of(cls, texts: Iterable[str], lexicon: Lexicon) -> _Screen:
        text = "\n".join(texts)
        hits: set[str] = set()
        cache = lexicon.token_hits
        if len(cache) > 100_000:
            cache.clear()
        for token in set(text.split()):
            known = cache.get(token)
            if known is None:
                known = cache[token] = frozenset(k for k in lexicon.keywords if _keyword_hit(token, k))
            hits |= known
        # Each literal is indexed by its first three characters: only those of the text's are looked for.
        index = lexicon.literal_index
        present = {literal for literal in index.get("", ()) if literal in text}
        for start in {text[i : i + 3] for i in range(len(text) - 2)}:
            present.update(literal for literal in index.get(start, ()) if literal in text)
        return cls(frozenset(present), frozenset(hits))

    def _holds(self, literals: frozenset[str] | None) -> bool:
        return literals is None or not literals.isdisjoint(self.literals)

    def narrow(self, wording: _Wording) -> _Wording | None:
        """``wording`` with only the keywords and patterns that can match this message; None: none can."""
        keywords = tuple(k for k in wording.keywords if k in self.keyword_hits)
        live = [i for i, literals in enumerate(wording.literals) if self._holds(literals)]
        if not keywords and not live:
            return None
        return _Wording(
            keywords=keywords,
            patterns=tuple(wording.patterns[i] for i in live),
            exclude=wording.exclude,
            negation_window=wording.negation_window,
            literals=tuple(wording.literals[i] for i in live),
        )


# --------------------------------------------------------------------------- #
# Results


@dataclass(frozen=True)
class SignFound:
    """A sign found in a message, with the tier and NTS category it gets there."""

    sign: str
    tier: str
    nts: str
    # The qualifier of the context choice that set the tier ("young", "fracture_risk"), None for a fixed tier or
    # the `otherwise` choice: a tier set by a fact the message gives (an age, a risk), which a classifier cannot weigh.
    settled_by: str | None = None


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
        negated: signs that were only mentioned denied ("geen koorts", "temperatuur is normaal") or that
            the message's context denies (a context choice with ``denies``: "neusspray met corticosteroiden",
            "mijn tante had kanker"), and not found otherwise.
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
    text = text or ""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _NIGHT_MORNING.sub(r"s \1", text.lower())  # "snachts" -> "s nachts"
    text = _NOT_LETTERS.sub(" ", text)
    text = _NIE.sub("niet", text)  # Flemish
    text = _HOOI_KOORTS.sub("hooikoorts", text)  # "hooi-koorts" is hay fever
    return text.strip()


_NIGHT_MORNING = re.compile(r"\bs(nachts|morgens|ochtends)\b")
_NOT_LETTERS = re.compile(r"[^a-z0-9]+")
_NIE = re.compile(r"\bnie\b")
_HOOI_KOORTS = re.compile(r"\bhooi koorts\b")


@dataclass(frozen=True)
class _Part:
    text: str
    question: bool
    # The rest of the clause's sentence after it (normalised): commas end a clause, not a sentence.
    after: str = ""


_SPLIT = re.compile(r"([;:!?()\[\]\n\r\u2014\u2013]+|[.,](?=\s|$)|\s-\s)")
# Sentences: split as clauses but not at commas ("kan niet meer naar het toilet, er komt niks").
_SENTENCE_SPLIT = re.compile(r"([;:!?()\[\]\n\r\u2014\u2013]+|[.](?=\s|$)|\s-\s)")


def _parts(raw: str, split: re.Pattern[str] = _SPLIT, lexicon: Lexicon | None = None) -> list[_Part]:
    """Split raw text into clauses at punctuation, normalise each, and mark the clauses of a question.

    A sentence that ends in "?" is a question in each of its clauses: "Wanneer is het koorts, vanaf 38 graden?"
    """
    pieces = split.split(raw or "")
    clauses: list[tuple[str, int]] = []  # normalised text, sentence number
    asked: set[int] = set()  # the sentences that end in "?"
    sentence = 0
    for index in range(0, len(pieces), 2):
        delimiter = pieces[index + 1] if index + 1 < len(pieces) else ""
        normalised = normalise(pieces[index])
        if lexicon is not None:
            normalised = lexicon.with_digits(normalised)
        if normalised:
            clauses.append((normalised, sentence))
            if "?" in delimiter:
                asked.add(sentence)
        if delimiter.strip() != ",":
            sentence += 1
    parts: list[_Part] = []
    for position, (normalised, number) in enumerate(clauses):
        following: list[str] = []  # the next clauses of the sentence, as far as a resolution is looked for
        for text_after, number_after in clauses[position + 1 :]:
            if number_after != number or len(following) >= _AFTER_WORDS:
                break
            following.extend(text_after.split(" "))
        parts.append(_Part(normalised, number in asked, " ".join(following[:_AFTER_WORDS])))
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
    two_before = " ".join(words[index - 2 : index]) if index > 1 else None  # "uit het niets" is "suddenly"
    return following in negation.not_before or preceding in negation.not_after or two_before in negation.not_after


def _negated_after(words: list[str], negation: Negation) -> bool:
    """ "koorts heb ik niet": a cue after the sign, after a verb like "heb", at the end of the clause."""
    for index, word in enumerate(words[: negation.window_after + 1]):
        if word in negation.clause_breaks:
            return False
        if word in negation.cues:
            between, rest = words[:index], _until_clause_break(words[index + 1 :], negation)
            return (
                any(w in negation.after_verbs for w in between)
                and not any(w in negation.after_blockers for w in between)
                and all(w in negation.after_tail for w in rest)
                and len(rest) <= 4
            )
    return False


def _until_clause_break(words: list[str], negation: Negation) -> list[str]:
    """The words up to the next clause break: "koorts heb ik niet en plassen gaat goed" ends the denial at "en"."""
    for index, word in enumerate(words):
        if word in negation.clause_breaks:
            return words[:index]
    return words


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
    return (
        _negated_before(before, wording, negation)
        or _negated_after(after, negation)
        or any(re.search(pattern, part[:start]) for pattern in negation.before_patterns)
    )


# --------------------------------------------------------------------------- #
# Finding wordings


def _find(
    part: str, wording: _Wording, negation: Negation, resolution: _Resolution | None = None, after: str = ""
) -> bool | None:
    """True: mentioned; False: only mentioned negated (or said to be over, with a ``resolution``); None: not
    mentioned. ``after`` is the rest of the sentence after ``part``."""
    negated = False

    def over(end: int) -> bool:
        return resolution is not None and resolution.follows(f"{part[end:]} {after}".strip())

    for pattern in wording.patterns:
        for match in pattern.finditer(part):
            if (
                _negated_inside(match.group(0), pattern, negation)
                or _is_negated(part, match.start(), match.end(), wording, negation)
                or over(match.end())
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
                if not _is_negated(part, start, position, wording, negation) and not over(position):
                    return True
                negated = True
    return False if negated else None


def _asks_about(part: _Part, questions: Questions) -> bool:
    """A general or hypothetical question about a sign ("Is een scheurtje gevaarlijk?"), not a report of one."""
    words = part.text.split(" ")
    if not part.question and " ".join(words[:2]) not in questions.openers:
        return False
    if part.question and any(re.search(pattern, part.text) for pattern in questions.general):
        return True
    if words[0] not in questions.starts:
        return False
    rest = words[1:]
    hypothetical = any(w in questions.conditional for w in rest) and any(w in questions.hypothetical for w in rest)
    return hypothetical or not any(w in questions.personal for w in words)


def _about_prevention(part: _Part, questions: Questions) -> bool:
    """ "Hoe voorkom ik osteoporose?": a question about preventing a sign, not a report of one."""
    words = part.text.split(" ")
    return (part.question or words[0] in questions.starts) and any(w in questions.prevention for w in words)


def _without_fears(words: list[str], lexicon: Lexicon) -> list[str]:
    """The words without a worry about the future ("bang dat ik een caudasyndroom krijg"), up to a clause break.

    Only a worry that goes on with "dat" or "om" and holds a word of the future; never one with a negation
    cue ("bang dat ik geen lucht krijg", "bang dat ik mijn plas niet kan ophouden" stay reports).
    """
    questions, negation = lexicon.questions, lexicon.negation
    kept: list[str] = []
    index = 0
    while index < len(words):
        if words[index] in questions.fears and {"dat", "om"} & set(words[index + 1 : index + 3]):
            end = index + 1
            while end < len(words) and words[end] not in negation.clause_breaks:
                end += 1
            span = words[index + 1 : end]
            if any(w in questions.future for w in span) and not any(w in negation.cues for w in span):
                index = end
                continue
        kept.append(words[index])
        index += 1
    return kept


def _without_others(
    words: list[str], lexicon: Lexicon, self_marked: bool, left_out: list[str] | None = None
) -> list[str]:
    """The words without the stretches about a pet, or about someone else when the writer set himself apart
    (those stretches go to ``left_out``)."""
    others, breaks = lexicon.others, lexicon.negation.clause_breaks
    nouns = set(others.pets) | (set(others.people) if self_marked else set())
    if not nouns:
        return words
    kept: list[str] = []
    run: list[str] = []

    def flush() -> None:
        for position, word in enumerate(run[:3]):
            if word in nouns and (position == 0 or run[position - 1] in others.possessives):
                if not any(w in others.first_person for w in run[position + 1 :]):
                    if left_out is not None:
                        left_out.append(" ".join(run))
                    run.clear()
                    return
                break
        kept.extend(run)
        run.clear()

    for word in words:
        if word in breaks:
            flush()
            kept.append(word)
        else:
            run.append(word)
    flush()
    return kept


def _writers(part: _Part, lexicon: Lexicon, self_marked: bool, left_out: list[str] | None = None) -> _Part:
    """The part with only what the writer reports of himself (or of someone close, as a report)."""
    words = part.text.split(" ")
    kept = _without_others(_without_fears(words, lexicon), lexicon, self_marked, left_out)
    return part if len(kept) == len(words) else _Part(" ".join(kept), part.question, part.after)


def _ages(text: str, lexicon: Lexicon) -> list[int]:
    return [int(m.group("age")) for pattern in lexicon.ages for m in pattern.finditer(text)]


def _qualifier_holds(name: str, parts: list[_Part], ages: list[int], lexicon: Lexicon, screen: _Screen) -> bool:
    qualifier = lexicon.qualifiers[name]
    low = qualifier.min_age if qualifier.min_age is not None else 0
    high = qualifier.max_age if qualifier.max_age is not None else 200
    if (qualifier.min_age is not None or qualifier.max_age is not None) and any(
        # A child's age may be one digit ("ons zoontje van 7"); elsewhere a lone digit is rarely an age.
        low <= age <= high and (age >= 10 or high < 20)
        for age in ages
    ):
        return True
    wording = screen.narrow(qualifier.wording)
    return wording is not None and any(_find(part.text, wording, lexicon.negation) for part in parts)


def assess(raw_text: str, lexicon: Lexicon | None = None) -> Assessment:
    """Find every alarm sign and crisis wording in a message and the tier it gets there.

    Reads at most the first :data:`MAX_CHARACTERS` characters of ``raw_text`` (the original text, before
    any cutting for the classifiers).
    """
    lexicon = lexicon or load_lexicon()
    head = (raw_text or "")[:MAX_CHARACTERS]
    parts = _parts(head, _SPLIT, lexicon)
    whole = lexicon.with_digits(normalise(head))
    self_marked = any(re.search(marker, whole) for marker in lexicon.others.self_markers)

    def reports(part: _Part) -> bool:
        return not _asks_about(part, lexicon.questions) and not _about_prevention(part, lexicon.questions)

    # What is said of a pet or of someone else the writer sets apart ("mijn dochter heeft koorts en ik heb
    # rugpijn") is left out; a sign found there counts as negated, so a classifier alarm resting on it can be undone.
    others_text: list[str] = []
    reported = [_writers(part, lexicon, self_marked, others_text) for part in parts if reports(part)]
    reported = [part for part in reported if part.text]
    # A phrase a comma cuts in two ("ik ben er klaar mee, met alles") is looked for in the whole sentence,
    # by its patterns only, when no clause mentions the sign at all (not even negated).
    clause_texts = {p.text for p in parts}
    sentences = [
        _writers(part, lexicon, self_marked)
        for part in _parts(head, _SENTENCE_SPLIT, lexicon)
        if reports(part) and part.text not in clause_texts
    ]
    sentences = [part for part in sentences if part.text]
    ages = _ages(whole, lexicon)  # across punctuation: "mijn vader (67) is gevallen"
    screen = _Screen.of([part.text for part in reported] + [part.text for part in sentences] + others_text, lexicon)

    found: dict[str, SignFound] = {}
    asks: list[tuple[str, str]] = []
    negated: list[str] = []
    for entry in lexicon.entries:
        if entry.denials and any(d.search(part.text) for d in entry.denials for part in reported):
            negated.append(entry.sign)
        wording = screen.narrow(entry.wording)
        if wording is None:
            continue  # mentioned nowhere: nothing found and nothing negated
        resolution = lexicon.resolution if entry.resolvable else None
        results = [_find(part.text, wording, lexicon.negation, resolution, part.after) for part in reported]
        if not any(results) and False not in results and wording.patterns:
            patterns_only = _Wording((), wording.patterns, (), wording.negation_window, wording.literals)
            results += [_find(part.text, patterns_only, lexicon.negation, resolution) for part in sentences]
        if not any(results) and any(_find(text, wording, lexicon.negation) for text in others_text):
            results.append(False)  # someone else's sign: mentioned, not the writer's
        if not any(results):
            if False in results:
                negated.append(entry.sign)
            continue
        tier, nts, denies, settled_by = entry.tier, entry.nts, False, None
        if entry.context:
            for choice in entry.context:
                if choice.when == OTHERWISE or _qualifier_holds(choice.when, reported, ages, lexicon, screen):
                    tier, nts, denies = choice.tier, choice.nts, choice.denies
                    settled_by = None if choice.when == OTHERWISE else choice.when
                    break
        if tier == TIER_NONE or tier is None:
            if denies:
                negated.append(entry.sign)
            continue
        if tier == TIER_ASK:
            urgent = min((c.tier for c in entry.context if c.tier in MEDICAL_TIERS), key=_urgency)
            asks.append((entry.sign, urgent))
            continue
        known = found.get(entry.sign)
        if known is None or _urgency(tier) < _urgency(known.tier):
            found[entry.sign] = SignFound(entry.sign, tier, nts, settled_by)

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
        literals=tuple(required_literals(pattern) for pattern in wording.patterns),
    )


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    """Load and compile the lexicon once.

    Raises:
        DataFileError: The file is missing or invalid (the message names the file and the field).
    """
    data = load_data_file(path, LexiconFile)
    entries = tuple(
        _Entry(
            entry.sign,
            entry.tier,
            entry.nts,
            entry.context,
            _compile(entry, entry.negation_window),
            tuple(re.compile(pattern) for pattern in entry.denials),
            resolvable=entry.sign not in data.resolved.keep,
        )
        for entry in data.signs
    )
    resolved = data.resolved
    resolution = (
        _Resolution(
            tuple(re.compile(pattern) for pattern in resolved.patterns),
            tuple(re.compile(pattern) for pattern in resolved.unless),
            resolved.within_words,
        )
        if resolved.patterns
        else None
    )
    qualifiers = {
        name: _Qualifier(_compile(qualifier), qualifier.min_age, qualifier.max_age)
        for name, qualifier in data.qualifiers.items()
    }
    wordings = [entry.wording for entry in entries] + [qualifier.wording for qualifier in qualifiers.values()]
    keywords = [keyword for wording in wordings for keyword in wording.keywords]
    index: dict[str, set[str]] = {}
    for wording in wordings:
        for literals in wording.literals:
            for literal in literals or ():
                index.setdefault(literal[:3] if len(literal) >= 3 else "", set()).add(literal)
    values = {word: str(value) for word, value in data.numbers.tens.items()}
    for unit, unit_value in data.numbers.units.items():
        for ten, ten_value in data.numbers.tens.items():
            if ten_value % 10 == 0 and ten_value >= 20:
                values[f"{unit}en{ten}"] = str(ten_value + unit_value)
    # Also ordinals: "op mijn zeventiende" -> "op mijn 17de", "twintigste" -> "20ste".
    alternatives = "|".join(sorted(values, key=len, reverse=True))
    numbers = re.compile(r"\b(" + alternatives + r")(ste|de)?\b") if values else None
    return Lexicon(
        entries=entries,
        qualifiers=qualifiers,
        ages=tuple(re.compile(pattern) for pattern in data.ages),
        negation=data.negation,
        questions=data.questions,
        others=data.others,
        resolution=resolution,
        keywords=tuple(dict.fromkeys(keywords)),
        literal_index={start: tuple(sorted(literals)) for start, literals in index.items()},
        number_words=numbers,
        number_values=values,
    )


if __name__ == "__main__":
    print(tier_table_markdown())
