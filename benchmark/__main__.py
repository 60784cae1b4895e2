"""Speed, load and footprint of the served assistant, side by side with the `rasa init` default bot (`make bench`).

Starts each bot exactly as `make run` does (scripts/run.sh: action server + `rasa run`, REST channel, HTTP API,
SQLite tracker store; ports from RASA_PORT/ACTION_PORT, here free ones, and a fresh tracker database), then
drives it from this process over loopback with simulated visitors who run real multi-turn Dutch conversations
(FAQ questions, the exercise questionnaire, a red flag). Everything is bounded in count and time.

  capacity   closed loop without think time at 1, 4, 16, 64 concurrent conversations: msgs/s, p50/p95/p99
  realistic  50 visitors who wait 2-5 s between messages: p50/p95/p99 and errors
  startup    time to ready, time to the first answer after ready, model load time (Agent.load, separately)
  footprint  peak RSS (VmHWM) of each Rasa worker, of the gateway and of the action server
  scale      capacity and realistic load, errors and memory per process of ours with WORKERS=1, ours with run.sh's
             default N workers behind the gateway, and the rasa init bot (WORKERS=1): ratios to the rasa init bot
             and N workers to 1 (issue 14; benchmark/scale.py; --skip-scale to skip)
  long conversation  one 400-turn REST conversation: latency and server CPU at turn 1, 10, 50, 100, 400, ours,
             ours without the session rollover and the rasa init bot (--skip-long-conversation to skip)
  training   a timed `rasa train --force` into a temporary folder (--skip-train to skip)
  big message  another visitor's short message alone, next to an ordinary one, a 60 KB one and a 1 MB one (refused
             with 413): the extra wait, target at most 50 ms (--skip-big-message to skip)
  outages    time to the apology when the database is cut or refuses writes, or the action server is down or
             hangs (needs PostgreSQL; --skip-outages to skip)

Writes reports/bench/ (bench.json, summary.md, bench.png; scale.json, scale.md, scale.png; long_conversation.md
and .png) and copies the .md and .png files to docs/bench/. Ours is served as `make run` serves it (WORKERS unset:
run.sh's default); the rasa init bot always with WORKERS=1 (BASELINE_ENV), as Rasa runs it.

  python -m benchmark                      full run, ours and the rasa-init baseline (~40 min on 2 cores)
  python -m benchmark --smoke              < 2 min: ours only, tiny counts, no training, nothing to docs/
  python -m benchmark --smoke --outages    the same, and the outage timings once each
  python -m benchmark --profile            also record a py-spy profile of a Rasa worker under load
  python -m benchmark --only big-message       only the big-message experiment on ours (~2 min)
  python -m benchmark --only insights          only `make report` over 10,000 stored conversations (< 1 min)
  python -m benchmark --only long-conversation one 400-turn REST conversation, ours and the rasa init bot (~15 min)
  python -m benchmark --only scale             only the scale experiment, the three systems (~9 min on 2 cores)
  python -m benchmark --only scale --smoke     the same with tiny counts (< 3 min), nothing to docs/

The old --workers-experiment (2 Sanic workers with a Redis lock store) is gone: the scale experiment measures
what replaced it (WORKERS Rasa workers behind the gateway, scripts/run.sh).

The package, by job: load.py (the simulated visitors), footprint.py (a bot served by the tests' own harness,
tests/support/processes.py, with each process's peak memory), profile.py (py-spy), big_message.py, experiments.py,
scale.py, long_conversation.py, insights.py, report.py.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Optional, Sequence

from benchmark.experiments import (
    bench_system,
    big_message_alone,
    endpoints_env,
    model_load_probe,
    outage_experiment,
    timed_training,
)
from benchmark.insights import bench_insights
from benchmark.long_conversation import long_conversation_experiment
from benchmark.profile import PROFILE_NEEDLES, inclusive_share, top_frames
from benchmark.report import TARGETS, write_report, write_scale_document
from benchmark.scale import scale_experiment
from evaluation.models import BASELINE_MODEL, OURS_MODEL, TRAIN_TIMES, ensure_model
from evaluation.runtime import machine
from tests.support.paths import ROOT

# The rasa init bot's domain has none of the apologies the patches require of a served model
# (assistant/patches/required_responses.py): it is served only with this, and then with a warning in its log.
# It always runs as Rasa runs it: one Rasa server, no gateway (WORKERS=1), in every experiment of the bench.
BASELINE_ENV = {"rasa_default": {"ALLOW_MODEL_WITHOUT_APOLOGIES": "1", "WORKERS": "1"}}


# The rasa init bot as Rasa runs it: no rollover (ours: SESSION_MAX_TURNS from the environment, default 20); and
# ours without the rollover, to show what it removes.
LONG_CONVERSATION_ENV = {
    "rasa_default": {**BASELINE_ENV["rasa_default"], "SESSION_MAX_TURNS": "0"},
    "ours_no_rollover": {"SESSION_MAX_TURNS": "0"},
}


def _long_conversation_models(args: argparse.Namespace) -> Dict[str, Path]:
    models = {"ours": OURS_MODEL, "ours_no_rollover": OURS_MODEL}
    baseline = Path(args.baseline_model)
    if baseline == BASELINE_MODEL and not baseline.exists():
        ensure_model("rasa_default")
    if baseline.exists():
        models["rasa_default"] = baseline
    return models


def _scale_models(args: argparse.Namespace) -> Dict[str, Path]:
    """Ours and the rasa init bot for the scale experiment; the rasa init model is built when missing (in a smoke
    run an existing one is used as it is, however old; a full run retrains it when older than the data)."""
    baseline = (ROOT / args.baseline_model).resolve()
    if baseline == BASELINE_MODEL and not (args.smoke and baseline.exists()):
        ensure_model("rasa_default")
    if not baseline.exists():
        raise SystemExit(f"{baseline} is missing: the scale experiment needs the rasa init bot's model")
    return {"ours": OURS_MODEL, "rasa_default": baseline}


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m benchmark", description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="< 2 min: ours only, tiny counts, no training")
    parser.add_argument("--levels", default="1,4,16,64", help="capacity concurrency levels (default 1,4,16,64)")
    parser.add_argument("--level-seconds", type=float, default=20, help="seconds per capacity level (default 20)")
    parser.add_argument("--level-max-messages", type=int, default=3000, help="messages cap per capacity level")
    parser.add_argument("--visitors", type=int, default=50, help="realistic load: visitors (default 50)")
    parser.add_argument("--realistic-seconds", type=float, default=60, help="realistic load duration (default 60)")
    parser.add_argument("--realistic-max-messages", type=int, default=5000)
    parser.add_argument("--think", default="2,5", help="realistic think time range in seconds (default 2,5)")
    parser.add_argument("--skip-baseline", action="store_true", help="ours only")
    parser.add_argument("--skip-train", action="store_true", help="no timed training (use models/training_times.json)")
    parser.add_argument("--profile", action="store_true", help="py-spy profile of the Rasa server at --profile-level")
    parser.add_argument("--profile-level", type=int, default=16)
    parser.add_argument("--endpoints", help="serve with this endpoints file (run.sh's ENDPOINTS), not endpoints.yml")
    parser.add_argument("--out", default="reports/bench")
    parser.add_argument("--docs", default="docs/bench", help="where summary.md and bench.png are copied ('' = none)")
    parser.add_argument("--render", metavar="BENCH_JSON", help="only rewrite summary.md/bench.png from a bench.json")
    parser.add_argument("--skip-outages", action="store_true", help="no outage timings (they need PostgreSQL)")
    parser.add_argument("--outages", action="store_true", help="outage timings in a --smoke run too (once each)")
    parser.add_argument("--big-message-trials", type=int, default=40, help="big-message experiment: rounds (40)")
    parser.add_argument("--big-message-seconds", type=float, default=120, help="big-message experiment: time cap")
    parser.add_argument("--skip-big-message", action="store_true", help="no big-message experiment")
    parser.add_argument(
        "--only", choices=["big-message", "insights", "long-conversation", "scale"], help="run only this experiment"
    )
    parser.add_argument("--skip-scale", action="store_true", help="no scale experiment (1 and N workers)")
    parser.add_argument("--long-turns", type=int, default=400, help="long conversation: turns (default 400)")
    parser.add_argument("--skip-long-conversation", action="store_true", help="no long-conversation curve")
    parser.add_argument(
        "--baseline-model", default=str(BASELINE_MODEL), help="the rasa init bot's model (default: models/...)"
    )
    parser.add_argument("--skip-insights", action="store_true", help="no insights-report experiment")
    parser.add_argument("--insights-conversations", type=int, default=10_000, help="insights experiment: stored")
    args = parser.parse_args(argv)

    if args.render:  # only redo summary.md and bench.png from an earlier bench.json (or scale.md from scale.json)
        report = json.loads(Path(args.render).read_text())
        if report.get("experiment") == "scale":
            write_scale_document(report, Path(args.render).resolve().parent, "" if report.get("smoke") else args.docs)
            return report
        for system in report["systems"].values():  # recount the profiles with the current PROFILE_NEEDLES
            for key in ("profile", "profile_first_answer"):
                raw = Path(args.render).resolve().parent / (system.get(key) or {}).get("file", "-")
                if raw.is_file():
                    system[key].update(top_self=top_frames(raw), inclusive_pct=inclusive_share(raw, PROFILE_NEEDLES))
        write_report(report, Path(args.render).resolve().parent, "" if report.get("smoke") else args.docs)
        return report
    started = time.perf_counter()
    if args.smoke:
        args.levels, args.level_seconds, args.visitors, args.realistic_seconds = "1,4", 4, 5, 6
        args.think, args.skip_baseline, args.skip_train, args.docs = "0.2,0.5", True, True, ""
        args.skip_outages = not args.outages
        args.big_message_trials, args.big_message_seconds = 4, 30
    if args.only:  # a part of a run: docs/bench keeps the last full one (these two have pages of their own)
        args.skip_baseline, args.skip_train = True, True
        args.docs = args.docs if args.only in ("long-conversation", "scale") else ""
    args.levels = [int(x) for x in args.levels.split(",")]
    args.think = [float(x) for x in args.think.split(",")]
    args.out_path = (ROOT / args.out).resolve()
    args.out_path.mkdir(parents=True, exist_ok=True)

    if args.smoke or args.only:
        if not OURS_MODEL.exists():
            raise SystemExit(f"{OURS_MODEL.relative_to(ROOT)} is missing: run `make train` first")
    else:
        ensure_model("ours")
    models = {} if args.only else {"ours": OURS_MODEL}
    if args.smoke:
        args.insights_conversations = min(args.insights_conversations, 300)
    if not args.skip_baseline and not args.only:
        ensure_model("rasa_default")
        models["rasa_default"] = BASELINE_MODEL

    report: Dict[str, Any] = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "machine_short": f"{os.cpu_count()} cores, shared",
        "smoke": args.smoke,
        "only": args.only,
        "settings": {
            "levels": args.levels,
            "level_seconds": args.level_seconds,
            "level_max_messages": args.level_max_messages,
            "visitors": args.visitors,
            "realistic_seconds": args.realistic_seconds,
            "think": args.think,
            "endpoints": args.endpoints or "endpoints.yml",
            "big_message_trials": args.big_message_trials,
        },
        "targets": TARGETS,
        "systems": {},
    }
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        workdir = Path(tmp)
        for name, model in models.items():
            system = bench_system(
                name,
                model,
                args,
                workdir,
                env_extra={**endpoints_env(args.endpoints), **BASELINE_ENV.get(name, {})},
                profile=args.profile and name == "ours",
            )
            if "big_message" in system:
                report["big_message"] = system.pop("big_message")
            if not args.smoke:
                system["load_probe"] = model_load_probe(model)
            report["systems"][name] = system
            (args.out_path / "bench.partial.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
        if args.only == "big-message":
            report["big_message"] = big_message_alone(args, workdir, endpoints_env(args.endpoints))
        if args.only == "insights" or (not args.only and not args.skip_insights):
            report["insights"] = bench_insights(workdir, args.insights_conversations)
        if args.only == "long-conversation" or (not args.only and not args.skip_long_conversation and not args.smoke):
            report["long_conversation"] = long_conversation_experiment(
                _long_conversation_models(args), workdir, args.long_turns, LONG_CONVERSATION_ENV
            )
        if args.only == "scale" or (not args.only and not args.skip_scale and not args.smoke):
            report["scale"] = scale_experiment(args, workdir, _scale_models(args), BASELINE_ENV["rasa_default"])
            (args.out_path / "bench.partial.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
        if not args.skip_outages and not args.only:
            report["outages"] = outage_experiment(workdir, repeats=1 if args.smoke else 3)
        for log in [*workdir.glob("run-*.log"), *workdir.glob("guarded-*.log")]:
            shutil.copy(log, args.out_path / log.name)

    logged = json.loads(TRAIN_TIMES.read_text()) if TRAIN_TIMES.exists() else {}
    for name in models:
        if not args.skip_train and name == "ours":
            print("==> timing `rasa train --force` of ours (into a temporary folder; --skip-train skips this)")
            report["systems"][name]["training"] = timed_training(name)
        elif name in logged:
            report["systems"][name]["training"] = dict(logged[name], source=str(TRAIN_TIMES.relative_to(ROOT)))
    report["seconds"] = round(time.perf_counter() - started, 1)

    report["command"] = "python -m benchmark " + " ".join(argv if argv is not None else sys.argv[1:])
    (args.out_path / "bench.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    (args.out_path / "bench.partial.json").unlink(missing_ok=True)
    write_report(report, args.out_path, args.docs)
    return report


if __name__ == "__main__":
    main()
