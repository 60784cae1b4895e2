"""`make eval` shows what changed since its previous run (issue 15: after `make review`, retrain and compare)."""

from __future__ import annotations

from evaluation.report import before_after


def _run(**values: float) -> dict:
    return {"tests/field": {"ours": dict(values), "tfidf_logreg": {"answered_correctly": 0.5}}}


def test_changed_measures_of_ours_are_listed_with_their_change() -> None:
    previous = {"meta": {"date": "2026-12-01 10:00 UTC"}, "sets": _run(answered_correctly=0.85, fallback_rate=0.07)}
    lines = before_after(previous, _run(answered_correctly=0.9, fallback_rate=0.07))
    assert "## Since the previous run (2026-12-01 10:00 UTC)" in lines
    rows = [line for line in lines if line.startswith("| tests/field")]
    assert len(rows) == 1  # the unchanged fallback rate is not listed, nor the baseline
    assert rows[0].endswith("| 0.850 | 0.900 | +0.050 |")


def test_no_previous_run_no_section_and_no_change_says_so() -> None:
    assert before_after(None, _run(answered_correctly=0.9)) == []
    same = before_after({"meta": {"date": "d"}, "sets": _run(answered_correctly=0.9)}, _run(answered_correctly=0.9))
    assert same[-1] == "No measure of ours changed."


def test_a_set_or_measure_the_previous_run_lacks_is_skipped() -> None:
    previous = {"meta": {"date": "d"}, "sets": {"tests/heldout": {"ours": {"answered_correctly": 0.8}}}}
    assert before_after(previous, _run(answered_correctly=0.9))[-1] == "No measure of ours changed."
