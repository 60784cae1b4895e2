"""Privacy by design: export, erasure and retention (scripts/privacy.py) on real SQLite and PostgreSQL databases,
no message text in the logs, and a RabbitMQ queue whose events expire (real RabbitMQ)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid

import pytest
import yaml

from tests.support.paths import ROOT
from tests.support.rabbitmq import rabbitmq_delete, rabbitmq_queue_count
from tests.support.services import address

PRIVACY = [sys.executable, str(ROOT / "scripts" / "privacy.py")]
DAY = 24 * 60 * 60
NOW = time.time()


# ---- conversations written by Rasa's own SQL tracker store --------------------------------------------------------


def _session(start: float, texts, sender_tag: str):
    """The events of one session as Rasa stores them, starting at `start` (one minute per turn)."""
    from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered

    events = [
        ActionExecuted("action_session_start", timestamp=start),
        SessionStarted(timestamp=start),
        ActionExecuted("action_listen", timestamp=start),
    ]
    for turn, text in enumerate(texts):
        at = start + 60 * (turn + 1)
        events += [
            UserUttered(f"{text} [{sender_tag}]", {"name": "greet", "confidence": 1.0}, timestamp=at),
            ActionExecuted("utter_greet", timestamp=at + 1),
            BotUttered(f"antwoord {turn} [{sender_tag}]", timestamp=at + 1),
            ActionExecuted("action_listen", timestamp=at + 2),
        ]
    return events


def _write(url: str, conversations) -> None:
    """Store {sender: [events]} with rasa.core.tracker_store.SQLTrackerStore (the format the CLI must read)."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    store = SQLTrackerStore(domain=Domain.empty(), host=url)
    for sender, events in conversations.items():
        asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))
    store.engine.dispose()


def _read(url: str, sender: str):
    """What Rasa's SQL tracker store now returns for the sender (latest session), or None."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    store = SQLTrackerStore(domain=Domain.empty(), host=url)
    try:
        return asyncio.run(store.retrieve(sender))
    finally:
        store.engine.dispose()


def _cli(*args, env=None, cwd=ROOT):
    return subprocess.run(
        [*PRIVACY, *args], capture_output=True, text=True, cwd=cwd, timeout=120, env=dict(os.environ, **(env or {}))
    )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services("postgresql"))])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'conversations.db'}"
    return request.getfixturevalue("postgres_database").url()


@pytest.fixture
def stored(database_url):
    """Three conversations: old only (40 days), old + recent session, recent only."""
    senders = {name: f"{name}-{uuid.uuid4().hex[:8]}" for name in ("old", "mixed", "recent")}
    conversations = {
        senders["old"]: _session(NOW - 40 * DAY, ["hallo", "ik heb last van mijn onderrug"], "old"),
        senders["mixed"]: _session(NOW - 45 * DAY, ["mijn rug doet zeer"], "mixed-1")
        + _session(NOW - 2 * DAY, ["weer pijn", "welke oefeningen?"], "mixed-2"),
        senders["recent"]: _session(NOW - 3600, ["goedemorgen"], "recent"),
    }
    _write(database_url, conversations)
    return database_url, senders, conversations


def test_export_gives_exactly_one_conversation_in_order(stored):
    url, senders, conversations = stored
    result = _cli("--db", url, "export", senders["mixed"])
    assert result.returncode == 0, result.stderr
    exported = json.loads(result.stdout)
    assert exported["sender_id"] == senders["mixed"]
    expected = [event.as_dict() for event in conversations[senders["mixed"]]]
    assert [(e["event"], e.get("text"), e["timestamp"]) for e in exported["events"]] == [
        (e["event"], e.get("text"), e["timestamp"]) for e in expected
    ]
    assert [line["text"] for line in exported["transcript"]] == [
        "mijn rug doet zeer [mixed-1]",
        "antwoord 0 [mixed-1]",
        "weer pijn [mixed-2]",
        "antwoord 0 [mixed-2]",
        "welke oefeningen? [mixed-2]",
        "antwoord 1 [mixed-2]",
    ]
    assert "[old]" not in result.stdout and "[recent]" not in result.stdout


def test_export_to_a_file_is_private(stored, tmp_path):
    url, senders, _ = stored
    out = tmp_path / "export.json"
    result = _cli("--db", url, "export", senders["old"], "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.stat().st_mode & 0o077 == 0
    assert json.loads(out.read_text())["sender_id"] == senders["old"]


def test_delete_erases_one_conversation_and_nothing_else(stored):
    url, senders, _ = stored
    result = _cli("--db", url, "delete", senders["mixed"])
    assert result.returncode == 0, result.stderr
    assert _read(url, senders["mixed"]) is None
    assert _cli("--db", url, "export", senders["mixed"]).returncode == 1
    assert _read(url, senders["old"]) is not None and _read(url, senders["recent"]) is not None
    again = _cli("--db", url, "delete", senders["mixed"])
    assert again.returncode == 1 and "No conversation" in again.stderr


def test_forget_old_deletes_whole_sessions_older_than_the_retention(stored):
    url, senders, conversations = stored
    dry = _cli("--db", url, "forget-old", "--days", "30", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    old_events = len(conversations[senders["old"]]) + len(_session(0, ["x"], "x"))
    assert f"Would delete {old_events} events of 2 conversations" in dry.stdout
    assert _read(url, senders["old"]) is not None

    result = _cli("--db", url, "forget-old", "--days", "30")
    assert result.returncode == 0, result.stderr
    assert f"Deleted {old_events} events of 2 conversations" in result.stdout
    assert _read(url, senders["old"]) is None
    mixed = json.loads(_cli("--db", url, "export", senders["mixed"]).stdout)
    assert all("[mixed-2]" in line["text"] for line in mixed["transcript"])  # the recent session is whole
    assert len(mixed["events"]) == len(_session(0, ["a", "b"], "x"))
    tracker = _read(url, senders["mixed"])  # Rasa still reads the rest as a valid conversation
    assert tracker.latest_message.text == "welke oefeningen? [mixed-2]"
    assert len(json.loads(_cli("--db", url, "export", senders["recent"]).stdout)["events"]) == len(
        conversations[senders["recent"]]
    )
    assert "Deleted 0 events of 0 conversations" in _cli("--db", url, "forget-old", "--days", "30").stdout


def test_the_cli_finds_the_sqlite_store_through_the_endpoints_file(tmp_path):
    db = tmp_path / "gesprekken.db"
    sender = f"ep-{uuid.uuid4().hex[:8]}"
    _write(f"sqlite:///{db}", {sender: _session(NOW, ["hallo"], "ep")})
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        "action_endpoint:\n  url: ${UNSET_ACTION_ENDPOINT_URL}\n"
        "tracker_store:\n  type: assistant.tracker_store.StrictSQLTrackerStore\n"
        "  dialect: sqlite\n  db: ${TRACKER_DB}\n"
    )
    result = _cli("--endpoints", str(endpoints), "export", sender, env={"TRACKER_DB": str(db)})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["transcript"][0]["text"] == "hallo [ep]"


@pytest.mark.services("postgresql")
def test_the_cli_finds_the_postgresql_store_through_the_production_profile(postgres_database):
    sender = f"prod-{uuid.uuid4().hex[:8]}"
    _write(postgres_database.url(), {sender: _session(NOW, ["goedendag"], "prod")})
    # Only the tracker store's variables are needed (not Redis', RabbitMQ's, ...).
    env = dict(
        TRACKER_DB_HOST=postgres_database.host,
        TRACKER_DB_PORT=str(postgres_database.port),
        TRACKER_DB_NAME=postgres_database.name,
        TRACKER_DB_USER=postgres_database.user,
        TRACKER_DB_PASSWORD="",
    )
    result = _cli("--endpoints", str(ROOT / "endpoints.production.yml"), "export", sender, env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["transcript"][0]["text"] == "goedendag [prod]"
    assert _cli("--endpoints", str(ROOT / "endpoints.production.yml"), "delete", sender, env=env).returncode == 0
    assert _read(postgres_database.url(), sender) is None


def test_configuration_problems_are_clear_errors(tmp_path):
    missing = _cli("--db", f"sqlite:///{tmp_path / 'nope.db'}", "export", "x")
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    memory = tmp_path / "endpoints.yml"
    memory.write_text("action_endpoint:\n  url: http://localhost:5055/webhook\n")
    result = _cli("--endpoints", str(memory), "forget-old", "--days", "30")
    assert result.returncode == 2 and "no tracker_store" in result.stderr
    unset = tmp_path / "unset.yml"
    unset.write_text("tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: ${UNSET_TRACKER_DB_FOR_TEST}\n")
    result = _cli("--endpoints", str(unset), "export", "x")
    assert result.returncode == 2 and "UNSET_TRACKER_DB_FOR_TEST" in result.stderr
    unreachable = _cli("--db", "postgresql://postgres@127.0.0.1:1/rasa", "export", "x")
    assert unreachable.returncode == 2 and "cannot reach" in unreachable.stderr


def _profile_variables():
    import re

    return sorted(set(re.findall(r"\$\{(\w+)\}", (ROOT / "endpoints.production.yml").read_text())))


# ---- no message text in the logs ----------------------------------------------------------------------------------

LEAK_SCRIPT = r"""
import logging, sys, warnings
warnings.simplefilter("always")
from rasa.utils.log_utils import configure_structlog
configure_structlog(logging.INFO)
if sys.argv[1] == "redacted":
    from assistant.serve import prepare
    prepare()
from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.message import Message
import structlog
domain = Domain.from_dict({"intents": ["greet"]})
YAMLStoryReader.unpack_regex_message(Message({"text": "/@geheim1 mijn rug"}), domain)     # message.parsing.failed
YAMLStoryReader.unpack_regex_message(Message({"text": "/geheim2 ik heb pijn"}), domain)   # unknown intent warning
structlog.get_logger().error("rest.message.received.failure", text="geheim3 mijn buik")  # REST channel failure
structlog.get_logger().debug("processor.debug", text="debugtekst")                      # debug: not redacted
"""


@pytest.mark.parametrize("mode", ["plain", "redacted"])
def test_rasa_logs_no_message_text_once_redaction_is_installed(mode):
    """Rasa's own code paths that log message text at INFO and above, with and without our redaction."""
    result = subprocess.run(
        [sys.executable, "-c", LEAK_SCRIPT, mode],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env=dict(os.environ, PYTHONWARNINGS="ignore::DeprecationWarning"),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    output = result.stdout + result.stderr
    leaked = [secret for secret in ("geheim1", "geheim2", "geheim3") if secret in output]
    if mode == "plain":
        assert leaked == ["geheim1", "geheim2", "geheim3"], "the test no longer reproduces Rasa's leaks"
    else:
        assert leaked == [], output[-3000:]
        assert output.count("[redacted]") >= 3


@pytest.mark.model
@pytest.mark.services("postgresql")
def test_the_served_assistant_logs_no_message_text(guarded_server):
    import requests

    server = guarded_server.server
    for text in ["/@zadel-geheimA", "/geheimB ik heb pijn", "mijn geheimC rugpijn is erg"]:
        response = requests.post(
            f"{server.url}/webhooks/rest/webhook", timeout=60, json={"sender": server.new_sender(), "message": text}
        )
        assert response.ok, text
    time.sleep(1)
    log = server.log()
    for secret in ("zadel-geheimA", "geheimB", "geheimC"):
        assert secret not in log
    assert "[redacted]" in log  # the leaking paths were hit, and redacted


# ---- RabbitMQ: events expire ---------------------------------------------------------------------------------------


async def _publish_through_the_profile(env) -> None:
    """The production profile's event broker, created by Rasa from endpoints.production.yml."""
    from rasa.core.brokers.broker import EventBroker
    from rasa.core.utils import read_endpoints_from_path

    old = dict(os.environ)
    os.environ.update(env)
    try:
        endpoints = read_endpoints_from_path(str(ROOT / "endpoints.production.yml"))
    finally:
        os.environ.clear()
        os.environ.update(old)
    broker = await EventBroker.create(endpoints.event_broker)
    assert type(broker).__name__ == "RetentionPikaEventBroker"
    broker.publish({"sender_id": "ttl-test", "event": "user", "text": "test", "timestamp": time.time()})
    await asyncio.sleep(0.5)
    await broker.close()


@pytest.mark.services("rabbitmq")
def test_the_event_queue_drops_events_after_the_retention_period():
    host, port = address("rabbitmq")
    queue, exchange = f"rasa_ttl_test_{uuid.uuid4().hex[:8]}", f"rasa_ttl_test_{uuid.uuid4().hex[:8]}"
    ttl_days = 2 / DAY  # two seconds, so the test can watch it happen
    env = {name: "unused" for name in _profile_variables()}
    env.update(
        RABBITMQ_HOST=host,
        RABBITMQ_PORT=str(port),
        RABBITMQ_USER="guest",
        RABBITMQ_PASSWORD="guest",
        RABBITMQ_QUEUE=queue,
        RABBITMQ_EXCHANGE=exchange,
        EVENT_RETENTION_DAYS=repr(ttl_days),
    )
    try:
        asyncio.run(_publish_through_the_profile(env))
        assert asyncio.run(rabbitmq_queue_count(queue)) == 1
        # The queue really carries x-message-ttl = 2000 ms: RabbitMQ accepts only an equivalent re-declaration.
        assert asyncio.run(rabbitmq_queue_count(queue, {"x-message-ttl": 2000}, passive=False)) == 1
        deadline = time.time() + 15
        while asyncio.run(rabbitmq_queue_count(queue)) and time.time() < deadline:
            time.sleep(0.5)
        assert asyncio.run(rabbitmq_queue_count(queue)) == 0, "the event outlived the retention period"
    finally:
        asyncio.run(rabbitmq_delete(queue, exchange))


def test_the_production_profile_ties_the_queue_ttl_to_the_retention_period():
    profile = yaml.safe_load((ROOT / "endpoints.production.yml").read_text())
    assert profile["event_broker"]["message_ttl_days"] == "${EVENT_RETENTION_DAYS}"
    from assistant.event_broker import RetentionPikaEventBroker, ttl_milliseconds

    assert ttl_milliseconds("30") == 30 * DAY * 1000
    from rasa.shared.exceptions import RasaException

    with pytest.raises(RasaException, match="message_ttl_days"):
        RetentionPikaEventBroker("localhost", "guest", "guest", queues=["q"])
    for bad in ("0", "-1", "dertig"):
        with pytest.raises(RasaException):
            ttl_milliseconds(bad)
