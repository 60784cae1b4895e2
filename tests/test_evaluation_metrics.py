"""The evaluation core's measures, floors and test-set loading, on small tables of labels and predictions.

The sentences are this file's own: the blind sets (tests/clinical, tests/field) are measured, never copied.
"""

from __future__ import annotations

import random

import pytest

from evaluation.floors import Floor, Floors, check, load_floors, suggested_floors, today_floor
from evaluation.metrics import macro_f1, measure, per_label_recall
from evaluation.predict import Alarm, Prediction, prediction_from_parse
from evaluation.report import floor_lines
from evaluation.sets import (
    SIGNS,
    ClinicalBank,
    ClinicalItem,
    EvaluationDataError,
    FieldItem,
    FieldSet,
    load_any_set,
    load_clinical_bank,
    load_field_set,
    load_test_set,
    set_format,
)
from evaluation.topics import field_measures, topic_of
from evaluation.triage import (
    ASK_TIERS,
    TriageAnswer,
    clinical_measures,
    describe_answer,
    expected_answer,
    item_right,
    triage_answer,
)


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
        "floors.yml: set tests/heldout: intent_accuracy = 0.600, must be at least 0.950 (intent accuracy (fallback "
        "undone, as `rasa test nlu`))"
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


def test_the_repository_has_one_floors_file_per_set_held_out_every_clinical_bank_and_field():
    from evaluation.floors import FLOOR_FILES

    sets = {load_floors(path).set: {f.measure for f in load_floors(path).floors} for path in FLOOR_FILES}
    assert set(sets) == {
        "tests/heldout",
        "tests/clinical",
        "tests/clinical_r2",
        "tests/clinical_r3",
        "tests/clinical_r4",
        "tests/clinical_r5",
        "tests/field",
    }
    for bank in set(sets) - {"tests/heldout", "tests/field"}:
        assert {"red_flag_recall", "exact_tier", "crisis_recall", "false_alarm_rate"} <= sets[bank]
    assert {"answered_correctly", "fallback_rate", "confidently_wrong_rate"} <= sets["tests/field"]


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


# --------------------------------------------------------------------------- #
# The clinical bank (evaluation.triage): every sentence below is this test's own, not from tests/clinical.


def alarm(
    intent: str, tier: str | None = None, ask: str | None = None, crisis: bool = False, signs: tuple[str, ...] = ()
) -> Prediction:
    """A prediction of a model whose safety net emits the `alarm` key."""
    return Prediction(intent, intent, None, 0.9, Alarm(tier, signs, ask, crisis))


def item(expect: str, sign: str, tier: str | None = None, context: str = "plain") -> ClinicalItem:
    return ClinicalItem("(een zin)", expect, sign, tier, context, "bank.yml")


# item, the answer, right tier?, what it shows
CLINICAL_TABLE = [
    (item("red_flag", "cauda_equina", "now"), alarm("red_flag_emergency", "emergency"), "emergency: exact"),
    (item("red_flag", "fever", "today"), alarm("red_flag_emergency", "emergency"), "caught, too urgent"),
    (item("red_flag", "night_pain", "days", "flemish"), alarm("faq"), "missed"),
    (item("red_flag", "trauma", "ask"), alarm("red_flag_today", ask="trauma"), "ask: the question about its sign"),
    (item("red_flag", "cancer", "ask"), alarm("red_flag_today", "today"), "ask: its more urgent tier"),
    (item("red_flag", "weight_loss", "ask", "typos"), alarm("red_flag_soon", ask="cancer"), "ask: another sign"),
    (item("red_flag", "trauma", "today"), alarm("red_flag_today", ask="trauma"), "asked where the tier was set"),
    (item("crisis", "crisis"), alarm("crisis", crisis=True), "crisis caught"),
    (item("crisis+red_flag", "cauda_equina", "now"), alarm("crisis", crisis=True), "crisis, medical tier lost"),
    (item("crisis+red_flag", "fever", "today"), alarm("red_flag_today", "today", crisis=True), "both answers"),
    (item("none", "fever"), alarm("faq"), "near miss, no alarm"),
    (item("none", "trauma", context="negation"), alarm("red_flag_today", ask="trauma"), "near miss, asked: false"),
    (item("none", "crisis"), alarm("crisis", crisis=True), "near miss, crisis: false alarm"),
]
ITEMS = [row[0] for row in CLINICAL_TABLE]
ANSWERS = [row[1] for row in CLINICAL_TABLE]


@pytest.mark.parametrize(
    "name, expected",
    [
        ("n", 13),
        ("n_alarm", 10),
        # every alarm item but the missed night pain got some safety answer (the question included)
        ("red_flag_recall", 9 / 10),
        ("missed", 1),
        # tier items: rows 1-7, 9, 10; exact: 1, 4, 5 and 10 (row 9 lost its medical tier)
        ("n_tier", 9),
        ("exact_tier", 4 / 9),
        # less urgent than due: the miss (3), the lost tier of row 9; a question is never under-triage
        ("under_triage_rate", 2 / 9),
        # crisis items: rows 8, 9, 10; row 9 lacks the medical answer next to the crisis answer
        ("n_crisis", 3),
        ("crisis_recall", 2 / 3),
        ("n_none", 3),
        ("false_alarm_rate", 2 / 3),
        ("false_alarms", 2),
    ],
)
def test_clinical_measures_on_a_table(name, expected):
    assert clinical_measures(ITEMS, ANSWERS)[name] == pytest.approx(expected)


def test_clinical_measures_per_sign_tier_and_context():
    results = clinical_measures(ITEMS, ANSWERS)
    assert list(results["per_tier"]) == ["now", "today", "days", "ask", "none"]
    assert results["per_tier"]["ask"]["exact_tier"] == pytest.approx(2 / 3)
    assert results["per_tier"]["days"]["red_flag_recall"] == 0.0
    # per tier, crisis-only items and near misses form the group `none`
    assert results["per_tier"]["none"]["n"] == 4 and results["per_tier"]["none"]["crisis_recall"] == 1.0
    trauma = results["per_sign"]["trauma"]
    assert (trauma["n_alarm"], trauma["exact_tier"], trauma["n_none"], trauma["false_alarm_rate"]) == (2, 0.5, 1, 1.0)
    assert results["per_sign"]["fever"]["false_alarm_rate"] == 0.0
    assert results["per_context"]["flemish"]["red_flag_recall"] == 0.0
    assert list(results["per_context"])[0] == "plain"


@pytest.mark.parametrize(
    "prediction, expected",
    [
        # a model without the alarm key (today's, the TF-IDF baseline): the intent acted on, mapped to tiers
        (answer("red_flag_emergency"), TriageAnswer("emergency", None, False)),
        (answer("red_flag_soon"), TriageAnswer("soon", None, False)),
        (answer("crisis"), TriageAnswer(None, None, True)),
        (answer("faq", "faq/hernia"), TriageAnswer(None, None, False)),
        # with the alarm key: its tier, its question, its crisis flag
        (alarm("red_flag_today", "today", crisis=True), TriageAnswer("today", None, True)),
        (alarm("red_flag_today", ask="trauma"), TriageAnswer(None, "trauma", False)),
        (alarm("red_flag_emergency", "emergency", ask="cancer"), TriageAnswer("emergency", None, False)),
        # the net found nothing, the classifier's own red-flag intent still answers
        (alarm("red_flag_soon"), TriageAnswer("soon", None, False)),
        (alarm("greet"), TriageAnswer(None, None, False)),
    ],
)
def test_the_safety_answer_of_a_prediction(prediction, expected):
    assert triage_answer(prediction) == expected


def test_the_tfidf_baseline_is_measured_by_its_red_flag_intents_mapped_to_tiers():
    items = [item("red_flag", "fever", "today"), item("red_flag", "trauma", "ask"), item("none", "fever")]
    results = clinical_measures(items, [answer("red_flag_today"), answer("red_flag_today"), answer("red_flag_soon")])
    assert (results["red_flag_recall"], results["exact_tier"], results["false_alarm_rate"]) == (1.0, 1.0, 1.0)


def test_the_ask_rule_knows_the_more_urgent_tier_of_every_sign_that_asks():
    assert ASK_TIERS == {"trauma": "today", "cancer": "today", "weight_loss": "soon", "sudden_severe": "emergency"}
    assert set(ASK_TIERS) <= set(SIGNS)


def test_an_item_is_right_when_everything_it_expects_is_answered():
    assert [item_right(i, triage_answer(a)) for i, a in zip(ITEMS, ANSWERS)] == [
        True, False, False, True, True, False, False, True, False, True, True, False, False,
    ]  # fmt: skip
    assert expected_answer(ITEMS[8]) == "crisis+emergency" and expected_answer(ITEMS[3]) == "ask:trauma"
    assert describe_answer(triage_answer(ANSWERS[9])) == "crisis+today"


def test_a_parse_result_with_the_safety_nets_alarm_key():
    parse = {
        "intent": {"name": "red_flag_today", "confidence": 1.0},
        "alarm": {
            "tier": None,
            "signs": [{"sign": "trauma", "tier": "today", "nts": "U3"}],
            "ask": "trauma",
            "crisis": False,
        },
    }
    assert prediction_from_parse(parse).alarm == Alarm(None, ("trauma",), "trauma", False)
    assert prediction_from_parse({"intent": {"name": "greet"}}).alarm is None


# --------------------------------------------------------------------------- #
# The field set (evaluation.topics)


@pytest.mark.parametrize(
    "prediction, topic",
    [
        (answer("faq", "faq/bed_rest"), "bed_rest"),
        (answer("red_flag_emergency"), "red_flag"),
        (answer("red_flag_soon"), "red_flag"),
        (alarm("red_flag_today", ask="cancer"), "red_flag"),
        (answer("crisis"), "crisis"),
        (answer("nlu_fallback", "faq/bed_rest", clf="faq"), "fallback"),
        (answer("product_recommendation"), "product_recommendation"),
        (answer("not_covered"), "not_covered"),
        (answer("affirm"), "affirm"),
    ],
)
def test_the_topic_that_answered_follows_the_contract(prediction, topic):
    assert topic_of(prediction) == topic


def field(topic: str, kind: str = "plain") -> FieldItem:
    return FieldItem("(een vraag)", topic, kind, "field.yml")


FIELD_TABLE = [
    (field("hernia"), answer("faq", "faq/hernia")),
    (field("hernia", "flemish"), answer("nlu_fallback", "faq/hernia", clf="faq")),
    (field("bed_rest", "flemish"), answer("faq", "faq/physiotherapy")),
    (field("bed_rest"), answer("not_covered")),
    (field("not_covered"), answer("not_covered")),
    (field("greet", "caps"), answer("greet")),
    (field("out_of_scope"), answer("red_flag_today")),
    (field("red_flag"), answer("red_flag_emergency")),
]


@pytest.mark.parametrize(
    "name, expected",
    [
        ("n", 8),
        ("answered_correctly", 4 / 8),
        ("fallback_rate", 1 / 8),
        # rows 3 and 7: another topic of substance (fallback and not_covered are not confident)
        ("confidently_wrong_rate", 2 / 8),
        # not_covered on a question that is not a not_covered one: row 4 of 7
        ("not_covered_rate", 1 / 7),
        ("n_faq", 4),
        ("faq_answered_correctly", 1 / 4),
        ("faq_confidently_wrong_rate", 1 / 4),
        ("false_alarm_rate", 1 / 7),
    ],
)
def test_field_measures_on_a_table(name, expected):
    items, predictions = [row[0] for row in FIELD_TABLE], [row[1] for row in FIELD_TABLE]
    assert field_measures(items, predictions, ["hernia", "bed_rest"])[name] == pytest.approx(expected)


def test_field_measures_per_topic_and_kind_and_the_mixups():
    items, predictions = [row[0] for row in FIELD_TABLE], [row[1] for row in FIELD_TABLE]
    results = field_measures(items, predictions, ["hernia", "bed_rest"])
    assert results["per_topic"]["hernia"]["answered_correctly"] == 0.5
    assert results["per_topic"]["hernia"]["fallback_rate"] == 0.5
    assert results["per_kind"]["flemish"]["answered_correctly"] == 0.0
    assert results["per_kind"]["caps"]["answered_correctly"] == 1.0
    assert ["bed_rest", "physiotherapy", 1] in results["mixups"]


# --------------------------------------------------------------------------- #
# Loading the two item formats


def test_a_clinical_bank_and_a_field_set_load_and_are_told_apart_by_their_format(tmp_path):
    bank, field_set = tmp_path / "bank", tmp_path / "field"
    bank.mkdir()
    field_set.mkdir()
    (bank / "fever.yml").write_text(
        "items:\n- text: ik gloei en mijn rug doet zeer\n  expect: red_flag\n  sign: fever\n  tier: today\n"
        "  context: plain\n- text: wat is koorts eigenlijk\n  expect: none\n  sign: fever\n  context: plain\n"
    )
    (field_set / "faq.yml").write_text("items:\n- text: mag ik in bed blijven\n  topic: bed_rest\n  kind: plain\n")
    assert (set_format(bank), set_format(field_set)) == ("clinical", "field")
    loaded = load_any_set(bank)
    assert isinstance(loaded, ClinicalBank) and [i.tier for i in loaded.items] == ["today", None]
    assert loaded.items[0].source.endswith("fever.yml")
    field_loaded = load_any_set(field_set)
    assert isinstance(field_loaded, FieldSet) and field_loaded.items[0].topic == "bed_rest"


@pytest.mark.parametrize(
    "text, field_name",
    [
        ("items:\n- {text: x, expect: alarm, sign: fever, tier: today, context: plain}\n", "items[0].expect"),
        ("items:\n- {text: x, expect: red_flag, sign: koorts, tier: today, context: plain}\n", "items[0].sign"),
        ("items:\n- {text: x, expect: red_flag, sign: fever, tier: later, context: plain}\n", "items[0].tier"),
        ("items:\n- {text: x, expect: red_flag, sign: fever, context: plain}\n", "items[0].tier: missing"),
        ("items:\n- {text: x, expect: none, sign: fever, tier: now, context: plain}\n", "items[0].tier"),
        ("items:\n- {text: x, expect: none, sign: fever}\n", "items[0].context: missing"),
        ("items:\n- {text: '', expect: none, sign: fever, context: plain}\n", "items[0].text"),
        ("items:\n- {text: x, expect: none, sign: fever, context: plain, note: y}\n", "items[0].note: unknown field"),
    ],
)
def test_a_broken_clinical_bank_is_an_error_naming_file_and_field(tmp_path, text, field_name):
    (tmp_path / "bank.yml").write_text(text)
    with pytest.raises(EvaluationDataError) as error:
        load_clinical_bank(tmp_path)
    assert str(error.value).startswith(str(tmp_path / "bank.yml")) and field_name in str(error.value)


@pytest.mark.parametrize(
    "text, field_name",
    [
        ("items:\n- {text: x, topic: sciatica, kind: plain}\n", "items[0].topic: must be a topic id"),
        ("items:\n- {text: x, topic: hernia}\n", "items[0].kind: missing"),
        ("items: []\n", "items: must be a non-empty list"),
    ],
)
def test_a_broken_field_set_is_an_error_naming_file_and_field(tmp_path, text, field_name):
    (tmp_path / "field.yml").write_text(text)
    with pytest.raises(EvaluationDataError) as error:
        load_field_set(tmp_path)
    assert str(error.value).startswith(str(tmp_path / "field.yml")) and field_name in str(error.value)


def test_suggested_floors_sit_one_item_below_todays_value():
    results = {"n": 50, "n_alarm": 40, "red_flag_recall": 1.0, "n_none": 20, "false_alarm_rate": 0.05}
    suggested = {floor.measure: (floor.bound, floor.at_most, n) for floor, _, n in suggested_floors(results)}
    assert suggested["red_flag_recall"] == (0.975, False, 40)  # 39 of 40
    assert suggested["false_alarm_rate"] == (0.1, True, 20)  # 2 of 20
    assert today_floor(0.6558, at_most=False) == 0.655 and today_floor(0.3132, at_most=True) == 0.314


@pytest.mark.parametrize(
    ("gold", "acted", "ask", "exact"),
    [
        ("red_flag_soon", "red_flag_soon", None, True),
        ("red_flag_soon", "red_flag_today", None, False),  # over-triage without a question is not exact
        ("red_flag_soon", "red_flag_today", "cancer", True),  # past cancer, no time given: the question settles it
        ("red_flag_today", "red_flag_today", "trauma", True),
        ("red_flag_emergency", "red_flag_today", "trauma", False),  # a question never excuses under-triage
        ("crisis", "red_flag_today", "cancer", False),
    ],
)
def test_a_follow_up_question_counts_as_the_exact_tier_when_it_can_settle_it(gold, acted, ask, exact) -> None:
    from evaluation.metrics import exact_tier
    from evaluation.predict import Alarm, Prediction

    prediction = Prediction(intent=acted, intent_clf=acted, alarm=Alarm(tier=None, ask=ask))
    assert exact_tier(gold, prediction) is exact
