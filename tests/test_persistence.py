"""Conversations survive restarts: `make run` (scripts/run.sh + endpoints.yml) keeps them in a SQLite file."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import uuid

import pytest
import requests

from tests.support.paths import ROOT
from tests.support.processes import RunScript

FORM_START = "welke oefeningen kan ik doen?"


def _texts(replies):
    return [reply.get("text", "") for reply in replies]


def _response_texts(server, name):
    domain = requests.get(
        f"{server.url}/domain", params={"token": server.token}, headers={"Accept": "application/json"}, timeout=30
    ).json()
    return {variant["text"] for variant in domain["responses"].get(name, [])}


@pytest.mark.model
def test_a_conversation_continues_mid_form_after_a_restart(tmp_path):
    tracker_db = tmp_path / "conversations.db"
    sender = f"restart-{uuid.uuid4().hex[:10]}"
    first = RunScript(tmp_path, tracker_db).start()
    try:
        first.say(sender, FORM_START)
        replies = _texts(first.say(sender, "al een week of drie"))
        assert replies and replies[-1] in _response_texts(first, "utter_ask_exercise_recommendation_form_uitstraling")
    finally:
        first.stop(signal.SIGINT)

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
            FORM_START,
            "al een week of drie",
            "alleen in mijn onderrug",
        ]
        assert tracker["active_loop"]["name"] == "exercise_recommendation_form"
        assert tracker["slots"]["klachtduur"] and tracker["slots"]["uitstraling"]
    finally:
        second.stop(signal.SIGINT)


def test_the_strict_store_reads_back_what_an_earlier_process_stored(tmp_path):
    """The same check without servers: a second store instance on the file finds the conversation whole."""
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from assistant.serve import prepare
    from assistant.tracker_store import StrictSQLTrackerStore

    prepare()  # as `python -m assistant.serve` does: the store refuses to start without the patches
    db = str(tmp_path / "conversations.db")
    domain = Domain.from_yaml((ROOT / "domain.yml").read_text(encoding="utf-8"))
    events = [
        ActionExecuted("action_listen"),
        UserUttered(FORM_START, {"name": "exercise_recommendation"}),
        ActionExecuted("exercise_recommendation_form"),
        ActiveLoop("exercise_recommendation_form"),
        SlotSet("requested_slot", "klachtduur"),
        BotUttered("Hoe lang heb je de rugpijn al?"),
        ActionExecuted("action_listen"),
    ]
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


def test_the_sqlite_store_keeps_its_connections_and_serves_any_thread(tmp_path):
    """One connection for many turns (not one opened and tuned per session), usable from another thread too
    (the privacy export and the insights report read in threads)."""
    import threading

    import sqlalchemy as sa
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from assistant.serve import prepare
    from assistant.tracker_store import StrictSQLTrackerStore

    prepare()
    domain = Domain.from_yaml((ROOT / "domain.yml").read_text(encoding="utf-8"))
    store = StrictSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "conversations.db"))
    opened = []
    sa.event.listen(store.engine, "connect", lambda *_: opened.append(1))
    tracker = DialogueStateTracker.from_events("s1", [ActionExecuted("action_listen")], domain.slots)
    for turn in range(20):
        tracker.update(UserUttered(f"vraag {turn}", {"name": "faq"}))
        asyncio.run(store.save(tracker))
        asyncio.run(store.retrieve("s1"))
    assert len(opened) <= 1

    found = []
    reader = threading.Thread(target=lambda: found.append(asyncio.run(store.retrieve("s1"))))
    reader.start()
    reader.join()
    assert [e.text for e in found[0].events if isinstance(e, UserUttered)][-1] == "vraag 19"
