"""One evaluation run: every test set predicted by every system, and measured.

The sets may be of the three formats of `evaluation.sets` (NLU sets, clinical banks, field sets); each Rasa model
is loaded once for all of them, and each set is measured by its own measures (`measure_set`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evaluation.baselines import predict_tfidf_sets
from evaluation.metrics import measure
from evaluation.models import MODELS
from evaluation.predict import Prediction, load_agent, predict
from evaluation.sets import (
    TRAINING_DATA,
    AnySet,
    ClinicalBank,
    EvaluationDataError,
    FieldSet,
    contract_topics,
    load_any_set,
    load_examples,
)
from evaluation.topics import field_measures
from evaluation.triage import clinical_measures

ALL_SYSTEMS = ("ours", "ours_no_net", "rasa_default", "tfidf_logreg")


@dataclass
class Evaluation:
    sets: list[AnySet]
    predictions: dict[str, dict[str, list[Prediction]]]  # [set name][system]: one per message, in set order
    results: dict[str, dict[str, dict[str, Any]]]  # [set name][system]: evaluation.metrics.measure
    train_examples: int
    timings: dict[str, float] = field(default_factory=dict)


def evaluate(
    set_paths: Sequence[Path], systems: Sequence[str], ours_model: Path, log: Callable[[str], None] = print
) -> Evaluation:
    """Predict every set with every system and measure it; each Rasa model is loaded once for all sets.

    The models must exist (`evaluation.models.ensure_model`); a test set label the training data lacks is an
    `EvaluationDataError`.
    """
    train = [(e.text, e.label) for e in load_examples(TRAINING_DATA)]
    known = {label for _, label in train}
    sets = [load_any_set(path, known) for path in set_paths]
    names = [Path(s.name).name for s in sets]  # the reports name their files after the folder
    if len(set(names)) != len(names):
        raise EvaluationDataError(f"test sets {', '.join(s.name for s in sets)}: two folders with the same name")
    for test_set in sets:
        log(f"==> {test_set.name}: {len(test_set.texts)} messages")
    predictions: dict[str, dict[str, list[Prediction]]] = {s.name: {} for s in sets}
    timings: dict[str, float] = {}
    for system in systems:
        started = time.perf_counter()
        if system == "tfidf_logreg":
            for test_set, predicted in zip(sets, predict_tfidf_sets(train, [s.texts for s in sets])):
                predictions[test_set.name][system] = predicted
            timings["tfidf_logreg_fit_and_predict_s"] = round(time.perf_counter() - started, 2)
            continue
        agent = load_agent(ours_model if system == "ours" else MODELS[system])
        timings[f"{system}_load_s"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        for test_set in sets:
            predictions[test_set.name][system] = predict(agent, test_set.texts)
        count = sum(len(s.texts) for s in sets)
        timings[f"{system}_parse_ms_per_message"] = round(1000 * (time.perf_counter() - started) / count, 2)
        del agent
    results = {s.name: {system: measure_set(s, predictions[s.name][system]) for system in systems} for s in sets}
    return Evaluation(sets, predictions, results, len(train), timings)


def measure_set(test_set: AnySet, predictions: list[Prediction]) -> dict[str, Any]:
    """The measures of one system on one set, by the set's format."""
    if isinstance(test_set, ClinicalBank):
        return clinical_measures(test_set.items, predictions)
    if isinstance(test_set, FieldSet):
        return field_measures(test_set.items, predictions, contract_topics()["faq"])
    return measure(test_set.gold, predictions)
