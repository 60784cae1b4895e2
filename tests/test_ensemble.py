"""The intent-classifier ensemble combines rankings instead of letting the last classifier win (issue 12)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from assistant.ensemble import IntentRankingEnsemble, IntentRankingSnapshot, combine_rankings


def _ranking(**confidences: float) -> list[dict]:
    return [{"name": k, "confidence": v} for k, v in sorted(confidences.items(), key=lambda kv: -kv[1])]


@pytest.mark.parametrize(
    ("rankings", "weights", "top", "top_confidence"),
    [
        ([_ranking(a=0.9, b=0.1), _ranking(a=0.2, b=0.8)], [0.5, 0.5], "a", 0.55),
        ([_ranking(a=0.9, b=0.1), _ranking(a=0.2, b=0.8)], [0.2, 0.8], "b", 0.66),
        ([_ranking(a=0.6, b=0.4), _ranking(c=1.0)], [0.5, 0.5], "c", 0.5),  # unranked intents count 0
        ([_ranking(a=0.7), _ranking(a=0.7), _ranking(b=1.0)], [1, 1, 1], "a", 0.4667),
    ],
)
def test_the_weighted_mean_decides(rankings, weights, top, top_confidence) -> None:
    combined = combine_rankings(rankings, weights)
    assert combined[0]["name"] == top
    assert combined[0]["confidence"] == pytest.approx(top_confidence, abs=1e-4)
    assert [c["confidence"] for c in combined] == sorted((c["confidence"] for c in combined), reverse=True)


def test_a_pipeline_of_snapshot_then_ensemble_uses_both_classifiers() -> None:
    message = Message(
        data={"text": "x", "intent": {"name": "a", "confidence": 0.9}, "intent_ranking": _ranking(a=0.9, b=0.1)}
    )
    IntentRankingSnapshot({}).process([message])
    # the second classifier overwrites intent and ranking, as Rasa's classifiers do
    message.set("intent", {"name": "b", "confidence": 0.6}, add_to_output=True)
    message.set("intent_ranking", _ranking(b=0.6, a=0.4), add_to_output=True)
    IntentRankingEnsemble({"weights": [0.5, 0.5]}).process([message])
    assert message.get("intent")["name"] == "a"
    assert message.get("intent")["confidence"] == pytest.approx(0.65)
    assert "intent_ranking_snapshots" not in message.as_dict(only_output_properties=True)


@pytest.mark.parametrize("weights", [None, [1.0], [0.5, -0.5], [0, 0], "0.5,0.5"])
def test_bad_weights_are_refused_naming_the_setting(weights) -> None:
    with pytest.raises(ValueError, match="IntentRankingEnsemble.weights"):
        IntentRankingEnsemble({"weights": weights})


def test_weights_that_do_not_match_the_classifiers_fail_loudly() -> None:
    message = Message(data={"text": "x", "intent_ranking": _ranking(a=1.0)})
    with pytest.raises(ValueError, match="one IntentRankingSnapshot after each"):
        IntentRankingEnsemble({"weights": [0.5, 0.5]}).process([message])
