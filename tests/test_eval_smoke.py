"""Smoke runs of `make eval` and of the floors of `make heldout`, so the evaluation core can't rot.

Each takes under two minutes on 2 cores; they need the trained model (make test trains it first). The bench
has its own smoke test (tests/test_bench_smoke.py).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "rugpijn.tar.gz"


def _evaluation(*arguments: str) -> subprocess.CompletedProcess:
    """`python -m evaluation <arguments>`, as `make eval` / `make heldout` run it."""
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONWARNINGS="ignore::DeprecationWarning")
    return subprocess.run(
        [sys.executable, "-m", "evaluation", *arguments], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_eval_smoke_reports_every_measure_of_ours_and_the_tfidf_baseline(tmp_path):
    result = _evaluation("report", "--smoke", "--out", str(tmp_path))
    assert result.returncode == 0, f"report --smoke failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    report = json.loads((tmp_path / "metrics.json").read_text())
    heldout = report["sets"]["tests/heldout"]
    assert set(heldout) == {"ours", "tfidf_logreg"}
    for numbers in heldout.values():
        for key in (
            "intent_accuracy",
            "intent_macro_f1",
            "answered_correctly",
            "faq_selection_accuracy",
            "red_flag_recall",
            "false_alarm_rate",
            "oos_precision",
        ):
            assert numbers[key] is not None and 0.0 <= numbers[key] <= 1.0, key
        assert numbers["n"] > 400 and numbers["n_safety"] > 50
    # The same run checks the floors of make heldout on the same predictions: the served model meets them.
    assert report["floors"]["failures"] == []
    summary = (tmp_path / "summary.md").read_text()
    assert "tests/heldout_floors.yml" in summary and "**below**" not in summary
    assert (tmp_path / "confusion_ours_heldout.png").stat().st_size > 10_000
    assert "| `faq/hernia` |" in summary  # per-label recall, FAQ topics separate
    assert (tmp_path / "misclassified_heldout.md").read_text().startswith("# Misclassified messages of tests/heldout")
    assert "intent accuracy" in result.stdout


def test_floors_fail_naming_the_measure_its_value_and_its_floor(tmp_path):
    floors = tmp_path / "floors.yml"
    floors.write_text("set: tests/heldout\nat_least:\n  intent_accuracy: 0.999\n  red_flag_recall: 0.5\n")
    result = _evaluation("floors", "--floors", str(floors), "--out", str(tmp_path / "out"))
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
    failed = [line for line in result.stderr.splitlines() if "must be at least" in line]
    assert len(failed) == 1, result.stderr[-2000:]
    assert "intent_accuracy = 0." in failed[0] and "must be at least 0.999" in failed[0] and str(floors) in failed[0]
    assert json.loads((tmp_path / "out" / "metrics.json").read_text())["floors"]["failures"] == [failed[0].strip()]
