"""The pipeline variants of eval/pipeline_variants.yml are config.yml with exactly their changes (issue 12)."""

from __future__ import annotations

import pytest
import yaml

from evaluation.variants import VARIANTS_FILE, VariantError, load_variants, table, variant_config

BASE = {
    "pipeline": [
        {"name": "TextGuard"},
        {"name": "CountVectorsFeaturizer"},
        {"name": "CountVectorsFeaturizer", "analyzer": "char_wb"},
        {"name": "DIETClassifier", "epochs": 60},
        {"name": "SafetyNet"},
    ],
    "policies": [{"name": "RulePolicy"}],
}


@pytest.mark.parametrize(
    ("changes", "names", "check"),
    [
        ({}, ["TextGuard", "CountVectorsFeaturizer", "CountVectorsFeaturizer", "DIETClassifier", "SafetyNet"], None),
        ({"set": {"DIETClassifier": {"epochs": 120}}}, None, (3, "epochs", 120)),
        (
            {"replace": {"DIETClassifier": {"name": "LogisticRegressionClassifier"}}},
            [
                "TextGuard",
                "CountVectorsFeaturizer",
                "CountVectorsFeaturizer",
                "LogisticRegressionClassifier",
                "SafetyNet",
            ],
            None,
        ),
        (
            {"remove": ["CountVectorsFeaturizer#2"]},
            ["TextGuard", "CountVectorsFeaturizer", "DIETClassifier", "SafetyNet"],
            None,
        ),
        (
            {"insert_after": {"TextGuard": {"name": "Normaliser"}}},
            [
                "TextGuard",
                "Normaliser",
                "CountVectorsFeaturizer",
                "CountVectorsFeaturizer",
                "DIETClassifier",
                "SafetyNet",
            ],
            None,
        ),
    ],
)
def test_a_variant_is_the_base_with_its_changes(changes, names, check) -> None:
    config = variant_config(BASE, "v", changes)
    if names is not None:
        assert [c["name"] for c in config["pipeline"]] == names
    if check is not None:
        index, key, value = check
        assert config["pipeline"][index][key] == value
    assert "policies" not in config  # NLU-only training
    assert BASE["pipeline"][3]["epochs"] == 60 and len(BASE["pipeline"]) == 5  # the base is untouched


@pytest.mark.parametrize(
    "changes",
    [{"set": {"NoSuchComponent": {"x": 1}}}, {"remove": ["CountVectorsFeaturizer#3"]}, {"replace": {"Nope": {}}}],
)
def test_a_variant_naming_a_missing_component_is_refused_with_its_name(changes) -> None:
    with pytest.raises(VariantError, match=r"variants\.v: config.yml has no component"):
        variant_config(BASE, "v", changes)


def test_every_variant_of_the_project_applies_to_config_yml() -> None:
    variants = load_variants()
    assert "current" in variants
    assert all((v or {}).get("note") for v in yaml.safe_load(VARIANTS_FILE.read_text())["variants"].values())


def test_the_table_marks_the_best_value_of_each_column() -> None:
    measures = {
        "heldout": {"answered_correctly": 0.9, "intent_macro_f1": 0.8},
        "field": {"answered_correctly": 0.8, "fallback_rate": 0.1, "confidently_wrong_rate": 0.05},
        "clinical": {"red_flag_recall": 0.9, "exact_tier": 0.8, "false_alarm_rate": 0.1},
    }
    better = {k: dict(v) for k, v in measures.items()}
    better["field"]["fallback_rate"] = 0.05
    rows = {
        "a": {"training_s": 10.0, "parse_ms": 5.0, "measures": measures},
        "b": {"training_s": None, "parse_ms": 6.0, "measures": better},
    }
    lines = table(rows, {"a": "first", "b": "second"})
    fallback = 5  # cells: "", variant, held-out right, macro-F1, field right, field fallback
    assert lines[2].split("|")[fallback].strip() == "0.100"  # a's fallback is not the best
    assert lines[3].split("|")[fallback].strip() == "**0.050**"  # b's (lower is better) is
    assert lines[2].split("|")[1 + 1].strip() == "**0.900**"  # equal values: both bold
    assert "| – |" in lines[3]  # no training time known


def test_a_variant_that_fails_to_parse_is_a_row_saying_so() -> None:
    measures = {
        "heldout": {"answered_correctly": 0.9, "intent_macro_f1": 0.8},
        "field": {"answered_correctly": 0.8, "fallback_rate": 0.1, "confidently_wrong_rate": 0.05},
        "clinical": {"red_flag_recall": 0.9, "exact_tier": 0.8, "false_alarm_rate": 0.1},
    }
    rows = {
        "a": {"training_s": 10.0, "parse_ms": 5.0, "measures": measures},
        "b": {"training_s": 7.0, "parse_ms": None, "measures": {}, "failed": "fails while parsing: ValueError: x"},
    }
    lines = table(rows, {"a": "first", "b": "second"})
    assert "fails while parsing: ValueError: x" in lines[3]
    assert lines[3].count("|") == lines[2].count("|")  # same columns as a measured row
    assert lines[2].split("|")[2].strip() == "**0.900**"  # the failed row does not take part in "best"
