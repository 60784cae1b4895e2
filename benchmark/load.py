"""The load generator of `make bench`: simulated visitors who run real multi-turn Dutch conversations over the
REST channel (FAQ questions, the exercise questionnaire, a red flag), closed loop or with think time.

Each load runs in its own interpreter (``python -m benchmark.load <options as JSON>``), so the driver never shares
a GIL with anything else.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

from tests.support.paths import ROOT

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
            Turn("nee, geen daarvan"),  # osteoporosis, pregnancy, back surgery, a new hip?
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


def driver_in_subprocess(module: str, url: str, **kwargs: Any) -> Dict[str, Any]:
    """Run a driver module (``python -m <module> '<json kwargs>'``, printing its result as JSON on the last line) in
    a fresh interpreter, so the driver never shares a GIL with the bench or the server."""
    command = [sys.executable, "-m", module, json.dumps(dict(kwargs, url=url))]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise RuntimeError(f"{module} driver failed: {result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def load_in_subprocess(url: str, **kwargs: Any) -> Dict[str, Any]:
    """Run one load in a separate process (see driver_in_subprocess)."""
    return driver_in_subprocess("benchmark.load", url, **kwargs)


if __name__ == "__main__":  # the load driver, in its own process (load_in_subprocess)
    print(json.dumps(asyncio.run(run_load(**json.loads(sys.argv[1])))))
