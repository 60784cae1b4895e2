"""Reports of an evaluation run: summary.md, metrics.json, per_label.csv, misclassified.md/.csv, confusion PNGs."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evaluation.baselines import SEED, SYSTEM_TITLES
from evaluation.crossval import CV_KEYS
from evaluation.floors import Floors, check
from evaluation.metrics import MEASURES, SAFETY_INTENTS, per_label_recall
from evaluation.predict import Prediction
from evaluation.sets import TestSet, intent_of

TABLE_ROWS = [
    "intent_accuracy",
    "intent_macro_f1",
    "answered_correctly",
    "fallback_rate",
    "faq_selection_accuracy",
    "faq_answered_correctly",
    "red_flag_recall",
    "red_flag_exact_tier",
    "false_alarm_rate",
    "oos_precision",
    "oos_recall",
]


def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def table(results: dict[str, dict[str, Any]]) -> list[str]:
    """Markdown table: one row per measure, one column per system."""
    systems = list(results)
    lines = ["| measure | " + " | ".join(SYSTEM_TITLES[s] for s in systems) + " |", "|---|" + "---:|" * len(systems)]
    for key in TABLE_ROWS:
        lines.append(f"| {MEASURES[key]} | " + " | ".join(fmt(results[s][key]) for s in systems) + " |")
    for tier in SAFETY_INTENTS:
        n = results[systems[0]]["red_flag_per_tier"][tier]["n"]
        if not n:
            continue
        per_tier = [results[s]["red_flag_per_tier"][tier] for s in systems]
        cells = [f"{fmt(t['caught'])} ({fmt(t['exact'])})" for t in per_tier]
        lines.append(f"| recall `{tier}` (n={n}): any safety (exact tier) | " + " | ".join(cells) + " |")
    return lines


def floors_table(floors: Floors, results: dict[str, Any]) -> list[str]:
    """Markdown table of the floors of one set and what ours measures."""
    lines = ["| measure | value | floor | |", "|---|---:|---:|---|"]
    for floor, value, holds in check(floors, results):
        bound = f"≤ {floor.bound:.3f}" if floor.at_most else f"≥ {floor.bound:.3f}"
        lines.append(
            f"| {MEASURES[floor.measure]} (`{floor.measure}`) | {fmt(value)} | {bound} "
            f"| {'ok' if holds else '**below**'} |"
        )
    return lines


def floor_lines(floors: Floors, results: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(console lines, failure messages) of the floor check."""
    lines, failures = [], []
    for floor, value, holds in check(floors, results):
        bound = f"<= {floor.bound:.3f}" if floor.at_most else f">= {floor.bound:.3f}"
        lines.append(f"  {floor.measure:24s} {fmt(value):>6s}  (floor {bound}) {'ok' if holds else 'FAILED'}")
        if not holds:
            failures.append(f"{floors.source}: {floor.describe(value)}")
    return lines, failures


def confusion_png(gold: Sequence[str], predictions: Sequence[Prediction], title: str, path: Path) -> None:
    """Confusion matrix of the user's view (what the assistant acts on), log-scaled colours, counts written in."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from sklearn.metrics import confusion_matrix

    predicted = [p.answered for p in predictions]
    labels = sorted(set(gold) | set(predicted), key=lambda label: (label.startswith("faq/"), label))
    matrix = confusion_matrix(gold, predicted, labels=labels)
    fig, ax = plt.subplots(figsize=(15, 13))
    ax.imshow(np.log1p(np.where(matrix > 0, matrix, np.nan)), cmap="Blues")
    for (row, col), value in np.ndenumerate(matrix):
        if value:
            color = "white" if row == col else "crimson"
            ax.text(col, row, str(value), ha="center", va="center", fontsize=7, color=color)
    ax.set_xticks(range(len(labels)))
    ax.set_yticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=90, fontsize=8)
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_xlabel("predicted (what the assistant acts on)")
    ax.set_ylabel("gold")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def slug(set_name: str) -> str:
    """A file-name part for a set: tests/heldout -> heldout."""
    return Path(set_name).name


def write_set_files(out: Path, test_set: TestSet, predictions: dict[str, list[Prediction]], plots: bool) -> None:
    """per_label, misclassified and confusion files of one test set."""
    name, texts, gold = slug(test_set.name), test_set.texts, test_set.gold
    systems = list(predictions)
    recalls = {s: per_label_recall(gold, predictions[s]) for s in systems}
    with (out / f"per_label_{name}.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["label", "n"] + systems)
        for label, (n, _) in recalls[systems[0]].items():
            writer.writerow([label, n] + [f"{recalls[s][label][1]:.3f}" for s in systems])
    with (out / f"misclassified_{name}.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "gold", "source"] + systems)
        for i, example in enumerate(test_set.examples):
            labels = [predictions[s][i].answered for s in systems]
            if any(label != gold[i] for label in labels):
                writer.writerow([example.text, gold[i], example.source] + labels)
    ours = predictions.get("ours") or predictions[systems[0]]
    wrong = [
        (texts[i], gold[i], ours[i].answered, ours[i].confidence)
        for i in range(len(texts))
        if ours[i].answered != gold[i]
    ]
    lines = [
        f"# Misclassified messages of {test_set.name}, our pipeline ({len(wrong)} of {len(texts)})",
        "",
        "| text | gold | answered | confidence |",
        "|---|---|---|---:|",
    ]
    for text, g, p, c in sorted(wrong, key=lambda w: (w[1], w[2])):
        lines.append(f"| {text.replace('|', '/')} | `{g}` | `{p}` | {c or 0:.2f} |")
    (out / f"misclassified_{name}.md").write_text("\n".join(lines) + "\n")
    if plots:
        for s in systems:
            title = f"{SYSTEM_TITLES[s]}: confusion matrix on {test_set.name} (n={len(gold)})"
            confusion_png(gold, predictions[s], title, out / f"confusion_{s}_{name}.png")


def summary_markdown(
    sets: Sequence[TestSet],
    predictions: dict[str, dict[str, list[Prediction]]],
    results: dict[str, dict[str, dict[str, Any]]],
    floors: Floors | None,
    cv: dict[str, Any] | None,
    meta: dict[str, Any],
) -> str:
    """The report a person reads (docs/eval/summary.md)."""
    lines = [
        f"# Understanding: evaluation ({meta['date']})",
        "",
        f"Machine: {meta['machine']}. Command: `{meta['command']}` ({meta['seconds']:.0f} s). "
        f"Training data: data/nlu ({meta['train_examples']} examples). Every number below comes from "
        "the evaluation core (`evaluation/`), the same code and predictions as the floors of `make heldout`.",
        "",
        "Systems: **ours** = models/rugpijn.tar.gz through its whole NLU pipeline as served (TextGuard, "
        "FallbackClassifier, TopicGate and SafetyNet included), loaded with `Agent.load`; **ours, net off** = "
        "config.yml without the SafetyNet component (what the alarm-sign lexicon adds); **rasa init default** = "
        "eval/baseline_rasa_default.yml (Rasa 3.6's default pipeline, language nl); **TF-IDF + LogReg** = "
        "scikit-learn word 1–2-gram + char_wb 2–5-gram TF-IDF, logistic regression with the FAQ topics as labels "
        '(its "response selection" is its best FAQ label).',
        "",
        "Intent accuracy and macro-F1 are the classifier's view (the fallback undone, as `rasa test nlu` counts). "
        "The right answer is the user's view: the topic that answered (`faq/<id>` for an FAQ answer, else the "
        "intent the assistant acts on) equals the gold label; a fallback counts as not answered. Red-flag recall "
        "counts a red_flag_*/crisis message as caught when the assistant acts on any safety intent (the answer then "
        "points to 112/huisarts/113); the false-alarm rate is the share of the other messages that got a safety "
        "intent.",
        "",
    ]
    for test_set in sets:
        name = test_set.name
        set_results = results[name]
        labels = set(test_set.gold)
        lines += [
            f"## {name} ({len(test_set.examples)} messages, never trained on)",
            "",
            f"Labels: {len({intent_of(g) for g in labels})} intents, `faq` split into its "
            f"{sum(1 for label in labels if label.startswith('faq/'))} topics where noted.",
            "",
            *table(set_results),
            "",
        ]
        if floors and floors.set == name and "ours" in set_results:
            lines += [f"Floors (`{floors.source}`, enforced by `make heldout` in `make test`):", ""]
            lines += floors_table(floors, set_results["ours"]) + [""]
        systems = list(predictions[name])
        recalls = {s: per_label_recall(test_set.gold, predictions[name][s]) for s in systems}
        lines += [
            f"### Per-label recall on {name} (user's view)",
            "",
            "| label | n | " + " | ".join(SYSTEM_TITLES[s] for s in systems) + " |",
            "|---|---:|" + "---:|" * len(systems),
        ]
        for label, (n, _) in recalls[systems[0]].items():
            lines.append(f"| `{label}` | {n} | " + " | ".join(f"{recalls[s][label][1]:.2f}" for s in systems) + " |")
        lines.append("")
    if cv:
        lines += [
            f"## {cv['folds']}-fold cross-validation on the training data (epochs × {cv['epochs_scale']})",
            "",
            f"Stratified by label (FAQ topics separate), seed {SEED}; run {cv.get('date', '')}, "
            f"{cv.get('seconds', 0) / 60:.0f} min. Each fold trains the NLU pipeline of config.yml on "
            f"{cv['folds'] - 1}/{cv['folds']} of data/nlu and tests on the rest (safety net included).",
            "",
            "| measure | ours | TF-IDF + LogReg |",
            "|---|---:|---:|",
        ]
        for key in CV_KEYS:
            cells = [
                f"{cv['systems'][s][key]['mean']:.3f} ± {cv['systems'][s][key]['std']:.3f}"
                for s in ("ours", "tfidf_logreg")
            ]
            lines.append(f"| {MEASURES[key]} | " + " | ".join(cells) + " |")
        lines.append("")
    if any(slug(s.name) == "heldout" for s in sets):
        lines += ["![confusion matrix of our pipeline on tests/heldout](confusion_ours_heldout.png)", ""]
    lines += [
        "Full output (every system's confusion matrix, misclassified messages, metrics.json): "
        "`make eval` writes it to reports/eval/.",
        "",
    ]
    return "\n".join(lines)


def write_json(path: Path, document: dict[str, Any]) -> None:
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
