"""Which language a message is in: Dutch (or unsure), or English, German, French or Danish (issue 12 item 7).

Pure functions over the word lists of ``languages.yml``; no Rasa import. ``assistant.language_gate`` puts the
answer into the parse data, and a rule answers a foreign message with ``utter_out_of_scope_<code>``.

Short messages are the hard part ("hello", "my back hurts", "hilfe rückenschmerzen"), and so is chat that
mixes Dutch with English or French words ("sorry", "ok thanks", "merci", "allee", "ik heb pain in my back").
So the identifier counts known words rather than trusting letter statistics, which say little about
two or three words:

1. the neutral words and phrases are taken out (what Dutch and Flemish chat borrows);
2. each language scores one hit per word of its list, per word starting with one of its stems, and per word
   with one of its letters (ü, ø, ç: letters Dutch does not use);
3. the best foreign language wins when it has a hit that is not a Dutch word too, and more than twice as many
   hits as there are words that are only Dutch. Anything else is Dutch, or unsure: the message goes on as usual.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pydantic

from common.data_files import Problem, Schema, checked, load_data_file, non_empty_list

LANGUAGES_PATH = Path(__file__).parent / "languages.yml"
DUTCH = "nl"
# Only the start of a long message is read: a language shows in its first words.
MAX_WORDS = 60
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})


def normalise(text: str) -> str:
    """Lowercase, composed accents (ü is one character), straight apostrophes."""
    return unicodedata.normalize("NFC", text).translate(_APOSTROPHES).lower()


def words_of(text: str) -> list[str]:
    """The words of a text (letters, with an apostrophe inside kept: j'ai, m'n), normalised."""
    return _WORD.findall(normalise(text))


def _split_words(value: object) -> object:
    """The file writes a list as words separated by spaces (a folded block): YAML lists choke on j'ai and 'k."""
    return value.split() if isinstance(value, str) else value


def _one_word(value: object) -> str:
    if not isinstance(value, str) or not value or value != normalise(value) or words_of(value) != [value]:
        raise ValueError(f"{value!r} must be one lowercase word")
    return value


def _phrase(value: object) -> str:
    if not isinstance(value, str) or not words_of(value) or " ".join(words_of(value)) != value:
        raise ValueError(f"{value!r} must be lowercase words separated by single spaces")
    return value


def _letter(value: object) -> str:
    if not isinstance(value, str) or len(value) != 1 or not value.isalpha() or value != normalise(value):
        raise ValueError(f"{value!r} must be one lowercase letter")
    return value


class LanguageWords(Schema):
    """The words of one language; a foreign language also names the response that answers it."""

    reply: str | None = None
    words: tuple[str, ...]
    stems: tuple[str, ...] = ()
    letters: tuple[str, ...] = ()

    _split = checked("words", "stems", "letters", check=_split_words)
    _words = checked("words", check=non_empty_list)
    _word = checked("words", "stems", check=_one_word, each_item=True)
    _letter = checked("letters", check=_letter, each_item=True)

    @pydantic.validator("reply")
    def _reply_is_a_response(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"utter_out_of_scope_[a-z]{2}", value):
            raise ValueError(f"must be utter_out_of_scope_<language code> (the topic id out_of_scope), got {value!r}")
        return value


class LanguagesFile(Schema):
    """The schema of ``languages.yml``."""

    neutral: tuple[str, ...]
    languages: dict[str, LanguageWords]

    _phrases = checked("neutral", check=_phrase, each_item=True)

    def cross_checks(self) -> Iterable[Problem]:
        if DUTCH not in self.languages:
            yield "languages", f"must have the Dutch list '{DUTCH}'"
        for code, language in self.languages.items():
            if not re.fullmatch(r"[a-z]{2}", code):
                yield f"languages.{code}", "must be a two-letter language code"
            if (code == DUTCH) != (language.reply is None):
                what = "must not have a reply" if code == DUTCH else "must name its reply (utter_out_of_scope_<code>)"
                yield f"languages.{code}.reply", what
            if language.reply is not None and language.reply != f"utter_out_of_scope_{code}":
                yield f"languages.{code}.reply", f"must be utter_out_of_scope_{code}, got {language.reply!r}"
            seen: set[str] = set()
            for index, word in enumerate(language.words):
                if word in seen:
                    yield f"languages.{code}.words[{index}]", f"{word!r} is listed twice"
                seen.add(word)
            neutral = {phrase for phrase in self.neutral if " " not in phrase}
            for index, word in enumerate(language.words):
                if word in neutral:
                    yield f"languages.{code}.words[{index}]", f"{word!r} is neutral (it is never counted)"


@dataclass(frozen=True)
class Language:
    code: str
    reply: str | None
    words: frozenset[str]
    stems: tuple[str, ...]
    letters: frozenset[str]

    def hits(self, word: str) -> bool:
        """Whether ``word`` counts for this language."""
        return (
            word in self.words or any(word.startswith(stem) for stem in self.stems) or not self.letters.isdisjoint(word)
        )


@dataclass(frozen=True)
class Languages:
    dutch: Language
    foreign: tuple[Language, ...]
    neutral: tuple[tuple[str, ...], ...]  # longest first

    def replies(self) -> dict[str, str]:
        """The response of each foreign language, by its code."""
        return {language.code: language.reply for language in self.foreign if language.reply}


@cache
def load_languages(path: Path = LANGUAGES_PATH) -> Languages:
    """Load the word lists once.

    Raises:
        DataFileError: The file is missing or invalid (the message names the file and the field).
    """
    data = load_data_file(path, LanguagesFile)
    languages = [
        Language(code, entry.reply, frozenset(entry.words), entry.stems, frozenset(entry.letters))
        for code, entry in data.languages.items()
    ]
    neutral = sorted((tuple(phrase.split()) for phrase in data.neutral), key=len, reverse=True)
    dutch = next(language for language in languages if language.code == DUTCH)
    return Languages(dutch, tuple(language for language in languages if language.code != DUTCH), tuple(neutral))


def _without_neutral(words: list[str], neutral: tuple[tuple[str, ...], ...]) -> list[str]:
    kept: list[str] = []
    index = 0
    while index < len(words):
        match = next((phrase for phrase in neutral if tuple(words[index : index + len(phrase)]) == phrase), None)
        if match:
            index += len(match)
        else:
            kept.append(words[index])
            index += 1
    return kept


@dataclass(frozen=True)
class Scores:
    """What the identifier counted: the words left after the neutral ones, and the hits per language."""

    words: tuple[str, ...]
    dutch_only: int  # words that are Dutch and no foreign language's
    hits: dict[str, int]  # per foreign language
    not_dutch: dict[str, int]  # per foreign language: hits on words that are not Dutch as well


def scores(text: str, languages: Languages | None = None) -> Scores:
    """Count the hits of every language in ``text`` (see the module docstring)."""
    languages = languages or load_languages()
    words = _without_neutral(words_of(text)[:MAX_WORDS], languages.neutral)
    dutch = languages.dutch
    dutch_only = sum(dutch.hits(w) and not any(f.hits(w) for f in languages.foreign) for w in words)
    hits = {f.code: sum(f.hits(w) for w in words) for f in languages.foreign}
    not_dutch = {f.code: sum(f.hits(w) and not dutch.hits(w) for w in words) for f in languages.foreign}
    return Scores(tuple(words), dutch_only, hits, not_dutch)


def identify(text: str, languages: Languages | None = None) -> str | None:
    """The code of the foreign language ``text`` is in (en, de, fr, da), or None for Dutch, Flemish or unsure.

    Examples:
        >>> identify("my back hurts"), identify("jeg har ondt i ryggen"), identify("ok thanks")
        ('en', 'da', None)
    """
    languages = languages or load_languages()
    if text.lstrip().startswith("/"):  # a button payload or a command
        return None
    counted = scores(text, languages)
    order = {f.code: index for index, f in enumerate(languages.foreign)}
    candidates = [code for code, hits in counted.not_dutch.items() if hits > 0]
    if not candidates:
        return None
    best = max(candidates, key=lambda code: (counted.hits[code], counted.not_dutch[code], -order[code]))
    return best if counted.hits[best] > 2 * counted.dutch_only else None
