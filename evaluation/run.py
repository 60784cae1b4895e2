"""One evaluation run: every test set predicted by every system, and measured."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evaluation.baselines import predict_tfidf
from evaluation.metrics import measure
from evaluation.models import MODELS
from evaluation.predict import Prediction, load_agent, predict
from evaluation.sets import TRAINING_DATA, EvaluationDataError, TestSet, load_examples, load_test_set

ALL_SYSTEMS = ("ours", "ours_no_net", "rasa_default", "tfidf_logreg")


@dataclass
class Evaluation:
    sets: list[TestSet]
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
    sets = [load_test_set(path, known) for path in set_paths]
    names = [Path(s.name).name for s in sets]  # the reports name their files after the folder
    if len(set(names)) != len(names):
        raise EvaluationDataError(f"test sets {', '.join(s.name for s in sets)}: two folders with the same name")
    for test_set in sets:
        log(f"==> {test_set.name}: {len(test_set.examples)} messages")
    predictions: dict[str, dict[str, list[Prediction]]] = {s.name: {} for s in sets}
    timings: dict[str, float] = {}
    for system in systems:
        started = time.perf_counter()
        if system == "tfidf_logreg":
            for test_set in sets:
                predictions[test_set.name][system] = predict_tfidf(train, test_set.texts)
            timings["tfidf_logreg_fit_and_predict_s"] = round(time.perf_counter() - started, 2)
            continue
        agent = load_agent(ours_model if system == "ours" else MODELS[system])
        timings[f"{system}_load_s"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        for test_set in sets:
            predictions[test_set.name][system] = predict(agent, test_set.texts)
        count = sum(len(s.examples) for s in sets)
        timings[f"{system}_parse_ms_per_message"] = round(1000 * (time.perf_counter() - started) / count, 2)
        del agent
    results = {s.name: {system: measure(s.gold, predictions[s.name][system]) for system in systems} for s in sets}
    return Evaluation(sets, predictions, results, len(train), timings)
