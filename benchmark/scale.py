"""The scale experiment of `make bench` (issue 14): ours with one Rasa worker, ours with the N workers that
scripts/run.sh starts by default (behind the gateway), and the `rasa init` bot as Rasa runs it (one server), in
the same run, each under the same loads.

Each system is started by scripts/run.sh as `make run` does and measured by bench_system (benchmark/experiments.py):
capacity (closed loop at each concurrency level), realistic load (visitors with think time), errors, and the peak
RSS of every process (each Rasa worker, the gateway, the action server). One system runs at a time, so a system's
memory and CPU are its own. What counts are the ratios, computed here: each of ours to the rasa init bot, and N
workers to one.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

from benchmark.experiments import bench_system, endpoints_env

# The three systems, in the order they run. "ours_workers" gets no WORKERS at all: run.sh picks (its default).
SYSTEMS = ("ours_one_worker", "ours_workers", "rasa_default")
COMPARISONS = (
    ("ours_workers", "rasa_default"),
    ("ours_one_worker", "rasa_default"),
    ("ours_workers", "ours_one_worker"),
)
TARGET_CAPACITY_RATIO = 2.0  # issue 14: capacity on 2 cores at least 2x the rasa init bot in the same run


def run_sh_default_workers() -> int:
    """What scripts/run.sh picks when WORKERS is unset: the number of cores (`nproc`), at most 4."""
    return min(len(os.sched_getaffinity(0)), 4)


def _ratio(a: Optional[float], b: Optional[float]) -> Optional[float]:
    return round(a / b, 2) if a is not None and b else None


def best_capacity(system: Dict[str, Any]) -> Optional[float]:
    """The system's capacity: the highest throughput over the concurrency levels (msg/s)."""
    values = [level["msgs_per_s"] for level in system.get("capacity", []) if level.get("msgs_per_s") is not None]
    return max(values) if values else None


def errors_of(system: Dict[str, Any]) -> int:
    """Unanswered or failed messages over every load of the system."""
    return sum(load["errors"] for load in [*system.get("capacity", []), system["realistic"]])


def ratios(a: Dict[str, Any], b: Dict[str, Any]) -> Dict[str, Any]:
    """System ``a`` over system ``b``: throughput and latency at each level, best capacity, realistic, memory."""
    levels: List[Dict[str, Any]] = []
    for x, y in zip(a["capacity"], b["capacity"]):
        levels.append(
            {
                "concurrency": x["concurrency"],
                "msgs_per_s": _ratio(x["msgs_per_s"], y["msgs_per_s"]),
                "p50_ms": _ratio(x["p50_ms"], y["p50_ms"]),
                "p95_ms": _ratio(x["p95_ms"], y["p95_ms"]),
            }
        )
    return {
        "capacity": levels,
        "best_capacity": _ratio(best_capacity(a), best_capacity(b)),
        "realistic": {key: _ratio(a["realistic"][key], b["realistic"][key]) for key in ("p50_ms", "p95_ms")},
        "peak_rss_rasa": _ratio(a["peak_rss_mb"]["rasa"], b["peak_rss_mb"]["rasa"]),
        "peak_rss_all": _ratio(sum(a["peak_rss_mb"].values()), sum(b["peak_rss_mb"].values())),
    }


def targets(systems: Dict[str, Any], compared: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Issue 14's "done when" points that this experiment measures, each with its measured value and verdict."""
    many, one = systems["ours_workers"], systems["ours_one_worker"]
    capacity = compared["ours_workers/rasa_default"]["best_capacity"]
    p95_many = compared["ours_workers/rasa_default"]["realistic"]["p95_ms"]
    p95_one = compared["ours_one_worker/rasa_default"]["realistic"]["p95_ms"]
    highest = max(level["concurrency"] for level in many["capacity"])
    return [
        {
            "target": f"capacity (best level), N workers / rasa init ≥ {TARGET_CAPACITY_RATIO:g}",
            "measured": capacity,
            "met": None if capacity is None else capacity >= TARGET_CAPACITY_RATIO,
        },
        {
            "target": f"N workers: no errors up to {highest} concurrent conversations and in the realistic load",
            "measured": errors_of(many),
            "met": errors_of(many) == 0,
        },
        {
            "target": "realistic p95 / rasa init: N workers no worse than 1 worker (today's setup)",
            "measured": f"{p95_many} vs {p95_one}",
            "met": None if p95_many is None or p95_one is None else p95_many <= p95_one,
        },
        {"target": "1 worker: no errors", "measured": errors_of(one), "met": errors_of(one) == 0},
    ]


def scale_experiment(args, workdir: Path, models: Dict[str, Path], baseline_env: Dict[str, str]) -> Dict[str, Any]:
    """The three systems one after another (see module docstring); their results, ratios and targets."""
    endpoints = endpoints_env(args.endpoints)
    plans = {
        "ours_one_worker": (models["ours"], {**endpoints, "WORKERS": "1"}),
        "ours_workers": (models["ours"], endpoints),
        "rasa_default": (models["rasa_default"], {**endpoints, **baseline_env}),
    }
    started = time.perf_counter()
    expected = run_sh_default_workers()
    print(f"==> scale: ours with 1 and with N Rasa workers (run.sh's default here: {expected}), and the rasa init bot")
    systems: Dict[str, Any] = {}
    for name in SYSTEMS:
        model, env = plans[name]
        # ours_workers: run.sh must see no WORKERS (not even one of the caller's environment), so it picks.
        unset = ("WORKERS",) if name == "ours_workers" else ()
        systems[name] = bench_system(name, model, args, workdir, env_extra=env, unset=unset)
    compared = {f"{a}/{b}": ratios(systems[a], systems[b]) for a, b in COMPARISONS}
    workers = systems["ours_workers"]["workers"]
    for key, ratio in compared.items():
        levels = ", ".join(f"c={level['concurrency']} {level['msgs_per_s']}" for level in ratio["capacity"])
        print(
            f"    {key}: throughput {levels}; best {ratio['best_capacity']}; realistic p95 "
            f"{ratio['realistic']['p95_ms']}"
        )
    return {
        "cores": len(os.sched_getaffinity(0)),
        "workers": workers,
        "workers_run_sh_default": expected,
        "systems": systems,
        "ratios": compared,
        "targets": targets(systems, compared),
        "errors": {name: errors_of(system) for name, system in systems.items()},
        "seconds": round(time.perf_counter() - started, 1),
    }
