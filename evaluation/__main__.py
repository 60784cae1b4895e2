"""Command line of the evaluation core.

python -m evaluation report              make eval: ours vs the baselines on the held-out set, the clinical
                                         bank and the field set + 5-fold CV (trains what is missing or stale;
                                         ~10 min, 2-3 min when reports/eval/cv.json still matches); copies
                                         summary.md to docs/eval/
python -m evaluation report --smoke      < 2 min: ours + TF-IDF only, no CV, no training, nothing in docs/
python -m evaluation floors              make heldout: ours on the sets of the floors files (one model load),
                                         fails naming set, measure, value and floor (tests/*_floors.yml)
python -m evaluation floors --suggest    prints every measured value of ours on those sets, and floors at
                                         today's value minus one item, ready to paste into the floors files
python -m evaluation report --sets tests/heldout tests/clinical    any set folders (NLU, clinical or field format)
python -m evaluation variants [NAME ...] the NLU pipeline variants of eval/pipeline_variants.yml trained and measured
                                         side by side on the three sets (~4 min per variant); docs/eval/pipelines.md
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evaluation.run import ALL_SYSTEMS, Evaluation, evaluate
from evaluation.runtime import machine, quiet_rasa

if TYPE_CHECKING:
    from evaluation.floors import Floors

SMOKE_SYSTEMS = ("ours", "tfidf_logreg")


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    from evaluation.floors import FLOOR_FILES
    from evaluation.models import OURS_MODEL

    parser = argparse.ArgumentParser(prog="python -m evaluation", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="the full report against the baselines (make eval)")
    floors = commands.add_parser("floors", help="check the floors of the held-out set (make heldout)")
    for command in (report, floors):
        command.add_argument("--model", type=Path, default=OURS_MODEL, help="our trained model (default %(default)s)")
        command.add_argument(
            "--floors",
            type=Path,
            nargs="+",
            default=list(FLOOR_FILES),
            help="floors files (default tests/{heldout,clinical,clinical_r2..r5,field}_floors.yml)",
        )
        command.add_argument(
            "--sets",
            type=Path,
            nargs="+",
            help="test set folders (report: tests/heldout, clinical, clinical_r2..r5, field; floors: theirs)",
        )
    report.add_argument("--smoke", action="store_true", help="ours + TF-IDF only, no CV, no training, no docs/")
    report.add_argument("--systems", nargs="+", choices=ALL_SYSTEMS, help="default: all four (smoke: ours, TF-IDF)")
    report.add_argument("--folds", type=int, default=5, help="cross-validation folds; 0 skips CV (default 5)")
    report.add_argument("--epochs-scale", type=float, default=1.0, help="multiply the epochs of the CV trainings")
    report.add_argument("--fresh-cv", action="store_true", help="rerun the CV even if <out>/cv.json matches")
    report.add_argument("--retrain", action="store_true", help="retrain the baseline models even if up to date")
    report.add_argument("--out", type=Path, default=Path("reports/eval"), help="report folder (default reports/eval)")
    report.add_argument("--docs", default="docs/eval", help="where summary.md and the PNG go ('' = nowhere)")
    floors.add_argument("--out", type=Path, default=Path("results/heldout"), help="default results/heldout")
    variants = commands.add_parser("variants", help="pipeline variants trained and measured side by side")
    variants.add_argument("names", nargs="*", help="variants of eval/pipeline_variants.yml (default: all)")
    floors.add_argument(
        "--suggest", action="store_true", help="print every measured value and floors at it minus one item; exit 0"
    )
    return parser.parse_args(argv)


def _cross_validation(args: argparse.Namespace, out: Path, log: Callable[[str], None] = print) -> dict[str, Any] | None:
    from evaluation.crossval import cross_validate, cv_fingerprint
    from evaluation.sets import TRAINING_DATA, load_examples

    if args.smoke or args.folds < 2:
        return None
    fingerprint = cv_fingerprint(args.folds, args.epochs_scale)
    cached = json.loads((out / "cv.json").read_text()) if (out / "cv.json").exists() else {}
    if cached.get("fingerprint") == fingerprint and not args.fresh_cv:
        log(
            f"==> {args.folds}-fold cross-validation: reused {out.name}/cv.json of {cached.get('date')} "
            "(--fresh-cv reruns it)"
        )
        return cached
    log(f"==> {args.folds}-fold cross-validation of our pipeline on data/nlu (epochs × {args.epochs_scale})")
    started = time.perf_counter()
    train = [(e.text, e.label) for e in load_examples(TRAINING_DATA)]
    cv = cross_validate(train, args.folds, args.epochs_scale, log)
    cv.update(
        fingerprint=fingerprint,
        seconds=round(time.perf_counter() - started),
        date=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    )
    out.mkdir(parents=True, exist_ok=True)
    (out / "cv.json").write_text(json.dumps(cv, indent=2))
    return cv


def _suggestions(floors: Sequence[Floors], run: Evaluation) -> list[str]:
    """Every measured value of ours on the floors' sets, as floors files at today's value minus one item."""
    from evaluation.floors import suggested_floors, today_floor

    lines = [
        "# Measured values of ours, and floors at today's value minus one item (`python -m evaluation floors "
        "--suggest`).",
        "# Paste what you keep into each floors file; recall floors of the clinical bank are 1.00 by issue 10.",
    ]
    for set_floors in floors:
        results = run.results.get(set_floors.set, {}).get("ours")
        if results is None:
            continue
        lines += ["", f"# ---- {set_floors.source}", f"set: {set_floors.set}"]
        for section, at_most in (("at_least", False), ("at_most", True)):
            lines.append(f"{section}:")
            for floor, value, n in suggested_floors(results):
                if floor.at_most == at_most:
                    today = today_floor(value, at_most)
                    lines.append(
                        f"  {floor.measure}: {floor.bound:.3f}  # measured {value:.4f} over {n} messages; "
                        f"at today's value: {today:.3f}"
                    )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    quiet_rasa()
    from evaluation.floors import load_floors
    from evaluation.models import ROOT, TRAIN_TIMES, ensure_model
    from evaluation.report import (
        before_after,
        console_table,
        floor_lines,
        slug,
        summary_markdown,
        write_json,
        write_set_files,
    )
    from evaluation.sets import CLINICAL_BANKS, FIELD, HELDOUT, EvaluationDataError

    args = _arguments(argv)
    if args.command == "variants":
        from evaluation.variants import run as run_variants

        run_variants(args.names)
        return 0
    started = time.perf_counter()
    out = args.out if args.out.is_absolute() else ROOT / args.out
    model = args.model if args.model.is_absolute() else ROOT / args.model
    try:
        floors = [load_floors(path if path.is_absolute() else ROOT / path) for path in args.floors]
    except EvaluationDataError as error:
        raise SystemExit(f"floors: {error}") from error
    if args.command == "floors":
        systems: Sequence[str] = ("ours",)
        set_paths = args.sets or list(dict.fromkeys(ROOT / f.set for f in floors))
    else:
        systems = args.systems or (SMOKE_SYSTEMS if args.smoke else ALL_SYSTEMS)
        set_paths = args.sets or [HELDOUT, *CLINICAL_BANKS, FIELD]
    if not model.exists():
        raise SystemExit(f"{model} is missing: run `make train` first")
    if args.command == "report" and not args.smoke:
        for system in systems:
            if system in ("rasa_default", "ours_no_net"):
                ensure_model(system, args.retrain)

    try:
        run = evaluate(set_paths, systems, model)
    except EvaluationDataError as error:
        raise SystemExit(f"test set: {error}") from error
    cv = _cross_validation(args, out) if args.command == "report" else None

    shown_args = " ".join(argv if argv is not None else sys.argv[1:])
    meta = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "command": f"python -m evaluation {shown_args}".strip(),
        "model": str(model.relative_to(ROOT)) if model.is_relative_to(ROOT) else str(model),
        "seconds": time.perf_counter() - started,
        "smoke": getattr(args, "smoke", False),
        "training_times": json.loads(TRAIN_TIMES.read_text()) if TRAIN_TIMES.exists() else {},
        "train_examples": run.train_examples,
        "timings": run.timings,
    }
    out.mkdir(parents=True, exist_ok=True)
    previous = json.loads((out / "metrics.json").read_text()) if (out / "metrics.json").exists() else None
    evaluated = {s.name for s in run.sets}
    checked = {
        f.source: floor_lines(f, run.results[f.set]["ours"]) for f in floors if f.set in evaluated and "ours" in systems
    }
    failures = [failure for _, set_failures in checked.values() for failure in set_failures]
    write_json(
        out / "metrics.json",
        {
            "meta": meta,
            "sets": run.results,
            "floors": {
                "files": {f.source: f.set for f in floors},
                "checked": sorted(checked),
                "failures": failures if checked else None,
            },
            "cv": cv,
        },
    )
    plots = args.command == "report"
    for test_set in run.sets:
        write_set_files(out, test_set, run.predictions[test_set.name], plots)
    summary = summary_markdown(run.sets, run.predictions, run.results, floors, cv, meta)
    changes = before_after(previous, run.results) if args.command == "report" else []
    (out / "summary.md").write_text(summary + "\n".join(changes) + ("\n" if changes else ""))

    for test_set in run.sets:
        print(f"\n{test_set.name} ({len(test_set.texts)} messages):")
        print("\n".join(console_table(test_set, run.results[test_set.name])))
    if cv:
        ours = cv["systems"]["ours"]
        print(
            f"\n{cv['folds']}-fold CV of ours on data/nlu: "
            + ", ".join(
                f"{k} {ours[k]['mean']:.3f} ± {ours[k]['std']:.3f}" for k in ("intent_accuracy", "intent_macro_f1")
            )
        )
    if args.command == "report" and args.docs and not args.smoke:
        docs = ROOT / args.docs
        docs.mkdir(parents=True, exist_ok=True)
        shutil.copy(out / "summary.md", docs / "summary.md")
        heldout_png = out / f"confusion_ours_{slug(str(HELDOUT))}.png"
        if heldout_png.exists():
            shutil.copy(heldout_png, docs / heldout_png.name)
    if changes:
        print("\n".join(changes))
    shown_out = out.relative_to(ROOT) if out.is_relative_to(ROOT) else out
    print(f"\nreport: {shown_out}/summary.md ({time.perf_counter() - started:.0f} s)")

    if args.command == "floors" and getattr(args, "suggest", False):
        print("\n" + "\n".join(_suggestions(floors, run)))
        return 0
    for set_floors in floors:
        if set_floors.source in checked:
            print(f"\nfloors of {set_floors.set} ({set_floors.source}):")
            print("\n".join(checked[set_floors.source][0]))
    unchecked = [f for f in floors if f.source not in checked]
    if args.command == "floors":
        if failures:
            print("\nFLOORS NOT MET:\n" + "\n".join(f"  {failure}" for failure in failures), file=sys.stderr)
            failed_sets = dict.fromkeys(f.set for f in floors if checked.get(f.source, ([], []))[1])
            for name in failed_sets:
                print(f"misclassified messages: {shown_out}/misclassified_{slug(name)}.md", file=sys.stderr)
            return 1
        if unchecked:
            for f in unchecked:
                print(f"floors: {f.source} is for {f.set}, which was not evaluated", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
