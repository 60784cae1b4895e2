"""How the exercise questionnaire reads a free-text answer (pure functions, no rasa_sdk).

An answer is either understood (a slot value), an interruption (a question from the article, a
person, stop, an alarm sign: never swallowed as a slot value; the form steps aside and resumes),
or not understood (asked again with an example, and after repeated failure the form offers to stop).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from actions.parsing import (
    parse_contraindications,
    parse_duration,
    parse_pain_score,
    parse_radiation,
    parse_yes_no,
)
from actions.recommender import SEVERE_PAIN
from common.safety import SAFETY_INTENTS, SCREENING_SLOT

# The question about osteoporosis, pregnancy, back surgery and a hip replacement (a list of ids of
# actions.catalogs.CONTRAINDICATIONS; [] when none applies). No topic id in the name (contract/topics.yml).
CONTRAINDICATIONS_SLOT = "contra_indicaties"

# The questionnaire's slots, in the order the form asks them (domain.yml: the form's required_slots): the
# screening question comes last, so that a yes on it ends the form at once and the safety policy asks which sign.
PARSERS: dict[str, Callable[[str | None], Any]] = {
    "klachtduur": parse_duration,
    "uitstraling": parse_radiation,
    "pijnscore": parse_pain_score,
    CONTRAINDICATIONS_SLOT: parse_contraindications,
    SCREENING_SLOT: parse_yes_no,
}

# Slot the questionnaire's actions keep besides the answers (domain.yml); the safety slot
# (yes on the screening question) is common.safety.ALARM_SLOT.
FAILURES_SLOT = "onbegrepen_antwoorden"  # answers not understood in a row
# The last pain score of the session: kept when the answers are cleared (no brace after "9/10").
SESSION_PAIN_SLOT = "pijnscore_gesprek"

# Intents that always leave the form: never read as an answer.
ALWAYS_INTERRUPT = {"stop", "goodbye", "human_handoff", *SAFETY_INTENTS}
# Intents that leave the form when the text is not an answer to the question.
QUESTION_INTENTS = {"faq", "bot_challenge", "product_recommendation"}
# A question from the article interrupts when it is confident or has a question mark; with a question
# mark and this confidence it wins even if it contains something that parses.
CONFIDENT_QUESTION = 0.9

# After this many not-understood answers in a row, offer to stop.
OFFER_STOP_AFTER = 2


@dataclass(frozen=True)
class Answer:
    """The reading of one answer: exactly one of value / interrupt / not understood."""

    value: Any = None
    interrupt: bool = False

    @property
    def understood(self) -> bool:
        return self.value is not None


def read_answer(slot: str, text: str | None, intent: str | None, confidence: float = 0.0) -> Answer:
    """Read the user's answer to the question for ``slot``."""
    if slot not in PARSERS:
        raise ValueError(f"unknown questionnaire slot {slot!r}")
    if intent in ALWAYS_INTERRUPT:
        return Answer(interrupt=True)
    if intent in QUESTION_INTENTS and confidence >= CONFIDENT_QUESTION and "?" in (text or ""):
        return Answer(interrupt=True)
    value = PARSERS[slot](text)
    if value is not None:
        if slot == "pijnscore":
            value = float(value)
        elif slot == CONTRAINDICATIONS_SLOT:
            value = list(value)  # a list slot ([] when none applies)
        return Answer(value=value)
    if intent in QUESTION_INTENTS and (confidence >= CONFIDENT_QUESTION or "?" in (text or "")):
        return Answer(interrupt=True)
    return Answer()


def slots_to_ask(slots: list[str], pain_score: float | None) -> list[str]:
    """The questionnaire's slots for this conversation: no contraindication question after pain of 8 or more.

    With that much pain no exercises are given (actions/recommender.py), so asking which to leave out is
    one question too many; the screening question is still asked.
    """
    if pain_score is not None and pain_score >= SEVERE_PAIN:
        return [slot for slot in slots if slot != CONTRAINDICATIONS_SLOT]
    return list(slots)


def retry_response(slot: str, failures: int) -> str:
    """The response for a not-understood answer, given how many failed in a row (this one included)."""
    if failures >= OFFER_STOP_AFTER:
        return "utter_exercise_recommendation_offer_stop"
    return f"utter_exercise_recommendation_retry_{slot}"
