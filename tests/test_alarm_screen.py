"""The screen of the safety net: an entry is skipped only when none of its patterns can match.

``assess()`` runs on every message, so each pattern carries the literal strings one of which every match must
contain (read from the regular expression by ``required_literals``). These tests check that reading on small
patterns, and that on every sentence of the safety-net tables no pattern that matches lacks its literal (a
screen that skipped a matching pattern would silently lose an alarm sign).
"""

import pytest

from assistant.alarm_signs import _parts, assess, load_lexicon, normalise, required_literals
from tests.test_safety_net import CASES, CASES_ROUND2, CASES_ROUND4, CASES_ROUND6


@pytest.mark.parametrize(
    "pattern, literals",
    [
        (r"\bplas\b", {"plas"}),
        (r"\b(plas|urine) (\w+ ){0,4}niet", {"plas ", "urine "}),
        (r"\b\w*(been|benen) (\w+ ){0,2}slap", {"been ", "benen "}),
        (r"(?<!per )\b\w*ongeluk", {"ongeluk"}),
        (r"\b(3[89]|4[0-2]) graden", {"38 graden", "39 graden", "40 graden", "41 graden", "42 graden"}),
        (r"^(\w+ ){0,2}dag en nacht$", {"dag en nacht"}),
        (r"\bmijn (linker|rechter)?been", {"mijn been", "mijn linkerbeen", "mijn rechterbeen"}),
        (r"\bzo( n)? pijn\b", {"zo pijn", "zo n pijn"}),
        (r"\b(wil|wou) (\w+ )?dood", {"dood"}),
        (r"\b(a|bb) (\w+ )+c", {"a ", "bb "}),
        (r"\b\w+\b", None),  # nothing sure: the pattern always runs
        (r"(ab)*", None),
        (r"\b(x|\w+)y", {"y"}),
    ],
)
def test_the_literals_every_match_must_contain(pattern, literals):
    found = required_literals(pattern)
    assert (None if found is None else set(found)) == literals


def _texts():
    for text, *_ in CASES + CASES_ROUND2 + CASES_ROUND4 + CASES_ROUND6:
        yield text
    yield "Ik heb al een tijdje last van mijn rug. " * 20 + "Sinds vanochtend kan ik mijn plas niet ophouden."


def test_no_pattern_matches_a_table_sentence_without_one_of_its_literals():
    lexicon = load_lexicon()
    wordings = [entry.wording for entry in lexicon.entries]
    wordings += [qualifier.wording for qualifier in lexicon.qualifiers.values()]
    checked = 0
    for text in _texts():
        clauses = [part.text for part in _parts(text, lexicon=lexicon)] + [lexicon.with_digits(normalise(text))]
        for wording in wordings:
            for pattern, literals in zip(wording.patterns, wording.literals):
                for clause in clauses:
                    if pattern.search(clause):
                        checked += 1
                        assert literals is None or any(literal in clause for literal in literals), (
                            f"{pattern.pattern!r} matched {clause!r} without any of {sorted(literals)[:5]}"
                        )
    assert checked > 500  # the tables really exercise the patterns


def test_every_keyword_is_indexed_for_the_screen():
    lexicon = load_lexicon()
    for entry in lexicon.entries:
        assert set(entry.wording.keywords) <= set(lexicon.keywords)
        assert len(entry.wording.literals) == len(entry.wording.patterns)


def test_a_typo_of_a_keyword_passes_the_screen():
    assert assess("ik heb koorst en rugpijn").tier == "today"
    assert assess("ik ben incontinnent").tier == "emergency"
