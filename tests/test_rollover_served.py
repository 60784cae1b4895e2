"""A long conversation over REST, served as `make run` serves it, with a small SESSION_MAX_TURNS: what a visitor
would notice of the rollovers (assistant/rollover.py) is nothing. Answers stay right, an alarm sign given before a
rollover still locks exercises after it, slots are carried, the questionnaire in progress and a follow-up question
about an alarm sign are not cut, and the tracker API and the privacy export still show the whole history.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.support.paths import PYTHON, ROOT
from tests.support.processes import RunScript

pytestmark = pytest.mark.model

LIMIT = 3
FAQ = {
    "hoe lang duurt lage rugpijn meestal?": None,
    "moet ik in bed blijven met rugpijn?": None,
    "helpt warmte tegen rugpijn?": None,
    "mag ik blijven sporten met rugpijn?": None,
}
QUESTIONNAIRE = ["welke oefeningen kan ik doen?", "een week of drie", "nee alleen in mijn rug", "5"]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("rollover")
    server = RunScript(workdir, extra_env={"SESSION_MAX_TURNS": str(LIMIT)}).start()
    server.db = workdir / "conversations.db"
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def fresh_topics(served):
    """The topic each FAQ question gets in a conversation of its own: the answer it must keep after a rollover."""
    topics = {}
    for question in FAQ:
        sender = served.new_sender()
        served.say(sender, question)
        topics[question] = _answers_of_turns(served.tracker(sender))[-1][-1]
    return topics


def _answers_of_turns(tracker):
    """Per user turn, what answered it: the bot's response names and the actions (not action_listen)."""
    turns = []
    for event in tracker["events"]:
        if event["event"] == "user":
            turns.append([])
        elif turns and event["event"] == "bot":
            turns[-1].append(event.get("metadata", {}).get("utter_action") or "")
        elif turns and event["event"] == "action" and event["name"] not in ("action_listen", "action_session_start"):
            turns[-1].append(event["name"])
    return turns


def _sessions_before_each_turn(tracker):
    """How many sessions had started when each user message came in."""
    sessions, before = 0, []
    for event in tracker["events"]:
        if event["event"] == "session_started":
            sessions += 1
        elif event["event"] == "user":
            before.append(sessions)
    return before


def _carried(tracker, session):
    """The slots set at the start of the given session (1 = the first), before its first message."""
    count, carried = 0, {}
    for event in tracker["events"]:
        if event["event"] == "session_started":
            count += 1
        elif count == session and event["event"] == "slot":
            carried[event["name"]] = event["value"]
        elif count == session and event["event"] == "user":
            break
    return carried


def test_an_alarm_sign_before_a_rollover_still_locks_after_it_and_answers_stay_right(served, fresh_topics):
    sender = served.new_sender()
    said = ["sinds vanochtend kan ik mijn plas niet meer ophouden", *list(FAQ)[:2]]
    assert "112" in served.say(sender, said[0])[0]["text"]
    for question in said[1:]:
        served.say(sender, question)
    for text in ("welke oefeningen kan ik doen?", *list(FAQ)[2:], "heb je een brace voor mij?"):
        served.say(sender, text)
        said.append(text)

    tracker = served.tracker(sender)
    answers = _answers_of_turns(tracker)
    assert _sessions_before_each_turn(tracker) == [1, 1, 1, 2, 2, 2, 3], "rolled over after every 3 user turns"
    assert _carried(tracker, 2).get("alarm_gemeld") is True
    assert answers[3][0] == "utter_red_flag_reminder", answers  # exercises, after the rollover: still locked
    assert answers[6][0] == "utter_red_flag_reminder", answers  # a product, two rollovers later: still locked
    for turn in (1, 2, 4, 5):
        assert answers[turn][-1] == fresh_topics[said[turn]], (said[turn], answers[turn])

    # The tracker API and the privacy export show every session, every message, in order.
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == said
    export = subprocess.run(
        [str(PYTHON), "scripts/privacy.py", "--db", f"sqlite:///{served.db}", "export", sender],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    exported = json.loads(export.stdout)
    assert [e["text"] for e in exported["events"] if e["event"] == "user"] == said
    assert sum(e["event"] == "session_started" for e in exported["events"]) == 3


def test_the_questionnaire_in_progress_is_not_cut_and_its_slots_are_carried(served):
    sender = served.new_sender()
    said = [*list(FAQ)[:2], *QUESTIONNAIRE]
    for text in said:
        served.say(sender, text)
    # "nee" to what remains (contra-indications, the screening question), as long as the questionnaire asks.
    while served.tracker(sender).get("active_loop", {}).get("name") and len(said) < 10:
        served.say(sender, "nee")
        said.append("nee")
    form_turns = range(2, len(said))
    served.say(sender, list(FAQ)[2])

    tracker = served.tracker(sender)
    answers = _answers_of_turns(tracker)
    assert "action_exercise_recommendation" in answers[form_turns[-1]], answers
    sessions = _sessions_before_each_turn(tracker)
    assert {sessions[turn] for turn in form_turns} == {1}, f"a rollover inside the questionnaire: {sessions}"
    assert sessions[-1] == 2, "the rollover comes with the first message after the questionnaire"
    assert _carried(tracker, 2).get("pijnscore_gesprek") == 5.0
    assert not _carried(tracker, 2).get("alarm_gemeld")


def test_the_answer_to_a_follow_up_question_is_read_in_its_session(served):
    sender = served.new_sender()
    said = [*list(FAQ)[:2], "ik ben de laatste tijd 6 kilo afgevallen", "ja, dat was expres, ik ben op dieet"]
    said.append("welke oefeningen kan ik doen?")
    for text in said:
        served.say(sender, text)

    tracker = served.tracker(sender)
    answers = _answers_of_turns(tracker)
    assert answers[2][0] == "utter_red_flag_ask_weight_loss", answers
    assert answers[3][0] == "utter_red_flag_settled_weight_loss", answers
    assert _sessions_before_each_turn(tracker) == [1, 1, 1, 1, 2]
    assert answers[4][0] == "exercise_recommendation_form", answers  # a settled no locks nothing, also after it
