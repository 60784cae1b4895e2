"""The insights report over many stored conversations (issue 15: 10,000 in under 30 s), and the seeder it uses.

The conversations are written straight into a tracker store's events table (the table and row format of Rasa's
SQLTrackerStore: type_name, timestamp, intent_name, action_name and the event's JSON), not over REST: seeding
10,000 over REST would take the assistant an hour. Each conversation follows one of the assistant's real paths
(an FAQ answer with related-topic buttons and sometimes one chosen, the fallback, not_covered, out_of_scope, an
alarm sign per tier, crisis, the exercise questionnaire finished or left at a question), with a user event's
parse data as large as the served pipeline stores (intent ranking, response-selector ranking). The texts are the
bench's own, made up for it. Then `python -m insights report` is timed as `make report` runs it, fresh.

Used by `python -m benchmark` (`--only insights`) and by tests/test_insights_browser.py (a smaller store for the
README's screenshot).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from tests.support.paths import ROOT

TARGET_SECONDS = 30.0
DAY = 24 * 60 * 60
FAQ = {
    "recovery_time": ["hoe lang blijft zo'n rug pijnlijk", "wanneer is mijn rugpijn weer over", "duurt dit weken?"],
    "bed_rest": ["moet ik plat liggen met een zere rug", "is op bed blijven verstandig", "rust nemen of bewegen?"],
    "hernia": ["wat is een hernia precies", "heb ik misschien een hernia", "hernia of gewoon spit?"],
    "ergonomics": ["hoe zit ik goed achter mijn bureau", "welke stoel is goed voor mijn rug", "tillen zonder pijn"],
    "painkillers": ["mag ik paracetamol nemen voor mijn rug", "helpen pijnstillers bij rugpijn", "ibuprofen ok?"],
    "physiotherapy": ["wat doet een fysio bij rugpijn", "moet ik naar de fysiotherapeut", "helpt fysio echt"],
    "prevention": ["hoe voorkom ik rugklachten", "wat kan ik doen zodat het niet erger wordt", "rug sterker maken"],
}
MISSES = {
    "utter_fallback": ["ik snap de knoppen niet", "hallo?? iemand daar", "wat bedoel je daarmee", "xyz rug ding"],
    "utter_not_covered": [
        "heb ik een mri nodig",
        "welk matras is goed",
        "rugpijn en zwanger, wat nu",
        "krijg ik fysio vergoed",
        "warmte of kou op mijn rug?",
    ],  # fmt: skip
    "utter_out_of_scope": ["wat is het weer morgen", "hoe laat gaat de winkel dicht", "vertel een mop"],
}
ALARMS = {
    "utter_red_flag_emergency": ["ik voel mijn billen niet meer en kan niet plassen"],
    "utter_red_flag_today": ["ik heb koorts en een pijnlijke onderrug", "gevallen van de trap, nu rugpijn"],
    "utter_red_flag_soon": ["de pijn houdt me elke nacht wakker"],
    "utter_crisis": ["ik wil er niet meer zijn"],
}
PERSONAL = ["mail me op iemand@voorbeeld.nl", "bel me terug op 06 12 34 56 78"]
FORM_SLOTS = ("klachtduur", "uitstraling", "pijnscore", "alarm_check")
FORM_ANSWERS = ("een week of drie", "nee, alleen in mijn rug", "een 6", "nee, niks van dat")
INTENTS = ("faq", "greet", "goodbye", "thanks", "not_covered", "out_of_scope", "inform", "affirm", "deny", "stop")


class Seeder:
    """Builds the events of made-up conversations and writes them in bulk."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.rows: List[Dict[str, Any]] = []

    def _row(self, sender: str, event: Dict[str, Any], intent: Optional[str] = None) -> None:
        self.rows.append(
            {
                "sender_id": sender,
                "type_name": event["event"],
                "timestamp": event["timestamp"],
                "intent_name": intent,
                "action_name": event.get("name"),
                "data": json.dumps(event, ensure_ascii=False),
            }
        )

    def action(self, sender: str, at: float, name: str) -> None:
        self._row(sender, {"event": "action", "timestamp": at, "name": name, "policy": "RulePolicy", "confidence": 1})

    def user(self, sender: str, at: float, text: str, intent: str, confidence: float) -> float:
        ranking = [{"name": intent, "confidence": confidence}] + [
            {"name": name, "confidence": round((1 - confidence) / 9, 4)} for name in INTENTS if name != intent
        ][:9]
        parse = {
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "entities": [],
            "intent_ranking": ranking,
            "response_selector": {
                "all_retrieval_intents": [f"faq/{topic}" for topic in FAQ],
                "faq": {
                    "response": {"intent_response_key": "faq/hernia", "confidence": confidence, "id": 1},
                    "ranking": [{"intent_response_key": f"faq/{t}", "confidence": 0.1} for t in FAQ],
                },
            },
            "alarm": {"tier": None, "signs": [], "ask": [], "crisis": False},
        }
        received = at - self.rng.uniform(0.02, 0.12)
        event = {"event": "user", "timestamp": at, "text": text, "parse_data": parse, "input_channel": "rest"}
        event["metadata"] = {"received_at": received, "model_id": "bench", "assistant_id": "rugpijn_assistent"}
        self._row(sender, event, intent)
        return at

    def bot(self, sender: str, at: float, utter: str, buttons: Tuple[str, ...] = ()) -> None:
        data = {"buttons": [{"title": f"knop {payload}", "payload": payload} for payload in buttons]}
        event = {"event": "bot", "timestamp": at, "text": "…", "data": data, "metadata": {"utter_action": utter}}
        self._row(sender, event)

    def slot(self, sender: str, at: float, name: str, value: Any) -> None:
        self._row(sender, {"event": "slot", "timestamp": at, "name": name, "value": value})

    def loop(self, sender: str, at: float, name: Optional[str]) -> None:
        self._row(sender, {"event": "active_loop", "timestamp": at, "name": name})

    def turn(self, sender: str, at: float, text: str, intent: str, utter: str, confidence: float = 0.95) -> float:
        self.user(sender, at, text, intent, confidence)
        reply = at + self.rng.uniform(0.02, 0.2)
        self.action(sender, reply, utter.split("/")[0])
        self.bot(sender, reply, utter, tuple(f"/faq/{t}" for t in self.rng.sample(sorted(FAQ), 3)))
        self.action(sender, reply, "action_listen")
        return reply + self.rng.uniform(5, 90)

    def conversation(self, sender: str, start: float) -> None:
        rng, at = self.rng, start
        self.action(sender, at, "action_session_start")
        self._row(sender, {"event": "session_started", "timestamp": at})
        self.action(sender, at, "action_listen")
        for _ in range(rng.choice((1, 1, 2, 2, 3, 4, 6))):
            kind = rng.choices(("faq", "miss", "alarm", "form", "personal"), (60, 22, 5, 10, 3))[0]
            if kind == "faq":
                topic = rng.choice(sorted(FAQ))
                at = self.turn(sender, at, rng.choice(FAQ[topic]), "faq", f"utter_faq/{topic}", rng.uniform(0.4, 1))
                if rng.random() < 0.3:  # a related-topic button under the answer
                    other = rng.choice(sorted(FAQ))
                    at = self.turn(sender, at, f"/faq/{other}", "faq", f"utter_faq/{other}", 1.0)
            elif kind in ("miss", "personal"):
                utter = rng.choice(sorted(MISSES))
                text = rng.choice(PERSONAL if kind == "personal" else MISSES[utter])
                at = self.turn(sender, at, text, "nlu_fallback" if utter == "utter_fallback" else utter[6:], utter, 0.5)
            elif kind == "alarm":
                utter = rng.choices(sorted(ALARMS), (1, 1, 3, 2))[0]
                at = self.turn(sender, at, rng.choice(ALARMS[utter]), "red_flag_today", utter, 1.0)
            else:
                at = self.form(sender, at)

    def form(self, sender: str, at: float) -> float:
        rng = self.rng
        self.user(sender, at, "welke oefeningen passen bij mij", "exercise_recommendation", 0.99)
        self.loop(sender, at, "exercise_recommendation_form")
        stop = rng.choice((2, 4, 4, 4, 1, 3))  # how many questions get an answer (4: finished)
        for index, slot in enumerate(FORM_SLOTS):
            self.slot(sender, at, "requested_slot", slot)
            self.bot(sender, at + 0.05, f"utter_ask_exercise_recommendation_form_{slot}")
            self.action(sender, at + 0.05, "action_listen")
            if index >= stop:
                return at + 60
            at += rng.uniform(5, 40)
            self.user(sender, at, FORM_ANSWERS[index], "inform", 0.9)
            self.slot(sender, at, slot, FORM_ANSWERS[index])
        self.slot(sender, at, "requested_slot", None)
        self.loop(sender, at, None)
        self.action(sender, at + 0.05, "action_exercise_recommendation")
        self.bot(sender, at + 0.05, "utter_exercise_recommendation_intro")
        return at + 60


def seed(url: str, conversations: int, days: float, now: Optional[float] = None, seed_value: int = 15) -> int:
    """Write ``conversations`` made-up conversations of the last ``days`` days into the store; returns the events."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    now = time.time() if now is None else now
    store = SQLTrackerStore(domain=Domain.empty(), host=url)  # creates the events table as Rasa does
    seeder = Seeder(random.Random(seed_value))
    for number in range(conversations):
        # more visitors lately, so the report shows a trend; none in the last half hour (the clock moves on)
        start = now - 1800 - days * DAY * (seeder.rng.random() ** 1.3)
        seeder.conversation(f"bench-{number:05d}", start)
    table = store.SQLEvent.__table__
    with store.engine.begin() as connection:
        for offset in range(0, len(seeder.rows), 20_000):
            connection.execute(table.insert(), seeder.rows[offset : offset + 20_000])
    store.engine.dispose()
    return len(seeder.rows)


def bench_insights(workdir: Path, conversations: int = 10_000, days: float = 29.0) -> Dict[str, Any]:
    """Seed a fresh SQLite store and time `python -m insights report` over it (a process of its own, as make)."""
    db = workdir / "insights.db"
    db.unlink(missing_ok=True)
    started = time.perf_counter()
    events = seed(f"sqlite:///{db}", conversations, days)
    seeded = time.perf_counter() - started
    out = workdir / "insights-report"
    command = [sys.executable, "-m", "insights", "report", "--db", f"sqlite:///{db}", "--out", str(out)]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        return {"error": result.stderr[-2000:], "conversations": conversations}
    numbers = json.loads((out / "report.json").read_text())
    print(f"==> insights report over {numbers['conversations']['total']} conversations: {seconds:.1f} s")
    return {
        "conversations": numbers["conversations"]["total"],
        "messages": numbers["conversations"]["messages"],
        "events": events,
        "seed_seconds": round(seeded, 1),
        "report_seconds": round(seconds, 2),
        "read_seconds": numbers["read_seconds"],
        "html_bytes": (out / "report.html").stat().st_size,
        "target_seconds": TARGET_SECONDS,
    }


def insights_lines(result: Optional[Dict[str, Any]]) -> List[str]:
    """The summary.md section of the insights experiment."""
    if not result:
        return []
    if "error" in result:
        return ["## The insights report (`make report`)", "", f"Failed: `{result['error'][-300:]}`", ""]
    ok = result["report_seconds"] < result["target_seconds"]
    return [
        "## The insights report (`make report`) over many stored conversations",
        "",
        f"{result['conversations']:,} conversations ({result['messages']:,} messages, {result['events']:,} events), "
        "seeded straight into a SQLite tracker store (benchmark/insights.py), then `python -m insights report` "
        f"timed as a process of its own: **{result['report_seconds']:.1f} s** (reading and counting "
        f"{result['read_seconds']:.1f} s; HTML {result['html_bytes'] / 1e6:.1f} MB). Target (issue 15): under "
        f"{result['target_seconds']:.0f} s: {'met' if ok else '**not met**'}.",
        "",
    ]


if __name__ == "__main__":  # python -m benchmark.insights [conversations]
    with tempfile.TemporaryDirectory(prefix="insights-") as tmp:
        print(json.dumps(bench_insights(Path(tmp), int(sys.argv[1]) if len(sys.argv) > 1 else 10_000), indent=2))
