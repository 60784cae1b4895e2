"""The conversation-length curve of `make bench` (issue 14): one REST conversation of 400 FAQ questions, sent one
after another, the latency of every turn and the Rasa server's CPU time for it, ours and the `rasa init` bot in
the same run.

The driver runs in its own interpreter (``python -m benchmark.long_conversation <options as JSON>``, like
benchmark/load.py). Besides the wall-clock latency it reads the server's CPU time (utime + stime of its processes in
/proc) before and after each turn: on a machine shared with others the wall clock measures their load as much as
ours, the server's CPU per turn much less. What counts are ratios: the last ten turns against the first ten, and
ours against the baseline.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from benchmark.load import FAQ_QUESTIONS, driver_in_subprocess

TURNS = 400
POINTS = (1, 10, 50, 100, 400)  # the turns the report names
WINDOW = 10  # a point is the median of the WINDOW turns ending at it (turn 1: itself)
_TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def cpu_ms(pids: Sequence[int]) -> float:
    """CPU time used so far by the processes ``pids`` and all their threads, in ms.

    From each thread's /proc/<pid>/task/<tid>/schedstat (nanoseconds on the CPU); where that is missing, from
    utime + stime of /proc/<pid>/stat (clock ticks of 10 ms: too coarse for one turn, fine for a sum).
    """
    total = 0.0
    for pid in pids:
        threads = list(Path(f"/proc/{pid}/task").glob("*/schedstat"))
        for path in threads:
            try:
                total += int(path.read_text().split()[0]) / 1e6
            except (OSError, ValueError, IndexError):
                continue  # a thread that just ended
        if threads:
            continue
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, ValueError, IndexError):
            continue
        total += (int(fields[11]) + int(fields[12])) * _TICK_MS  # utime, stime (fields 14 and 15 of stat)
    return total


def point(values: Sequence[float], turn: int) -> Optional[float]:
    """The median of the WINDOW values ending at ``turn`` (1-based; turn 1 is its own value)."""
    if turn > len(values) or turn < 1:
        return None
    window = values[max(0, turn - WINDOW) : turn]
    return round(statistics.median(window), 1)


def curve(values: Sequence[float]) -> Dict[str, Any]:
    """Latency (or CPU) at the named turns, the first and the last ten, and their ratio."""
    if len(values) < 2 * WINDOW:
        return {"turns": len(values)}
    first, last = statistics.median(values[:WINDOW]), statistics.median(values[-WINDOW:])
    return {
        "turns": len(values),
        "at": {str(turn): point(values, turn) for turn in POINTS if turn <= len(values)},
        "first_ten_ms": round(first, 1),
        "last_ten_ms": round(last, 1),
        "last_over_first": round(last / first, 2) if first > 0 else None,
    }


def run_conversation(url: str, turns: int = TURNS, pids: Sequence[int] = (), timeout: float = 60) -> Dict[str, Any]:
    """One conversation of ``turns`` FAQ questions, one after another: every turn's latency and server CPU."""
    import requests

    sender = f"long-{uuid.uuid4().hex[:12]}"
    latencies: List[float] = []
    cpu: List[float] = []
    errors = 0
    with requests.Session() as session:
        for number in range(turns):
            text = FAQ_QUESTIONS[number % len(FAQ_QUESTIONS)]
            before_cpu, started = cpu_ms(pids), time.perf_counter()
            try:
                response = session.post(url, json={"sender": sender, "message": text}, timeout=timeout)
                ok = response.status_code == 200 and bool(response.json())
            except (requests.RequestException, ValueError):
                ok = False
            latencies.append(1000 * (time.perf_counter() - started))
            cpu.append(cpu_ms(pids) - before_cpu)
            errors += not ok
    return {
        "sender": sender,
        "errors": errors,
        "latency": curve(latencies),
        "server_cpu": curve(cpu) if pids else None,
        "latencies_ms": [round(value, 1) for value in latencies],
        "cpu_ms": [round(value, 1) for value in cpu] if pids else None,
    }


def conversation_in_subprocess(url: str, **kwargs: Any) -> Dict[str, Any]:
    """Run one conversation in a separate process (see benchmark.load.driver_in_subprocess)."""
    return driver_in_subprocess("benchmark.long_conversation", url, **kwargs)


def long_conversation_experiment(
    models: Dict[str, Path], workdir: Path, turns: int, envs: Dict[str, Dict[str, str]]
) -> Dict[str, Any]:
    """Each bot started as `make run` does, one after the other, then one ``turns``-turn conversation over REST."""
    from benchmark.footprint import Served

    results: Dict[str, Any] = {"turns": turns, "systems": {}}
    for name, model in models.items():
        print(f"==> long conversation: {name} ({turns} turns over REST, {envs.get(name) or 'default settings'})")
        served = Served(model, workdir, envs.get(name))
        try:
            served.start()
            served.run.say("long-warm-up", FAQ_QUESTIONS[0])  # the first answer after ready warms the model
            result = conversation_in_subprocess(served.webhook, turns=turns, pids=served.roles()["rasa"])
            stored = served.run.tracker(result["sender"])["events"]
            result["sessions"] = sum(event["event"] == "session_started" for event in stored)
            result["stored_user_messages"] = sum(event["event"] == "user" for event in stored)
            result["settings"] = envs.get(name) or {}
        finally:
            served.stop()
        results["systems"][name] = result
        print(f"    latency {_short(result['latency'])}; server CPU {_short(result.get('server_cpu'))}")
    ours, base = (results["systems"].get(key) for key in ("ours", "rasa_default"))
    if ours and base:
        results["ours_over_baseline_last_ten"] = _ratio(ours, base, "last_ten_ms")
        results["ours_over_baseline_first_ten"] = _ratio(ours, base, "first_ten_ms")
    return results


def _ratio(ours: Dict[str, Any], base: Dict[str, Any], key: str) -> Dict[str, Optional[float]]:
    ratios: Dict[str, Optional[float]] = {}
    for measure in ("latency", "server_cpu"):
        a, b = (ours.get(measure) or {}).get(key), (base.get(measure) or {}).get(key)
        ratios[measure] = round(a / b, 2) if a and b else None
    return ratios


def _short(measure: Optional[Dict[str, Any]]) -> str:
    if not measure or "at" not in measure:
        return "-"
    at = ", ".join(f"{turn}: {value}" for turn, value in measure["at"].items())
    return f"{at} ms; last ten / first ten {measure['last_over_first']}"


if __name__ == "__main__":  # the driver, in its own process (conversation_in_subprocess)
    print(json.dumps(run_conversation(**json.loads(sys.argv[1]))))
