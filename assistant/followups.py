"""What a question is about, across turns: the subject of a follow-up question (issue 12 item 6).

Pure functions over ``followups.yml``; no Rasa import. ``assistant.followup_policy.FollowUpPolicy`` keeps the
result in the slot ``last_topic``, and the aspect answers in ``data/responses/faq.yml`` have variations for a
subject where the article says something specific about it (``condition`` on ``last_topic``).

A turn's subject, in this order:

1. the topic that answers the turn, when it is a subject ("wat is een hernia?", "en bij artrose?");
2. a subject the question names ("hoe lang duurt een hernia?" is answered by recovery_time, about a hernia);
3. none, when the question names back pain in general and no subject ("hoe lang duurt rugpijn meestal?");
4. else the subject before: the question leans on what was said ("en hoe lang duurt dat dan?",
   "wat kan ik er zelf aan doen?", "is dat gevaarlijk?").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from common.data_files import Problem, Schema, checked, load_data_file, non_empty_list

FOLLOWUPS_PATH = Path(__file__).parent / "followups.yml"
# A term shorter than this matches only the whole word ("spit", not "spitsuur"); a longer one also the
# start of a word ("hernia" in "hernia's", "artrose" in "artrosepijn").
PREFIX_FROM = 5
_WORD = re.compile(r"[a-z0-9]+")


def normalise(text: str) -> str:
    """Lowercase, accents off (é -> e)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words_of(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(normalise(text)))


def _term(value: object) -> str:
    if not isinstance(value, str) or not value or " ".join(words_of(value)) != value:
        raise ValueError(f"{value!r} must be lowercase words without accents, separated by single spaces")
    return value


class FollowUpsFile(Schema):
    """The schema of ``followups.yml``."""

    subjects: dict[str, tuple[str, ...]]
    general: tuple[str, ...]

    _lists = checked("general", check=non_empty_list)
    _general = checked("general", check=_term, each_item=True)

    def cross_checks(self) -> Iterable[Problem]:
        seen: dict[str, str] = {}
        for subject, terms in self.subjects.items():
            if not terms:
                yield f"subjects.{subject}", "must list at least one term"
            for index, term in enumerate(terms):
                try:
                    _term(term)
                except ValueError as error:
                    yield f"subjects.{subject}[{index}]", str(error)
                if term in seen:
                    yield f"subjects.{subject}[{index}]", f"{term!r} already names {seen[term]}"
                seen.setdefault(term, subject)


@dataclass(frozen=True)
class FollowUps:
    subjects: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]  # subject, its terms as word tuples
    general: tuple[tuple[str, ...], ...]

    @property
    def subject_ids(self) -> tuple[str, ...]:
        return tuple(subject for subject, _ in self.subjects)


@cache
def load_followups(path: Path = FOLLOWUPS_PATH) -> FollowUps:
    """Load the subjects once.

    Raises:
        DataFileError: The file is missing or invalid (the message names the file and the field).
    """
    data = load_data_file(path, FollowUpsFile)
    subjects = tuple(
        (subject, tuple(tuple(term.split()) for term in terms)) for subject, terms in data.subjects.items()
    )
    return FollowUps(subjects, tuple(tuple(term.split()) for term in data.general))


def _matches(term: tuple[str, ...], words: tuple[str, ...], *, prefix: bool) -> bool:
    for start in range(len(words) - len(term) + 1):
        window = words[start : start + len(term)]
        if window[:-1] != term[:-1]:
            continue
        last, word = term[-1], window[-1]
        if word == last or (prefix and len(last) >= PREFIX_FROM and word.startswith(last)):
            return True
    return False


def named_subject(text: str, followups: FollowUps | None = None) -> str | None:
    """The first subject (in file order) that ``text`` names, or None."""
    followups = followups or load_followups()
    words = words_of(text)
    for subject, terms in followups.subjects:
        if any(_matches(term, words, prefix=True) for term in terms):
            return subject
    return None


def names_back_pain_in_general(text: str, followups: FollowUps | None = None) -> bool:
    followups = followups or load_followups()
    words = words_of(text)
    return any(_matches(term, words, prefix=False) for term in followups.general)


def subject_of_turn(
    text: str, answered_topic: str | None, previous: str | None, followups: FollowUps | None = None
) -> str | None:
    """The subject of a question answered by ``answered_topic`` (a FAQ topic id), given the one before.

    Examples:
        >>> subject_of_turn("wat is een hernia?", "hernia", None)
        'hernia'
        >>> subject_of_turn("en hoe lang duurt dat dan?", "recovery_time", "hernia")
        'hernia'
        >>> subject_of_turn("hoe lang duurt rugpijn meestal?", "recovery_time", "hernia") is None
        True
    """
    followups = followups or load_followups()
    if answered_topic in followups.subject_ids:
        return answered_topic
    named = named_subject(text, followups)
    if named is not None:
        return named
    if names_back_pain_in_general(text, followups):
        return None
    return previous if previous in followups.subject_ids else None
