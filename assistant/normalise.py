"""Text normalisation for the classifiers, and the Dutch glossary of the field (``glossary.yml``).

Pure functions, no Rasa import: the Rasa side is ``assistant.components_normalise.TextNormaliser``.
:func:`normalise_text` makes what should not matter to a classifier irrelevant, and maps the glossary's
variants to their canonical terms:

- accents ("oké" -> "oke", "patiënt" -> "patient"), after NFKC ("ĳ" -> "ij", "…" -> "...");
- shouting: a text written mostly in capitals is lowercased, and so is a capitalised word of 4+ letters in
  an ordinary text ("Ik heb HEEL VEEL pijn"); names ("Christian") and short acronyms keep their case;
- stretched letters: a run of 3 or more of one letter becomes 2 for a, e, o, u (which Dutch doubles: "neeee" ->
  "nee", "heeeel" -> "heel") and 1 for any other letter ("pijnnnn" -> "pijn"); a run is counted before the
  accents go, so "ideeën" stays a word;
- repeated punctuation ("!!!" -> "!", "?!?" -> "?", "....." -> "...") and spacing;
- glossary variants, single and multi-word, whole words only and longest match first: "het schoot in mijn
  rug" -> "spit", "kiné" -> "fysiotherapeut", "HNP" -> "hernia"; words that merely contain a variant
  ("kinematica") and numbers ("38,5") are left alone. The words of a multi-word variant may be separated
  by spaces or hyphens ("rug-pijn" = "rug pijn").

A text that starts with ``/`` is a button payload or command and is returned unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common.data_files import Problem, Schema, checked, identifier, load_data_file, non_empty_list, optional_text, text

GLOSSARY_PATH = Path(__file__).parent / "glossary.yml"

MODE_REPLACE = "replace"  # the classifiers read the normalised text
MODE_APPEND = "append"  # the classifiers read the text as it came, plus the canonical terms found in it
MODES = (MODE_REPLACE, MODE_APPEND)

# A word: letters and digits, with apostrophes inside ("m'n", "hernia's"). Hyphens separate words.
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# What may stand between the words of a multi-word variant.
_WORD_GAP = re.compile(r"[\s\-]+")
# How a glossary entry may be written: lowercase words separated by single spaces or hyphens.
_ENTRY = re.compile(r"^[^\W_]+(?:['\-][^\W_]+)*(?: [^\W_]+(?:['\-][^\W_]+)*)*$")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "`": "'"})
_LETTER_RUN = re.compile(r"([^\W\d_])\1{2,}", re.IGNORECASE)
_DOUBLING_VOWELS = frozenset("aeou")
_SHOUTED_WORD = re.compile(r"\b[^\W\d_]{4,}\b")
_QUESTION_EXCLAMATION = re.compile(r"[!?]{2,}")
_DOTS = re.compile(r"\.{4,}")
_SAME_PUNCTUATION = re.compile(r"([,;:*~=+#^\-])\1+")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([,.!?;:])")
_WHITESPACE = re.compile(r"\s+")
# The blocks of combining marks (accents, diaeresis, ...) that NFD splits off the letters.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_SHOUT_SHARE = 0.7  # a text whose letters are at least this share capitals is shouted
_SHOUT_MIN_LETTERS = 2


# --------------------------------------------------------------------------- #
# The schema of glossary.yml


def _entry_text(value: Any) -> str:
    value = text(value)
    if value != value.lower() or not _ENTRY.match(value):
        raise ValueError(
            f"{value!r} must be lowercase words of letters and digits, separated by single spaces or hyphens "
            "(apostrophes inside a word are allowed)"
        )
    return value


def _optional_identifier(value: Any) -> str | None:
    return None if value is None else identifier(value)


class GlossaryEntry(Schema):
    """One term of the field: its canonical form, the ways people write it, and where it comes from."""

    term: str
    variants: tuple[str, ...]
    topic: str | None = None
    source: str
    note: str | None = None

    _variants = checked("variants", check=non_empty_list)
    _words = checked("term", check=_entry_text)
    _variant_words = checked("variants", check=_entry_text, each_item=True)
    _topic = checked("topic", check=_optional_identifier)
    _source = checked("source", check=text)
    _note = checked("note", check=optional_text)


class GlossaryFile(Schema):
    """``glossary.yml``: the terms, each with its variants."""

    terms: tuple[GlossaryEntry, ...]

    _terms = checked("terms", check=non_empty_list)

    def cross_checks(self) -> Iterable[Problem]:
        terms: dict[tuple[str, ...], int] = {}
        for index, entry in enumerate(self.terms):
            key = match_key(entry.term)
            if match_key(normalise_characters(entry.term)) != key:
                yield f"terms[{index}].term", f"{entry.term!r} is changed by the normaliser itself"
            if key in terms:
                yield f"terms[{index}].term", f"{entry.term!r} is already the term of terms[{terms[key]}]"
            terms.setdefault(key, index)
        variants: dict[tuple[str, ...], tuple[int, int]] = {}
        for index, entry in enumerate(self.terms):
            for position, variant in enumerate(entry.variants):
                where = f"terms[{index}].variants[{position}]"
                key = match_key(variant)
                normalised = match_key(normalise_characters(variant))
                if normalised != key:
                    yield (
                        where,
                        (
                            f"{variant!r} can never match: the normaliser makes it {' '.join(normalised)!r} "
                            f"(entry {entry.term!r})"
                        ),
                    )
                elif key == match_key(entry.term):
                    yield where, f"{variant!r} is the entry's own term (entry {entry.term!r})"
                elif key in terms:
                    other = self.terms[terms[key]].term
                    yield where, f"{variant!r} is the term of another entry, terms[{terms[key]}] {other!r}"
                elif key in variants:
                    first, first_position = variants[key]
                    other = self.terms[first].term
                    yield (
                        where,
                        (
                            f"{variant!r} is already a variant of terms[{first}] {other!r} "
                            f"(variants[{first_position}]), entry {entry.term!r}"
                        ),
                    )
                else:
                    variants[key] = (index, position)


# --------------------------------------------------------------------------- #
# The glossary as the normaliser uses it


@dataclass(frozen=True)
class Glossary:
    """Word sequences (lowercase, no accents) -> canonical term, and the longest sequence's length.

    The terms map to themselves, so that a term in a text is consumed whole and not rewritten by a shorter
    variant inside it ("uitstralende pijn" stays, "uitstralende" alone becomes "uitstralende pijn").
    """

    canonical: dict[tuple[str, ...], str]
    longest: int
    # The first word of every sequence -> the longest sequence starting with it (most words start none).
    starts: dict[str, int]
    # The terms themselves (a match of one of them is not a variant).
    terms: frozenset[tuple[str, ...]]

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> Glossary:
        """A glossary from ``(variant, term)`` pairs."""
        canonical: dict[tuple[str, ...], str] = {}
        terms: set[tuple[str, ...]] = set()
        for variant, term in pairs:
            folded = fold_accents(term)
            canonical[match_key(variant)] = folded
            terms.add(match_key(term))
            canonical.setdefault(match_key(term), folded)
        starts: dict[str, int] = {}
        for key in canonical:
            starts[key[0]] = max(starts.get(key[0], 0), len(key))
        return cls(canonical, max(starts.values(), default=0), starts, frozenset(terms))

    @classmethod
    def from_entries(cls, entries: Iterable[GlossaryEntry]) -> Glossary:
        return cls.of((variant, entry.term) for entry in entries for variant in entry.variants)


def load_glossary(path: Path = GLOSSARY_PATH) -> Glossary:
    """The validated glossary, its lookup table built once per loaded file.

    Raises:
        common.data_files.DataFileError: The file is missing or broken; the message names the file and field.
    """
    data = load_data_file(path, GlossaryFile)
    cached = _GLOSSARIES.get(Path(path))
    if cached is None or cached[0] is not data:
        cached = (data, Glossary.from_entries(data.terms))
        _GLOSSARIES[Path(path)] = cached
    return cached[1]


_GLOSSARIES: dict[Path, tuple[GlossaryFile, Glossary]] = {}


def match_key(words: str) -> tuple[str, ...]:
    """The words of ``words`` as the glossary matches them: lowercase, without accents."""
    return tuple(_WORD.findall(fold_accents(words.translate(_QUOTES)).lower()))


# --------------------------------------------------------------------------- #
# Normalisation


def fold_accents(value: str) -> str:
    """Remove accents and other combining marks ("oké" -> "oke", "ideeën" -> "ideeen")."""
    if value.isascii():
        return value
    return unicodedata.normalize("NFC", _COMBINING.sub("", unicodedata.normalize("NFD", value)))


def _shorten_run(match: re.Match[str]) -> str:
    letter = match.group(1)
    return letter * 2 if fold_accents(letter).lower() in _DOUBLING_VOWELS else letter


def _unshout(value: str) -> str:
    capitals = sum(map(str.isupper, value))
    if capitals < _SHOUT_MIN_LETTERS:
        return value
    if capitals >= _SHOUT_SHARE * sum(map(str.isalpha, value)):
        return value.lower()
    return _SHOUTED_WORD.sub(lambda m: m.group(0).lower() if m.group(0).isupper() else m.group(0), value)


def _punctuation(match: re.Match[str]) -> str:
    return "?" if "?" in match.group(0) else "!"


def normalise_characters(value: str) -> str:
    """Accents, shouting, stretched letters, repeated punctuation and spacing; the words stay the words."""
    value = unicodedata.normalize("NFKC", value or "").translate(_QUOTES)
    value = _LETTER_RUN.sub(_shorten_run, value)
    value = _unshout(fold_accents(value))
    value = _QUESTION_EXCLAMATION.sub(_punctuation, value)
    value = _DOTS.sub("...", value)
    value = _SAME_PUNCTUATION.sub(r"\1", value)
    value = _WHITESPACE.sub(" ", value).strip()
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", value)


def glossary_matches(value: str, glossary: Glossary) -> list[tuple[int, int, str]]:
    """Where glossary variants stand in ``value`` (already character-normalised): (start, end, term) spans.

    Whole words only, scanned left to right, the longest match first at each word. A term found as itself is
    a match too (it is consumed whole, so no variant inside it is rewritten).
    """
    return [(start, end, term) for start, end, term, _ in _matches(value, glossary)]


def _matches(value: str, glossary: Glossary) -> list[tuple[int, int, str, bool]]:
    """The spans of :func:`glossary_matches`, each with whether it is a variant (not the term itself)."""
    words = list(_WORD.finditer(value))
    lowered = [word.group(0).lower() for word in words]
    matches: list[tuple[int, int, str, bool]] = []
    index = 0
    while index < len(words):
        longest = glossary.starts.get(lowered[index], 0)
        for length in range(min(longest, len(words) - index), 0, -1):
            last = index + length - 1
            key = tuple(lowered[index : last + 1])
            term = glossary.canonical.get(key)
            if term is None or not _joined_by_gaps(value, words, index, last):
                continue
            matches.append((words[index].start(), words[last].end(), term, key not in glossary.terms))
            index = last + 1
            break
        else:
            index += 1
    return matches


def _joined_by_gaps(value: str, words: list[re.Match[str]], first: int, last: int) -> bool:
    return all(_WORD_GAP.fullmatch(value, words[i].end(), words[i + 1].start()) for i in range(first, last))


def normalise_text(value: str, glossary: Glossary) -> str:
    """The text as the classifiers should read it (mode ``replace``): see the module docstring."""
    if (value or "").lstrip().startswith("/"):
        return value
    cleaned = normalise_characters(value)
    pieces: list[str] = []
    position = 0
    for start, end, term, _ in _matches(cleaned, glossary):
        pieces.append(cleaned[position:start])
        pieces.append(term)
        position = end
    pieces.append(cleaned[position:])
    return "".join(pieces)


def canonical_terms(value: str, glossary: Glossary) -> list[str]:
    """The canonical terms of the glossary variants in ``value``, each once, in order of appearance."""
    if (value or "").lstrip().startswith("/"):
        return []
    terms = [term for _, _, term, variant in _matches(normalise_characters(value), glossary) if variant]
    return list(dict.fromkeys(terms))


def append_terms(value: str, glossary: Glossary) -> str:
    """The text as it came, followed by the canonical terms found in it (mode ``append``)."""
    terms = canonical_terms(value, glossary)
    return f"{value} {' '.join(terms)}" if terms else value


def for_classifiers(value: str, glossary: Glossary, mode: str) -> str:
    """The text the classifiers read, in ``mode`` (``replace`` or ``append``)."""
    if mode == MODE_REPLACE:
        return normalise_text(value, glossary)
    if mode == MODE_APPEND:
        return append_terms(value, glossary)
    raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
