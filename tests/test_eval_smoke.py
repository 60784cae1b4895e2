"""Smoke runs of `make eval` and of the floors of `make heldout`, so the evaluation core can't rot.

They cover the held-out set, the clinical bank and the field set. Each takes under two minutes on 2 cores; they
need the trained model (make test trains it first). The bench has its own smoke test (tests/test_bench_smoke.py).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from evaluation.sets import load_clinical_bank, load_field_set

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
    # The blind clinical bank and field set, measured in the same run, for ours and the baseline side by side.
    clinical, field = report["sets"]["tests/clinical"], report["sets"]["tests/field"]
    assert set(clinical) == set(field) == {"ours", "tfidf_logreg"}
    for numbers in clinical.values():
        assert numbers["n_alarm"] >= 250 and numbers["n_none"] >= 150 and numbers["n_crisis"] > 0
        for key in ("red_flag_recall", "exact_tier", "crisis_recall", "false_alarm_rate", "under_triage_rate"):
            assert 0.0 <= numbers[key] <= 1.0, key
        assert {"cauda_equina", "crisis", "trauma"} <= set(numbers["per_sign"])
        assert {"now", "today", "days", "ask", "none"} == set(numbers["per_tier"])
    for numbers in field.values():
        assert numbers["n"] >= 400 and "hernia" in numbers["per_topic"] and "plain" in numbers["per_kind"]
        for key in ("answered_correctly", "fallback_rate", "confidently_wrong_rate", "not_covered_rate"):
            assert 0.0 <= numbers[key] <= 1.0, key
    assert "## Safety at a glance" in summary and "tests/clinical per sign" in summary
    assert "tests/clinical_floors.yml" in summary and "tests/field_floors.yml" in summary
    for name in ("clinical", "field"):
        misclassified = (tmp_path / f"misclassified_{name}.md").read_text()
        assert misclassified.startswith(f"# Misclassified messages of tests/{name}, our pipeline")
        assert f"`tests/{name}/" in misclassified and " items[" in misclassified
    # The blind sets are measured, never copied: no report holds the text of one of their items (the short
    # greetings left out: the held-out set may have one of those too).
    blind = [i.text for i in load_clinical_bank().items + load_field_set().items if len(i.text) >= 30]
    assert len(blind) > 500
    for report_file in tmp_path.iterdir():
        if report_file.suffix in (".md", ".csv", ".json"):
            written = report_file.read_text()
            assert not [text for text in blind if text in written], report_file.name


def test_floors_fail_naming_the_set_the_measure_its_value_and_its_floor(tmp_path):
    floors = tmp_path / "floors.yml"
    floors.write_text("set: tests/heldout\nat_least:\n  intent_accuracy: 0.999\n  red_flag_recall: 0.5\n")
    clinical = tmp_path / "clinical_floors.yml"
    clinical.write_text("set: tests/clinical\nat_least:\n  red_flag_recall: 0.0\nat_most:\n  false_alarm_rate: 0.0\n")
    result = _evaluation("floors", "--floors", str(floors), str(clinical), "--out", str(tmp_path / "out"))
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
    failed = [line.strip() for line in result.stderr.splitlines() if "must be at" in line]
    assert len(failed) == 2, result.stderr[-2000:]
    assert str(floors) in failed[0] and "set tests/heldout" in failed[0]
    assert "intent_accuracy = 0." in failed[0] and "must be at least 0.999" in failed[0]
    assert str(clinical) in failed[1] and "set tests/clinical" in failed[1]
    assert "false_alarm_rate = 0." in failed[1] and "must be at most 0.000" in failed[1]
    assert json.loads((tmp_path / "out" / "metrics.json").read_text())["floors"]["failures"] == failed
    assert "misclassified messages:" in result.stderr and "misclassified_clinical.md" in result.stderr


def test_suggest_prints_every_measured_value_of_the_three_sets_as_floors_files(tmp_path):
    result = _evaluation("floors", "--suggest", "--out", str(tmp_path))
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    suggestions = result.stdout.split("# Measured values of ours", 1)[1]
    for set_name, measure in (
        ("tests/heldout", "intent_accuracy"),
        ("tests/clinical", "exact_tier"),
        ("tests/field", "confidently_wrong_rate"),
    ):
        assert f"set: {set_name}" in suggestions and f"  {measure}: " in suggestions
    assert "  crisis_recall: " in suggestions and "measured " in suggestions
