"""Smoke runs of `make bench` (small counts), so the commands can't rot: `python -m benchmark --smoke --outages`
and `python -m benchmark --only scale --smoke`.

They assert that every experiment produced numbers, never how fast anything was (timings belong in the bench
report).

They start the served assistant through the same harness as the tests (tests/support/processes.py) and, for the
outage timings, the guarded server (tests/support/guarded.py, needs PostgreSQL). About two minutes each on 2 cores,
and three more for the scale smoke when no rasa init model is there (it trains one with 5 % of the epochs).
"""

import json
import os
import subprocess
import sys

import pytest

from evaluation.crossval import scaled_config
from evaluation.models import BASELINE_CONFIG, BASELINE_MODEL, train_command
from evaluation.runtime import rasa_env
from tests.support.paths import MODEL, ROOT

pytestmark = pytest.mark.model

BENCH_ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONWARNINGS="ignore::DeprecationWarning")


@pytest.mark.services("postgresql")
def test_bench_smoke_serves_conversations_without_errors_and_times_the_apologies(tmp_path):
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first")
    result = subprocess.run(
        [sys.executable, "-m", "benchmark", "--smoke", "--outages", "--out", str(tmp_path)],
        cwd=ROOT,
        env=BENCH_ENV,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"bench --smoke failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    report = json.loads((tmp_path / "bench.json").read_text())
    ours = report["systems"]["ours"]
    loads = ours["capacity"] + [ours["realistic"]]
    assert all(load["messages"] > 0 for load in loads)
    assert sum(load["errors"] for load in loads) == 0, [load["error_samples"] for load in loads]
    assert sum(load["unexpected_replies"] for load in loads) == 0, "a red flag got no 112/huisarts answer"
    assert ours["first_answer_ms"] > 0 and ours["peak_rss_mb"]["rasa"] > 100 and ours["peak_rss_mb"]["actions"] > 10
    # Every way a service can fail was timed, and each time the visitor got the apology.
    cases = report["outages"]["cases"]
    assert set(cases) == {
        "database cut",
        "database refuses writes",
        "action server down (connection refused)",
        "action server hangs",
    }
    assert all(case["apologised"] == case["times"] == 1 and case["max_ms"] > 0 for case in cases.values()), cases
    # The big-message experiment timed another visitor's short messages in every situation, next to each big one.
    big = report["big_message"]
    assert big["trials"] > 0, big
    for phase in ("alone", "ordinary", "60 KB", "1 MB"):
        assert big["phases"][phase]["short_messages"] > 0 and big["phases"][phase]["p95_ms"] > 0, big["phases"]
    for phase in ("60 KB", "1 MB"):
        extra = big["phases"][phase]["extra_wait_ms"]
        assert all(isinstance(extra[key], float) for key in ("p50_ms", "p95_ms", "max_ms")), extra
    assert all(big["phases"][phase]["big_message"]["statuses"] for phase in ("60 KB", "1 MB")), big["phases"]
    assert (tmp_path / "bench.png").stat().st_size > 10_000
    summary = (tmp_path / "summary.md").read_text()
    assert "capacity c=1" in summary and "time to the apology" in summary and "costs other visitors" in summary


def test_scale_smoke_serves_one_worker_n_workers_and_the_rasa_init_bot_without_errors(tmp_path):
    """The scale experiment (issue 14) in small: all three systems answered under every load, none failed."""
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first")
    # An existing rasa init model (make bench builds it) is used as it is; else a smoke one is trained here: the
    # rasa init configuration with 5 % of its epochs (3 min instead of 20-35 on 2 cores). The smoke run asserts
    # that the bot is served and measured, not how well it understands.
    baseline = BASELINE_MODEL if BASELINE_MODEL.exists() else _smoke_baseline(tmp_path)
    result = subprocess.run(
        [
            *(sys.executable, "-m", "benchmark", "--only", "scale", "--smoke"),
            *("--baseline-model", str(baseline), "--out", str(tmp_path)),
        ],
        cwd=ROOT,
        env=BENCH_ENV,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, (
        f"bench --only scale --smoke failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    scale = json.loads((tmp_path / "scale.json").read_text())
    systems = scale["systems"]
    assert set(systems) == {"ours_one_worker", "ours_workers", "rasa_default"}
    # Each system started as asked: one Rasa server, or run.sh's default number of workers behind the gateway.
    assert systems["ours_one_worker"]["workers"] == systems["rasa_default"]["workers"] == 1
    assert systems["ours_workers"]["workers"] == scale["workers"] == min(len(os.sched_getaffinity(0)), 4)
    for name, system in systems.items():
        loads = system["capacity"] + [system["realistic"]]
        assert all(load["messages"] > 0 and load["msgs_per_s"] > 0 for load in loads), (name, loads)
        assert sum(load["errors"] for load in loads) == 0, (name, [load["error_samples"] for load in loads])
        assert sum(load["unexpected_replies"] for load in loads) == 0, f"{name}: a red flag got no 112/huisarts answer"
        # Memory is reported for each Rasa worker, and for the gateway when there is one.
        each = system["peak_rss_mb_per_process"]
        assert len(each["rasa"]) == system["workers"] and all(mb > 100 for mb in each["rasa"]), (name, each)
        assert bool(each["gateway"]) == (system["workers"] > 1), (name, each)
    assert scale["ratios"]["ours_workers/rasa_default"]["best_capacity"] > 0
    assert (tmp_path / "scale.png").stat().st_size > 10_000
    assert "capacity c=1" in (tmp_path / "scale.md").read_text()


def _smoke_baseline(tmp_path):
    """The rasa init bot trained with 5 % of its epochs (at least 1 each), into tmp_path."""
    config = scaled_config(BASELINE_CONFIG, 0.05, tmp_path / "baseline_smoke.yml", keep_policies=True)
    command = train_command("rasa_default", tmp_path, config=config)
    trained = subprocess.run(command, cwd=ROOT, env=rasa_env(), capture_output=True, text=True, timeout=1800)
    assert trained.returncode == 0, f"training the smoke rasa init bot failed:\n{trained.stderr[-3000:]}"
    return tmp_path / BASELINE_MODEL.name
