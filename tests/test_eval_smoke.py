"""Smoke runs of `make eval` and `make bench` (small counts), so the two commands can't rot.

Each takes under two minutes on 2 cores; they need the trained model (make test trains it first).
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


def _run(script: str, out: Path) -> subprocess.CompletedProcess:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONWARNINGS="ignore::DeprecationWarning")
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), "--smoke", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"{script} --smoke failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def test_eval_smoke_reports_all_numbers(tmp_path):
    result = _run("evaluate.py", tmp_path)
    report = json.loads((tmp_path / "metrics.json").read_text())
    heldout = report["heldout"]
    assert set(heldout) == {"ours", "ours_no_net", "tfidf_logreg"}
    for numbers in heldout.values():
        for key in (
            "intent_accuracy",
            "intent_macro_f1",
            "faq_selection_accuracy",
            "red_flag_recall",
            "false_alarm_rate",
            "oos_precision",
        ):
            assert numbers[key] is None or 0.0 <= numbers[key] <= 1.0, key
    assert heldout["ours"]["n"] > 100
    # The safety net is part of what users get: it must catch what the classifiers alone catch.
    assert heldout["ours"]["red_flag_recall"] >= heldout["ours_no_net"]["red_flag_recall"]
    assert (tmp_path / "confusion_ours.png").stat().st_size > 10_000
    assert (tmp_path / "misclassified.md").exists() and (tmp_path / "summary.md").exists()
    assert "Intent accuracy" in result.stdout


def test_bench_smoke_serves_conversations_without_errors(tmp_path):
    result = _run("bench.py", tmp_path)
    report = json.loads((tmp_path / "bench.json").read_text())
    ours = report["systems"]["ours"]
    loads = ours["capacity"] + [ours["realistic"]]
    assert all(load["messages"] > 0 for load in loads)
    assert sum(load["errors"] for load in loads) == 0, [load["error_samples"] for load in loads]
    assert sum(load["unexpected_replies"] for load in loads) == 0, "a red flag got no 112/huisarts answer"
    assert ours["first_answer_ms"] > 0 and ours["peak_rss_mb"]["rasa"] > 100 and ours["peak_rss_mb"]["actions"] > 10
    assert (tmp_path / "bench.png").stat().st_size > 10_000
    assert "capacity c=1" in result.stdout
