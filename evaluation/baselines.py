"""The systems our pipeline is compared with, trained on the same data/.

- `rasa_default`: the configuration `rasa init` gives (eval/baseline_rasa_default.yml, language nl), a Rasa model
  predicted like ours (`evaluation.predict`);
- `ours_no_net`: our NLU pipeline without the SafetyNet component (a configuration without it, trained by
  `evaluation.models.ensure_model`): what the alarm-sign lexicon adds;
- `tfidf_logreg`: TF-IDF (words + character n-grams) + logistic regression, FAQ topics as labels, fixed up
  front (not tuned on the held-out set).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from evaluation.predict import Prediction

SEED = 42

SYSTEM_TITLES = {
    "ours": "ours (safety net on)",
    "ours_no_net": "ours, net off",
    "rasa_default": "rasa init default",
    "tfidf_logreg": "TF-IDF + LogReg",
}


def tfidf_model() -> Any:
    """The scikit-learn baseline pipeline (unfitted): the one the served TF-IDF topic blend trains, with its
    default settings (assistant/topic_ensemble.py), so the baseline column and the blend share one definition."""
    from assistant.topic_ensemble import TfidfTopicEnsemble, tfidf_pipeline

    return tfidf_pipeline({**TfidfTopicEnsemble.get_default_config(), "random_seed": SEED})


def predict_tfidf(train: Sequence[tuple[str, str]], texts: Sequence[str]) -> list[Prediction]:
    """Fit the TF-IDF baseline on (text, label) pairs and predict `texts`.

    Its "response selection" is its best FAQ label, whatever its best label overall.
    """
    return predict_tfidf_sets(train, [texts])[0]


def predict_tfidf_sets(train: Sequence[tuple[str, str]], text_sets: Sequence[Sequence[str]]) -> list[list[Prediction]]:
    """`predict_tfidf` for several lists of texts, fitted once."""
    model = tfidf_model()
    model.fit([t for t, _ in train], [label for _, label in train])
    classes = list(model.classes_)
    faq_columns = [i for i, c in enumerate(classes) if c.startswith("faq/")]
    results = []
    for texts in text_sets:
        predictions = []
        for row in model.predict_proba(list(texts)):
            best = classes[int(row.argmax())]
            best_faq = classes[max(faq_columns, key=lambda i: row[i])] if faq_columns else None
            intent = "faq" if best.startswith("faq/") else best
            predictions.append(Prediction(intent, intent, best_faq, float(row.max())))
        results.append(predictions)
    return results
