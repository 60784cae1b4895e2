"""Understanding quality on the held-out test set, side by side with two baselines (`make eval`).

Systems, all trained on data/ and tested on tests/heldout/ (never trained on):
  ours           models/rugpijn.tar.gz: config.yml, safety net and FAQ gate included (what users get)
  ours_no_net    the same model with the SafetyNet component switched off (what the net adds)
  rasa_default   the configuration of `rasa init` (eval/baseline_rasa_default.yml), language nl
  tfidf_logreg   TF-IDF (words + character n-grams) + logistic regression, FAQ topics as labels

Writes reports/eval/ (summary.md, metrics.json, per_topic.csv, misclassified.md/.csv, confusion_*.png,
cv.json) and copies summary.md and the confusion matrix of our pipeline to docs/eval/ (committed, linked
from the README). Plus k-fold cross-validation of our pipeline on the training data (mean ± std).

  python scripts/evaluate.py                 full run (trains what is missing or stale; ~10 min with the CV,
                                             1 min when reports/eval/cv.json still matches)
  python scripts/evaluate.py --smoke         < 2 min: our held-out numbers + the TF-IDF baseline only
  python scripts/evaluate.py --folds 3 --epochs-scale 0.5   cheaper cross-validation
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import logging
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("PYTHONWARNINGS", "ignore::DeprecationWarning")  # also for the rasa subprocesses
warnings.filterwarnings("ignore", category=DeprecationWarning)
warnings.filterwarnings("ignore", message=".*deprecated - use")  # pyparsing, via matplotlib and packaging
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
sys.path.insert(0, str(ROOT))

OURS_MODEL = ROOT / "models" / "rugpijn.tar.gz"
BASELINE_CONFIG = ROOT / "eval" / "baseline_rasa_default.yml"
BASELINE_MODEL = ROOT / "models" / "baseline_rasa_default.tar.gz"
TRAIN_TIMES = ROOT / "models" / "training_times.json"
HELDOUT = ROOT / "tests" / "heldout"
SAFETY = ("red_flag_emergency", "red_flag_today", "red_flag_soon", "crisis")
FALLBACK = "nlu_fallback"
OOS = "out_of_scope"
SEED = 42
SYSTEM_TITLES = {
    "ours": "ours (safety net on)",
    "ours_no_net": "ours, net off",
    "rasa_default": "rasa init default",
    "tfidf_logreg": "TF-IDF + LogReg",
}

# What a model is built from: when one of these is newer than the model, the model is retrained.
MODEL_INPUTS = {
    "ours": [ROOT / "config.yml", ROOT / "domain.yml", ROOT / "data", ROOT / "assistant", ROOT / "build" / "spacy_nl"],
    "rasa_default": [BASELINE_CONFIG, ROOT / "domain.yml", ROOT / "data"],
}


# ---- training ----------------------------------------------------------------------------------


def _newest_mtime(paths: Iterable[Path]) -> float:
    newest = 0.0
    for path in paths:
        if path.is_dir():
            for child in path.rglob("*"):
                if child.is_file() and "__pycache__" not in child.parts:
                    newest = max(newest, child.stat().st_mtime)
        elif path.exists():
            newest = max(newest, path.stat().st_mtime)
    return newest


def rasa_env() -> Dict[str, str]:
    return dict(
        os.environ,
        TF_CPP_MIN_LOG_LEVEL="2",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        PYTHONWARNINGS="ignore::DeprecationWarning",
    )


def record_training_time(name: str, seconds: float, how: str) -> None:
    times = json.loads(TRAIN_TIMES.read_text()) if TRAIN_TIMES.exists() else {}
    times[name] = {
        "seconds": round(seconds, 1),
        "how": how,
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    TRAIN_TIMES.parent.mkdir(parents=True, exist_ok=True)
    TRAIN_TIMES.write_text(json.dumps(times, indent=2))


def train_command(system: str, out: Path, force: bool = False) -> List[str]:
    """The `rasa train` command line for a system, as `make train` runs it for ours."""
    config = ROOT / "config.yml" if system == "ours" else BASELINE_CONFIG
    name = "rugpijn" if system == "ours" else "baseline_rasa_default"
    command = [
        str(ROOT / ".venv" / "bin" / "rasa"),
        "train",
        "--config",
        str(config),
        "--domain",
        str(ROOT / "domain.yml"),
        "--data",
        str(ROOT / "data"),
        "--fixed-model-name",
        name,
        "--out",
        str(out),
    ]
    return command + (["--force"] if force else [])


def ensure_model(system: str, retrain: bool = False, log=print) -> Path:
    """Train the model of `system` ("ours" or "rasa_default") when it is missing or older than its inputs."""
    import fcntl

    model = OURS_MODEL if system == "ours" else BASELINE_MODEL
    model.parent.mkdir(parents=True, exist_ok=True)
    with open(model.parent / f".{model.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one training per model at a time (eval and bench may run together)
        return _ensure_model(system, model, retrain, log)


def _ensure_model(system: str, model: Path, retrain: bool, log) -> Path:
    stale = model.exists() and _newest_mtime(MODEL_INPUTS[system]) > model.stat().st_mtime
    if model.exists() and not stale and not retrain:
        return model
    log(
        f"==> training {system} ({'missing' if not model.exists() else 'stale' if stale else 'forced'}): "
        f"{' '.join(train_command(system, model.parent))}"
    )
    before = model.stat().st_mtime if model.exists() else None
    started = time.perf_counter()
    result = subprocess.run(
        train_command(system, model.parent, force=retrain), cwd=ROOT, env=rasa_env(), capture_output=True, text=True
    )
    if result.returncode != 0 or not model.exists():
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise SystemExit(f"training {system} failed (exit code {result.returncode})")
    seconds = time.perf_counter() - started
    if model.stat().st_mtime == before:  # Rasa found nothing that changes the model (e.g. a touched file)
        os.utime(model)
        log(f"    rasa train: nothing changed ({seconds:.0f} s)")
        return model
    if before is None or retrain:  # from scratch; otherwise Rasa reused its cached components: not comparable
        record_training_time(system, seconds, "rasa train from scratch (scripts/evaluate.py)")
    log(f"    trained in {seconds:.0f} s")
    return model


# ---- data --------------------------------------------------------------------------------------


def full_label(intent: Optional[str], key: Optional[str]) -> str:
    """`faq/<id>` for an FAQ answer, the intent name otherwise."""
    if intent == "faq" and key:
        return key
    return intent or "None"


def load_examples(path: Path) -> List[Tuple[str, str]]:
    """(text, full label) of every NLU example under `path` (file or folder)."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [(m.get("text"), full_label(m.get("intent"), m.get("intent_response_key"))) for m in data.intent_examples]


def write_nlu_yaml(examples: Sequence[Tuple[str, str]], path: Path) -> None:
    """Write (text, full label) examples as a Rasa NLU training file."""
    import yaml

    by_label: Dict[str, List[str]] = defaultdict(list)
    for text, label in examples:
        by_label[label].append(text)
    blocks = [{"intent": label, "examples": "".join(f"- {t}\n" for t in texts)} for label, texts in by_label.items()]

    class Literal(str):
        pass

    yaml.add_representer(Literal, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", v, style="|"))
    for block in blocks:
        block["examples"] = Literal(block["examples"])
    path.write_text(yaml.dump({"version": "3.1", "nlu": blocks}, allow_unicode=True, sort_keys=False))


# ---- predictions -------------------------------------------------------------------------------


def prediction_from_parse(parse: Dict[str, Any]) -> Dict[str, Any]:
    """What a parsed message means for the metrics.

    intent: what the assistant acts on (fallback, safety net and gates included: the user's view);
    intent_clf: the same with the fallback undone, as `rasa test nlu` counts it;
    key: the FAQ answer the ResponseSelector picked (whatever the intent).
    """
    intent = (parse.get("intent") or {}).get("name")
    intent_clf = intent
    if intent == FALLBACK:
        others = [r.get("name") for r in parse.get("intent_ranking") or [] if r.get("name") != FALLBACK]
        intent_clf = others[0] if others else FALLBACK
    selectors = parse.get("response_selector") or {}
    # ResponseSelector with retrieval_intent: faq answers under "faq"; without it (rasa init default) under "default".
    selector = selectors.get("faq") or selectors.get("default") or {}
    key = (selector.get("response") or {}).get("intent_response_key")
    confidence = (parse.get("intent") or {}).get("confidence")
    return {"intent": intent, "intent_clf": intent_clf, "key": key, "confidence": confidence}


async def _parse_all(agent, texts: Sequence[str]) -> List[Dict[str, Any]]:
    return [prediction_from_parse(await agent.parse_message(text)) for text in texts]


def load_agent(model: Path):
    from rasa.core.agent import Agent

    return Agent.load(str(model))


def predict_rasa(agent, texts: Sequence[str]) -> List[Dict[str, Any]]:
    return asyncio.run(_parse_all(agent, texts))


class SafetyNetOff:
    """Context manager: the SafetyNet node of a loaded model passes messages through unchanged.

    Rasa binds each graph node's function at load time, so the node itself is patched, not the class.
    """

    def __init__(self, agent) -> None:
        from assistant.components import SafetyNet

        nodes = agent.processor.graph_runner._instantiated_nodes.values()
        self.nodes = [node for node in nodes if node._component_class is SafetyNet]
        if not self.nodes:
            raise RuntimeError("the model has no SafetyNet component")

    def __enter__(self):
        self._originals = [node._fn for node in self.nodes]
        for node in self.nodes:
            node._fn = lambda _component, messages, **_: messages
        return self

    def __exit__(self, *exc):
        for node, original in zip(self.nodes, self._originals, strict=True):
            node._fn = original


def tfidf_model():
    """The scikit-learn baseline, fixed up front (not tuned on the held-out set)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    features = make_union(
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, lowercase=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, lowercase=True),
    )
    return make_pipeline(features, LogisticRegression(C=10.0, max_iter=3000, random_state=SEED))


def predict_tfidf(train: Sequence[Tuple[str, str]], texts: Sequence[str]) -> List[Dict[str, Any]]:
    model = tfidf_model()
    model.fit([t for t, _ in train], [label for _, label in train])
    classes = list(model.classes_)
    faq_columns = [i for i, c in enumerate(classes) if c.startswith("faq/")]
    predictions = []
    for row in model.predict_proba(list(texts)):
        best = classes[int(row.argmax())]
        best_faq = classes[max(faq_columns, key=lambda i: row[i])]  # the "response selector": best FAQ label
        intent = "faq" if best.startswith("faq/") else best
        predictions.append({"intent": intent, "intent_clf": intent, "key": best_faq, "confidence": float(row.max())})
    return predictions


# ---- metrics -----------------------------------------------------------------------------------


def _intent_of(label: str) -> str:
    return "faq" if label.startswith("faq/") else label


def user_label(prediction: Dict[str, Any]) -> str:
    return full_label(prediction["intent"], prediction["key"])


def metrics(gold: Sequence[str], predictions: Sequence[Dict[str, Any]]) -> Dict[str, Any]:
    """All numbers of one system on one test set; `gold` are full labels (faq/<id> or intent)."""
    from sklearn.metrics import f1_score

    n = len(gold)
    gold_intents = [_intent_of(g) for g in gold]
    clf = [p["intent_clf"] for p in predictions]
    user = [p["intent"] for p in predictions]
    labels = sorted(set(gold_intents))  # macro over the gold intents: a predicted-only label (nlu_fallback) adds no 0
    faq_idx = [i for i, g in enumerate(gold) if g.startswith("faq/")]
    safety_idx = [i for i, g in enumerate(gold) if g in SAFETY]
    other_idx = [i for i, g in enumerate(gold) if g not in SAFETY]
    predicted_oos = [i for i in range(n) if user[i] == OOS]
    gold_oos = [i for i in range(n) if gold[i] == OOS]

    def share(hits: int, total: int) -> Optional[float]:
        return hits / total if total else None

    tiers = {}
    for tier in SAFETY:
        idx = [i for i in safety_idx if gold[i] == tier]
        tiers[tier] = {
            "n": len(idx),
            "caught": share(sum(user[i] in SAFETY for i in idx), len(idx)),
            "exact": share(sum(user[i] == tier for i in idx), len(idx)),
        }
    return {
        "n": n,
        "intent_accuracy": share(sum(g == p for g, p in zip(gold_intents, clf, strict=True)), n),
        "intent_macro_f1": float(f1_score(gold_intents, clf, labels=labels, average="macro", zero_division=0)),
        "answered_correctly": share(sum(g == user_label(p) for g, p in zip(gold, predictions, strict=True)), n),
        "fallback_rate": share(sum(u == FALLBACK for u in user), n),
        "faq_selection_accuracy": share(sum(predictions[i]["key"] == gold[i] for i in faq_idx), len(faq_idx)),
        "faq_answered_correctly": share(sum(user_label(predictions[i]) == gold[i] for i in faq_idx), len(faq_idx)),
        "red_flag_recall": share(sum(user[i] in SAFETY for i in safety_idx), len(safety_idx)),
        "red_flag_exact_tier": share(sum(user[i] == gold[i] for i in safety_idx), len(safety_idx)),
        "red_flag_per_tier": tiers,
        "false_alarm_rate": share(sum(user[i] in SAFETY for i in other_idx), len(other_idx)),
        "false_alarms": sum(user[i] in SAFETY for i in other_idx),
        "oos_precision": share(sum(gold[i] == OOS for i in predicted_oos), len(predicted_oos)),
        "oos_recall": share(sum(user[i] == OOS for i in gold_oos), len(gold_oos)),
        "n_faq": len(faq_idx),
        "n_safety": len(safety_idx),
        "n_oos": len(gold_oos),
    }


def per_topic_recall(gold: Sequence[str], predictions: Sequence[Dict[str, Any]]) -> Dict[str, Tuple[int, float]]:
    """Recall per full label (FAQ topic or intent), in the user's view."""
    totals, hits = Counter(gold), Counter()
    for g, p in zip(gold, predictions, strict=True):
        hits[g] += user_label(p) == g
    return {label: (totals[label], hits[label] / totals[label]) for label in sorted(totals)}


# ---- cross-validation --------------------------------------------------------------------------


def scaled_config(source: Path, scale: float, target: Path) -> Path:
    import yaml

    config = yaml.safe_load(source.read_text())
    for component in config.get("pipeline") or []:
        if "epochs" in component:
            component["epochs"] = max(1, round(component["epochs"] * scale))
    config.pop("policies", None)
    target.write_text(yaml.dump(config, allow_unicode=True, sort_keys=False))
    return target


def cross_validate(train: Sequence[Tuple[str, str]], folds: int, epochs_scale: float, log=print) -> Dict[str, Any]:
    """Stratified k-fold CV of our NLU pipeline (and, for scale, of the TF-IDF baseline) on data/."""
    import rasa.model_training
    from sklearn.model_selection import StratifiedKFold

    texts = [t for t, _ in train]
    labels = [label for _, label in train]
    runs: Dict[str, List[Dict[str, Any]]] = {"ours": [], "tfidf_logreg": []}
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    with tempfile.TemporaryDirectory(prefix="cv-") as tmp:
        tmp_path = Path(tmp)
        config = scaled_config(ROOT / "config.yml", epochs_scale, tmp_path / "config.yml")
        for fold, (train_idx, test_idx) in enumerate(splitter.split(texts, labels), start=1):
            started = time.perf_counter()
            fold_train = [train[i] for i in train_idx]
            fold_texts = [texts[i] for i in test_idx]
            fold_gold = [labels[i] for i in test_idx]
            data_file = tmp_path / f"fold{fold}.yml"
            write_nlu_yaml(fold_train, data_file)
            model = rasa.model_training.train_nlu(
                str(config),
                str(data_file),
                str(tmp_path),
                fixed_model_name=f"fold{fold}",
                domain=str(ROOT / "domain.yml"),
            )
            agent = load_agent(Path(model))
            runs["ours"].append(metrics(fold_gold, predict_rasa(agent, fold_texts)))
            runs["tfidf_logreg"].append(metrics(fold_gold, predict_tfidf(fold_train, fold_texts)))
            del agent
            log(
                f"    fold {fold}/{folds}: ours intent accuracy {runs['ours'][-1]['intent_accuracy']:.3f}, "
                f"FAQ {runs['ours'][-1]['faq_selection_accuracy']:.3f} ({time.perf_counter() - started:.0f} s)"
            )
    summary = {}
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
    import hashlib

    digest = hashlib.sha1(f"{folds}|{epochs_scale}|{SEED}|{CV_KEYS}".encode())
    paths = [ROOT / "config.yml", ROOT / "data" / "nlu", ROOT / "build" / "spacy_nl" / "meta.json"]
    paths += sorted((ROOT / "assistant").glob("components.py")) + sorted((ROOT / "assistant").glob("alarm_signs*"))
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.exists() and "__pycache__" not in file.parts:
                digest.update(str(file.relative_to(ROOT)).encode() + file.read_bytes())
    return digest.hexdigest()


CV_KEYS = (
    "intent_accuracy",
    "intent_macro_f1",
    "faq_selection_accuracy",
    "red_flag_recall",
    "false_alarm_rate",
    "oos_precision",
)


# ---- reports -----------------------------------------------------------------------------------

ROWS = [
    ("intent_accuracy", "Intent accuracy (fallback undone, as `rasa test nlu`)"),
    ("intent_macro_f1", "Intent macro-F1"),
    ("answered_correctly", "Right answer, user's view (fallback = wrong)"),
    ("fallback_rate", 'Fallback ("not understood") rate'),
    ("faq_selection_accuracy", "FAQ response selection accuracy"),
    ("faq_answered_correctly", "FAQ questions answered with the right topic"),
    ("red_flag_recall", "Red-flag/crisis recall (any safety intent)"),
    ("red_flag_exact_tier", "Red-flag/crisis recall, exact tier"),
    ("false_alarm_rate", "False-alarm rate (non-safety → safety)"),
    ("oos_precision", "Out-of-scope precision"),
    ("oos_recall", "Out-of-scope recall"),
]


def _fmt(value: Optional[float]) -> str:
    return "–" if value is None else f"{value:.3f}"


def table(results: Dict[str, Dict[str, Any]]) -> List[str]:
    systems = list(results)
    lines = ["| metric | " + " | ".join(SYSTEM_TITLES[s] for s in systems) + " |", "|---|" + "---:|" * len(systems)]
    for key, title in ROWS:
        lines.append(f"| {title} | " + " | ".join(_fmt(results[s][key]) for s in systems) + " |")
    for tier in SAFETY:
        n = results[systems[0]]["red_flag_per_tier"][tier]["n"]
        cells = []
        for s in systems:
            t = results[s]["red_flag_per_tier"][tier]
            cells.append(f"{_fmt(t['caught'])} ({_fmt(t['exact'])})")
        lines.append(f"| recall `{tier}` (n={n}): any safety (exact tier) | " + " | ".join(cells) + " |")
    return lines


def confusion_png(gold: Sequence[str], predictions: Sequence[Dict[str, Any]], title: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from sklearn.metrics import confusion_matrix

    predicted = [user_label(p) for p in predictions]
    labels = sorted(set(gold) | set(predicted), key=lambda label: (label.startswith("faq/"), label))
    matrix = confusion_matrix(gold, predicted, labels=labels)
    fig, ax = plt.subplots(figsize=(15, 13))
    shown = np.where(matrix > 0, matrix, np.nan)
    ax.imshow(np.log1p(shown), cmap="Blues")
    for (row, col), value in np.ndenumerate(matrix):
        if value:
            ax.text(
                col,
                row,
                str(value),
                ha="center",
                va="center",
                fontsize=7,
                color="white" if row == col else ("crimson" if row != col else "black"),
            )
    ax.set_xticks(range(len(labels)))
    ax.set_yticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=90, fontsize=8)
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_xlabel("predicted (what the assistant acts on)")
    ax.set_ylabel("gold (tests/heldout)")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def write_reports(
    out: Path,
    texts: Sequence[str],
    gold: Sequence[str],
    predictions: Dict[str, List[Dict[str, Any]]],
    results: Dict[str, Dict[str, Any]],
    cv: Optional[Dict[str, Any]],
    meta: Dict[str, Any],
) -> str:
    out.mkdir(parents=True, exist_ok=True)
    systems = list(results)
    topics = {s: per_topic_recall(gold, predictions[s]) for s in systems}
    with (out / "per_topic.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["label", "n"] + systems)
        for label, (n, _) in topics[systems[0]].items():
            writer.writerow([label, n] + [f"{topics[s][label][1]:.3f}" for s in systems])
    with (out / "misclassified.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "gold"] + systems)
        for i, text in enumerate(texts):
            labels = [user_label(predictions[s][i]) for s in systems]
            if any(label != gold[i] for label in labels):
                writer.writerow([text, gold[i]] + labels)
    wrong = [
        (texts[i], gold[i], user_label(predictions["ours"][i]), predictions["ours"][i]["confidence"])
        for i in range(len(texts))
        if user_label(predictions["ours"][i]) != gold[i]
    ]
    lines = [
        f"# Misclassified held-out messages, our pipeline ({len(wrong)} of {len(texts)})",
        "",
        "| text | gold | predicted | confidence |",
        "|---|---|---|---:|",
    ]
    for text, g, p, c in sorted(wrong, key=lambda w: (w[1], w[2])):
        lines.append(f"| {text.replace('|', '/')} | `{g}` | `{p}` | {c or 0:.2f} |")
    (out / "misclassified.md").write_text("\n".join(lines) + "\n")
    for s in systems:
        confusion_png(
            gold,
            predictions[s],
            f"{SYSTEM_TITLES[s]}: held-out confusion matrix (n={len(gold)})",
            out / f"confusion_{s}.png",
        )
    (out / "metrics.json").write_text(
        json.dumps(
            {"meta": meta, "heldout": results, "cv": cv, "per_topic_recall": topics}, indent=2, ensure_ascii=False
        )
    )

    summary = [
        f"# Understanding: held-out evaluation ({meta['date']})",
        "",
        f"Machine: {meta['machine']}. Command: `{meta['command']}` ({meta['seconds']:.0f} s).",
        f"Test set: tests/heldout/ ({len(texts)} messages, never trained on); training data: data/ "
        f"({meta['train_examples']} examples). Labels: the {len({_intent_of(g) for g in gold})} intents, "
        f"with `faq` split into its "
        f"{sum(1 for label in set(gold) if label.startswith('faq/'))} topics where noted.",
        "",
        *table(results),
        "",
        "Systems: **ours** = models/rugpijn.tar.gz as served (TopicGate, FallbackClassifier and SafetyNet "
        "included); **ours, net off** = the same model with the SafetyNet lexicon switched off; "
        "**rasa init default** = eval/baseline_rasa_default.yml (Rasa 3.6's default pipeline, language nl); "
        "**TF-IDF + LogReg** = scikit-learn word 1–2-gram + char_wb 2–5-gram TF-IDF, logistic regression "
        'with the FAQ topics as labels (its "response selection" is its best FAQ label).',
        "",
        "Red-flag recall counts a red_flag_*/crisis message as caught when the assistant acts on any safety "
        "intent (the answer then points to 112/huisarts/113); the false-alarm rate is the share of the other "
        "messages that got a safety intent. The user's-view rows count a fallback as a miss.",
        "",
    ]
    if cv:
        summary += [
            f"## {cv['folds']}-fold cross-validation on the training data (epochs × {cv['epochs_scale']})",
            "",
            f"Stratified by label (FAQ topics separate), seed {SEED}; run {cv.get('date', '')}, "
            f"{cv.get('seconds', 0) / 60:.0f} min. Each fold trains the NLU pipeline of config.yml on 4/5 of "
            "data/nlu and tests on the rest (safety net included).",
            "",
            "| metric | ours | TF-IDF + LogReg |",
            "|---|---:|---:|",
        ]
        for key in CV_KEYS:
            cells = [
                f"{cv['systems'][s][key]['mean']:.3f} ± {cv['systems'][s][key]['std']:.3f}"
                for s in ("ours", "tfidf_logreg")
            ]
            summary.append(f"| {key} | " + " | ".join(cells) + " |")
        summary.append("")
    summary += [
        "## Per-topic recall (user's view)",
        "",
        "| label | n | " + " | ".join(SYSTEM_TITLES[s] for s in systems) + " |",
        "|---|---:|" + "---:|" * len(systems),
    ]
    for label, (n, _) in topics[systems[0]].items():
        summary.append(f"| `{label}` | {n} | " + " | ".join(f"{topics[s][label][1]:.2f}" for s in systems) + " |")
    summary += [
        "",
        "![confusion matrix of our pipeline](confusion_ours.png)",
        "",
        "Full output (every system's confusion matrix, misclassified messages, metrics.json): "
        "`make eval` writes it to reports/eval/.",
        "",
    ]
    text = "\n".join(summary)
    (out / "summary.md").write_text(text)
    return text


# ---- main --------------------------------------------------------------------------------------


def quiet_rasa() -> None:
    """Rasa's structlog messages (one per parsed message), progress bars and TensorFlow's chatter off."""
    os.environ["LOG_LEVEL"] = "WARNING"  # rasa.shared.utils.io.is_logging_disabled(): no epoch progress bars
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    logging.getLogger().setLevel(logging.WARNING)
    for name in ("rasa", "tensorflow", "absl", "matplotlib"):
        logging.getLogger(name).setLevel(logging.WARNING if name == "rasa" else logging.ERROR)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}), shared, {platform.system()} {platform.release()}, Python "
        f"{platform.python_version()}"
    )


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="< 2 min: ours + TF-IDF on the held-out set, no CV, "
        "no training (the model must exist), nothing copied to docs/",
    )
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds; 0 skips CV (default 5)")
    parser.add_argument("--epochs-scale", type=float, default=1.0, help="multiply the epochs of the CV trainings")
    parser.add_argument("--fresh-cv", action="store_true", help="rerun the CV even if reports/eval/cv.json matches")
    parser.add_argument("--retrain", action="store_true", help="retrain both Rasa models even if up to date")
    parser.add_argument("--out", default="reports/eval", help="report folder (default reports/eval)")
    parser.add_argument("--docs", default="docs/eval", help="where summary.md and the PNG are copied ('' = nowhere)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    quiet_rasa()
    os.chdir(ROOT)
    out = (ROOT / args.out).resolve()

    if args.smoke:
        if not OURS_MODEL.exists():
            raise SystemExit(f"{OURS_MODEL.relative_to(ROOT)} is missing: run `make train` first")
        systems = ["ours", "ours_no_net", "tfidf_logreg"]
    else:
        ensure_model("ours", args.retrain)
        ensure_model("rasa_default", args.retrain)
        systems = ["ours", "ours_no_net", "rasa_default", "tfidf_logreg"]

    train = load_examples(ROOT / "data" / "nlu")
    test = load_examples(HELDOUT)
    texts, gold = [t for t, _ in test], [label for _, label in test]
    print(f"==> held-out set: {len(texts)} messages; training data: {len(train)} examples")

    predictions: Dict[str, List[Dict[str, Any]]] = {}
    timings: Dict[str, float] = {}
    t = time.perf_counter()
    agent = load_agent(OURS_MODEL)
    timings["ours_load_s"] = time.perf_counter() - t
    t = time.perf_counter()
    predictions["ours"] = predict_rasa(agent, texts)
    timings["ours_parse_ms_per_message"] = 1000 * (time.perf_counter() - t) / len(texts)
    with SafetyNetOff(agent):
        predictions["ours_no_net"] = predict_rasa(agent, texts)
    del agent
    if "rasa_default" in systems:
        baseline = load_agent(BASELINE_MODEL)
        t = time.perf_counter()
        predictions["rasa_default"] = predict_rasa(baseline, texts)
        timings["rasa_default_parse_ms_per_message"] = 1000 * (time.perf_counter() - t) / len(texts)
        del baseline
    t = time.perf_counter()
    predictions["tfidf_logreg"] = predict_tfidf(train, texts)
    timings["tfidf_fit_and_predict_s"] = time.perf_counter() - t
    predictions = {s: predictions[s] for s in systems}
    results = {s: metrics(gold, predictions[s]) for s in systems}

    cv = None
    if not args.smoke and args.folds >= 2:
        fingerprint = cv_fingerprint(args.folds, args.epochs_scale)
        cached = json.loads((out / "cv.json").read_text()) if (out / "cv.json").exists() else {}
        if cached.get("fingerprint") == fingerprint and not args.fresh_cv:
            cv = cached
            print(
                f"==> {args.folds}-fold cross-validation: reused {out.name}/cv.json of {cv.get('date')} "
                "(config, data and components unchanged; --fresh-cv reruns it)"
            )
        else:
            print(f"==> {args.folds}-fold cross-validation of our pipeline on data/ (epochs × {args.epochs_scale})")
            t = time.perf_counter()
            cv = cross_validate(train, args.folds, args.epochs_scale)
            cv.update(
                fingerprint=fingerprint,
                seconds=round(time.perf_counter() - t),
                date=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            )
            out.mkdir(parents=True, exist_ok=True)
            (out / "cv.json").write_text(json.dumps(cv, indent=2))

    command = "python scripts/evaluate.py " + " ".join(argv if argv is not None else sys.argv[1:])
    meta = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "command": command.strip(),
        "seconds": time.perf_counter() - started,
        "smoke": args.smoke,
        "train_examples": len(train),
        "test_examples": len(texts),
        "timings": timings,
        "training_times": json.loads(TRAIN_TIMES.read_text()) if TRAIN_TIMES.exists() else {},
    }
    write_reports(out, texts, gold, predictions, results, cv, meta)
    if args.docs and not args.smoke:
        docs = ROOT / args.docs
        docs.mkdir(parents=True, exist_ok=True)
        shutil.copy(out / "summary.md", docs / "summary.md")
        shutil.copy(out / "confusion_ours.png", docs / "confusion_ours.png")

    print()
    print("\n".join(table(results)))
    if cv:
        print(
            f"\n{cv['folds']}-fold CV of ours on data/: "
            + ", ".join(
                f"{k} {cv['systems']['ours'][k]['mean']:.3f} ± {cv['systems']['ours'][k]['std']:.3f}"
                for k in ("intent_accuracy", "intent_macro_f1", "faq_selection_accuracy")
            )
        )
    print(
        f"\nreport: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}/summary.md "
        f"({time.perf_counter() - started:.0f} s)"
    )
    return {"heldout": results, "cv": cv, "meta": meta}


if __name__ == "__main__":
    main()
