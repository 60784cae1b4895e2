"""Rules that turn the exercise form's answers into a safe recommendation.

Pure functions, no rasa_sdk. The actions fill responses from the result.

Rules, in order of precedence:

1. An alarm sign (``alarm=True``) -> ``red_flag``: no exercises, no products.
2. Pain 8/10 or more -> ``see_doctor_pain``: no exercises, contact the huisarts.
3. Otherwise ``exercises``: 3 to 4 exercises suited to the phase, taken in
   catalog order (the catalog order is the priority):

   * acuut: gentle mobility and relaxation (walking comes first in the catalog:
     "blijf in beweging");
   * subacuut: mobility plus light strength;
   * chronisch: strength and core, plus one mobility exercise;
   * radiating pain: only exercises marked ``radiating_ok`` (below the knee:
     ``below_knee_ok``), and ``advise_physio`` is set (see a fysiotherapeut or
     huisarts if it lasts more than a few weeks or gets worse);
   * contraindications (osteoporosis, pregnancy, recent back surgery, a hip
     replacement): no exercise whose ``not_with`` lists one of them; ``left_out``
     names those that left an exercise out, so the answer can say why. With
     them, fewer than 3 exercises may remain (walking always does);
   * ``offer_ebook`` only when the pain does not radiate below the knee and
     there was no recent back surgery: both were just told to ask a
     fysiotherapeut or their own practitioner which exercises fit, and a book
     of 37 exercises would undercut that.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from actions.catalogs import CONTRAINDICATIONS, PHASES, Exercise, load_exercises
from actions.parsing import RADIATION_VALUES

OUTCOME_RED_FLAG = "red_flag"
OUTCOME_SEE_DOCTOR_PAIN = "see_doctor_pain"
OUTCOME_EXERCISES = "exercises"


SEVERE_PAIN = 8  # pain >= this: no exercises, huisarts first
MAX_EXERCISES = 4
# Answers after which no e-book is offered with the exercises: who was just told to ask a professional first.
NO_EBOOK_RADIATION = ("onder_knie",)
NO_EBOOK_CONTRAINDICATIONS = ("rugoperatie",)

# The goals to fill per phase, in order; unfilled slots fall back to any other
# suitable exercise in catalog order.
PHASE_PLAN: dict[str, tuple[str, ...]] = {
    "acuut": ("mobiliteit", "mobiliteit", "mobiliteit", "ontspanning"),
    "subacuut": ("mobiliteit", "mobiliteit", "kracht", "kracht"),
    "chronisch": ("kracht", "kracht", "kracht", "mobiliteit"),
}


@dataclass(frozen=True)
class Recommendation:
    """What to tell the user after the exercise form.

    Attributes:
        outcome: ``"red_flag"``, ``"see_doctor_pain"`` or ``"exercises"``.
        exercises: 3 to 4 exercises in catalog order; empty unless the outcome is
            ``"exercises"``.
        advise_physio: Pain radiates into the leg: advise a fysiotherapeut or
            huisarts if it lasts more than a few weeks or gets worse.
        offer_ebook: Offer the e-book as the place to find more exercises.
        left_out: The contraindications that left at least one exercise out, in
            ``CONTRAINDICATIONS`` order (the answer says why for each).
    """

    outcome: str
    exercises: list[Exercise] = field(default_factory=list)
    advise_physio: bool = False
    offer_ebook: bool = False
    left_out: tuple[str, ...] = ()


def is_safe_for(exercise: Exercise, radiation: str) -> bool:
    """Whether ``exercise`` suits pain with this radiation (``nee``/``boven_knie``/``onder_knie``)."""
    if radiation == "onder_knie":
        return exercise.below_knee_ok
    if radiation == "boven_knie":
        return exercise.radiating_ok
    return True


def is_allowed_with(exercise: Exercise, contraindications: Sequence[str]) -> bool:
    """Whether ``exercise`` lists none of ``contraindications`` in its ``not_with``."""
    return not set(exercise.not_with) & set(contraindications)


def _check_contraindications(contraindications: Sequence[str] | None) -> tuple[str, ...]:
    """The contraindications in ``CONTRAINDICATIONS`` order; None (not asked) means none."""
    if contraindications is None:
        return ()
    if isinstance(contraindications, str) or not all(c in CONTRAINDICATIONS for c in contraindications):
        raise ValueError(f"contraindications must be a list from {CONTRAINDICATIONS}, got {contraindications!r}")
    return tuple(c for c in CONTRAINDICATIONS if c in contraindications)


def _check_score(pain_score: int | None) -> int:
    if isinstance(pain_score, bool) or not isinstance(pain_score, int) or not 0 <= pain_score <= 10:
        raise ValueError(f"pain_score must be an int from 0 to 10, got {pain_score!r}")
    return pain_score


def select_exercises(
    duration: str, radiation: str, exercises: Sequence[Exercise], contraindications: Sequence[str] = ()
) -> list[Exercise]:
    """Choose up to 4 exercises for a phase, radiation and contraindications, in catalog order.

    Args:
        duration: ``"acuut"``, ``"subacuut"`` or ``"chronisch"``.
        radiation: ``"nee"``, ``"boven_knie"`` or ``"onder_knie"``.
        exercises: The catalog (its order is the priority).
        contraindications: Ids from ``CONTRAINDICATIONS``; no exercise whose
            ``not_with`` lists one of them is chosen.

    Returns:
        Up to ``MAX_EXERCISES`` suitable exercises; the catalog validation
        guarantees at least 3 for the shipped catalog without contraindications,
        and at least 1 with any.

    Raises:
        ValueError: Unknown duration, radiation or contraindication.
    """
    if duration not in PHASES:
        raise ValueError(f"duration must be one of {PHASES}, got {duration!r}")
    if radiation not in RADIATION_VALUES:
        raise ValueError(f"radiation must be one of {RADIATION_VALUES}, got {radiation!r}")
    avoid = _check_contraindications(contraindications)
    candidates = [
        e for e in exercises if duration in e.phases and is_safe_for(e, radiation) and is_allowed_with(e, avoid)
    ]
    chosen: list[Exercise] = []
    for goal in PHASE_PLAN[duration]:
        match = next((e for e in candidates if e.goal == goal and e not in chosen), None)
        if match is not None:
            chosen.append(match)
    for exercise in candidates:  # fill slots the plan could not fill
        if len(chosen) >= MAX_EXERCISES:
            break
        if exercise not in chosen:
            chosen.append(exercise)
    order = {exercise.id: index for index, exercise in enumerate(exercises)}
    return sorted(chosen[:MAX_EXERCISES], key=lambda e: order[e.id])


def recommend(
    duration: str | None,
    radiation: str | None,
    pain_score: int | None,
    alarm: bool,
    exercises: Sequence[Exercise] | None = None,
    contraindications: Sequence[str] | None = None,
) -> Recommendation:
    """Apply the recommendation rules to the form's answers.

    Args:
        duration: ``"acuut"``, ``"subacuut"`` or ``"chronisch"`` (may be None
            when ``alarm`` is True).
        radiation: ``"nee"``, ``"boven_knie"`` or ``"onder_knie"`` (may be None
            when ``alarm`` is True or the pain is 8 or more).
        pain_score: 0 to 10 (may be None when ``alarm`` is True).
        alarm: True when the user said yes to the alarm-sign question.
        exercises: The exercise catalog; defaults to the loaded catalog.
        contraindications: Ids from ``CONTRAINDICATIONS`` the user named; empty
            or None when none applies (or the question was not asked).

    Returns:
        The :class:`Recommendation`.

    Raises:
        ValueError: A value needed for the decision is missing or unknown.
    """
    if alarm:
        return Recommendation(outcome=OUTCOME_RED_FLAG)
    if _check_score(pain_score) >= SEVERE_PAIN:
        return Recommendation(outcome=OUTCOME_SEE_DOCTOR_PAIN)
    if duration is None or radiation is None:
        raise ValueError(f"duration and radiation are needed for exercises, got {duration!r} and {radiation!r}")
    avoid = _check_contraindications(contraindications)
    catalog = load_exercises() if exercises is None else exercises
    chosen = select_exercises(duration, radiation, catalog, avoid)
    suitable = [e for e in catalog if duration in e.phases and is_safe_for(e, radiation)]
    return Recommendation(
        outcome=OUTCOME_EXERCISES,
        exercises=chosen,
        advise_physio=radiation in ("boven_knie", "onder_knie"),
        offer_ebook=radiation not in NO_EBOOK_RADIATION and not set(avoid) & set(NO_EBOOK_CONTRAINDICATIONS),
        left_out=tuple(c for c in avoid if any(c in e.not_with for e in suitable)),
    )


def product_advice(pain_score: int | None, alarm: bool) -> str:
    """How to answer a product question.

    Args:
        pain_score: 0 to 10, or None when unknown (a direct product question).
        alarm: True after an alarm sign in this conversation.

    Returns:
        ``"none"`` after an alarm sign (no products at all), ``"doctor_first"``
        for pain 8/10 or more (the huisarts first, no product offered: pain alone is no alarm
        sign, so no reminder of one), else
        ``"explain"`` (explain the products honestly).
    """
    if alarm:
        return "none"
    if pain_score is not None and _check_score(pain_score) >= SEVERE_PAIN:
        return "doctor_first"
    return "explain"
