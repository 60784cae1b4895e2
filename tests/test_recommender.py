"""The recommendation rules, as tables over every rule and its edges."""

from __future__ import annotations

import itertools

import pytest

from actions.catalogs import CONTRAINDICATIONS, PHASES, Exercise, get_exercise, load_exercises
from actions.parsing import RADIATION_VALUES, parse_duration, parse_pain_score, parse_radiation
from actions.recommender import (
    OUTCOME_EXERCISES,
    OUTCOME_RED_FLAG,
    OUTCOME_SEE_DOCTOR_PAIN,
    Recommendation,
    is_allowed_with,
    is_safe_for,
    product_advice,
    recommend,
    select_exercises,
)

CATALOG = load_exercises()
ALL_CASES = list(itertools.product(PHASES, RADIATION_VALUES))


def ids(rec: Recommendation) -> list[str]:
    return [e.id for e in rec.exercises]


# --------------------------------------------------------------------------- #
# Alarm beats everything; pain >= 8 beats the exercises


@pytest.mark.parametrize("pain", [0, 5, 7, 8, 10, None])
@pytest.mark.parametrize(("duration", "radiation"), [*ALL_CASES, (None, None)])
def test_alarm_beats_everything(duration, radiation, pain):
    rec = recommend(duration, radiation, pain, True, CATALOG)
    assert rec == Recommendation(outcome=OUTCOME_RED_FLAG, exercises=[], advise_physio=False, offer_ebook=False)


@pytest.mark.parametrize(
    ("pain", "outcome"),
    [
        (0, OUTCOME_EXERCISES),
        (1, OUTCOME_EXERCISES),
        (7, OUTCOME_EXERCISES),
        (8, OUTCOME_SEE_DOCTOR_PAIN),
        (9, OUTCOME_SEE_DOCTOR_PAIN),
        (10, OUTCOME_SEE_DOCTOR_PAIN),
    ],
)
@pytest.mark.parametrize(("duration", "radiation"), ALL_CASES)
def test_pain_threshold(duration, radiation, pain, outcome):
    rec = recommend(duration, radiation, pain, False, CATALOG)
    assert rec.outcome == outcome
    if outcome == OUTCOME_SEE_DOCTOR_PAIN:
        assert rec.exercises == [] and not rec.offer_ebook and not rec.advise_physio
    else:
        assert 3 <= len(rec.exercises) <= 4
        assert rec.offer_ebook is (radiation != "onder_knie")


def test_severe_pain_needs_no_other_answers():
    assert recommend(None, None, 8, False, CATALOG).outcome == OUTCOME_SEE_DOCTOR_PAIN


# --------------------------------------------------------------------------- #
# The exercises for each phase and radiation (shipped catalog)

EXPECTED = [
    ("acuut", "nee", ["wandelen", "bekkenkanteling", "kat_koe", "kindhouding"]),
    ("acuut", "boven_knie", ["wandelen", "bekkenkanteling", "kat_koe", "kindhouding"]),
    ("acuut", "onder_knie", ["wandelen", "bekkenkanteling", "kat_koe", "buikademhaling"]),
    ("subacuut", "nee", ["wandelen", "bekkenkanteling", "bruggetje", "bird_dog"]),
    ("subacuut", "boven_knie", ["wandelen", "bekkenkanteling", "bruggetje", "bird_dog"]),
    ("subacuut", "onder_knie", ["wandelen", "bekkenkanteling", "bruggetje", "bird_dog"]),
    ("chronisch", "nee", ["wandelen", "bruggetje", "bird_dog", "dead_bug"]),
    ("chronisch", "boven_knie", ["wandelen", "bruggetje", "bird_dog", "dead_bug"]),
    ("chronisch", "onder_knie", ["wandelen", "bruggetje", "bird_dog", "dead_bug"]),
]


@pytest.mark.parametrize(("duration", "radiation", "expected"), EXPECTED)
def test_exercises_per_phase_and_radiation(duration, radiation, expected):
    rec = recommend(duration, radiation, 5, False, CATALOG)
    assert rec.outcome == OUTCOME_EXERCISES
    assert ids(rec) == expected


@pytest.mark.parametrize(("duration", "radiation"), ALL_CASES)
def test_exercise_rules_hold(duration, radiation):
    rec = recommend(duration, radiation, 7, False, CATALOG)
    chosen = rec.exercises
    goals = [e.goal for e in chosen]
    assert 3 <= len(chosen) <= 4
    assert len({e.id for e in chosen}) == len(chosen)
    assert all(duration in e.phases for e in chosen)
    assert rec.offer_ebook is (radiation != "onder_knie")
    # deterministic, catalog order
    positions = [CATALOG.index(e) for e in chosen]
    assert positions == sorted(positions)
    assert recommend(duration, radiation, 7, False, CATALOG) == rec
    assert rec.left_out == ()
    # phase rules
    if duration == "acuut":
        assert set(goals) <= {"mobiliteit", "ontspanning"}
        assert "wandelen" in ids(rec)  # blijf in beweging
    elif duration == "subacuut":
        assert "mobiliteit" in goals and "kracht" in goals
    else:
        assert goals.count("kracht") >= 2
    # radiation rules
    if radiation == "nee":
        assert rec.advise_physio is False
    else:
        assert rec.advise_physio is True
        assert all(e.radiating_ok for e in chosen)
    if radiation == "onder_knie":
        assert all(e.below_knee_ok for e in chosen)


NERVE_STRETCHES = ["hamstrings_rekken", "bilspier_rekken"]


def test_radiating_pain_never_gets_a_nerve_stretch():
    assert any(radiation != "nee" for _, radiation in ALL_CASES)
    for duration, radiation in ALL_CASES:
        if radiation != "nee":
            assert not set(NERVE_STRETCHES) & set(ids(recommend(duration, radiation, 4, False, CATALOG)))


@pytest.mark.parametrize("radiation", RADIATION_VALUES)
def test_the_hamstring_and_the_figure_4_stretch_are_treated_alike(radiation):
    # Both put the sciatic nerve under tension: what one may do with radiating pain, the other may too.
    hamstring, figure_4 = (get_exercise(e) for e in NERVE_STRETCHES)
    assert is_safe_for(hamstring, radiation) == is_safe_for(figure_4, radiation)
    assert (hamstring.radiating_ok, hamstring.below_knee_ok) == (figure_4.radiating_ok, figure_4.below_knee_ok)


# --------------------------------------------------------------------------- #
# Contraindications: excluded, said why, never an empty list

ALL_CONTRA_CASES = list(itertools.product(PHASES, RADIATION_VALUES, CONTRAINDICATIONS))


@pytest.mark.parametrize(("duration", "radiation", "contraindication"), ALL_CONTRA_CASES)
def test_a_contraindication_leaves_out_every_exercise_that_lists_it(duration, radiation, contraindication):
    rec = recommend(duration, radiation, 5, False, CATALOG, [contraindication])
    assert rec.outcome == OUTCOME_EXERCISES
    assert 1 <= len(rec.exercises) <= 4
    assert "wandelen" in ids(rec)  # walking suits everyone
    assert all(contraindication not in e.not_with for e in rec.exercises)
    assert all(duration in e.phases and is_safe_for(e, radiation) for e in rec.exercises)
    # The answer says why, when the contraindication left out an exercise that would otherwise fit.
    would_fit = [e for e in CATALOG if duration in e.phases and is_safe_for(e, radiation)]
    expected = (contraindication,) if any(contraindication in e.not_with for e in would_fit) else ()
    assert rec.left_out == expected
    assert rec.left_out or radiation == "onder_knie"  # below the knee the stretches are out already


# Which exercises remain (shipped catalog); a change here is a clinical decision, made in exercises.yml.
EXPECTED_WITH = [
    ("acuut", "nee", ["osteoporose"], ["wandelen", "bekkenkanteling", "buikademhaling"]),
    ("acuut", "nee", ["zwangerschap"], ["wandelen", "kat_koe", "kindhouding", "buikademhaling"]),
    ("acuut", "nee", ["rugoperatie"], ["wandelen", "buikademhaling"]),
    ("acuut", "nee", ["heupprothese"], ["wandelen", "bekkenkanteling", "kat_koe", "buikademhaling"]),
    ("subacuut", "nee", ["zwangerschap"], ["wandelen", "kat_koe", "kindhouding", "bird_dog"]),
    ("chronisch", "nee", ["osteoporose"], ["wandelen", "bruggetje", "bird_dog", "dead_bug"]),
    ("chronisch", "nee", ["zwangerschap"], ["wandelen", "kat_koe", "bird_dog", "zijplank_aangepast"]),
    ("chronisch", "nee", ["rugoperatie"], ["wandelen", "buikademhaling"]),
    ("chronisch", "onder_knie", ["zwangerschap", "osteoporose"], ["wandelen", "buikademhaling", "bird_dog"]),
    ("subacuut", "boven_knie", list(CONTRAINDICATIONS), ["wandelen", "buikademhaling"]),
]


@pytest.mark.parametrize(("duration", "radiation", "contraindications", "expected"), EXPECTED_WITH)
def test_exercises_with_contraindications(duration, radiation, contraindications, expected):
    rec = recommend(duration, radiation, 5, False, CATALOG, contraindications)
    assert ids(rec) == expected
    assert set(rec.left_out) <= set(contraindications)


@pytest.mark.parametrize(
    ("contraindication", "never"),
    [
        # osteoporosis or a (suspected) vertebral fracture: no loaded flexion
        ("osteoporose", ["knie_naar_borst", "kindhouding", "kat_koe", "bilspier_rekken"]),
        # pregnancy: nothing lying on the back (or belly)
        (
            "zwangerschap",
            [
                "bekkenkanteling",
                "bruggetje",
                "dead_bug",
                "knie_naar_borst",
                "hamstrings_rekken",
                "opdrukken_buikligging",
            ],
        ),
        # a hip replacement: no deep hip flexion or rotation
        ("heupprothese", ["kindhouding", "knie_naar_borst", "bilspier_rekken"]),
    ],
)
def test_what_each_contraindication_rules_out(contraindication, never):
    for exercise_id in never:
        assert contraindication in get_exercise(exercise_id).not_with, exercise_id
    for duration, radiation in ALL_CASES:
        assert not set(never) & set(ids(recommend(duration, radiation, 3, False, CATALOG, [contraindication])))


def test_after_back_surgery_only_walking_and_breathing():
    allowed = [e.id for e in CATALOG if "rugoperatie" not in e.not_with]
    assert allowed == ["wandelen", "buikademhaling"]


@pytest.mark.parametrize(
    ("not_with", "contraindications", "allowed"),
    [
        ((), (), True),
        ((), ("zwangerschap",), True),
        (("zwangerschap",), (), True),
        (("zwangerschap",), ("zwangerschap",), False),
        (("osteoporose", "heupprothese"), ("heupprothese", "rugoperatie"), False),
        (("osteoporose",), ("heupprothese", "rugoperatie"), True),
    ],
)
def test_is_allowed_with(not_with, contraindications, allowed):
    assert is_allowed_with(ex("a", "kracht", not_with=not_with), contraindications) is allowed


@pytest.mark.parametrize("contraindications", [None, [], ()])
def test_no_contraindication_is_the_plain_recommendation(contraindications):
    assert recommend("subacuut", "nee", 4, False, CATALOG, contraindications) == recommend(
        "subacuut", "nee", 4, False, CATALOG
    )


def test_a_contraindication_that_leaves_nothing_out_is_not_mentioned():
    small = [ex("m1", "mobiliteit"), ex("m2", "mobiliteit", phases=("chronisch",), not_with=("zwangerschap",))]
    assert recommend("acuut", "nee", 3, False, small, ["zwangerschap"]).left_out == ()
    assert recommend("chronisch", "nee", 3, False, small, ["zwangerschap"]).left_out == ("zwangerschap",)


# --------------------------------------------------------------------------- #
# The e-book: only after exercises, not below the knee, not after recent back surgery


@pytest.mark.parametrize(
    ("radiation", "contraindications", "pain", "ebook"),
    [
        ("nee", [], 3, True),
        ("boven_knie", [], 3, True),
        ("onder_knie", [], 3, False),  # just told to see a physiotherapist
        ("nee", ["zwangerschap"], 3, True),
        ("nee", ["osteoporose", "heupprothese"], 3, True),
        ("nee", ["rugoperatie"], 3, False),  # just told to follow the surgeon's programme
        ("boven_knie", ["rugoperatie", "zwangerschap"], 3, False),
        ("nee", [], 8, False),  # no exercises, no book
    ],
)
def test_when_the_ebook_is_offered(radiation, contraindications, pain, ebook):
    for duration in PHASES:
        assert recommend(duration, radiation, pain, False, CATALOG, contraindications).offer_ebook is ebook


def test_default_catalog_is_the_loaded_one():
    assert recommend("acuut", "nee", 2, False) == recommend("acuut", "nee", 2, False, CATALOG)


# --------------------------------------------------------------------------- #
# Rules on a small hand-made catalog


def ex(exercise_id, goal, phases=PHASES, radiating_ok=True, below_knee_ok=True, not_with=()) -> Exercise:
    return Exercise(
        id=exercise_id,
        name=exercise_id,
        goal=goal,
        phases=tuple(phases),
        radiating_ok=radiating_ok,
        below_knee_ok=below_knee_ok,
        not_with=tuple(not_with),
        steps=("stap",),
        dose="dosis",
        stop_if="Stop als",
        not_for="niemand",
    )


SMALL = [
    ex("k1", "kracht", phases=("chronisch",)),
    ex("m1", "mobiliteit"),
    ex("m2", "mobiliteit", below_knee_ok=False),
    ex("k2", "kracht", phases=("subacuut", "chronisch"), radiating_ok=False, below_knee_ok=False),
    ex("o1", "ontspanning"),
    ex("m3", "mobiliteit", radiating_ok=False, below_knee_ok=False),
    ex("k3", "kracht"),
]


@pytest.mark.parametrize(
    ("duration", "radiation", "expected"),
    [
        ("acuut", "nee", ["m1", "m2", "o1", "m3"]),
        ("acuut", "boven_knie", ["m1", "m2", "o1", "k3"]),  # k3 fills the empty mobility slot
        ("acuut", "onder_knie", ["m1", "o1", "k3"]),  # only 3 are safe below the knee
        ("subacuut", "nee", ["m1", "m2", "k2", "k3"]),
        ("subacuut", "boven_knie", ["m1", "m2", "o1", "k3"]),
        ("chronisch", "nee", ["k1", "m1", "k2", "k3"]),
        ("chronisch", "onder_knie", ["k1", "m1", "o1", "k3"]),
    ],
)
def test_selection_on_a_small_catalog(duration, radiation, expected):
    assert [e.id for e in select_exercises(duration, radiation, SMALL)] == expected


@pytest.mark.parametrize(
    ("radiation", "exercise", "safe"),
    [
        ("nee", ex("a", "kracht", radiating_ok=False, below_knee_ok=False), True),
        ("boven_knie", ex("a", "kracht", radiating_ok=False, below_knee_ok=False), False),
        ("boven_knie", ex("a", "kracht", radiating_ok=True, below_knee_ok=False), True),
        ("onder_knie", ex("a", "kracht", radiating_ok=True, below_knee_ok=False), False),
        ("onder_knie", ex("a", "kracht", radiating_ok=True, below_knee_ok=True), True),
    ],
)
def test_is_safe_for(radiation, exercise, safe):
    assert is_safe_for(exercise, radiation) is safe


# --------------------------------------------------------------------------- #
# Invalid input is a programming error, not a silent guess


@pytest.mark.parametrize(
    ("duration", "radiation", "pain"),
    [
        ("acuut", "nee", 11),
        ("acuut", "nee", -1),
        ("acuut", "nee", None),
        ("acuut", "nee", 7.5),
        ("acuut", "nee", True),
        ("lang", "nee", 5),
        (None, "nee", 5),
        ("acuut", "ja", 5),
        ("acuut", None, 5),
    ],
)
def test_invalid_input_raises(duration, radiation, pain):
    with pytest.raises(ValueError):
        recommend(duration, radiation, pain, False, CATALOG)


@pytest.mark.parametrize("contraindications", [["zwanger"], "zwangerschap", ["osteoporose", "diabetes"]])
def test_unknown_contraindications_raise(contraindications):
    with pytest.raises(ValueError, match="contraindications"):
        recommend("acuut", "nee", 3, False, CATALOG, contraindications)


# --------------------------------------------------------------------------- #
# From free text to a recommendation


@pytest.mark.parametrize(
    ("duration", "radiation", "pain", "outcome", "physio"),
    [
        ("een week of drie", "nee alleen in mijn rug", "zeven", OUTCOME_EXERCISES, False),
        ("al maanden", "ja tot in mijn kuit", "7/10", OUTCOME_EXERCISES, True),
        ("anderhalve maand", "tot in mijn bil", "een 6", OUTCOME_EXERCISES, True),
        ("sinds gisteren", "nee", "8 van de 10", OUTCOME_SEE_DOCTOR_PAIN, False),
    ],
)
def test_from_free_text(duration, radiation, pain, outcome, physio):
    rec = recommend(parse_duration(duration), parse_radiation(radiation), parse_pain_score(pain), False, CATALOG)
    assert rec.outcome == outcome
    assert rec.advise_physio is physio


# --------------------------------------------------------------------------- #
# Product advice


@pytest.mark.parametrize(
    ("pain", "alarm", "advice"),
    [
        (None, False, "explain"),  # asked directly, pain unknown
        (0, False, "explain"),
        (7, False, "explain"),
        (8, False, "doctor_first"),
        (10, False, "doctor_first"),
        (None, True, "none"),
        (0, True, "none"),
        (7, True, "none"),
        (8, True, "none"),
        (10, True, "none"),
    ],
)
def test_product_advice(pain, alarm, advice):
    assert product_advice(pain, alarm) == advice


@pytest.mark.parametrize("pain", [11, -1, "7"])
def test_product_advice_rejects_invalid_scores(pain):
    with pytest.raises(ValueError):
        product_advice(pain, False)
