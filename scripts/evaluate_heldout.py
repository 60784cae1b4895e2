"""Evaluate the trained model on the held-out NLU file (tests/heldout/, never trained on).

Runs `rasa test nlu` on the whole pipeline (the safety net and the FAQ confidence gate included,
as users get them), prints intent accuracy, macro-F1 and FAQ response-selection accuracy, and
fails when a number is below its floor in tests/heldout_floors.yml.

Usage: python scripts/evaluate_heldout.py --model models/rugpijn.tar.gz --out results/heldout
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
FLOORS = ROOT / "tests" / "heldout_floors.yml"


def run_rasa_test(model: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    command = [
        str(ROOT / ".venv" / "bin" / "rasa"),
        "test",
        "nlu",
        "--nlu",
        str(ROOT / "tests" / "heldout"),
        "--model",
        model,
        "--out",
        str(out),
        "--no-plot",
    ]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"rasa test nlu failed with exit code {result.returncode}")


def summarise(out: Path) -> dict:
    intents = json.loads((out / "intent_report.json").read_text())
    selection = json.loads((out / "response_selection_report.json").read_text())
    return {
        "intent_accuracy": intents["accuracy"],
        "intent_macro_f1": intents["macro avg"]["f1-score"],
        "faq_response_accuracy": selection["accuracy"],
        "test_examples": int(intents["macro avg"]["support"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--out", default="results/heldout")
    args = parser.parse_args()
    out = ROOT / args.out
    run_rasa_test(args.model, out)
    numbers = summarise(out)
    floors = yaml.safe_load(FLOORS.read_text())
    (out / "summary.json").write_text(json.dumps(numbers, indent=2))
    failed = []
    print(f"held-out evaluation ({numbers['test_examples']} messages, report in {args.out}):")
    for key in ("intent_accuracy", "intent_macro_f1", "faq_response_accuracy"):
        floor = floors[key]
        ok = numbers[key] >= floor
        failed += [] if ok else [key]
        print(f"  {key:24s} {numbers[key]:.3f}  (floor {floor:.3f}) {'ok' if ok else 'BELOW FLOOR'}")
    if failed:
        raise SystemExit(f"below the floor: {', '.join(failed)}; see {args.out}/intent_errors.json")


if __name__ == "__main__":
    main()
