"""`make review` in a pseudo-terminal (pexpect): two groups labelled, the exact lines appended, nothing else changed.

The store is a SQLite events table seeded directly (no server); the inbox works on a copy of data/nlu/ and a state
file in the test's folder (--data, --state), never on the repo's data.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import time

import pexpect
import pytest
import sqlalchemy as sa

from insights.review import intents, text_key
from insights.review_file import HEADER
from tests.support.paths import ROOT

NOW = time.time()


def _rows(sender, at, text, intent, reply):
    parse = {"intent": {"name": intent, "confidence": 0.8}, "text": text}
    user = {"event": "user", "timestamp": at, "text": text, "parse_data": parse, "metadata": {}}
    bot = {"event": "bot", "timestamp": at + 0.1, "text": "...", "metadata": {"utter_action": reply}, "data": {}}
    return [
        (sender, "user", at, intent, None, json.dumps(user)),
        (sender, "bot", at + 0.1, None, None, json.dumps(bot)),
    ]


def seed(path):
    """Three groups: a not_covered question (3 messages), a fallback with an e-mail address (2), one more (1)."""
    messages = [
        ("welke matras is goed voor mijn rug", "not_covered", "utter_not_covered"),
        ("welke matras is goed voor mijn rug", "not_covered", "utter_not_covered"),
        ("welk matras is goed voor mijn rug?", "not_covered", "utter_not_covered"),
        ("kan ik met rugpijn naar de sauna, mail jan@example.nl", "nlu_fallback", "utter_fallback"),
        ("kan ik met rugpijn naar de sauna, mail jan@example.nl", "nlu_fallback", "utter_fallback"),
        ("wat is dat ding in mijn rug", "nlu_fallback", "utter_fallback"),
    ]
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, timestamp REAL, "
            "intent_name TEXT, action_name TEXT, data TEXT)"
        )
        for i, (text, intent, reply) in enumerate(messages):
            for row in _rows(f"review-{i}", NOW - 3600 * (i + 1), text, intent, reply):
                connection.exec_driver_sql(
                    "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    row,
                )
    engine.dispose()


@pytest.fixture
def inbox(tmp_path):
    db = tmp_path / "conversations.db"
    seed(db)
    nlu = tmp_path / "nlu"
    shutil.copytree(ROOT / "data" / "nlu", nlu)
    state = tmp_path / "state" / "reviewed.json"
    snapshot = {path.name: path.read_bytes() for path in nlu.iterdir()}  # the copy as it was (others edit data/)

    def spawn():
        command = [
            *("-m", "insights", "review", "--db", f"sqlite:///{db}"),
            *("--data", str(nlu / "review.yml"), "--state", str(state)),
        ]
        env = dict(os.environ, RETENTION_DAYS="30", TERM="xterm", PYTHONWARNINGS="ignore")
        return pexpect.spawn(
            sys.executable, command, cwd=str(ROOT), env=env, encoding="utf-8", timeout=60, dimensions=(50, 200)
        )

    return spawn, nlu, state, snapshot


PROMPT = r"intent \(number, name, o, n, s, q\)> "
TEXT = "text> "
CLEAR_LINE = "\x15"  # Ctrl-U: readline's unix-line-discard


def test_two_groups_labelled_in_the_terminal_append_exactly_their_edited_lines(inbox):
    spawn, nlu, state, snapshot = inbox
    hernia = intents().index("faq/hernia") + 1
    child = spawn()
    child.expect("3 groups to review")
    child.expect(PROMPT)
    assert "3x" in child.before and "welke matras is goed voor mijn rug" in child.before
    child.sendline("nonsense")
    child.expect("not one of the list")
    child.expect(PROMPT)
    child.sendline("n")
    child.expect(TEXT)
    child.sendline("")  # the prefilled text as it is: the visitor's own words, refused
    child.expect("still the visitor's own text")
    child.expect(TEXT)
    child.sendline(CLEAR_LINE + "welk matras raad je aan bij lage rugpijn")
    child.expect(TEXT)
    child.sendline("")  # done with this group
    child.expect(PROMPT)
    assert "<e-mail>" in child.before and "jan@example.nl" not in child.before  # shown masked
    child.sendline(str(hernia))
    child.expect(TEXT)
    child.sendline("")  # still holds the placeholder
    child.expect("e-mail address")
    child.expect(TEXT)
    child.sendline(CLEAR_LINE + "mag ik naar de sauna als mijn onderrug pijn doet")
    child.expect(TEXT)
    child.sendline(CLEAR_LINE + "is een sauna goed voor een hernia")
    child.expect(TEXT)
    child.sendline("")
    child.expect(PROMPT)
    child.sendline("q")
    child.expect("2 groups labelled, 3 examples appended")
    child.expect("make train")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    today = dt.date.today().isoformat()
    assert (nlu / "review.yml").read_text(encoding="utf-8") == HEADER + (
        "- intent: not_covered\n"
        "  examples:\n"
        '  - text: "welk matras raad je aan bij lage rugpijn"\n'
        "    metadata:\n"
        "      source: review\n"
        f"      reviewed: '{today}'\n"
        "- intent: faq/hernia\n"
        "  examples:\n"
        '  - text: "mag ik naar de sauna als mijn onderrug pijn doet"\n'
        "    metadata:\n"
        "      source: review\n"
        f"      reviewed: '{today}'\n"
        '  - text: "is een sauna goed voor een hernia"\n'
        "    metadata:\n"
        "      source: review\n"
        f"      reviewed: '{today}'\n"
    )
    after = {path.name: path.read_bytes() for path in nlu.iterdir()}
    assert sorted(after) == sorted([*snapshot, "review.yml"])
    assert {name: data for name, data in after.items() if name != "review.yml"} == snapshot  # nothing else changed

    remembered = json.loads(state.read_text())["reviewed"]
    assert set(remembered) == {
        text_key("welke matras is goed voor mijn rug"),
        text_key("welk matras is goed voor mijn rug?"),
        text_key("kan ik met rugpijn naar de sauna, mail jan@example.nl"),
    }
    assert "matras" not in state.read_text() and "jan@" not in state.read_text()  # hashes, never the texts

    # Remembered: the next run shows only the group left; skipped, it is gone too and nothing more is appended.
    before = (nlu / "review.yml").read_text(encoding="utf-8")
    child = spawn()
    child.expect("1 groups to review")
    child.expect(PROMPT)
    child.sendline("s")
    child.expect("0 groups labelled, 0 examples appended")
    child.expect(pexpect.EOF)
    child = spawn()
    child.expect("0 groups to review")
    child.expect(pexpect.EOF)
    assert (nlu / "review.yml").read_text(encoding="utf-8") == before


def test_the_review_file_is_valid_rasa_training_data(inbox, tmp_path):
    from rasa.shared.nlu.training_data.loading import load_data

    from insights.review_file import append

    path = tmp_path / "nlu" / "review.yml"
    append(path, "faq/hernia", ["wat is een hernia nou precies", 'met "aanhalingstekens" en # hekje'], "2026-12-01")
    append(path, "not_covered", ["welk matras is goed"], "2026-12-02")
    data = load_data(str(path))
    examples = [(m.get("text"), m.get("intent"), m.get("metadata")) for m in data.intent_examples]
    assert examples == [
        ("wat is een hernia nou precies", "faq", {"example": {"source": "review", "reviewed": "2026-12-01"}}),
        ('met "aanhalingstekens" en # hekje', "faq", {"example": {"source": "review", "reviewed": "2026-12-01"}}),
        ("welk matras is goed", "not_covered", {"example": {"source": "review", "reviewed": "2026-12-02"}}),
    ]
