"""The measures of one system on one test set: pure functions of the gold labels and the predictions.

Labels are full labels: `faq/<id>` for an FAQ question, the intent otherwise. Two views:

- the classifier's view (`intent_accuracy`, `intent_macro_f1`): the intent with the fallback undone, as
  `rasa test nlu` counts it; `faq_selection_accuracy`: the FAQ answer the response selector picked;
- the user's view (`answered_correctly`, `faq_answered_correctly`, the safety measures): what the assistant acts
  on, fallback, TopicGate and SafetyNet included. A fallback ("please rephrase") counts as not answered.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from common.safety import MEDICAL_TIERS, SAFETY_INTENTS, TIER_INTENTS
from evaluation.predict import Prediction
from evaluation.sets import FALLBACK, OUT_OF_SCOPE, intent_of

# Every measure a floor may name, with what it means (for the report and the floors' error messages).
MEASURES = {
    "intent_accuracy": "intent accuracy (fallback undone, as `rasa test nlu`)",
    "intent_macro_f1": "intent macro-F1 (fallback undone)",
    "answered_correctly": "right answer, user's view (the topic that answered; fallback = not answered)",
    "fallback_rate": 'fallback ("not understood") rate',
    "faq_selection_accuracy": "FAQ response selection accuracy",
    "faq_answered_correctly": "FAQ questions answered with the right topic (user's view)",
    "red_flag_recall": "red-flag/crisis recall (any safety answer)",
    "red_flag_exact_tier": "red-flag/crisis recall, exact tier (or the follow-up question that settles it)",
    "false_alarm_rate": "false-alarm rate (non-safety message got a safety answer)",
    "oos_precision": "out-of-scope precision",
    "oos_recall": "out-of-scope recall",
    # the clinical bank (evaluation.triage); red_flag_recall and false_alarm_rate above count there too
    "exact_tier": "alarm messages answered with exactly their tier (ask: the question or the more urgent tier)",
    "under_triage_rate": "alarm messages answered less urgently than their tier (a miss included)",
    "crisis_recall": "crisis recall (crisis answer; with an alarm sign also a medical answer)",
    # the field set (evaluation.topics); answered_correctly and fallback_rate above count there too
    "confidently_wrong_rate": "confidently wrong (another topic answered, neither fallback nor not_covered)",
    "not_covered_rate": "not_covered answered where the article does cover it (or it is off topic)",
    "faq_confidently_wrong_rate": "article questions answered with another topic (not fallback, not not_covered)",
}


def share(hits: int, total: int) -> float | None:
    """hits / total, or None when there is nothing to count (a measure that does not apply to the set)."""
    return hits / total if total else None


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float | None:
    """Unweighted mean of the per-label F1 over the gold labels.

    A label that is only ever predicted (e.g. nlu_fallback) adds no score of its own; its predictions count as misses
    of their gold labels (scikit-learn's `f1_score(average="macro", labels=<gold labels>, zero_division=0)`).
    """
    labels = sorted(set(gold))
    if not labels:
        return None
    scores = []
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, predicted))
        fp = sum(g != label and p == label for g, p in zip(gold, predicted))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


_MEDICAL_ORDER = [TIER_INTENTS[tier] for tier in MEDICAL_TIERS]  # red-flag intents, most urgent first


def exact_tier(gold: str, prediction: Prediction) -> bool:
    """The safety answer has the gold tier, or it asks the follow-up question that settles it.

    An `ask` (the message lacks the fact that sets the tier) answers with the more urgent tier the sign could have
    until the question is answered, so it counts as exact when that tier is at least as urgent as the gold one
    (as the clinical bank counts "ask: the question or the more urgent tier").
    """
    if prediction.intent == gold:
        return True
    alarm = prediction.alarm
    if alarm is None or alarm.ask is None or gold not in _MEDICAL_ORDER or prediction.intent not in _MEDICAL_ORDER:
        return False
    return _MEDICAL_ORDER.index(prediction.intent) <= _MEDICAL_ORDER.index(gold)


def measure(gold: Sequence[str], predictions: Sequence[Prediction]) -> dict[str, Any]:
    """All measures of one system on one test set."""
    if len(gold) != len(predictions):
        raise ValueError(f"{len(gold)} gold labels but {len(predictions)} predictions")
    n = len(gold)
    gold_intents = [intent_of(g) for g in gold]
    clf = [p.intent_clf or "None" for p in predictions]
    acted = [p.intent for p in predictions]
    answered = [p.answered for p in predictions]
    faq = [i for i, g in enumerate(gold) if g.startswith("faq/")]
    safety = [i for i, g in enumerate(gold) if g in SAFETY_INTENTS]
    other = [i for i, g in enumerate(gold) if g not in SAFETY_INTENTS]
    predicted_oos = [i for i in range(n) if acted[i] == OUT_OF_SCOPE]
    gold_oos = [i for i in range(n) if gold[i] == OUT_OF_SCOPE]
    tiers = {}
    for tier in SAFETY_INTENTS:
        idx = [i for i in safety if gold[i] == tier]
        tiers[tier] = {
            "n": len(idx),
            "caught": share(sum(acted[i] in SAFETY_INTENTS for i in idx), len(idx)),
            "exact": share(sum(exact_tier(tier, predictions[i]) for i in idx), len(idx)),
        }
    return {
        "n": n,
        "intent_accuracy": share(sum(g == p for g, p in zip(gold_intents, clf)), n),
        "intent_macro_f1": macro_f1(gold_intents, clf),
        "answered_correctly": share(sum(g == a for g, a in zip(gold, answered)), n),
        "fallback_rate": share(sum(a == FALLBACK for a in acted), n),
        "faq_selection_accuracy": share(sum(predictions[i].key == gold[i] for i in faq), len(faq)),
        "faq_answered_correctly": share(sum(answered[i] == gold[i] for i in faq), len(faq)),
        "red_flag_recall": share(sum(acted[i] in SAFETY_INTENTS for i in safety), len(safety)),
        "red_flag_exact_tier": share(sum(exact_tier(gold[i], predictions[i]) for i in safety), len(safety)),
        "red_flag_per_tier": tiers,
        "false_alarm_rate": share(sum(acted[i] in SAFETY_INTENTS for i in other), len(other)),
        "false_alarms": sum(acted[i] in SAFETY_INTENTS for i in other),
        "oos_precision": share(sum(gold[i] == OUT_OF_SCOPE for i in predicted_oos), len(predicted_oos)),
        "oos_recall": share(sum(acted[i] == OUT_OF_SCOPE for i in gold_oos), len(gold_oos)),
        "n_faq": len(faq),
        "n_safety": len(safety),
        "n_other": len(other),
        "n_oos": len(gold_oos),
        "n_oos_answered": len(predicted_oos),
    }


def per_label_recall(gold: Sequence[str], predictions: Sequence[Prediction]) -> dict[str, tuple[int, float]]:
    """(n, recall) per full label (FAQ topic or intent), in the user's view."""
    totals: Counter[str] = Counter(gold)
    hits: Counter[str] = Counter()
    for g, p in zip(gold, predictions):
        hits[g] += p.answered == g
    return {label: (totals[label], hits[label] / totals[label]) for label in sorted(totals)}
