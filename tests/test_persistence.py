"""Conversations survive restarts: `make run` (scripts/run.sh + endpoints.yml) keeps them in a SQLite file."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import time
import uuid

import pytest
import requests

from tests.conftest import MODEL, ROOT, Assistant, _free_port

FORM_START = "welke oefeningen kan ik doen?"


class RunScript(Assistant):
    """scripts/run.sh (what `make run` starts) on free ports, with the conversations in `tracker_db`."""

    def __init__(self, workdir, tracker_db):
        port = _free_port()
        super().__init__(port, uuid.uuid4().hex)
        self.env = dict(os.environ, RASA_PORT=str(port), ACTION_PORT=str(_free_port()),
                        RASA_AUTH_TOKEN=self.token, TRACKER_DB=str(tracker_db))
        self.log_path = workdir / f"run-{self.env['RASA_PORT']}.log"
        self.process = None

    def start(self, timeout: float = 240) -> RunScript:
        if not MODEL.exists():
            pytest.fail(f"{MODEL} is missing: run `make train` first")
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen([str(ROOT / "scripts" / "run.sh")], cwd=ROOT, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"scripts/run.sh stopped while starting:\n{self.log_path.read_text()[-3000:]}")
            try:
                if requests.get(f"{self.url}/status", params={"token": self.token}, timeout=2).ok:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.5)
        self.stop()
        pytest.fail(f"scripts/run.sh did not start in time:\n{self.log_path.read_text()[-3000:]}")

    def stop(self, sig: int = signal.SIGINT) -> None:
        """Stop it as Ctrl-C in the terminal does (the whole process group)."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, sig)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def _texts(replies):
    return [reply.get("text", "") for reply in replies]


def _response_texts(server, name):
    domain = requests.get(f"{server.url}/domain", params={"token": server.token},
                          headers={"Accept": "application/json"}, timeout=30).json()
    return {variant["text"] for variant in domain["responses"].get(name, [])}


@pytest.mark.integration
def test_a_conversation_continues_mid_form_after_a_restart(tmp_path):
    tracker_db = tmp_path / "conversations.db"
    sender = f"restart-{uuid.uuid4().hex[:10]}"
    first = RunScript(tmp_path, tracker_db).start()
    try:
        first.say(sender, FORM_START)
        replies = _texts(first.say(sender, "al een week of drie"))
        assert replies and replies[-1] in _response_texts(first, "utter_ask_exercise_recommendation_form_uitstraling")
    finally:
        first.stop()

    # The conversation is in the file TRACKER_DB names (not in memory, not in another file).
    assert tracker_db.is_file(), f"nothing was written to TRACKER_DB={tracker_db}"
    with sqlite3.connect(tracker_db) as connection:
        stored = connection.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0]
    assert stored > 0

    second = RunScript(tmp_path, tracker_db).start()
    try:
        replies = _texts(second.say(sender, "alleen in mijn onderrug"))
        assert replies and replies[-1] in _response_texts(second, "utter_ask_exercise_recommendation_form_pijnscore")
        tracker = second.tracker(sender)
        assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == [
            FORM_START, "al een week of drie", "alleen in mijn onderrug"]
        assert tracker["active_loop"]["name"] == "exercise_recommendation_form"
        assert tracker["slots"]["klachtduur"] and tracker["slots"]["uitstraling"]
    finally:
        second.stop()


def test_the_strict_store_reads_back_what_an_earlier_process_stored(tmp_path):
    """The same check without servers: a second store instance on the file finds the conversation whole."""
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from assistant.tracker_store import StrictSQLTrackerStore

    db = str(tmp_path / "conversations.db")
    domain = Domain.from_yaml((ROOT / "domain.yml").read_text(encoding="utf-8"))
    events = [ActionExecuted("action_listen"), UserUttered(FORM_START, {"name": "exercise_recommendation"}),
              ActionExecuted("exercise_recommendation_form"), ActiveLoop("exercise_recommendation_form"),
              SlotSet("requested_slot", "klachtduur"), BotUttered("Hoe lang heb je de rugpijn al?"),
              ActionExecuted("action_listen")]
    first = StrictSQLTrackerStore(domain=domain, dialect="sqlite", db=db)
    asyncio.run(first.save(DialogueStateTracker.from_events("s1", events, domain.slots)))
    first.engine.dispose()

    second = StrictSQLTrackerStore(domain=domain, dialect="sqlite", db=db)
    tracker = asyncio.run(second.retrieve("s1"))
    assert [e.as_dict()["event"] for e in tracker.events] == [e.as_dict()["event"] for e in events]
    assert tracker.active_loop_name == "exercise_recommendation_form"
    assert tracker.get_slot("requested_slot") == "klachtduur"
    # Saving again stores only the new events.
    tracker.update(UserUttered("al een week of drie", {"name": "inform"}))
    asyncio.run(second.save(tracker))
    assert len(asyncio.run(second.retrieve("s1")).events) == len(events) + 1
