"""The measurements of `make bench`: one bot under load (bench_system), the model load probe, timed training,
and how long a visitor waits for the apology when a service fails (outages). The scale experiment (1 and N Rasa
workers next to the rasa init bot) is benchmark/scale.py, built on bench_system."""

from __future__ import annotations

import json
import statistics
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

import requests

from benchmark.big_message import big_message_in_subprocess
from benchmark.footprint import Served
from benchmark.load import FAQ_QUESTIONS, load_in_subprocess
from benchmark.profile import PROFILE_NEEDLES, inclusive_share, py_spy_record, top_frames
from benchmark.report import SYSTEM_TITLES
from evaluation.models import OURS_MODEL, train_command
from evaluation.runtime import rasa_env
from tests.support.guarded import guarded_server
from tests.support.paths import PYTHON, ROOT
from tests.support.processes import ActionServer
from tests.support.services import address, unreachable

# ---- one bot, and what it costs to load and train ------------------------------------------------------------------

LOAD_PROBE = """
import json, sys, time, asyncio
t0 = time.perf_counter()
from assistant.serve import prepare
prepare()  # the patches, as every way of starting Rasa installs them
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
        [str(PYTHON), "-c", LOAD_PROBE, str(model)],
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
    return {"seconds": round(seconds, 1), "how": "rasa train --force (timed by python -m benchmark)"}


def bench_system(
    name: str,
    model: Path,
    args,
    workdir: Path,
    env_extra=None,
    profile: bool = False,
    unset: Sequence[str] = (),
) -> Dict[str, Any]:
    """Start one bot as `make run` does, then: first answers, capacity levels, realistic load, peak memory of each
    process, and for ours the big-message experiment. ``env_extra``/``unset``: run.sh's environment (Served)."""
    shown = model.relative_to(ROOT) if model.is_relative_to(ROOT) else model  # --baseline-model may be elsewhere
    print(f"==> {SYSTEM_TITLES[name]}: starting {shown} as `make run` does")
    served = Served(model, workdir, env_extra, unset=unset)
    # settings: what run.sh got on top of this environment; None = taken away (run.sh's default).
    settings: Dict[str, Optional[str]] = {**(env_extra or {}), **{variable: None for variable in unset}}
    out: Dict[str, Any] = {"model": str(shown), "settings": settings}
    try:
        out["ready_s"] = round(served.start(), 2)
        out["workers"] = len(served.roles()["rasa"])
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
        if out["workers"] > 1:  # the messages above went to some of the workers only (by sender)
            served.warm_workers(FAQ_QUESTIONS[:3])
        print(
            f"    {out['workers']} Rasa worker(s), ready after {out['ready_s']:.1f} s; first answer {first:.0f} ms, "
            f"then {', '.join(f'{x:.0f}' for x in out['next_answers_ms'])} ms"
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
        if name == "ours" and not args.skip_big_message:
            out["big_message"] = big_message_experiment(served, args)
    finally:
        served.stop()
    out["peak_rss_mb"] = {role: round(kb / 1024, 1) for role, kb in served.peak_kb.items()}
    out["peak_rss_mb_per_process"] = served.peak_mb_per_process()
    each = out["peak_rss_mb_per_process"]
    print(
        f"    peak RSS: Rasa {' + '.join(str(mb) for mb in each['rasa'])} MB"
        + (f", gateway {' + '.join(str(mb) for mb in each['gateway'])} MB" if each["gateway"] else "")
        + f", action server {out['peak_rss_mb']['actions']} MB"
    )
    return out


def big_message_experiment(served: Served, args) -> Dict[str, Any]:
    """Another visitor's short message alone, after an ordinary one, a 60 KB one and a 1 MB one (big_message.py)."""
    print(
        f"==> big message: another visitor's wait, {args.big_message_trials} trials "
        f"(at most {args.big_message_seconds:g} s)"
    )
    try:
        result = big_message_in_subprocess(
            served.webhook, trials=args.big_message_trials, seconds=args.big_message_seconds
        )
    except Exception as error:  # noqa: BLE001 - an experiment must not lose the main results
        print(f"    big-message experiment failed: {error}")
        return {"error": str(error)[-2000:]}
    for phase, entry in result["phases"].items():
        extra = entry.get("extra_wait_ms")
        big = entry.get("big_message")
        print(
            f"    {phase:<9s} short p50 {entry['p50_ms']} p95 {entry['p95_ms']} max {entry['max_ms']} ms"
            + (f"; extra wait p50 {extra['p50_ms']} p95 {extra['p95_ms']} max {extra['max_ms']}" if extra else "")
            + (f"; the other message: {big['statuses']}" if big else "")
        )
    return result


def big_message_alone(args, workdir: Path, env_extra=None) -> Dict[str, Any]:
    """`--only big-message`: ours started as `make run` does, then only the big-message experiment."""
    print(f"==> ours: starting {OURS_MODEL.relative_to(ROOT)} as `make run` does (big-message experiment only)")
    served = Served(OURS_MODEL, workdir, env_extra)
    try:
        ready = served.start()
        served.say(FAQ_QUESTIONS[0])  # the first answer after ready is slow; the experiment warms up further itself
        return {"ready_s": round(ready, 2), **big_message_experiment(served, args)}
    finally:
        served.stop()


def endpoints_env(endpoints: Optional[str]) -> Dict[str, str]:
    """scripts/run.sh reads the endpoints file from ENDPOINTS (default endpoints.yml)."""
    return {"ENDPOINTS": str(Path(endpoints).resolve())} if endpoints else {}


# ---- outages: how long a visitor waits for the apology -------------------------------------------------------------
# tests/test_outages.py checks WHAT the visitor gets (the apology, the same question again, nothing lost); this
# times it, on the tests' own guarded server (tests/support/guarded.py: PostgreSQL and the action server behind
# proxies), with the production default action timeout.

STORAGE, ACTIONS = "utter_storage_unavailable", "utter_actions_unavailable"
FORM = ("welke oefeningen kan ik doen?", "al een week of drie")
TIMED = "alleen in mijn onderrug"  # the answer the form's validation (an action) has to check
PRODUCTION_ACTION_TIMEOUT = 5.0  # assistant/action_endpoint.py's default (ACTION_TIMEOUT_SECONDS)


def _response_texts(server, name: str) -> set:
    domain = requests.get(
        f"{server.url}/domain", params={"token": server.token}, headers={"Accept": "application/json"}, timeout=30
    ).json()
    return {variant["text"] for variant in domain["responses"].get(name, [])}


def outage_experiment(workdir: Path, repeats: int = 3) -> Dict[str, Any]:
    """Time from the visitor's message to the apology, for each way a service can fail, mid-questionnaire."""
    missing = unreachable("postgresql")
    if missing:
        print(f"    (outages skipped: {missing})")
        return {"skipped": missing}
    host, port = address("postgresql")
    print(f"==> outages: time to the apology, {repeats} times each (PostgreSQL at {host}:{port}, proxies)")
    actions = ActionServer(workdir).start()
    try:
        with guarded_server(workdir, actions.port, host, port, action_timeout=PRODUCTION_ACTION_TIMEOUT) as guarded:
            server = guarded.server

            def read_only() -> None:
                guarded.database.set_read_only(True)

            def restore() -> None:
                guarded.database.set_read_only(False)
                guarded.restore()

            cases: Dict[str, tuple[Callable[[], None], str]] = {
                "database cut": (guarded.db_proxy.cut, STORAGE),
                "database refuses writes": (read_only, STORAGE),
                "action server down (connection refused)": (guarded.action_proxy.cut, ACTIONS),
                "action server hangs": (guarded.action_proxy.stall, ACTIONS),
            }
            apologies = {name: _response_texts(server, name) for name in (STORAGE, ACTIONS)}
            results: Dict[str, Any] = {"action_timeout_s": PRODUCTION_ACTION_TIMEOUT, "cases": {}}
            for title, (fail, apology) in cases.items():
                waits: List[float] = []
                apologised = 0
                for _ in range(repeats):
                    sender = f"outage-{uuid.uuid4().hex[:10]}"
                    for text in FORM:
                        server.say(sender, text)
                    fail()
                    try:
                        started = time.perf_counter()
                        replies = server.say(sender, TIMED)
                        waits.append(1000 * (time.perf_counter() - started))
                    finally:
                        restore()
                    apologised += any(reply.get("text") in apologies[apology] for reply in replies)
                results["cases"][title] = {
                    "apology": apology,
                    "times": repeats,
                    "apologised": apologised,
                    "median_ms": round(statistics.median(waits), 1),
                    "max_ms": round(max(waits), 1),
                }
                case = results["cases"][title]
                print(f"    {title}: apology {apologised} of {repeats}, {case['median_ms']} ms (max {case['max_ms']})")
            return results
    except Exception as error:  # noqa: BLE001 - an experiment must not lose the main results
        print(f"    outages experiment failed: {error}")
        return {"error": str(error)[-2000:]}
    finally:
        actions.stop()
