"""Stratified k-fold cross-validation of our NLU pipeline (and, for scale, the TF-IDF baseline) on data/.

Each fold trains the NLU pipeline of config.yml (epochs scaled, policies left out) on k-1 parts with Rasa's
public `rasa.model_training.train_nlu`, then predicts the held-back part like the held-out set (safety net
included) and measures it with `evaluation.metrics.measure`.
"""

from __future__ import annotations

import hashlib
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml

from evaluation.baselines import SEED, predict_tfidf
from evaluation.metrics import measure
from evaluation.models import OUR_CONFIG, ROOT
from evaluation.predict import load_agent, predict
from evaluation.sets import write_nlu_yaml

RESPONSES = ROOT / "data" / "responses"
CV_KEYS = (
    "intent_accuracy",
    "intent_macro_f1",
    "faq_selection_accuracy",
    "red_flag_recall",
    "false_alarm_rate",
    "oos_precision",
)


def scaled_config(source: Path, scale: float, target: Path, keep_policies: bool = False) -> Path:
    """`source` with every component's epochs multiplied by `scale` (at least 1); without its policies (NLU only)
    unless `keep_policies`, whose epochs are then scaled too."""
    config = yaml.safe_load(source.read_text())
    for component in [*(config.get("pipeline") or []), *((config.get("policies") or []) if keep_policies else [])]:
        if "epochs" in component:
            component["epochs"] = max(1, round(component["epochs"] * scale))
    if not keep_policies:
        config.pop("policies", None)
    target.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    return target


def cross_validate(
    train: Sequence[tuple[str, str]], folds: int, epochs_scale: float, log: Callable[[str], None] = print
) -> dict[str, Any]:
    """Mean, standard deviation and per-fold values of the CV_KEYS measures, for ours and the TF-IDF baseline."""
    import rasa.model_training
    from sklearn.model_selection import StratifiedKFold

    texts = [t for t, _ in train]
    labels = [label for _, label in train]
    runs: dict[str, list[dict[str, Any]]] = {"ours": [], "tfidf_logreg": []}
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    with tempfile.TemporaryDirectory(prefix="cv-") as tmp:
        tmp_path = Path(tmp)
        config = scaled_config(OUR_CONFIG, epochs_scale, tmp_path / "config.yml")
        for fold, (train_idx, test_idx) in enumerate(splitter.split(texts, labels), start=1):
            started = time.perf_counter()
            fold_train = [train[i] for i in train_idx]
            fold_texts = [texts[i] for i in test_idx]
            fold_gold = [labels[i] for i in test_idx]
            # The fold's examples, with the FAQ answers of data/responses (the ResponseSelector needs them).
            fold_data = tmp_path / f"fold{fold}"
            shutil.copytree(RESPONSES, fold_data / "responses")
            write_nlu_yaml(fold_train, fold_data / "nlu.yml")
            model = rasa.model_training.train_nlu(
                str(config),
                str(fold_data),
                str(tmp_path),
                fixed_model_name=f"fold{fold}",
                domain=str(ROOT / "domain.yml"),
            )
            if model is None:
                raise SystemExit(f"cross-validation: training fold {fold} failed")
            agent = load_agent(Path(model))
            runs["ours"].append(measure(fold_gold, predict(agent, fold_texts)))
            runs["tfidf_logreg"].append(measure(fold_gold, predict_tfidf(fold_train, fold_texts)))
            del agent
            log(
                f"    fold {fold}/{folds}: ours intent accuracy {runs['ours'][-1]['intent_accuracy']:.3f}, "
                f"FAQ {runs['ours'][-1]['faq_selection_accuracy']:.3f} ({time.perf_counter() - started:.0f} s)"
            )
    summary: dict[str, Any] = {}
    for system, results in runs.items():
        summary[system] = {}
        for key in CV_KEYS:
            values = [r[key] for r in results if r[key] is not None]
            summary[system][key] = {
                "mean": statistics.mean(values),
                "std": statistics.stdev(values) if len(values) > 1 else 0.0,
                "folds": values,
            }
    return {"folds": folds, "epochs_scale": epochs_scale, "examples": len(train), "systems": summary}


def cv_fingerprint(folds: int, epochs_scale: float) -> str:
    """Hash of everything the cross-validation result depends on (so an unchanged setup reuses it)."""
    digest = hashlib.sha1(f"{folds}|{epochs_scale}|{SEED}|{CV_KEYS}".encode())
    paths = [OUR_CONFIG, ROOT / "data" / "nlu", RESPONSES, ROOT / "build" / "spacy_nl" / "meta.json"]
    # The code the NLU pipeline runs (our components, the alarm-sign lexicon and the names they share) ...
    paths += [ROOT / "assistant" / "components.py", ROOT / "common"] + sorted((ROOT / "assistant").glob("alarm_signs*"))
    # ... and the code that predicts and measures.
    names = ("crossval.py", "metrics.py", "predict.py", "baselines.py", "sets.py")
    paths += [Path(__file__).parent / name for name in names]
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.exists() and "__pycache__" not in file.parts:
                digest.update(str(file.relative_to(ROOT)).encode() + file.read_bytes())
    return digest.hexdigest()
