"""The evaluation core's measures, floors and test-set loading, on small tables of labels and predictions."""

from __future__ import annotations

import random

import pytest

from evaluation.floors import Floor, Floors, check, load_floors
from evaluation.metrics import macro_f1, measure, per_label_recall
from evaluation.predict import Prediction, prediction_from_parse
from evaluation.report import floor_lines
from evaluation.sets import EvaluationDataError, load_test_set


def answer(intent: str, key: str | None = None, clf: str | None = None) -> Prediction:
    """A prediction the assistant acts on (`intent`), with the classifier's intent `clf` (default: the same)."""
    return Prediction(intent=intent, intent_clf=clf or intent, key=key, confidence=0.9)


# gold label, prediction, what it shows
TABLE = [
    ("faq/hernia", answer("faq", "faq/hernia"), "FAQ right"),
    ("faq/hernia", answer("faq", "faq/surgery"), "FAQ intent right, wrong topic"),
    ("faq/surgery", answer("nlu_fallback", "faq/surgery", clf="faq"), "fallback: classifier right, not answered"),
    ("greet", answer("greet"), "small talk right"),
    ("greet", answer("goodbye"), "small talk wrong"),
    ("red_flag_today", answer("red_flag_emergency"), "red flag caught, wrong tier"),
    ("red_flag_soon", answer("red_flag_soon"), "red flag caught, exact"),
    ("crisis", answer("faq", "faq/psychosocial"), "crisis missed"),
    ("out_of_scope", answer("out_of_scope"), "out of scope right"),
    ("goodbye", answer("crisis"), "false alarm"),
]
GOLD = [gold for gold, _, _ in TABLE]
PREDICTIONS = [prediction for _, prediction, _ in TABLE]


@pytest.mark.parametrize(
    "name, expected",
    [
        ("n", 10),
        # classifier's view, the fallback undone (row 3 counts as faq): rows 5, 6, 8 and 10 are wrong
        ("intent_accuracy", 6 / 10),
        # user's view: rows 1, 4, 7, 9 answered right; the fallback (row 3) is not an answer
        ("answered_correctly", 4 / 10),
        ("fallback_rate", 1 / 10),
        # the response selector's pick on the three FAQ questions, whatever the intent: rows 1 and 3
        ("faq_selection_accuracy", 2 / 3),
        ("faq_answered_correctly", 1 / 3),
        ("red_flag_recall", 2 / 3),
        ("red_flag_exact_tier", 1 / 3),
        ("false_alarm_rate", 1 / 7),
        ("false_alarms", 1),
        ("oos_precision", 1.0),
        ("oos_recall", 1.0),
        ("n_faq", 3),
        ("n_safety", 3),
    ],
)
def test_measures_on_a_table(name, expected):
    assert measure(GOLD, PREDICTIONS)[name] == pytest.approx(expected)


def test_per_tier_recall_counts_any_safety_answer_and_the_exact_tier():
    tiers = measure(GOLD, PREDICTIONS)["red_flag_per_tier"]
    assert tiers["red_flag_today"] == {"n": 1, "caught": 1.0, "exact": 0.0}
    assert tiers["red_flag_soon"] == {"n": 1, "caught": 1.0, "exact": 1.0}
    assert tiers["crisis"] == {"n": 1, "caught": 0.0, "exact": 0.0}
    assert tiers["red_flag_emergency"] == {"n": 0, "caught": None, "exact": None}


def test_a_measure_without_messages_is_none_not_zero():
    results = measure(["greet", "thanks"], [answer("greet"), answer("thanks")])
    assert results["red_flag_recall"] is None and results["faq_selection_accuracy"] is None
    assert results["false_alarm_rate"] == 0.0 and results["answered_correctly"] == 1.0


def test_gold_and_predictions_must_pair_up():
    with pytest.raises(ValueError, match="2 gold labels but 1 predictions"):
        measure(["greet", "thanks"], [answer("greet")])


def test_per_label_recall_is_the_users_view():
    recall = per_label_recall(GOLD, PREDICTIONS)
    assert recall["faq/hernia"] == (2, 0.5)
    assert recall["faq/surgery"] == (1, 0.0)  # fell back: not answered
    assert recall["greet"] == (2, 0.5)


@pytest.mark.parametrize("seed", range(5))
def test_macro_f1_equals_scikit_learn_over_the_gold_labels(seed):
    from sklearn.metrics import f1_score

    rng = random.Random(seed)
    labels = ["faq", "greet", "stop", "crisis"]
    gold = [rng.choice(labels) for _ in range(60)]
    predicted = [g if rng.random() < 0.7 else rng.choice(labels + ["nlu_fallback"]) for g in gold]
    expected = f1_score(gold, predicted, labels=sorted(set(gold)), average="macro", zero_division=0)
    assert macro_f1(gold, predicted) == pytest.approx(expected)


def test_a_parse_result_as_the_assistant_acts_on_it():
    parse = {
        "intent": {"name": "nlu_fallback", "confidence": 0.45},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.45},
            {"name": "faq", "confidence": 0.41},
            {"name": "greet", "confidence": 0.2},
        ],
        "response_selector": {"faq": {"response": {"intent_response_key": "faq/bed_rest", "confidence": 0.3}}},
    }
    prediction = prediction_from_parse(parse)
    assert (prediction.intent, prediction.intent_clf, prediction.key) == ("nlu_fallback", "faq", "faq/bed_rest")
    assert prediction.answered == "nlu_fallback"
    assert prediction_from_parse({**parse, "intent": {"name": "faq", "confidence": 0.8}}).answered == "faq/bed_rest"


def test_a_floor_below_its_value_fails_naming_measure_value_and_floor():
    floors = Floors(
        "tests/heldout",
        (Floor("intent_accuracy", 0.95), Floor("false_alarm_rate", 0.15, at_most=True), Floor("red_flag_recall", 0.6)),
        "floors.yml",
    )
    results = measure(GOLD, PREDICTIONS)
    assert [holds for _, _, holds in check(floors, results)] == [False, True, True]
    _, failures = floor_lines(floors, results)
    assert failures == [
        "floors.yml: intent_accuracy = 0.600, must be at least 0.950 (intent accuracy (fallback undone, as "
        "`rasa test nlu`))"
    ]


def test_a_rate_above_its_ceiling_fails():
    floors = Floors("tests/heldout", (Floor("false_alarm_rate", 0.10, at_most=True),), "floors.yml")
    _, failures = floor_lines(floors, measure(["greet", "thanks"], [answer("crisis"), answer("thanks")]))
    assert failures and "false_alarm_rate = 0.500, must be at most 0.100" in failures[0]


def test_a_measure_the_set_cannot_measure_fails_its_floor():
    floors = Floors("tests/heldout", (Floor("red_flag_recall", 0.9),), "floors.yml")
    _, failures = floor_lines(floors, measure(["greet"], [answer("greet")]))
    assert failures and "not measured" in failures[0]


def test_the_repositorys_floors_file_is_valid_and_holds_for_a_perfect_model():
    floors = load_floors()
    assert floors.set == "tests/heldout" and floors.floors
    measures = {floor.measure for floor in floors.floors}
    assert {"intent_accuracy", "answered_correctly", "red_flag_recall", "false_alarm_rate"} <= measures
    perfect = measure(GOLD, [answer(*(("faq", g) if g.startswith("faq/") else (g,))) for g in GOLD])
    assert all(holds for _, _, holds in check(floors, perfect))


@pytest.mark.parametrize(
    "text, message",
    [
        ("at_least: {intent_accuracy: 0.9}\n", "floors.yml: set: missing"),
        ("set: tests/heldout\nat_least: {accuracy: 0.9}\n", "floors.yml: at_least.accuracy: unknown measure"),
        ("set: tests/heldout\nat_least: {intent_accuracy: 90}\n", "floors.yml: at_least.intent_accuracy: expected a"),
        ("set: tests/heldout\nat_most: {false_alarm_rate: yes}\n", "floors.yml: at_most.false_alarm_rate: expected"),
        ("set: tests/heldout\nminimum: {intent_accuracy: 0.9}\n", "floors.yml: minimum: unknown field"),
    ],
)
def test_a_broken_floors_file_is_an_error_naming_file_and_field(tmp_path, text, message):
    path = tmp_path / "floors.yml"
    path.write_text(text)
    with pytest.raises(EvaluationDataError, match="floors.yml") as error:
        load_floors(path)
    assert str(error.value).endswith(message) or message in str(error.value)
    assert str(error.value).startswith(str(path))


def test_a_test_set_in_the_heldout_format_loads_with_faq_topics_as_labels(tmp_path):
    (tmp_path / "field.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: faq/hernia\n  examples: |\n    - wat is een hernia\n'
        "- intent: greet\n  examples: |\n    - hoi\n"
    )
    test_set = load_test_set(tmp_path, known_labels={"faq/hernia", "greet"})
    assert test_set.gold == ["faq/hernia", "greet"] and test_set.texts == ["wat is een hernia", "hoi"]


@pytest.mark.parametrize(
    "text, message",
    [
        ('version: "3.1"\nnlu:\n- intent: faq/sciatica\n  examples: |\n    - x\n', "intent faq/sciatica: not a label"),
        ('version: "3.1"\nnlu:\n- intent: greet\n', "nlu[0]: an intent block needs `intent:` and `examples:`"),
        ('version: "3.1"\nrules: []\n', "nlu: missing"),
    ],
)
def test_a_broken_test_set_is_an_error_naming_file_and_field(tmp_path, text, message):
    (tmp_path / "field.yml").write_text(text)
    with pytest.raises(EvaluationDataError) as error:
        load_test_set(tmp_path, known_labels={"greet"})
    assert str(error.value).startswith(str(tmp_path / "field.yml")) and message in str(error.value)


def test_a_cross_validation_fold_file_reads_back_as_written(tmp_path):
    from evaluation.sets import load_examples, write_nlu_yaml

    examples = [("wat is een hernia", "faq/hernia"), ("hoi: alles goed?", "greet"), ("hallo", "greet")]
    write_nlu_yaml(examples, tmp_path / "fold.yml")
    assert [(e.text, e.label) for e in load_examples(tmp_path / "fold.yml")] == examples
