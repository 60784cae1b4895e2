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
from evaluation.sets import AnySet, ClinicalBank, FieldSet, TestSet, intent_of
from evaluation.topics import topic_of
from evaluation.triage import describe_answer, expected_answer, item_right, triage_answer

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


CLINICAL_ROWS = ["red_flag_recall", "exact_tier", "under_triage_rate", "crisis_recall", "false_alarm_rate"]
FIELD_ROWS = [
    "answered_correctly",
    "fallback_rate",
    "confidently_wrong_rate",
    "not_covered_rate",
    "faq_answered_correctly",
    "faq_confidently_wrong_rate",
    "false_alarm_rate",
]


def _counted_cell(results: dict[str, Any], key: str) -> str:
    """A clinical value with the items behind it, e.g. `0.950 (19/20)`."""
    n = {
        "red_flag_recall": "n_alarm",
        "exact_tier": "n_tier",
        "under_triage_rate": "n_tier",
        "crisis_recall": "n_crisis",
        "false_alarm_rate": "n_none",
    }[key]
    value, total = results[key], results[n]
    return "–" if value is None else f"{value:.3f} ({round(value * total)}/{total})"


def clinical_table(results: dict[str, dict[str, Any]]) -> list[str]:
    """Markdown table of a clinical bank: one row per measure, one column per system, with the counts."""
    systems = list(results)
    lines = ["| measure | " + " | ".join(SYSTEM_TITLES[s] for s in systems) + " |", "|---|" + "---:|" * len(systems)]
    for key in CLINICAL_ROWS:
        lines.append(f"| {MEASURES[key]} | " + " | ".join(_counted_cell(results[s], key) for s in systems) + " |")
    return lines


def clinical_breakdown(results: dict[str, dict[str, Any]], by: str) -> list[str]:
    """Per sign, tier or context: recall / exact tier / crisis recall / false alarms of every system."""
    systems = list(results)
    groups = results[systems[0]][f"per_{by}"]
    lines = [
        f"| {by} | alarms | near misses | "
        + " | ".join(f"{SYSTEM_TITLES[s]}: recall / exact / crisis / false alarms" for s in systems)
        + " |",
        "|---|---:|---:|" + "---|" * len(systems),
    ]
    for name, group in groups.items():
        cells = []
        for system in systems:
            g = results[system][f"per_{by}"][name]
            cells.append(
                " / ".join(fmt(g[k]) for k in ("red_flag_recall", "exact_tier", "crisis_recall", "false_alarm_rate"))
            )
        lines.append(f"| `{name}` | {group['n_alarm']} | {group['n_none']} | " + " | ".join(cells) + " |")
    return lines


def field_table(results: dict[str, dict[str, Any]]) -> list[str]:
    """Markdown table of a field set: one row per measure, one column per system."""
    systems = list(results)
    lines = ["| measure | " + " | ".join(SYSTEM_TITLES[s] for s in systems) + " |", "|---|" + "---:|" * len(systems)]
    for key in FIELD_ROWS:
        lines.append(f"| {MEASURES[key]} | " + " | ".join(fmt(results[s][key]) for s in systems) + " |")
    return lines


def field_breakdown(results: dict[str, dict[str, Any]], by: str) -> list[str]:
    """Per topic or kind: right answer / fallback / confidently wrong of every system."""
    systems = list(results)
    groups = results[systems[0]][f"per_{by}"]
    lines = [
        f"| {by} | n | "
        + " | ".join(f"{SYSTEM_TITLES[s]}: right / fallback / confidently wrong" for s in systems)
        + " |",
        "|---|---:|" + "---|" * len(systems),
    ]
    for name, group in groups.items():
        cells = []
        for system in systems:
            g = results[system][f"per_{by}"][name]
            cells.append(
                " / ".join(fmt(g[k]) for k in ("answered_correctly", "fallback_rate", "confidently_wrong_rate"))
            )
        lines.append(f"| `{name}` | {group['n']} | " + " | ".join(cells) + " |")
    return lines


def console_table(test_set: AnySet, results: dict[str, dict[str, Any]]) -> list[str]:
    """The table of a set that the command line prints."""
    if isinstance(test_set, ClinicalBank):
        return clinical_table(results)
    if isinstance(test_set, FieldSet):
        return field_table(results)
    return table(results)


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
        lines.append(f"  {floor.measure:26s} {fmt(value):>6s}  (floor {bound}) {'ok' if holds else 'FAILED'}")
        if not holds:
            failures.append(f"{floors.source}: set {floors.set}: {floor.describe(value)}")
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


def write_item_set_files(
    out: Path, test_set: ClinicalBank | FieldSet, predictions: dict[str, list[Prediction]]
) -> None:
    """misclassified_<set>.md (ours) and .csv (every system) of a clinical bank or a field set.

    A clinical item is wrong when its whole expectation is not met (`evaluation.triage.item_right`), a field
    item when another topic answered. The sets are blind: an item is named by its file and position, its text
    is never copied into a report (those who build the assistant must not read it).
    """
    name, systems = slug(test_set.name), list(predictions)
    ours = systems.index("ours") if "ours" in systems else 0
    clinical = isinstance(test_set, ClinicalBank)
    header = ["item", "sign", "context"] if clinical else ["item", "kind"]
    rows: list[tuple[bool, list[str], str, list[str]]] = []  # (ours wrong, item cells, expected, answers)
    if isinstance(test_set, ClinicalBank):
        for i, item in enumerate(test_set.items):
            triaged = [triage_answer(predictions[s][i]) for s in systems]
            right = [item_right(item, answer) for answer in triaged]
            if not all(right):
                shown = [describe_answer(answer) for answer in triaged]
                rows.append((not right[ours], [item.where, item.sign, item.context], expected_answer(item), shown))
    else:
        for i, field_item in enumerate(test_set.items):
            topics = [topic_of(predictions[s][i]) for s in systems]
            if any(topic != field_item.topic for topic in topics):
                wrong = topics[ours] != field_item.topic
                rows.append((wrong, [field_item.where, field_item.kind], field_item.topic, topics))
    with (out / f"misclassified_{name}.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header + ["expected"] + systems)
        for _, cells, expected, answers in rows:
            writer.writerow(cells + [expected] + answers)
    wrong_rows = sorted((r for r in rows if r[0]), key=lambda r: (r[2], r[1][1], r[3][ours]))
    lines = [
        f"# Misclassified messages of {test_set.name}, our pipeline ({len(wrong_rows)} of {len(test_set.items)})",
        "",
        "| " + " | ".join(header) + " | expected | answered |",
        "|---|" + "---|" * (len(header) + 1),
    ]
    for _, cells, expected, answers in wrong_rows:
        shown = [f"`{c}`" for c in cells] + [f"`{expected}`", f"`{answers[ours]}`"]
        lines.append("| " + " | ".join(shown) + " |")
    (out / f"misclassified_{name}.md").write_text("\n".join(lines) + "\n")


def write_set_files(out: Path, test_set: AnySet, predictions: dict[str, list[Prediction]], plots: bool) -> None:
    """per_label, misclassified and confusion files of one test set."""
    if not isinstance(test_set, TestSet):
        write_item_set_files(out, test_set, predictions)
        return
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


def _floors_of(floors: Sequence[Floors], name: str, set_results: dict[str, Any]) -> list[str]:
    lines = []
    for set_floors in floors:
        if set_floors.set == name and "ours" in set_results:
            lines += [f"Floors (`{set_floors.source}`, enforced by `make heldout` in `make test`):", ""]
            lines += floors_table(set_floors, set_results["ours"]) + [""]
    return lines


def safety_overview(sets: Sequence[AnySet], results: dict[str, dict[str, dict[str, Any]]]) -> list[str]:
    """The safety numbers of every set side by side: the clinical bank's, and false alarms on ordinary messages."""
    banks = [s for s in sets if isinstance(s, ClinicalBank)]
    ordinary = [s for s in sets if not isinstance(s, ClinicalBank)]
    if not banks:
        return []
    systems = list(results[banks[0].name])
    lines = [
        "## Safety at a glance",
        "",
        "| measure | " + " | ".join(SYSTEM_TITLES[s] for s in systems) + " |",
        "|---|" + "---:|" * len(systems),
    ]
    for bank in banks:
        for key in CLINICAL_ROWS:
            cells = [_counted_cell(results[bank.name][s], key) for s in systems]
            lines.append(f"| {bank.name}: {MEASURES[key]} | " + " | ".join(cells) + " |")
    for other in ordinary:
        cells = [
            f"{fmt(results[other.name][s]['false_alarm_rate'])} ({results[other.name][s]['false_alarms']}"
            f"/{results[other.name][s]['n_other']})"
            if s in results[other.name]
            else "–"
            for s in systems
        ]
        lines.append(f"| {other.name}: false alarms on the ordinary questions | " + " | ".join(cells) + " |")
    return lines + [""]


def clinical_section(bank: ClinicalBank, results: dict[str, dict[str, Any]]) -> list[str]:
    """The clinical bank's part of summary.md."""
    first = results[next(iter(results))]
    return [
        f"## {bank.name} ({len(bank.items)} messages: {first['n_alarm']} alarms, {first['n_none']} near misses; "
        "blind, never trained on)",
        "",
        "One message at a time through the NLU pipeline as served. The safety answer comes from the safety net's "
        "`alarm` output where the model emits it, else from the intent acted on (the TF-IDF baseline: its "
        "red-flag intents as tiers). Tiers: now = emergency, today = today, days = soon; an `ask` item is exact "
        "when the assistant asks about its sign or answers with the more urgent tier that sign can have "
        "(`evaluation/triage.py`). Misclassified messages: `misclassified_"
        f"{slug(bank.name)}.md` in the report folder.",
        "",
        *clinical_table(results),
        "",
        f"### {bank.name} per sign (alarms of the sign; near misses that resemble it)",
        "",
        *clinical_breakdown(results, "sign"),
        "",
        f"### {bank.name} per tier (`none`: near misses and crisis-only messages)",
        "",
        *clinical_breakdown(results, "tier"),
        "",
        f"### {bank.name} per context",
        "",
        *clinical_breakdown(results, "context"),
        "",
    ]


def field_section(field_set: FieldSet, results: dict[str, dict[str, Any]]) -> list[str]:
    """The field set's part of summary.md."""
    ours = results.get("ours") or results[next(iter(results))]
    mixups = ", ".join(f"`{expected}` → `{answered}` ({count})" for expected, answered, count in ours["mixups"][:8])
    return [
        f"## {field_set.name} ({len(field_set.items)} questions written as visitors write; blind, never trained on)",
        "",
        "The topic that answered, by the topic contract (an FAQ answer is its FAQ id, red_flag_* is `red_flag`, "
        "nlu_fallback is `fallback`, other intents their own id), against the topic expected "
        f"(`evaluation/topics.py`). Commonest mix-ups of ours: {mixups or 'none'}.",
        "",
        *field_table(results),
        "",
        f"### {field_set.name} per topic",
        "",
        *field_breakdown(results, "topic"),
        "",
        f"### {field_set.name} per kind",
        "",
        *field_breakdown(results, "kind"),
        "",
    ]


def summary_markdown(
    sets: Sequence[AnySet],
    predictions: dict[str, dict[str, list[Prediction]]],
    results: dict[str, dict[str, dict[str, Any]]],
    floors: Sequence[Floors],
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
    lines += safety_overview(sets, results)
    for test_set in sets:
        name = test_set.name
        set_results = results[name]
        if isinstance(test_set, ClinicalBank):
            lines += clinical_section(test_set, set_results) + _floors_of(floors, name, set_results)
            continue
        if isinstance(test_set, FieldSet):
            lines += field_section(test_set, set_results) + _floors_of(floors, name, set_results)
            continue
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
        lines += _floors_of(floors, name, set_results)
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


def before_after(previous: dict[str, Any] | None, current: dict[str, dict[str, dict[str, Any]]]) -> list[str]:
    """Ours now against the previous run's metrics.json in the same folder (after `make review` + retraining).

    One row per measure that both runs have as a number, for every set both evaluated; empty without a previous run.
    """
    if not previous or not previous.get("sets"):
        return []
    rows = []
    for set_name, systems in current.items():
        before = (previous["sets"].get(set_name) or {}).get("ours") or {}
        now = systems.get("ours") or {}
        for key, value in now.items():
            old = before.get(key)
            if key in MEASURES and isinstance(value, (int, float)) and isinstance(old, (int, float)):
                if not isinstance(value, bool) and abs(value - old) >= 0.0005:
                    rows.append(f"| {set_name} | {MEASURES[key]} | {fmt(old)} | {fmt(value)} | {value - old:+.3f} |")
    date = (previous.get("meta") or {}).get("date", "?")
    if not rows:
        return ["", f"## Since the previous run ({date})", "", "No measure of ours changed."]
    return [
        "",
        f"## Since the previous run ({date})",
        "",
        "| set | measure | before | now | change |",
        "|---|---|---:|---:|---:|",
        *rows,
    ]
