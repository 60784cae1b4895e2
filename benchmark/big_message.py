"""A big message costs other visitors no extra wait: the bench experiment of issue 11's first row.

Rasa runs NLU and the policies on the one event loop, so a message that takes long to handle makes every other
visitor wait behind it. The request budget (channels/guard.py, assistant/serve.py) keeps that short: a body over
64 KB is refused with 413 before any work, and the REST channel cuts a message to 1,500 characters before NLU.

Each trial times another visitor's short ordinary message three ways, interleaved so that drift on a shared machine
falls on all three alike:

  alone      nothing else runs
  ordinary   sent 5-40 ms after another visitor's ordinary question (the reference: what any message costs others
             on one event loop)
  60 KB      sent 5-40 ms after one visitor's message just under the body limit (Dutch back-pain text)
  1 MB       sent 5-40 ms after one visitor's 1 MB message (``"ik heb rugpijn " * 70000``, the issue's example)

The extra wait is a percentile of the short messages' latency with the big message minus the same percentile alone;
``beyond_ordinary_ms`` subtracts the ordinary phase instead (issue 11: no message holds the loop more than 20 ms
longer than an ordinary one).
Every short message and every big message is from a new visitor, so no conversation grows over the run. The driver
runs in its own interpreter (``python -m benchmark.big_message <options as JSON>``), over loopback, bounded by
``trials`` and ``seconds``.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
import uuid
from collections import Counter
from typing import Any, Dict, List, Optional, Sequence

from benchmark.load import driver_in_subprocess, pct

SHORT_MESSAGE = "ik heb rugpijn na het tillen, wat kan ik doen?"
ORDINARY_MESSAGE = "wat kan ik zelf doen tegen pijn in mijn onderrug?"
BODY_LIMIT_BYTES = 64 * 1024  # channels.guard.REQUEST_MAX_BYTES; not imported: the driver must not load the channels
NEAR_LIMIT_BYTES = 60 * 1024  # the 60 KB message: under the limit with the JSON around it
ONE_MEGABYTE_TEXT = "ik heb rugpijn " * 70000
BACK_PAIN_SENTENCES = (
    "Ik heb al een paar dagen pijn onder in mijn rug sinds ik een zware doos heb opgetild. ",
    "Zitten gaat slecht en opstaan uit een stoel doet zeer, maar lopen gaat eigenlijk wel. ",
    "Ik weet niet goed of ik moet rusten of juist in beweging moet blijven. ",
    "Warmte helpt een beetje, en 's ochtends is het stijver dan 's avonds. ",
    "Op mijn werk zit ik de hele dag achter een bureau en dat maakt het niet beter. ",
)
PHASES = ("alone", "ordinary", "60 KB", "1 MB")
OFFSET_S = (0.005, 0.040)  # the short message leaves this long after the big one
PAUSE_S = 0.1  # between the messages of a trial, so that one trial's work does not spill into the next


def near_limit_text(size: int = NEAR_LIMIT_BYTES) -> str:
    """Dutch back-pain text of exactly ``size`` characters (ASCII, so also bytes)."""
    text, i = "", 0
    while len(text) < size:
        text += BACK_PAIN_SENTENCES[i % len(BACK_PAIN_SENTENCES)]
        i += 1
    return text[:size]


def body(text: str) -> bytes:
    return json.dumps({"sender": f"bench-big-{uuid.uuid4().hex[:12]}", "message": text}).encode()


async def post(session, url: str, data: bytes, timeout: float) -> Dict[str, Any]:
    """One request: its status (or the kind of error), milliseconds, and whether a 200 carried a reply."""
    import aiohttp

    started = time.perf_counter()
    try:
        async with session.post(
            url,
            data=data,
            headers={"Content-Type": "application/json"},
            timeout=aiohttp.ClientTimeout(total=timeout),
        ) as response:
            reply = await response.json(content_type=None)
            status = str(response.status)
    except Exception as error:  # noqa: BLE001 - every failure is an outcome of the run
        return {"status": f"error {type(error).__name__}", "ms": 1000 * (time.perf_counter() - started)}
    answered = status == "200" and isinstance(reply, list) and bool(reply)
    return {"status": status, "ms": 1000 * (time.perf_counter() - started), "answered": answered}


def _spread(values: Sequence[float]) -> Dict[str, Optional[float]]:
    ordered = sorted(values)
    return {
        "p50_ms": pct(ordered, 50),
        "p95_ms": pct(ordered, 95),
        "max_ms": round(ordered[-1], 1) if ordered else None,
    }


def _minus(spread: Dict[str, Optional[float]], reference: Dict[str, Optional[float]]) -> Dict[str, Optional[float]]:
    return {
        key: None if spread[key] is None or reference[key] is None else round(spread[key] - reference[key], 1)
        for key in spread
    }


async def run_experiment(
    url: str, trials: int, seconds: float, seed: int = 11, timeout: float = 60.0
) -> Dict[str, Any]:
    """``trials`` rounds of (alone, ordinary, 60 KB, 1 MB), fewer if ``seconds`` run out (module docstring)."""
    import aiohttp

    rng = random.Random(seed)
    big = {"ordinary": ORDINARY_MESSAGE, "60 KB": near_limit_text(), "1 MB": ONE_MEGABYTE_TEXT}
    short: Dict[str, List[float]] = {phase: [] for phase in PHASES}
    short_errors: Dict[str, List[str]] = {phase: [] for phase in PHASES}
    big_outcomes: Dict[str, List[Dict[str, Any]]] = {phase: [] for phase in big}
    started = time.perf_counter()
    connector = aiohttp.TCPConnector(limit=8)
    async with aiohttp.ClientSession(connector=connector) as session:
        # Warm-up, not counted: the first pass of each kind of message through a fresh server.
        for data in (body(SHORT_MESSAGE), body(big["60 KB"]), body(big["1 MB"]), body(SHORT_MESSAGE)):
            await post(session, url, data, timeout)
        done = 0
        while done < trials and time.perf_counter() - started < seconds:
            for phase in PHASES:
                big_request = None
                if phase in big:
                    big_request = asyncio.ensure_future(post(session, url, body(big[phase]), timeout))
                    await asyncio.sleep(rng.uniform(*OFFSET_S))
                outcome = await post(session, url, body(SHORT_MESSAGE), timeout)
                if outcome.get("answered"):
                    short[phase].append(outcome["ms"])
                else:
                    short_errors[phase].append(outcome["status"])
                if big_request is not None:
                    big_outcomes[phase].append(await big_request)
                await asyncio.sleep(PAUSE_S)
            done += 1
    alone, ordinary = _spread(short["alone"]), _spread(short["ordinary"])
    phases: Dict[str, Any] = {}
    for phase in PHASES:
        spread = _spread(short[phase])
        entry: Dict[str, Any] = {"short_messages": len(short[phase]), **spread, "short_errors": short_errors[phase]}
        if phase in big:
            entry["extra_wait_ms"] = _minus(spread, alone)
            if phase != "ordinary":
                entry["beyond_ordinary_ms"] = _minus(spread, ordinary)
            outcomes = big_outcomes[phase]
            entry["big_message"] = {
                "bytes": len(big[phase].encode()),
                "statuses": dict(Counter(o["status"] for o in outcomes)),
                "answered": sum(bool(o.get("answered")) for o in outcomes),
                **{f"big_{key}": value for key, value in _spread([o["ms"] for o in outcomes]).items()},
            }
        phases[phase] = entry
    return {
        "short_message": SHORT_MESSAGE,
        "trials": done,
        "seconds": round(time.perf_counter() - started, 1),
        "offset_ms": [1000 * x for x in OFFSET_S],
        "body_limit_bytes": BODY_LIMIT_BYTES,
        "phases": phases,
    }


def big_message_in_subprocess(url: str, **kwargs: Any) -> Dict[str, Any]:
    """Run the experiment's driver in a fresh interpreter (see benchmark.load.driver_in_subprocess)."""
    return driver_in_subprocess("benchmark.big_message", url, **kwargs)


if __name__ == "__main__":  # the driver, in its own process (big_message_in_subprocess)
    print(json.dumps(asyncio.run(run_experiment(**json.loads(sys.argv[1])))))
