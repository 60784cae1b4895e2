"""`make report` on a real tracker store seeded through the served assistant (REST), on SQLite and PostgreSQL:
the numbers against what was sent, masked data masked, a deleted conversation gone; the report served at
/insights/ behind the API token (channels/insights_report.py); and the channel's token check (unit)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import uuid

import pytest
import requests

from channels.insights_report import authorised, presented_token
from insights.turns import answer_topics, topic_of
from tests.support.paths import ROOT
from tests.support.processes import RunScript

TOKEN = "s3cret-token"


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.parametrize(
    "header, presented, ok",
    [
        (f"Bearer {TOKEN}", TOKEN, True),
        (f"bearer  {TOKEN} ", TOKEN, True),
        (_basic("team", TOKEN), TOKEN, True),
        (_basic("", TOKEN), TOKEN, True),
        (_basic("team", "wrong"), "wrong", False),
        ("Bearer wrong", "wrong", False),
        (f"Token {TOKEN}", None, False),
        ("Basic !!!", None, False),
        (_basic("team", ""), None, False),
        ("Bearer", None, False),
        (None, None, False),
    ],
)
def test_the_report_needs_the_api_token_in_the_header(header, presented, ok):
    assert presented_token(header) == presented
    assert authorised(header, TOKEN) is ok


def test_without_a_configured_token_nothing_is_authorised():
    assert not authorised("Bearer x", None) and not authorised("Bearer ", "")


# ---- the served assistant, its store, the report ----------------------------------------------------------------

CANARY = "zwaluwstaart"
CONVERSATIONS = {
    "faq": ["hallo", "Hoe lang duurt rugpijn meestal?", "/faq/radiating_pain"],
    "fallback": ["mail me op jan.jansen@example.com of 0612345678", "wat zijn de openingstijden van de dierentuin?"],
    "not_covered": ["heb ik een MRI nodig voor mijn rug?", "wat is de beste matras?"],
    "alarm": ["ik heb koorts en mijn onderrug doet zeer"],
    "crisis": ["ik zie het echt niet meer zitten door die pijn"],
    "abandoned": ["welke oefeningen kan ik doen?", "een week of drie"],
    "finished": ["welke oefeningen kan ik doen?", "een week of drie", "nee, alleen in mijn rug", "een 5"]
    + ["nee, geen daarvan", "nee, niks van dat"],  # the contraindication question, then the screening question
    "deleted": [f"mijn {CANARY} doet pijn, bel 0698765432", "welke oefeningen kan ik doen?"],
}
PERSONAL = ("jan.jansen@example.com", "0612345678", "0698765432", CANARY)


def _replies(tracker):
    """Per user turn, the names of the bot messages after it (as insights/turns.py names them)."""
    turns, last_action = [], ""
    for event in tracker["events"]:
        if event["event"] == "user":
            turns.append([])
        elif event["event"] == "action":
            last_action = event["name"]
        elif event["event"] == "bot" and turns:
            turns[-1].append((event.get("metadata") or {}).get("utter_action") or last_action)
    return turns


def _cli(*args, env):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ, **env}
    )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services("postgresql"))])
def store(request, tmp_path):
    """(endpoints file, environment for the CLIs, extra env for run.sh) of a fresh store."""
    if request.param == "sqlite":
        db = tmp_path / "conversations.db"
        return ROOT / "endpoints.yml", {"TRACKER_DB": str(db)}, {"TRACKER_DB": str(db)}
    database = request.getfixturevalue("postgres_database")
    endpoints = tmp_path / "endpoints.postgres.yml"
    endpoints.write_text(
        "action_endpoint:\n  url: ${ACTION_ENDPOINT_URL}\n"
        "tracker_store:\n  type: assistant.tracker_store.StrictSQLTrackerStore\n  dialect: postgresql\n"
        f"  url: {database.host}\n  port: {database.port}\n  db: {database.name}\n  username: {database.user}\n"
    )
    return endpoints, {}, {"ENDPOINTS": str(endpoints)}


@pytest.mark.model
def test_the_report_counts_what_was_sent_masks_it_and_forgets_the_deleted(store, tmp_path):
    endpoints, cli_env, server_env = store
    out = tmp_path / "report"
    served = RunScript(tmp_path, extra_env={**server_env, "INSIGHTS_REPORT_DIR": str(out)}).start()
    try:
        senders = {name: f"ins-{name}-{uuid.uuid4().hex[:8]}" for name in CONVERSATIONS}
        for name, texts in CONVERSATIONS.items():
            for text in texts:
                assert served.say(senders[name], text), f"no reply to {text!r}"
        trackers = {name: served.tracker(sender) for name, sender in senders.items() if name != "deleted"}

        deleted = _cli("scripts/privacy.py", "--endpoints", str(endpoints), "delete", senders["deleted"], env=cli_env)
        assert deleted.returncode == 0, deleted.stderr
        made = _cli("-m", "insights", "report", "--endpoints", str(endpoints), "--out", str(out), env=cli_env)
        assert made.returncode == 0, made.stderr
        report = json.loads((out / "report.json").read_text())
        page = (out / "report.html").read_text()

        # What was sent, the deleted conversation left out.
        kept = {name: texts for name, texts in CONVERSATIONS.items() if name != "deleted"}
        conv = report["conversations"]
        assert conv["total"] == len(kept)
        assert conv["messages"] == sum(len(texts) for texts in kept.values())
        assert sum(day["conversations"] for day in conv["per_day"]) == len(kept)  # all sent today
        assert conv["length"]["max"] == 6 and conv["length"]["histogram"]["1"] == 2

        # Misses, safety, the questionnaire, the buttons: against the stored answers of what was sent.
        replies = {name: _replies(tracker) for name, tracker in trackers.items()}
        names = [n for turns in replies.values() for turn in turns for n in turn]
        misses = report["misses"]["counts"]
        assert misses["fallback"] == sum(turn[:1] == ["utter_fallback"] for t in replies.values() for turn in t)
        assert misses["not_covered"] == names.count("utter_not_covered") >= 1
        assert misses["fallback"] >= 1
        assert report["safety"]["tiers"]["today"] == 1 and report["safety"]["crisis"] == 1
        quest = report["questionnaire"]
        assert (quest["started"], quest["finished"], quest["abandoned"]) == (2, 1, 1)
        assert quest["abandoned_at"] == {"uitstraling": 1} and quest["abandoned_because"]["left"] == 1
        buttons = {row["payload"]: row for row in report["buttons"]}
        assert buttons["/faq/radiating_pain"]["chosen"] == 1
        topics = answer_topics()
        reached = {
            name
            for name, turns in replies.items()
            if any(topic_of(n, tuple(topics)) in topics and not n.startswith("utter_ask_") for t in turns for n in t)
        }
        assert report["conversations"]["reached_answer"]["conversations"] == len(reached) >= 4
        latency = report["latency"]
        assert latency["with_receive_time"] == conv["messages"] == latency["answers"]  # the REST channel's receive time
        assert 0 < latency["p50_ms"] <= latency["max_ms"] < 60_000

        # Privacy: masked, no conversation ids, the deleted conversation gone.
        shown = json.dumps(report, ensure_ascii=False) + page
        for personal in PERSONAL:
            assert personal not in shown
        for sender in senders.values():
            assert sender not in shown
        questions = [q["text"] for kind in report["misses"]["questions"].values() for q in kind]
        if replies["fallback"][0][:1] == ["utter_fallback"]:
            assert "mail me op <e-mail> of <phone>" in questions
        assert page.count('src="data:image/png;base64,') == 6 and "<script" not in page and "http" not in page

        # Served at /insights/ with the token in a header, never without it or in the URL.
        url = f"{served.url}/insights/"
        assert requests.get(url, timeout=10).status_code == 401
        assert requests.get(url, params={"token": served.token}, timeout=10).status_code == 401
        assert requests.get(url, headers={"Authorization": "Bearer nope"}, timeout=10).status_code == 401
        for header in (f"Bearer {served.token}", _basic("team", served.token)):
            response = requests.get(url, headers={"Authorization": header}, timeout=10)
            assert response.status_code == 200 and response.text == page
            assert "default-src 'none'" in response.headers["Content-Security-Policy"]
            assert response.headers["Cache-Control"] == "no-store"
        numbers = requests.get(f"{url}report.json", headers={"Authorization": f"Bearer {served.token}"}, timeout=10)
        assert numbers.json() == report
        (out / "report.json").unlink()
        gone = requests.get(f"{url}report.json", headers={"Authorization": f"Bearer {served.token}"}, timeout=10)
        assert gone.status_code == 404  # read from disk on each request, never built there
    finally:
        served.stop()
