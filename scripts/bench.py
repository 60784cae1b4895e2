"""Speed, load and footprint of the served assistant, side by side with the `rasa init` default bot (`make bench`).

Starts each bot exactly as `make run` does (scripts/run.sh: action server + `rasa run`, REST channel, HTTP API,
SQLite tracker store; ports from RASA_PORT/ACTION_PORT, here free ones, and a fresh tracker database), then
drives it from this process over loopback with simulated visitors who run real multi-turn Dutch conversations
(FAQ questions, the exercise questionnaire, a red flag). Everything is bounded in count and time.

  capacity   closed loop without think time at 1, 4, 16, 64 concurrent conversations: msgs/s, p50/p95/p99
  realistic  50 visitors who wait 2-5 s between messages: p50/p95/p99 and errors
  startup    time to ready, time to the first answer after ready, model load time (Agent.load, separately)
  footprint  peak RSS (VmHWM) of the Rasa server and of the action server
  training   a timed `rasa train --force` into a temporary folder (--skip-train to skip)

Writes reports/bench/ (bench.json, summary.md, bench.png) and copies summary.md and bench.png to docs/bench/.

  python scripts/bench.py                    full run, ours and the rasa-init baseline (~12 min on 2 cores)
  python scripts/bench.py --smoke            < 2 min: ours only, tiny counts, no training, nothing to docs/
  python scripts/bench.py --profile          also record a py-spy profile of the Rasa server under load
  python scripts/bench.py --workers-experiment   also: 2 Sanic workers with a Redis lock store (needs redis-server)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from evaluate import (  # noqa: E402  (scripts/ is not a package)
    BASELINE_MODEL,
    OURS_MODEL,
    TRAIN_TIMES,
    ensure_model,
    machine,
    rasa_env,
    train_command,
)

SYSTEM_TITLES = {"ours": "ours", "rasa_default": "rasa init default", "ours_2workers_redis": "ours, 2 workers+Redis"}
TARGETS = {
    "realistic_p95_ms": 100,
    "realistic_p99_ms": 250,
    "capacity_msgs_per_s": 40,
    "first_answer_ms": 150,
    "training_s": 180,
}

# ---- conversations -----------------------------------------------------------------------------

FAQ_QUESTIONS = [
    "hoe lang duurt lage rugpijn meestal?",
    "moet ik in bed blijven met rugpijn?",
    "wat kan ik zelf doen tegen pijn in mijn onderrug?",
    "wanneer moet ik met mijn rug naar de huisarts?",
    "helpt warmte tegen rugpijn?",
    "hoe voorkom ik dat ik weer last krijg van mijn rug?",
    "waar komt lage rugpijn eigenlijk vandaan?",
    "is slijtage in je rug erg?",
    "mag ik blijven sporten met rugpijn?",
    "ik zit de hele dag achter een bureau, kan mijn rugpijn daardoor komen?",
]
RED_FLAGS = [
    "sinds vanochtend kan ik mijn plas niet meer ophouden en mijn rug doet zeer",
    "ik heb koorts en veel pijn onderin mijn rug",
    "ik ben vorige week gevallen en sindsdien heb ik veel pijn in mijn onderrug",
]


@dataclass
class Turn:
    text: str
    expect: Sequence[str] = ()  # at least one of these must be in the reply (a sanity check, not an error)


def conversation(rng: random.Random) -> List[Turn]:
    """One visitor's conversation: FAQ questions (50 %), the exercise questionnaire (30 %) or a red flag (20 %)."""
    kind = rng.random()
    if kind < 0.5:
        first, second = rng.sample(FAQ_QUESTIONS, 2)
        return [Turn("hallo"), Turn(first), Turn(second), Turn("bedankt!"), Turn("doei")]
    if kind < 0.8:
        return [
            Turn("welke oefeningen kan ik doen?"),
            Turn("een week of drie"),
            Turn("nee alleen in mijn rug"),
            Turn("5"),
            Turn("nee"),
            Turn("dank je wel"),
        ]
    return [Turn("goeiemiddag"), Turn(rng.choice(RED_FLAGS), expect=("112", "huisarts")), Turn("oké, dank je")]


# ---- the load generator ------------------------------------------------------------------------


@dataclass
class Results:
    latencies_ms: List[float] = field(default_factory=list)
    errors: int = 0
    error_samples: List[str] = field(default_factory=list)
    unexpected: int = 0
    conversations: int = 0
    started: float = 0.0
    finished: float = 0.0

    def summary(self) -> Dict[str, Any]:
        lat = sorted(self.latencies_ms)
        elapsed = max(self.finished - self.started, 1e-9)
        return {
            "messages": len(lat),
            "errors": self.errors,
            "error_samples": self.error_samples[:5],
            "unexpected_replies": self.unexpected,
            "conversations": self.conversations,
            "seconds": round(elapsed, 2),
            "msgs_per_s": round(len(lat) / elapsed, 2),
            "p50_ms": pct(lat, 50),
            "p95_ms": pct(lat, 95),
            "p99_ms": pct(lat, 99),
            "max_ms": round(lat[-1], 1) if lat else None,
            "mean_ms": round(statistics.mean(lat), 1) if lat else None,
        }


def pct(sorted_values: Sequence[float], q: float) -> Optional[float]:
    """Percentile by linear interpolation (numpy's default)."""
    if not sorted_values:
        return None
    k = (len(sorted_values) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(sorted_values) - 1)
    return round(sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo), 1)


async def send(session, url: str, sender: str, turn: Turn, results: Results, timeout: float) -> None:
    import aiohttp

    started = time.perf_counter()
    try:
        async with session.post(
            url, json={"sender": sender, "message": turn.text}, timeout=aiohttp.ClientTimeout(total=timeout)
        ) as response:
            body = await response.json(content_type=None)
            status = response.status
    except Exception as error:  # noqa: BLE001 - every failure is an error of the run
        results.errors += 1
        results.error_samples.append(f"{type(error).__name__}: {error}"[:200])
        return
    elapsed = 1000 * (time.perf_counter() - started)
    if status != 200 or not isinstance(body, list) or not body:
        results.errors += 1
        results.error_samples.append(f"HTTP {status}: {str(body)[:150]}")
        return
    results.latencies_ms.append(elapsed)
    if turn.expect:
        text = " ".join(str(reply.get("text", "")) for reply in body)
        if not any(marker in text for marker in turn.expect):
            results.unexpected += 1


async def run_load(
    url: str,
    concurrency: int,
    seconds: float,
    max_messages: int,
    think: Optional[Sequence[float]],
    seed: int,
    timeout: float = 30.0,
    stagger: float = 0.0,
) -> Dict[str, Any]:
    """`concurrency` visitors, each running conversations until `seconds` or `max_messages` is reached.

    think=None: closed loop, the next message right after the reply; think=(lo, hi): a uniform pause.
    """
    import aiohttp

    results = Results()
    deadline = time.perf_counter() + seconds
    budget = [max_messages]

    async def visitor(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        if stagger:
            await asyncio.sleep(rng.uniform(0, stagger))
        while time.perf_counter() < deadline:
            sender = f"bench-{uuid.uuid4().hex[:12]}"
            results.conversations += 1
            for turn in conversation(rng):
                if time.perf_counter() >= deadline or budget[0] <= 0:
                    return
                budget[0] -= 1
                await send(session, url, sender, turn, results, timeout)
                if think:
                    await asyncio.sleep(rng.uniform(*think))

    connector = aiohttp.TCPConnector(limit=concurrency + 4, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as session:
        results.started = time.perf_counter()
        await asyncio.gather(*(visitor(i) for i in range(concurrency)))
        results.finished = time.perf_counter()
    summary = results.summary()
    summary["concurrency"] = concurrency
    return summary


def load_in_subprocess(url: str, **kwargs: Any) -> Dict[str, Any]:
    """Run one load in a separate process (a fresh interpreter), so the driver never shares a GIL with anything."""
    command = [sys.executable, str(Path(__file__)), "--_drive", json.dumps(dict(kwargs, url=url))]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise RuntimeError(f"load driver failed: {result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# ---- serving -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> List[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            parent = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid:
            found.append(int(entry.name))
    return found


def _descendants(pid: int) -> List[int]:
    result, todo = [], [pid]
    while todo:
        kids = _children(todo.pop())
        result += kids
        todo += kids
    return result


def _status_kb(pid: int, field_name: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class Served:
    """One bot served by scripts/run.sh (or, for the workers experiment, by an equivalent command)."""

    def __init__(
        self,
        model: Path,
        workdir: Path,
        env_extra: Optional[Dict[str, str]] = None,
        command: Optional[List[str]] = None,
    ):
        self.port, self.action_port, self.token = free_port(), free_port(), uuid.uuid4().hex
        self.url = f"http://127.0.0.1:{self.port}"
        self.webhook = f"{self.url}/webhooks/rest/webhook"
        self.log_path = workdir / f"run-{model.stem.split('.')[0]}-{self.port}.log"
        env = dict(
            rasa_env(),
            RASA_PORT=str(self.port),
            ACTION_PORT=str(self.action_port),
            RASA_AUTH_TOKEN=self.token,
            TRACKER_DB=str(workdir / f"tracker-{self.port}.db"),
            MODEL=str(model),
        )
        env.update(env_extra or {})
        self.env = env
        self.log = open(self.log_path, "w")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command or [str(ROOT / "scripts" / "run.sh")],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.peak_kb: Dict[str, int] = {"rasa": 0, "actions": 0}
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def roles(self) -> Dict[str, List[int]]:
        """pids of the Rasa server and of the action server (with their children, e.g. Sanic workers)."""
        roles: Dict[str, List[int]] = {"rasa": [], "actions": []}
        for pid in _descendants(self.process.pid):
            line = _cmdline(pid)
            if "rasa" not in line or " run" not in line:
                continue
            roles["actions" if "run actions" in line else "rasa"].append(pid)
        return roles

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            self.record_peaks()

    def record_peaks(self) -> None:
        for role, pids in self.roles().items():
            # VmHWM: the peak resident set size the kernel saw; summed over a role's processes (workers).
            total = sum(max(_status_kb(pid, "VmHWM"), _status_kb(pid, "VmRSS")) for pid in pids)
            self.peak_kb[role] = max(self.peak_kb[role], total)

    def wait_ready(self, limit: float = 300) -> float:
        """Seconds from start until /status reports a loaded model."""
        import requests

        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the assistant stopped while starting:\n{self.log_path.read_text()[-3000:]}")
            try:
                response = requests.get(f"{self.url}/status", params={"token": self.token}, timeout=2)
                if response.ok and response.json().get("model_file"):
                    return time.perf_counter() - self.started
            except (requests.RequestException, ValueError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the assistant did not start in {limit} s:\n{self.log_path.read_text()[-3000:]}")

    def say(self, text: str, sender: Optional[str] = None) -> float:
        """Milliseconds for one REST message from a new visitor."""
        import requests

        started = time.perf_counter()
        response = requests.post(
            self.webhook, json={"sender": sender or f"bench-{uuid.uuid4().hex[:12]}", "message": text}, timeout=60
        )
        elapsed = 1000 * (time.perf_counter() - started)
        response.raise_for_status()
        if not response.json():
            raise RuntimeError(f"no reply to {text!r}")
        return elapsed

    def stop(self) -> None:
        self.record_peaks()
        self._stop.set()
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()


# ---- measurements ------------------------------------------------------------------------------

LOAD_PROBE = """
import json, sys, time, asyncio, os
sys.path.insert(0, os.getcwd())
t0 = time.perf_counter()
from rasa.core.agent import Agent
t1 = time.perf_counter()
agent = Agent.load(sys.argv[1])  # in-memory tracker store, no action server: nothing is written anywhere
t2 = time.perf_counter()
texts = ["hoe lang duurt lage rugpijn meestal?", "moet ik in bed blijven met rugpijn?", "helpt warmte tegen rugpijn?"]
def timed(make):
    out = []
    for i, text in enumerate(texts):
        s = time.perf_counter(); asyncio.run(make(i, text)); out.append(1000 * (time.perf_counter() - s))
    return out
parse = timed(lambda i, text: agent.parse_message(text))
# a whole turn (NLU, policies, an utter_ response) on fresh conversations, after the NLU is warm
turns = timed(lambda i, text: agent.handle_text(text, sender_id=f"probe-{i}"))
print(json.dumps({"import_s": t1 - t0, "model_load_s": t2 - t1, "parse_ms": parse, "turn_ms": turns}))
"""


def model_load_probe(model: Path) -> Dict[str, Any]:
    """Agent.load time (imports excluded), then the first NLU parses and first whole turns, in a fresh interpreter.

    The first parse and the first turn after load show what a visitor pays when the model is not warmed up.
    """
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-c", LOAD_PROBE, str(model)],
        cwd=ROOT,
        env=rasa_env(),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        return {"error": result.stderr[-500:]}
    data = json.loads(result.stdout.strip().splitlines()[-1])
    return {
        "import_s": round(data["import_s"], 2),
        "model_load_s": round(data["model_load_s"], 2),
        "first_parse_ms": round(data["parse_ms"][0], 1),
        "next_parses_ms": [round(x, 1) for x in data["parse_ms"][1:]],
        "first_turn_ms": round(data["turn_ms"][0], 1),
        "next_turns_ms": [round(x, 1) for x in data["turn_ms"][1:]],
    }


def timed_training(system: str) -> Dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-train-") as tmp:
        started = time.perf_counter()
        result = subprocess.run(
            train_command(system, Path(tmp), force=True), cwd=ROOT, env=rasa_env(), capture_output=True, text=True
        )
        seconds = time.perf_counter() - started
    if result.returncode != 0:
        return {"error": (result.stdout + result.stderr)[-500:]}
    return {"seconds": round(seconds, 1), "how": "rasa train --force (timed by scripts/bench.py)"}


def py_spy_record(pid: int, seconds: float, path: Path, rate: int = 100) -> Optional[Path]:
    """Start py-spy on the Rasa server in the background; returns the output path or None without py-spy."""
    binary = shutil.which("py-spy") or str(ROOT / ".venv" / "bin" / "py-spy")
    if not Path(binary).exists():
        print("    (py-spy not installed: pip install py-spy; no profile)")
        return None
    subprocess.Popen(
        [
            binary,
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(int(seconds)),
            "--rate",
            str(rate),
            "--format",
            "raw",
            "--output",
            str(path),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return path


IDLE_LEAVES = ("serve (sanic/", "select (selectors.py", "_run_once (asyncio/base_events.py", "poll (selectors.py")


def _busy_stacks(raw: Path):
    """(frames, count) of the samples in which the server was doing something (the idle event loop left out)."""
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        if frames[-1].startswith(IDLE_LEAVES):
            continue
        yield frames, int(count)


def top_frames(raw: Path, limit: int = 15) -> List[Dict[str, Any]]:
    """Self and inclusive share of the hottest functions in a py-spy raw (collapsed stacks) file, busy samples."""
    own: Dict[str, int] = {}
    inclusive: Dict[str, int] = {}
    total = 0
    for frames, n in _busy_stacks(raw):
        total += n
        own[frames[-1]] = own.get(frames[-1], 0) + n
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + n
    hottest = sorted(own.items(), key=lambda kv: -kv[1])[:limit]
    return (
        [
            {
                "frame": frame,
                "self_pct": round(100 * n / total, 1),
                "inclusive_pct": round(100 * inclusive[frame] / total, 1),
            }
            for frame, n in hottest
        ]
        if total
        else []
    )


def inclusive_share(raw: Path, needles: Dict[str, str]) -> Dict[str, Any]:
    """Share of the busy samples whose stack contains each needle, and the busy time itself."""
    total, hits = 0, {title: 0 for title in needles}
    for frames, n in _busy_stacks(raw):
        total += n
        stack = ";".join(frames)
        for title, needle in needles.items():
            if needle in stack:
                hits[title] += n
    shares = {title: round(100 * n / total, 1) if total else 0.0 for title, n in hits.items()}
    return {"busy_samples": total, "shares_pct": shares}


# What a busy sample of the Rasa server is doing, by the source file in its stack.
PROFILE_NEEDLES = {
    "tracker store (SQLAlchemy/SQLite)": "sqlalchemy/",
    "  of which commit (fsync)": "do_commit",
    "lock store": "lock_store.py",
    "NLU: parse_message": "parse_message",
    "  TensorFlow": "tensorflow/",
    "  DIETClassifier": "diet_classifier.py",
    "  ResponseSelector": "response_selector.py",
    "  spaCy": "spacy/",
    "  featurizers": "featurizers/",
    "  our components (TextGuard, TopicGate, SafetyNet)": "assistant/components.py",
    "policies (all, per action prediction)": "_predict_next_with_tracker",
    "  TEDPolicy": "ted_policy.py",
    "  RulePolicy": "rule_policy.py",
    "  our SafetyNetPolicy": "assistant/policy.py",
    "custom actions: HTTP call to the action server": "rasa/utils/endpoints.py",
    "custom actions: jsonschema check of the reply": "_validate_action_result",
}


def bench_system(
    name: str, model: Path, args, workdir: Path, env_extra=None, command=None, profile: bool = False
) -> Dict[str, Any]:
    print(f"==> {SYSTEM_TITLES[name]}: starting {model.relative_to(ROOT)} as `make run` does")
    served = Served(model, workdir, env_extra, command)
    out: Dict[str, Any] = {"model": str(model.relative_to(ROOT))}
    try:
        out["ready_s"] = round(served.wait_ready(), 2)
        first_profile = None
        if profile:  # what the first visitor pays for: py-spy at a high rate around the first message
            first_profile = py_spy_record(
                served.roles()["rasa"][0], 4, args.out_path / f"profile_{name}_first.txt", rate=1000
            )
            time.sleep(1.5)
        first = served.say(FAQ_QUESTIONS[0])
        if first_profile is not None:
            time.sleep(4)
            if first_profile.exists():
                out["profile_first_answer"] = {
                    "file": first_profile.name,
                    "top_self": top_frames(first_profile),
                    "inclusive_pct": inclusive_share(first_profile, PROFILE_NEEDLES),
                }
        out["first_answer_ms"] = round(first, 1)
        out["next_answers_ms"] = [round(served.say(text), 1) for text in FAQ_QUESTIONS[1:4]]
        print(
            f"    ready after {out['ready_s']:.1f} s; first answer {first:.0f} ms, then "
            f"{', '.join(f'{x:.0f}' for x in out['next_answers_ms'])} ms"
        )
        out["capacity"] = []
        for level in args.levels:
            raw = None
            if profile and level == args.profile_level:
                pid = served.roles()["rasa"][0]
                raw = py_spy_record(pid, min(args.level_seconds, 30), args.out_path / f"profile_{name}_c{level}.txt")
            result = load_in_subprocess(
                served.webhook,
                concurrency=level,
                seconds=args.level_seconds,
                max_messages=args.level_max_messages,
                think=None,
                seed=level,
            )
            out["capacity"].append(result)
            print(
                f"    capacity c={level:<3d} {result['msgs_per_s']:6.1f} msg/s  p50 {result['p50_ms']} "
                f"p95 {result['p95_ms']} p99 {result['p99_ms']} ms  errors {result['errors']} "
                f"({result['messages']} msgs)"
            )
            if raw is not None:
                time.sleep(2)
                if raw.exists():
                    out["profile"] = {
                        "concurrency": level,
                        "file": raw.name,
                        "top_self": top_frames(raw),
                        "inclusive_pct": inclusive_share(raw, PROFILE_NEEDLES),
                    }
        result = load_in_subprocess(
            served.webhook,
            concurrency=args.visitors,
            seconds=args.realistic_seconds,
            max_messages=args.realistic_max_messages,
            think=args.think,
            seed=7,
            stagger=args.think[1],
        )
        out["realistic"] = result
        print(
            f"    realistic {args.visitors} visitors, think {args.think[0]}-{args.think[1]} s: "
            f"p50 {result['p50_ms']} p95 {result['p95_ms']} p99 {result['p99_ms']} ms, "
            f"{result['messages']} msgs, errors {result['errors']}"
        )
    finally:
        served.stop()
    out["peak_rss_mb"] = {role: round(kb / 1024, 1) for role, kb in served.peak_kb.items()}
    print(f"    peak RSS: rasa {out['peak_rss_mb']['rasa']} MB, action server {out['peak_rss_mb']['actions']} MB")
    return out


def endpoints_env(endpoints: Optional[str]) -> Dict[str, str]:
    """scripts/run.sh reads the endpoints file from ENDPOINTS (default endpoints.yml)."""
    return {"ENDPOINTS": str(Path(endpoints).resolve())} if endpoints else {}


def workers_experiment(args, workdir: Path) -> Optional[Dict[str, Any]]:
    """Ours with 2 Sanic workers and a Redis lock store (Rasa refuses >1 worker with the in-memory lock store)."""
    redis = shutil.which("redis-server")
    if not redis:
        print("    (redis-server not found: workers experiment skipped)")
        return None
    redis_port = free_port()
    redis_process = subprocess.Popen(
        [redis, "--port", str(redis_port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoints = workdir / "endpoints-redis.yml"
    base = Path(args.endpoints).resolve() if args.endpoints else ROOT / "endpoints.yml"
    endpoints.write_text(base.read_text() + f"\nlock_store:\n  type: redis\n  url: 127.0.0.1\n  port: {redis_port}\n")
    try:
        return bench_system(
            "ours_2workers_redis",
            OURS_MODEL,
            args,
            workdir,
            env_extra={"SANIC_WORKERS": "2", **endpoints_env(str(endpoints))},
        )
    except Exception as error:  # noqa: BLE001 - an experiment must not lose the main results
        print(f"    workers experiment failed: {error}")
        return {"error": str(error)[-2000:]}
    finally:
        redis_process.terminate()
        redis_process.wait(timeout=10)


# ---- report ------------------------------------------------------------------------------------


def _v(value: Any, unit: str = "") -> str:
    return "–" if value is None else f"{value}{unit}"


def summary_lines(report: Dict[str, Any]) -> List[str]:
    systems = report["systems"]
    names = list(systems)
    lines = ["| measurement | " + " | ".join(SYSTEM_TITLES[n] for n in names) + " |", "|---|" + "---:|" * len(names)]

    def row(title: str, cells: List[str]) -> None:
        lines.append(f"| {title} | " + " | ".join(cells) + " |")

    for i, level in enumerate(report["settings"]["levels"]):
        row(f"capacity c={level}: msg/s", [_v(systems[n]["capacity"][i]["msgs_per_s"]) for n in names])
        row(
            f"capacity c={level}: p50 / p95 / p99 ms",
            [
                f"{systems[n]['capacity'][i]['p50_ms']} / {systems[n]['capacity'][i]['p95_ms']} / "
                f"{systems[n]['capacity'][i]['p99_ms']}"
                for n in names
            ],
        )
        counts = [systems[n]["capacity"][i] for n in names]
        row(f"capacity c={level}: errors", [f"{c['errors']} of {c['messages'] + c['errors']}" for c in counts])
    s = report["settings"]
    row(
        f"realistic {s['visitors']} visitors (think {s['think'][0]}–{s['think'][1]} s): p50 / p95 / p99 ms",
        [
            f"{systems[n]['realistic']['p50_ms']} / {systems[n]['realistic']['p95_ms']} / "
            f"{systems[n]['realistic']['p99_ms']}"
            for n in names
        ],
    )
    row(
        "realistic: messages, errors",
        [f"{systems[n]['realistic']['messages']}, {systems[n]['realistic']['errors']}" for n in names],
    )
    row(
        "red-flag replies without 112/huisarts (all loads)",
        [str(sum(c["unexpected_replies"] for c in systems[n]["capacity"] + [systems[n]["realistic"]])) for n in names],
    )
    row("start → ready (s)", [_v(systems[n].get("ready_s")) for n in names])
    row(
        "first answer after ready (ms); next three",
        [f"{systems[n]['first_answer_ms']}; {', '.join(str(x) for x in systems[n]['next_answers_ms'])}" for n in names],
    )
    row("model load, Agent.load (s)", [_v((systems[n].get("load_probe") or {}).get("model_load_s")) for n in names])
    row(
        "first / next NLU parse after load (ms)",
        [
            f"{(systems[n].get('load_probe') or {}).get('first_parse_ms', '–')} / "
            f"{', '.join(str(x) for x in (systems[n].get('load_probe') or {}).get('next_parses_ms', []))}"
            for n in names
        ],
    )
    row(
        "first / next whole turn after load, in process (ms)",
        [
            f"{(systems[n].get('load_probe') or {}).get('first_turn_ms', '–')} / "
            f"{', '.join(str(x) for x in (systems[n].get('load_probe') or {}).get('next_turns_ms', []))}"
            for n in names
        ],
    )
    row("training (s)", [_v((systems[n].get("training") or {}).get("seconds")) for n in names])
    row("peak RSS Rasa server (MB)", [_v(systems[n]["peak_rss_mb"]["rasa"]) for n in names])
    row("peak RSS action server (MB)", [_v(systems[n]["peak_rss_mb"]["actions"]) for n in names])
    return lines


def targets_lines(report: Dict[str, Any]) -> List[str]:
    ours = report["systems"]["ours"]
    best = max(c["msgs_per_s"] for c in ours["capacity"])
    errors64 = sum(c["errors"] for c in ours["capacity"])
    training = (ours.get("training") or {}).get("seconds")
    checks = [
        ("realistic p95 ≤ 100 ms", ours["realistic"]["p95_ms"], ours["realistic"]["p95_ms"] <= 100),
        ("realistic p99 ≤ 250 ms", ours["realistic"]["p99_ms"], ours["realistic"]["p99_ms"] <= 250),
        ("realistic: no errors", ours["realistic"]["errors"], ours["realistic"]["errors"] == 0),
        ("capacity ≥ 40 msg/s (best level)", best, best >= 40),
        ("no errors up to the highest concurrency", errors64, errors64 == 0),
        ("first answer after ready ≤ 150 ms", ours["first_answer_ms"], ours["first_answer_ms"] <= 150),
        ("training ≤ 3 min (s)", training, None if training is None else training <= 180),
    ]
    lines = ["| target | measured (ours) | met |", "|---|---:|:---:|"]
    for title, value, ok in checks:
        lines.append(f"| {title} | {_v(value)} | {'–' if ok is None else 'yes' if ok else '**no**'} |")
    return lines


def ratio_lines(report: Dict[str, Any]) -> List[str]:
    systems = report["systems"]
    if "rasa_default" not in systems:
        return []
    ours, base = systems["ours"], systems["rasa_default"]
    lines = ["| ratio ours / rasa init default | value |", "|---|---:|"]
    for i, level in enumerate(report["settings"]["levels"]):
        a, b = ours["capacity"][i], base["capacity"][i]
        if b["msgs_per_s"] and b["p95_ms"]:
            lines.append(
                f"| capacity c={level}: throughput; p95 | {a['msgs_per_s'] / b['msgs_per_s']:.2f}; "
                f"{a['p95_ms'] / b['p95_ms']:.2f} |"
            )
    a, b = ours["realistic"], base["realistic"]
    if b["p95_ms"]:
        lines.append(f"| realistic: p50; p95 | {a['p50_ms'] / b['p50_ms']:.2f}; {a['p95_ms'] / b['p95_ms']:.2f} |")
    lines.append(f"| peak RSS Rasa server | {ours['peak_rss_mb']['rasa'] / max(base['peak_rss_mb']['rasa'], 1):.2f} |")
    return lines


def plot(report: Dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
    styles = {"ours": "-", "rasa_default": "--", "ours_2workers_redis": ":"}
    colors = {"p50_ms": "tab:green", "p95_ms": "tab:orange", "p99_ms": "tab:red"}
    levels = report["settings"]["levels"]
    for name, system in report["systems"].items():
        for key, color in colors.items():
            left.plot(
                levels,
                [c[key] for c in system["capacity"]],
                styles.get(name, "-"),
                marker="o",
                color=color,
                label=f"{SYSTEM_TITLES[name]} {key[:-3]}",
            )
        right.plot(
            levels,
            [c["msgs_per_s"] for c in system["capacity"]],
            styles.get(name, "-"),
            marker="o",
            label=SYSTEM_TITLES[name],
        )
    left.set_xscale("log", base=2)
    left.set_yscale("log")
    left.set_xticks(levels)
    left.set_xticklabels([str(x) for x in levels])
    left.axhline(100, color="grey", lw=0.8, ls=":")
    left.set_xlabel("concurrent conversations (closed loop, no think time)")
    left.set_ylabel("latency per message (ms, log)")
    left.set_title("Latency percentiles vs concurrency")
    left.legend(fontsize=7, ncol=2)
    right.set_xscale("log", base=2)
    right.set_xticks(levels)
    right.set_xticklabels([str(x) for x in levels])
    right.axhline(40, color="grey", lw=0.8, ls=":", label="target 40 msg/s")
    right.set_xlabel("concurrent conversations")
    right.set_ylabel("messages per second")
    right.set_title("Throughput vs concurrency")
    right.legend(fontsize=8)
    fig.suptitle(f"make bench, {report['date']}, {report['machine_short']}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


# ---- main --------------------------------------------------------------------------------------


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
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
    parser.add_argument(
        "--workers-experiment", action="store_true", help="also ours with SANIC_WORKERS=2 and a Redis lock store"
    )
    parser.add_argument("--endpoints", help="serve with this endpoints file (run.sh's ENDPOINTS), not endpoints.yml")
    parser.add_argument("--out", default="reports/bench")
    parser.add_argument("--docs", default="docs/bench", help="where summary.md and bench.png are copied ('' = none)")
    parser.add_argument("--render", metavar="BENCH_JSON", help="only rewrite summary.md/bench.png from a bench.json")
    parser.add_argument("--_drive", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.render:  # only redo summary.md and bench.png from an earlier bench.json
        report = json.loads(Path(args.render).read_text())
        for system in report["systems"].values():  # recount the profiles with the current PROFILE_NEEDLES
            for key in ("profile", "profile_first_answer"):
                raw = Path(args.render).resolve().parent / (system.get(key) or {}).get("file", "-")
                if raw.is_file():
                    system[key].update(top_self=top_frames(raw), inclusive_pct=inclusive_share(raw, PROFILE_NEEDLES))
        write_report(report, Path(args.render).resolve().parent, "" if report.get("smoke") else args.docs)
        return report
    if args._drive:  # the load driver, in its own process
        options = json.loads(args._drive)
        print(json.dumps(asyncio.run(run_load(**options))))
        return {}

    started = time.perf_counter()
    if args.smoke:
        args.levels, args.level_seconds, args.visitors, args.realistic_seconds = "1,4", 4, 5, 6
        args.think, args.skip_baseline, args.skip_train, args.docs = "0.2,0.5", True, True, ""
    args.levels = [int(x) for x in args.levels.split(",")]
    args.think = [float(x) for x in args.think.split(",")]
    args.out_path = (ROOT / args.out).resolve()
    args.out_path.mkdir(parents=True, exist_ok=True)

    if args.smoke:
        if not OURS_MODEL.exists():
            raise SystemExit(f"{OURS_MODEL.relative_to(ROOT)} is missing: run `make train` first")
    else:
        ensure_model("ours")
    models = {"ours": OURS_MODEL}
    if not args.skip_baseline:
        ensure_model("rasa_default")
        models["rasa_default"] = BASELINE_MODEL

    report: Dict[str, Any] = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "machine_short": f"{os.cpu_count()} cores, shared",
        "smoke": args.smoke,
        "settings": {
            "levels": args.levels,
            "level_seconds": args.level_seconds,
            "level_max_messages": args.level_max_messages,
            "visitors": args.visitors,
            "realistic_seconds": args.realistic_seconds,
            "think": args.think,
            "endpoints": args.endpoints or "endpoints.yml",
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
                env_extra=endpoints_env(args.endpoints),
                profile=args.profile and name == "ours",
            )
            if not args.smoke:
                system["load_probe"] = model_load_probe(model)
            report["systems"][name] = system
            (args.out_path / "bench.partial.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
        if args.workers_experiment:
            experiment = workers_experiment(args, workdir)
            if experiment and "error" not in experiment:
                report["systems"]["ours_2workers_redis"] = experiment
            elif experiment:
                report["workers_experiment_error"] = experiment["error"]
        for log in workdir.glob("run-*.log"):
            shutil.copy(log, args.out_path / log.name)

    logged = json.loads(TRAIN_TIMES.read_text()) if TRAIN_TIMES.exists() else {}
    for name in models:
        if not args.skip_train and name == "ours":
            print("==> timing `rasa train --force` of ours (into a temporary folder; --skip-train skips this)")
            report["systems"][name]["training"] = timed_training(name)
        elif name in logged:
            report["systems"][name]["training"] = dict(logged[name], source=str(TRAIN_TIMES.relative_to(ROOT)))
    report["seconds"] = round(time.perf_counter() - started, 1)

    report["command"] = "python scripts/bench.py " + " ".join(argv if argv is not None else sys.argv[1:])
    (args.out_path / "bench.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    (args.out_path / "bench.partial.json").unlink(missing_ok=True)
    write_report(report, args.out_path, args.docs)
    return report


def profile_lines(title: str, prof: Dict[str, Any]) -> List[str]:
    lines = [
        f"### {title}",
        "",
        f"Busy samples: {prof['inclusive_pct']['busy_samples']} (the idle event loop left "
        "out); a part's share counts every sample with that part anywhere in its stack.",
        "",
        "| part | % of busy samples |",
        "|---|---:|",
    ]
    lines += [f"| {k} | {v} |" for k, v in prof["inclusive_pct"]["shares_pct"].items() if not k.startswith("HTTP/")]
    lines += [
        "",
        "Hottest functions (self time): "
        + "; ".join(f"`{f['frame']}` {f['self_pct']} %" for f in prof["top_self"][:5]),
        "",
    ]
    return lines


def write_report(report: Dict[str, Any], out_path: Path, docs: str) -> None:
    """summary.md and bench.png from a bench.json (also: --render to redo them from an earlier run)."""
    plot(report, out_path / "bench.png")
    table = summary_lines(report)
    endpoints = report["settings"].get("endpoints", "endpoints.yml")
    text = [
        f"# Speed, load and footprint ({report['date']})",
        "",
        f"Machine: {report['machine']}. Command: `{report.get('command', 'python scripts/bench.py').strip()}` "
        f"({report['seconds'] / 60:.0f} min).",
        "",
        f"Each bot is started by scripts/run.sh as `make run` does (action server, channels, HTTP API, the "
        f"tracker store of {endpoints}, a fresh database) and driven over loopback by a separate process "
        "with multi-turn Dutch conversations (FAQ questions, the exercise questionnaire, a red flag). "
        "Capacity: closed loop without think time, "
        f"{report['settings']['level_seconds']:.0f} s per level. Absolute numbers drift on a shared machine: "
        "the ratio to the `rasa init` bot, measured in the same run, is the number that counts.",
        "",
        *table,
        "",
        *targets_lines(report),
        "",
    ]
    text += ratio_lines(report) + [""]
    ours = report["systems"]["ours"]
    if ours.get("profile") or ours.get("profile_first_answer"):
        text += ["## Where the Rasa server's time goes (py-spy)", ""]
    if ours.get("profile"):
        text += profile_lines(f"Under load, capacity c={ours['profile']['concurrency']}", ours["profile"])
    if ours.get("profile_first_answer"):
        text += profile_lines("The first answer after ready (sampled at 1 kHz)", ours["profile_first_answer"])
    if report.get("workers_experiment_error"):
        text += [f"Workers experiment failed: `{report['workers_experiment_error'][-300:]}`", ""]
    text += ["![latency and throughput vs concurrency](bench.png)", ""]
    (out_path / "summary.md").write_text("\n".join(text))
    if docs:
        target = ROOT / docs
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(out_path / "summary.md", target / "summary.md")
        shutil.copy(out_path / "bench.png", target / "bench.png")
    print()
    print("\n".join(table))
    print()
    print("\n".join(targets_lines(report)))
    print("\n".join([""] + ratio_lines(report)))
    print(f"\nreport: {out_path}/summary.md ({report['seconds']:.0f} s)")


if __name__ == "__main__":
    main()
